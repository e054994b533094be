"""The medicines market: the catalogue of products and their makers.

The catalogue (``model/data/medicines.csv``) lists, per molecule, one originator and one or
more generic makers with list price, unit cost, quality and capacity. Hospitals, the tariff,
the procurement agency and suppliers all read products from here; suppliers are addressed
by maker.
"""

from __future__ import annotations

import csv
from dataclasses import dataclass
from importlib import resources

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
