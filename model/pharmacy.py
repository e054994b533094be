"""The pharmacy phase: prescriptions filled from what suppliers can deliver.

After the hospitals have treated the month's episodes, every drug and device an episode needs
becomes a prescription *line* (episode, class, units): the acute class for admissions and
acute visits (doses per bed-day or per visit, times the hospital's drug volume), a month of
the class of each chronic condition at a follow-up, a stent for a coronary procedure. Each
line gets a product by the hospital's prescribing shares and the episode's own uniform.
Suppliers deliver up to their capacity: when a product's orders exceed what its maker can
deliver, it fills lines in the order of each episode's own uniform until its deliveries run
out; the lines left switch to the class's untendered substitute with probability
``substitution_share`` or go without. Dispensing never
exceeds deliveries. All of it is vectorised over lines; no Python loop touches a person.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from sanyi.agents.patients.disease import TABLE
from sanyi.model.batches import CHRONIC_VISIT, U_GENERIC, U_ORIGINATOR, U_SUPPLY, Claims
from sanyi.model.market import Market
from sanyi.model.tariff import CHRONIC_DRUG_DAYS_PER_MONTH, Tariff


@dataclass
class Lines:
    """Prescription lines of the month: one per (episode, class) needed."""

    episode: np.ndarray  # int64 index into the month's claims
    drug_class: np.ndarray  # int64
    units: np.ndarray  # float64 doses (or devices)
    condition_bit: np.ndarray  # int64 the chronic condition treated (-1: acute or device)
    u_pick: np.ndarray  # float32 the uniform that picks the product
    u_supply: np.ndarray  # float32 the order in which a short product's lines are filled
    u_switch: np.ndarray  # float32 whether an unfilled line switches to the substitute


@dataclass
class Dispensed:
    """What the pharmacy filled: per line, and the month's totals by product."""

    lines: Lines
    prescribed: np.ndarray  # product first prescribed, per line
    product: np.ndarray  # product dispensed per line (-1: went without)
    ordered: np.ndarray  # units prescribed per product
    delivered: np.ndarray  # units delivered per product
    deliverable: np.ndarray  # units the makers could deliver per product

    @property
    def filled(self) -> np.ndarray:
        return self.product >= 0

    @property
    def short_units(self) -> float:
        """Units not dispensed as first prescribed (switched or gone without)."""
        return float(self.lines.units[self.product != self.prescribed].sum())

    @property
    def forgone_units(self) -> float:
        return float(self.lines.units[~self.filled].sum())


def prescription_lines(claims: Claims, tariff: Tariff, market: Market,
                       drug_volume: np.ndarray) -> Lines:
    """Every (episode, class) a month's claims need: acute drugs, chronic drugs, stents."""
    e = claims.episodes
    acute = np.flatnonzero(e.kind != CHRONIC_VISIT)
    acute_units = tariff.acute_drug_units(e.kind[acute], claims.los_days[acute]) * (
        drug_volume[e.hospital[acute]])
    parts = [(acute, np.full(acute.size, market.class_index(tariff.acute_class_name)),
              acute_units, np.full(acute.size, -1), U_GENERIC, U_ORIGINATOR)]
    chronic = np.flatnonzero(e.kind == CHRONIC_VISIT)
    held = e.conditions[chronic]
    for bit, cls in enumerate(TABLE.drug_class):
        who = chronic[(held >> bit) & 1 == 1]
        parts.append((who, np.full(who.size, market.class_index(cls)),
                      np.full(who.size, CHRONIC_DRUG_DAYS_PER_MONTH), np.full(who.size, bit),
                      U_GENERIC, U_ORIGINATOR))
    stent = np.flatnonzero(claims.procedure)
    parts.append((stent, np.full(stent.size, market.class_index("stent")),
                  np.ones(stent.size), np.full(stent.size, -1), U_ORIGINATOR, U_GENERIC))
    episode = np.concatenate([p[0] for p in parts])
    keep = np.concatenate([p[2] for p in parts]) > 0
    u_pick = np.concatenate([e.u[p[0], p[4]] for p in parts])
    u_switch = np.concatenate([e.u[p[0], p[5]] for p in parts])
    return Lines(episode=episode[keep],
                 drug_class=np.concatenate([p[1] for p in parts])[keep],
                 units=np.concatenate([p[2] for p in parts])[keep],
                 condition_bit=np.concatenate([p[3] for p in parts])[keep],
                 u_pick=u_pick[keep], u_supply=e.u[episode[keep], U_SUPPLY],
                 u_switch=u_switch[keep])


