"""Fund arithmetic on tiny populations whose every number can be checked by hand.

The funds are built directly: a few persons whose scheme and income are set by hand, a
bare Mesa model that only knows the year, and the default ``SanyiConfig`` with accounts that
open empty and no pharmacy purchases (tested apart). Its employee financing: employer 6.5 %,
employee 2 %, maternity 0.6 % from 2019; contribution base between 0.6 and 3 times an average
base of 78,000 yuan in 2021 growing with wages (6.7 % in 2022, 5.8 % in 2023); 20 % of the
employer's share to personal accounts before 2022; retirees' accounts 4.5 % of their pension
before 2022, then 2 % of the average pension of the reform year, frozen. Resident financing
in 2025 (policy_inputs.csv): 400 yuan from each enrollee plus a subsidy of 700 yuan, both
raised by the 6.5 % effective-financing uplift.
"""

from __future__ import annotations

import mesa
import numpy as np
import pytest

from sanyi.agents.fund import EmployeeFund, ResidentFund
from sanyi.agents.patients.population import (
    RESIDENT_ADULT,
    RESIDENT_CHILD,
    RETIREE,
    UNINSURED,
    WORKER,
    PatientPopulation,
    month_index,
)
from sanyi.model.config import SanyiConfig
from sanyi.model.inputs import policy_input
from sanyi.model.policies.benefits import (
    GENERAL,
    CurrentBenefits,
    cap_cumulative,
    group_by_person,
)


class Clock(mesa.Model):
    """The least a fund needs from its model: the calendar year."""

    def __init__(self, year: int) -> None:
        super().__init__(rng=0)
        self.year = year


def population(*persons: tuple[int, float]) -> PatientPopulation:
    """Living persons given as (scheme, yearly income in yuan), with empty accounts."""
    pop = PatientPopulation(len(persons))
    idx = pop.allocate(len(persons))
    pop.alive[idx] = True
    pop.scheme[idx] = [scheme for scheme, _ in persons]
    pop.income[idx] = [income for _, income in persons]
    return pop


def three_residents() -> PatientPopulation:
    """Two resident adults and a resident child, beside a worker and an uninsured person."""
    return population((RESIDENT_ADULT, 20_000), (RESIDENT_ADULT, 30_000), (RESIDENT_CHILD, 0),
                      (WORKER, 80_000), (UNINSURED, 10_000))


UPLIFT = 1.065


@pytest.fixture
def cfg() -> SanyiConfig:
    cfg = SanyiConfig()
    cfg.benefits.employee_financing.initial_account_years = 0.0
    cfg.benefits.employee_financing.pharmacy_yuan_per_month_worker = 0.0
    cfg.benefits.employee_financing.pharmacy_yuan_per_month_retiree = 0.0
    cfg.benefits.employee_financing.employer_share_to_accounts = 0.2  # a round local rule
    cfg.benefits.employee_financing.account_reform_phase_in_years = 1  # the reform at once
    return cfg


# ---------------------------------------------------------------------------------------
# employee fund: contributions
# ---------------------------------------------------------------------------------------


def test_employee_contributions_are_payroll_rates_on_wages_clipped_to_floor_and_cap(
    cfg: SanyiConfig,
) -> None:
    pop = population((WORKER, 30_000), (WORKER, 80_000), (WORKER, 500_000))
    fund = EmployeeFund(Clock(2022), cfg)

    fund.collect(pop, 2022)

    # 2022: average base 78,000 x 1.067 = 83,226; floor 0.6 x 83,226 = 49,935.6; cap 249,678.
    clipped_wages = 49_935.6 + 80_000 + 249_678
    assert fund.month.contributions == pytest.approx((0.065 + 0.02 + 0.006) * clipped_wages / 12)


def test_retirees_residents_and_the_dead_pay_no_employee_contributions(cfg: SanyiConfig) -> None:
    pop = population((RETIREE, 90_000), (RESIDENT_ADULT, 90_000), (WORKER, 90_000))
    pop.release(np.array([2]))  # the worker died
    fund = EmployeeFund(Clock(2022), cfg)

    fund.collect(pop, 2022)

    assert fund.month.contributions == 0.0


@pytest.mark.parametrize(("year", "total_rate"), [(2018, 0.065 + 0.02), (2019, 0.065 + 0.02 + 0.006)])
def test_maternity_rate_is_charged_from_the_merge_year(
    cfg: SanyiConfig, year: int, total_rate: float
) -> None:
    pop = population((WORKER, 60_000))  # inside floor and cap in both years
    fund = EmployeeFund(Clock(year), cfg)

    fund.collect(pop, year)

    assert fund.month.contributions == pytest.approx(total_rate * 60_000 / 12)


