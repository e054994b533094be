"""The tariff: what a case is charged at the price schedule — one formula for every reader.

Hospitals bill with these functions at their own decisions and realised stays; patients use
the same functions at the clinical norm to anticipate what each tier would cost them. The
tariff reads prices from the pricing policy (services) and the medicines market (drugs).
"""

from __future__ import annotations

import numpy as np

from sanyi.agents.patients.disease import _BITS, TABLE
from sanyi.model.batches import ACUTE_VISIT, ADMISSION, CHRONIC_VISIT, N_DIAGNOSES, N_SEVERITIES
from sanyi.model.config import CareUseConfig, PricingConfig
from sanyi.model.market import Market
from sanyi.model.policies.pricing import PriceSchedule

CHRONIC_DRUG_DAYS_PER_MONTH = 30.0
ACUTE_DRUG_CLASS = "anti-infective"


class Tariff:
    """Charges by kind of care, tier, severity, stay and intensity; drug prices by product."""

    acute_class_name = ACUTE_DRUG_CLASS

    def __init__(self, prices: PriceSchedule, market: Market, care_use: CareUseConfig,
                 pricing: PricingConfig) -> None:
        self.prices = prices
        self.market = market
        self.care_use = care_use
        self.pricing = pricing
        self.los_norm = np.array(care_use.los_days.as_tuple())
        self.severity_los = np.asarray(care_use.severity_los_factor)
        self.severity_cost = np.asarray(care_use.severity_cost_factor)
        self.condition_class = np.array([market.class_index(c) for c in TABLE.drug_class])
        self.acute_class = market.class_index(ACUTE_DRUG_CLASS)
        self.stent_class = market.class_index("stent")

    # -- prices of the year ---------------------------------------------------------------
    def refresh(self, tier_shares: np.ndarray) -> None:
        """Drug prices charged (purchase price plus markup) and each tier's expected price
        per dose of a class, from its hospitals' prescribing shares (tiers x products)."""
        m = self.market
        self.purchase_price = m.price.copy()
        self.drug_price = self.prices.drug_price(m.price)
        weighted = tier_shares * self.drug_price  # (tiers, products)
        self.class_price = np.stack([np.bincount(m.drug_class, weights=row,
                                                 minlength=len(m.classes)) for row in weighted],
                                    axis=1)  # (classes, tiers)
        per_condition = self.class_price[self.condition_class]  # (conditions, tiers)
        self.chronic_drugs_by_mask = (_BITS.astype(float) @ per_condition) * (
            CHRONIC_DRUG_DAYS_PER_MONTH)  # (masks, tiers)

    # -- the one formula ------------------------------------------------------------------
    def norm_los(self, tier: np.ndarray, severity: np.ndarray) -> np.ndarray:
        """Clinical norm of the length of stay, days."""
        return self.los_norm[tier] * self.severity_los[severity]

    def service_charge(self, kind: np.ndarray, tier: np.ndarray, severity: np.ndarray,
                       los: np.ndarray, intensity: np.ndarray, rural: np.ndarray) -> np.ndarray:
        """Charges for services: visits, or bed-days plus procedures scaled by intensity.

        A stay's charge is computed for admissions only (a few in a hundred episodes).
        """
        p = self.prices
        charge = p.visit[tier] * np.where(kind == ACUTE_VISIT, intensity, 1.0)
        stays = np.nonzero(kind == ADMISSION)
        if stays[0].size:
            t = tier[stays]
            charge[stays] = (
                los[stays] * p.bed_day[t]
                + p.procedure[t] * self.severity_cost[severity[stays]] * intensity[stays]
            )
        charge *= p.local_factor(rural, tier)
        return charge

    def acute_drug_units(self, kind: np.ndarray, los: np.ndarray) -> np.ndarray:
        """Defined daily doses of the acute class: per bed-day for stays, per acute visit."""
        pricing = self.pricing
        return np.where(kind == ADMISSION, los * pricing.inpatient_drug_days_per_bed_day,
                        np.where(kind == ACUTE_VISIT, pricing.outpatient_drug_days_per_visit, 0.0))

    def stent_price(self, tier: int = 1) -> float:
        """Expected charged price of a coronary stent this year at a hospital of ``tier``."""
        return float(self.class_price[self.stent_class, tier])

    def drg_reference_charges(self) -> np.ndarray:
        """Expected charges of each DRG group at a county hospital at the norm (the fallback
        of relative weights where a group has no case of its own)."""
        n = N_DIAGNOSES * N_SEVERITIES * 2
        group = np.arange(n)
        severity, procedure = (group // 2) % N_SEVERITIES, group % 2
        tier = np.ones(n, dtype=np.int64)
        los = self.norm_los(tier, severity)
        kind = np.full(n, ADMISSION)
        service = self.service_charge(kind, tier, severity, los, np.ones(n), np.zeros(n, bool))
        drugs = self.acute_drug_units(kind, los) * self.class_price[self.acute_class, 1]
        return service + drugs + procedure * self.stent_price()

    # -- what patients expect, by tier (n, 3) ---------------------------------------------
    def _expected(self, kind: int, severity: np.ndarray, rural: np.ndarray) -> np.ndarray:
        """Expected charges at each tier, (n, 3). They depend on (severity, rural) only, so
        the formula runs once on each of the six combinations and is looked up per episode
        (the same values: the same operations on the same numbers)."""
        grid_severity = np.repeat(np.arange(N_SEVERITIES), 2)
        grid_rural = np.tile(np.array([False, True]), N_SEVERITIES)
        table = self._expected_rows(kind, grid_severity, grid_rural)
        return table[severity.astype(np.intp) * 2 + rural]

    def _expected_rows(self, kind: int, severity: np.ndarray, rural: np.ndarray) -> np.ndarray:
        """Expected charges at each tier of episodes of ``kind``, (n, 3)."""
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
