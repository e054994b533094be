"""Procurement policy: which molecules are tendered when, and under which rules.

``none``: hospitals buy every product at its list price. ``vbp``: national volume-based
procurement — the molecules of the catalogue are tendered in the year their national round
took effect (``model/data/vbp_rounds.csv``), and again when their contract ends. The rules
are data of the config (``conf/procurement/vbp.yaml``); the tender itself is
``sanyi.model.tender`` and the agency that runs it ``agents/procurement.py``.
"""

from __future__ import annotations

import csv
from dataclasses import dataclass, field
from importlib import resources

import numpy as np

from sanyi.model.config import ProcurementConfig, _checked, between, probability
from sanyi.model.tender import TenderRules


class NoProcurement:
    """No tenders: hospitals buy at list prices."""

    Config = ProcurementConfig

    name = "none"
    savings_retained_share = 0.0
    non_winner_price_ratio = float("inf")

    def __init__(self, cfg: ProcurementConfig) -> None:
        self.cfg = cfg
        self.payment_delay_months = cfg.payment_delay_months

    def earliest_year(self) -> int | None:
        """The first year with a tender: never."""
        return None

    def due(self, year: int, rounds: tuple[str, ...], contract_end: np.ndarray,
            tendered: np.ndarray) -> list[tuple[int, bool]]:
        """Molecules to tender this year as (molecule, is_renewal): none."""
        return []


@dataclass
class VBPConfig(ProcurementConfig):
    _target_: str = "sanyi.model.policies.procurement.VolumeBasedProcurement"
    name: str = "vbp"
    # Tenders begin this year: molecules whose national round took effect earlier are all
    # tendered in it, later rounds in their own years (2019: the 4+7 pilot, history as it was).
    start_year: int = _checked(2019, "year")
    # Selection rule of the national rounds 2-9 (vbp_rounds.csv): a bid wins if it is at most
    # 1.8x the lowest or cuts at least 50 % from the ceiling; up to 10 winners (round 5).
    ratio_to_lowest: float = between(1.8, 1.0, 10.0)
    cut_from_ceiling: float = probability(0.5)
    max_winners: int = _checked(10, "positive_int")
    # Agreed volume as a share of reported volume, by number of winners 1, 2, 3, 4+; contract
    # years likewise (vbp_rounds.csv, rounds 2-9).
    agreed_share_by_winners: list[float] = _checked([0.5, 0.6, 0.7, 0.8], "probability_list")
    contract_years_by_winners: list[float] = _checked([1, 2, 2, 3], "nonneg_list")
    # Renewals after a contract ends: a bid wins if at most 1.3x the lowest (the 2024 insulin
    # renewal's rule), under a ceiling at the expiring contract's highest winning price.
    renewal_ratio_to_lowest: float = between(1.3, 1.0, 10.0)
    # The ceiling ("maximum effective declared price") is set from the lowest price the
    # molecule sells at before the tender (the national rounds took the lowest recent
    # purchase price across provinces; recalled, not verified), times this share; by round
    # where the agency set its own (coronary stents 2020: 2,850 yuan against 13,000 for
    # domestic stents before the tender: 0.219; vbp_rounds.csv, vbp_catalogue.csv).
    ceiling_share: float = between(1.0, 0.0, 10.0)
    ceiling_share_by_round: dict[str, float] = field(default_factory=lambda: {"stents": 0.219})
    # Non-winning products of a tendered molecule may cost at most this multiple of the
    # highest winning price (NHSA's 2019 price governance of same-name drugs asked products
    # priced above twice the winning price to cut toward it step by step; recalled, not
    # verified; here the cap applies at once).
    non_winner_price_ratio: float = between(2.0, 1.0, 100.0)
    # Hospitals keep this share of the fund's savings on tendered products when they meet the
    # agreed volume (NHSA's retained-savings rule, 结余留用; typically half).
    savings_retained_share: float = probability(0.5)


class VolumeBasedProcurement:
    """National VBP rounds on the catalogue's schedule, then renewals at contract end."""

    Config = VBPConfig

    def __init__(self, cfg: VBPConfig) -> None:
        self.cfg = cfg
        self.name = cfg.name
        self.savings_retained_share = cfg.savings_retained_share
        self.payment_delay_months = cfg.payment_delay_months
        self.non_winner_price_ratio = cfg.non_winner_price_ratio
        self.first_year = implementation_years()

    def earliest_year(self) -> int | None:
        """The first year with a tender."""
        return max(min(self.first_year.values()), self.cfg.start_year)

    def first_tender_year(self, round_name: str) -> int | None:
        year = self.first_year.get(round_name)
        return None if year is None else max(year, self.cfg.start_year)

    def due(self, year: int, rounds: tuple[str, ...], contract_end: np.ndarray,
            tendered: np.ndarray) -> list[tuple[int, bool]]:
        """Molecules to tender this year as (molecule, is_renewal)."""
        out = []
        for m, round_name in enumerate(rounds):
            first = self.first_tender_year(round_name) if round_name else None
            if first is None or year < first:
                continue
            if not tendered[m]:
                out.append((m, False))
            elif contract_end[m] < year:
                out.append((m, True))
        return out

    def rules(self, renewal: bool) -> TenderRules:
        c = self.cfg
        return TenderRules(
            ratio_to_lowest=c.renewal_ratio_to_lowest if renewal else c.ratio_to_lowest,
            cut_from_ceiling=None if renewal else c.cut_from_ceiling,
            max_winners=int(c.max_winners),
            agreed_share_by_winners=tuple(c.agreed_share_by_winners),
            non_winner_price_ratio=c.non_winner_price_ratio)

    def contract_years(self, n_winners: int) -> int:
        years = self.cfg.contract_years_by_winners
        return int(years[min(max(n_winners, 1), len(years)) - 1])

    def ceiling_share_for(self, round_name: str) -> float:
        return float(self.cfg.ceiling_share_by_round.get(round_name, self.cfg.ceiling_share))


def implementation_years() -> dict[str, int]:
    """Year each national round took effect in hospitals (vbp_rounds.csv)."""
    text = resources.files("sanyi.model").joinpath("data", "vbp_rounds.csv").read_text(
        encoding="utf-8")
    return {r["round"]: int(r["implementation_year"]) for r in csv.DictReader(text.splitlines())
            if r["implementation_year"]}
