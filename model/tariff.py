"""The tariff: what a case is charged at the price schedule — one formula for every reader.

Hospitals bill with these functions at their own decisions and realised stays; patients use
the same functions at the clinical norm to anticipate what each tier would cost them. The
tariff reads prices from the pricing policy (services) and the medicines market (drugs).
"""

from __future__ import annotations

import numpy as np

from sanyi.agents.patients.disease import _BITS, TABLE
from sanyi.model.batches import ACUTE_VISIT, ADMISSION, CHRONIC_VISIT
from sanyi.model.config import CareUseConfig, PricingConfig
from sanyi.model.medicines import Catalogue
from sanyi.model.policies.pricing import PriceSchedule

CHRONIC_DRUG_DAYS_PER_MONTH = 30.0
ACUTE_DRUG_CLASS = "anti-infective"


class Tariff:
    """Charges by kind of care, tier, severity, stay and intensity; drug prices by product."""

    def __init__(self, prices: PriceSchedule, catalogue: Catalogue, care_use: CareUseConfig,
                 pricing: PricingConfig, originator_share: np.ndarray) -> None:
        self.prices = prices
        self.catalogue = catalogue
        self.care_use = care_use
        self.pricing = pricing
        self.originator_share = originator_share  # by tier: the expected prescribing mix
        self.los_norm = np.array(care_use.los_days.as_tuple())
        self.severity_los = np.asarray(care_use.severity_los_factor)
        self.severity_cost = np.asarray(care_use.severity_cost_factor)
        self.condition_class = np.array([catalogue.classes.index(c) for c in TABLE.drug_class])
        self.acute_class = catalogue.classes.index(ACUTE_DRUG_CLASS)

    # -- prices of the year ---------------------------------------------------------------
    def refresh(self, purchase_price: np.ndarray) -> None:
        """Drug prices charged (purchase price plus markup) and their expected mix by tier."""
        cat = self.catalogue
        self.purchase_price = purchase_price
        self.drug_price = self.prices.drug_price(purchase_price)
        self.class_price = np.zeros((len(cat.classes), 3))
        for k, cls in enumerate(cat.classes):
            orig, gens = cat.class_products[cls]
            generic = self.drug_price[gens].mean() if gens.size else self.drug_price[orig]
            self.class_price[k] = self.originator_share * self.drug_price[orig] + (
                1 - self.originator_share) * generic
        per_condition = self.class_price[self.condition_class]  # (conditions, tiers)
        self.chronic_drugs_by_mask = (_BITS.astype(float) @ per_condition) * (
            CHRONIC_DRUG_DAYS_PER_MONTH)  # (masks, tiers)

    # -- the one formula ------------------------------------------------------------------
    def norm_los(self, tier: np.ndarray, severity: np.ndarray) -> np.ndarray:
        """Clinical norm of the length of stay, days."""
        return self.los_norm[tier] * self.severity_los[severity]

    def service_charge(self, kind: np.ndarray, tier: np.ndarray, severity: np.ndarray,
                       los: np.ndarray, intensity: np.ndarray, rural: np.ndarray) -> np.ndarray:
        """Charges for services: visits, or bed-days plus procedures scaled by intensity."""
        p = self.prices
        visit = p.visit[tier] * np.where(kind == ACUTE_VISIT, intensity, 1.0)
        stay = los * p.bed_day[tier] + p.procedure[tier] * self.severity_cost[severity] * intensity
        return np.where(kind == ADMISSION, stay, visit) * p.local_factor(rural, tier)

    def acute_drug_units(self, kind: np.ndarray, los: np.ndarray) -> np.ndarray:
        """Defined daily doses of the acute class: per bed-day for stays, per acute visit."""
        pricing = self.pricing
        return np.where(kind == ADMISSION, los * pricing.inpatient_drug_days_per_bed_day,
                        np.where(kind == ACUTE_VISIT, pricing.outpatient_drug_days_per_visit, 0.0))

    # -- what patients expect, by tier (n, 3) ---------------------------------------------
    def _expected(self, kind: int, severity: np.ndarray, rural: np.ndarray) -> np.ndarray:
        n = severity.size
        tiers = np.broadcast_to(np.arange(3), (n, 3))
        sev = np.broadcast_to(severity[:, None], (n, 3))
        kinds = np.full((n, 3), kind)
        los = self.norm_los(tiers, sev) if kind == ADMISSION else np.zeros((n, 3))
        service = self.service_charge(kinds, tiers, sev, los, np.ones((n, 3)), rural[:, None])
        drugs = self.acute_drug_units(kinds, los) * self.class_price[self.acute_class]
        return service + drugs

    def admission(self, severity: np.ndarray, rural: np.ndarray) -> np.ndarray:
        return self._expected(ADMISSION, severity, rural)

    def acute_visit(self, rural: np.ndarray) -> np.ndarray:
        return self._expected(ACUTE_VISIT, np.zeros(rural.size, dtype=np.int64), rural)

    def chronic_visit(self, conditions: np.ndarray, rural: np.ndarray) -> np.ndarray:
        visit = self._expected(CHRONIC_VISIT, np.zeros(rural.size, dtype=np.int64), rural)
        return visit + self.chronic_drugs_by_mask[conditions]
