"""Prospective payment per case or per day: DRG, DIP and per-diem.

All three price insured admissions only; outpatient care stays fee-for-service. Their rates
are learned inside the run from the model's own fee-for-service claims of the years before
the switch (``model/history.py``), so they are budget-neutral in the switch year and move
with the price index afterwards.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from sanyi.model.batches import Claims, drg_group
from sanyi.model.config import PaymentConfig, between, nonneg, one_of, positive, probability
from sanyi.model.history import CaseHistory, YearOfCases
from sanyi.model.policies.payment import (
    N_PAYING_FUNDS,
    CaseView,
    Method,
    PaymentContext,
    admissions,
    not_admissions,
)


def _learning_years(cfg: PaymentConfig, history: CaseHistory, years: int) -> YearOfCases | None:
    """The fee-for-service years just before the switch (as many as are known)."""
    wanted = list(range(cfg.start_year - years, cfg.start_year))
    return history.pooled(wanted) or history.last()


def group_means(year: YearOfCases) -> np.ndarray:
    """Mean charges per DRG group over all hospitals (0 where a group has no case)."""
    cases, charges = year.cases.sum(axis=0), year.charges.sum(axis=0)
    with np.errstate(invalid="ignore", divide="ignore"):
        return np.where(cases > 0, charges / np.maximum(cases, 1), 0.0)


def fill_empty_groups(means: np.ndarray, fallback: np.ndarray) -> np.ndarray:
    """Groups without cases take a reference value scaled to the observed level."""
    seen = means > 0
    if not seen.any():
        return fallback
    scale = means[seen].sum() / fallback[seen].sum()
    return np.where(seen, means, fallback * scale)


@dataclass
class DRGConfig(PaymentConfig):
    _target_: str = "sanyi.model.policies.payment_prospective.DRG"
    name: str = "drg"
    weight_years: int = between(2, 1, 10)  # fee-for-service years the weights are learned on
    # Cases costing above high_outlier x the group's standard payment are paid the excess
    # on top; below low_outlier x the standard they are paid by item (Chinese DRG rules,
    # e.g. the CHS-DRG 1.1 technical specification: 高倍率/低倍率 cases).
    high_outlier: float = positive(3.0)
    low_outlier: float = probability(0.4)
    # Base rates after the switch year: ``budget`` (China's practice: the regional DRG budget
    # grows by budget_growth a year and the rate is what the year's coded weights leave of it,
    # so volume growth and coding creep lower the rate) or ``indexed`` (the rate follows the
    # service price index whatever the volume).
    base_rate_rule: str = one_of("budget", "budget", "indexed")
    budget_growth: float = between(0.05, -0.2, 0.5)


class DRG(Method):
    """Diagnosis-related groups: a base rate per tier times the relative weight of the group
    (diagnosis x coded severity x procedure), with high- and low-cost outliers."""

    _item_based = staticmethod(not_admissions)

    Config = DRGConfig

    def __init__(self, cfg: DRGConfig, context: PaymentContext) -> None:
        super().__init__(cfg, context)
        self.weights: np.ndarray | None = None
        self.base: np.ndarray | None = None  # per tier, yuan at the switch year's prices
        self.base_year = cfg.start_year

    def _prepare(self, year: int, history: CaseHistory) -> None:
        if self.weights is not None:
            self._update_base(year, history)
            return
        learned = _learning_years(self.cfg, history, self.cfg.weight_years)
        reference = self.ctx.reference_charges()
        if learned is None:  # no fee-for-service year: weights from the tariff's reference
            self.weights, self.base = reference / reference.mean(), None
            return
        means = fill_empty_groups(group_means(learned), reference)
        overall = learned.charges.sum() / max(learned.cases.sum(), 1)
        self.weights = means / overall
        self.base = self._budget_neutral_base(learned)
        self.base_year = max(y for y in history.years)
        self.last_weight = None

    def _budget_neutral_base(self, learned: YearOfCases) -> np.ndarray:
        """Per tier: the learning years' charges / their cases' weights (revenue-neutral)."""
        tiers = self.ctx.tiers
        weighted = learned.cases @ self.weights  # per hospital
        charges = learned.charges.sum(axis=1)
        base = np.zeros(3)
        for t in range(3):
            mine = tiers == t
            base[t] = charges[mine].sum() / max(weighted[mine].sum(), 1e-9)
        fallback = charges.sum() / max(weighted.sum(), 1e-9)
        return np.where(base > 0, base, fallback)

    def _update_base(self, year: int, history: CaseHistory) -> None:
        """Under a regional budget the base rate moves against the growth of coded weights:
        the budget grows by ``budget_growth``, so more (or heavier-coded) cases each earn less."""
        if self.cfg.base_rate_rule != "budget" or self.base is None:
            return
        last = history.last()
        weight = float((last.cases @ self.weights).sum())
        if self.last_weight:
            self.base = self.base * (1 + self.cfg.budget_growth) * self.last_weight / weight
        self.last_weight = weight
        self.base_year = year

    def standard(self, tier: np.ndarray, group: np.ndarray, year: int) -> np.ndarray:
        """The group's standard payment at a tier in ``year``."""
        if self.base is None:
            return np.zeros(group.size)
        index = 1.0
        if self.cfg.base_rate_rule == "indexed":
            index = self.ctx.price_index(year) / self.ctx.price_index(self.base_year)
        return self.base[tier] * self.weights[group] * index

    def _pay(self, standard: np.ndarray, charges: np.ndarray) -> np.ndarray:
        high = charges > self.cfg.high_outlier * standard
        low = charges < self.cfg.low_outlier * standard
        pay = np.where(high, standard + charges - self.cfg.high_outlier * standard, standard)
        return np.where(low | (standard <= 0), charges, pay)

    def _standards(self, claims: Claims, idx: np.ndarray, year: int,
                   coded: bool = True) -> np.ndarray:
        e = claims.episodes
        severity = claims.coded_severity[idx] if coded else e.severity[idx]
        group = drg_group(e.diagnosis[idx], severity, claims.procedure[idx])
        return self.standard(self.ctx.tiers[e.hospital[idx]], group, year)

    def _price(self, claims: Claims, year: int) -> np.ndarray:
        """The case's DRG payment; items billed outside the case are paid item by item."""
        revenue = claims.total_charge.copy()
        idx = admissions(claims)
        outside = claims.outside_case[idx]
        revenue[idx] = self._pay(self._standards(claims, idx, year),
                                 revenue[idx] - outside) + outside
        return revenue

    def _coding_gain(self, claims: Claims, year: int) -> np.ndarray:
        gain = np.zeros(len(claims))
        idx = admissions(claims)
        gain[idx] = self._standards(claims, idx, year) - self._standards(claims, idx, year, False)
        return gain

    def _case_revenue(self, cases: CaseView, year: int) -> np.ndarray:
        group = drg_group(cases.diagnosis, cases.coded_severity, cases.procedure)
        standard = self.standard(np.full(group.size, cases.tier), group, year)
        return self._pay(standard, cases.charges)


