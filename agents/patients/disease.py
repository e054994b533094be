"""Chronic disease: prevalence at start, incidence, complications, quality of life.

Each condition's prevalence by age is a logistic curve fitted to Chinese surveys
(``model/data/chronic_conditions.csv``). Incidence follows from that curve: without excess
mortality a logistic prevalence p(a) with slope b needs the hazard b * p(a); the excess
deaths of the ill add p(a) * (RR - 1) * mu(a). A scenario trend multiplies incidence.
Incidence is drawn by thinning: one uniform per person against the largest possible
hazard of the person's age and sex, then exact work only for the few candidates.
"""

from __future__ import annotations

import csv
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources

import numpy as np

from sanyi.agents.patients.population import CONDITIONS, N_CONDITIONS, N_MASKS, PatientPopulation
from sanyi.model import inputs
from sanyi.model.streams import Streams

# EQ-5D utility by age band (0-44, 45-59, 60-69, 70-79, 80+): stylised from Chinese
# population norms (about 0.96 falling to 0.85 in the oldest).
HRQL_BY_AGE = np.array([0.96, 0.94, 0.91, 0.88, 0.84], dtype=np.float32)
HRQL_AGE_EDGES = np.array([45, 60, 70, 80])
UNCONTROLLED_EXTRA_DECREMENT = 0.5  # uncontrolled conditions cost 50 % more utility
# A complication after discharge costs a month at this much lower quality of life before
# the readmission (assumption: about the EQ-5D loss of an acute episode).
READMISSION_HRQL_LOSS = 0.1


@dataclass(frozen=True)
class ConditionTable:
    """Parameters of the seven conditions, one entry per condition (bit order)."""

    names: tuple[str, ...]
    min_age: np.ndarray
    logit_p60: np.ndarray
    slope: np.ndarray
    male_log_odds: np.ndarray
    mortality_rr: np.ndarray
    hrql_decrement: np.ndarray
    drug_class: tuple[str, ...]
    complication_rate: np.ndarray  # per person-year when uncontrolled
    case_fatality: np.ndarray
    complication_adds: np.ndarray  # bit index of the condition an event adds, or -1
    # The care cascade (agents/patients/cascade.py): diagnosis, treatment, control.
    aware_at_onset: np.ndarray  # probability a new case is diagnosed at once
    detection_per_year: np.ndarray  # yearly diagnosis rate of unaware cases (check-ups)
    detection_per_visit: np.ndarray  # probability a care episode diagnoses an unaware case
    initiation_per_year: np.ndarray  # yearly rate at which diagnosed cases start treatment
    control_gain_per_month: np.ndarray  # adherent treated cases reaching control
    controlled_rr: np.ndarray  # complication risk when controlled, relative to uncontrolled
    aware_share: np.ndarray  # initial shares of prevalent cases (surveys or assumptions)
    treated_share: np.ndarray
    controlled_share: np.ndarray


def _load_conditions() -> ConditionTable:
    text = resources.files("sanyi.model").joinpath("data", "chronic_conditions.csv").read_text()
    rows = sorted(csv.DictReader(text.splitlines()), key=lambda r: int(r["bit"]))
    if tuple(r["condition"] for r in rows) != CONDITIONS:
        raise ValueError("chronic_conditions.csv must list the conditions in CONDITIONS order")

    def col(name: str) -> np.ndarray:
        return np.array([float(r[name]) for r in rows])

    p60 = col("prevalence_at_60")
    return ConditionTable(
        names=CONDITIONS,
        min_age=col("min_age"),
        logit_p60=np.log(p60 / (1 - p60)),
        slope=col("logit_slope_per_year"),
        male_log_odds=col("male_log_odds"),
        mortality_rr=col("mortality_rr"),
        hrql_decrement=col("hrql_decrement"),
        drug_class=tuple(r["drug_class"] for r in rows),
        complication_rate=col("complication_rate_per_year"),
        case_fatality=col("complication_case_fatality"),
        complication_adds=np.array(
            [CONDITIONS.index(r["complication_adds"]) if r["complication_adds"] else -1
             for r in rows]),
        aware_at_onset=col("aware_at_onset"),
        detection_per_year=col("detection_per_year"),
        detection_per_visit=col("detection_per_visit"),
        initiation_per_year=col("initiation_per_year"),
        control_gain_per_month=col("control_gain_per_month"),
        controlled_rr=col("controlled_complication_rr"),
        aware_share=col("aware_share"),
        treated_share=col("treated_share"),
        controlled_share=col("controlled_share"),
    )


