"""Payment methods: what hospitals earn for the care they bill.

Each method is one class behind the ``PaymentMethod`` protocol; the model's settlement phase
and the hospitals' decision rule call the protocol, never a method's name. Patients pay
their item-based share of every bill whatever the method (as in China); the pooled fund pays
the hospital the method's price minus what patients paid, and the difference from its own
item-based share is booked as the settlement difference (``Claims.settlement``). Prospective
payments not tied to claims (capitation) are paid monthly as lump sums; year-end settlements
(DIP point values, global budgets) are booked as their own flow.

A method is a "what x when" lever: it pays fee-for-service before ``payment.start_year``
and by its own rules from then on.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, Protocol

import numpy as np

from sanyi.model.batches import ADMISSION, Claims
from sanyi.model.config import PaymentConfig
from sanyi.model.history import CaseHistory

N_PAYING_FUNDS = 2  # employee, resident: the uninsured pay their bills themselves


@dataclass
class PaymentContext:
    """What a payment method may know of the region's hospitals and members."""

    tiers: np.ndarray  # tier of each hospital
    county_of: np.ndarray  # each hospital's alliance lead (county hospital); -1 for hubs
    primary: np.ndarray  # hospital index of each primary facility (by home-facility index)
    price_index: Callable[[int], float]  # service prices and excess cost, price year = 1
    members_by_home: Callable[[], np.ndarray]  # (funds, primary facilities), this month
    # Expected charges per DRG group at this year's tariff (weights' fallback).
    reference_charges: Callable[[], np.ndarray]

    @property
    def n_hospitals(self) -> int:
        return int(self.tiers.size)


@dataclass
class CaseView:
    """Cases a hospital evaluates (its decision rule): one entry per case, all arrays."""

    hospital: int
    tier: int
    diagnosis: np.ndarray
    coded_severity: np.ndarray
    procedure: np.ndarray
    charges: np.ndarray  # item-based charges at the tariff
    los: np.ndarray  # days
    fund_share: np.ndarray  # share of the charges the fund pays item by item


class PaymentMethod(Protocol):
    cfg: PaymentConfig

    def start_year(self, year: int, history: CaseHistory) -> None:
        """Prepare the year's rates (weights, points, budgets) from the history."""

    def price(self, claims: Claims, year: int) -> np.ndarray:
        """Hospital revenue for each insured claim of the month."""

    def lump_sums(self, year: int) -> np.ndarray:
        """Monthly payments not tied to claims, shape (funds, hospitals)."""

    def year_end(self, year: int, history: CaseHistory) -> np.ndarray:
        """Settlement paid (+) or clawed back (-) at year end, shape (funds, hospitals)."""

    def case_revenue(self, cases: CaseView, year: int) -> np.ndarray:
        """What the hospital expects to earn for each case (its decision rule reads it)."""

    def item_based(self, claims: Claims, year: int) -> np.ndarray:
        """Per claim: the fund's payment follows the items billed (so a cheaper drug saves
        the fund money), rather than a case rate, budget or capitation fixed in advance."""

    def coding_gain(self, claims: Claims, year: int) -> np.ndarray:
        """Revenue each claim earned by being coded above its true severity (audits claw
        it back)."""

    def outpatient_revenue(self, cases: CaseView, year: int) -> np.ndarray:
        """What the hospital expects to earn for outpatient visits (its referral rule)."""


class Method:
    """Fee-for-service until ``start_year``, then the subclass's rules (``_price`` ...)."""

    Config = PaymentConfig
    learns_from_history = True  # rates come from the fee-for-service years before the switch

    def __init__(self, cfg: PaymentConfig, context: PaymentContext) -> None:
        self.cfg = cfg
        self.ctx = context

    def active(self, year: int) -> bool:
        return year >= self.cfg.start_year

    def start_year(self, year: int, history: CaseHistory) -> None:
        if self.active(year):
            self._prepare(year, history)

    def price(self, claims: Claims, year: int) -> np.ndarray:
        return self._price(claims, year) if self.active(year) else claims.total_charge

    def lump_sums(self, year: int) -> np.ndarray:
        zero = np.zeros((N_PAYING_FUNDS, self.ctx.n_hospitals))
        return self._lump_sums(year) if self.active(year) else zero

    def year_end(self, year: int, history: CaseHistory) -> np.ndarray:
        zero = np.zeros((N_PAYING_FUNDS, self.ctx.n_hospitals))
        return self._year_end(year, history) if self.active(year) else zero

    def case_revenue(self, cases: CaseView, year: int) -> np.ndarray:
        return self._case_revenue(cases, year) if self.active(year) else cases.charges

    def coding_gain(self, claims: Claims, year: int) -> np.ndarray:
        return self._coding_gain(claims, year) if self.active(year) else np.zeros(len(claims))

    def item_based(self, claims: Claims, year: int) -> np.ndarray:
        if not self.active(year):
            return np.ones(len(claims), dtype=bool)
        return self._item_based(claims, year)

    def outpatient_revenue(self, cases: CaseView, year: int) -> np.ndarray:
        return self._outpatient_revenue(cases, year) if self.active(year) else cases.charges

    # -- what a method changes (fee-for-service by default) --------------------------------
    def _prepare(self, year: int, history: CaseHistory) -> None:
        pass

    def _price(self, claims: Claims, year: int) -> np.ndarray:
        return claims.total_charge

    def _lump_sums(self, year: int) -> np.ndarray:
        return np.zeros((N_PAYING_FUNDS, self.ctx.n_hospitals))

    def _year_end(self, year: int, history: CaseHistory) -> np.ndarray:
        return np.zeros((N_PAYING_FUNDS, self.ctx.n_hospitals))

    def _case_revenue(self, cases: CaseView, year: int) -> np.ndarray:
        return cases.charges

    def _coding_gain(self, claims: Claims, year: int) -> np.ndarray:
        return np.zeros(len(claims))

    def _outpatient_revenue(self, cases: CaseView, year: int) -> np.ndarray:
        return cases.charges

    def _item_based(self, claims: Claims, year: int) -> np.ndarray:
        return np.ones(len(claims), dtype=bool)


