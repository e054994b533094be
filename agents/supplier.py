"""Drug and device suppliers: makers selling their products to hospitals.

A ``Supplier`` owns some rows of the market (``sanyi.model.market``) and is addressed by its
id there. It delivers what hospitals order up to its capacity — less when a product sells
under its unit cost — keeps accounts, sizes its capacity to the demand it expects, withdraws
products that keep losing money once no contract binds it, and has exited when none is left.
How it bids is in ``sanyi.model.tender``; what it expects to keep if it loses a tender is the
market's ``expected_loser_retention``, learned from earlier rounds (``learn``).

The competitive fringe (the untendered substitutes) is one non-strategic supplier: it never
bids and never exits, but it too delivers less when selling under cost.
"""

from __future__ import annotations

from dataclasses import dataclass

import mesa
import numpy as np

from sanyi.model.config import SupplierBehaviourConfig
from sanyi.model.market import Market
from sanyi.model.pharmacy import with_margin


@dataclass
class SupplierYear:
    """A supplier's tallies of the calendar year, per product it owns (simulated scale)."""

    units: np.ndarray
    revenue: np.ndarray
    variable_cost: np.ndarray
    fixed_cost: np.ndarray
    peak_units: np.ndarray  # the busiest month's units

    @classmethod
    def blank(cls, n: int) -> SupplierYear:
        return cls(*(np.zeros(n) for _ in range(5)))

    @property
    def profit(self) -> np.ndarray:
        return self.revenue - self.variable_cost - self.fixed_cost


class Supplier(mesa.Agent):
    """A maker: its products, accounts, capacity, and whether it is still in the market."""

    def __init__(self, model: mesa.Model, supplier_id: int, name: str, market: Market,
                 behaviour: SupplierBehaviourConfig) -> None:
        super().__init__(model)
        self.supplier_id = supplier_id
        self.name = name
        self.market = market
        self.behaviour = behaviour
        self.products = np.flatnonzero(market.supplier == supplier_id)
        self.fringe = bool(market.fringe[self.products].all())
        self.loss_years = np.zeros(self.products.size, dtype=np.int64)
        self.year = SupplierYear.blank(self.products.size)
        self.exited_in: int | None = None
        self.was_in_market = self.in_market  # entrants' reserved rows start outside
        self.revenue_month = 0.0

    @property
    def in_market(self) -> bool:
        return bool(self.market.active[self.products].any())

    # -- a month ------------------------------------------------------------------------
    def sell(self, units: np.ndarray, unit_cost: np.ndarray) -> None:
        """Book this month's deliveries of the supplier's products (units per product, all
        products of the market) at the market's purchase prices."""
        mine, price = units[self.products], self.market.price[self.products]
        capacity = np.nan_to_num(self.market.capacity[self.products])
        y = self.year
        y.units += mine
        y.revenue += mine * price
        y.variable_cost += mine * unit_cost[self.products]
        y.fixed_cost += np.where(self.market.active[self.products],
                                 self.behaviour.fixed_cost_share * unit_cost[self.products]
                                 * capacity, 0.0)
        y.peak_units = np.maximum(y.peak_units, mine)
        self.revenue_month = float(mine @ price)

    def set_supply(self, unit_cost: np.ndarray) -> None:
        """A product sold under its unit cost is delivered at ``loss_supply_share`` of
        capacity (the maker limits its losses); otherwise in full."""
        p = self.products
        losing = self.market.price[p] < unit_cost[p]
        self.market.supply_factor[p] = np.where(losing, self.behaviour.loss_supply_share, 1.0)

    # -- a year -------------------------------------------------------------------------
    def close_year(self, year: int, unit_cost: np.ndarray, expected_units: np.ndarray) -> dict:
        """Resize capacity, withdraw products that keep losing money off contract, and return
        the year's row for suppliers.parquet (before the tallies reset)."""
        m, p, y = self.market, self.products, self.year
        row = self.row(year)
        self.loss_years = np.where(y.profit < 0, self.loss_years + 1, 0)
        contracted = m.winner[p] & m.under_contract(year + 1)[m.molecule[p]]
        if not self.fringe:
            leave = (m.active[p] & ~contracted
                     & (self.loss_years >= self.behaviour.exit_after_loss_years))
            m.active[p[leave]] = False
            m.winner[p[leave]] = False
        self._resize(unit_cost, expected_units)
        if self.exited_in is None and self.was_in_market and not self.in_market:
            self.exited_in = year
        self.year = SupplierYear.blank(p.size)
        return row

    def _resize(self, unit_cost: np.ndarray, expected_units: np.ndarray) -> None:
        """Capacity for next year: ``capacity_headroom`` above the busiest month or the
        expected monthly volume, whichever is larger (plus Poisson noise). A product selling
        under its unit cost gets no new capacity. The fringe needs none."""
        m, p = self.market, self.products
        wanted = with_margin((1 + self.behaviour.capacity_headroom)
                             * np.maximum(self.year.peak_units, expected_units[p]))
        sized = ~np.isnan(m.capacity[p]) & m.active[p] & (wanted > 0) & ~m.fringe[p]
        losing = m.price[p] < unit_cost[p]
        m.capacity[p[sized]] = np.where(losing[sized],
                                        np.minimum(m.capacity[p[sized]], wanted[sized]),
                                        wanted[sized])

    def row(self, year: int) -> dict:
        """This year's figures (simulated scale; the model scales money and units)."""
        m, p, y = self.market, self.products, self.year
        used = np.nansum(m.capacity[p]) * 12
        return {
            "year": year, "supplier": self.supplier_id, "name": self.name,
            "fringe": self.fringe, "products": int(m.active[p].sum()),
            "winning_products": int((m.winner[p] & m.active[p]).sum()),
            "units": float(y.units.sum()), "revenue_yuan": float(y.revenue.sum()),
            "variable_cost_yuan": float(y.variable_cost.sum()),
            "fixed_cost_yuan": float(y.fixed_cost.sum()), "profit_yuan": float(y.profit.sum()),
            "margin": float(y.profit.sum() / y.revenue.sum()) if y.revenue.sum() > 0 else np.nan,
            "capacity_used": float(y.units.sum() / used) if used > 0 else np.nan,
            "exited": self.exited_in is not None,
        }

    def enter(self, product: int, year: int, qualification_years: int) -> None:
        """An entrant starts selling ``product`` next year; it may bid once qualified."""
        self.market.active[product] = True
        self.was_in_market = True
        self.entry_year = year + 1
        self.qualifies_in = year + 1 + qualification_years

    def start_year(self, year: int) -> None:
        """An entrant passes the consistency evaluation after its qualification years."""
        if getattr(self, "qualifies_in", None) == year:
            self.market.qualified[self.products] = True


def learn(belief: float, observed: float | None, rate: float) -> float:
    """Makers' expected share of volume kept after losing a tender, moved toward what losers
    really kept in the last round (no observation: unchanged)."""
    if observed is None or not np.isfinite(observed):
        return belief
    return belief + rate * (observed - belief)
