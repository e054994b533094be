"""Batches that flow through a month: ``Episodes`` of care demanded, ``Claims`` billed.

Both are structs of arrays with one entry per episode, so every phase works in bulk.
"""

from __future__ import annotations

from dataclasses import dataclass, fields

import numpy as np

# Kinds of care.
CHRONIC_VISIT, ACUTE_VISIT, ADMISSION = 0, 1, 2
KIND_NAMES = ("chronic follow-up", "acute outpatient visit", "admission")
PRIMARY, SECONDARY, TERTIARY = 0, 1, 2
TIER_NAMES = ("primary", "secondary", "tertiary")


@dataclass
class Episodes:
    """Care sought this month, after forgone care was removed and a tier was chosen."""

    person: np.ndarray  # int64 index into the population
    fund: np.ndarray  # int8: 0 employee, 1 resident, 2 uninsured
    retiree: np.ndarray  # bool
    kind: np.ndarray  # uint8 CHRONIC_VISIT / ACUTE_VISIT / ADMISSION
    severity: np.ndarray  # int8 0 mild, 1 moderate, 2 severe (admissions)
    cause: np.ndarray  # int8 condition behind a complication, -1 otherwise
    conditions: np.ndarray  # uint8 bitmask held (sets the drugs of a follow-up)
    rural: np.ndarray  # bool
    tier: np.ndarray  # int8
    hospital: np.ndarray  # int16 index into the model's hospital list

    def __len__(self) -> int:
        return int(self.person.size)

    def slice(self, start: int, stop: int) -> Episodes:
        """A contiguous run of episodes (views, no copies)."""
        return Episodes(**{f.name: getattr(self, f.name)[start:stop] for f in fields(self)})

    def take(self, order: np.ndarray) -> Episodes:
        """The episodes in another order (or a subset)."""
        return Episodes(**{f.name: getattr(self, f.name)[order] for f in fields(self)})

    @staticmethod
    def concat(parts: list[Episodes]) -> Episodes:
        return Episodes(**{
            f.name: np.concatenate([getattr(p, f.name) for p in parts]) for f in fields(Episodes)
        })


@dataclass
class Claims:
    """What hospitals billed for a batch of episodes, and who paid it (yuan, simulated scale)."""

    episodes: Episodes
    los_days: np.ndarray  # float32, 0 for outpatient care
    coded_severity: np.ndarray  # int8 severity as coded (upcoding raises it)
    service_charge: np.ndarray  # float64
    drug_charge: np.ndarray  # float64, at the price patients and funds pay (incl. markup)
    consumable_charge: np.ndarray  # float64
    drug_cost: np.ndarray  # float64, what the hospital paid suppliers for those drugs
    in_scope: np.ndarray | None = None  # float64 charges within the policy scope
    fund_pay: np.ndarray | None = None  # pooled fund
    account_pay: np.ndarray | None = None  # employee personal accounts
    oop: np.ndarray | None = None  # patient out of pocket

    @property
    def total_charge(self) -> np.ndarray:
        return self.service_charge + self.drug_charge + self.consumable_charge

    def __len__(self) -> int:
        return len(self.episodes)

    BILLED = ("los_days", "coded_severity", "service_charge", "drug_charge", "consumable_charge",
              "drug_cost")

    @classmethod
    def blank(cls, episodes: Episodes) -> Claims:
        """Claims for ``episodes`` to be filled by the hospitals (``put``)."""
        n = len(episodes)
        dtypes = {"los_days": np.float32, "coded_severity": np.int8}
        return cls(episodes=episodes,
                   **{name: np.zeros(n, dtype=dtypes.get(name, np.float64)) for name in cls.BILLED})

    def put(self, where: np.ndarray, part: Claims) -> None:
        """Write one hospital's claims (for episodes ``where``) into these claims."""
        for name in self.BILLED:
            getattr(self, name)[where] = getattr(part, name)
        self.episodes.kind[where] = part.episodes.kind  # a hospital may treat as outpatient
