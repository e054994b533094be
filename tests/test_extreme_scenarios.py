"""Extreme scenarios run to the end with sensible output (issue: reliability).

A teacher dragging a slider to its end, or a researcher probing a corner, must get a result
whose every number is finite: a rate with no denominator is written as an empty (null) cell,
never NaN or infinity. Each scenario also shows one property that says the run made sense.
"""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd
import pyarrow.compute as pc
import pyarrow.parquet as pq
import pytest

from sanyi.experiments.run import run
from sanyi.model.configure import compose_dict
from sanyi.model.outputs import OUTPUTS, SUMMARY

SHORT = ["population.size=2000", "population.start_year=2025", "population.end_year=2027",
         "progress=false"]
TIERS = ("primary", "secondary", "tertiary")
SCHEMES = ("employee", "resident")
FULL_REIMBURSEMENT = [
    f"benefits.{scheme}.{key}.{tier}={value}"
    for scheme in SCHEMES for tier in TIERS
    for key, value in (("inpatient_ratio", 1.0), ("out_of_scope_share", 0.0),
                       ("inpatient_deductible_yuan", 0))
]
# No reserve, no employer contribution and everything reimbursed: both funds run out at once.
DEPLETED = [*FULL_REIMBURSEMENT, "benefits.initial_reserve_months_employee=0",
            "benefits.initial_reserve_months_resident=0",
            "benefits.employee_financing.employer_rate=0"]
NO_BIRTHS = [f"scenario.tfr_by_year.{year}=0"
             for year in (2015, 2018, 2019, 2020, 2021, 2022, 2023, 2030, 2050)]


def run_scenario(overrides: list[str], out: Path) -> dict[str, pd.DataFrame]:
    """Run with the short defaults plus ``overrides``; every output file, read back."""
    cfg = compose_dict([*SHORT, *overrides])
    run(cfg, out, overrides=overrides)
    return {name: pd.read_parquet(out / name) for name in OUTPUTS if name != SUMMARY}


def non_finite_columns(folder: Path) -> list[str]:
    """Columns of the Parquet outputs holding NaN or infinity (nulls are allowed: empty)."""
    bad = []
    for name in OUTPUTS:
        if name == SUMMARY:
            continue
        table = pq.read_table(folder / name)
        for column in table.column_names:
            values = table[column]
            if values.type in ("double", "float") and (
                    pc.any(pc.is_nan(values)).as_py() or pc.any(pc.is_inf(values)).as_py()):
                bad.append(f"{name}:{column}")
    summary = json.loads((folder / SUMMARY).read_text())  # json.loads rejects no NaN itself
    bad += [f"{SUMMARY}:{k}" for k, v in summary.items()
            if isinstance(v, float) and not pd.notna(v) or v in (float("inf"), float("-inf"))]
    return bad


def everyone(tables: dict[str, pd.DataFrame]) -> pd.DataFrame:
    annual = tables["annual.parquet"]
    return annual[annual.scheme == "all"].set_index("year")


def scheme_rows(tables: dict[str, pd.DataFrame], scheme: str) -> pd.DataFrame:
    annual = tables["annual.parquet"]
    return annual[annual.scheme == scheme].set_index("year")


CASES = {
    "a population of 50": (["population.size=50"],
                           lambda t: (everyone(t).persons > 0).all()),
    "no births": (NO_BIRTHS,
                  lambda t: everyone(t).births.sum() == 0
                  and everyone(t).persons.is_monotonic_decreasing),
    "zero subsidy": (["benefits.resident_subsidy_factor=0"],
                     lambda t: (scheme_rows(t, "resident").pooled_own_revenue_yuan
                                < 0.5 * scheme_rows(t, "resident").expenditure_yuan).all()),
    "100 % reimbursement": (FULL_REIMBURSEMENT,
                            lambda t: (scheme_rows(t, "employee").oop_share < 0.3).all()),
    "a fund depleted in the first year, topped up": (
        [*DEPLETED, "benefits.on_depletion=top_up"],
        lambda t: scheme_rows(t, "employee").top_up_yuan.iloc[0] > 0
        and (scheme_rows(t, "employee").reserve_yuan >= 0).all()),
    "a fund depleted in the first year, benefits cut": (
        [*DEPLETED, "benefits.on_depletion=benefit_cut"],
        lambda t: scheme_rows(t, "employee").benefit_cut_yuan.iloc[0] > 0
        and scheme_rows(t, "employee").benefit_level.is_monotonic_decreasing
        and scheme_rows(t, "employee").benefit_level.iloc[-1] < 1),
    "a VBP ceiling below every supplier's cost": (
        ["procurement=vbp", "procurement.ceiling_share=0.01",
         "procurement.ceiling_share_by_round.stents=0.01"],
        lambda t: not t["tenders.parquet"].query("year >= 2025").won.any()
        and (everyone(t).drug_units > 0).all()),
    "beds far below demand": (
        [f"population.hospitals.{tier}.beds_per_1000=0.01" for tier in TIERS],
        lambda t: (everyone(t).admissions > 0).all()),
    "a 2100 horizon": (["population.start_year=2030", "population.end_year=2100",
                        "population.size=500"],
                       lambda t: everyone(t).index.max() == 2100),
}


@pytest.mark.parametrize("case", list(CASES))
def test_extreme_scenario_runs_to_the_end_with_finite_sensible_output(
        case: str, tmp_path: Path) -> None:
    overrides, makes_sense = CASES[case]
    tables = run_scenario(overrides, tmp_path)

    assert non_finite_columns(tmp_path) == []
    assert makes_sense(tables)
