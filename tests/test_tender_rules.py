"""The national tender rules and the makers' bids, as pure functions (model/tender.py)."""

from __future__ import annotations

import numpy as np
import pytest

from sanyi.model.tender import Bidders, TenderRules, bids, select

ROUND = TenderRules(ratio_to_lowest=1.8, cut_from_ceiling=0.5, max_winners=10,
                    agreed_share_by_winners=(0.5, 0.6, 0.7, 0.8), non_winner_price_ratio=2.0)
RENEWAL = TenderRules(ratio_to_lowest=1.3, cut_from_ceiling=None, max_winners=10,
                      agreed_share_by_winners=(0.5, 0.6, 0.7, 0.8), non_winner_price_ratio=2.0)


def makers(cost: list[float], list_price: list[float], retention: float = 0.3) -> Bidders:
    n = len(cost)
    return Bidders(cost=np.array(cost), list_price=np.array(list_price),
                   volume_share=np.full(n, 1 / n), expected_retention=np.full(n, retention),
                   floor_margin=0.0)


def test_the_highest_bid_never_wins_and_a_lone_bidder_wins_alone() -> None:
    assert select(np.array([4.0, 4.0, 4.0]), 10.0, ROUND).tolist() == [True, True, False]
    assert select(np.array([9.0]), 10.0, ROUND).tolist() == [True]


def test_a_bid_wins_within_1_8_times_the_lowest_or_with_a_50_percent_cut() -> None:
    won = select(np.array([1.0, 1.7, 4.9, 5.0, 9.0]), 10.0, ROUND)
    assert won.tolist() == [True, True, True, True, False]  # 4.9 and 5.0: cut rule
    won = select(np.array([1.0, 1.9, 2.9]), 3.0, ROUND)
    assert won.tolist() == [True, False, False]  # 1.9 > 1.8 x 1.0 and cuts less than 50 %


def test_bids_above_the_ceiling_are_invalid() -> None:
    assert not select(np.array([11.0, 12.0]), 10.0, ROUND).any()


def test_the_agreed_share_grows_with_the_number_of_winners() -> None:
    assert [ROUND.agreed_share(n) for n in (0, 1, 2, 3, 4, 7)] == [0.0, 0.5, 0.6, 0.7, 0.8, 0.8]


def test_makers_who_can_afford_it_bid_at_the_cut_rule_safe_harbour() -> None:
    """Eligible whatever the others bid: a 50 % cut from the ceiling (shaded a little)."""
    offers = bids(makers([0.1, 0.1, 0.1], [1.2, 1.2, 5.4], retention=0.8), 5.4, ROUND)
    won = select(offers, 5.4, ROUND)
    assert won.tolist() == [True, True, False]  # the originator has too much to lose
    assert np.all((offers[won] <= 2.7) & (offers[won] >= 0.9 * 2.7))


def test_more_willing_makers_than_places_undercut_each_other() -> None:
    """Four places: with three makers able to afford the safe harbour they bid about it (and
    a dearer maker takes the last place at 1.8 times the lowest bid); with five they undercut
    one another down to the reservation price of the one left out, the cheapest first."""
    dear = [3.0, 3.0]  # costs above the safe harbour
    few = bids(makers([0.1] * 3 + dear, [1.0] * 3 + [5.0] * 2, 0.0), 5.0, ROUND)
    won = select(few, 5.0, ROUND)
    assert won.tolist() == [True, True, True, True, False]
    assert np.all(few[:3] <= 2.5) and few[3] == pytest.approx(1.8 * few[:3].min())
    many = bids(makers([0.1, 0.2, 0.3, 0.4, 0.5], [1.0] * 5, 0.0), 5.0, ROUND)
    winners = select(many, 5.0, ROUND)
    assert winners.tolist() == [True, True, True, True, False]
    assert np.all(many[winners] < 0.5) and np.all(np.diff(many[winners]) > 0)


def test_a_lone_qualified_maker_cuts_nothing() -> None:
    offers = bids(makers([0.5], [5.0]), 5.0, ROUND)
    assert offers.tolist() == [5.0]


def test_makers_expecting_to_keep_their_market_bid_less_aggressively() -> None:
    """The more a maker expects to keep if it loses, the higher its reservation price."""
    keen = bids(makers([1.0, 1.0, 1.0], [6.0, 6.0, 6.0], retention=0.05), 6.0, ROUND)
    complacent = bids(makers([1.0, 1.0, 1.0], [6.0, 6.0, 6.0], retention=0.9), 6.0, ROUND)
    assert keen.min() <= complacent.min()
    assert not select(complacent, 6.0, ROUND).all()


def test_renewals_have_no_cut_rule_and_a_tighter_ratio() -> None:
    won = select(np.array([1.0, 1.25, 1.35, 2.0]), 2.0, RENEWAL)
    assert won.tolist() == [True, True, False, False]
