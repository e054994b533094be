"""Every output column's ``all`` row follows the rule written for it in ``model/metrics.py``."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from sanyi.model import ledger
from sanyi.model.metrics import MARKET, MEAN_BY, METRICS, RATIO, SUM, SUM_FUNDS, Metric, markdown_table
from sanyi.model.model import SanyiModel

GROUP_ROWS = ("employee", "resident", "uninsured")
README = Path(__file__).resolve().parent.parent / "README.md"


@pytest.fixture(scope="module", params=["annual", "monthly"])
def table(request: pytest.FixtureRequest, small_run: SanyiModel) -> pd.DataFrame:
    build = ledger.annual_table if request.param == "annual" else ledger.monthly_table
    return build(small_run.ledger, small_run.months, small_run.scale)


def _rows(table: pd.DataFrame, column: str) -> dict[str, np.ndarray]:
    keys = [k for k in ("year", "month") if k in table]
    wide = table.pivot_table(index=keys, columns="scheme", values=column, dropna=False,
                             aggfunc="first")
    return {scheme: wide[scheme].to_numpy(dtype=float) for scheme in wide.columns}


def _check(metric: Metric, table: pd.DataFrame) -> None:
    v = _rows(table, metric.name)
    if metric.rule == SUM:
        np.testing.assert_allclose(v["all"], sum(v[g] for g in GROUP_ROWS), rtol=1e-9)
    elif metric.rule == SUM_FUNDS:
        np.testing.assert_allclose(v["all"], v["employee"] + v["resident"], rtol=1e-9)
        assert np.isnan(v["uninsured"]).all()
    elif metric.rule == MEAN_BY:
        w = _rows(table, metric.weight)
        mean = (v["employee"] * w["employee"] + v["resident"] * w["resident"]) / (
            w["employee"] + w["resident"])
        np.testing.assert_allclose(v["all"], mean, rtol=1e-9)
    elif metric.rule == MARKET:
        assert all(np.isnan(v[g]).all() for g in GROUP_ROWS)
        assert np.isfinite(v["all"]).all()
    if metric.rule == RATIO:
        num, den = _rows(table, metric.numerator), _rows(table, metric.denominator)
        per_month = "month" in table
        per = {"year": 12.0 if per_month else 1.0, "months": 1.0 if per_month else 12.0,
               "": 1.0}[metric.per] * metric.factor
        for row in v:
            with np.errstate(divide="ignore", invalid="ignore"):
                expected = np.where(den[row] != 0, num[row] / den[row] * per, np.nan)
            np.testing.assert_allclose(v[row], expected, rtol=1e-9, equal_nan=True)


@pytest.mark.parametrize("metric", METRICS, ids=[m.name for m in METRICS])
def test_the_all_row_follows_the_columns_rule(metric: Metric, table: pd.DataFrame) -> None:
    if metric.name not in table:
        assert metric.annual_only and "month" in table
        return
    _check(metric, table)


def test_every_output_column_has_a_written_rule(table: pd.DataFrame) -> None:
    documented = {m.name for m in METRICS} | {"year", "month", "scheme"}
    assert set(table.columns) <= documented


def test_the_readme_lists_every_column_with_its_rule() -> None:
    assert markdown_table() in README.read_text(encoding="utf-8")


def test_reserve_months_count_the_pooled_fund_only(small_run: SanyiModel) -> None:
    """Personal-account balances are members' money: no claim can be paid from them."""
    annual = ledger.annual_table(small_run.ledger, small_run.months, small_run.scale)
    employee = annual[annual.scheme == "employee"].iloc[-1]
    assert employee.account_balance_yuan > 0
    assert employee.reserve_months == pytest.approx(
        employee.reserve_yuan / employee.pooled_expenditure_yuan * 12)


def test_the_catastrophic_rate_counts_the_years_spending(small_run: SanyiModel) -> None:
    """Booked in December, before the yearly tallies are reset."""
    annual = ledger.annual_table(small_run.ledger, small_run.months, small_run.scale)
    assert (annual[annual.scheme == "all"].catastrophic_rate > 0.01).all()
