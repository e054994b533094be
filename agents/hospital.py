"""Hospitals: treat their slice of the month's episodes in bulk and bill claims.

A hospital's choices (treatment intensity, length of stay, admission threshold, coding and
prescribing) are arrays by case group, set through one interface, ``DecisionRule.decide``.
Every decision on an episode reads the episode's own uniforms (``Episodes.u``), so a decision
taken or skipped moves no other episode's numbers. Hospitals bill at the tariff; what they
earn is set afterwards by the payment method, in the model's settlement phase.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Protocol

import mesa
import numpy as np

from sanyi.agents.patients.disease import TABLE
from sanyi.model.batches import (
    ACUTE_VISIT,
    ADMISSION,
    N_GROUPS,
    U_ADMIT,
    U_LOS_1,
    U_LOS_2,
    U_PROCEDURE,
    U_READMIT,
    U_UPCODE,
    Claims,
    Episodes,
)
from sanyi.model.config import HospitalBehaviourConfig
from sanyi.model.tariff import Tariff

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
    transfer_share: float = 0.0  # share of severe admissions sent to the city hub
    shift_share: float = 0.0  # share of an admission's procedures billed as outpatient tests
    self_pay_share: float = 0.0  # share of an admission's charges billed as self-paid items
    gatekeeping: float = 0.0  # an alliance lead's referral rule: utility cost of bypassing
    # Prescribing (agents/prescribing.py): each product's share of its class's doses, acute
    # doses per case and services per case relative to zero markup.
    product_share: np.ndarray = field(default_factory=lambda: np.zeros(0))
    drug_volume: float = 1.0
    service_scale: float = 1.0


class DecisionRule(Protocol):
    def decide(self, hospital: Hospital) -> HospitalDecisions: ...


def initial_decisions(cfg: HospitalBehaviourConfig, tier: int) -> HospitalDecisions:
    """Decisions set by configuration: the start, and every year under ``rule=fixed``."""
    return HospitalDecisions(
        intensity=np.full(N_GROUPS, cfg.intensity), los_factor=np.full(N_GROUPS, cfg.los_factor),
        upcoding_share=np.full(N_GROUPS, cfg.upcoding_share),
        admission_threshold=cfg.admission_threshold, visit_intensity=cfg.intensity,
    )


@dataclass
class HospitalYear:
    """A hospital's tallies of the calendar year (hospitals.parquet, audits)."""

    revenue: float = 0.0
    cost: float = 0.0
    admissions: float = 0.0
    bed_days: float = 0.0
    weight: float = 0.0  # sum of the coded cases' reference weights (case-mix index)
    upcoded_gain: float = 0.0  # revenue earned by coding cases up
    mild_revenue: float = 0.0  # revenue of mild admissions (audits look for unjustified ones)
    shifted_revenue: float = 0.0  # billed outside the case (shifted tests, self-paid items)
    price_level: float = 0.0  # sum over admissions of the patients' local price level
    drug_charges: float = 0.0  # drugs and devices billed (the markup's income, prescribing)
    service_charges: float = 0.0


def _lognormal_noise(u1: np.ndarray, u2: np.ndarray, sigma: float) -> np.ndarray:
    """Mean-one lognormal multipliers from two uniforms (Box-Muller)."""
    z = np.sqrt(-2.0 * np.log1p(-u1.astype(np.float64))) * np.cos(2 * np.pi * u2)
    return np.exp(z * sigma - sigma**2 / 2)


