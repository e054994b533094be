"""Shared helpers: compose configs the way ``sanyi-run`` does and run small models."""

from __future__ import annotations

import logging
from collections.abc import Callable

import numpy as np
import pandas as pd
import pytest

from sanyi.model import configure, ledger
from sanyi.model.config import SanyiConfig
from sanyi.model.model import SanyiModel

logging.getLogger("MESA").setLevel(logging.WARNING)


def config(*overrides: str, size: int = 5_000, start: int = 2024, end: int = 2025) -> SanyiConfig:
    """A validated config from Hydra overrides (small and short unless told otherwise)."""
    base = [f"population.size={size}", f"population.start_year={start}",
            f"population.end_year={end}", "progress=false"]
    return configure.compose(base + list(overrides))


def run_model(cfg: SanyiConfig) -> SanyiModel:
    model = SanyiModel(cfg)
    model.run()
    return model


def annual(model: SanyiModel) -> pd.DataFrame:
    return ledger.annual_table(model.ledger, model.months, model.scale)


def final(model: SanyiModel, column: str, scheme: str = "all") -> float:
    """A metric of the last simulated year."""
    table = annual(model)
    row = table[(table.scheme == scheme)].sort_values("year").iloc[-1]
    return float(row[column])


SEEDS = (0, 1, 2, 3)


def paired_gaps(metric: Callable[[SanyiModel], float], low: tuple[str, ...],
                high: tuple[str, ...], size: int = 6_000, start: int = 2024, end: int = 2025,
                seeds: tuple[int, ...] = SEEDS) -> np.ndarray:
    """metric(high) - metric(low) at each seed: paired runs meet the same illnesses and deaths."""
    gaps = []
    for seed in seeds:
        a = metric(run_model(config(*low, f"seed={seed}", size=size, start=start, end=end)))
        b = metric(run_model(config(*high, f"seed={seed}", size=size, start=start, end=end)))
        gaps.append(b - a)
    return np.array(gaps)


def clearly_positive(gaps: np.ndarray) -> bool:
    """The mean difference exceeds three standard errors of its seed-to-seed spread."""
    return bool(gaps.mean() > 3 * gaps.std(ddof=1) / np.sqrt(gaps.size))


@pytest.fixture(scope="session")
def small_run() -> SanyiModel:
    """One small two-year run shared by tests that only read its results."""
    return run_model(config("seed=0"))
