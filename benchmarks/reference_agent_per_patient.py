"""The yardstick: a straightforward Mesa 3 model with one ``mesa.Agent`` per patient.

The performance issue asks sanyi to be at least 50 times faster per person-month than this.
It is written the way a Mesa model is usually written — each patient an agent with a
``step`` that draws its own events with ``self.random``, the model calling
``self.agents.shuffle_do("step")`` each month — neither deliberately slow nor optimised. It
is not part of the package.

Rules covered, per patient and month, with the model's own inputs (the tables of a
``SanyiModel`` built for the same config, size and seed, refreshed each January with the
model's own ``start_year`` methods; the starting persons are that model's persons):

* acute complications of chronic conditions (``COMPLICATION_BY_MASK`` less the relief of
  control, the cause picked by the conditions' rates, a condition added, case fatality), which
  bring an emergency admission (severe, never forgone);
* onset of chronic conditions (``ChronicDisease.onset``, at most one a month);
* care seeking: chronic follow-up of treated persons (``behaviour.adherence_at_zero_cost``
  times the demand response to the patient's share), acute visits and admissions by age,
  conditions and residence (``CareSeeking``'s rates, the year's utilisation, the severity
  shares);
* the tier: ``CareSeeking``'s multinomial logit on out-of-pocket cost relative to income,
  quality, distance, crowding constants and the alliance's gatekeeping, with severe cases
  never in primary care; forgone care by the model's logistic in cost over income;
* the episode's cost: the tariff's expected charge at the chosen tier (``Tariff.admission``,
  ``acute_visit``, ``chronic_visit``, drugs included) and payment at a simple level: the
  patient pays the benefit package's share of charges plus the deductible
  (``patient_share``, ``deductible``), the person's fund the rest;
* the care cascade: diagnosis at check-ups and at visits, start of treatment, gain and loss
  of control, discontinuation (``CareCascade``'s rates);
* deaths (the year's life-table hazard of ``Demography`` times ``MORTALITY_RR`` of the
  conditions held, plus fatal complications), ageing, retirement of workers at their
  statutory age, and births (``Demography.births_per_month``) as new agents.

Not covered: hospitals' decisions (intensity, length of stay, coding, transfers, admission
thresholds, readmissions), the payment method (DRG) and its settlements, the medicines market
(tenders, suppliers, shortages, prescribing), funds' revenue, reserves and year-end, personal
accounts, the outpatient pools and ceilings of the benefit rules, protection layers, migration
and enrolment changes other than retirement, and the bookkeeping. The comparison is
therefore generous to this reference: sanyi's person-month does all of that as well.

    python benchmarks/reference_agent_per_patient.py --persons 10000 --months 12
"""

from __future__ import annotations

import argparse
import json
import logging
import math
import time
from dataclasses import dataclass
from typing import Any

import mesa
import numpy as np

from sanyi.agents.patients import disease
from sanyi.agents.patients.care import CROWDING_FROM, MIN_MONTHLY_INCOME
from sanyi.agents.patients.population import (
    FUND_OF_SCHEME,
    POPCOUNT,
    RESIDENT_CHILD,
    RETIREE,
    WORKER,
)
from sanyi.model import inputs
from sanyi.model.batches import ACUTE_VISIT, ADMISSION, CHRONIC_VISIT
from sanyi.model.configure import compose
from sanyi.model.model import SanyiModel

START_YEAR = 2025
CONDITION_BITS = tuple(range(len(disease.CONDITIONS)))
NEVER_RETIRES = 10**6  # months: newborns are resident children, never workers here


@dataclass
class Tables:
    """The year's rules as plain Python lists: what each patient looks up."""

    death: list[float]  # monthly background death probability by age * 2 + female
    mortality_rr: list[float]  # by conditions bitmask
    onset: list[list[float]]  # monthly onset by age * 2 + female, then condition
    complication: list[float]  # monthly event probability by conditions bitmask
    relief: list[float]  # what control takes off it, by controlled bitmask
    outpatient: list[float]  # yearly acute visits by age * 2 + female
    admission: list[float]  # yearly admissions by age * 2 + female
    shock: float
    share: dict[int, list[list[float]]]  # kind -> fund * 2 + retiree -> tier
    deductible: dict[int, list[list[float]]]
    demand: dict[int, list[float]]  # kind -> fund * 2 + retiree
    charges: dict[tuple[int, int, int], list[float]]  # (kind, severity or mask, rural) -> tier
    utility: dict[tuple[int, int], tuple[float, float]]  # (kind, rural) -> county, city
    gatekeeping: list[float]  # by home facility