@pytest.mark.parametrize(("year", "floor_wage"),
                         [(2021, 0.6 * 78_000), (2023, 0.6 * 78_000 * 1.067 * 1.058)])
def test_contribution_floor_follows_the_average_base_grown_by_wages_since_the_price_year(
    cfg: SanyiConfig, year: int, floor_wage: float
) -> None:
    pop = population((WORKER, 0))  # a wage below the floor pays on the floor
    fund = EmployeeFund(Clock(year), cfg)

    fund.collect(pop, year)

    assert fund.month.contributions == pytest.approx(0.091 * floor_wage / 12)


# ---------------------------------------------------------------------------------------
# employee fund: personal accounts
# ---------------------------------------------------------------------------------------


def test_worker_account_gets_employee_rate_and_20_percent_of_employer_rate_before_the_reform(
    cfg: SanyiConfig,
) -> None:
    pop = population((WORKER, 80_000))
    fund = EmployeeFund(Clock(2021), cfg)

    fund.collect(pop, 2021)

    assert pop.account[0] == pytest.approx(80_000 / 12 * (0.02 + 0.2 * 0.065))  # 220 yuan


def test_worker_account_gets_only_the_employee_rate_from_the_reform_year(cfg: SanyiConfig) -> None:
    pop = population((WORKER, 80_000))
    fund = EmployeeFund(Clock(2022), cfg)

    fund.collect(pop, 2022)

    assert pop.account[0] == pytest.approx(80_000 / 12 * 0.02)  # 133.33 yuan


@pytest.mark.parametrize(("year", "employer_part"), [(2021, 1.0), (2022, 2 / 3), (2023, 1 / 3),
                                                     (2024, 0.0)])
def test_the_reform_spreads_over_three_years_taking_the_employer_part_away_a_third_a_year(
    cfg: SanyiConfig, year: int, employer_part: float,
) -> None:
    cfg.benefits.employee_financing.account_reform_phase_in_years = 3
    pop = population((WORKER, 80_000))
    fund = EmployeeFund(Clock(year), cfg)

    fund.collect(pop, year)

    assert pop.account[0] == pytest.approx(80_000 / 12 * (0.02 + employer_part * 0.2 * 0.065))


def test_retiree_account_gets_a_share_of_the_own_pension_before_the_reform(cfg: SanyiConfig) -> None:
    pop = population((RETIREE, 20_000), (RETIREE, 200_000), (RESIDENT_ADULT, 50_000))
    fund = EmployeeFund(Clock(2021), cfg)

    fund.collect(pop, 2021)

    assert pop.account.tolist() == pytest.approx([75.0, 750.0, 0.0])  # 4.5 % / 12


def test_retiree_account_credit_is_frozen_at_two_percent_of_the_reform_years_average_pension(
    cfg: SanyiConfig,
) -> None:
    pop = population((RETIREE, 20_000), (RETIREE, 100_000))  # average pension 60,000
    clock = Clock(2022)
    fund = EmployeeFund(clock, cfg)
    fund.collect(pop, 2022)
    pop.income[:] *= 1.5  # pensions rise later; the credit does not
    clock.year = 2030
    fund.collect(pop, 2030)

    assert pop.account.tolist() == pytest.approx([200.0, 200.0])  # 2 x 60,000 x 2 % / 12


def test_account_credits_of_the_month_add_up_over_workers_and_retirees(cfg: SanyiConfig) -> None:
    pop = population((WORKER, 80_000), (RETIREE, 30_000))
    fund = EmployeeFund(Clock(2022), cfg)

    fund.collect(pop, 2022)

    assert fund.month.account_credits == pytest.approx(80_000 / 12 * 0.02 + 30_000 * 0.02 / 12)


def test_accounts_pay_designated_pharmacy_purchases_while_the_balance_lasts(cfg: SanyiConfig) -> None:
    cfg.benefits.employee_financing.pharmacy_yuan_per_month_worker = 100.0
    pop = population((WORKER, 80_000), (WORKER, 80_000))
    pop.account[:] = [500.0, 20.0]
    fund = EmployeeFund(Clock(2021), cfg)  # the wage index is 1 in the price year

    fund.collect(pop, 2021)

    credit = 80_000 / 12 * (0.02 + 0.2 * 0.065)  # 220 yuan
    assert pop.account.tolist() == pytest.approx([500 + credit - 100, 20 + credit - 100])
    assert fund.month.account_pharmacy == pytest.approx(200.0)


