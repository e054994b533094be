"""Procurement policy: how hospitals' purchase prices of drugs and consumables are set.

``none`` leaves hospitals buying every product at its list price. Volume-based procurement
(tenders with agreed volumes) plugs in behind the same protocol.
"""

from __future__ import annotations

from typing import Protocol

import numpy as np

from sanyi.model.config import ProcurementConfig


class ProcurementPolicy(Protocol):
    name: str

    def tender(self, year: int, list_price: np.ndarray, unit_cost: np.ndarray) -> np.ndarray:
        """Purchase price of each product for the year (after any tender)."""

    def winners(self) -> np.ndarray:
        """Boolean per product: chosen in a tender (none without procurement)."""


class NoProcurement:
    """No tenders: hospitals buy at list prices."""

    Config = ProcurementConfig

    name = "none"

    def __init__(self, cfg: ProcurementConfig, n_products: int) -> None:
        self.cfg = cfg
        self._winners = np.zeros(n_products, dtype=bool)

    def tender(self, year: int, list_price: np.ndarray, unit_cost: np.ndarray) -> np.ndarray:
        return list_price.copy()

    def winners(self) -> np.ndarray:
        return self._winners
