"""Demography: the initial population, deaths, births, migration, retirement and enrolment.

Rates come from official tables (``model.inputs``) refreshed once a year; each month the
rules act on whole arrays, and only the persons an event touches are indexed.
"""

from __future__ import annotations

import numpy as np

from sanyi.agents.patients import disease
from sanyi.agents.patients.population import (
    CHILD_AGE_YEARS,
    RESIDENT_ADULT,
    RESIDENT_CHILD,
    RETIREE,
    UNINSURED,
    WORKER,
    PatientPopulation,
    month_index,
)
from sanyi.model import inputs, user_tables
from sanyi.model.config import SanyiConfig
from sanyi.model.policies.benefits import RetirementRule
from sanyi.model.streams import Streams

WORKING_AGE_EDGES = np.array([16, 25, 35, 45, 55, 200])  # bands of urban_worker_share_by_age
MIGRANT_AGES = (18, 46)  # movers are young adults


OLD_AGE = 65  # the census statistic the age tilt moves: the share aged 65+


def tilt_old_age(table: np.ndarray, factor: float) -> np.ndarray:
    """Persons by age (rows) and sex with those aged 65+ weighted by ``factor``.

    A region older or younger than the census table (``population.old_age_factor``): with
    national 65+ share s, the tilted share is factor·s / (factor·s + 1 - s), so a factor of
    1.35 turns 13.5 % into 17.4 % (Liaoning in the 2020 census). Ages below 65 keep their
    relative sizes. A factor of 1 returns the table itself.
    """
    if factor == 1.0:
        return table
    tilted = np.array(table, dtype=float, copy=True)
    tilted[OLD_AGE:] *= factor
    return tilted


def wage_index(cfg: SanyiConfig, year: int) -> float:
    """Average wage of a year relative to the price year of the schedules."""
    return inputs.growth_index(cfg.scenario.wage_path(), year, cfg.pricing.price_year)