TABLE = _load_conditions()
_BITS = np.array([[m >> b & 1 for b in range(N_CONDITIONS)] for m in range(N_MASKS)], dtype=bool)
# Mortality multiplier of each bitmask (relative risks multiply).
MORTALITY_RR = np.prod(np.where(_BITS, TABLE.mortality_rr, 1.0), axis=1).astype(np.float32)
# Monthly complication probability of the conditions of a bitmask when all are uncontrolled,
# and what control of the conditions of a bitmask takes off it.
_MONTHLY_RATE = np.where(_BITS, TABLE.complication_rate / 12, 0.0)
COMPLICATION_BY_MASK = _MONTHLY_RATE.sum(axis=1).astype(np.float32)
CONTROL_RELIEF_BY_MASK = (_MONTHLY_RATE * (1 - TABLE.controlled_rr)).sum(axis=1).astype(np.float32)


def prevalence(age: np.ndarray, female: np.ndarray) -> np.ndarray:
    """Expected prevalence of each condition, shape (persons, conditions)."""
    sex_shift = np.where(female, -0.5, 0.5)[:, None] * TABLE.male_log_odds
    logit = TABLE.logit_p60 + TABLE.slope * (age[:, None] - 60) + sex_shift
    return np.where(age[:, None] >= TABLE.min_age, 1 / (1 + np.exp(-logit)), 0.0)


@lru_cache(maxsize=1)
def _grid_prevalence() -> tuple[np.ndarray, np.ndarray]:
    """Ages of the (age * 2 + sex) grid and each condition's expected prevalence on it."""
    ages = np.repeat(np.arange(inputs.N_AGES), 2).astype(float)
    female = np.tile([False, True], inputs.N_AGES)
    return ages, prevalence(ages, female)


@lru_cache(maxsize=1)
def mortality_norm() -> np.ndarray:
    """Mean condition multiplier by age and sex, so that the life table holds on average."""
    _, p = _grid_prevalence()
    mean_rr = np.prod(1 - p + p * TABLE.mortality_rr, axis=1)
    return mean_rr.reshape(inputs.N_AGES, 2)


def background_death_rates(death_rates: np.ndarray) -> np.ndarray:
    """Life-table death rates less the deaths the model draws as fatal complications.

    The life table counts every death; deaths from acute events (strokes, heart attacks ...)
    are drawn separately, so their expected rate is taken out of the background hazard.
    """
    _, p = _grid_prevalence()
    control = 1 - TABLE.controlled_share * (1 - TABLE.controlled_rr)  # at the cascade's shares
    acute = (p * TABLE.complication_rate * TABLE.case_fatality * control).sum(axis=1)
    background = death_rates.reshape(-1) - acute
    return np.maximum(background, 0.1 * death_rates.reshape(-1)).reshape(death_rates.shape)


def incidence_table(death_rates: np.ndarray, trend: float) -> np.ndarray:
    """Monthly onset hazard by (age * 2 + sex, condition) for persons without the condition."""
    ages, p = _grid_prevalence()
    mu = death_rates.reshape(-1)[:, None] / mortality_norm().reshape(-1)[:, None]
    yearly = TABLE.slope * p + p * (TABLE.mortality_rr - 1) * mu
    yearly = np.where(ages[:, None] >= TABLE.min_age, yearly, 0.0) * trend
    return (1 - np.exp(-yearly / 12)).astype(np.float32)


# Persons per block of the start's draws: the (persons, conditions) temporaries of one block
# stay small (a whole population's would be 64 bytes a person each, the run's peak).
_INIT_BLOCK = 1 << 15


def initial_conditions(pop: PatientPopulation, idx: np.ndarray, now: int, rng: np.random.Generator) -> None:
    """Conditions at start from the prevalence curves; diagnosis, treatment and control at
    the cascade's shares (nested: controlled cases are treated, treated ones aware).

    Drawn block by block: all blocks' conditions, then all blocks' stages, which are the
    same numbers in the same order as one (persons, conditions) draw of each.
    """
    age = pop.age_years(now)[idx]
    starts = range(0, idx.size, _INIT_BLOCK)
    for s in starts:
        block = slice(s, s + _INIT_BLOCK)
        who, chance = idx[block], prevalence(age[block].astype(float), pop.female[idx[block]])
        pop.conditions[who] = _bitmask(rng.random((who.size, N_CONDITIONS)) < chance)
    for who in (idx[s : s + _INIT_BLOCK] for s in starts):
        held = _BITS[pop.conditions[who]]
        stage = rng.random((who.size, N_CONDITIONS))
        pop.aware[who] = _bitmask(held & (stage < TABLE.aware_share))
        pop.treated[who] = _bitmask(held & (stage < TABLE.treated_share))
        pop.controlled[who] = _bitmask(held & (stage < TABLE.controlled_share))
    update_hrql(pop, now)


def _bitmask(held: np.ndarray) -> np.ndarray:
    """(persons, conditions) booleans as one uint8 bitmask a person."""
    return (held * (1 << np.arange(N_CONDITIONS))).sum(axis=1).astype(np.uint8)


