"""Charges of a case at the price schedule: one formula for hospitals and for patients.

Hospitals bill with these formulas (scaled by their decisions); patients use the same
formulas, at standard decisions, to anticipate what each tier would cost them.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from sanyi.agents.patients.disease import _BITS, TABLE
from sanyi.agents.supplier import Catalogue
from sanyi.model.config import CareUseConfig, PricingConfig
from sanyi.model.policies.pricing import PriceSchedule

CHRONIC_DRUG_DAYS_PER_MONTH = 30.0
ACUTE_DRUG_CLASS = "anti-infective"


@dataclass
class Costing:
    """Expected charges by tier, refreshed when prices change (each January)."""

    prices: PriceSchedule
    catalogue: Catalogue
    care_use: CareUseConfig
    pricing: PricingConfig
    originator_share: np.ndarray  # by tier

    def refresh(self, purchase_price: np.ndarray) -> None:
        """Average drug charge per defined daily dose, by class and tier, at the prescribing mix."""
        cat = self.catalogue
        charged = self.prices.drug_price(purchase_price)
        self.class_price = np.zeros((len(cat.classes), 3))
        for k, cls in enumerate(cat.classes):
            orig, gens = cat.class_products[cls]
            generic = charged[gens].mean() if gens.size else charged[orig]
            self.class_price[k] = self.originator_share * charged[orig] + (
                1 - self.originator_share) * generic
        condition_class = np.array([cat.classes.index(c) for c in TABLE.drug_class])
        per_condition = self.class_price[condition_class]  # (conditions, tiers)
        self.chronic_drugs_by_mask = (_BITS.astype(float) @ per_condition) * (
            CHRONIC_DRUG_DAYS_PER_MONTH)  # (masks, tiers)
        self.acute_drug_price = self.class_price[cat.classes.index(ACUTE_DRUG_CLASS)]

    def admission(self, severity: np.ndarray, rural: np.ndarray) -> np.ndarray:
        """Expected charges of an admission at each tier, shape (n, 3)."""
        cu, p = self.care_use, self.prices
        los = np.array(cu.los_days.as_tuple()) * np.asarray(cu.severity_los_factor)[severity, None]
        service = los * p.bed_day + p.procedure * np.asarray(cu.severity_cost_factor)[severity, None]
        drugs = los * self.pricing.inpatient_drug_days_per_bed_day * self.acute_drug_price
        return service * p.local_factor(rural)[:, None] + drugs

    def acute_visit(self, rural: np.ndarray) -> np.ndarray:
        p = self.prices
        drugs = self.pricing.outpatient_drug_days_per_visit * self.acute_drug_price
        return p.visit * p.local_factor(rural)[:, None] + drugs

    def chronic_visit(self, conditions: np.ndarray, rural: np.ndarray) -> np.ndarray:
        p = self.prices
        return p.visit * p.local_factor(rural)[:, None] + self.chronic_drugs_by_mask[conditions]