class Demography:
    """Population dynamics of one region, with rates refreshed each January."""

    def __init__(self, cfg: SanyiConfig, streams: Streams, retirement: RetirementRule,
                 n_primary: int) -> None:
        self.cfg = cfg
        self.streams = streams
        self.retirement = retirement
        self.n_primary = n_primary
        self.death_prob_table = np.zeros(inputs.N_AGES * 2, dtype=np.float32)
        self.births_per_month = 0.0
        self.year = cfg.population.start_year
        self.uninsured_share = cfg.population.uninsured_share  # of residents, this year

    # -- the initial population ---------------------------------------------------------
    def populate(self, pop: PatientPopulation, n: int) -> None:
        """Draw ``n`` persons with the start year's age-sex structure and their attributes."""
        cfg, rng = self.cfg, self.streams.init.rng
        year = cfg.population.start_year
        table, urban_share = self._initial_cells(year)
        table = tilt_old_age(table, cfg.population.old_age_factor)
        cells = rng.choice(table.size, size=n, p=(table / table.sum()).ravel())
        idx = pop.allocate(n)
        age, female = np.divmod(cells, 2)
        now = month_index(year)
        pop.alive[idx] = True
        pop.female[idx] = female.astype(bool)
        pop.birth_month[idx] = now - age * 12 - rng.integers(0, 12, n)
        urban = cfg.population.urban_share if urban_share is None else urban_share.ravel()[cells]
        pop.rural[idx] = rng.random(n) >= urban
        pop.cadre[idx] = pop.female[idx] & (rng.random(n) < cfg.population.female_cadre_share)
        pop.home[idx] = rng.integers(0, self.n_primary, n)
        pop.retirement_age_months[idx] = self.retirement.age_months(
            pop.birth_month[idx], pop.female[idx], pop.cadre[idx])
        self._initial_schemes(pop, idx, now, rng)
        self._sample_incomes(pop, idx, year, rng)
        disease.initial_conditions(pop, idx, now, rng)

    def _initial_cells(self, year: int) -> tuple[np.ndarray, np.ndarray | None]:
        """Persons by age and sex at the start (and urban shares by cell, if the user's table
        gives them): the census projected to the year, or ``population.table``."""
        cfg = self.cfg
        if cfg.population.table:
            return user_tables.population_table(cfg.population.table)
        return inputs.initial_age_sex(year, cfg.scenario.tfr_path(),
                                      cfg.scenario.mortality_improvement_per_year), None

    def _initial_schemes(self, pop: PatientPopulation, idx: np.ndarray, now: int,
                         rng: np.random.Generator) -> None:
        p = self.cfg.population
        age_m = pop.age_months(now)[idx]
        age = age_m // 12
        rural = pop.rural[idx]
        retired_age = age_m >= pop.retirement_age_months[idx]
        band = np.clip(np.searchsorted(WORKING_AGE_EDGES, age, side="right") - 1, 0, 4)
        share = np.asarray(p.urban_worker_share_by_age)[band] * np.where(
            rural, p.rural_worker_factor, 1.0)
        u = rng.random(idx.size)
        worker = (age >= 16) & ~retired_age & (u < share)
        retiree = retired_age & (u < np.where(rural, p.rural_retiree_share, p.urban_retiree_share))
        uninsured = rng.random(idx.size) < self.uninsured_share
        scheme = np.where(age < CHILD_AGE_YEARS, RESIDENT_CHILD, RESIDENT_ADULT)
        scheme = np.where(uninsured, UNINSURED, scheme)
        scheme = np.where(worker, WORKER, np.where(retiree, RETIREE, scheme))
        pop.scheme[idx] = scheme.astype(np.uint8)

    def _sample_incomes(self, pop: PatientPopulation, idx: np.ndarray, year: int,
                        rng: np.random.Generator) -> None:
        """Wages of workers around the average contribution base; pensions; resident incomes."""
        p = self.cfg.population
        w = wage_index(self.cfg, year)
        base = self.cfg.benefits.employee_financing.average_contribution_base_yuan * w
        scheme = pop.scheme[idx]
        sigma = np.where(scheme == WORKER, p.wage_lognormal_sigma,
                         p.resident_income_lognormal_sigma)
        spread = np.exp(rng.standard_normal(idx.size) * sigma - sigma**2 / 2)
        resident = np.where(pop.rural[idx], p.rural_resident_income_yuan,
                            p.urban_resident_income_yuan) * w
        level = np.select([scheme == WORKER, scheme == RETIREE], [base, 0.6 * base], resident)
        pop.income[idx] = (level * spread).astype(np.float32)

    # -- yearly refresh -------------------------------------------------------------------
    def start_year(self, pop: PatientPopulation, year: int) -> None:
        """Refresh death and birth rates for the calendar year; index incomes to wages."""
        if year != self.year:
            growth = wage_index(self.cfg, year) / wage_index(self.cfg, self.year)
            pop.income *= np.float32(growth)
        self.year = year
        sc = self.cfg.scenario
        rates = inputs.death_rates(year + 0.5, sc.mortality_improvement_per_year)
        monthly = 1 - np.exp(-disease.background_death_rates(rates) / 12)
        self.death_prob_table[:] = (monthly / disease.mortality_norm()).ravel()
        tfr = inputs.interpolate_by_year(sc.tfr_path(), year) + sc.tfr_offset * float(
            np.clip((year - 2024) / 6, 0, 1))
        asfr = inputs.fertility_rates(max(tfr, 0.0))
        now = month_index(year)
        women = pop.alive & pop.female
        age = np.clip(pop.age_years(now)[women], 0, inputs.MAX_AGE)
        self.births_per_month = float(asfr[age].sum()) / 12

    def renew_coverage(self, pop: PatientPopulation, now: int, uninsured_share: float) -> None:
        """January: residents renew (or not) their enrolment for the year's premium.

        The uninsured share of residents moves toward ``uninsured_share``: uninsured persons
        enrol at ``reenrolment_rate_per_year`` and residents lapse at the rate that holds
        the share there, so the level follows the premium and the churn is set apart.
        """
        p = self.cfg.population
        self.uninsured_share = uninsured_share
        rejoin = p.reenrolment_rate_per_year
        lapse = min(rejoin * uninsured_share / max(1 - uninsured_share, 1e-9), 1.0)
        scheme = pop.scheme
        resident = pop.alive & ((scheme == RESIDENT_ADULT) | (scheme == RESIDENT_CHILD))
        uninsured = pop.alive & (scheme == UNINSURED)
        u = self.streams.coverage.uniforms(pop.capacity)
        leaving = np.flatnonzero(resident & (u < lapse))
        joining = np.flatnonzero(uninsured & (u < rejoin))
        adult = pop.age_months(now)[joining] >= CHILD_AGE_YEARS * 12
        scheme[leaving] = UNINSURED
        scheme[joining] = np.where(adult, RESIDENT_ADULT, RESIDENT_CHILD).astype(np.uint8)

    # -- monthly events -------------------------------------------------------------------
    def deaths(self, pop: PatientPopulation, now: int, extra: np.ndarray) -> np.ndarray:
        """Persons dying this month: age-sex-condition hazard, plus ``extra`` (acute events)."""
        age = np.minimum(pop.age_years(now), inputs.MAX_AGE)
        cell = age.astype(np.int32) * 2 + pop.female
        hazard = self.death_prob_table[cell] * disease.MORTALITY_RR[pop.conditions]
        u = self.streams.mortality.uniforms(pop.capacity)
        dead = pop.alive & (u < hazard)
        dead[extra] = pop.alive[extra]
        return np.flatnonzero(dead)

    def births(self, pop: PatientPopulation, now: int) -> np.ndarray:
        """Newborns of the month: resident children (or uninsured), in a home facility."""
        rng = self.streams.births.rng
        n = int(rng.poisson(self.births_per_month))
        idx = pop.allocate(n)
        p = self.cfg.population
        pop.alive[idx] = True
        pop.birth_month[idx] = now
        pop.female[idx] = rng.random(n) >= inputs.MALE_SHARE_AT_BIRTH
        pop.rural[idx] = rng.random(n) >= p.urban_share
        pop.cadre[idx] = pop.female[idx] & (rng.random(n) < p.female_cadre_share)
        pop.home[idx] = rng.integers(0, self.n_primary, n)
        uninsured = rng.random(n) < self.uninsured_share
        pop.scheme[idx] = np.where(uninsured, UNINSURED, RESIDENT_CHILD).astype(np.uint8)
        self._reset_new(pop, idx)
        self._sample_incomes(pop, idx, self.year, rng)
        return idx

    def emigrants(self, pop: PatientPopulation, now: int, dying: np.ndarray) -> np.ndarray:
        """Young adults leaving the region this month (not those dying this month)."""
        age = pop.age_years(now)
        movers = pop.alive & (age >= MIGRANT_AGES[0]) & (age < MIGRANT_AGES[1])
        n_movers = int(np.count_nonzero(movers))
        if n_movers == 0:
            return np.empty(0, dtype=np.int64)
        p = self.cfg.scenario.emigration_rate * pop.n_alive / n_movers / 12
        u = self.streams.emigration.uniforms(pop.capacity)
        leaving = movers & (u < p)
        leaving[dying] = False
        return np.flatnonzero(leaving)

    def immigrants(self, pop: PatientPopulation, now: int) -> np.ndarray:
        """Young adults arriving this month, healthy, enrolled like locals of their age."""
        rng = self.streams.immigration.rng
        n = int(rng.poisson(self.cfg.scenario.immigration_rate * pop.n_alive / 12))
        idx = pop.allocate(n)
        p = self.cfg.population
        pop.alive[idx] = True
        pop.birth_month[idx] = now - rng.integers(MIGRANT_AGES[0] * 12, MIGRANT_AGES[1] * 12, n)
        pop.female[idx] = rng.random(n) < 0.5
        pop.rural[idx] = rng.random(n) >= p.urban_share
        pop.cadre[idx] = pop.female[idx] & (rng.random(n) < p.female_cadre_share)
        pop.home[idx] = rng.integers(0, self.n_primary, n)
        self._reset_new(pop, idx)
        self._initial_schemes(pop, idx, now, rng)
        self._sample_incomes(pop, idx, self.year, rng)
        return idx

    def _reset_new(self, pop: PatientPopulation, idx: np.ndarray) -> None:
        pop.retirement_age_months[idx] = self.retirement.age_months(
            pop.birth_month[idx], pop.female[idx], pop.cadre[idx])
        pop.conditions[idx] = 0
        pop.aware[idx] = 0
        pop.treated[idx] = 0
        pop.controlled[idx] = 0
        pop.readmit_due[idx] = 0
        pop.reset_tallies(idx)
        pop.account[idx] = 0.0
        pop.hrql[idx] = 1.0

    # -- enrolment ------------------------------------------------------------------------
    def update_enrolment(self, pop: PatientPopulation, now: int) -> np.ndarray:
        """Retirement at the statutory age, children coming of age, joining and leaving work.

        Returns the indices of workers who retired this month (they stop contributing).
        """
        p = self.cfg.population
        age_m = pop.age_months(now)
        scheme = pop.scheme
        retiring = np.flatnonzero((scheme == WORKER) & (age_m >= pop.retirement_age_months))
        scheme[retiring] = RETIREE
        pop.income[retiring] *= np.float32(0.6)  # pension replaces the wage
        adult = np.flatnonzero((scheme == RESIDENT_CHILD) & (age_m >= CHILD_AGE_YEARS * 12))
        scheme[adult] = RESIDENT_ADULT
        u = self.streams.enrolment.uniforms(pop.capacity)
        entry = p.worker_entry_rate / 12 * np.where(pop.rural, p.rural_worker_factor, 1.0)
        joining = np.flatnonzero((scheme == RESIDENT_ADULT) & (age_m >= 16 * 12)
                                 & (age_m < 46 * 12) & (u < entry))
        leaving = np.flatnonzero((scheme == WORKER) & (u > 1 - p.worker_exit_rate / 12))
        scheme[joining] = WORKER
        scheme[leaving] = RESIDENT_ADULT
        if joining.size:
            self._sample_incomes(pop, joining, self.year, self.streams.incomes.rng)
        return retiring
