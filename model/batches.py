"""Batches that flow through a month: ``Episodes`` of care demanded, ``Claims`` billed and paid.

Both are structs of arrays with one entry per episode, so every phase works in bulk. An
episode carries its own uniforms (``u``) for every decision a hospital may take on it, drawn
once when the episode is formed: whether a decision is taken or skipped, no other episode's
numbers move (common random numbers inside hospitals).
"""

from __future__ import annotations

from dataclasses import dataclass, fields

import numpy as np

# Kinds of care.
CHRONIC_VISIT, ACUTE_VISIT, ADMISSION = 0, 1, 2
KIND_NAMES = ("chronic follow-up", "acute outpatient visit", "admission")
PRIMARY, SECONDARY, TERTIARY = 0, 1, 2
TIER_NAMES = ("primary", "secondary", "tertiary")
N_SEVERITIES = 3  # mild, moderate, severe

# Diagnosis of an admission: 0 an acute illness, 1 + c a complication of chronic condition c.
ACUTE_ILLNESS = 0
N_DIAGNOSES = 8
# Case groups of admissions: diagnosis x severity (the DRG adds the procedure on top).
N_GROUPS = N_DIAGNOSES * N_SEVERITIES

# Columns of ``Episodes.u``: one uniform per decision a hospital may take on an episode.
U_ADMIT, U_LOS_1, U_LOS_2, U_UPCODE, U_TRANSFER, U_ORIGINATOR, U_GENERIC, U_PROCEDURE = range(8)
U_READMIT = 8
U_SUPPLY = 9  # which prescriptions a short product's maker cannot fill
N_UNIFORMS = 10


# DRG groups: diagnosis x coded severity x procedure (a device implanted or not).
N_DRG_GROUPS = N_GROUPS * 2


def drg_group(diagnosis: np.ndarray, coded_severity: np.ndarray,
              procedure: np.ndarray) -> np.ndarray:
    """DRG group of admissions: as coded (upcoding moves it), with the procedure."""
    return case_group(diagnosis, coded_severity) * 2 + procedure


def case_group(diagnosis: np.ndarray, severity: np.ndarray) -> np.ndarray:
    """Case group of admissions: diagnosis x severity (an index in ``range(N_GROUPS)``)."""
    return diagnosis.astype(np.int64) * N_SEVERITIES + severity


@dataclass
class Episodes:
    """Care sought this month, after forgone care was removed and a tier was chosen."""

    person: np.ndarray  # int64 index into the population
    fund: np.ndarray  # int8: 0 employee, 1 resident, 2 uninsured
    retiree: np.ndarray  # bool
    kind: np.ndarray  # uint8 CHRONIC_VISIT / ACUTE_VISIT / ADMISSION
    severity: np.ndarray  # int8 0 mild, 1 moderate, 2 severe
    diagnosis: np.ndarray  # int8 ACUTE_ILLNESS or 1 + the chronic condition behind the event
    conditions: np.ndarray  # uint8 bitmask held (sets the drugs of a follow-up)
    rural: np.ndarray  # bool
    tier: np.ndarray  # int8
    hospital: np.ndarray  # int16 index into the model's hospital list
    home: np.ndarray  # int16 the patient's home primary facility (index among primary ones)
    readmission: np.ndarray  # bool: a return within 30 days of an earlier admission
    transferred: np.ndarray  # bool: sent on by the hospital first chosen
    u: np.ndarray  # float32 (n, N_UNIFORMS): the episode's own uniforms

    def __len__(self) -> int:
        return int(self.person.size)

    @property
    def group(self) -> np.ndarray:
        return case_group(self.diagnosis, self.severity)

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
    """What hospitals billed for a batch of episodes, who paid it and what the hospital earned.

    Yuan at simulated scale. ``fund_pay + account_pay + protection_paid + oop`` equals the
    charges (the benefit rules and the protection layers split each bill); ``revenue`` is
    what the payment method pays the hospital, and ``settlement = revenue - charges`` is
    paid (or clawed back) by the pooled fund on top of its item-based share, so the hospital
    always receives ``revenue``.
    """

    episodes: Episodes
    los_days: np.ndarray  # float32, 0 for outpatient care
    coded_severity: np.ndarray  # int8 severity as coded (upcoding raises it)
    procedure: np.ndarray  # bool: a device (stent) was implanted
    service_charge: np.ndarray  # float64
    drug_charge: np.ndarray  # float64, at the price patients and funds pay (incl. markup)
    consumable_charge: np.ndarray  # float64
    drug_cost: np.ndarray  # float64, what the hospital paid suppliers for drugs and devices
    # Parts of an admission's charges billed outside the case (cost shifting): procedures
    # billed as a pre-admission outpatient visit, and items billed as self-paid.
    shifted_charge: np.ndarray | None = None
    self_pay_charge: np.ndarray | None = None
    readmit: np.ndarray | None = None  # bool: the patient comes back within 30 days
    in_scope: np.ndarray | None = None  # float64 charges within the policy scope
    fund_pay: np.ndarray | None = None  # pooled fund's item-based share
    account_pay: np.ndarray | None = None  # employee personal accounts
    oop: np.ndarray | None = None  # patient out of pocket
    revenue: np.ndarray | None = None  # hospital revenue as the payment method prices it
    drug_saving: np.ndarray | None = None  # tender winners' products below pre-tender prices
    # Layers beyond basic insurance (``protection``), paid out of what patients owed; None
    # where no layer exists.
    critical_illness_pay: np.ndarray | None = None
    assistance_pay: np.ndarray | None = None
    commercial_pay: np.ndarray | None = None

    @property
    def total_charge(self) -> np.ndarray:
        return self.service_charge + self.drug_charge + self.consumable_charge

    @property
    def outside_case(self) -> np.ndarray:
        """Charges of an admission billed item by item outside the case payment."""
        return self.shifted_charge + self.self_pay_charge

    @property
    def protection_paid(self) -> np.ndarray | float:
        """Paid by the layers beyond basic insurance (0 where there are none)."""
        layers = [x for x in (self.critical_illness_pay, self.assistance_pay,
                              self.commercial_pay) if x is not None]
        return sum(layers[1:], layers[0]) if layers else 0.0

    @property
    def settlement(self) -> np.ndarray:
        """Paid by the pooled fund beyond its item-based share (negative: clawed back)."""
        return self.revenue - self.total_charge

    def __len__(self) -> int:
        return len(self.episodes)

    def subset(self, where: np.ndarray) -> Claims:
        """The claims at positions ``where`` (copies)."""
        values = {f.name: getattr(self, f.name) for f in fields(self) if f.name != "episodes"}
        return Claims(episodes=self.episodes.take(where),
                      **{k: (v[where] if v is not None else None) for k, v in values.items()})
