"""The optional adjustment rule: contributions or benefits move when reserves leave a band."""

from __future__ import annotations

import pytest

from sanyi.agents.fund import ResidentFund
from sanyi.model.config import SanyiConfig
from tests.test_fund_accounts import Clock, three_residents


def _fund_after_a_year(cfg: SanyiConfig, claims_per_month: float) -> ResidentFund:
    """A resident fund that opens with one month of claims in reserve and runs a year."""
    fund = ResidentFund(Clock(2025), cfg)
    fund.initial_months = 1.0
    pop = three_residents()
    for _ in range(12):
        fund.collect(pop, 2025)
        fund.settle_month(claims_per_month, 0.0, 0.0)
    fund.close_year(2025, fund.pooled_reserve or 0.0)
    return fund


def _band(cfg: SanyiConfig, lever: str) -> SanyiConfig:
    cfg.benefits.adjustment.enabled = True
    cfg.benefits.adjustment.lever = lever
    cfg.benefits.adjustment.lower_months = 6.0
    cfg.benefits.adjustment.upper_months = 12.0
    cfg.benefits.adjustment.step = 0.05
    return cfg


def test_low_reserve_raises_contributions_by_one_step() -> None:
    # Revenue 275 a month against claims of 270: the reserve stays near one month.
    fund = _fund_after_a_year(_band(SanyiConfig(), "contributions"), 270.0)
    assert fund.contribution_level == pytest.approx(1.05)
    assert fund.benefit_level == 1.0


def test_high_reserve_lowers_contributions_by_one_step() -> None:
    # Revenue 275 a month against claims of 20: the reserve grows far above twelve months.
    fund = _fund_after_a_year(_band(SanyiConfig(), "contributions"), 20.0)
    assert fund.contribution_level == pytest.approx(0.95)


def test_benefit_lever_cuts_benefits_when_the_reserve_is_low() -> None:
    fund = _fund_after_a_year(_band(SanyiConfig(), "benefits"), 270.0)
    assert fund.benefit_level == pytest.approx(0.95)
    assert fund.contribution_level == 1.0


def test_the_rule_is_off_unless_enabled() -> None:
    fund = _fund_after_a_year(SanyiConfig(), 270.0)
    assert (fund.contribution_level, fund.benefit_level) == (1.0, 1.0)
