"""A population table of one's own (``population.table``): read from CSV or Parquet, checked
column by column, with one line naming the file, the row and the column of a problem."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pandas as pd
import pytest

from sanyi.agents.patients.population import month_index
from sanyi.model.config import ConfigError
from sanyi.model.configure import compose_dict
from sanyi.model.model import SanyiModel
from sanyi.model.validation import validate
from tests.test_extreme_scenarios import everyone, non_finite_columns, run_scenario

OLD = pd.DataFrame([(age, sex, 100.0) for age in range(80, 105) for sex in ("female", "male")],
                   columns=["age", "sex", "persons"])


def config_error(path: Path) -> str:
    with pytest.raises(ConfigError) as caught:
        validate(compose_dict([f"population.table={path}"]))
    return str(caught.value)


@pytest.mark.parametrize(("text", "where", "allowed"), [
    ("age,sex,persons\n30,female,10\n200,male,5\n", "row 2, column age: '200'",
     "a whole number of years in 0..104"),
    ("age,sex,persons\n30,female,-3\n", "row 1, column persons: '-3'", "a number >= 0"),
    ("age,sex,persons\n30,female,ten\n", "row 1, column persons: 'ten'", "a number >= 0"),
    ("age,sex,persons\n30,woman,10\n", "row 1, column sex: 'woman'", "female or male"),
    ("age,sex,persons,urban_share\n30,male,10,1.5\n", "row 1, column urban_share: '1.5'",
     "a share in [0, 1]"),
], ids=["age-200", "negative-persons", "persons-not-a-number", "unknown-sex", "share-above-1"])
def test_an_impossible_value_names_file_row_and_column(
        tmp_path: Path, text: str, where: str, allowed: str) -> None:
    path = tmp_path / "people.csv"
    path.write_text(text)

    message = config_error(path)

    assert "\n" not in message
    assert f"population.table={path}: {where} is not allowed; allowed: {allowed}" in message


def test_a_table_edited_between_runs_is_read_again(tmp_path: Path) -> None:
    path = tmp_path / "people.csv"
    path.write_text("age,sex,persons\n30,female,10\n")
    validate(compose_dict([f"population.table={path}"]))  # read and kept

    path.write_text("age,sex,persons\n30,female,10\n200,male,5\n")

    assert "row 2, column age: '200'" in config_error(path)


def test_a_missing_column_is_named_with_the_columns_required(tmp_path: Path) -> None:
    path = tmp_path / "people.csv"
    path.write_text("age,persons\n30,10\n")

    assert "missing column 'sex'; required columns: age, sex, persons" in config_error(path)


def test_a_missing_file_is_named(tmp_path: Path) -> None:
    assert "no such file" in config_error(tmp_path / "nowhere.csv")


def test_a_parquet_table_sets_the_initial_ages(tmp_path: Path) -> None:
    path = tmp_path / "old.parquet"
    OLD.to_parquet(path)

    model = SanyiModel(validate(compose_dict([f"population.table={path}", "population.size=800",
                                               "population.start_year=2025"])))

    pop = model.population
    assert pop.age_years(month_index(2025))[pop.alive].min() >= 80


def test_everyone_over_80_runs_to_the_end_with_finite_output(tmp_path: Path) -> None:
    path = tmp_path / "old.csv"
    OLD.to_csv(path, index=False)

    tables = run_scenario([f"population.table={path}"], tmp_path / "run")

    assert non_finite_columns(tmp_path / "run") == []
    assert everyone(tables).share_age_65plus.iloc[0] > 0.95
    assert everyone(tables).deaths.iloc[0] > everyone(tables).births.iloc[0]


# ---------------------------------------------------------------------------------------
# hospitals of one's own (population.hospitals.table)
# ---------------------------------------------------------------------------------------

HOSPITALS = "tier,beds,quality\nprimary,7000,0.3\nprimary,200,0.4\nsecondary,11000,0.6\n" \
            "tertiary,10000,0.9\n"


def hospitals_error(tmp_path: Path, text: str) -> str:
    path = tmp_path / "hospitals.csv"
    path.write_text(text)
    with pytest.raises(ConfigError) as caught:
        validate(compose_dict([f"population.hospitals.table={path}"]))
    return str(caught.value)


def test_a_hospital_list_sets_the_hospitals_their_beds_and_tiers(tmp_path: Path) -> None:
    path = tmp_path / "hospitals.csv"
    path.write_text(HOSPITALS)

    model = SanyiModel(validate(compose_dict([f"population.hospitals.table={path}",
                                               "population.size=4240",
                                               "population.start_year=2021"])))

    assert model.hospital_tier.tolist() == [0, 0, 1, 2]
    # 4,240 simulated persons stand for 4.24 million: a thousandth of each hospital's beds
    beds = [h.beds for h in model.hospital_list]
    assert beds == pytest.approx([7.0, 0.2, 11.0, 10.0])


@pytest.mark.parametrize(("text", "message"), [
    ("tier,beds,quality\nprimary,100,0.3\nsecondary,-5,0.6\ntertiary,9,0.9\n",
     "row 2, column beds: '-5' is not allowed; allowed: a number of beds > 0"),
    ("tier,beds,quality\nprimary,100,0.3\nsecondary,5,1.2\ntertiary,9,0.9\n",
     "row 2, column quality: '1.2' is not allowed; allowed: a score in [0, 1]"),
    ("tier,beds,quality\nclinic,100,0.3\nsecondary,5,0.6\ntertiary,9,0.9\n",
     "row 1, column tier: 'clinic' is not allowed; allowed: primary, secondary or tertiary"),
    ("tier,beds,quality\nprimary,100,0.3\nsecondary,5,0.6\n",
     "column tier: no tertiary hospital"),
    ("tier,quality\nprimary,0.3\n", "missing column 'beds'"),
], ids=["negative-beds", "quality-above-1", "unknown-tier", "a-tier-missing", "no-beds-column"])
def test_a_bad_hospital_list_is_refused_naming_row_and_column(
        tmp_path: Path, text: str, message: str) -> None:
    assert message in hospitals_error(tmp_path, text)


# ---------------------------------------------------------------------------------------
# a medicines catalogue of one's own (market.catalogue)
# ---------------------------------------------------------------------------------------

BUILT_IN = Path(__file__).resolve().parents[1] / "model" / "data" / "vbp_catalogue.csv"
SHORT_VBP = ["population.size=1000", "population.start_year=2019", "population.end_year=2019",
             "progress=false"]


def catalogue(tmp_path: Path, change: Callable[[pd.DataFrame], pd.DataFrame]) -> Path:
    path = tmp_path / "catalogue.csv"
    change(pd.read_csv(BUILT_IN, dtype=str)).to_csv(path, index=False)
    return path


def test_the_built_in_catalogue_given_as_a_file_gives_the_same_tenders(tmp_path: Path) -> None:
    path = catalogue(tmp_path, lambda d: d)

    run_scenario([*SHORT_VBP], tmp_path / "built_in")
    run_scenario([*SHORT_VBP, f"market.catalogue={path}"], tmp_path / "own")

    for name in ("tenders.parquet", "suppliers.parquet", "annual.parquet"):
        assert (tmp_path / "own" / name).read_bytes() == (tmp_path / "built_in" / name).read_bytes()


def test_a_catalogue_with_a_maker_fewer_runs_with_one_bidder_fewer(tmp_path: Path) -> None:
    maker = "Yangtze River Pharmaceutical Group Shanghai Haini"  # a qualified bidder
    path = catalogue(tmp_path, lambda d: d[d.maker != maker])

    def first_round(tables: dict[str, pd.DataFrame]) -> pd.DataFrame:
        return tables["tenders.parquet"].query("molecule == 'amlodipine' and not renewal")

    built_in = first_round(run_scenario(SHORT_VBP, tmp_path / "built_in"))
    own = first_round(run_scenario([*SHORT_VBP, f"market.catalogue={path}"], tmp_path / "own"))

    assert maker in set(built_in.name) and maker not in set(own.name)
    assert len(own) == len(built_in) - 1


def _set(row: int, column: str, value: str) -> Callable[[pd.DataFrame], pd.DataFrame]:
    def change(d: pd.DataFrame) -> pd.DataFrame:
        d.loc[row, column] = value
        return d
    return change


@pytest.mark.parametrize(("change", "message"), [
    (_set(3, "list_price_yuan", "-1"), "row 4, column list_price_yuan: '-1' is not allowed"),
    (_set(0, "drug_class", "vitamin"), "row 1, column drug_class: 'vitamin' is not allowed"),
    (_set(2, "vbp_round", "round 99"), "row 3, column vbp_round: 'round 99' is not allowed"),
    (_set(1, "originator", "2"), "row 2, column originator: '2' is not allowed; allowed: 0 or 1"),
    (lambda d: d[d.drug_class != "statin"], "no molecule of class 'statin'"),
    (lambda d: d.drop(columns="unit_cost_yuan"), "missing column 'unit_cost_yuan'"),
], ids=["negative-price", "unknown-class", "unknown-round", "flag-2", "a-class-missing",
        "no-cost-column"])
def test_a_bad_catalogue_is_refused_naming_row_and_column(
        tmp_path: Path, change: Callable[[pd.DataFrame], pd.DataFrame], message: str) -> None:
    path = catalogue(tmp_path, change)

    with pytest.raises(ConfigError) as caught:
        validate(compose_dict([f"market.catalogue={path}"]))

    assert message in str(caught.value)
    assert "\n" not in str(caught.value)