def year_tables(source: SanyiModel) -> Tables:
    """Read the source model's tables of its current year (after its January work)."""
    care, tariff = source.care, source.tariff
    care._price_tables(source.benefit_levels)
    kinds = (CHRONIC_VISIT, ACUTE_VISIT, ADMISSION)
    charges: dict[tuple[int, int, int], list[float]] = {}
    for rural in (0, 1):
        flag = np.array([bool(rural)])
        for severity in range(3):
            charges[ADMISSION, severity, rural] = tariff.admission(np.array([severity]), flag)[0].tolist()
        charges[ACUTE_VISIT, 0, rural] = tariff.acute_visit(flag)[0].tolist()
        masks = np.arange(disease.N_MASKS)
        chronic = tariff.chronic_visit(masks, np.full(masks.size, bool(rural)))
        for mask in masks:
            charges[CHRONIC_VISIT, int(mask), rural] = chronic[mask].tolist()
    return Tables(
        death=source.demography.death_prob_table.tolist(),
        mortality_rr=disease.MORTALITY_RR.tolist(),
        onset=source.disease.onset.tolist(),
        complication=disease.COMPLICATION_BY_MASK.tolist(),
        relief=disease.CONTROL_RELIEF_BY_MASK.tolist(),
        outpatient=care.outpatient_rate.tolist(),
        admission=care.admission_rate.tolist(),
        shock=float(care.shock),
        share={k: care.share[k].tolist() for k in kinds},
        deductible={k: care.deductible[k].tolist() for k in kinds},
        demand={k: care.demand[k].tolist() for k in kinds},
        charges=charges,
        utility=tier_utilities(source),
        gatekeeping=source.tier_setting.gatekeeping.tolist(),
    )


def tier_utilities(source: SanyiModel) -> dict[tuple[int, int], tuple[float, float]]:
    """Utility of the county and city tiers relative to primary care, before cost: the same
    terms as ``CareSeeking._choose_tier``."""
    c, tiers = source.cfg.behaviour.choice, source.tier_setting
    out = {}
    for kind in (CHRONIC_VISIT, ACUTE_VISIT, ADMISSION):
        constants = (
            (c.admission_secondary_constant, c.admission_tertiary_constant)
            if kind == ADMISSION
            else (c.visit_secondary_constant, c.visit_tertiary_constant)
        )
        crowding = np.maximum(tiers.occupancy - CROWDING_FROM, 0.0) / 0.1
        fixed = (
            c.quality * tiers.quality
            + c.distance_per_10km * tiers.distance_km / 10
            + c.waiting_per_10pt_occupancy * crowding * (kind == ADMISSION)
            + np.array([0.0, constants[0] + c.bypass_referral, constants[1] + c.bypass_referral])
        )
        for rural in (0, 1):
            out[kind, rural] = (
                float(fixed[rural, 1] - fixed[rural, 0]),
                float(fixed[rural, 2] - fixed[rural, 0]),
            )
    return out