@dataclass
class DIPConfig(PaymentConfig):
    _target_: str = "sanyi.model.policies.payment_prospective.DIP"
    name: str = "dip"
    point_years: int = between(2, 1, 10)  # years whose average costs set the points
    # Each fund's regional DIP budget grows this much a year over last year's inpatient
    # charges of its members (a budget-growth cap set by the local fund).
    budget_growth: float = between(0.05, -0.2, 0.5)
    # Monthly prepayment at this share of last year's final point value (the rest waits for
    # the year-end settlement; Guangzhou's practice is similar).
    provisional_share: float = probability(0.95)


class DIP(Method):
    """Big-data diagnosis-intervention packet: points per case from historical average cost;
    at year end a point is worth the region's budget divided by all points, so volume
    inflation by any hospital lowers everyone's value."""

    _item_based = staticmethod(not_admissions)

    Config = DIPConfig

    def __init__(self, cfg: DIPConfig, context: PaymentContext) -> None:
        super().__init__(cfg, context)
        self.points: np.ndarray | None = None  # per DRG group (100 = the average case)
        self.value = np.zeros(N_PAYING_FUNDS)  # yuan per point, last final value
        self.budget = np.zeros(N_PAYING_FUNDS)
        self._reset_year()

    def _reset_year(self) -> None:
        h = self.ctx.n_hospitals
        self.points_year = np.zeros((N_PAYING_FUNDS, h))
        self.prepaid_year = np.zeros((N_PAYING_FUNDS, h))

    def _prepare(self, year: int, history: CaseHistory) -> None:
        last = history.last()
        if self.points is None:
            learned = _learning_years(self.cfg, history, self.cfg.point_years)
            reference = self.ctx.reference_charges()
            means = (fill_empty_groups(group_means(learned), reference)
                     if learned is not None else reference)
            self.points = 100 * means / means.mean()
        if last is not None:
            inpatient = last.charges.sum()
            by_fund = last.charges_by_fund[:N_PAYING_FUNDS].sum(axis=1)
            share = by_fund / max(by_fund.sum(), 1e-9)
            self.budget = inpatient * share * (1 + self.cfg.budget_growth)
            if not self.value.any():  # first year: value that spends the budget on last volume
                total_points = (last.cases @ self.points).sum()
                self.value = self.budget / max(total_points * 1.0, 1e-9)
        self._reset_year()

    def _price(self, claims: Claims, year: int) -> np.ndarray:
        revenue = claims.total_charge.copy()
        idx = admissions(claims)
        e = claims.episodes
        group = drg_group(e.diagnosis[idx], claims.coded_severity[idx], claims.procedure[idx])
        fund, hosp = e.fund[idx].astype(np.int64), e.hospital[idx].astype(np.int64)
        points = self.points[group]
        revenue[idx] = (points * self.value[fund] * self.cfg.provisional_share
                        + claims.outside_case[idx])
        h = self.ctx.n_hospitals
        cell = fund * h + hosp
        self.points_year += np.bincount(cell, points, N_PAYING_FUNDS * h).reshape(-1, h)
        prepaid = revenue[idx] - claims.outside_case[idx]
        self.prepaid_year += np.bincount(cell, prepaid, N_PAYING_FUNDS * h).reshape(-1, h)
        return revenue

    def _coding_gain(self, claims: Claims, year: int) -> np.ndarray:
        gain = np.zeros(len(claims))
        idx = admissions(claims)
        e = claims.episodes
        coded = drg_group(e.diagnosis[idx], claims.coded_severity[idx], claims.procedure[idx])
        true = drg_group(e.diagnosis[idx], e.severity[idx], claims.procedure[idx])
        gain[idx] = (self.points[coded] - self.points[true]) * self.value[e.fund[idx]]
        return gain

    def _year_end(self, year: int, history: CaseHistory) -> np.ndarray:
        """The point value is set to budget / points; hospitals get points x value - prepaid."""
        total = self.points_year.sum(axis=1)
        self.value = np.where(total > 0, self.budget / np.maximum(total, 1e-9), self.value)
        return self.points_year * self.value[:, None] - self.prepaid_year

    def _case_revenue(self, cases: CaseView, year: int) -> np.ndarray:
        group = drg_group(cases.diagnosis, cases.coded_severity, cases.procedure)
        return self.points[group] * self.value.mean()


