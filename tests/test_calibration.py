"""Started in 2018, the default model reproduces the official statistics of 2019-2023."""

from __future__ import annotations

import pytest

from sanyi.experiments.validate import simulate
from sanyi.model import calibration


@pytest.mark.slow
def test_every_calibration_row_with_a_tolerance_is_within_it() -> None:
    table = calibration.compare(simulate([], seeds=3))
    checked = table[table.within.notna()]
    # Issue 3's classes: revenue and expenditure per enrollee, workers per retiree, 65+ share,
    # inpatient rate, cost per admission, policy-scope reimbursement ratio.
    assert len(checked) >= 45
    misses = checked[~checked.within.astype(bool)]
    assert misses.empty, misses[["year", "metric", "scope", "target", "model", "error"]].to_string()


def test_rows_the_model_cannot_produce_are_listed_with_a_reason() -> None:
    annual = simulate(["population.size=2000", "population.end_year=2019"], seeds=1)
    table = calibration.compare(annual)
    missing = table[table.model.isna() & table.target.notna()]
    assert (missing.note != "").all()
    assert "hospitals" in set(table[table.note == "not produced by the model"].metric)
