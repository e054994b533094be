"""Care demand: who seeks which care this month, who forgoes it, and at which tier.

Three streams of demand: monthly chronic follow-up with medication for treated conditions
(adherence falls with out-of-pocket cost; see ``cascade.py``), acute outpatient visits and
acute admissions by age (plus admissions for complications of chronic disease). Demand
responds to the patient's share of the price with a constant elasticity; care is forgone
with a probability rising in the out-of-pocket cost relative to monthly income. The tier is
a multinomial-logit choice on out-of-pocket price, quality, distance and referral,
restricted by severity.

One uniform per person and kind of care decides whether care is sought (u < p). Given that,
u / p is again uniform, and it decides the severity and then whether the care is forgone:
conditional uniforms, so a month draws one population-sized array per kind of care.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from sanyi.agents.patients.population import FUND_OF_SCHEME, POPCOUNT, RETIREE, PatientPopulation
from sanyi.model import inputs
from sanyi.model.batches import ACUTE_VISIT, ADMISSION, CHRONIC_VISIT, N_UNIFORMS, Episodes
from sanyi.model.config import SanyiConfig
from sanyi.model.policies.benefits import BenefitPackage
from sanyi.model.streams import Streams
from sanyi.model.tariff import Tariff

AGE_BAND_EDGES = np.array([15, 45, 60, 70, 80])  # bands of the care_use rate lists
REFERENCE_PATIENT_SHARE = 0.3  # demand rates in config hold at this share of the price
MIN_MONTHLY_INCOME = 300.0  # yuan; floor for the cost-to-income ratios
MIN_TIER_BY_SEVERITY = np.array([0, 0, 1])  # severe cases need at least a county hospital
CROWDING_FROM = 0.85  # bed occupancy above which waiting deters admissions
KINDS = (CHRONIC_VISIT, ACUTE_VISIT, ADMISSION)


@dataclass
class DemandTally:
    """Episodes sought and forgone this month by fund (0 employee, 1 resident, 2 none)."""

    sought: np.ndarray
    forgone: np.ndarray

    def count(self, fund: np.ndarray, forgone: np.ndarray) -> None:
        self.sought += np.bincount(fund, minlength=3)
        self.forgone += np.bincount(fund[forgone], minlength=3)


@dataclass
class TierSetting:
    """What patients see of each tier: quality, distance (urban, rural) and crowding."""

    quality: np.ndarray  # (3,)
    distance_km: np.ndarray  # (2 urban/rural, 3)
    occupancy: np.ndarray = field(default_factory=lambda: np.zeros(3))  # last month's beds
    # The alliance's referral rule by home facility: utility cost of bypassing primary care.
    gatekeeping: np.ndarray = field(default_factory=lambda: np.zeros(0))


@dataclass
class Sought:
    """Persons seeking one kind of care, before the price decides."""

    who: np.ndarray
    severity: np.ndarray
    diagnosis: np.ndarray  # 0 acute illness, 1 + c a complication of chronic condition c
    u_forgo: np.ndarray  # uniform deciding forgone care
    emergency: np.ndarray  # never forgone
    readmission: np.ndarray | None = None  # returns within 30 days of an admission


class CareSeeking:
    """Turns the population's needs into ``Episodes`` at chosen hospitals."""

    def __init__(self, cfg: SanyiConfig, streams: Streams, benefits: BenefitPackage,
                 tariff: Tariff, tiers: TierSetting, alliance: np.ndarray) -> None:
        self.cfg = cfg
        self.streams = streams
        self.benefits = benefits
        self.tariff = tariff
        self.tiers = tiers
        self.alliance = alliance  # (n_primary, 3) hospital index by home facility and tier
        cu = cfg.population.care_use
        ages = np.arange(inputs.N_AGES)
        band = np.searchsorted(AGE_BAND_EDGES, ages, side="right")
        admit = np.asarray(cu.admission_rate_by_age)[band]
        maternity = np.where((ages >= 20) & (ages < 40), cu.maternity_admission_rate, 0.0)
        self.admission_rate = np.stack([admit, admit + maternity], axis=1).ravel()  # per year
        self.outpatient_rate = np.repeat(np.asarray(cu.outpatient_rate_by_age)[band], 2)
        self.severity_cum = np.cumsum(cu.severity_shares)
        self.shock = 1.0
        self.urban_shock = 1.0  # on top of the shock, for urban persons only

    def start_year(self, year: int) -> None:
        """Utilisation of the year: trend since the price year times any historical shock."""
        sc = self.cfg.scenario
        trend = inputs.growth_index(sc.utilisation_path(), year, self.cfg.pricing.price_year)
        self.shock = trend * sc.utilisation_shock(year)
        self.urban_shock = sc.utilisation_shock_urban(year)

    # -- prices as patients see them ------------------------------------------------------
    def _price_tables(self, level: np.ndarray) -> None:
        """Patient share of charges by (fund, retiree) x tier and kind, for this month."""
        funds = np.repeat(np.arange(3), 2)
        retiree = np.tile([False, True], 3)
        self.share = {k: self.benefits.patient_share(funds, retiree, k, level) for k in KINDS}
        self.deductible = {k: self.benefits.deductible(funds, k) for k in KINDS}
        elasticity = self.cfg.behaviour.oop_elasticity
        # Demand responds to a typical (county-tier) case's patient share.
        self.demand = {k: (np.maximum(self.share[k][:, 1], 0.02) / REFERENCE_PATIENT_SHARE)
                       ** elasticity for k in KINDS}

    def _forgo_probability(self, oop: np.ndarray, income: np.ndarray) -> np.ndarray:
        b = self.cfg.behaviour
        burden = oop / np.maximum(income / 12, MIN_MONTHLY_INCOME)
        return b.forgone_max / (1 + np.exp(-b.forgone_slope * (burden - b.forgone_pivot)))

    def _choose_tier(self, kind: int, oop: np.ndarray, income: np.ndarray, rural: np.ndarray,
                     min_tier: np.ndarray, u: np.ndarray, gate: np.ndarray) -> np.ndarray:
        """Multinomial-logit tier choice; ``u`` is one uniform per episode.

        Utilities are taken relative to primary care, so two exponentials per episode give
        the odds of the county and city tiers (float32: the choice needs no more precision).
        """
        c = self.cfg.behaviour.choice
        per_income = (np.float32(c.oop_per_monthly_income)
                      / np.maximum(income / 12, MIN_MONTHLY_INCOME).astype(np.float32))
        constants = ((c.admission_secondary_constant, c.admission_tertiary_constant)
                     if kind == ADMISSION else
                     (c.visit_secondary_constant, c.visit_tertiary_constant))
        crowding = np.maximum(self.tiers.occupancy - CROWDING_FROM, 0.0) / 0.1
        fixed = (c.quality * self.tiers.quality + c.distance_per_10km * self.tiers.distance_km / 10
                 + c.waiting_per_10pt_occupancy * crowding * (kind == ADMISSION)
                 + np.array([0.0, constants[0] + c.bypass_referral,
                             constants[1] + c.bypass_referral]))  # (urban/rural, 3)
        relative = (fixed[:, 1:] - fixed[:, :1]).astype(np.float32)[rural.astype(np.int64)]
        relative += (oop[:, 1:] - oop[:, :1]).astype(np.float32) * per_income[:, None]
        relative -= gate.astype(np.float32)[:, None]  # the alliance's referral rule
        odds = np.exp(np.clip(relative, -60, 60))  # county, city vs primary
        primary = np.where(min_tier > 0, np.float32(0), np.float32(1))
        total = primary + odds[:, 0] + odds[:, 1]
        draw = u * total
        return ((draw >= primary).astype(np.int8) + (draw >= primary + odds[:, 0])).astype(np.int8)

    def _serve(self, pop: PatientPopulation, kind: int, s: Sought, charges: np.ndarray,
               tally: DemandTally) -> Episodes:
        """Out-of-pocket cost by tier, the tier chosen, forgone care; the episodes kept."""
        who = s.who
        fund = FUND_OF_SCHEME[pop.scheme[who]]
        cell = fund * 2 + (pop.scheme[who] == RETIREE)
        share = self.share[kind][cell]
        deductible = self.deductible[kind][cell]
        oop = charges * share + np.minimum(deductible, charges) * (1 - share)
        income = pop.income[who]
        u_choice = self.streams.choice.rng.random(who.size, dtype=np.float32)
        gate = self.tiers.gatekeeping[pop.home[who]]
        tier = self._choose_tier(kind, oop, income, pop.rural[who], MIN_TIER_BY_SEVERITY[s.severity],
                                 u_choice, gate)
        chosen = np.take_along_axis(oop, tier[:, None].astype(np.int64), axis=1)[:, 0]
        forgone = (s.u_forgo < self._forgo_probability(chosen, income)) & ~s.emergency
        tally.count(fund, forgone)
        keep = ~forgone
        kept = who[keep]
        return Episodes(
            person=kept, fund=fund[keep], retiree=pop.scheme[kept] == RETIREE,
            kind=np.full(kept.size, kind, dtype=np.uint8), severity=s.severity[keep].astype(np.int8),
            diagnosis=s.diagnosis[keep].astype(np.int8),
            conditions=(pop.treated if kind == CHRONIC_VISIT else pop.conditions)[kept],
            rural=pop.rural[kept], tier=tier[keep],
            hospital=self.alliance[pop.home[kept], tier[keep]].astype(np.int16),
            home=pop.home[kept],
            readmission=(s.readmission[keep] if s.readmission is not None
                         else np.zeros(kept.size, dtype=bool)),
            transferred=np.zeros(kept.size, dtype=bool),
            u=np.empty((kept.size, 0), dtype=np.float32),  # drawn for all episodes in ``seek``
        )

    # -- the month ------------------------------------------------------------------------
    def seek(self, pop: PatientPopulation, now: int, events: tuple[np.ndarray, np.ndarray],
             level: np.ndarray) -> tuple[Episodes, np.ndarray, DemandTally]:
        """Episodes of the month, the adherence of every slot, and the demand tally."""
        self._price_tables(level)
        n = pop.capacity
        age = np.minimum(pop.age_years(now), inputs.MAX_AGE).astype(np.int32)
        cell = age * 2 + pop.female
        demand_cell = FUND_OF_SCHEME[pop.scheme] * 2  # demand depends on the fund only
        tally = DemandTally(sought=np.zeros(3), forgone=np.zeros(3))
        chronic = self._chronic(pop, demand_cell, self.streams.chronic_care.uniforms(n))
        acute = self._acute_visits(pop, cell, demand_cell, self.streams.acute_care.uniforms(n))
        admissions = self._admissions(pop, cell, demand_cell, events,
                                      self.streams.admissions.uniforms(n))
        parts = [
            self._serve(pop, CHRONIC_VISIT, chronic, self.tariff.chronic_visit(
                pop.treated[chronic.who], pop.rural[chronic.who]), tally),
            self._serve(pop, ACUTE_VISIT, acute, self.tariff.acute_visit(pop.rural[acute.who]),
                        tally),
            self._serve(pop, ADMISSION, admissions, self.tariff.admission(
                admissions.severity, pop.rural[admissions.who]), tally),
        ]
        adherent = np.zeros(n, dtype=bool)
        adherent[parts[0].person] = True
        episodes = Episodes.concat(parts)
        episodes = episodes.take(np.argsort(episodes.person, kind="stable"))  # person order
        # Every episode's own uniforms for the hospital's decisions.
        episodes.u = self.streams.treatment.uniforms(len(episodes) * N_UNIFORMS).reshape(
            len(episodes), N_UNIFORMS)
        return episodes, adherent, tally

    @staticmethod
    def _sought(who: np.ndarray, u: np.ndarray, p: np.ndarray) -> Sought:
        """Persons with u < p; their u / p is a fresh uniform for the forgone decision."""
        return Sought(who=who, severity=np.zeros(who.size, dtype=np.int64),
                      diagnosis=np.zeros(who.size, dtype=np.int8), u_forgo=u / p,
                      emergency=np.zeros(who.size, dtype=bool))

    def _chronic(self, pop: PatientPopulation, demand_cell: np.ndarray, u: np.ndarray) -> Sought:
        multiplier = self.demand[CHRONIC_VISIT][demand_cell]
        p = np.minimum(self.cfg.behaviour.adherence_at_zero_cost * multiplier, 1.0)
        who = np.flatnonzero(pop.alive & (pop.treated > 0) & (u < p))  # treated persons only
        return self._sought(who, u[who], p[who])

    def _acute_visits(self, pop: PatientPopulation, cell: np.ndarray, demand_cell: np.ndarray,
                      u: np.ndarray) -> Sought:
        p = self.outpatient_rate[cell] / 12 * self.shock * self.demand[ACUTE_VISIT][demand_cell]
        if self.urban_shock != 1.0:
            p = p * np.where(pop.rural, 1.0, self.urban_shock)
        who = np.flatnonzero(pop.alive & (u < p))
        return self._sought(who, u[who], p[who])

    def _admissions(self, pop: PatientPopulation, cell: np.ndarray, demand_cell: np.ndarray,
                    events: tuple[np.ndarray, np.ndarray], u: np.ndarray) -> Sought:
        cu = self.cfg.population.care_use
        yearly = (self.admission_rate[cell] + cu.admission_rate_per_condition * POPCOUNT[
            pop.conditions]) * np.where(pop.rural, cu.rural_admission_factor, self.urban_shock)
        p = yearly / 12 * self.shock * self.demand[ADMISSION][demand_cell]
        acute = np.flatnonzero(pop.alive & (u < p))
        v = u[acute] / p[acute]  # uniform: picks the severity, then (rescaled) forgone care
        severity = np.minimum(np.searchsorted(self.severity_cum, v, side="right"), 2)
        low = np.r_[0.0, self.severity_cum][severity]
        width = np.asarray(self.cfg.population.care_use.severity_shares)[severity]
        u_forgo = (v - low) / np.maximum(width, 1e-12)
        complicated, cause = events  # emergencies: severe and never forgone
        back = np.flatnonzero(pop.readmit_due > 0)  # readmissions: moderate, never forgone
        diagnosis_back = pop.readmit_due[back] - 1
        pop.readmit_due[back] = 0
        n_acute, n_urgent = acute.size, complicated.size + back.size
        return Sought(
            who=np.concatenate([acute, complicated, back]),
            severity=np.concatenate([severity, np.full(complicated.size, 2),
                                     np.full(back.size, 1)]),
            diagnosis=np.concatenate([np.zeros(n_acute, dtype=np.int8), 1 + cause,
                                      diagnosis_back]),
            u_forgo=np.concatenate([u_forgo, np.ones(n_urgent)]),
            emergency=np.r_[np.zeros(n_acute, dtype=bool), np.ones(n_urgent, dtype=bool)],
            readmission=np.r_[np.zeros(n_acute + complicated.size, dtype=bool),
                              np.ones(back.size, dtype=bool)],
        )
