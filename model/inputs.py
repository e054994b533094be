"""Model inputs read from ``model/data/`` (official statistics, each row with its source).

Everything here is computed once at start-up into small numpy tables indexed by single year
of age (0..MAX_AGE) and sex (0 = male, 1 = female); nothing is read during a step.
"""

from __future__ import annotations

import csv
from functools import cache, lru_cache
from importlib import resources

import numpy as np

MAX_AGE = 104  # single years 0..104; the census "100+" group is spread over 100..104
N_AGES = MAX_AGE + 1
SEXES = ("male", "female")
CENSUS_YEAR_START = 2021.0  # census of 1 Nov 2020, taken as the population at 1 Jan 2021

# Age pattern of fertility (share of the TFR by 5-year band 15-19 .. 45-49): approximate shape
# of China's 2020 census schedule, stylised (peak at 25-29, late childbearing rising).
FERTILITY_AGE_SHARES = np.array([0.022, 0.206, 0.367, 0.255, 0.112, 0.030, 0.008])
# Sex ratio at birth 111.3 boys per 100 girls (2020 census).
MALE_SHARE_AT_BIRTH = 111.3 / 211.3


@cache
def _read_csv(name: str) -> list[dict[str, str]]:
    text = resources.files("sanyi.model").joinpath("data", name).read_text(encoding="utf-8")
    return list(csv.DictReader(text.splitlines()))


def _age_range(group: str) -> tuple[int, int]:
    """Inclusive single-year range of an age-group label such as '0', '1-4', '5-9', '100+'."""
    if group.endswith("+"):
        return int(group[:-1]), MAX_AGE
    if "-" in group:
        lo, hi = group.split("-")
        return int(lo), int(hi)
    return int(group), int(group)


@lru_cache(maxsize=1)
def census_2020_by_age_sex() -> np.ndarray:
    """Persons (thousands) by single age and sex, 2020 census; 5-year groups split evenly."""
    table = np.zeros((N_AGES, 2))
    for row in _read_csv("population_by_age_sex.csv"):
        if row["age_group"] == "total":
            continue
        lo, hi = _age_range(row["age_group"])
        weights = _within_group_weights(lo, hi)
        table[lo : hi + 1, SEXES.index(row["sex"])] = float(row["population_thousands"]) * weights
    return table


# Centenarians thin out fast (death rate about 0.55 a year, WPP 2024): the open "100+" group
# is spread over 100..104 with geometric weights rather than evenly.
CENTENARIAN_SURVIVAL = 0.58


def _within_group_weights(lo: int, hi: int) -> np.ndarray:
    """How a census age group is split into single years (even, except the open top group)."""
    n = hi - lo + 1
    weights = CENTENARIAN_SURVIVAL ** np.arange(n) if hi == MAX_AGE else np.ones(n)
    return weights / weights.sum()


@lru_cache(maxsize=1)
def _wpp_rates() -> dict[int, np.ndarray]:
    """WPP 2024 central death rates (per person-year) by single age and sex, per period."""
    out: dict[int, np.ndarray] = {}
    for row in _read_csv("mortality_wpp2024.csv"):
        if row["sex"] == "total":
            continue
        year = int(row["year"])
        table = out.setdefault(year, np.zeros((N_AGES, 2)))
        lo, hi = _age_range(row["age_group"])
        table[lo : hi + 1, SEXES.index(row["sex"])] = float(row["death_rate_per_1000"]) / 1000
    return out


def death_rates(year: float, improvement_per_year: float) -> np.ndarray:
    """Central death rates by age and sex for a calendar year.

    Linear between the WPP periods 2015-19 (mid 2017) and 2020-24 (mid 2022), held before
    2017, and falling by ``improvement_per_year`` after 2022.
    """
    rates = _wpp_rates()
    early, late = rates[2017], rates[2022]
    if year <= 2017:
        return early.copy()
    if year <= 2022:
        w = (year - 2017) / 5
        return (1 - w) * early + w * late
    return late * (1 - improvement_per_year) ** (year - 2022)


def fertility_rates(tfr: float) -> np.ndarray:
    """Births per woman-year by single age (0 outside 15..49) for a given TFR."""
    asfr = np.zeros(N_AGES)
    for band, share in enumerate(FERTILITY_AGE_SHARES):
        lo = 15 + 5 * band
        asfr[lo : lo + 5] = tfr * share / 5
    return asfr


def interpolate_by_year(points: dict[int, float], year: float) -> float:
    """Piecewise-linear value of a {year: value} path, flat beyond its ends."""
    years = sorted(points)
    return float(np.interp(year, years, [points[y] for y in years]))


def growth_index(growth_by_year: dict[int, float], year: int, base_year: int) -> float:
    """Level of a quantity in ``year`` relative to ``base_year``, from yearly growth rates.

    The rate of year y takes the level from y - 1 to y (interpolated between given years,
    flat beyond them).
    """
    index = 1.0
    for y in range(base_year + 1, year + 1):
        index *= 1 + interpolate_by_year(growth_by_year, y)
    for y in range(year + 1, base_year + 1):
        index /= 1 + interpolate_by_year(growth_by_year, y)
    return index


def initial_age_sex(start_year: int, tfr_by_year: dict[int, float], improvement: float) -> np.ndarray:
    """Population by age and sex at 1 January of ``start_year`` (thousands).

    Cohort-component projection of the 2020 census, backwards (dividing by survival) or
    forwards (survival plus births from the TFR path) one year at a time.
    """
    pop = census_2020_by_age_sex().copy()
    year = CENSUS_YEAR_START
    while year > start_year:
        year -= 1
        survival = np.exp(-death_rates(year, improvement))
        older = pop[1:] / survival[:-1]
        pop = np.vstack([older, pop[-1:] * CENTENARIAN_SURVIVAL])
    while year < start_year:
        survival = np.exp(-death_rates(year, improvement))
        births = float(fertility_rates(interpolate_by_year(tfr_by_year, year)) @ pop[:, 1])
        aged = pop[:-1] * survival[:-1]
        newborn = np.array([[births * MALE_SHARE_AT_BIRTH, births * (1 - MALE_SHARE_AT_BIRTH)]])
        pop = np.vstack([newborn, aged])
        year += 1
    return pop


def policy_input(parameter: str, year: int, growth_after: float) -> float:
    """A legislated policy value for a year (policy_inputs.csv).

    Linear between legislated years, the first value before them, and growing by
    ``growth_after`` per year after the last one.
    """
    points = {
        int(r["year"]): float(r["value"])
        for r in _read_csv("policy_inputs.csv")
        if r["parameter"] == parameter
    }
    if not points:
        raise KeyError(f"no policy input named {parameter!r}")
    last = max(points)
    if year > last:
        return points[last] * (1 + growth_after) ** (year - last)
    return interpolate_by_year(points, year)


def last_policy_year(parameter: str) -> int:
    """The last year a legislated value of ``parameter`` is known (policy_inputs.csv)."""
    return max(int(r["year"]) for r in _read_csv("policy_inputs.csv") if r["parameter"] == parameter)


def calibration_targets() -> list[dict[str, str]]:
    """Official statistics the model is compared with (targets.csv, NHSA/NBS/NHC)."""
    return _read_csv("targets.csv")
