"""Drug and consumable suppliers, and the catalogue of products they sell.

The catalogue (``model/data/medicines.csv``) lists, per molecule, one originator and one or
more generic makers with list price, unit cost, quality and capacity. A maker is a
``Supplier`` agent owning its products; it sells what hospitals order up to its capacity,
and keeps accounts.
"""

from __future__ import annotations

import csv
from dataclasses import dataclass
from importlib import resources

import mesa
import numpy as np


@dataclass(frozen=True)
class Catalogue:
    """Products as parallel arrays; ``class_products[cls] = (originator, generics)``."""

    molecule: tuple[str, ...]
    drug_class: tuple[str, ...]
    maker: tuple[str, ...]
    originator: np.ndarray
    list_price: np.ndarray  # yuan per defined daily dose (or per unit for consumables)
    unit_cost: np.ndarray
    quality: np.ndarray
    capacity_per_1000_month: np.ndarray
    classes: tuple[str, ...]
    class_products: dict[str, tuple[int, np.ndarray]]

    @property
    def n_products(self) -> int:
        return len(self.molecule)

    @classmethod
    def load(cls) -> Catalogue:
        text = resources.files("sanyi.model").joinpath("data", "medicines.csv").read_text()
        rows = list(csv.DictReader(text.splitlines()))
        classes = tuple(dict.fromkeys(r["drug_class"] for r in rows))
        originator = np.array([r["originator"] == "1" for r in rows])
        class_products = {}
        for k in classes:
            members = np.array([i for i, r in enumerate(rows) if r["drug_class"] == k])
            orig = members[originator[members]]
            if orig.size != 1:
                raise ValueError(f"medicines.csv: class {k!r} needs exactly one originator")
            class_products[k] = (int(orig[0]), members[~originator[members]])
        return cls(
            molecule=tuple(r["molecule"] for r in rows),
            drug_class=tuple(r["drug_class"] for r in rows),
            maker=tuple(r["maker"] for r in rows),
            originator=originator,
            list_price=np.array([float(r["list_price_per_ddd_yuan"]) for r in rows]),
            unit_cost=np.array([float(r["unit_cost_per_ddd_yuan"]) for r in rows]),
            quality=np.array([float(r["quality"]) for r in rows]),
            capacity_per_1000_month=np.array(
                [float(r["capacity_ddd_per_1000_persons_month"]) for r in rows]),
            classes=classes,
            class_products=class_products,
        )


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
