"""Hospitals: treat their slice of the month's episodes in bulk and bill claims.

A hospital's choices (treatment intensity, length of stay, admission threshold, coding and
prescribing) go through one interface, ``DecisionRule.decide``. Here the rule is fixed by
``conf/behaviour``; the payment issue replaces it with utility-maximising adaptation
(profit plus altruism towards patients minus expected audit penalties).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol

import mesa
import numpy as np

from agents.patients.disease import TABLE
from agents.supplier import Catalogue
from model.batches import ACUTE_VISIT, ADMISSION, CHRONIC_VISIT, Claims, Episodes
from model.config import CareUseConfig, HospitalBehaviourConfig, PricingConfig
from model.costing import ACUTE_DRUG_CLASS, CHRONIC_DRUG_DAYS_PER_MONTH
from model.policies.payment import PaymentMethod
from model.policies.pricing import PriceSchedule

DAYS_PER_MONTH = 30.4
MAX_OCCUPANCY = 1.1  # stays are shortened when demand exceeds 110 % of beds
LOS_NOISE_SIGMA = 0.3
VARIABLE_COST_SHARE = 0.55  # share of service charges that is variable cost (staff, supplies)
STENT_SHARE_OF_CORONARY_ADMISSIONS = 0.5  # coronary events treated with a stent (tiers 2-3)
CORONARY_CAUSES = (TABLE.names.index("chd"), TABLE.names.index("diabetes"))


@dataclass
class HospitalDecisions:
    """What a hospital chooses; each field scales one part of treatment."""

    intensity: float  # services per case relative to the norm
    los_factor: float  # length of stay relative to the clinical norm
    admission_threshold: float  # share of mild admissions treated as outpatient instead
    upcoding_share: float  # share of cases coded one severity higher
    originator_share: float  # share of prescriptions written for originator brands


class DecisionRule(Protocol):
    def decide(self, hospital: Hospital) -> HospitalDecisions: ...


class FixedDecisions:
    """Decisions fixed by configuration (the same every year)."""

    def __init__(self, cfg: HospitalBehaviourConfig) -> None:
        self.cfg = cfg

    def decide(self, hospital: Hospital) -> HospitalDecisions:
        c = self.cfg
        return HospitalDecisions(
            intensity=c.intensity, los_factor=c.los_factor,
            admission_threshold=c.admission_threshold, upcoding_share=c.upcoding_share,
            originator_share=c.originator_share.as_tuple()[hospital.tier],
        )


@dataclass
class HospitalContext:
    """What every hospital shares: prices, catalogue, payment method, clinical norms."""

    prices: PriceSchedule
    catalogue: Catalogue
    care_use: CareUseConfig
    pricing: PricingConfig
    payment: PaymentMethod
    rule: DecisionRule


class Hospital(mesa.Agent):
    """One hospital of a tier (0 primary, 1 secondary/county, 2 tertiary/city)."""

    def __init__(self, model: mesa.Model, index: int, tier: int, beds: float, quality: float,
                 fixed_cost_per_bed_month: float, context: HospitalContext) -> None:
        super().__init__(model)
        self.index = index
        self.tier = tier
        self.beds = beds  # simulated scale
        self.quality = quality
        self.fixed_cost_month = beds * fixed_cost_per_bed_month
        self.ctx = context
        self.decisions = context.rule.decide(self)
        self.purchases = np.zeros(context.catalogue.n_products)  # units this month
        self.reset_month()

    def reset_month(self) -> None:
        self.revenue_month = 0.0
        self.cost_month = 0.0
        self.drug_purchase_month = 0.0
        self.occupancy_month = 0.0
        self.purchases[:] = 0.0

    def adapt(self) -> None:
        """Yearly revision of decisions through the configured rule."""
        self.decisions = self.ctx.rule.decide(self)

    # -- treatment ----------------------------------------------------------------------
    def treat(self, episodes: Episodes, purchase_price: np.ndarray,
              rng: np.random.Generator) -> Claims:
        """Treat a batch of episodes (all at this hospital) and bill them."""
        d, ctx = self.decisions, self.ctx
        kind = episodes.kind.copy()
        mild = (kind == ADMISSION) & (episodes.severity == 0)
        kind[mild & (rng.random(kind.size) < d.admission_threshold)] = ACUTE_VISIT
        episodes.kind = kind
        inpatient = kind == ADMISSION
        severity = episodes.severity.astype(np.int64)
        los = self._length_of_stay(inpatient, severity, rng)
        local = ctx.prices.local_factor(episodes.rural)
        service = self._service_charges(kind, severity, los, local)
        drug_units, product = self._prescribe(episodes, los, rng)
        price = ctx.prices.drug_price(purchase_price)
        drug_charge = (drug_units * price[product]).sum(axis=0)
        drug_cost = (drug_units * purchase_price[product]).sum(axis=0)
        for k in range(product.shape[0]):
            self.purchases += np.bincount(product[k], weights=drug_units[k],
                                          minlength=self.purchases.size)
        consumable_units, stent = self._consumables(episodes, rng)
        consumable_charge = consumable_units * price[stent]
        self.purchases += np.bincount(stent, weights=consumable_units,
                                      minlength=self.purchases.size)
        coded = np.minimum(severity + (inpatient & (rng.random(kind.size) < d.upcoding_share)), 2)
        claims = Claims(
            episodes=episodes, los_days=los.astype(np.float32), coded_severity=coded.astype(np.int8),
            service_charge=service, drug_charge=drug_charge, consumable_charge=consumable_charge,
            drug_cost=drug_cost + consumable_units * purchase_price[stent],
        )
        self._book(claims, service)
        return claims

    def _length_of_stay(self, inpatient: np.ndarray, severity: np.ndarray,
                        rng: np.random.Generator) -> np.ndarray:
        cu = self.ctx.care_use
        norm = cu.los_days.as_tuple()[self.tier] * np.asarray(cu.severity_los_factor)[severity]
        noise = np.exp(rng.standard_normal(severity.size) * LOS_NOISE_SIGMA
                       - LOS_NOISE_SIGMA**2 / 2)
        los = np.where(inpatient, np.maximum(norm * self.decisions.los_factor * noise, 1.0), 0.0)
        capacity = self.beds * DAYS_PER_MONTH * MAX_OCCUPANCY
        demand = los.sum()
        self.occupancy_month = demand / max(self.beds * DAYS_PER_MONTH, 1e-9)
        if demand > capacity > 0:
            los *= capacity / demand  # a full hospital discharges earlier
        return los

    def _service_charges(self, kind: np.ndarray, severity: np.ndarray, los: np.ndarray,
                         local: np.ndarray) -> np.ndarray:
        p, cu, t = self.ctx.prices, self.ctx.care_use, self.tier
        intensity = self.decisions.intensity
        inpatient = los * p.bed_day[t] + p.procedure[t] * np.asarray(
            cu.severity_cost_factor)[severity] * intensity
        return np.where(kind == ADMISSION, inpatient, p.visit[t] * np.where(
            kind == ACUTE_VISIT, intensity, 1.0)) * local

    def _prescribe(self, episodes: Episodes, los: np.ndarray,
                   rng: np.random.Generator) -> tuple[np.ndarray, np.ndarray]:
        """Drug units per (class, episode) and the product chosen for each.

        Chronic follow-ups get a month of each held condition's drug class; acute visits and
        admissions get the acute class. One prescriber style per episode: originator brands
        with probability ``originator_share``, else a generic maker at random.
        """
        cat = self.ctx.catalogue
        n = len(episodes)
        units = np.zeros((len(cat.classes), n))
        acute_k = cat.classes.index(ACUTE_DRUG_CLASS)
        units[acute_k] = np.where(
            episodes.kind == ADMISSION, los * self.ctx.pricing.inpatient_drug_days_per_bed_day,
            np.where(episodes.kind == ACUTE_VISIT,
                     self.ctx.pricing.outpatient_drug_days_per_visit, 0.0))
        chronic = episodes.kind == CHRONIC_VISIT
        for bit, cls in enumerate(TABLE.drug_class):
            held = chronic & ((episodes.conditions >> bit) & 1).astype(bool)
            units[cat.classes.index(cls)] += held * CHRONIC_DRUG_DAYS_PER_MONTH
        originator = rng.random(n) < self.decisions.originator_share
        pick = rng.random(n)
        product = np.empty((len(cat.classes), n), dtype=np.int64)
        for k, cls in enumerate(cat.classes):
            orig, gens = cat.class_products[cls]
            generic = gens[(pick * gens.size).astype(np.int64)] if gens.size else orig
            product[k] = np.where(originator, orig, generic)
        return units, product

    def _consumables(self, episodes: Episodes, rng: np.random.Generator,
                     ) -> tuple[np.ndarray, np.ndarray]:
        """Coronary stents for a share of coronary emergencies at county and city hospitals.

        Returns units per episode and the stent product used (originator or a generic, with
        the hospital's originator share).
        """
        n = len(episodes)
        orig, gens = self.ctx.catalogue.class_products["stent"]
        coronary = np.isin(episodes.cause, CORONARY_CAUSES) & (episodes.kind == ADMISSION)
        eligible = coronary & (self.tier >= 1)
        units = eligible & (rng.random(n) < STENT_SHARE_OF_CORONARY_ADMISSIONS)
        generic = gens[(rng.random(n) * gens.size).astype(np.int64)] if gens.size else orig
        product = np.where(rng.random(n) < self.decisions.originator_share, orig, generic)
        return units.astype(float), product

    def _book(self, claims: Claims, service: np.ndarray) -> None:
        revenue = float(self.ctx.payment.hospital_revenue(claims).sum())
        self.revenue_month += revenue
        self.drug_purchase_month += float(claims.drug_cost.sum())
        self.cost_month += float(claims.drug_cost.sum()) + VARIABLE_COST_SHARE * float(
            service.sum())

    def close_month(self) -> None:
        self.cost_month += self.fixed_cost_month

    @property
    def surplus_month(self) -> float:
        return self.revenue_month - self.cost_month
