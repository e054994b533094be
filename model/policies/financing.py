"""Resident financing: the yearly notice, and what it does after the last legislated year.

The individual contribution and the government subsidy per enrollee follow the national
financing notices (``model/data/policy_inputs.csv``) up to the last one. After that,
``benefits.financing_rule`` decides: ``follows_spending`` sets each year's financing to the
fund's pooled spending per enrollee of the last closed year grown by its recent growth rate
(the notices aim at a balanced fund: "以收定支、收支平衡"), never below the last notice, and
keeps the notice's split between contribution and subsidy; ``frozen`` keeps the last notice's
levels — a depletion date under frozen policy only measures the gap that future notices must
close, which the ``financing_gap_share`` KPI shows. Actual revenue exceeds the national
minimum by ``resident_financing_uplift``.
"""

from __future__ import annotations

import numpy as np

from sanyi.model import inputs
from sanyi.model.config import BenefitsConfig

INDIVIDUAL, SUBSIDY = "resident_individual_contribution", "resident_subsidy_per_enrollee"


class ResidentFinancing:
    """Per-enrollee individual contribution and subsidy of each year (yuan per year)."""

    def __init__(self, cfg: BenefitsConfig) -> None:
        self.cfg = cfg
        self.last_notice = inputs.last_policy_year(SUBSIDY)
        self.levels: dict[int, tuple[float, float]] = {}
        self.spending: dict[int, float] = {}  # pooled spending per enrollee, by closed year

    def record_year(self, year: int, spending_per_enrollee: float) -> None:
        self.spending[year] = spending_per_enrollee

    def _growth(self, year: int) -> float:
        """Average yearly growth of spending per enrollee over the last closed years."""
        years = sorted(y for y in self.spending if y < year)[-(self.cfg.financing_smoothing_years + 1):]
        if len(years) < 2 or self.spending[years[0]] <= 0:
            return 0.0
        span = years[-1] - years[0]
        return float((self.spending[years[-1]] / self.spending[years[0]]) ** (1 / span) - 1)

    def minimum(self, year: int) -> tuple[float, float]:
        """National minimum (individual contribution, subsidy) of ``year``."""
        if year <= self.last_notice:
            return (inputs.policy_input(INDIVIDUAL, year, 0.0),
                    inputs.policy_input(SUBSIDY, year, 0.0))
        if year not in self.levels:
            self.levels[year] = self._notice(year)
        return self.levels[year]

    def _notice(self, year: int) -> tuple[float, float]:
        """The financing notice for a year after the last legislated one."""
        individual, subsidy = self.minimum(year - 1)
        closed = [y for y in self.spending if y < year]
        if self.cfg.financing_rule == "frozen" or not closed:
            return individual, subsidy
        last = max(closed)
        needed = self.spending[last] * (1 + self._growth(year)) ** (year - last)
        total = max(needed / self.cfg.resident_financing_uplift, individual + subsidy)
        share = individual / (individual + subsidy)
        return total * share, total * (1 - share)

    def revenue_per_enrollee(self, year: int) -> tuple[float, float]:
        """Effective (individual contribution, subsidy) per enrollee-year of ``year``."""
        individual, subsidy = self.minimum(year)
        uplift = self.cfg.resident_financing_uplift
        return individual * uplift, subsidy * uplift * self.cfg.resident_subsidy_factor


def uninsured_share(start_share: float, elasticity: float, burden: float,
                    start_burden: float) -> float:
    """Uninsured share of residents for a premium burden (contribution / income)."""
    return float(np.clip(start_share * (burden / start_burden) ** elasticity, 0.0, 0.9))
