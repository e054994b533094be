"""A full small run composed with Hydra's compose API writes the output contract (DESIGN §5)."""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd
from hydra import compose, initialize_config_dir

from sanyi.experiments.run import run
from sanyi.model.config import register_configs
from sanyi.model.configure import CONF_DIR

ANNUAL_COLUMNS = (
    "year scheme enrollees workers retirees revenue_yuan expenditure_yuan balance_yuan "
    "reserve_yuan reserve_months revenue_per_enrollee_yuan expenditure_per_enrollee_yuan "
    "admissions inpatient_rate cost_per_admission_yuan policy_scope_reimbursement_ratio "
    "oop_share catastrophic_rate forgone_care_rate chronic_control_rate deaths qalys "
    "qalys_per_10k_fund_yuan share_age_65plus alos_days drug_share_of_hospital_revenue "
    "primary_care_visit_share upcoding_rate drug_price_index vbp_winner_share supplier_hhi"
).split()
SUMMARY_KEYS = (
    "first_deficit_year depletion_year final_reserve_months qalys_per_10k_fund_yuan "
    "fund_spending_growth_pct_per_year oop_share catastrophic_rate chronic_control_rate seed "
    "overrides sanyi_version wall_seconds"
).split()
OVERRIDES = ["population.size=4000", "population.start_year=2024", "population.end_year=2026",
             "scenario=fast_aging", "seed=3"]


def _composed_run(out: Path) -> dict:
    register_configs()
    with initialize_config_dir(str(CONF_DIR), version_base="1.3"):
        cfg = compose("config", overrides=OVERRIDES)
    return run(cfg, out, overrides=OVERRIDES)


def test_a_composed_run_writes_annual_monthly_and_summary(tmp_path: Path) -> None:
    summary = _composed_run(tmp_path)
    annual = pd.read_parquet(tmp_path / "annual.parquet")
    monthly = pd.read_parquet(tmp_path / "monthly.parquet")
    assert set(ANNUAL_COLUMNS) <= set(annual.columns)
    assert list(annual.scheme.unique()) == ["employee", "resident", "uninsured", "all"]
    assert list(annual.year.unique()) == [2024, 2025, 2026]
    assert len(monthly) == 36 * 4 and {"year", "month", "scheme"} <= set(monthly.columns)
    on_disk = json.loads((tmp_path / "summary.json").read_text())
    assert set(SUMMARY_KEYS) <= set(on_disk)
    assert on_disk["seed"] == 3 and on_disk["overrides"] == OVERRIDES
    assert on_disk["final_reserve_months"] == summary["final_reserve_months"]


def test_money_is_scaled_to_the_represented_population(tmp_path: Path) -> None:
    _composed_run(tmp_path)
    annual = pd.read_parquet(tmp_path / "annual.parquet")
    everyone = annual[annual.scheme == "all"].iloc[0]
    # 4,000 simulated persons stand for a city of 4.24 million.
    assert 3.9e6 < everyone.persons < 4.6e6
    per_enrollee = everyone.expenditure_yuan / everyone.enrollees
    assert per_enrollee == pd.Series(everyone.expenditure_per_enrollee_yuan).iloc[0]


def test_no_file_is_left_half_written(tmp_path: Path) -> None:
    _composed_run(tmp_path)
    assert not [p for p in tmp_path.iterdir() if p.name.startswith(".")]
