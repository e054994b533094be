"""The medicines market: one state of products, prices, contracts and supply.

Every reader — hospitals prescribing, the pharmacy filling prescriptions, the tariff, the
procurement agency and the suppliers — reads products from this one object. Products are
rows of parallel arrays with stable indices: a supplier that leaves deactivates its rows and
an entrant activates a row reserved for it, so no index ever moves. Suppliers are addressed
by id (``supplier``), not by position in a list.

The catalogue is ``model/data/vbp_catalogue.csv`` (molecules of the national volume-based
procurement rounds, their originator and generic makers; docs/medicines_data.md) plus, per
drug class, one untendered substitute product (``model/data/untendered_substitutes.csv``): the
class's molecules that were never tendered, sold by a competitive fringe of makers. Money is
in yuan of the pricing policy's price year (``pricing.price_year``) and indexed to the year.
"""

from __future__ import annotations

import csv
import re
from dataclasses import dataclass, field
from importlib import resources

import numpy as np

FRINGE = "untendered makers (fringe)"
ENTRANT_SLOTS_PER_MOLECULE = 2  # rows reserved for generic makers that may enter later


def _rows(name: str) -> list[dict[str, str]]:
    text = resources.files("sanyi.model").joinpath("data", name).read_text(encoding="utf-8")
    return list(csv.DictReader(text.splitlines()))


def company(maker: str, molecule: str) -> str:
    """The supplier a catalogue row belongs to: a real maker's company name (one company may
    make several molecules), or a placeholder maker of this molecule alone."""
    if "name not sourced" in maker:
        return f"{maker.split(' (')[0]} of {molecule}"
    return re.sub(r"\s*\(.*\)$", "", maker).strip()


@dataclass
class Market:
    """Products × (price, winner, active, supplier) and molecules × (contract, agreed share).

    Static per product: ``molecule``, ``drug_class``, ``supplier`` (id), ``originator``,
    ``device``, ``fringe`` (the untendered substitute of its class), ``list_price`` and
    ``unit_cost`` (price year), ``capacity_share`` (the most a maker can deliver, as a share
    of its molecule's volume when the market is sized). Dynamic: ``active``, ``qualified``
    (may bid), ``price`` (this year's purchase price, current yuan), ``winner``,
    ``capacity`` (units a month, simulated scale), ``supply_factor`` (the share of capacity
    a supplier delivers: below one when it sells at a loss) and ``volume_share_floor`` (a
    winner keeps capacity for at least this share of its molecule's volume). Per molecule:
    ``agreed_share`` of its reference volume committed to the winners, ``contract_end``
    (last year of the contract, 0 without one), ``reference_price`` (the molecule's mean price
    before its first tender, price-year yuan: savings are measured against it).
    """

    classes: tuple[str, ...]
    molecules: tuple[str, ...]
    molecule_class: np.ndarray
    molecule_round: tuple[str, ...]  # first national round ('' for untendered substitutes)
    molecule_weight: np.ndarray  # share of its class's doses before any tender
    supplier_names: tuple[str, ...]
    molecule: np.ndarray
    drug_class: np.ndarray
    supplier: np.ndarray
    originator: np.ndarray
    device: np.ndarray
    fringe: np.ndarray
    entrant: np.ndarray
    list_price: np.ndarray
    unit_cost: np.ndarray
    capacity_share: np.ndarray
    active: np.ndarray
    qualified: np.ndarray
    price: np.ndarray = field(init=False)
    winner: np.ndarray = field(init=False)
    capacity: np.ndarray = field(init=False)
    supply_factor: np.ndarray = field(init=False)
    volume_share_floor: np.ndarray = field(init=False)
    agreed_share: np.ndarray = field(init=False)
    contract_end: np.ndarray = field(init=False)
    reference_price: np.ndarray = field(init=False)

    def __post_init__(self) -> None:
        n, m = self.n_products, len(self.molecules)
        self.price = self.list_price.copy()
        self.winner = np.zeros(n, dtype=bool)
        self.capacity = np.full(n, np.nan)  # sized on the first month's orders
        self.supply_factor = np.ones(n)
        self.volume_share_floor = np.zeros(n)  # winners plan capacity for this share of volume
        self.agreed_share = np.zeros(m)
        self.contract_end = np.zeros(m, dtype=np.int64)
        self.reference_price = np.full(m, np.nan)
        self.class_products = [np.flatnonzero(self.drug_class == c) for c in range(len(self.classes))]
        self.molecule_products = [np.flatnonzero(self.molecule == k) for k in range(m)]

    @property
    def n_products(self) -> int:
        return self.molecule.size

    @property
    def n_suppliers(self) -> int:
        return len(self.supplier_names)

    def class_index(self, name: str) -> int:
        return self.classes.index(name)

    def fringe_of_class(self) -> np.ndarray:
        """The untendered substitute product of each class."""
        out = np.full(len(self.classes), -1)
        out[self.drug_class[self.fringe]] = np.flatnonzero(self.fringe)
        return out

    def deliverable(self, ordered: np.ndarray) -> np.ndarray:
        """Units each product's maker can deliver this month (0 for inactive products). The
        competitive fringe supplies whatever is asked, or ``supply_factor`` of the month's
        orders when it sells at a loss."""
        makers = self.capacity * self.supply_factor
        fringe = np.where(self.supply_factor < 1, self.supply_factor * ordered, np.inf)
        return np.where(self.active, np.where(self.fringe, fringe, makers), 0.0)

    def under_contract(self, year: int) -> np.ndarray:
        """Per molecule: a tender contract runs this year."""
        return self.contract_end >= year

    @classmethod
    def load(cls, catalogue: list[dict[str, str]] | None = None) -> Market:
        """The catalogue (the built-in one, or a user's checked rows), the untendered
        substitutes and the entrant rows, as one market."""
        rows = catalogue if catalogue is not None else _rows("vbp_catalogue.csv")
        substitutes = {r["drug_class"]: r for r in _rows("untendered_substitutes.csv")}
        classes = tuple(dict.fromkeys(r["drug_class"] for r in rows))
        molecules = tuple(dict.fromkeys(r["molecule"] for r in rows))
        products = [_catalogue_product(r) for r in rows]
        products += [_entrant(molecule, [p for p in products if p["molecule"] == molecule], k)
                     for molecule in molecules for k in range(ENTRANT_SLOTS_PER_MOLECULE)]
        weights, rounds = _molecule_weights(rows, molecules, substitutes)
        for c in classes:
            products.append(_substitute(c, substitutes[c], [p for p in products
                                                             if p["drug_class"] == c]))
            weights[f"untendered {c}"] = float(substitutes[c]["untendered_volume_share"])
            rounds[f"untendered {c}"] = ""
        return cls._from_products(classes, products, weights, rounds)

    @classmethod
    def _from_products(cls, classes: tuple[str, ...], products: list[dict], weights: dict,
                       rounds: dict) -> Market:
        molecules = tuple(dict.fromkeys(p["molecule"] for p in products))
        suppliers = tuple(dict.fromkeys(p["supplier"] for p in products))

        def column(key: str, dtype=float) -> np.ndarray:
            return np.array([p[key] for p in products], dtype=dtype)

        molecule_class = np.array([classes.index(next(p["drug_class"] for p in products
                                                      if p["molecule"] == m)) for m in molecules])
        return cls(
            classes=classes, molecules=molecules, molecule_class=molecule_class,
            molecule_round=tuple(rounds[m] for m in molecules),
            molecule_weight=np.array([weights[m] for m in molecules]),
            supplier_names=suppliers,
            molecule=np.array([molecules.index(p["molecule"]) for p in products]),
            drug_class=np.array([classes.index(p["drug_class"]) for p in products]),
            supplier=np.array([suppliers.index(p["supplier"]) for p in products]),
            originator=column("originator", bool), device=column("device", bool),
            fringe=column("fringe", bool), entrant=column("entrant", bool),
            list_price=column("list_price"), unit_cost=column("unit_cost"),
            capacity_share=column("capacity_share"), active=column("active", bool),
            qualified=column("qualified", bool),
        )


