"""Hospitals: treat their slice of the month's episodes in bulk and bill claims.

A hospital's choices (treatment intensity, length of stay, admission threshold, coding and
prescribing) go through one interface, ``DecisionRule.decide``. Here the rule is fixed by
``conf/behaviour``; the payment issue replaces it with utility-maximising adaptation
(profit plus altruism towards patients minus expected audit penalties).
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Protocol

import mesa
import numpy as np

from sanyi.agents.patients.disease import TABLE
from sanyi.agents.supplier import Catalogue
from sanyi.model.batches import ACUTE_VISIT, ADMISSION, CHRONIC_VISIT, Claims, Episodes
from sanyi.model.config import CareUseConfig, HospitalBehaviourConfig, PricingConfig
from sanyi.model.costing import ACUTE_DRUG_CLASS, CHRONIC_DRUG_DAYS_PER_MONTH
from sanyi.model.policies.payment import PaymentMethod
from sanyi.model.policies.pricing import PriceSchedule

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
        kind = episodes.kind
        if d.admission_threshold > 0:  # mild cases kept out of beds become outpatient visits
            mild = np.flatnonzero((kind == ADMISSION) & (episodes.severity == 0))
            kind[mild[rng.random(mild.size) < d.admission_threshold]] = ACUTE_VISIT
        inpatient = np.flatnonzero(kind == ADMISSION)
        severity = episodes.severity.astype(np.int64)
        los = np.zeros(len(episodes))
        los[inpatient] = self._length_of_stay(severity[inpatient], rng)
        service = self._service_charges(kind, severity, los, inpatient) * ctx.prices.local_factor(
            episodes.rural)
        price = ctx.prices.drug_price(purchase_price)
        drug_charge, drug_cost = self._dispense(episodes, los, price, purchase_price, rng)
        consumable_units, stent = self._consumables(episodes, rng)
        self.purchases += np.bincount(stent, weights=consumable_units,
                                      minlength=self.purchases.size)
        coded = severity.copy()
        upcoded = inpatient[rng.random(inpatient.size) < d.upcoding_share]
        coded[upcoded] = np.minimum(coded[upcoded] + 1, 2)
        claims = Claims(
            episodes=episodes, los_days=los.astype(np.float32), coded_severity=coded.astype(np.int8),
            service_charge=service, drug_charge=drug_charge,
            consumable_charge=consumable_units * price[stent],
            drug_cost=drug_cost + consumable_units * purchase_price[stent],
        )
        self._book(claims, service)
        return claims

    def _length_of_stay(self, severity: np.ndarray, rng: np.random.Generator) -> np.ndarray:
        """Stays of this month's admissions; a full hospital discharges earlier."""
        cu = self.ctx.care_use
        norm = cu.los_days.as_tuple()[self.tier] * np.asarray(cu.severity_los_factor)[severity]
        noise = np.exp(rng.standard_normal(severity.size) * LOS_NOISE_SIGMA
                       - LOS_NOISE_SIGMA**2 / 2)
        los = np.maximum(norm * self.decisions.los_factor * noise, 1.0)
        capacity = self.beds * DAYS_PER_MONTH * MAX_OCCUPANCY
        demand = los.sum()
        self.occupancy_month = demand / max(self.beds * DAYS_PER_MONTH, 1e-9)
        if demand > capacity > 0:
            los *= capacity / demand
        return los

    def _service_charges(self, kind: np.ndarray, severity: np.ndarray, los: np.ndarray,
                         inpatient: np.ndarray) -> np.ndarray:
        """Charges for services at the schedule's prices (before the local price level)."""
        p, cu, t = self.ctx.prices, self.ctx.care_use, self.tier
        intensity = self.decisions.intensity
        service = np.where(kind == ACUTE_VISIT, p.visit[t] * intensity, p.visit[t])
        service[inpatient] = los[inpatient] * p.bed_day[t] + p.procedure[t] * np.asarray(
            cu.severity_cost_factor)[severity[inpatient]] * intensity
        return service

    def _drug_needs(self, episodes: Episodes, los: np.ndarray,
                    ) -> Iterator[tuple[str, np.ndarray, np.ndarray]]:
        """(drug class, episodes, defined daily doses) for each class some episodes need.

        Admissions and acute visits get the acute class; a chronic follow-up gets a month of
        the drug class of each condition held.
        """
        kind, pricing = episodes.kind, self.ctx.pricing
        acute = np.flatnonzero(kind != CHRONIC_VISIT)
        units = np.where(kind[acute] == ADMISSION, los[acute] * pricing.inpatient_drug_days_per_bed_day,
                         pricing.outpatient_drug_days_per_visit)
        yield ACUTE_DRUG_CLASS, acute, units
        chronic = np.flatnonzero(kind == CHRONIC_VISIT)
        held = episodes.conditions[chronic]
        for bit, cls in enumerate(TABLE.drug_class):
            who = chronic[(held >> bit) & 1 == 1]
            yield cls, who, np.full(who.size, CHRONIC_DRUG_DAYS_PER_MONTH)

    def _dispense(self, episodes: Episodes, los: np.ndarray, charged: np.ndarray,
                  purchase_price: np.ndarray, rng: np.random.Generator,
                  ) -> tuple[np.ndarray, np.ndarray]:
        """Drug charges and purchase costs per episode; the units bought go on the order.

        One prescriber style per episode: originator brands with probability
        ``originator_share``, else a generic maker at random.
        """
        n = len(episodes)
        charge, cost = np.zeros(n), np.zeros(n)
        originator = rng.random(n) < self.decisions.originator_share
        pick = rng.random(n)
        for cls, who, units in self._drug_needs(episodes, los):
            orig, gens = self.ctx.catalogue.class_products[cls]
            product = np.full(who.size, orig)
            if gens.size:
                generic = ~originator[who]
                product[generic] = gens[(pick[who][generic] * gens.size).astype(np.int64)]
            charge[who] += units * charged[product]
            cost[who] += units * purchase_price[product]
            self.purchases += np.bincount(product, weights=units, minlength=self.purchases.size)
        return charge, cost

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
