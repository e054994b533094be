"""A payment method written outside the package, selected with ``payment._target_``.

It is the example of ``docs/payment.md``: hospitals are paid a share of the charges of
outpatient visits (and the full charges of everything else).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from sanyi.model.batches import ADMISSION, Claims
from sanyi.model.config import PaymentConfig, probability
from sanyi.model.policies.payment import Method


@dataclass
class HalfPricedVisitsConfig(PaymentConfig):
    _target_: str = "tests.example_method.HalfPricedVisits"
    name: str = "half_priced_visits"
    share: float = probability(0.5)  # share of a visit's charges the hospital earns


class HalfPricedVisits(Method):
    """Outpatient visits earn ``share`` of their charges; admissions are fee-for-service."""

    Config = HalfPricedVisitsConfig
    learns_from_history = False

    def _price(self, claims: Claims, year: int) -> np.ndarray:
        visit = claims.episodes.kind != ADMISSION
        return np.where(visit, self.cfg.share, 1.0) * claims.total_charge