class FeeForService(Method):
    """Hospitals earn the price schedule for every service, drug and consumable billed."""

    learns_from_history = False


def admissions(claims: Claims) -> np.ndarray:
    """Indices of the insured admissions of a batch of claims."""
    e = claims.episodes
    return np.flatnonzero((e.kind == ADMISSION) & (e.fund < N_PAYING_FUNDS))


def not_admissions(claims: Claims, year: int) -> np.ndarray:
    """``item_based`` of the methods that pay admissions by case (DRG, DIP, per diem, global
    budget): outpatient care stays item by item."""
    return claims.episodes.kind != ADMISSION


# -- mixed: a method per tier and kind of care --------------------------------------------
KINDS = ("outpatient", "admission")
TIERS = ("primary", "secondary", "tertiary")


@dataclass
class MixedConfig(PaymentConfig):
    """Which method pays which care: keys ``<tier>_<outpatient|admission>``, values the
    names of the component configs below (``ffs`` for fee-for-service)."""

    name: str = "mixed"
    assign: dict[str, str] = field(default_factory=lambda: {
        "primary_outpatient": "capitation", "primary_admission": "capitation",
        "secondary_outpatient": "ffs", "secondary_admission": "drg",
        "tertiary_outpatient": "ffs", "tertiary_admission": "drg"})
    components: dict[str, Any] = field(default_factory=lambda: {
        "drg": {"_target_": "sanyi.model.policies.payment_prospective.DRG"},
        "capitation": {"_target_": "sanyi.model.policies.payment_budgets.Capitation"}})


class Mixed(Method):
    """Each claim is priced by the method its hospital's tier and its kind are assigned."""

    Config = MixedConfig

    def __init__(self, cfg: MixedConfig, context: PaymentContext) -> None:
        from sanyi.model.policies.plugin import build, typed_node

        super().__init__(cfg, context)
        self.components: dict[str, Method] = {"ffs": FeeForService(cfg, context)}
        for name, node in cfg.components.items():
            node = typed_node("payment", {**node, "start_year": cfg.start_year})
            self.components[name] = build(node, context)
        self.table = np.empty((3, 2), dtype=object)  # (tier, outpatient/admission) -> method
        for t, tier in enumerate(TIERS):
            for k, kind in enumerate(KINDS):
                self.table[t, k] = self.components[cfg.assign[f"{tier}_{kind}"]]

    def _prepare(self, year: int, history: CaseHistory) -> None:
        for method in self.components.values():
            method.start_year(year, history)

    def _price(self, claims: Claims, year: int) -> np.ndarray:
        e = claims.episodes
        tier, kind = self.ctx.tiers[e.hospital], (e.kind == ADMISSION).astype(np.int64)
        revenue = claims.total_charge.copy()
        for t in range(3):
            for k in range(2):
                mine = np.flatnonzero((tier == t) & (kind == k))
                if mine.size:
                    part = claims.subset(mine)
                    revenue[mine] = self.table[t, k].price(part, year)
        return revenue

    def _lump_sums(self, year: int) -> np.ndarray:
        return sum(m.lump_sums(year) for m in self.components.values())

    def _year_end(self, year: int, history: CaseHistory) -> np.ndarray:
        return sum(m.year_end(year, history) for m in self.components.values())

    def _case_revenue(self, cases: CaseView, year: int) -> np.ndarray:
        return self.table[cases.tier, 1].case_revenue(cases, year)

    def _outpatient_revenue(self, cases: CaseView, year: int) -> np.ndarray:
        return self.table[cases.tier, 0].outpatient_revenue(cases, year)

    def _item_based(self, claims: Claims, year: int) -> np.ndarray:
        e = claims.episodes
        tier, kind = self.ctx.tiers[e.hospital], (e.kind == ADMISSION).astype(np.int64)
        out = np.ones(len(claims), dtype=bool)
        for t in range(3):
            for k in range(2):
                mine = np.flatnonzero((tier == t) & (kind == k))
                if mine.size:
                    out[mine] = self.table[t, k].item_based(claims.subset(mine), year)
        return out

    def _coding_gain(self, claims: Claims, year: int) -> np.ndarray:
        tier = self.ctx.tiers[claims.episodes.hospital]
        gain = np.zeros(len(claims))
        for t in range(3):
            mine = np.flatnonzero(tier == t)
            if mine.size:
                gain[mine] = self.table[t, 1].coding_gain(claims.subset(mine), year)
        return gain