@dataclass
class PerDiemConfig(PaymentConfig):
    _target_: str = "sanyi.model.policies.payment_prospective.PerDiem"
    name: str = "per_diem"
    rate_years: int = between(2, 1, 10)
    # Stays longer than this many days are paid at ``long_stay_rate`` of the daily rate.
    long_stay_days: float = nonneg(30.0)
    long_stay_rate: float = probability(0.7)


class PerDiem(Method):
    """A rate per bed-day by tier, set from the fee-for-service charges per bed-day."""

    _item_based = staticmethod(not_admissions)

    Config = PerDiemConfig

    def __init__(self, cfg: PerDiemConfig, context: PaymentContext) -> None:
        super().__init__(cfg, context)
        self.rate: np.ndarray | None = None
        self.base_year = cfg.start_year

    def _prepare(self, year: int, history: CaseHistory) -> None:
        if self.rate is not None:
            return
        learned = _learning_years(self.cfg, history, self.cfg.rate_years)
        self.rate = np.zeros(3)
        if learned is None:
            return
        charges, days = learned.charges.sum(axis=1), learned.bed_days.sum(axis=1)
        for t in range(3):
            mine = self.ctx.tiers == t
            self.rate[t] = charges[mine].sum() / max(days[mine].sum(), 1e-9)
        self.base_year = max(history.years)

    def _pay(self, tier: np.ndarray, los: np.ndarray, year: int) -> np.ndarray:
        index = self.ctx.price_index(year) / self.ctx.price_index(self.base_year)
        long = self.cfg.long_stay_days
        days = np.minimum(los, long) + np.maximum(los - long, 0) * self.cfg.long_stay_rate
        return self.rate[tier] * index * days

    def _price(self, claims: Claims, year: int) -> np.ndarray:
        revenue = claims.total_charge.copy()
        if self.rate is None or not self.rate.any():
            return revenue
        idx = admissions(claims)
        tier = self.ctx.tiers[claims.episodes.hospital[idx]]
        revenue[idx] = (self._pay(tier, claims.los_days[idx].astype(float), year)
                        + claims.outside_case[idx])
        return revenue

    def _case_revenue(self, cases: CaseView, year: int) -> np.ndarray:
        if self.rate is None or not self.rate.any():
            return cases.charges
        return self._pay(np.full(cases.los.size, cases.tier), cases.los, year)
