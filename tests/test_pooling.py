"""Pooling level: a province of prefectures (``population=province``) whose funds stand alone,
share one provincial pool, or share surpluses through an adjustment fund (``pooling=``).

The mechanism runs to depletion with resident financing frozen after the start year (as the
``pooling_reform`` experiment does). Directions are claimed seed by seed: the three pooling
levels at one seed face the same illnesses and deaths in every region, so a difference in
depletion years is the pooling rule's, not noise.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from sanyi.model.bookkeeping import ConservationError
from sanyi.model.config import ConfigError
from sanyi.model.configure import compose, compose_dict
from sanyi.model.province import ALL, Province, annual_table, monthly_table, region_seed
from sanyi.model.validation import validate

SEEDS = (0, 1, 2)
LEVELS = ("prefecture", "adjustment_fund", "provincial")
REGIONS = ("old_northeast", "young_coastal", "poor_rural", "average")
SIZE, END = 20_000, 2033  # 5,000 persons a region (smaller regions understate spending)
NEVER = END + 1.0  # a fund that has not run out by the end year


def province(pooling: str, seed: int = 0, size: int = SIZE, end: int = END) -> Province:
    """A province run to ``end`` with frozen resident financing."""
    cfg = compose(["population=province", f"pooling={pooling}", f"seed={seed}",
                   f"population.size={size}", f"population.end_year={end}",
                   "benefits.financing_rule=frozen", "progress=false"])
    model = Province(cfg)
    model.run()
    return model


def depletion_months(run: Province) -> dict[str, float]:
    """Each region's first month of a resident-fund top-up, as a decimal year (2029.25 is
    April 2029), and the province's first (``first``); ``NEVER`` when none by the end."""
    monthly = monthly_table(run)
    rows = monthly[(monthly.scheme == "resident") & (monthly.top_up_yuan > 0)]
    when = {r: NEVER for r in REGIONS}
    for region, group in rows.groupby("region"):
        first = group.iloc[0]
        when[region] = first.year + (first.month - 1) / 12
    when.pop(ALL, None)
    return {**when, "first": min(when.values())}


@pytest.fixture(scope="module")
def depletion() -> pd.DataFrame:
    """A row per pooling level x seed: when each region's resident fund first ran out, and
    the province's first (the resident fund is the one that runs out under frozen
    financing). Months, not years: two regions may run out in one year."""
    rows = [{"pooling": level, "seed": seed, **depletion_months(province(level, seed))}
            for seed in SEEDS for level in LEVELS]
    return pd.DataFrame(rows).set_index(["pooling", "seed"])


@pytest.mark.slow
def test_under_prefecture_pooling_the_oldest_region_runs_out_first(depletion) -> None:
    alone = depletion.loc["prefecture"]
    assert (alone.old_northeast < NEVER).all()
    others = alone[[r for r in REGIONS if r != "old_northeast"]]
    assert (alone.old_northeast < others.min(axis=1)).all()
    assert (alone["first"] == alone.old_northeast).all()


@pytest.mark.slow
def test_provincial_pooling_delays_the_first_depletion_and_all_regions_run_out_together(
        depletion) -> None:
    alone, pooled = depletion.loc["prefecture"], depletion.loc["provincial"]
    assert (pooled["first"] > alone["first"]).all() and (pooled["first"] < NEVER).all()
    # One pool: a region runs out only when the province's pool does, so all in one month.
    assert (pooled[list(REGIONS)].nunique(axis=1) == 1).all()


@pytest.mark.slow
def test_the_adjustment_fund_lies_between_prefecture_and_provincial_pooling(depletion) -> None:
    alone, adjusted, pooled = (depletion.loc[level]["first"] for level in LEVELS)
    assert (alone <= adjusted).all() and (adjusted <= pooled).all()
    assert adjusted.mean() > alone.mean()  # it delays the first depletion on average


def test_pooling_levels_at_one_seed_face_the_same_illnesses_and_deaths() -> None:
    """With top-ups, pooling moves money only: patients and their care are identical."""
    alone, pooled = (annual_table(province(level, 5, 2000, 2027)) for level in
                     ("prefecture", "provincial"))
    for column in ("deaths", "births", "admissions", "visits", "oop_yuan", "persons"):
        pd.testing.assert_series_equal(alone[column], pooled[column])
    assert not alone.pooling_transfer_yuan.equals(pooled.pooling_transfer_yuan)