@dataclass(frozen=True)
class PickTable:
    """Every hospital's prescribing shares as one sorted key array, so that the product of
    every line of the month is found by a single ``searchsorted``: segment ``(hospital,
    class)`` holds ``segment + cumulative share`` over the class's products."""

    keys: np.ndarray  # float64, increasing
    products: np.ndarray  # the product at each key
    n_classes: int

    @classmethod
    def build(cls, shares: np.ndarray, market: Market) -> PickTable:
        """``shares`` is (hospitals, products): each product's share of its class's doses."""
        keys, products = [], []
        n_classes = len(market.class_products)
        for h in range(shares.shape[0]):
            for c, members in enumerate(market.class_products):
                cdf = np.cumsum(shares[h, members])
                cdf = cdf / cdf[-1] if cdf[-1] > 0 else np.linspace(0, 1, members.size + 1)[1:]
                cdf[-1] = 1.0
                keys.append(h * n_classes + c + np.minimum(cdf, 1.0))
                products.append(members)
        return cls(np.concatenate(keys), np.concatenate(products), n_classes)

    def pick(self, hospital: np.ndarray, drug_class: np.ndarray, u: np.ndarray) -> np.ndarray:
        """The product at each line's uniform within its hospital's class segment."""
        u = np.minimum(u.astype(np.float64), np.nextafter(1.0, 0.0))
        key = hospital * self.n_classes + drug_class + u
        return self.products[np.searchsorted(self.keys, key, side="right")]


def prescribe(lines: Lines, hospital: np.ndarray, table: PickTable) -> np.ndarray:
    """The product of each line: the hospital's shares of the line's class, inverted at the
    line's uniform."""
    return table.pick(hospital[lines.episode].astype(np.int64), lines.drug_class, lines.u_pick)


def ration(product: np.ndarray, units: np.ndarray, u: np.ndarray,
           room: np.ndarray) -> np.ndarray:
    """Which lines a product's maker fills: in the order of the lines' own uniforms, as long
    as the units add up to no more than ``room`` (per product). Lines with product -1 are
    not filled."""
    asked = product >= 0
    demand = np.bincount(product[asked], units[asked], minlength=room.size)
    short = demand > room * (1 + 1e-12)
    filled = asked & ~short[np.where(asked, product, 0)]  # enough for every line
    idx = np.flatnonzero(asked & ~filled)
    if idx.size == 0:
        return filled
    order = idx[np.lexsort((u[idx], product[idx]))]
    p = product[order]
    total = np.cumsum(units[order])
    first = np.r_[0, np.flatnonzero(p[1:] != p[:-1]) + 1]
    before = np.repeat(total[first] - units[order][first], np.diff(np.r_[first, p.size]))
    filled[order] = total - before <= room[p] * (1 + 1e-12)
    return filled


def dispense(lines: Lines, prescribed: np.ndarray, market: Market,
             substitution_share: float) -> Dispensed:
    """Fill the lines from what makers can deliver; short lines switch or go without."""
    n = market.n_products
    ordered = np.bincount(prescribed, weights=lines.units, minlength=n)
    market_size_capacity(market, ordered)
    deliverable = market.deliverable(ordered)
    u = lines.u_supply
    served = ration(prescribed, lines.units, u, deliverable)
    product = np.where(served, prescribed, -1)
    substitute = market.fringe_of_class()[lines.drug_class]
    switching = (~served & (prescribed != substitute)
                 & (lines.u_switch < substitution_share))
    if switching.any():
        used = np.bincount(product[served], weights=lines.units[served], minlength=n)
        room = np.maximum(deliverable - used, 0.0)
        second = ration(np.where(switching, substitute, -1), lines.units, u, room)
        product[second] = substitute[second]
    filled = product >= 0
    delivered = np.bincount(product[filled], weights=lines.units[filled], minlength=n)
    return Dispensed(lines, prescribed, product, ordered, delivered, deliverable)


def market_size_capacity(market: Market, ordered: np.ndarray) -> None:
    """A product on the market gets its capacity the first month its molecule is ordered:
    ``capacity_share`` of the molecule's orders (the makers as they were; suppliers resize to
    their own volume at each year's end), or a winner's planned share if larger. The fringe
    has no capacity limit (``Market.deliverable``)."""
    m = market
    unsized = np.isnan(m.capacity) & m.active & ~m.fringe
    if not unsized.any():
        return
    molecule_orders = np.bincount(m.molecule, weights=ordered, minlength=len(m.molecules))
    size_now = unsized & (molecule_orders[m.molecule] > 0)
    share = np.maximum(m.capacity_share, m.volume_share_floor)[size_now]
    m.capacity[size_now] = with_margin(share * molecule_orders[m.molecule[size_now]])


def with_margin(units: np.ndarray) -> np.ndarray:
    """Capacity for a planned monthly volume, with room for three standard deviations of
    Poisson noise (it matters for rare items such as stents in a small population)."""
    return units + 3.0 * np.sqrt(units)
