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
        self.purchases[:] = 0.0

    def adapt(self, prescribe: Callable[[Hospital], tuple[np.ndarray, float, float]]) -> None:
        """Yearly revision of decisions (after the year closed): care through the configured
        rule, prescribing through ``prescribe`` (shares, drug volume, service scale)."""
        decisions = self.rule.decide(self)
        decisions.product_share, decisions.drug_volume, decisions.service_scale = prescribe(self)
        self.decisions = decisions
        self.year = HospitalYear()

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


# -- treatment: every hospital's episodes in one pass -------------------------------------


@dataclass
class Wards:
    """The hospitals' treatment choices stacked for one month, a row per hospital.

    Treating each hospital's episodes in its own call cost dozens of small numpy calls per
    hospital and month, so time grew with the number of hospitals rather than episodes;
    gathering each episode's parameters by its hospital index applies the same rules to all
    episodes at once.
    """

    tier: np.ndarray  # (H,) int
    beds: np.ndarray  # (H,)
    intensity: np.ndarray  # (H, N_GROUPS)
    los_factor: np.ndarray  # (H, N_GROUPS)
    upcoding_share: np.ndarray  # (H, N_GROUPS)
    admission_threshold: np.ndarray  # (H,)
    visit_intensity: np.ndarray  # (H,)
    shift_share: np.ndarray  # (H,)
    service_scale: np.ndarray  # (H,)

    @classmethod
    def of(cls, hospitals: list[Hospital]) -> Wards:
        ds = [h.decisions for h in hospitals]

        def stack(name: str) -> np.ndarray:
            return np.array([getattr(d, name) for d in ds], dtype=np.float64)

        return cls(np.array([h.tier for h in hospitals]), np.array([h.beds for h in hospitals]),
                   stack("intensity"), stack("los_factor"), stack("upcoding_share"),
                   stack("admission_threshold"), stack("visit_intensity"), stack("shift_share"),
                   stack("service_scale"))


def treat(hospitals: list[Hospital], episodes: Episodes, tariff: Tariff) -> Claims:
    """Every hospital treats its episodes (``episodes.hospital``) and bills them at the
    tariff; claims come back in the episodes' order. Mild admissions a hospital keeps out of
    beds become outpatient visits (``episodes.kind`` changes in place). The hospitals' month
    and year tallies (admissions, bed-days, service charges and their variable cost) grow."""
    w, u, h = Wards.of(hospitals), episodes.u, episodes.hospital.astype(np.intp)
    kind, group = episodes.kind, episodes.group
    mild = (kind == ADMISSION) & (episodes.severity == 0)
    kind[mild & (u[:, U_ADMIT] < w.admission_threshold[h])] = ACUTE_VISIT  # kept out of beds
    inpatient = np.flatnonzero(kind == ADMISSION)
    tier, severity = w.tier[h], episodes.severity.astype(np.int64)
    h_in, g_in = h[inpatient], group[inpatient]
    los = np.zeros(len(episodes))
    los[inpatient] = _length_of_stay(w, tariff, tier[inpatient], severity[inpatient], h_in,
                                     g_in, u[inpatient])
    intensity = np.where(kind == ADMISSION, w.intensity[h, group], w.visit_intensity[h]) * (
        w.service_scale[h])
    service = tariff.service_charge(kind, tier, severity, los, intensity, episodes.rural)
    coded = severity.copy()
    upcoded = inpatient[u[inpatient, U_UPCODE] < w.upcoding_share[h_in, g_in]]
    coded[upcoded] = np.minimum(coded[upcoded] + 1, 2)
    procedures = np.zeros(len(episodes))
    procedures[inpatient] = (tariff.prices.procedure[tier[inpatient]]
                             * tariff.severity_cost[severity[inpatient]] * intensity[inpatient])
    level = tariff.prices.local_factor(episodes.rural[inpatient], tier[inpatient])
    _tally(hospitals, h, h_in, level, los[inpatient], service)
    n = len(episodes)
    return Claims(
        episodes=episodes, los_days=los.astype(np.float32), coded_severity=coded.astype(np.int8),
        procedure=_stent_needed(episodes, tier), service_charge=service,
        drug_charge=np.zeros(n), consumable_charge=np.zeros(n), drug_cost=np.zeros(n),
        shifted_charge=np.where(kind == ADMISSION, w.shift_share[h] * procedures, 0.0),
        self_pay_charge=np.zeros(n),  # set once drugs are dispensed
        readmit=_readmissions(hospitals[0].behaviour, w, kind, h, group, u),
    )


def _length_of_stay(w: Wards, tariff: Tariff, tier: np.ndarray, severity: np.ndarray,
                    h: np.ndarray, group: np.ndarray, u: np.ndarray) -> np.ndarray:
    """Stays of this month's admissions; a full hospital discharges earlier."""
    norm = tariff.norm_los(tier, severity)
    noise = _lognormal_noise(u[:, U_LOS_1], u[:, U_LOS_2], LOS_NOISE_SIGMA)
    los = np.maximum(norm * w.los_factor[h, group] * noise, 1.0)
    capacity = w.beds * DAYS_PER_MONTH * MAX_OCCUPANCY
    demand = np.bincount(h, weights=los, minlength=w.beds.size)
    full = (demand > capacity) & (capacity > 0)
    if full.any():
        squeeze = np.ones(w.beds.size)
        squeeze[full] = capacity[full] / demand[full]
        los *= squeeze[h]
    return los


def _tally(hospitals: list[Hospital], h: np.ndarray, h_in: np.ndarray, level: np.ndarray,
           stays: np.ndarray, service: np.ndarray) -> None:
    """The hospitals' month and year tallies of the batch, summed by hospital: admissions,
    their local price level and bed-days, service charges and the variable cost of providing
    them."""
    n_h = len(hospitals)
    admissions = np.bincount(h_in, minlength=n_h).tolist()
    levels = np.bincount(h_in, weights=level, minlength=n_h).tolist()
    bed_days = np.bincount(h_in, weights=stays, minlength=n_h).tolist()
    charges = np.bincount(h, weights=service, minlength=n_h).tolist()
    for k, hospital in enumerate(hospitals):
        hospital.bed_days_month += bed_days[k]
        hospital.year.admissions += admissions[k]
        hospital.year.price_level += levels[k]
        hospital.cost_month += VARIABLE_COST_SHARE * charges[k]
        hospital.year.service_charges += charges[k]


def _readmissions(b: HospitalBehaviourConfig, w: Wards, kind: np.ndarray, h: np.ndarray,
                  group: np.ndarray, u: np.ndarray) -> np.ndarray:
    """30-day readmissions: more when stays are cut, or care skimped, below the optimum."""
    l_opt, x_opt = 1 - b.overstay_under_ffs, 1 - b.overtreatment_under_ffs
    shortfall = (np.maximum(l_opt - w.los_factor[h, group], 0) / l_opt
                 + np.maximum(x_opt - w.intensity[h, group], 0) / x_opt)
    p = b.readmission_base * (1 + b.readmission_per_shortfall * shortfall)
    return (kind == ADMISSION) & (u[:, U_READMIT] < p)


def _stent_needed(episodes: Episodes, tier: np.ndarray) -> np.ndarray:
    """Coronary emergencies treated with a stent at county and city hospitals (the pharmacy
    supplies it, or the patient is treated without one)."""
    coronary = np.isin(episodes.diagnosis, CORONARY_DIAGNOSES) & (episodes.kind == ADMISSION)
    return coronary & (tier >= 1) & (episodes.u[:, U_PROCEDURE] < STENT_SHARE_OF_CORONARY_ADMISSIONS)