def test_accounts_open_with_years_of_credits_counted_as_opening_balance(cfg: SanyiConfig) -> None:
    cfg.benefits.employee_financing.initial_account_years = 2.0
    pop = population((WORKER, 80_000))
    fund = EmployeeFund(Clock(2021), cfg)

    fund.collect(pop, 2021)

    credit = 80_000 / 12 * (0.02 + 0.2 * 0.065)
    assert pop.account[0] == pytest.approx(credit * 25)  # this month's credit plus 24 months
    assert fund.opened_this_month == pytest.approx(credit * 24)


def test_maternity_allowances_go_to_the_births_of_working_mothers(cfg: SanyiConfig) -> None:
    pop = population((WORKER, 60_000), (RESIDENT_ADULT, 20_000))
    pop.female[:] = True
    pop.birth_month[:] = month_index(2025) - 30 * 12  # both aged 30
    fund = EmployeeFund(Clock(2025), cfg)

    fund.collect(pop, 2025, births=2.0)

    # half of the births are to workers; 4.5 months of a 60,000-yuan wage each
    assert fund.month.cash_benefits == pytest.approx(2.0 * 0.5 * 60_000 / 12 * 4.5)
    assert fund.month.expenditure == pytest.approx(fund.month.cash_benefits)


# ---------------------------------------------------------------------------------------
# resident fund
# ---------------------------------------------------------------------------------------


def test_resident_fund_collects_contribution_and_subsidy_per_enrollee_each_month(
    cfg: SanyiConfig,
) -> None:
    fund = ResidentFund(Clock(2025), cfg)

    fund.collect(three_residents(), 2025)

    expected = (3 * 400 / 12 * UPLIFT, 3 * 700 / 12 * UPLIFT)
    assert (fund.month.contributions, fund.month.subsidy) == pytest.approx(expected)


def test_resident_fund_uses_the_financing_notice_of_the_year(cfg: SanyiConfig) -> None:
    fund = ResidentFund(Clock(2020), cfg)

    fund.collect(three_residents(), 2020)

    assert policy_input("resident_individual_contribution", 2020, 0.0) == 280.0
    assert fund.month.contributions == pytest.approx(3 * 280 / 12 * UPLIFT)


# ---------------------------------------------------------------------------------------
# settling a month
# ---------------------------------------------------------------------------------------


def test_first_month_opens_the_pooled_reserve_at_initial_months_of_its_claims(cfg: SanyiConfig) -> None:
    fund = ResidentFund(Clock(2025), cfg)
    fund.initial_months = 8.0
    fund.collect(three_residents(), 2025)  # revenue (100 + 175) x 1.065 = 292.875

    fund.settle_month(200.0, 0.0, 0.0)

    assert fund.opened_this_month == 8 * 200.0
    assert fund.pooled_reserve == pytest.approx(1_600 + 275 * UPLIFT - 200)


def test_pooled_reserve_changes_by_revenue_minus_expenditure(cfg: SanyiConfig) -> None:
    fund = ResidentFund(Clock(2025), cfg)
    fund.pooled_reserve = 1_200.0
    fund.collect(three_residents(), 2025)  # 292.875 plus interest 1,200 x 1.5 % / 12 = 1.5

    fund.settle_month(300.0, 0.0, 0.0)

    revenue = 275 * UPLIFT + 1.5
    assert fund.month.revenue - fund.month.expenditure == pytest.approx(revenue - 300)
    assert fund.pooled_reserve == pytest.approx(1_200 + revenue - 300)


def test_employee_pooled_reserve_and_accounts_together_change_by_revenue_minus_expenditure(
    cfg: SanyiConfig,
) -> None:
    pop = population((WORKER, 80_000), (RETIREE, 20_000))
    fund = EmployeeFund(Clock(2021), cfg)
    fund.pooled_reserve = 10_000.0
    fund.collect(pop, 2021)
    pop.account[0] -= 100.0  # the worker pays 100 yuan of outpatient care from the account

    fund.settle_month(500.0, 100.0, 0.0)

    # revenue: 9.1 % x 80,000 / 12 = 606.67 plus interest 12.50; expenditure 500 + 100.
    after = fund.pooled_reserve + fund.account_balance(pop)
    assert after - 10_000 == pytest.approx(606.666667 + 12.5 - 600)
    assert after - 10_000 == pytest.approx(fund.month.revenue - fund.month.expenditure)


def test_top_up_books_the_shortfall_as_revenue_and_leaves_the_reserve_at_zero(cfg: SanyiConfig) -> None:
    fund = ResidentFund(Clock(2025), cfg)
    fund.initial_months = 0.0  # the reserve opens empty
    fund.collect(three_residents(), 2025)  # revenue 292.875

    paid_share = fund.settle_month(1_000.0, 0.0, 0.0)

    assert paid_share == 1.0
    assert (fund.month.top_up, fund.month.pooled_paid) == pytest.approx((1_000 - 275 * UPLIFT,
                                                                           1_000.0))
    assert fund.pooled_reserve == pytest.approx(0.0)