def _catalogue_product(r: dict[str, str]) -> dict:
    demand = float(r["demand_units_per_1000_persons_month"])
    return {
        "molecule": r["molecule"], "drug_class": r["drug_class"],
        "supplier": company(r["maker"], r["molecule"]), "originator": r["originator"] == "1",
        "device": r["unit"] == "device", "fringe": False, "entrant": False,
        "list_price": float(r["list_price_yuan"]), "unit_cost": float(r["unit_cost_yuan"]),
        "capacity_share": float(r["capacity_units_per_1000_persons_month"]) / demand,
        "active": True, "qualified": r["consistency_evaluated"] == "1",
    }


def _entrant(molecule: str, makers: list[dict], k: int) -> dict:
    """A reserved row for a generic maker that may enter the molecule later: the cheapest
    generic's cost and list price, the generics' mean capacity share; not yet qualified."""
    generics = [p for p in makers if not p["originator"]] or makers
    return {
        **generics[0], "supplier": f"entrant {k + 1} of {molecule}", "originator": False,
        "entrant": True, "active": False, "qualified": False,
        "list_price": min(p["list_price"] for p in generics),
        "unit_cost": min(p["unit_cost"] for p in generics),
        "capacity_share": float(np.mean([p["capacity_share"] for p in generics])),
    }


def _substitute(drug_class: str, row: dict[str, str], products: list[dict]) -> dict:
    """The class's untendered molecules as one product of the competitive fringe, priced at
    the class's mean pre-tender list price times ``price_factor``."""
    listed = [p["list_price"] for p in products if not p["entrant"]]
    price = float(np.mean(listed)) * float(row["price_factor"])
    return {
        "molecule": f"untendered {drug_class}", "drug_class": drug_class, "supplier": FRINGE,
        "originator": False, "device": products[0]["device"], "fringe": True, "entrant": False,
        "list_price": price, "unit_cost": price * float(row["unit_cost_share"]),
        "capacity_share": float(row["capacity_share"]), "active": True, "qualified": False,
    }


def _molecule_weights(rows: list[dict[str, str]], molecules: tuple[str, ...],
                      substitutes: dict[str, dict[str, str]]) -> tuple[dict, dict]:
    """Each tendered molecule's share of its class's doses: the catalogue's demand, scaled so
    that the class's tendered molecules share ``1 - untendered_volume_share``."""
    demand = {r["molecule"]: float(r["demand_units_per_1000_persons_month"]) for r in rows}
    klass = {r["molecule"]: r["drug_class"] for r in rows}
    weights = {}
    for m in molecules:
        same = [d for k, d in demand.items() if klass[k] == klass[m]]
        tendered = 1 - float(substitutes[klass[m]]["untendered_volume_share"])
        weights[m] = tendered * demand[m] / sum(same)
    rounds = {r["molecule"]: r["vbp_round"] for r in rows}
    return weights, rounds


def catalogue_vocabulary() -> tuple[tuple[str, ...], tuple[str, ...]]:
    """The drug classes the model prescribes from and the national rounds it knows: what a
    user's catalogue may name."""
    classes = tuple(r["drug_class"] for r in _rows("untendered_substitutes.csv"))
    rounds = tuple(r["round"] for r in _rows("vbp_rounds.csv"))
    return classes, rounds
