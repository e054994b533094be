"""Drug and consumable suppliers: makers selling their products to hospitals.

A maker is a ``Supplier`` agent owning some products of the catalogue
(``sanyi.model.medicines``); it sells what hospitals order up to its capacity, and keeps
accounts.
"""

from __future__ import annotations

import mesa
import numpy as np


class Supplier(mesa.Agent):
    """A maker selling its products to hospitals at the going purchase price."""

    def __init__(self, model: mesa.Model, name: str, products: np.ndarray,
                 capacity_per_month: np.ndarray) -> None:
        super().__init__(model)
        self.name = name
        self.products = products
        self.capacity_per_month = capacity_per_month  # units per product, simulated scale
        self.revenue_month = 0.0
        self.cost_month = 0.0
        self.shortage_units_month = 0.0
        self.revenue_year = 0.0
        self.profit_year = 0.0

    def sell(self, ordered: np.ndarray, price: np.ndarray, unit_cost: np.ndarray) -> np.ndarray:
        """Fill this month's orders of the supplier's products (units per product).

        Orders above capacity are recorded as a shortage; hospitals still dispense from
        stock (substitution between makers is not modelled yet).
        """
        mine = ordered[self.products]
        self.shortage_units_month = float(np.maximum(mine - self.capacity_per_month, 0).sum())
        self.revenue_month = float(mine @ price[self.products])
        self.cost_month = float(mine @ unit_cost[self.products])
        self.revenue_year += self.revenue_month
        self.profit_year += self.revenue_month - self.cost_month
        return mine

    def close_year(self) -> None:
        self.revenue_year = 0.0
        self.profit_year = 0.0
