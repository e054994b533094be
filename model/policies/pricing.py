"""Pricing policy: the service price schedule and the drug markup hospitals may charge.

``markup_15`` (public hospitals' 15 % drug markup, abolished in 2017) and ``zero_markup``
are one class with different parameters: prices are data, not branches.
"""

from __future__ import annotations

import numpy as np

from sanyi.model import inputs
from sanyi.model.config import CareUseConfig, PricingConfig, ScenarioConfig


class PriceSchedule:
    """Prices charged for services (by tier) and drugs (purchase price plus markup)."""

    Config = PricingConfig

    def __init__(self, cfg: PricingConfig, care_use: CareUseConfig,
                 scenario: ScenarioConfig) -> None:
        self.cfg = cfg
        self.markup = cfg.drug_markup_rate
        self.rural_factor = np.array(care_use.rural_price_factor.as_tuple())
        self.scenario = scenario
        self._base = {
            "bed_day": np.array(cfg.bed_day_price.as_tuple()),
            "procedure": np.array(cfg.procedure_price_per_admission.as_tuple()),
            "visit": np.array(cfg.outpatient_visit_price.as_tuple()),
        }
        self.bed_day = self._base["bed_day"].copy()
        self.procedure = self._base["procedure"].copy()
        self.visit = self._base["visit"].copy()
        self.adjustment = 1.0  # service-price adjustment of the year (1: none)

    def _growth(self, rate: float, year: int) -> float:
        return (1 + rate) ** (year - self.cfg.price_year)

    def start_year(self, year: int, savings_share: float = 0.0) -> None:
        """Index the schedule to the year, and adjust it with procurement savings.

        Prices of a given service grow with ``service_price_growth_per_year``; procedures and
        visits also carry excess cost growth (more, costlier services per case), bed-days
        do not. ``savings_share`` is last year's saving on tender winners relative to last
        year's service charges: labour-service prices rise by ``service_adjustment_share`` of
        it, up to ``service_adjustment_cap``.
        """
        sc, cfg = self.scenario, self.cfg
        price = inputs.growth_index(sc.service_price_path(), year, cfg.price_year)
        excess = inputs.growth_index(sc.excess_cost_path(), year, cfg.price_year)
        self.adjustment = 1 + min(cfg.service_adjustment_share * savings_share,
                                  cfg.service_adjustment_cap)
        self.bed_day = self._base["bed_day"] * price * self.adjustment
        self.procedure = self._base["procedure"] * price * excess * self.adjustment
        self.visit = self._base["visit"] * price * excess * self.adjustment

    def service_index(self, year: int) -> float:
        """Service prices and excess cost growth relative to the price year (what a
        procedure-based rate such as a DRG base rate is indexed with)."""
        sc = self.scenario
        return (inputs.growth_index(sc.service_price_path(), year, self.cfg.price_year)
                * inputs.growth_index(sc.excess_cost_path(), year, self.cfg.price_year))

    def drug_list_index(self, year: int) -> float:
        """List prices of drugs and devices relative to the price year: the price of a given
        product times the drift of the basket toward newer, costlier products."""
        sc = self.scenario
        return (self._growth(sc.drug_price_growth_per_year, year)
                * inputs.growth_index(sc.excess_cost_path(), year, self.cfg.price_year))

    def local_factor(self, rural: np.ndarray, tier: np.ndarray) -> np.ndarray:
        """Price level of the facility a patient uses: rural ones are cheaper, by tier."""
        return np.where(rural, self.rural_factor[tier], 1.0)

    def drug_price(self, purchase_price: np.ndarray | float) -> np.ndarray | float:
        """Price charged to patients and funds for a drug bought at ``purchase_price``."""
        return purchase_price * (1 + self.markup)
