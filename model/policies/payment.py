"""Payment methods: what hospitals earn for the claims they bill.

Each method is one class behind the ``PaymentMethod`` protocol; the model's settlement phase
calls the protocol, never a method's name. Patients pay their item-based share of every bill
whatever the method (as in China); the pooled fund pays the hospital the method's price minus
what patients paid, and the difference from its own item-based share is booked as the
settlement difference (``Claims.settlement``). Year-end settlements (DIP point values, global
budgets) are booked as their own flow.
"""

from __future__ import annotations

from typing import Protocol

import numpy as np

from sanyi.model.batches import Claims
from sanyi.model.config import PaymentConfig


class PaymentMethod(Protocol):
    cfg: PaymentConfig

    def price(self, claims: Claims, year: int) -> np.ndarray:
        """Hospital revenue for each claim of the month."""

    def year_end(self, year: int, n_hospitals: int) -> np.ndarray:
        """Settlement paid (+) or clawed back (-) at year end, shape (2 funds, hospitals)."""


class FeeForService:
    """Hospitals earn the price schedule for every service, drug and consumable billed."""

    Config = PaymentConfig

    def __init__(self, cfg: PaymentConfig) -> None:
        self.cfg = cfg

    def price(self, claims: Claims, year: int) -> np.ndarray:
        return claims.total_charge

    def year_end(self, year: int, n_hospitals: int) -> np.ndarray:
        return np.zeros((2, n_hospitals))
