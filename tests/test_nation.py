"""Nation-scale runs: one job per province (``+experiment=nation``), national totals
(``sanyi-collect DIR --nation``), and the province data they rest on (docs/nation.md)."""

from __future__ import annotations

import csv
import shutil
from importlib import resources
from pathlib import Path

import pandas as pd
import pytest

from sanyi.experiments.collect import collect, main
from sanyi.experiments.national import NATIONAL_FILE, national
from sanyi.model import nation
from sanyi.model.config import ConfigError
from sanyi.model.validation import validate
from tests.conftest import config
from tests.research_helpers import sweep

# 7th census communique No. 2: the 31 provinces plus 2,000,000 active servicemen, whom no
# province counts, are 1,411,778,724 persons; of them 190,635,280 are aged 65+ (No. 5) and
# 901,991,162 live in towns (No. 7).
NATIONAL_PERSONS, SERVICEMEN = 1_411_778_724, 2_000_000
NATIONAL_65PLUS, NATIONAL_URBAN = 190_635_280, 901_991_162
SWEPT = ("guangdong", "liaoning", "tibet")  # the youngest-but-one, the oldest, the youngest
SMALL = ["population.size=1000", "population.start_year=2025", "population.end_year=2026", "progress=false"]


def test_the_31_provinces_add_up_to_the_census_total_without_the_servicemen() -> None:
    provinces = nation.provinces()

    total = sum(p.population for p in provinces.values())

    assert len(provinces) == 31
    assert total + SERVICEMEN == NATIONAL_PERSONS
    assert total / 1e6 == pytest.approx(1411.78, rel=0.002)


def test_the_provinces_shares_reproduce_the_national_counts_of_old_and_urban_persons() -> None:
    provinces = nation.provinces().values()

    old = sum(p.population * p.share_65plus for p in provinces)
    urban = sum(p.population * p.urban_share for p in provinces)

    # Shares are published to 0.01 percentage points: a wrong figure of a large province
    # would be off by far more than the rounding.
    assert old == pytest.approx(NATIONAL_65PLUS, rel=1e-4)
    assert urban == pytest.approx(NATIONAL_URBAN - SERVICEMEN, rel=1e-4)


def test_every_row_names_its_sources_and_which_figures_were_recalled() -> None:
    text = resources.files("sanyi.model").joinpath("data", nation.DATA_FILE).read_text("utf-8")
    rows = list(csv.DictReader(text.splitlines()))
    figures = {"population", "aged_65plus_pct", "urban_pct", "disposable_income_yuan"}

    for row in rows:
        assert "communique No. 3" in row["source"] and "No. 5" in row["source"]
        assert "No. 7" in row["source"] and "Statistical Yearbook" in row["source"]
        assert set(row["recalled"].split(";")) <= figures


def test_a_province_run_represents_its_census_population_with_its_levers() -> None:
    cfg = config("population.province=liaoning", size=1000)
    national = config(size=1000)
    liaoning = nation.provinces()["liaoning"]

    assert cfg.population.represented_persons == liaoning.population
    assert cfg.population.urban_share == pytest.approx(0.7214)
    # conf/population/province.yaml's Liaoning-like region has the same age lever, 1.35.
    assert cfg.population.old_age_factor == pytest.approx(1.35, abs=0.01)
    ratio = cfg.population.urban_resident_income_yuan / national.population.urban_resident_income_yuan
    assert ratio == pytest.approx(32_738 / 32_189)
    base = cfg.benefits.employee_financing.average_contribution_base_yuan
    assert base / national.benefits.employee_financing.average_contribution_base_yuan == pytest.approx(ratio)
    assert (
        cfg.population.hospitals.tertiary.beds_per_1000
        == national.population.hospitals.tertiary.beds_per_1000
    )


def test_validating_again_does_not_apply_the_levers_twice() -> None:
    cfg = config("population.province=shanghai", size=1000)

    again = validate(cfg)

    assert again.population.urban_resident_income_yuan == cfg.population.urban_resident_income_yuan
    assert again.population.represented_persons == nation.provinces()["shanghai"].population


