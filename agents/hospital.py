"""Hospitals: treat their slice of the month's episodes in bulk and bill claims.

A hospital's choices (treatment intensity, length of stay, admission threshold, coding and
prescribing) are arrays by case group, set through one interface, ``DecisionRule.decide``.
Every decision on an episode reads the episode's own uniforms (``Episodes.u``), so a decision
taken or skipped moves no other episode's numbers. Hospitals bill at the tariff; what they
earn is set afterwards by the payment method, in the model's settlement phase.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Protocol

import mesa
import numpy as np

from sanyi.agents.patients.disease import TABLE
from sanyi.model.batches import (
    ACUTE_VISIT,
    ADMISSION,
    CHRONIC_VISIT,
    N_GROUPS,
    U_ADMIT,
    U_GENERIC,
    U_LOS_1,
    U_LOS_2,
    U_ORIGINATOR,
    U_PROCEDURE,
    U_UPCODE,
    Claims,
    Episodes,
)
from sanyi.model.config import HospitalBehaviourConfig
from sanyi.model.tariff import CHRONIC_DRUG_DAYS_PER_MONTH, Tariff

DAYS_PER_MONTH = 30.4
MAX_OCCUPANCY = 1.1  # stays are shortened when demand exceeds 110 % of beds
LOS_NOISE_SIGMA = 0.3
VARIABLE_COST_SHARE = 0.55  # share of service charges that is variable cost (staff, supplies)
STENT_SHARE_OF_CORONARY_ADMISSIONS = 0.5  # coronary events treated with a stent (tiers 2-3)
CORONARY_DIAGNOSES = (1 + TABLE.names.index("chd"), 1 + TABLE.names.index("diabetes"))


@dataclass
class HospitalDecisions:
    """What a hospital chooses; arrays are indexed by admission case group."""

    intensity: np.ndarray  # services per case relative to the norm, by group
    los_factor: np.ndarray  # length of stay relative to the clinical norm, by group
    upcoding_share: np.ndarray  # share of cases coded one severity higher, by group
    admission_threshold: float  # share of mild admissions treated as outpatient instead
    visit_intensity: float  # services per acute outpatient visit relative to the norm
    originator_share: float  # share of prescriptions written for originator brands


class DecisionRule(Protocol):
    def decide(self, hospital: Hospital) -> HospitalDecisions: ...


class FixedDecisions:
    """Decisions fixed by configuration (the same every year and for every group)."""

    def __init__(self, cfg: HospitalBehaviourConfig) -> None:
        self.cfg = cfg

    def decide(self, hospital: Hospital) -> HospitalDecisions:
        c = self.cfg
        return HospitalDecisions(
            intensity=np.full(N_GROUPS, c.intensity), los_factor=np.full(N_GROUPS, c.los_factor),
            upcoding_share=np.full(N_GROUPS, c.upcoding_share),
            admission_threshold=c.admission_threshold, visit_intensity=c.intensity,
            originator_share=c.originator_share.as_tuple()[hospital.tier],
        )


def _lognormal_noise(u1: np.ndarray, u2: np.ndarray, sigma: float) -> np.ndarray:
    """Mean-one lognormal multipliers from two uniforms (Box-Muller)."""
    z = np.sqrt(-2.0 * np.log1p(-u1.astype(np.float64))) * np.cos(2 * np.pi * u2)
    return np.exp(z * sigma - sigma**2 / 2)


class Hospital(mesa.Agent):
    """One hospital of a tier (0 primary, 1 secondary/county, 2 tertiary/city)."""

    def __init__(self, model: mesa.Model, index: int, tier: int, beds: float, quality: float,
                 fixed_cost_per_bed_month: float, rule: DecisionRule) -> None:
        super().__init__(model)
        self.index = index
        self.tier = tier
        self.quality = quality
        self.fixed_cost_per_bed_month = fixed_cost_per_bed_month
        self.set_beds(beds)
        self.rule = rule
        self.decisions = rule.decide(self)
        self.purchases = np.zeros(model.catalogue.n_products)  # units this month
        self.reset_month()

    def set_beds(self, beds: float) -> None:
        """Beds of the year (simulated scale); fixed costs follow them."""
        self.beds = beds
        self.fixed_cost_month = beds * self.fixed_cost_per_bed_month

    def reset_month(self) -> None:
        self.bed_days_month = 0.0
        self.revenue_month = 0.0
        self.cost_month = 0.0
        self.drug_purchase_month = 0.0
        self.occupancy_month = 0.0
        self.purchases[:] = 0.0

    def adapt(self) -> None:
        """Yearly revision of decisions through the configured rule."""
        self.decisions = self.rule.decide(self)

    # -- treatment ----------------------------------------------------------------------
    def treat(self, episodes: Episodes, tariff: Tariff) -> Claims:
        """Treat a batch of episodes (all at this hospital) and bill them at the tariff."""
        d, u = self.decisions, episodes.u
        kind, tier = episodes.kind, np.full(len(episodes), self.tier)
        mild = (kind == ADMISSION) & (episodes.severity == 0)
        kind[mild & (u[:, U_ADMIT] < d.admission_threshold)] = ACUTE_VISIT  # kept out of beds
        inpatient = np.flatnonzero(kind == ADMISSION)
        severity = episodes.severity.astype(np.int64)
        group = episodes.group
        los = np.zeros(len(episodes))
        los[inpatient] = self._length_of_stay(tariff, severity[inpatient], group[inpatient],
                                              u[inpatient])
        intensity = np.where(kind == ADMISSION, d.intensity[group], d.visit_intensity)
        service = tariff.service_charge(kind, tier, severity, los, intensity, episodes.rural)
        drug_charge, drug_cost = self._dispense(episodes, los, tariff)
        stent, product = self._consumables(episodes, tariff)
        self.purchases += np.bincount(product, weights=stent, minlength=self.purchases.size)
        coded = severity.copy()
        upcoded = inpatient[u[inpatient, U_UPCODE] < d.upcoding_share[group[inpatient]]]
        coded[upcoded] = np.minimum(coded[upcoded] + 1, 2)
        claims = Claims(
            episodes=episodes, los_days=los.astype(np.float32), coded_severity=coded.astype(np.int8),
            procedure=stent > 0, service_charge=service, drug_charge=drug_charge,
            consumable_charge=stent * tariff.drug_price[product],
            drug_cost=drug_cost + stent * tariff.purchase_price[product],
        )
        self._book_costs(claims, service)
        return claims

    def _length_of_stay(self, tariff: Tariff, severity: np.ndarray, group: np.ndarray,
                        u: np.ndarray) -> np.ndarray:
        """Stays of this month's admissions; a full hospital discharges earlier."""
        norm = tariff.norm_los(np.full(severity.size, self.tier), severity)
        noise = _lognormal_noise(u[:, U_LOS_1], u[:, U_LOS_2], LOS_NOISE_SIGMA)
        los = np.maximum(norm * self.decisions.los_factor[group] * noise, 1.0)
        capacity = self.beds * DAYS_PER_MONTH * MAX_OCCUPANCY
        demand = los.sum()
        self.occupancy_month = demand / max(self.beds * DAYS_PER_MONTH, 1e-9)
        if demand > capacity > 0:
            los *= capacity / demand
        self.bed_days_month += float(los.sum())
        return los

    def _drug_needs(self, episodes: Episodes, los: np.ndarray, tariff: Tariff,
                    ) -> Iterator[tuple[str, np.ndarray, np.ndarray]]:
        """(drug class, episodes, defined daily doses) for each class some episodes need.

        Admissions and acute visits get the acute class; a chronic follow-up gets a month of
        the drug class of each condition held.
        """
        kind = episodes.kind
        acute = np.flatnonzero(kind != CHRONIC_VISIT)
        yield tariff.catalogue.classes[tariff.acute_class], acute, tariff.acute_drug_units(
            kind[acute], los[acute])
        chronic = np.flatnonzero(kind == CHRONIC_VISIT)
        held = episodes.conditions[chronic]
        for bit, cls in enumerate(TABLE.drug_class):
            who = chronic[(held >> bit) & 1 == 1]
            yield cls, who, np.full(who.size, CHRONIC_DRUG_DAYS_PER_MONTH)

    def _product(self, cls: str, u: np.ndarray, tariff: Tariff) -> np.ndarray:
        """Product prescribed per episode: the originator with the hospital's originator
        share, else a generic maker picked by the episode's own uniform."""
        orig, gens = tariff.catalogue.class_products[cls]
        product = np.full(u.shape[0], orig)
        if gens.size:
            generic = u[:, U_ORIGINATOR] >= self.decisions.originator_share
            pick = (u[generic, U_GENERIC] * gens.size).astype(np.int64)
            product[generic] = gens[np.minimum(pick, gens.size - 1)]
        return product

    def _dispense(self, episodes: Episodes, los: np.ndarray, tariff: Tariff,
                  ) -> tuple[np.ndarray, np.ndarray]:
        """Drug charges and purchase costs per episode; the units bought go on the order."""
        n = len(episodes)
        charge, cost = np.zeros(n), np.zeros(n)
        for cls, who, units in self._drug_needs(episodes, los, tariff):
            product = self._product(cls, episodes.u[who], tariff)
            charge[who] += units * tariff.drug_price[product]
            cost[who] += units * tariff.purchase_price[product]
            self.purchases += np.bincount(product, weights=units, minlength=self.purchases.size)
        return charge, cost

    def _consumables(self, episodes: Episodes, tariff: Tariff) -> tuple[np.ndarray, np.ndarray]:
        """Coronary stents for a share of coronary emergencies at county and city hospitals.

        Returns units per episode (0 or 1) and the stent product used.
        """
        coronary = np.isin(episodes.diagnosis, CORONARY_DIAGNOSES) & (episodes.kind == ADMISSION)
        u = episodes.u
        units = coronary & (self.tier >= 1) & (u[:, U_PROCEDURE] < STENT_SHARE_OF_CORONARY_ADMISSIONS)
        return units.astype(float), self._product("stent", u, tariff)

    def _book_costs(self, claims: Claims, service: np.ndarray) -> None:
        self.drug_purchase_month += float(claims.drug_cost.sum())
        self.cost_month += float(claims.drug_cost.sum()) + VARIABLE_COST_SHARE * float(
            service.sum())

    def receive(self, revenue: float) -> None:
        """Revenue for the month's claims, as the payment method priced them."""
        self.revenue_month += revenue

    def close_month(self) -> None:
        self.cost_month += self.fixed_cost_month

    @property
    def bed_capacity_month(self) -> float:
        return self.beds * DAYS_PER_MONTH

    @property
    def surplus_month(self) -> float:
        return self.revenue_month - self.cost_month
