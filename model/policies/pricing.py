"""Pricing policy: the service price schedule and the drug markup hospitals may charge.

``markup_15`` (public hospitals' 15 % drug markup, abolished in 2017) and ``zero_markup``
are one class with different parameters: prices are data, not branches.
"""

from __future__ import annotations

import numpy as np

from sanyi.model.config import CareUseConfig, PricingConfig


class PriceSchedule:
    """Prices charged for services (by tier) and drugs (purchase price plus markup)."""

    Config = PricingConfig

    def __init__(self, cfg: PricingConfig, care_use: CareUseConfig, cost_growth: float) -> None:
        self.cfg = cfg
        self.markup = cfg.drug_markup_rate
        self.rural_factor = care_use.rural_price_factor
        self.cost_growth = cost_growth
        self._base = {
            "bed_day": np.array(cfg.bed_day_price.as_tuple()),
            "procedure": np.array(cfg.procedure_price_per_admission.as_tuple()),
            "visit": np.array(cfg.outpatient_visit_price.as_tuple()),
        }
        self.bed_day = self._base["bed_day"].copy()
        self.procedure = self._base["procedure"].copy()
        self.visit = self._base["visit"].copy()

    def start_year(self, year: int) -> None:
        """Index the schedule to the year: technology and unit costs grow each year."""
        index = (1 + self.cost_growth) ** (year - self.cfg.price_year)
        self.bed_day = self._base["bed_day"] * index
        self.procedure = self._base["procedure"] * index
        self.visit = self._base["visit"] * index

    def local_factor(self, rural: np.ndarray) -> np.ndarray:
        """Price level of the patient's area (rural schedules are lower)."""
        return np.where(rural, self.rural_factor, 1.0)

    def drug_price(self, purchase_price: np.ndarray | float) -> np.ndarray | float:
        """Price charged to patients and funds for a drug bought at ``purchase_price``."""
        return purchase_price * (1 + self.markup)