@pytest.mark.parametrize("level", ["provincial", "adjustment_fund"])
def test_money_and_people_add_up_across_regions(level: str) -> None:
    run = province(level, 3, 2000, 2030)
    table = annual_table(run)
    whole = table[table.region == ALL].set_index(["year", "scheme"])
    parts = table[table.region != ALL].groupby(["year", "scheme"])
    for column in ("persons", "deaths", "reserve_yuan", "revenue_yuan", "top_up_yuan",
                   "pooled_balance_yuan"):
        summed = parts[column].sum(min_count=1).reindex(whole.index)
        np.testing.assert_allclose(summed, whole[column], rtol=1e-9)
    # each region's pooled reserve moves by its pooled balance plus what pooling moved to it
    for _, rows in table[table.scheme.isin(["employee", "resident"])].groupby(
            ["region", "scheme"]):
        rows = rows.sort_values("year")
        change = np.diff(rows.reserve_yuan.to_numpy())
        flows = (rows.pooled_balance_yuan + rows.pooling_transfer_yuan).to_numpy()[1:]
        np.testing.assert_allclose(change, flows, rtol=1e-8, atol=1e-6 * rows.reserve_yuan.max())
    # what left the regions is in the adjustment fund (nothing for provincial pooling)
    moved = whole.xs("resident", level="scheme").pooling_transfer_yuan.sum()
    assert moved == pytest.approx(-run.pooling.stock[1] * run.scale, rel=1e-9, abs=1.0)
    assert (np.array(run.log.transfers) != 0).any()


def test_a_pooling_rule_that_makes_money_stops_the_run_with_the_figures() -> None:
    cfg = compose(["population=province", "pooling=provincial", "population.size=2000",
                   "population.end_year=2025", "progress=false"])
    run = Province(cfg)
    run.pooling.transfers = lambda scheme, month, funds: np.ones(funds.available.size)
    with pytest.raises(ConservationError, match=r"2025-02: employee funds received 4.00 from "
                                                r"pooling, the pooling rule's stock changed by "
                                                r"0.00"):
        run.run()


def test_the_same_seed_gives_the_same_province_and_regions_have_seeds_of_their_own() -> None:
    first, second = (annual_table(province("adjustment_fund", 7, 2000, 2026)) for _ in range(2))
    pd.testing.assert_frame_equal(first, second)
    seeds = {region_seed(7, i) for i in range(4)}
    assert len(seeds) == 4 and all(0 <= s < 2**63 for s in seeds)


def test_a_prefecture_run_has_no_region_column_and_no_transfers(tmp_path) -> None:
    from sanyi.experiments.run import run

    kpis = run(compose_dict(["population.size=1500", "population.end_year=2025",
                             "progress=false"]), tmp_path)
    table = pd.read_parquet(tmp_path / "annual.parquet")
    assert "region" not in table.columns and "first_regional_depletion_year" not in kpis
    assert (table.pooling_transfer_yuan.dropna() == 0).all()


def test_a_province_run_writes_region_rows_and_each_regions_years(tmp_path) -> None:
    from sanyi.experiments.run import run

    kpis = run(compose_dict(["population=province", "pooling=adjustment_fund",
                             "population.size=2000", "population.end_year=2026",
                             "progress=false"]), tmp_path)
    annual = pd.read_parquet(tmp_path / "annual.parquet")
    assert list(annual.columns[:3]) == ["year", "region", "scheme"]
    assert list(annual.region.unique()) == [*REGIONS, ALL]
    monthly = pd.read_parquet(tmp_path / "monthly.parquet")
    assert list(monthly.columns[:4]) == ["year", "month", "region", "scheme"]
    for name in REGIONS:
        assert f"region_{name}_depletion_year_resident" in kpis
        assert f"region_{name}_first_deficit_year_employee" in kpis
    hospitals = pd.read_parquet(tmp_path / "hospitals.parquet")
    assert list(hospitals.region.unique()) == list(REGIONS)


@pytest.mark.parametrize(("overrides", "message"), [
    (["population.regions.0.share=0.5"],
     "population.regions=[0.5, 0.25, 0.25, 0.25]; allowed: shares that sum to 1 (they sum to "
     "1.25)"),
    (["population.regions.1.name=old_northeast"],
     "population.regions.1.name='old_northeast'; allowed: a name no other region has"),
    (["population.regions.2.old_age_factor=-1"],
     "population.regions.2.old_age_factor=-1.0; allowed: a number in [0.1, 5.0]"),
    (["population.regions=[]"],
     "population.regions=[]; allowed: a list of at least 2 regions when "
     "population.region_type=province"),
    (["pooling=adjustment_fund", "pooling.levy_share=1.5"],
     "pooling.levy_share=1.5; allowed: a probability in [0, 1]"),
])
def test_a_bad_region_or_pooling_config_is_refused_in_one_line(overrides, message) -> None:
    with pytest.raises(ConfigError) as caught:
        validate(compose_dict(["population=province", *overrides]))
    assert str(caught.value) == f"invalid config: {message}"


def test_pooling_needs_a_province() -> None:
    with pytest.raises(ConfigError, match="pooling='provincial'; allowed: prefecture unless "
                                          "population=province"):
        validate(compose_dict(["pooling=provincial"]))