def test_an_unknown_province_fails_at_start_naming_key_value_and_the_allowed_names() -> None:
    with pytest.raises(ConfigError) as error:
        config("population.province=atlantis")

    message = str(error.value)
    assert "population.province='atlantis'" in message
    assert "allowed:" in message and "guangdong" in message and "xinjiang" in message


def test_a_province_of_stylised_regions_cannot_also_be_a_real_province() -> None:
    with pytest.raises(ConfigError, match="population.province='gansu'"):
        config("population=province", "population.province=gansu")


@pytest.fixture(scope="module")
def nation_sweep(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Three provinces of the nation experiment, 1,000 persons each, 2025-2026."""
    folder = tmp_path_factory.mktemp("nation") / "sweep"
    done = sweep(folder, "+experiment=nation", f"population.province={','.join(SWEPT)}", *SMALL)
    assert done.returncode == 0, done.stderr[-2000:]
    return folder


def _provinces_rows(folder: Path) -> pd.DataFrame:
    annual = collect(folder).annual
    return annual.assign(province=annual["population.province"].astype(str))


def test_national_money_and_persons_are_the_sums_of_the_provinces(nation_sweep: Path) -> None:
    provinces = _provinces_rows(nation_sweep)

    totals = national(collect(nation_sweep)).annual

    for column in ("reserve_yuan", "revenue_yuan", "persons", "enrollees", "admissions"):
        summed = provinces.groupby(["year", "scheme"])[column].sum(min_count=1)
        mine = totals.set_index(["year", "scheme"])[column]
        pd.testing.assert_series_equal(mine, summed.loc[mine.index], check_names=False)
    assert (totals.provinces == len(SWEPT)).all()


def test_national_shares_are_recomputed_from_the_sums_and_lie_between_the_provinces(
    nation_sweep: Path,
) -> None:
    provinces = _provinces_rows(nation_sweep)
    everyone = provinces[provinces.scheme == "all"].groupby("year")["share_age_65plus"]

    totals = national(collect(nation_sweep)).annual
    mine = totals[totals.scheme == "all"].set_index("year")

    assert (mine.share_age_65plus > everyone.min()).all()
    assert (mine.share_age_65plus < everyone.max()).all()
    assert mine.share_age_65plus.tolist() == pytest.approx((mine.persons_65plus / mine.persons).tolist())
    months = 12 * mine.reserve_yuan / mine.pooled_expenditure_yuan
    assert mine.reserve_months.tolist() == pytest.approx(months.tolist())


def test_ratios_that_sums_cannot_form_are_left_out_and_listed(nation_sweep: Path) -> None:
    totals = national(collect(nation_sweep))

    assert {"bed_occupancy_primary", "supplier_hhi", "catastrophic_rate_q1"} <= set(totals.left_out)
    assert not set(totals.left_out) & set(totals.annual.columns)
    assert {"reserve_yuan", "oop_share", "benefit_level"} <= set(totals.annual.columns)


def test_provinces_not_in_the_sweep_or_without_outputs_are_reported(
    nation_sweep: Path, tmp_path: Path
) -> None:
    copy = tmp_path / "sweep"
    shutil.copytree(nation_sweep, copy)
    shutil.rmtree(copy / "collected", ignore_errors=True)
    (copy / "1" / "annual.parquet").unlink()  # Liaoning's job left no complete outputs

    totals = national(collect(copy))

    assert totals.provinces == ["guangdong", "tibet"]
    assert totals.missing["liaoning"] == "missing"
    assert totals.missing["beijing"] == "not in the sweep" and len(totals.missing) == 29
    assert "1 missing: liaoning" in totals.report()


def test_sanyi_collect_nation_writes_the_national_table(
    nation_sweep: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "collected"

    assert main([str(nation_sweep), "--nation", "--out", str(out)]) == 0

    table = pd.read_parquet(out / NATIONAL_FILE)
    assert len(table) == 2 * 4  # years x schemes
    printed = capsys.readouterr().out
    assert "national totals of 3 of 31 provinces" in printed and "scale factor" in printed
