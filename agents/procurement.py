"""The procurement agency: sets the year's purchase prices and runs the tenders that are due.

Each January it indexes list prices to the year (capped by the pricing policy's price cap),
runs the tenders the procurement policy schedules — a molecule's first round, or a renewal
when its contract has ended — and writes the outcome into the market: winners, their bid as
the price for the contract's years, the agreed share of the molecule's reported volume and
the contract's last year. A run that starts after some rounds took place replays them first,
so the market starts from the contracts history left.
"""

from __future__ import annotations

from dataclasses import dataclass

import mesa
import numpy as np

from sanyi.model.market import Market
from sanyi.model.pharmacy import with_margin
from sanyi.model.tender import Bidders, bids, select


@dataclass
class TenderResult:
    """One molecule's tender (bids.csv of the run has a row per bid)."""

    year: int
    molecule: int
    renewal: bool
    ceiling: float
    makers: np.ndarray  # the molecule's products on the market at the tender
    shares_before: np.ndarray  # their shares of the molecule's volume before it
    products: np.ndarray  # the bidders (qualified makers)
    bids: np.ndarray
    won: np.ndarray
    agreed_share: float


class ProcurementAgency(mesa.Agent):
    """Runs the procurement policy's tenders on the market."""

    def __init__(self, model: mesa.Model, policy, market: Market, floor_margin: float,
                 capacity_headroom: float) -> None:
        super().__init__(model)
        self.policy = policy
        self.market = market
        self.floor_margin = floor_margin
        self.capacity_headroom = capacity_headroom  # winners build for their agreed volume
        self.tendered = np.zeros(len(market.molecules), dtype=bool)
        self.results: list[TenderResult] = []
        self.failed: list[tuple[int, int]] = []  # (year, molecule) tenders without a winner

    def savings(self, units: np.ndarray, list_index: float) -> np.ndarray:
        """What tender winners' units cost less than the molecule's pre-tender price, per
        product (0 elsewhere)."""
        m = self.market
        reference = np.nan_to_num(m.reference_price[m.molecule]) * list_index
        return np.where(m.winner, units * np.maximum(reference - m.price, 0.0), 0.0)

    def set_prices(self, year: int, list_index: float, cap_share: float) -> None:
        """Purchase prices of the year: list prices indexed to it, except winners under
        contract, who sell at their bid; all under the pricing policy's price cap."""
        m = self.market
        contracted = m.winner & m.under_contract(year)[m.molecule]
        m.winner &= contracted
        listed = m.list_price * list_index
        m.price = np.minimum(np.where(contracted, m.price, listed), listed * cap_share)
        self.cap_non_winners(year)

    def cap_non_winners(self, year: int) -> None:
        """Non-winners of a molecule under contract sell at most ``non_winner_price_ratio``
        times its highest winning price."""
        m, ratio = self.market, self.policy.non_winner_price_ratio
        if not np.isfinite(ratio):
            return
        top = np.zeros(len(m.molecules))
        np.maximum.at(top, m.molecule[m.winner], m.price[m.winner])
        capped = ~m.winner & (top[m.molecule] > 0) & m.under_contract(year)[m.molecule]
        m.price = np.where(capped, np.minimum(m.price, ratio * top[m.molecule]), m.price)

    def run_tenders(self, year: int, list_index: float, unit_cost: np.ndarray,
                    volume: np.ndarray, belief: float) -> list[TenderResult]:
        """The tenders due this year; ``volume`` is each product's units last year (any
        scale; zeros before the run), ``belief`` makers' expected retention if they lose."""
        due = self.policy.due(year, self.market.molecule_round, self.market.contract_end,
                              self.tendered)
        out = [self._tender(year, k, renewal, list_index, unit_cost, volume, belief)
               for k, renewal in due]
        self.results += out
        self.cap_non_winners(year)
        return out

    def _tender(self, year: int, k: int, renewal: bool, list_index: float,
                unit_cost: np.ndarray, volume: np.ndarray, belief: float) -> TenderResult:
        m, policy = self.market, self.policy
        products = m.molecule_products[k][m.active[m.molecule_products[k]]]
        bidders = products[m.qualified[products]]
        ceiling = self._ceiling(k, renewal, products, list_index)
        shares = _shares(volume[products])
        if not renewal and products.size:  # in price-year yuan, to index to later years
            m.reference_price[k] = float(shares @ m.price[products]) / list_index
        rules = policy.rules(renewal)
        offers = bids(Bidders(cost=unit_cost[bidders], list_price=m.price[bidders],
                              volume_share=shares[np.isin(products, bidders)],
                              expected_retention=np.full(bidders.size, belief),
                              floor_margin=self.floor_margin), ceiling, rules)
        won = select(offers, ceiling, rules)
        self.tendered[k] = True
        if won.any():
            self._award(k, year, bidders[won], offers[won], rules.agreed_share(int(won.sum())),
                        volume)
        else:
            self.failed.append((year, k))
            self._extend(k, year)
        return TenderResult(year, k, renewal, ceiling, products, shares, bidders, offers, won,
                            m.agreed_share[k])

    def _award(self, k: int, year: int, winners: np.ndarray, prices: np.ndarray,
               agreed_share: float, volume: np.ndarray) -> None:
        """Contracts to the winners at their bids; they build capacity for their volume."""
        m = self.market
        m.winner[m.molecule_products[k]] = False
        m.winner[winners] = True
        m.price[winners] = prices
        m.agreed_share[k] = agreed_share
        m.contract_end[k] = year + self.policy.contract_years(winners.size) - 1
        m.volume_share_floor[m.molecule_products[k]] = 0.0
        m.volume_share_floor[winners] = (1 + self.capacity_headroom) / winners.size
        monthly = volume[m.molecule_products[k]].sum() / 12
        if monthly > 0:
            m.capacity[winners] = np.fmax(m.capacity[winners], with_margin(
                m.volume_share_floor[winners] * monthly))

    def _extend(self, k: int, year: int) -> None:
        """A tender without a winner: an expiring contract runs on for a year at its prices
        (tried again next January); a first round leaves the molecule at list prices."""
        m = self.market
        m.contract_end[k] = year
        previous = [r for r in self.results if r.molecule == k and r.won.any()]
        if not previous:
            m.agreed_share[k] = 0.0
            return
        last = previous[-1]
        still = last.products[last.won & m.active[last.products]]
        m.winner[still] = True
        m.price[still] = last.bids[last.won & m.active[last.products]]

    def _ceiling(self, k: int, renewal: bool, products: np.ndarray, list_index: float) -> float:
        """The "maximum effective declared price": the lowest price any maker of the molecule
        sells at (times the round's ceiling share); at a renewal, the expiring contract's
        highest winning price."""
        m = self.market
        if renewal:
            previous = [r for r in self.results if r.molecule == k and r.won.any()]
            if previous:
                return float(previous[-1].bids[previous[-1].won].max())
        if products.size == 0:
            return float("nan")  # every maker has left: nobody can bid
        share = self.policy.ceiling_share_for(m.molecule_round[k])
        return float(m.price[products].min() * share)

    def loser_retention(self, year: int, volume: np.ndarray) -> float | None:
        """Share of their pre-tender volume that the non-winners of ``year``'s first-round
        tenders kept, from ``volume`` (units per product over the next year), or None."""
        kept, had = 0.0, 0.0
        for r in self.results:
            if r.year != year or r.renewal or not r.won.any():
                continue
            losing = ~np.isin(r.makers, r.products[r.won])
            after = _shares(volume[r.makers])
            had += float(r.shares_before[losing].sum())
            kept += float(after[losing].sum())
        return kept / had if had > 0 else None


def _shares(volume: np.ndarray) -> np.ndarray:
    """Volume shares; equal shares when there is no volume yet."""
    total = volume.sum()
    return volume / total if total > 0 else np.full(volume.size, 1.0 / max(volume.size, 1))