class Hospital(mesa.Agent):
    """One hospital of a tier (0 primary, 1 secondary/county, 2 tertiary/city)."""

    def __init__(self, model: mesa.Model, index: int, tier: int, beds: float, quality: float,
                 fixed_cost_per_bed_month: float, rule: DecisionRule,
                 behaviour: HospitalBehaviourConfig) -> None:
        super().__init__(model)
        self.index = index
        self.tier = tier
        self.quality = quality
        self.fixed_cost_per_bed_month = fixed_cost_per_bed_month
        self.set_beds(beds)
        self.rule = rule
        self.behaviour = behaviour
        self.decisions: HospitalDecisions | None = None
        self.decisions = rule.decide(self)
        self.purchases = np.zeros(0)  # units of each product bought this month
        self.year = HospitalYear()
        self.reset_month()

    def initial_decisions(self) -> HospitalDecisions:
        return initial_decisions(self.behaviour, self.tier)

    def price_level(self) -> float:
        """Mean local price level of the year's admissions so far (1 = urban prices); in
        January, before the year's tallies reset, the last year's."""
        return self.year.price_level / self.year.admissions if self.year.admissions else 1.0

    def fund_share(self, last_year) -> float:
        """Share of this hospital's insured charges the funds paid item by item last year."""
        charges = last_year.charges_by_fund[:2, self.index].sum()
        return float(last_year.fund_due[:2, self.index].sum() / charges) if charges > 0 else 0.6

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

    def adapt(self, prescribe: Callable[[Hospital], tuple[np.ndarray, float, float]]) -> None:
        """Yearly revision of decisions (after the year closed): care through the configured
        rule, prescribing through ``prescribe`` (shares, drug volume, service scale)."""
        decisions = self.rule.decide(self)
        decisions.product_share, decisions.drug_volume, decisions.service_scale = prescribe(self)
        self.decisions = decisions
        self.year = HospitalYear()

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
        intensity = np.where(kind == ADMISSION, d.intensity[group], d.visit_intensity) * (
            d.service_scale)
        self.year.admissions += inpatient.size
        self.year.price_level += float(tariff.prices.local_factor(
            episodes.rural[inpatient], tier[inpatient]).sum())
        service = tariff.service_charge(kind, tier, severity, los, intensity, episodes.rural)
        coded = severity.copy()
        upcoded = inpatient[u[inpatient, U_UPCODE] < d.upcoding_share[group[inpatient]]]
        coded[upcoded] = np.minimum(coded[upcoded] + 1, 2)
        procedures = np.zeros(len(episodes))
        procedures[inpatient] = (tariff.prices.procedure[self.tier] * tariff.severity_cost[
            severity[inpatient]] * intensity[inpatient])
        claims = Claims(
            episodes=episodes, los_days=los.astype(np.float32), coded_severity=coded.astype(np.int8),
            procedure=self._stent_needed(episodes), service_charge=service,
            drug_charge=np.zeros(len(episodes)), consumable_charge=np.zeros(len(episodes)),
            drug_cost=np.zeros(len(episodes)),
            shifted_charge=np.where(kind == ADMISSION, d.shift_share * procedures, 0.0),
            self_pay_charge=np.zeros(len(episodes)),  # set once drugs are dispensed
            readmit=self._readmissions(kind, group, u),
        )
        self.cost_month += VARIABLE_COST_SHARE * float(service.sum())
        self.year.service_charges += float(service.sum())
        return claims

    def _readmissions(self, kind: np.ndarray, group: np.ndarray, u: np.ndarray) -> np.ndarray:
        """30-day readmissions: more when stays are cut, or care skimped, below the optimum."""
        b, d = self.behaviour, self.decisions
        l_opt, x_opt = 1 - b.overstay_under_ffs, 1 - b.overtreatment_under_ffs
        shortfall = (np.maximum(l_opt - d.los_factor[group], 0) / l_opt
                     + np.maximum(x_opt - d.intensity[group], 0) / x_opt)
        p = b.readmission_base * (1 + b.readmission_per_shortfall * shortfall)
        return (kind == ADMISSION) & (u[:, U_READMIT] < p)

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

    def _stent_needed(self, episodes: Episodes) -> np.ndarray:
        """Coronary emergencies treated with a stent at county and city hospitals (the
        pharmacy supplies it, or the patient is treated without one)."""
        coronary = np.isin(episodes.diagnosis, CORONARY_DIAGNOSES) & (episodes.kind == ADMISSION)
        return coronary & (self.tier >= 1) & (
            episodes.u[:, U_PROCEDURE] < STENT_SHARE_OF_CORONARY_ADMISSIONS)

    def book_dispensing(self, purchases: np.ndarray, cost: float, charges: float) -> None:
        """The month's drugs and devices: units bought per product, their cost and charges."""
        self.purchases = purchases
        self.drug_purchase_month += cost
        self.cost_month += cost
        self.year.drug_charges += charges

    def receive(self, revenue: float) -> None:
        """Revenue for the month's claims, as the payment method priced them."""
        self.revenue_month += revenue
        self.year.revenue += revenue

    def close_month(self) -> None:
        self.cost_month += self.fixed_cost_month
        self.year.cost += self.cost_month
        self.year.bed_days += self.bed_days_month

    @property
    def bed_capacity_month(self) -> float:
        return self.beds * DAYS_PER_MONTH

    @property
    def surplus_month(self) -> float:
        return self.revenue_month - self.cost_month
