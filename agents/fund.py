"""Insurance funds: the employee fund (UEBMI) and the resident fund (URRBMI).

Each month a fund collects its revenue, pays hospitals for its members' claims and earns
interest; each December it closes the year: balance, first deficit, depletion, and the
optional adjustment rule. When the pooled reserve cannot pay the month's claims, the
configured depletion rule (``model/policies/solvency.py``) says who pays, visibly in the
accounts: a government top-up booked as revenue, or a benefit cut shifting the rest to
patients and lowering the benefit level for the next year.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import mesa
import numpy as np

from sanyi.agents.patients.demography import wage_index
from sanyi.agents.patients.population import (
    RESIDENT_ADULT,
    RESIDENT_CHILD,
    RETIREE,
    WORKER,
    PatientPopulation,
    month_index,
)
from sanyi.model.config import BenefitsConfig, EmployeeFinancing, SanyiConfig
from sanyi.model.policies.financing import ResidentFinancing
from sanyi.model.policies.solvency import DEPLETION_RULES, ReserveBandRule

EMPLOYEE, RESIDENT = 0, 1
FUND_NAMES = ("employee", "resident")


@dataclass
class FundMonth:
    """Flows of one month, simulated scale, yuan."""

    contributions: float = 0.0
    subsidy: float = 0.0
    interest: float = 0.0
    top_up: float = 0.0
    pooled_paid: float = 0.0  # item-based claims plus settlements with hospitals
    settlements: float = 0.0  # of which paid beyond the item-based share (prospective payment)
    audit_recoveries: float = 0.0  # recovered from hospitals by audits (within settlements)
    retained_savings: float = 0.0  # tender savings returned to hospitals (not settlements)
    account_paid: float = 0.0
    account_outflow: float = 0.0  # balances of members who died or moved away
    account_pharmacy: float = 0.0  # accounts' purchases at designated retail pharmacies
    cash_benefits: float = 0.0  # paid by the pooled fund outside claims (maternity allowance)
    critical_illness_premium: float = 0.0  # paid to the critical-illness insurer (residents)
    shifted_to_patients: float = 0.0  # benefit cut when the reserve ran out
    account_credits: float = 0.0  # internal: pooled revenue routed to personal accounts
    # Net money received from other regions' funds or the provincial adjustment fund
    # (population=province; model/policies/pooling.py): neither revenue nor expenditure.
    pooling_transfer: float = 0.0

    @property
    def revenue(self) -> float:
        return self.contributions + self.subsidy + self.interest + self.top_up

    @property
    def expenditure(self) -> float:
        return (self.pooled_outflow + self.account_paid + self.account_outflow
                + self.account_pharmacy)

    @property
    def pooled_outflow(self) -> float:
        return self.pooled_paid + self.cash_benefits + self.critical_illness_premium

    @property
    def pooled_revenue(self) -> float:
        """Revenue that stays in the pooled fund (personal-account credits leave it)."""
        return self.revenue - self.account_credits


@dataclass
class FundYear:
    """Flows of the calendar year so far, simulated scale, yuan."""

    pooled_revenue: float = 0.0
    pooled_expenditure: float = 0.0
    enrollee_months: float = 0.0


class Fund(mesa.Agent):
    """Accounts shared by both funds; subclasses say how revenue is raised."""

    scheme_index = -1

    def __init__(self, model: mesa.Model, cfg: SanyiConfig) -> None:
        super().__init__(model)
        self.cfg = cfg
        self.benefits_cfg: BenefitsConfig = cfg.benefits
        self.pooled_reserve: float | None = None  # opened on the first month's claims
        self.benefit_level = 1.0
        self.contribution_level = 1.0
        self.month = FundMonth()
        self.year = FundYear()
        self.first_deficit_year: int | None = None
        self.depletion_year: int | None = None
        self.initial_months = self.initial_reserve_months()
        self.opened_this_month = 0.0
        self.cut_this_year = False
        self.depletion_rule = DEPLETION_RULES[self.benefits_cfg.on_depletion]()
        self.adjustment = ReserveBandRule(self.benefits_cfg.adjustment)

    @property
    def name(self) -> str:
        return FUND_NAMES[self.scheme_index]

    @property
    def pooled_reserve_or_zero(self) -> float:
        """The pooled reserve (zero before it opens on the first month's claims)."""
        return self.pooled_reserve or 0.0

    def members(self, pop: PatientPopulation) -> np.ndarray:
        raise NotImplementedError

    def initial_reserve_months(self) -> float:
        """Opening reserve in months of the first month's claims (``conf/benefits``)."""
        raise NotImplementedError

    def account_balance(self, pop: PatientPopulation) -> float:
        return 0.0

    # -- monthly ------------------------------------------------------------------------
    def collect(self, pop: PatientPopulation, year: int, births: float = 0.0) -> None:
        """Raise this month's revenue (subclasses) and earn interest on the pooled reserve.

        ``births`` is the month's expected number of births (maternity allowances).
        """
        self.month = FundMonth()
        self.opened_this_month = 0.0
        if self.pooled_reserve is not None and self.pooled_reserve > 0:
            self.month.interest = self.pooled_reserve * self.benefits_cfg.reserve_interest_rate / 12

    def settle_month(self, item_due: float, account_paid: float, account_outflow: float,
                     settlement_due: float = 0.0) -> float:
        """Pay the month's claims; returns the share of the item-based payments honoured.

        ``item_due`` is the fund's item-based share of its members' bills, ``settlement_due``
        what the payment method pays hospitals beyond it (negative: recovered); cash benefits
        due this month (``month.cash_benefits``, ``month.critical_illness_premium``) are paid
        alongside, like settlements.
        """
        m = self.month
        fixed_due = settlement_due + m.cash_benefits + m.critical_illness_premium
        if self.pooled_reserve is None:  # opening balance: months of the first month's claims
            self.pooled_reserve = self.initial_months * (item_due + fixed_due)
            self.opened_this_month += self.pooled_reserve
        available = self.pooled_reserve + m.revenue - m.account_credits + m.pooling_transfer
        cover = self.depletion_rule.cover(item_due, fixed_due, available)
        if cover.top_up > 0 or cover.paid_share < 1.0:
            self.depletion_year = self.depletion_year or self.model.year
        self.cut_this_year |= cover.cut
        m.top_up = cover.top_up
        m.shifted_to_patients = item_due * (1 - cover.paid_share)
        m.settlements = settlement_due
        m.pooled_paid = item_due * cover.paid_share + settlement_due
        m.account_paid = account_paid
        m.account_outflow = account_outflow
        # A top-up leaves exactly nothing, not a rounding residue of the flows.
        self.pooled_reserve = 0.0 if cover.top_up > 0 else (
            self.pooled_reserve + (m.revenue - m.account_credits - m.pooled_outflow
                                   + m.pooling_transfer))
        self.year.pooled_revenue += m.pooled_revenue
        self.year.pooled_expenditure += m.pooled_outflow
        return cover.paid_share

    def settle_year_end(self, amount: float, recovered: float = 0.0,
                        retained: float = 0.0) -> None:
        """Pay (or recover, if negative) the year-end settlements, audits' recoveries
        (``recovered``, already netted out of ``amount``) included, and the tender savings
        hospitals retain (``retained``, included in ``amount`` but not a settlement)."""
        m = self.month
        m.audit_recoveries += recovered
        m.retained_savings += retained
        # The month's flows are already in the reserve (settle_month ran first): counting them
        # again sized the year-end top-up wrongly by December's balance.
        available = self.pooled_reserve_or_zero
        cover = self.depletion_rule.cover(0.0, amount, available)
        if cover.top_up > 0:
            self.depletion_year = self.depletion_year or self.model.year
        m.top_up += cover.top_up
        m.settlements += amount - retained
        m.pooled_paid += amount
        self.pooled_reserve = 0.0 if cover.top_up > 0 else self.pooled_reserve_or_zero - amount
        self.year.pooled_revenue += cover.top_up
        self.year.pooled_expenditure += amount

    def receive_transfer(self, amount: float) -> None:
        """Money from (or, negative, to) other regions' funds after the month's claims were
        paid (population=province: December's year-end pooling)."""
        self.month.pooling_transfer += amount
        self.pooled_reserve = self.pooled_reserve_or_zero + amount

    # -- yearly -------------------------------------------------------------------------
    def close_year(self, year: int, pooled_reserve: float) -> None:
        """The pooled fund's balance of the year, first deficit, and the adjustment rule.

        Balance and reserve months count the pooled fund only: personal-account balances are
        members' own money and cannot pay a claim.
        """
        balance = self.year.pooled_revenue - self.year.pooled_expenditure
        if balance < 0 and self.first_deficit_year is None:
            self.first_deficit_year = year
        months = pooled_reserve / max(self.year.pooled_expenditure / 12, 1e-9)
        if self.cut_this_year:  # benefit_cut: next year's benefits fit the money left
            self.benefit_level *= 1 - self.benefits_cfg.adjustment.step
        self.contribution_level, self.benefit_level = self.adjustment.adjust(
            self.contribution_level, self.benefit_level, months)
        self.year = FundYear()
        self.cut_this_year = False


class EmployeeFund(Fund):
    """UEBMI: payroll contributions of workers only; personal accounts for outpatient care."""

    scheme_index = EMPLOYEE

    def __init__(self, model: mesa.Model, cfg: SanyiConfig) -> None:
        super().__init__(model, cfg)
        self.frozen_retiree_credit: float | None = None  # yuan per retiree-month after reform
        self.accounts_opened = False
        self._mothers_year = -1
        self._mothers = (0.0, 0.0)  # share of births to working mothers, their mean wage

    def initial_reserve_months(self) -> float:
        return self.benefits_cfg.initial_reserve_months_employee

    def members(self, pop: PatientPopulation) -> np.ndarray:
        return pop.alive & ((pop.scheme == WORKER) | (pop.scheme == RETIREE))

    def account_balance(self, pop: PatientPopulation) -> float:
        return float(pop.account.sum(dtype=np.float64))

    def collect(self, pop: PatientPopulation, year: int, births: float = 0.0) -> None:
        super().collect(pop, year)
        fin: EmployeeFinancing = self.benefits_cfg.employee_financing
        wages = wage_index(self.cfg, year)
        workers = np.flatnonzero(pop.alive & (pop.scheme == WORKER))
        average = fin.average_contribution_base_yuan * wages
        base = np.clip(pop.income[workers], fin.base_floor_ratio * average,
                       fin.base_cap_ratio * average) / 12
        maternity = fin.maternity_rate if year >= fin.maternity_merge_year else 0.0
        rate = (fin.employer_rate + fin.employee_rate + maternity) * self.contribution_level
        self.month.contributions = float(base.sum(dtype=np.float64)) * rate
        to_account = fin.employee_rate + (
            fin.employer_share_to_accounts * fin.employer_rate * (1 - fin.account_reform_share(year)))
        credit = base.astype(np.float64) * to_account
        pop.account[workers] += credit
        retirees = np.flatnonzero(pop.alive & (pop.scheme == RETIREE))
        retiree_credit = self._retiree_credit(pop, retirees, year)
        pop.account[retirees] += retiree_credit
        self.month.account_credits = float(credit.sum() + retiree_credit.sum())
        if not self.accounts_opened:  # balances built up before the start year
            years = fin.initial_account_years * 12
            pop.account[workers] += credit * years
            pop.account[retirees] += retiree_credit * years
            self.opened_this_month += self.month.account_credits * years
            self.accounts_opened = True
        self._pharmacy(pop, workers, fin.pharmacy_yuan_per_month_worker * wages)
        self._pharmacy(pop, retirees, fin.pharmacy_yuan_per_month_retiree * wages)
        if year >= fin.maternity_merge_year and births > 0:
            self.month.cash_benefits = self._maternity_allowance(pop, year, births)

    def _maternity_allowance(self, pop: PatientPopulation, year: int, births: float) -> float:
        """Allowances for the month's expected births to insured working mothers.

        The share of births to workers and their wages are those of women workers aged 20-39
        among all women of that age, taken once a year.
        """
        if self._mothers_year != year:
            age = pop.age_years(month_index(year))
            women = pop.alive & pop.female & (age >= 20) & (age < 40)
            working = women & (pop.scheme == WORKER)
            share = np.count_nonzero(working) / max(np.count_nonzero(women), 1)
            wage = float(pop.income[working].mean()) if working.any() else 0.0
            self._mothers = (share, wage)
            self._mothers_year = year
        share, wage = self._mothers
        months = self.benefits_cfg.employee_financing.maternity_allowance_months
        return births * share * wage / 12 * months

    def _retiree_credit(self, pop: PatientPopulation, retirees: np.ndarray,
                        year: int) -> np.ndarray:
        """Monthly credit per retiree: a share of the own pension before the 2021 reform; a
        fixed share of the reform year's average pension where it is in force (frozen), the
        two mixed by the share of the reform in force while it spreads."""
        fin = self.benefits_cfg.employee_financing
        own = pop.income[retirees].astype(np.float64) * fin.retiree_account_share_of_pension / 12
        reformed = fin.account_reform_share(year)
        if reformed == 0.0:
            return own
        if self.frozen_retiree_credit is None:
            average = float(pop.income[retirees].mean()) if retirees.size else 0.0
            share = fin.retiree_account_share_of_average_pension_after_reform
            self.frozen_retiree_credit = average * share / 12
        return (1 - reformed) * own + reformed * self.frozen_retiree_credit

    def _pharmacy(self, pop: PatientPopulation, members: np.ndarray, amount: float) -> None:
        """Purchases at designated pharmacies, paid from accounts while they last."""
        spent = np.minimum(pop.account[members], amount)
        pop.account[members] -= spent
        self.month.account_pharmacy += float(spent.sum())


class ResidentFund(Fund):
    """URRBMI: a flat individual contribution plus a government subsidy per enrollee."""

    scheme_index = RESIDENT

    def initial_reserve_months(self) -> float:
        return self.benefits_cfg.initial_reserve_months_resident

    def members(self, pop: PatientPopulation) -> np.ndarray:
        return pop.alive & ((pop.scheme == RESIDENT_ADULT) | (pop.scheme == RESIDENT_CHILD))

    def __init__(self, model: mesa.Model, cfg: SanyiConfig,
                 critical_illness_premium: Callable[[float], float] = lambda financing: 0.0
                 ) -> None:
        super().__init__(model, cfg)
        self.financing = ResidentFinancing(cfg.benefits)
        # yuan per enrollee-year paid to the critical-illness insurer, from the financing
        # per enrollee (``protection``; none under basic insurance alone)
        self.critical_illness_premium = critical_illness_premium

    def collect(self, pop: PatientPopulation, year: int, births: float = 0.0) -> None:
        super().collect(pop, year)
        n = int(np.count_nonzero(self.members(pop)))
        self.year.enrollee_months += n
        individual, subsidy = self.financing.revenue_per_enrollee(year)
        self.month.contributions = n * individual / 12 * self.contribution_level
        self.month.subsidy = n * subsidy / 12
        premium = self.critical_illness_premium(individual + subsidy)
        self.month.critical_illness_premium = n * premium / 12

    def close_year(self, year: int, pooled_reserve: float) -> None:
        """Record the year's pooled spending per enrollee for the financing notices."""
        enrollees = self.year.enrollee_months / 12
        self.financing.record_year(year, self.year.pooled_expenditure / max(enrollees, 1.0))
        super().close_year(year, pooled_reserve)
