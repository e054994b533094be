"""Demography: the population ages as the UN variants say, and the retirement delay works.

Runs are paired on the seed: with common random numbers the same persons face the same
deaths in both scenarios, so the comparison sees the scenario, not the noise. Each claim is
checked on several seeds, against the spread of the seeds.
"""

from __future__ import annotations

from functools import cache

import numpy as np

from tests.conftest import annual, config, run_model

SEEDS = (0, 1, 2)


@cache
def _share_65(scenario: str, seed: int) -> np.ndarray:
    model = run_model(config(f"scenario={scenario}", f"seed={seed}", size=4_000, start=2025,
                             end=2050))
    rows = annual(model).query("scheme == 'all'").sort_values("year")
    return rows.share_age_65plus.to_numpy()


def test_share_aged_65_plus_rises_under_baseline() -> None:
    rises = [s[-1] - s[0] for s in (_share_65("baseline", seed) for seed in SEEDS)]
    # UN WPP 2024 medium variant: 14.9 % (2025) -> 30.9 % (2050).
    assert min(rises) > 0.08


def test_fast_aging_ages_faster_than_baseline_and_slow_aging_slower() -> None:
    gaps_fast, gaps_slow = [], []
    for seed in SEEDS:
        base = _share_65("baseline", seed)[-1]
        gaps_fast.append(_share_65("fast_aging", seed)[-1] - base)
        gaps_slow.append(_share_65("slow_aging", seed)[-1] - base)
    for gaps, sign in ((gaps_fast, 1), (gaps_slow, -1)):
        mean, spread = np.mean(gaps), np.std(gaps, ddof=1)
        assert sign * mean > 3 * spread / np.sqrt(len(gaps)), (gaps, sign)


def _retirees_per_worker(delay: bool, seed: int) -> float:
    model = run_model(config(f"benefits.retirement_delay={str(delay).lower()}", f"seed={seed}",
                             size=4_000, start=2025, end=2034))
    employee = annual(model).query("scheme == 'employee'").sort_values("year").iloc[-1]
    return float(employee.retirees / employee.workers)


def test_retirement_delay_lowers_retirees_per_worker() -> None:
    gaps = [_retirees_per_worker(False, s) - _retirees_per_worker(True, s) for s in SEEDS]
    assert np.mean(gaps) > 3 * np.std(gaps, ddof=1) / np.sqrt(len(gaps)), gaps
    assert min(gaps) > 0
