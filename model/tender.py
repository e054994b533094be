"""One volume-based procurement tender: the selection rule and the suppliers' bids.

Pure functions of arrays, one molecule at a time, so the rules can be read and tested apart
from the agents. The selection rule is that of the national rounds
(``model/data/vbp_rounds.csv``):

* bidders are the qualified makers (the originator and the generics that passed the
  consistency evaluation); a bid above the ceiling is invalid;
* a valid bid is *eligible* if it is at most ``ratio_to_lowest`` (1.8) times the lowest bid, or
  cuts at least ``cut_from_ceiling`` (50 %) from the ceiling (renewals have no cut rule);
* at most ``n - 1`` of ``n`` valid bidders win (the highest bid never wins), at most
  ``max_winners``; a lone bidder wins alone; eligible bids win in order of price, each at its
  own bid;
* the winners share ``agreed_share(winners)`` of the hospitals' reported volume.

Bids (docs/medicines.md has the equations). A maker's *reservation price* is the lowest bid
at which winning pays more than losing: ``r = c (1 + floor) + (p_lose - c) * l * s * k``, with
``c`` the full unit cost (production, financing and the capacity it must keep), ``p_lose``
the price it sells at if it loses (its list price, capped at ``non_winner_price_ratio`` times
the expected winning price), ``s`` its pre-tender share of the molecule's volume, ``k`` the
winners expected to share it, and ``l`` the share of its volume the maker *expects* to keep
if it loses — the margin it learned from earlier rounds (``agents/supplier.py`` updates it
from the volume losers really kept). Not knowing the rivals' bids, a maker that can afford it
bids at the cut rule's safe harbour, ``(1 - cut) x ceiling``, which is eligible whatever the
others do; when more makers can afford it than there are places, they undercut one another
down to the reservation price of the first maker left out (a descending auction). Each
shades its bid under that price by ``SHADING`` (10 %, an assumption) of its room above its
reservation, so that makers with more room (lower cost, less to lose) rank first. A maker
that cannot afford the safe harbour bids the highest price still eligible against the
others, if its reservation allows, else its reservation price (and most likely loses).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

_EPS = 1e-9
SHADING = 0.1  # share of its room (price less reservation) a willing maker bids under


@dataclass(frozen=True)
class TenderRules:
    ratio_to_lowest: float
    cut_from_ceiling: float | None  # None: no cut rule (renewals)
    max_winners: int
    agreed_share_by_winners: tuple[float, ...]  # 1, 2, 3, 4 or more winners
    non_winner_price_ratio: float = float("inf")  # losers' price cap, x the winning price

    def winners_cap(self, n_bidders: int) -> int:
        return 1 if n_bidders <= 1 else min(n_bidders - 1, self.max_winners)

    def agreed_share(self, n_winners: int) -> float:
        if n_winners == 0:
            return 0.0
        shares = self.agreed_share_by_winners
        return shares[min(n_winners, len(shares)) - 1]


@dataclass(frozen=True)
class Bidders:
    """The qualified makers of one molecule."""

    cost: np.ndarray  # unit cost, current yuan (with the capacity it needs: full cost)
    list_price: np.ndarray  # the price each sells at if it loses (before any price cap)
    volume_share: np.ndarray  # share of the molecule's volume before the tender
    expected_retention: np.ndarray  # share of that volume each expects to keep if it loses
    floor_margin: float  # no bid under cost x (1 + floor_margin)


def select(bids: np.ndarray, ceiling: float, rules: TenderRules) -> np.ndarray:
    """Winners (bool per bid) under the round's rules."""
    valid = bids <= ceiling * (1 + _EPS)
    winners = np.zeros(bids.size, dtype=bool)
    if not valid.any():
        return winners
    lowest = bids[valid].min()
    eligible = valid & (bids <= rules.ratio_to_lowest * lowest * (1 + _EPS))
    if rules.cut_from_ceiling is not None:
        eligible |= valid & (bids <= (1 - rules.cut_from_ceiling) * ceiling * (1 + _EPS))
    order = np.flatnonzero(eligible)[np.argsort(bids[eligible], kind="stable")]
    winners[order[:rules.winners_cap(int(valid.sum()))]] = True
    return winners


def reservation_prices(bidders: Bidders, places: int, losing_price: np.ndarray) -> np.ndarray:
    """The lowest bid at which each maker prefers winning (a ``1/places`` share of the volume
    at its bid) to losing (keeping ``expected_retention`` of its volume at ``losing_price``)."""
    b = bidders
    keep_if_losing = (losing_price - b.cost) * b.expected_retention * b.volume_share
    return b.cost * (1 + b.floor_margin) + np.maximum(keep_if_losing, 0.0) * places


def bids(bidders: Bidders, ceiling: float, rules: TenderRules) -> np.ndarray:
    """Each maker's bid (see the module docstring)."""
    n = bidders.cost.size
    places = rules.winners_cap(n)
    harbour = ceiling if rules.cut_from_ceiling is None else (1 - rules.cut_from_ceiling) * ceiling
    losing_price = np.minimum(bidders.list_price, rules.non_winner_price_ratio * harbour)
    reserve = reservation_prices(bidders, places, losing_price)
    if n == 1:
        return np.where(reserve <= ceiling, ceiling, reserve)  # a lone bidder wins anyway
    willing = reserve <= harbour
    price = harbour
    if willing.sum() > places:  # undercutting down to the first reservation left out
        price = np.sort(reserve[willing])[places]
    # each shades its bid under that price by a share of its own room, so that the makers
    # with the most room rank first (and equal makers stay equal)
    shaded = price - SHADING * np.maximum(price - reserve, 0.0)
    out = np.where(willing, np.maximum(reserve, shaded), reserve)
    if willing.any():
        highest_eligible = min(ceiling, rules.ratio_to_lowest * out[willing].min())
        out = np.where(~willing & (reserve <= highest_eligible), highest_eligible, out)
    return out
