"""The care cascade of chronic disease: diagnosed, treated, controlled.

Most Chinese adults with hypertension or diabetes are not diagnosed, and most diagnosed ones
are not controlled (care_cascade.csv: hypertension treated 30-41 %, controlled 7-15 % of all
hypertensives; diabetes treated 33 %, controlled half of those treated). Each person carries
three bitmasks nested in the conditions held: ``aware`` ⊇ ``treated`` ⊇ ``controlled``.

Each month: unaware cases are diagnosed at a yearly check-up rate, and more often when the
person had any care that month; diagnosed cases start treatment at a yearly rate; treated
persons need a monthly follow-up (drugs), which they may forgo for cost — adherent ones reach
control, non-adherent ones lose control and may stop treatment. Only treated persons have
follow-ups. Rates per condition are in ``model/data/chronic_conditions.csv``; the multipliers
and the loss rates are behavioural parameters (``behaviour.cascade``).
"""

from __future__ import annotations

import numpy as np

from sanyi.agents.patients.disease import TABLE
from sanyi.agents.patients.population import N_CONDITIONS, PatientPopulation
from sanyi.model.config import CascadeConfig
from sanyi.model.streams import Streams

_BIT = (1 << np.arange(N_CONDITIONS)).astype(np.uint8)


def _monthly(rate_per_year: np.ndarray) -> np.ndarray:
    return 1 - np.exp(-rate_per_year / 12)


def _bits_below(u: np.ndarray, probability: np.ndarray, eligible: np.ndarray) -> np.ndarray:
    """Bitmask of the eligible conditions whose probability exceeds the person's uniform.

    One uniform per person serves all conditions: a check-up that finds one condition tends
    to find others, which is how screening works.
    """
    hit = (u[:, None] < probability) & ((eligible[:, None] & _BIT) > 0)
    return (hit * _BIT).sum(axis=1).astype(np.uint8)


class CareCascade:
    """Monthly diagnosis, start of treatment, control and discontinuation."""

    def __init__(self, cfg: CascadeConfig, streams: Streams) -> None:
        self.cfg = cfg
        self.streams = streams
        self.check_up = _monthly(TABLE.detection_per_year * cfg.detection_multiplier)
        self.at_visit = np.minimum(TABLE.detection_per_visit * cfg.detection_multiplier, 1.0)
        self.start = _monthly(TABLE.initiation_per_year * cfg.initiation_multiplier)
        self.gain = np.minimum(TABLE.control_gain_per_month * cfg.control_gain_multiplier, 1.0)

    def diagnose(self, pop: PatientPopulation, seen: np.ndarray) -> None:
        """Unaware cases found at check-ups, or during the month's care of ``seen`` persons."""
        unaware = pop.conditions & ~pop.aware
        cand = np.flatnonzero(pop.alive & (unaware > 0))
        if cand.size == 0:
            return
        had_care = np.zeros(pop.capacity, dtype=bool)
        had_care[seen] = True
        p = self.check_up + had_care[cand, None] * self.at_visit
        u = self.streams.diagnosis.rng.random(cand.size, dtype=np.float32)
        pop.aware[cand] |= _bits_below(u, p, unaware[cand])

    def initiate(self, pop: PatientPopulation) -> None:
        """Diagnosed, untreated cases start treatment."""
        untreated = pop.aware & ~pop.treated
        cand = np.flatnonzero(pop.alive & (untreated > 0))
        if cand.size == 0:
            return
        u = self.streams.initiation.rng.random(cand.size, dtype=np.float32)
        pop.treated[cand] |= _bits_below(u, self.start, untreated[cand])

    def follow_up(self, pop: PatientPopulation, adherent: np.ndarray, u: np.ndarray) -> None:
        """Adherent treated persons gain control; the others lose it and may stop treatment.

        ``u`` is one uniform per slot: its low end decides gains and losses of control, its
        high end discontinuation, so the two are not the same event.
        """
        cfg = self.cfg
        treated = pop.alive & (pop.treated > 0)
        keep = treated & adherent
        lapse = treated & ~adherent
        idx = np.flatnonzero(keep)
        uncontrolled = pop.treated[idx] & ~pop.controlled[idx]
        pop.controlled[idx] |= _bits_below(u[idx], self.gain, uncontrolled)
        fails = idx[u[idx] > 1 - cfg.control_loss_adherent_per_month]
        pop.controlled[fails] = 0
        lost = np.flatnonzero(lapse & (u < cfg.control_loss_per_month))
        pop.controlled[lost] = 0
        stop = np.flatnonzero(lapse & (u > 1 - cfg.discontinuation_per_month))
        pop.treated[stop] = 0
        pop.controlled[stop] = 0

    def go_without(self, pop: PatientPopulation, person: np.ndarray, bit: np.ndarray,
                   u: np.ndarray) -> None:
        """Patients who went without a month of a condition's drug (a shortage) may lose
        control of that condition, as if they had skipped the follow-up."""
        lose = u[person] < self.cfg.control_loss_per_month
        keep = ~np.left_shift(1, bit[lose]).astype(pop.controlled.dtype)
        np.bitwise_and.at(pop.controlled, person[lose], keep)  # a person may miss two drugs