class ChronicDisease:
    """Monthly onset of conditions and complications (acute events)."""

    def __init__(self, streams: Streams) -> None:
        self.streams = streams
        self.onset = np.zeros((inputs.N_AGES * 2, N_CONDITIONS), dtype=np.float32)
        self.onset_any = np.zeros(inputs.N_AGES * 2, dtype=np.float32)

    def start_year(self, year: int, improvement: float, trend: float) -> None:
        rates = inputs.death_rates(year + 0.5, improvement)
        self.onset[:] = incidence_table(rates, trend)
        self.onset_any[:] = np.minimum(self.onset.sum(axis=1), 1.0)

    def onset_of_conditions(self, pop: PatientPopulation, now: int) -> int:
        """New cases this month (at most one per person), some diagnosed at once."""
        age = np.minimum(pop.age_years(now), inputs.MAX_AGE).astype(np.int32)
        cell = age * 2 + pop.female
        u = self.streams.incidence.uniforms(pop.capacity)
        cand = np.flatnonzero(pop.alive & (u < self.onset_any[cell]))
        if cand.size == 0:
            return 0
        held = _BITS[pop.conditions[cand]]
        hazard = np.where(held, 0.0, self.onset[cell[cand]])
        total = hazard.sum(axis=1)
        # Given candidacy u is uniform on [0, bound): accepting u < total keeps probability
        # ``total``, and u is then uniform on [0, total), which picks the condition; where it
        # falls inside that condition's interval is a fresh uniform for the diagnosis.
        v = u[cand]
        accept = v < total
        cum = np.cumsum(hazard, axis=1)
        which = np.minimum((cum < v[:, None]).sum(axis=1), N_CONDITIONS - 1)
        new, which, v = cand[accept], which[accept], v[accept]
        own = hazard[accept, which]
        start = cum[accept, which] - own
        within = (v - start) / np.maximum(own, 1e-30)
        bit = (1 << which).astype(np.uint8)
        pop.conditions[new] |= bit
        pop.aware[new] |= np.where(within < TABLE.aware_at_onset[which], bit, 0).astype(np.uint8)
        return int(new.size)

    def complications(self, pop: PatientPopulation) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """Acute events of the month: (persons, condition causing it, dies of it).

        Control of a condition lowers its events by its relative risk; an event diagnoses
        the condition behind it and may add another (a stroke after hypertension).
        """
        prob = COMPLICATION_BY_MASK[pop.conditions] - CONTROL_RELIEF_BY_MASK[pop.controlled]
        u = self.streams.complications.uniforms(pop.capacity)
        who = np.flatnonzero(pop.alive & (u < prob))
        if who.size == 0:
            empty = np.empty(0, dtype=np.int64)
            return empty, empty, np.empty(0, dtype=bool)
        controlled = _BITS[pop.controlled[who]]
        rates = np.where(_BITS[pop.conditions[who]], TABLE.complication_rate, 0.0) * np.where(
            controlled, TABLE.controlled_rr, 1.0)
        v = u[who] / prob[who] * rates.sum(axis=1)  # reuse the uniform: uniform on [0, total)
        cause = np.minimum((np.cumsum(rates, axis=1) < v[:, None]).sum(axis=1), N_CONDITIONS - 1)
        adds = TABLE.complication_adds[cause]
        gains = adds >= 0
        added = (1 << adds[gains]).astype(np.uint8)
        pop.conditions[who[gains]] |= added
        pop.aware[who[gains]] |= added
        pop.aware[who] |= (1 << cause).astype(np.uint8)
        dies = self.streams.fatality.rng.random(who.size) < TABLE.case_fatality[cause]
        return who, cause, dies


_DECREMENT_BY_MASK = np.where(_BITS, TABLE.hrql_decrement, 0.0).sum(axis=1)
# Quality of life by (age band, conditions): the age norm minus the conditions' decrements;
# conditions not under control cost ``UNCONTROLLED_EXTRA_DECREMENT`` more.
_HRQL_BASE = (HRQL_BY_AGE[:, None] - _DECREMENT_BY_MASK[None, :]).astype(np.float32).ravel()
_UNCONTROLLED_EXTRA = (UNCONTROLLED_EXTRA_DECREMENT * _DECREMENT_BY_MASK).astype(np.float32)
_BAND_OF_AGE = (np.searchsorted(HRQL_AGE_EDGES, np.arange(inputs.N_AGES), side="right")
                * N_MASKS).astype(np.int32)


def update_hrql(pop: PatientPopulation, now: int) -> None:
    """Quality-of-life weight: an age norm minus decrements of the conditions held."""
    age = np.minimum(pop.age_years(now), inputs.MAX_AGE)
    index = _BAND_OF_AGE[age] + pop.conditions
    np.take(_HRQL_BASE, index, out=pop.hrql)
    pop.hrql -= _UNCONTROLLED_EXTRA[pop.conditions & ~pop.controlled]
    pop.hrql -= (pop.readmit_due > 0) * np.float32(READMISSION_HRQL_LOSS)
    np.maximum(pop.hrql, 0.0, out=pop.hrql)
    pop.hrql *= pop.alive
