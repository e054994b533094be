"""Payment methods: how hospitals earn revenue for the claims they bill.

Each method is one class behind the ``PaymentMethod`` protocol; hospitals and funds call the
protocol, never a method's name. Fee-for-service is here; prospective methods (DRG, DIP,
global budget, capitation, per-diem, mixed) plug in behind the same two calls.
"""

from __future__ import annotations

from typing import Protocol

import numpy as np

from sanyi.model.batches import Claims
from sanyi.model.config import PaymentConfig


class PaymentMethod(Protocol):
    name: str

    def hospital_revenue(self, claims: Claims) -> np.ndarray:
        """What the hospital earns for each claim (paid by the fund and the patient)."""

    def year_end_adjustment(self, hospital_ids: np.ndarray) -> np.ndarray:
        """Settlement paid (+) or clawed back (-) per hospital at year end, yuan simulated."""


class FeeForService:
    """Hospitals earn the price schedule for every service, drug and consumable billed."""

    name = "ffs"

    def __init__(self, cfg: PaymentConfig) -> None:
        self.cfg = cfg

    def hospital_revenue(self, claims: Claims) -> np.ndarray:
        return claims.total_charge

    def year_end_adjustment(self, hospital_ids: np.ndarray) -> np.ndarray:
        return np.zeros(hospital_ids.size)