def test_top_up_keeps_the_reserve_at_zero_when_account_credits_exceed_contributions(
    cfg: SanyiConfig,
) -> None:
    pop = population((RETIREE, 24_000))  # a credit of 24,000 x 2 % / 12 = 40 yuan
    fund = EmployeeFund(Clock(2025), cfg)
    fund.initial_months = 0.0
    fund.collect(pop, 2025)

    fund.settle_month(100.0, 0.0, 0.0)

    assert fund.month.top_up == pytest.approx(140.0)
    assert fund.pooled_reserve == pytest.approx(0.0)


def test_depletion_year_is_the_year_claims_first_exceed_what_the_reserve_can_pay(
    cfg: SanyiConfig,
) -> None:
    clock = Clock(2025)
    fund = ResidentFund(clock, cfg)
    fund.initial_months = 0.0
    pop = three_residents()
    for year in (2025, 2026):
        clock.year = year
        fund.collect(pop, year)
        fund.settle_month(1_000.0, 0.0, 0.0)

    assert fund.depletion_year == 2025


def test_benefit_cut_pays_only_the_available_share_and_shifts_the_rest_to_patients(
    cfg: SanyiConfig,
) -> None:
    cfg.benefits.on_depletion = "benefit_cut"
    fund = ResidentFund(Clock(2025), cfg)
    fund.initial_months = 0.0
    fund.collect(three_residents(), 2025)  # revenue 292.875

    paid_share = fund.settle_month(1_000.0, 0.0, 0.0)

    revenue = 275 * UPLIFT
    assert paid_share == pytest.approx(revenue / 1_000)
    assert (fund.month.pooled_paid, fund.month.shifted_to_patients) == pytest.approx(
        (revenue, 1_000 - revenue))
    assert fund.month.top_up == 0.0
    assert fund.pooled_reserve == pytest.approx(0.0)


def test_benefit_cut_lowers_next_years_benefit_level_by_the_adjustment_step(cfg: SanyiConfig) -> None:
    cfg.benefits.on_depletion = "benefit_cut"
    fund = ResidentFund(Clock(2025), cfg)
    fund.initial_months = 0.0
    fund.collect(three_residents(), 2025)
    fund.settle_month(1_000.0, 0.0, 0.0)

    fund.close_year(2025, fund.pooled_reserve or 0.0)

    assert fund.benefit_level == pytest.approx(1 - 0.05)


def test_close_year_records_the_first_deficit_year_and_keeps_it(cfg: SanyiConfig) -> None:
    clock = Clock(2025)
    fund = ResidentFund(clock, cfg)
    fund.initial_months = 100.0  # a reserve large enough never to run out
    pop = three_residents()
    for year, claims in ((2025, 200.0), (2026, 1_000.0), (2027, 1_000.0)):  # revenue ~300
        clock.year = year
        fund.collect(pop, year)
        fund.settle_month(claims, 0.0, 0.0)
        fund.close_year(year, fund.pooled_reserve or 0.0)

    assert fund.first_deficit_year == 2026


# ---------------------------------------------------------------------------------------
# paying claims up to what is available per person
# ---------------------------------------------------------------------------------------


def test_cap_cumulative_pays_each_persons_claims_in_order_until_their_amount_is_used_up() -> None:
    person = np.array([1, 0, 1])
    claims = np.array([100.0, 50.0, 80.0])
    available = np.array([30.0, 150.0])  # person 0, person 1 (sorted persons of the grouping)

    paid = cap_cumulative(claims, available, group_by_person(person))

    # person 1: 100 paid in full, then 50 of 80 left; person 0: 30 of 50.
    assert paid.tolist() == [100.0, 30.0, 50.0]


def test_the_general_outpatient_pool_widens_as_the_reform_spreads(cfg: SanyiConfig) -> None:
    """Employees' yearly limit of the general pool moves from the pre-reform 1,500 yuan toward
    3,500 a third of the way a year (amounts held at price-year yuan here)."""
    cfg.benefits.employee_financing.account_reform_phase_in_years = 3
    package = CurrentBenefits(cfg.benefits)  # amounts not indexed: the index is 1
    limits = []
    for year in (2021, 2022, 2023, 2024):
        package.start_year(year)
        limits.append(package.channel_limit[GENERAL, 0])

    assert limits == pytest.approx([1500.0, 1500 + 2000 / 3, 1500 + 4000 / 3, 3500.0])
