"""Consistency of the VBP data files (model/data/vbp_*.csv); see docs/medicines_data.md.

The files are data only: these checks guard their internal consistency, not the model.
"""

from __future__ import annotations

import csv
from collections import defaultdict
from functools import cache
from importlib.resources import files

import pytest

CONDITIONS = {"hypertension", "diabetes", "copd", "chd", "stroke", "cancer", "ckd", "acute", "procedure"}
FLAG_COLUMNS = ("assumed", "recalled", "derived")


@cache
def _rows(name: str) -> tuple[dict[str, str], ...]:
    text = files("sanyi.model").joinpath("data", name).read_text(encoding="utf-8")
    return tuple(csv.DictReader(text.splitlines()))


def _catalogue() -> tuple[dict[str, str], ...]:
    return _rows("vbp_catalogue.csv")


def _rounds() -> tuple[dict[str, str], ...]:
    return _rows("vbp_rounds.csv")


def _results() -> tuple[dict[str, str], ...]:
    return _rows("vbp_results.csv")


def test_every_molecule_has_one_originator_and_a_generic() -> None:
    by_molecule: dict[str, list[str]] = defaultdict(list)
    for r in _catalogue():
        assert r["originator"] in {"0", "1"}, r
        by_molecule[r["molecule"]].append(r["originator"])
    assert 12 <= len(by_molecule) <= 20
    for molecule, flags in by_molecule.items():
        assert flags.count("1") == 1, molecule
        assert flags.count("0") >= 1, molecule


def test_one_row_per_product() -> None:
    keys = [(r["molecule"], r["maker"]) for r in _catalogue()]
    assert len(keys) == len(set(keys))


@pytest.mark.parametrize("name", ["vbp_catalogue.csv", "vbp_rounds.csv", "vbp_results.csv"])
def test_every_row_has_a_source(name: str) -> None:
    for r in _rows(name):
        assert r["source"].strip(), r


@pytest.mark.parametrize("name", ["vbp_catalogue.csv", "vbp_rounds.csv", "vbp_results.csv"])
def test_flags_name_real_columns(name: str) -> None:
    rows = _rows(name)
    columns = set(rows[0])
    for r in rows:
        for flag in FLAG_COLUMNS:
            named = [c for c in r[flag].split(";") if c]
            assert set(named) <= columns, (flag, named, r)


def test_prices_exceed_unit_costs() -> None:
    for r in _catalogue():
        price, cost = float(r["list_price_yuan"]), float(r["unit_cost_yuan"])
        assert cost > 0, r
        if "price_below_cost" not in r["assumed"]:
            assert price > cost, r
        assert float(r["capacity_units_per_1000_persons_month"]) > 0, r
        assert float(r["demand_units_per_1000_persons_month"]) > 0, r


def test_catalogue_codes() -> None:
    for r in _catalogue():
        assert r["unit"] in {"ddd", "device"}, r
        assert r["condition"] in CONDITIONS, r
        assert r["consistency_evaluated"] in {"0", "1"}, r
        assert r["vbp_winner"] in {"", "0", "1"}, r
        if r["originator"] == "1":
            assert r["consistency_evaluated"] == "1", r
        assert (r["unit"] == "device") == (r["condition"] == "procedure"), r


def test_model_drug_classes_are_present() -> None:
    text = files("sanyi.model").joinpath("data", "chronic_conditions.csv").read_text(encoding="utf-8")
    needed = {r["drug_class"] for r in csv.DictReader(text.splitlines())}
    present = {r["drug_class"] for r in _catalogue()}
    assert needed | {"anti-infective", "stent"} <= present


def test_catalogue_rounds_exist() -> None:
    rounds = {r["round"] for r in _rounds()}
    assert len(rounds) == len(_rounds())
    for r in _catalogue():
        assert r["vbp_round"] == "" or r["vbp_round"] in rounds, r


def test_results_refer_to_known_molecules_and_rounds() -> None:
    rounds = {r["round"] for r in _rounds()}
    molecules = {r["molecule"] for r in _catalogue()}
    for r in _results():
        assert r["round"] in rounds, r
        assert r["molecule"] in molecules, r


def _fraction(value: str) -> float | None:
    return None if value == "" else float(value)


def test_cuts_and_shares_are_fractions() -> None:
    for r in _rounds():
        for col in ("average_cut", "max_cut", "agreed_volume_share_min", "agreed_volume_share_max"):
            x = _fraction(r[col])
            assert x is None or 0 <= x <= 1, (col, r)
        lo, hi = _fraction(r["agreed_volume_share_min"]), _fraction(r["agreed_volume_share_max"])
        if lo is not None and hi is not None:
            assert lo <= hi, r
        if r["average_cut"] and r["max_cut"]:
            assert float(r["average_cut"]) <= float(r["max_cut"]), r
        assert r["kind"] in {"drug", "consumable"}, r
        if r["implementation_year"]:
            assert int(r["implementation_year"]) >= int(r["tender_year"]), r
    for r in _results():
        x = _fraction(r["cut"])
        assert x is None or 0 <= x <= 1, r


def test_result_prices_are_consistent() -> None:
    for r in _results():
        counts = ("n_qualified_makers", "n_bidders", "n_winners")
        n_q, n_b, n_w = (int(r[c]) if r[c] else None for c in counts)
        if n_b is not None and n_w is not None:
            assert n_w <= n_b, r
        if n_q is not None and n_b is not None:
            assert n_b <= n_q, r
        low, before = _fraction(r["lowest_winning_price_yuan"]), _fraction(r["price_before_yuan"])
        if low is not None and before is not None:
            assert 0 < low < before, r
