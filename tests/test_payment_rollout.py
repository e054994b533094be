"""The historical roll-out of case payment (2021-2024) before the run's payment lever.

A run started before the roll-out pays part of every insured admission by DRG in the listed
years; a run started in 2024 or later, or a lever already paying, never sees it. The
mechanism claim pairs each seed with the same seed without the roll-out (common random
numbers): by 2023, with about half of admissions paid by case, stays are shorter and cost
per admission is lower, by more than three standard errors of the seed-to-seed spread.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from sanyi.model.config import ConfigError
from sanyi.model.policies.payment_rollout import WithRollout
from tests.conftest import SEEDS, annual, config, run_model

NO_ROLLOUT = tuple(f"scenario.case_payment_share_by_year.{y}=0" for y in range(2020, 2025))


def _history_runs(*overrides: str) -> list[pd.DataFrame]:
    tables = []
    for seed in SEEDS:
        model = run_model(config(*overrides, f"seed={seed}", size=6_000, start=2018, end=2023))
        table = annual(model)
        tables.append(table[table.scheme == "all"].set_index("year"))
    return tables


@pytest.fixture(scope="module")
def runs() -> dict[str, list[pd.DataFrame]]:
    return {"rollout": _history_runs(), "ffs": _history_runs(*NO_ROLLOUT)}


def _relative_gaps(runs: dict, metric: str, year: int) -> np.ndarray:
    base = np.array([t.loc[year, metric] for t in runs["ffs"]])
    rolled = np.array([t.loc[year, metric] for t in runs["rollout"]])
    return (rolled - base) / base


def _clearly_negative(gaps: np.ndarray) -> bool:
    se = gaps.std(ddof=1) / np.sqrt(gaps.size)
    return gaps.mean() < -3 * se


def test_the_rollout_shortens_stays_by_2023(runs: dict) -> None:
    assert _clearly_negative(_relative_gaps(runs, "alos_days", 2023))


def test_the_rollout_lowers_cost_per_admission_by_2023(runs: dict) -> None:
    assert _clearly_negative(_relative_gaps(runs, "cost_per_admission_yuan", 2023))


def test_years_before_the_rollout_are_paid_alike(runs: dict) -> None:
    """2018-2020 are fee-for-service in both: same seed, same numbers."""
    for rolled, base in zip(runs["rollout"], runs["ffs"], strict=True):
        pd.testing.assert_frame_equal(rolled.loc[2018:2020], base.loc[2018:2020])


def test_a_run_from_2024_has_no_rollout() -> None:
    model = run_model(config(size=500, start=2024, end=2024))
    assert not isinstance(model.payment, WithRollout)


def test_the_lever_alone_pays_from_its_start_year() -> None:
    """payment=drg from 2022: the history's share counts in 2021 only."""
    model = run_model(config("payment=drg", "payment.start_year=2022", size=500,
                             start=2019, end=2019))
    assert isinstance(model.payment, WithRollout)
    assert [model.payment.share(y) for y in (2020, 2021, 2022, 2023)] == [0.0, 0.1, 0.0, 0.0]


def test_a_share_outside_zero_to_one_is_refused_naming_the_key() -> None:
    with pytest.raises(ConfigError, match=r"scenario\.case_payment_share_by_year\.2022.*1\.5"):
        config("scenario.case_payment_share_by_year.2022=1.5")
