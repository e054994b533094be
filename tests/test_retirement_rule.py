"""Statutory retirement ages under the NPC Standing Committee decision of September 2024.

In force from January 2025: men 60 -> 63 and female cadres 55 -> 58 by one month for every
four months of birth cohort (from births in January 1965 and January 1970), female workers
50 -> 55 by one month for every two months (from births in January 1975). Ages are in
months; birth months count from January 1900 as in the population arrays.
"""

from __future__ import annotations

import numpy as np
import pytest

from sanyi.agents.patients.population import month_index
from sanyi.model.policies.benefits import RetirementRule

MAN, FEMALE_CADRE, FEMALE_WORKER = "man", "female cadre", "female worker"


def retirement_age_months(born: tuple[int, int], who: str, delay: bool = True) -> int:
    """Retirement age in months of one person born in (year, month)."""
    birth_month = np.array([month_index(*born)], dtype=np.int16)
    female = np.array([who != MAN])
    cadre = np.array([who == FEMALE_CADRE])
    return int(RetirementRule(delay).age_months(birth_month, female, cadre)[0])


def years_months(years: int, months: int = 0) -> int:
    return 12 * years + months


@pytest.mark.parametrize("born", [(1950, 1), (1960, 6), (1964, 12)])
@pytest.mark.parametrize("delay", [True, False])
def test_men_born_before_1965_retire_at_exactly_60(born: tuple[int, int], delay: bool) -> None:
    assert retirement_age_months(born, MAN, delay) == years_months(60)


@pytest.mark.parametrize(
    ("born", "age"),
    [
        pytest.param((1965, 1), years_months(60, 1), id="1965-01"),
        pytest.param((1965, 4), years_months(60, 1), id="1965-04"),
        pytest.param((1965, 5), years_months(60, 2), id="1965-05"),
        pytest.param((1970, 1), years_months(61, 4), id="1970-01"),
        pytest.param((1976, 8), years_months(62, 11), id="1976-08"),
    ],
)
def test_mens_retirement_is_delayed_one_month_per_four_months_of_birth_from_1965(
    born: tuple[int, int], age: int
) -> None:
    assert retirement_age_months(born, MAN) == age


@pytest.mark.parametrize("born", [(1976, 9), (1976, 12), (1980, 3), (1995, 7)])
def test_mens_delay_stops_at_63_for_births_from_september_1976(born: tuple[int, int]) -> None:
    assert retirement_age_months(born, MAN) == years_months(63) == 756


@pytest.mark.parametrize(
    ("born", "age"),
    [
        pytest.param((1969, 12), years_months(55), id="1969-12"),
        pytest.param((1970, 1), years_months(55, 1), id="1970-01"),
        pytest.param((1970, 5), years_months(55, 2), id="1970-05"),
        pytest.param((1981, 8), years_months(57, 11), id="1981-08"),
        pytest.param((1981, 9), years_months(58), id="1981-09"),
        pytest.param((1990, 1), years_months(58), id="1990-01"),
    ],
)
def test_female_cadres_retire_at_55_rising_to_58_from_births_in_1970(
    born: tuple[int, int], age: int
) -> None:
    assert retirement_age_months(born, FEMALE_CADRE) == age


@pytest.mark.parametrize(
    ("born", "age"),
    [
        pytest.param((1974, 12), years_months(50), id="1974-12"),
        pytest.param((1975, 1), years_months(50, 1), id="1975-01"),
        pytest.param((1975, 2), years_months(50, 1), id="1975-02"),
        pytest.param((1975, 3), years_months(50, 2), id="1975-03"),
        pytest.param((1980, 1), years_months(52, 7), id="1980-01"),
        pytest.param((1984, 10), years_months(54, 11), id="1984-10"),
        pytest.param((1984, 11), years_months(55), id="1984-11"),
        pytest.param((1995, 6), years_months(55), id="1995-06"),
    ],
)
def test_female_workers_retire_at_50_rising_by_one_month_per_two_to_a_cap_of_55(
    born: tuple[int, int], age: int
) -> None:
    assert retirement_age_months(born, FEMALE_WORKER) == age


@pytest.mark.parametrize(("who", "age"), [(MAN, 60), (FEMALE_CADRE, 55), (FEMALE_WORKER, 50)])
@pytest.mark.parametrize("born", [(1960, 1), (1975, 1), (1990, 6)])
def test_without_the_delay_everybody_keeps_the_old_ages(born: tuple[int, int], who: str, age: int) -> None:
    assert retirement_age_months(born, who, delay=False) == years_months(age)


def test_ages_of_a_mixed_cohort_are_computed_in_one_call() -> None:
    birth_month = np.array([month_index(1965, 5), month_index(1975, 3), month_index(1981, 9)],
                           dtype=np.int16)
    female = np.array([False, True, True])
    cadre = np.array([False, False, True])

    ages = RetirementRule(delay=True).age_months(birth_month, female, cadre)

    assert ages.dtype == np.int16
    assert ages.tolist() == [years_months(60, 2), years_months(50, 2), years_months(58)]
