"""What hospitals did, by case group, year by year: the evidence payment methods and hospitals
learn from.

DRG relative weights are estimated from the model's own fee-for-service claims of the years
before the switch; DIP points from historical average costs; global budgets and capitation
rates from last year's spending; hospitals evaluate their decisions on last year's case mix.
All of it is summed here from each month's claims with a few ``bincount`` calls.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from sanyi.model.batches import ADMISSION, N_DRG_GROUPS, N_GROUPS, Claims, drg_group

N_FUNDS = 3  # employee, resident, uninsured


@dataclass
class YearOfCases:
    """One year's admissions by hospital and group, and spending by hospital and fund."""

    n_hospitals: int
    n_primary: int
    cases: np.ndarray = field(init=False)  # (hospitals, DRG groups): insured admissions
    charges: np.ndarray = field(init=False)  # their item-based charges
    bed_days: np.ndarray = field(init=False)
    case_mix: np.ndarray = field(init=False)  # (hospitals, case groups): admissions by true group
    revenue: np.ndarray = field(init=False)  # (funds, hospitals): hospital revenue from claims
    fund_due: np.ndarray = field(init=False)  # (funds, hospitals): funds' item-based shares
    charges_by_fund: np.ndarray = field(init=False)  # (funds, hospitals): all charges
    inpatient_fund_due: np.ndarray = field(init=False)  # (funds, hospitals): admissions only
    fund_due_by_home: np.ndarray = field(init=False)  # (funds, primary facilities of patients)
    member_months: np.ndarray = field(init=False)  # (funds, primary facilities)

    def __post_init__(self) -> None:
        h = self.n_hospitals
        self.cases = np.zeros((h, N_DRG_GROUPS))
        self.charges = np.zeros((h, N_DRG_GROUPS))
        self.bed_days = np.zeros((h, N_DRG_GROUPS))
        self.case_mix = np.zeros((h, N_GROUPS))
        self.revenue = np.zeros((N_FUNDS, h))
        self.fund_due = np.zeros((N_FUNDS, h))
        self.charges_by_fund = np.zeros((N_FUNDS, h))
        self.inpatient_fund_due = np.zeros((N_FUNDS, h))
        self.fund_due_by_home = np.zeros((N_FUNDS, self.n_primary))
        self.member_months = np.zeros((N_FUNDS, self.n_primary))

    def add(self, claims: Claims) -> None:
        """Add a month's claims (after the payment method priced them)."""
        e, h = claims.episodes, self.n_hospitals
        hosp, fund = e.hospital.astype(np.int64), e.fund.astype(np.int64)
        per_fund = fund * h + hosp
        self.revenue += np.bincount(per_fund, claims.revenue, N_FUNDS * h).reshape(N_FUNDS, h)
        self.fund_due += np.bincount(per_fund, claims.fund_pay, N_FUNDS * h).reshape(N_FUNDS, h)
        total = claims.total_charge
        self.charges_by_fund += np.bincount(per_fund, total, N_FUNDS * h).reshape(N_FUNDS, h)
        inpatient = np.where(e.kind == ADMISSION, claims.fund_pay, 0.0)
        self.inpatient_fund_due += np.bincount(per_fund, inpatient, N_FUNDS * h).reshape(N_FUNDS, h)
        p = self.n_primary
        by_home = fund * p + e.home.astype(np.int64)
        self.fund_due_by_home += np.bincount(by_home, claims.fund_pay, N_FUNDS * p).reshape(N_FUNDS, p)
        admitted = np.flatnonzero((e.kind == ADMISSION) & (e.fund < 2))
        group = drg_group(e.diagnosis[admitted], claims.coded_severity[admitted],
                          claims.procedure[admitted])
        cell = hosp[admitted] * N_DRG_GROUPS + group
        size = h * N_DRG_GROUPS
        self.cases += np.bincount(cell, minlength=size).reshape(h, N_DRG_GROUPS)
        self.charges += np.bincount(cell, total[admitted], size).reshape(h, N_DRG_GROUPS)
        self.bed_days += np.bincount(cell, claims.los_days[admitted].astype(float),
                                     size).reshape(h, N_DRG_GROUPS)
        true_cell = hosp[admitted] * N_GROUPS + e.group[admitted]
        self.case_mix += np.bincount(true_cell, minlength=h * N_GROUPS).reshape(h, N_GROUPS)


class CaseHistory:
    """Years of cases; ``current`` fills during the year and is kept at its end."""

    def __init__(self, n_hospitals: int, n_primary: int) -> None:
        self.n_hospitals, self.n_primary = n_hospitals, n_primary
        self.years: dict[int, YearOfCases] = {}
        self.current = YearOfCases(n_hospitals, n_primary)

    def add_members(self, members_by_home: np.ndarray) -> None:
        """A month's enrollees by fund and home facility (capitation rates are per capita)."""
        self.current.member_months[:members_by_home.shape[0]] += members_by_home

    def close(self, year: int) -> None:
        self.years[year] = self.current
        self.current = YearOfCases(self.n_hospitals, self.n_primary)

    def last(self) -> YearOfCases | None:
        return self.years[max(self.years)] if self.years else None

    def pooled(self, years: list[int]) -> YearOfCases | None:
        """The sum of several closed years (``None`` if none of them is known)."""
        known = [self.years[y] for y in years if y in self.years]
        if not known:
            return None
        total = YearOfCases(self.n_hospitals, self.n_primary)
        for name in ("cases", "charges", "bed_days", "case_mix", "revenue", "fund_due",
                     "charges_by_fund", "inpatient_fund_due", "fund_due_by_home",
                     "member_months"):
            setattr(total, name, sum(getattr(y, name) for y in known))
        return total
