"""Budget-type payment: hospital global budgets and capitation.

Both cap what the fund spends in advance and leave the hospital (or the medical alliance)
the surplus or part of the overspend, so an extra yuan of care earns it little: the
incentive that makes care "move outside" the budget or down to cheaper tiers.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from sanyi.model.batches import Claims
from sanyi.model.config import PaymentConfig, between, one_of, probability
from sanyi.model.history import CaseHistory
from sanyi.model.policies.payment import N_PAYING_FUNDS, CaseView, Method, PaymentContext, not_admissions


@dataclass
class GlobalBudgetConfig(PaymentConfig):
    _target_: str = "sanyi.model.policies.payment_budgets.GlobalBudget"
    name: str = "global_budget"
    # Each hospital's inpatient budget per fund grows at most this much a year ("总额控制").
    budget_growth_cap: float = between(0.05, -0.2, 0.5)
    # "Keep the surplus, share the overspend": the hospital keeps this share of an
    # underspend, and the fund pays this share of an overspend (the hospital bears the rest).
    surplus_kept: float = probability(1.0)
    overspend_paid_by_fund: float = probability(0.3)


class GlobalBudget(Method):
    """Annual inpatient budgets per hospital and fund, growing at a capped rate; claims are
    paid item by item during the year and settled against the budget at year end."""

    _item_based = staticmethod(not_admissions)

    Config = GlobalBudgetConfig

    def __init__(self, cfg: GlobalBudgetConfig, context: PaymentContext) -> None:
        super().__init__(cfg, context)
        self.budget: np.ndarray | None = None  # (funds, hospitals)
        self.over_last_year = np.zeros(context.n_hospitals, dtype=bool)

    def _prepare(self, year: int, history: CaseHistory) -> None:
        growth = 1 + self.cfg.budget_growth_cap
        last = history.last()
        if self.budget is None:
            spent = last.inpatient_fund_due[:N_PAYING_FUNDS] if last is not None else None
            self.budget = spent * growth if spent is not None else None
        else:
            self.over_last_year = (last.inpatient_fund_due[:N_PAYING_FUNDS].sum(axis=0)
                                   > self.budget.sum(axis=0))
            self.budget = self.budget * growth

    def _year_end(self, year: int, history: CaseHistory) -> np.ndarray:
        if self.budget is None:
            return np.zeros((N_PAYING_FUNDS, self.ctx.n_hospitals))
        spent = history.current.inpatient_fund_due[:N_PAYING_FUNDS]
        gap = self.budget - spent
        return np.where(gap >= 0, self.cfg.surplus_kept * gap,
                        (1 - self.cfg.overspend_paid_by_fund) * gap)

    def _case_revenue(self, cases: CaseView, year: int) -> np.ndarray:
        """The fund's part of a case earns the hospital only what the settlement leaves it."""
        cfg = self.cfg
        kept = (cfg.overspend_paid_by_fund if self.over_last_year[cases.hospital]
                else 1 - cfg.surplus_kept)
        return cases.charges * (1 - cases.fund_share * (1 - kept))


@dataclass
class CapitationConfig(PaymentConfig):
    _target_: str = "sanyi.model.policies.payment_budgets.Capitation"
    name: str = "capitation"
    # ``primary``: a rate per member per month to the home primary-care facility, which then
    # earns only patients' co-payments for its own care. ``alliance``: the county medical
    # community (a county hospital and its primary facilities) gets a per-capita budget for
    # all its members' care, wherever given, and keeps the surplus or bears the deficit.
    scope: str = one_of("alliance", "primary", "alliance")
    rate_growth: float = between(0.05, -0.2, 0.5)  # yearly growth of the per-capita rate


class Capitation(Method):
    """Per enrollee per month, to the home primary facility or its medical alliance."""

    Config = CapitationConfig

    def __init__(self, cfg: CapitationConfig, context: PaymentContext) -> None:
        super().__init__(cfg, context)
        self.rate: np.ndarray | None = None  # yuan per member-month, per fund
        n_primary = context.primary.size
        self.member_months = np.zeros((N_PAYING_FUNDS, n_primary))
        self.leads = np.unique(context.county_of[context.primary])

    def _prepare(self, year: int, history: CaseHistory) -> None:
        last = history.last()
        if self.rate is None and last is not None:
            months = np.maximum(last.member_months[:N_PAYING_FUNDS].sum(axis=1), 1.0)
            if self.cfg.scope == "primary":
                spent = last.fund_due[:N_PAYING_FUNDS][:, self.ctx.primary].sum(axis=1)
            else:
                spent = last.fund_due_by_home[:N_PAYING_FUNDS].sum(axis=1)
            self.rate = spent / months * (1 + self.cfg.rate_growth)
        elif self.rate is not None:
            self.rate = self.rate * (1 + self.cfg.rate_growth)
        self.member_months[:] = 0.0

    def _covered(self, claims: Claims) -> np.ndarray:
        """Insured claims at primary facilities: paid by the capitation, not item by item."""
        e = claims.episodes
        return np.flatnonzero((e.fund < N_PAYING_FUNDS) & np.isin(e.hospital, self.ctx.primary))

    def _item_based(self, claims: Claims, year: int) -> np.ndarray:
        paid_by_item = np.ones(len(claims), dtype=bool)
        paid_by_item[self._covered(claims)] = False
        return paid_by_item

    def _price(self, claims: Claims, year: int) -> np.ndarray:
        revenue = claims.total_charge.copy()
        if self.cfg.scope == "primary" and self.rate is not None:
            idx = self._covered(claims)
            revenue[idx] -= claims.fund_pay[idx]  # the facility keeps patients' shares only
        return revenue

    def _lump_sums(self, year: int) -> np.ndarray:
        members = self.ctx.members_by_home()[:N_PAYING_FUNDS]
        self.member_months += members
        lumps = np.zeros((N_PAYING_FUNDS, self.ctx.n_hospitals))
        if self.rate is None:
            return lumps
        payment = members * self.rate[:, None]
        target = (self.ctx.primary if self.cfg.scope == "primary"
                  else self.ctx.county_of[self.ctx.primary])
        for f in range(N_PAYING_FUNDS):
            np.add.at(lumps[f], target, payment[f])
        return lumps

    def _year_end(self, year: int, history: CaseHistory) -> np.ndarray:
        """Alliances pay back what their members' care cost the fund anywhere."""
        settlement = np.zeros((N_PAYING_FUNDS, self.ctx.n_hospitals))
        if self.cfg.scope != "alliance" or self.rate is None:
            return settlement
        spent = history.current.fund_due_by_home[:N_PAYING_FUNDS]
        lead = self.ctx.county_of[self.ctx.primary]
        for f in range(N_PAYING_FUNDS):
            np.add.at(settlement[f], lead, -spent[f])
        return settlement

    def _case_revenue(self, cases: CaseView, year: int) -> np.ndarray:
        """Care its members get earns a capitated provider only the patients' shares."""
        lead = self.ctx.county_of[cases.hospital] == cases.hospital
        capitated = cases.tier == 0 or (self.cfg.scope == "alliance" and lead)
        return cases.charges * (1 - cases.fund_share) if capitated else cases.charges

    def _outpatient_revenue(self, cases: CaseView, year: int) -> np.ndarray:
        return self._case_revenue(cases, year)
