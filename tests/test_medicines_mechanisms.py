"""Volume-based procurement, markups and service prices move the model as the evidence says.

Runs are small (6,000 persons) and paired by seed: two policies at one seed face the same
illnesses and deaths, so a claim holds when the mean paired difference is more than three
standard errors of its seed-to-seed spread from zero, in the direction the literature
reports. Tender outcomes are deterministic given the market; they are checked at every seed.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from sanyi.model.model import SanyiModel
from tests.conftest import SEEDS, annual, clearly_positive, config, run_model

HISTORY = dict(size=6_000, start=2018, end=2021)  # the national rounds of 2019-2021 in-run
PRICING = dict(size=6_000, start=2024, end=2027)


def _history(procurement: str, seed: int) -> SanyiModel:
    return run_model(config(f"procurement={procurement}", f"seed={seed}", **HISTORY))


@pytest.fixture(scope="module")
def history() -> dict[str, list[SanyiModel]]:
    return {p: [_history(p, s) for s in SEEDS] for p in ("vbp", "none")}


def _first_rounds(model: SanyiModel) -> list:
    return [r for r in model.medicines.agency.results if not r.renewal and r.won.any()]


def test_a_round_with_several_qualified_makers_cuts_prices_by_40_to_65_percent(history) -> None:
    """The national rounds cut winning prices by 52-59 % on average (vbp_rounds.csv)."""
    m = history["vbp"][0].market
    for model in history["vbp"]:
        cuts = [1 - r.bids[r.won].mean() / r.ceiling for r in _first_rounds(model)
                if r.products.size >= 3 and not m.device[r.products].any()]
        assert len(cuts) >= 8
        assert 0.40 <= np.mean(cuts) <= 0.65, cuts


def test_a_lone_qualified_maker_cuts_its_price_less() -> None:
    model = SanyiModel(config("procurement=vbp", "seed=0", **HISTORY))
    m = model.market
    amlodipine = m.molecules.index("amlodipine")
    generics = m.molecule_products[amlodipine][~m.originator[m.molecule_products[amlodipine]]]
    m.qualified[generics] = False  # only the originator may bid
    model.run()
    cut = {m.molecules[r.molecule]: 1 - r.bids[r.won].mean() / r.ceiling
           for r in _first_rounds(model)}
    others = [c for k, c in cut.items() if k != "amlodipine" and k in (
        "irbesartan", "atorvastatin", "rosuvastatin", "clopidogrel", "montelukast")]
    assert cut["amlodipine"] < min(others), cut


def test_coronary_stents_fall_by_more_than_80_percent(history) -> None:
    """The 2020 stent tender: about 13,000 yuan to about 700, -93 % (vbp_rounds.csv)."""
    for model in history["vbp"]:
        m = model.market
        stent = m.molecules.index("coronary stent")
        (result,) = [r for r in _first_rounds(model) if r.molecule == stent]
        before = m.reference_price[stent] * model.prices.drug_list_index(result.year)
        assert result.bids[result.won].mean() / before < 0.20


def _units(model: SanyiModel, year: int) -> np.ndarray:
    """Units of each product dispensed in ``year`` (from the monthly records)."""
    return model.medicines.yearly_units[year]


def test_after_a_round_winners_sell_more_and_the_others_less(history) -> None:
    """Shenzhen after the 4+7 pilot: winners' volume +1,638 %, non-winners' -70.8 % (Chen et
    al. 2020); here the 2019 molecules in 2019 against the same seed without tenders."""
    for vbp, none in zip(history["vbp"], history["none"], strict=True):
        m = vbp.market
        for r in [r for r in _first_rounds(vbp) if r.year == 2019]:
            makers = m.molecule_products[r.molecule]
            won = np.isin(makers, r.products[r.won])
            with_tender, without = _units(vbp, 2019)[makers], _units(none, 2019)[makers]
            if without.sum() == 0:
                continue
            assert with_tender[won].sum() > without[won].sum()
            assert with_tender[~won].sum() < without[~won].sum()


def test_tenders_lower_spending_on_the_covered_molecules(history) -> None:
    gaps = []
    for vbp, none in zip(history["vbp"], history["none"], strict=True):
        m = vbp.market
        covered = np.isin(m.molecule, [r.molecule for r in _first_rounds(vbp) if r.year == 2019])
        spend = [float(model.medicines.yearly_spending[2020][covered].sum())
                 for model in (none, vbp)]
        gaps.append(spend[0] - spend[1])
    assert clearly_positive(np.array(gaps)), gaps


def _after_first_year(model: SanyiModel) -> pd.Series:
    """Flows summed, and ratios recomputed, over the years after the first (hospitals respond
    to prices from their second year; prices set each January use last year's savings)."""
    table = annual(model)
    rows = table[(table.scheme == "all") & (table.year > PRICING["start"])]
    out = rows.sum(numeric_only=True)
    out["drug_share_of_hospital_revenue"] = out.drug_charges_yuan / out.hospital_revenue_yuan
    return out


@pytest.fixture(scope="module")
def pricing() -> dict[str, list[pd.Series]]:
    runs = {"markup_15": ("pricing=markup_15",), "zero_markup": ("pricing=zero_markup",),
            "adjusted": ("pricing=service_price_adjustment",),
            "no_vbp": ("pricing=zero_markup", "procurement=none")}
    return {name: [_after_first_year(run_model(config(*o, f"seed={s}", **PRICING)))
                   for s in SEEDS] for name, o in runs.items()}


def _gap(runs: dict, high: str, low: str, metric: str, relative: bool = False) -> np.ndarray:
    a = np.array([row[metric] for row in runs[low]])
    b = np.array([row[metric] for row in runs[high]])
    return (b - a) / a if relative else b - a


def test_zero_markup_lowers_the_drug_share_of_hospital_revenue(pricing) -> None:
    gaps = _gap(pricing, "markup_15", "zero_markup", "drug_share_of_hospital_revenue")
    assert clearly_positive(gaps), gaps


def test_zero_markup_lowers_total_charges_by_less_than_drug_charges(pricing) -> None:
    """Shandong's county hospitals: drug revenue -24 %, gross revenue -5 % (Zhang et al. 2020):
    part of the lost drug revenue moves to services and tests."""
    drugs = _gap(pricing, "zero_markup", "markup_15", "drug_charges_yuan", relative=True)
    total = _gap(pricing, "zero_markup", "markup_15", "hospital_revenue_yuan", relative=True)
    assert clearly_positive(-drugs), drugs
    assert clearly_positive(total - drugs), (total, drugs)
    services = _gap(pricing, "zero_markup", "markup_15", "service_charges_yuan", relative=True)
    assert clearly_positive(services), services


def test_service_prices_raised_with_tender_savings_keep_hospital_revenue_whole(pricing) -> None:
    """Without the adjustment, tenders take revenue from hospitals; with it, the mean gap to
    the revenue without tenders is at most a third of that loss (two standard errors
    allowed), while the drug share of revenue stays below that without tenders."""
    lost = _gap(pricing, "zero_markup", "no_vbp", "hospital_earned_revenue_yuan")
    adjusted = _gap(pricing, "adjusted", "no_vbp", "hospital_earned_revenue_yuan")
    assert clearly_positive(-lost), lost
    se = adjusted.std(ddof=1) / np.sqrt(adjusted.size)
    assert abs(adjusted.mean()) <= abs(lost.mean()) / 3 + 2 * se, (adjusted, lost)
    share = _gap(pricing, "no_vbp", "adjusted", "drug_share_of_hospital_revenue")
    assert clearly_positive(share), share


def test_a_price_cap_below_unit_cost_shows_as_shortages_and_exits_not_a_crash() -> None:
    model = run_model(config("pricing.price_cap_share_of_list=0.01", "seed=0", **PRICING))
    table = annual(model)
    market = table[table.scheme == "all"].set_index("year")
    assert market.shortage_rate.max() > 0.05
    assert market.supplier_exits.sum() > 0
    assert market.forgone_unit_rate.max() > 0
