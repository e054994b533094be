"""The patients of one pooling region as a struct of numpy arrays.

One entry per person slot; a dead person's slot is reused by a newborn or an immigrant, so
the arrays are allocated once. Every rule acts on whole arrays (or on the index set of the
persons an event touches); ``person(i)`` gives a readable view of one row for inspection.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

# Insurance scheme codes.
UNINSURED, WORKER, RETIREE, RESIDENT_ADULT, RESIDENT_CHILD = 0, 1, 2, 3, 4
SCHEME_NAMES = ("uninsured", "employee worker", "employee retiree", "resident adult",
                "resident child")
# Fund a scheme code belongs to: 0 employee (UEBMI), 1 resident (URRBMI), 2 none.
FUND_OF_SCHEME = np.array([2, 0, 0, 1, 1], dtype=np.int8)
CHILD_AGE_YEARS = 18

CONDITIONS = ("hypertension", "diabetes", "copd", "chd", "stroke", "cancer", "ckd")
N_CONDITIONS = len(CONDITIONS)
N_MASKS = 1 << N_CONDITIONS
# Number of conditions held, by bitmask.
POPCOUNT = np.array([bin(m).count("1") for m in range(N_MASKS)], dtype=np.int8)

EPOCH_YEAR = 1900  # months are counted from January 1900 (int16 holds 2,700 years)


def month_index(year: int, month: int = 1) -> int:
    """Months since January 1900 of a calendar month (1..12)."""
    return (year - EPOCH_YEAR) * 12 + (month - 1)


# name -> dtype; the bytes per person are the sum of the item sizes.
FIELDS: dict[str, np.dtype] = {
    "alive": np.dtype(np.bool_),
    "birth_month": np.dtype(np.int16),  # months since Jan 1900; age = now - birth_month
    "female": np.dtype(np.bool_),
    "rural": np.dtype(np.bool_),
    "scheme": np.dtype(np.uint8),
    "cadre": np.dtype(np.bool_),  # female cadre: statutory retirement at 55, not 50
    "retirement_age_months": np.dtype(np.int16),
    "income": np.dtype(np.float32),  # yuan/year: wage of workers, income of others
    "conditions": np.dtype(np.uint8),  # bitmask over CONDITIONS
    "aware": np.dtype(np.uint8),  # conditions diagnosed (a subset of conditions)
    "treated": np.dtype(np.uint8),  # conditions under treatment (a subset of aware)
    "controlled": np.dtype(np.uint8),  # conditions under control (a subset of treated)
    "readmit_due": np.dtype(np.int8),  # diagnosis + 1 of a readmission due next month, or 0
    "hrql": np.dtype(np.float32),  # health-related quality of life weight, 0..1
    "home": np.dtype(np.int16),  # home primary-care facility (index among primary hospitals)
    "oop_year": np.dtype(np.float32),  # out-of-pocket spending this calendar year, yuan
    "fund_year": np.dtype(np.float32),  # pooled-fund payments this calendar year, yuan
    "outpatient_fund_year": np.dtype(np.float32),  # of which the general outpatient pool
    "two_disease_fund_year": np.dtype(np.float32),  # of which hypertension/diabetes drugs
    "special_fund_year": np.dtype(np.float32),  # of which chronic and special diseases
    "outpatient_deductible_year": np.dtype(np.float32),  # charges counted to the deductible
    "account": np.dtype(np.float64),  # employee personal-account balance, yuan (exact money)
    # Layers beyond basic insurance (model/policies/protection.py): bits assisted (1) and
    # commercially insured (2), set each January; the year's bases of each layer's payments.
    "protection": np.dtype(np.uint8),
    "critical_illness_base_year": np.dtype(np.float32),
    "assistance_base_year": np.dtype(np.float32),
    "commercial_base_year": np.dtype(np.float32),
}


# Tallies of the calendar year, reset each January and for every new person.
YEARLY_TALLIES = ("oop_year", "fund_year", "outpatient_fund_year", "two_disease_fund_year",
                  "special_fund_year", "outpatient_deductible_year",
                  "critical_illness_base_year", "assistance_base_year", "commercial_base_year")


@dataclass
class PersonView:
    """A readable snapshot of one person (for inspection and tests, never in the hot path)."""

    index: int
    alive: bool
    age_years: float
    sex: str
    residence: str
    scheme: str
    income_yuan: float
    conditions: tuple[str, ...]
    aware: tuple[str, ...]
    treated: tuple[str, ...]
    controlled: tuple[str, ...]
    hrql: float
    home_facility: int
    oop_year_yuan: float
    account_yuan: float


class PatientPopulation:
    """Persons as preallocated arrays; ``capacity`` slots of which ``alive`` are in use."""

    def __init__(self, capacity: int) -> None:
        self.capacity = int(capacity)
        for name, dtype in FIELDS.items():
            setattr(self, name, np.zeros(self.capacity, dtype=dtype))
        self._free: np.ndarray = np.arange(self.capacity, dtype=np.int64)
        self._version = 0  # bumped whenever slots are taken or freed
        self._age_cache: tuple[int, int, np.ndarray, np.ndarray] | None = None

    # -- slots --------------------------------------------------------------------------
    def allocate(self, n: int) -> np.ndarray:
        """Indices of ``n`` free slots, growing the arrays when none are left.

        Growth allocates new arrays (rare: only when the population outgrows its start
        size plus margin); the usual path reuses the slots of the dead.
        """
        if n > self._free.size:
            self._grow(max(n - self._free.size, self.capacity // 4))
        taken, self._free = self._free[:n], self._free[n:]
        self._version += 1
        return np.sort(taken)

    def release(self, idx: np.ndarray) -> None:
        """Mark persons dead or gone and return their slots to the free list."""
        self.alive[idx] = False
        self.conditions[idx] = 0
        self.aware[idx] = 0
        self.treated[idx] = 0
        self.controlled[idx] = 0
        self.readmit_due[idx] = 0
        self.account[idx] = 0.0
        self.protection[idx] = 0
        self._free = np.concatenate([self._free, idx.astype(np.int64)])
        self._version += 1

    def _grow(self, extra: int) -> None:
        old = self.capacity
        self.capacity = old + int(extra)
        for name, dtype in FIELDS.items():
            grown = np.zeros(self.capacity, dtype=dtype)
            grown[:old] = getattr(self, name)
            setattr(self, name, grown)
        self._free = np.concatenate([self._free, np.arange(old, self.capacity)])

    def reset_tallies(self, idx: np.ndarray | slice = slice(None)) -> None:
        """Zero the yearly tallies of persons ``idx`` (everyone by default)."""
        for name in YEARLY_TALLIES:
            getattr(self, name)[idx] = 0.0

    # -- derived quantities ---------------------------------------------------------------
    @property
    def n_alive(self) -> int:
        return int(np.count_nonzero(self.alive))

    def _ages(self, now: int) -> tuple[np.ndarray, np.ndarray]:
        """Ages in months and in completed years, computed once per month and population.

        Every phase of a month needs ages; they change only when the month or the set of
        persons does, so they are cached on (month, slot version). Treat them as read-only.
        """
        cache = self._age_cache
        if cache is None or cache[0] != now or cache[1] != self._version:
            months = (now - self.birth_month).astype(np.int16)
            cache = (now, self._version, months, months // 12)
            self._age_cache = cache
        return cache[2], cache[3]

    def age_months(self, now: int) -> np.ndarray:
        return self._ages(now)[0]

    def age_years(self, now: int) -> np.ndarray:
        """Completed years of age (int16), for table look-ups."""
        return self._ages(now)[1]

    def fund_of(self) -> np.ndarray:
        """0 employee fund, 1 resident fund, 2 uninsured, per slot."""
        return FUND_OF_SCHEME[self.scheme]

    @property
    def bytes_per_person(self) -> float:
        return float(sum(getattr(self, name).nbytes for name in FIELDS) / max(self.capacity, 1))

    def person(self, i: int, now: int) -> PersonView:
        """One person as a readable record."""

        def names(mask: int) -> tuple[str, ...]:
            return tuple(c for b, c in enumerate(CONDITIONS) if mask >> b & 1)

        return PersonView(
            index=i,
            alive=bool(self.alive[i]),
            age_years=float((now - int(self.birth_month[i])) / 12),
            sex="female" if self.female[i] else "male",
            residence="rural" if self.rural[i] else "urban",
            scheme=SCHEME_NAMES[int(self.scheme[i])],
            income_yuan=float(self.income[i]),
            conditions=names(int(self.conditions[i])),
            aware=names(int(self.aware[i])),
            treated=names(int(self.treated[i])),
            controlled=names(int(self.controlled[i])),
            hrql=float(self.hrql[i]),
            home_facility=int(self.home[i]),
            oop_year_yuan=float(self.oop_year[i]),
            account_yuan=float(self.account[i]),
        )