class Patient(mesa.Agent):
    """One person: demography, chronic conditions, care seeking and paying, month by month."""

    def __init__(
        self,
        model: ReferenceModel,
        age_months: int,
        female: bool,
        rural: bool,
        scheme: int,
        income: float,
        home: int,
        retirement_age_months: int,
        conditions: int = 0,
        aware: int = 0,
        treated: int = 0,
        controlled: int = 0,
    ) -> None:
        super().__init__(model)
        self.age_months = age_months
        self.female, self.rural, self.scheme = female, rural, scheme
        self.income, self.home = income, home
        self.retirement_age_months = retirement_age_months
        self.conditions, self.aware = conditions, aware
        self.treated, self.controlled = treated, controlled
        self.oop_year = 0.0

    @property
    def cell(self) -> int:
        return min(self.age_months // 12, inputs.MAX_AGE) * 2 + int(self.female)

    def step(self) -> None:
        """One month: events, care, death, the cascade, ageing."""
        t = self.model.tables
        cause, fatal = self.complication(t)
        self.onset(t)
        adherent, seen = self.seek_care(t, cause)
        hazard = t.death[self.cell] * t.mortality_rr[self.conditions]
        if fatal or self.random.random() < hazard:
            self.model.deaths += 1
            self.remove()
            return
        self.cascade(adherent, seen)
        self.age_months += 1
        if self.scheme == WORKER and self.age_months >= self.retirement_age_months:
            self.scheme = RETIREE
            self.income *= 0.6

    # -- disease ------------------------------------------------------------------------
    def complication(self, t: Tables) -> tuple[int, bool]:
        """An acute event of a chronic condition: (cause, fatal), cause -1 when none."""
        p = t.complication[self.conditions] - t.relief[self.controlled]
        if not self.conditions or self.random.random() >= p:
            return -1, False
        table = disease.TABLE
        rates = [
            table.complication_rate[b] * (table.controlled_rr[b] if self.controlled >> b & 1 else 1.0)
            if self.conditions >> b & 1
            else 0.0
            for b in CONDITION_BITS
        ]
        cause = self.random.choices(CONDITION_BITS, weights=rates)[0]
        adds = int(table.complication_adds[cause])
        if adds >= 0:
            self.conditions |= 1 << adds
            self.aware |= 1 << adds
        self.aware |= 1 << cause
        return cause, self.random.random() < table.case_fatality[cause]

    def onset(self, t: Tables) -> None:
        """At most one new chronic condition a month; some are diagnosed at once."""
        rates = t.onset[self.cell]
        for b in CONDITION_BITS:
            if not self.conditions >> b & 1 and self.random.random() < rates[b]:
                self.conditions |= 1 << b
                if self.random.random() < disease.TABLE.aware_at_onset[b]:
                    self.aware |= 1 << b
                return

    # -- care -----------------------------------------------------------------------------
    def seek_care(self, t: Tables, cause: int) -> tuple[bool, bool]:
        """Chronic follow-up, acute visit, admission: (adherent, had any care)."""
        fund = int(FUND_OF_SCHEME[self.scheme])
        cu = self.model.care_use
        adherent = seen = False
        if self.treated:
            p = min(self.model.adherence * t.demand[CHRONIC_VISIT][fund * 2], 1.0)
            if self.random.random() < p:
                adherent = self.treat(t, CHRONIC_VISIT, self.treated, fund, False)
                seen = seen or adherent
        p = t.outpatient[self.cell] / 12 * t.shock * t.demand[ACUTE_VISIT][fund * 2]
        if self.random.random() < p:
            seen = self.treat(t, ACUTE_VISIT, 0, fund, False) or seen
        yearly = (
            t.admission[self.cell] + cu.admission_rate_per_condition * int(POPCOUNT[self.conditions])
        ) * (cu.rural_admission_factor if self.rural else 1.0)
        if self.random.random() < yearly / 12 * t.shock * t.demand[ADMISSION][fund * 2]:
            severity = self.model.severity()
            seen = self.treat(t, ADMISSION, severity, fund, False) or seen
        if cause >= 0:
            seen = self.treat(t, ADMISSION, 2, fund, True) or seen
        return adherent, seen

    def treat(self, t: Tables, kind: int, key: int, fund: int, emergency: bool) -> bool:
        """Choose a tier, maybe forgo the care, else pay for it; True if care was had."""
        cell = fund * 2 + int(self.scheme == RETIREE)
        share, deductible = t.share[kind][cell], t.deductible[kind][cell]
        charges = t.charges[kind, key, int(self.rural)]
        oop = [c * s + min(d, c) * (1 - s) for c, s, d in zip(charges, share, deductible, strict=True)]
        tier = self.choose_tier(t, kind, oop, severe=kind == ADMISSION and key == 2)
        if not emergency and self.random.random() < self.model.forgo_probability(oop[tier], self.income):
            return False
        self.oop_year += oop[tier]
        self.model.fund_paid[fund] += charges[tier] - oop[tier]
        self.model.episodes += 1
        return True

    def choose_tier(self, t: Tables, kind: int, oop: list[float], severe: bool) -> int:
        """Multinomial logit over primary, county and city care."""
        c = self.model.choice
        per_income = c.oop_per_monthly_income / max(self.income / 12, MIN_MONTHLY_INCOME)
        county, city = t.utility[kind, int(self.rural)]
        gate = t.gatekeeping[self.home]
        odds = [
            0.0 if severe else 1.0,
            math.exp(min(max(county + (oop[1] - oop[0]) * per_income - gate, -60), 60)),
            math.exp(min(max(city + (oop[2] - oop[0]) * per_income - gate, -60), 60)),
        ]
        return self.random.choices((0, 1, 2), weights=odds)[0]

    # -- the care cascade -----------------------------------------------------------------
    def cascade(self, adherent: bool, seen: bool) -> None:
        """Diagnosis, start of treatment, control gained or lost, discontinuation."""
        rates = self.model.cascade_rates
        for b in CONDITION_BITS:
            bit = 1 << b
            if self.conditions & bit and not self.aware & bit:
                p = rates["check_up"][b] + (rates["at_visit"][b] if seen else 0.0)
                if self.random.random() < p:
                    self.aware |= bit
            elif self.aware & bit and not self.treated & bit and self.random.random() < rates["start"][b]:
                self.treated |= bit
        if self.treated:
            self.follow_up(adherent, rates)

    def follow_up(self, adherent: bool, rates: dict[str, Any]) -> None:
        u, cfg = self.random.random(), self.model.cascade_cfg
        if adherent:
            for b in CONDITION_BITS:
                if self.treated >> b & 1 and u < rates["gain"][b]:
                    self.controlled |= 1 << b
            if u > 1 - cfg.control_loss_adherent_per_month:
                self.controlled = 0
        elif u < cfg.control_loss_per_month:
            self.controlled = 0
        elif u > 1 - cfg.discontinuation_per_month:
            self.treated = self.controlled = 0


class ReferenceModel(mesa.Model):
    """Patients as agents; the year's tables come from a ``SanyiModel`` of the same config."""

    def __init__(self, persons: int, months: int, seed: int = 0) -> None:
        super().__init__(rng=seed)
        years = -(-months // 12)
        self.source = SanyiModel(
            compose(
                [
                    f"population.size={persons}",
                    f"population.start_year={START_YEAR}",
                    f"population.end_year={START_YEAR + years - 1}",
                    "progress=false",
                    f"seed={seed}",
                ]
            )
        )
        cfg = self.source.cfg
        self.year, self.month = START_YEAR, 1
        self.care_use, self.choice = cfg.population.care_use, cfg.behaviour.choice
        self.behaviour, self.cascade_cfg = cfg.behaviour, cfg.behaviour.cascade
        self.adherence = cfg.behaviour.adherence_at_zero_cost
        cascade = self.source.cascade
        self.cascade_rates = {
            "check_up": cascade.check_up.tolist(),
            "at_visit": cascade.at_visit.tolist(),
            "start": cascade.start.tolist(),
            "gain": cascade.gain.tolist(),
        }
        self.severity_cum = np.cumsum(self.care_use.severity_shares).tolist()
        self.fund_paid = [0.0, 0.0, 0.0]
        self.deaths = self.births = self.episodes = 0
        self.tables = year_tables(self.source)
        self._add_persons()

    def _add_persons(self) -> None:
        """One agent per person of the source model's starting population."""
        pop, now = self.source.population, self.source.now
        for i in np.flatnonzero(pop.alive):
            Patient(
                self,
                int(now - pop.birth_month[i]),
                bool(pop.female[i]),
                bool(pop.rural[i]),
                int(pop.scheme[i]),
                float(pop.income[i]),
                int(pop.home[i]),
                int(pop.retirement_age_months[i]),
                int(pop.conditions[i]),
                int(pop.aware[i]),
                int(pop.treated[i]),
                int(pop.controlled[i]),
            )

    def severity(self) -> int:
        """Severity of an acute admission by the model's shares."""
        u = self.random.random()
        return next((k for k, edge in enumerate(self.severity_cum) if u < edge), 2)

    def forgo_probability(self, oop: float, income: float) -> float:
        b = self.behaviour
        burden = oop / max(income / 12, MIN_MONTHLY_INCOME)
        return b.forgone_max / (1 + math.exp(-b.forgone_slope * (burden - b.forgone_pivot)))

    def step(self) -> None:
        """One month: every patient in random order, then births; January refreshes rates."""
        self.agents.shuffle_do("step")
        self._births()
        self.month += 1
        if self.month > 12:
            self.year, self.month = self.year + 1, 1
            self._new_year()

    def _births(self) -> None:
        demography = self.source.demography
        for _ in range(int(self.rng.poisson(demography.births_per_month))):
            female = self.random.random() >= inputs.MALE_SHARE_AT_BIRTH
            rural = self.random.random() >= self.source.cfg.population.urban_share
            home = self.random.randrange(len(self.tables.gatekeeping))
            p = self.source.cfg.population
            income = p.rural_resident_income_yuan if rural else p.urban_resident_income_yuan
            Patient(self, 0, female, rural, RESIDENT_CHILD, income, home, NEVER_RETIRES)
            self.births += 1

    def _new_year(self) -> None:
        """January: the source model's own rules of the year, read again."""
        s, sc = self.source, self.source.cfg.scenario
        s.year = self.year
        s.demography.start_year(s.population, self.year)
        s.disease.start_year(
            self.year,
            sc.mortality_improvement_per_year,
            (1 + sc.chronic_incidence_trend_per_year) ** (self.year - START_YEAR),
        )
        s.care.start_year(self.year)
        for patient in self.agents:
            patient.oop_year = 0.0
        self.tables = year_tables(s)


def measure(persons: int, months: int, seed: int = 0) -> dict[str, Any]:
    """Build (untimed), then time ``months`` steps."""
    logging.getLogger("MESA").setLevel(logging.WARNING)
    model = ReferenceModel(persons, months, seed)
    started = time.perf_counter()
    for _ in range(months):
        model.step()
    seconds = time.perf_counter() - started
    return {
        "size": persons,
        "months": months,
        "seconds": seconds,
        "person_months_per_s": persons * months / seconds,
        "alive_at_end": len(model.agents),
        "deaths": model.deaths,
        "births": model.births,
        "episodes": model.episodes,
        "fund_paid": model.fund_paid,
    }


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--persons", type=int, default=10_000)
    parser.add_argument("--months", type=int, default=12)
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args(argv)
    print(json.dumps(measure(args.persons, args.months, args.seed)))


if __name__ == "__main__":
    main()
