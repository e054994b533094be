"""Pooling level: how the funds of a province's prefectures share risk (``conf/pooling``).

A province (``model/province.py``) steps its prefectures together. Each month, after every
prefecture has raised its revenue and priced its claims but before any fund pays them (and in
December again before the year-end settlements), the province asks its pooling rule how much
money each prefecture's fund of one scheme receives from (positive) or gives to (negative) the
others. The transfers are explicit fund flows (``FundMonth.pooling_transfer``), neither
revenue nor expenditure; across prefectures they sum to minus the change of the rule's own
stock (the adjustment fund), which the province checks every month.

- ``prefecture``: no transfers; each prefecture's fund stands alone.
- ``provincial``: one pool per scheme; the prefectures' pooled money is shared out in
  proportion to what each must pay this month, so after paying every prefecture holds the same
  reserve months of this month's spending, and a prefecture runs out only in the month the
  province's pool does (then all of them do, each paying the same share of its claims).
  December's year-end settlements are pooled the same way (a second pass, ``YEAR_END``).
- ``adjustment_fund``: prefecture funds keep their reserves; each January each pays
  ``levy_share`` of last year's own pooled revenue into a provincial adjustment fund (only out
  of what it holds beyond this month's claims, so the levy never empties a fund), which pays
  last year's deficits of the prefecture funds in proportion, as far as it holds money; what
  it does not pay out stays in it (without interest) for later years.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol

import numpy as np

from sanyi.model.config import PoolingConfig, probability

CLAIMS, YEAR_END = "claims", "year_end"


@dataclass
class Positions:
    """One scheme's funds in every prefecture this month, before claims are paid (simulated
    yuan; one value per prefecture)."""

    stage: str  # CLAIMS (before the month's claims) or YEAR_END (before December's settlements)
    available: np.ndarray  # pooled money at hand (reserve, plus the month's revenue at CLAIMS)
    due: np.ndarray  # what the fund must pay now (negative: what it recovers)
    weight: np.ndarray  # this month's claims due: how a provincial pool shares what is left
    last_year_revenue: np.ndarray  # last calendar year's pooled revenue without top-ups
    last_year_expenditure: np.ndarray  # last calendar year's pooled expenditure


class PoolingRule(Protocol):
    """What a pooling option does each month: the net transfer to each prefecture's fund."""

    stock: np.ndarray  # money the rule itself holds, per scheme (the adjustment fund)

    def transfers(self, scheme: int, month: int, funds: Positions) -> np.ndarray:
        """Net money each prefecture's fund of ``scheme`` receives this ``month`` (1-12)."""


class PrefecturePooling:
    """Each prefecture's funds stand alone: nothing moves between them."""

    Config = PoolingConfig

    def __init__(self, cfg: PoolingConfig) -> None:
        self.cfg = cfg
        self.stock = np.zeros(2)

    def transfers(self, scheme: int, month: int, funds: Positions) -> np.ndarray:
        return np.zeros(funds.available.size)


class ProvincialPooling(PrefecturePooling):
    """One provincial pool per scheme: before the month's claims, and again before December's
    year-end settlements, every fund gets what it must pay plus a share of what the pool has
    left (or, when the pool is short, of the shortfall) in proportion to the month's claims."""

    def transfers(self, scheme: int, month: int, funds: Positions) -> np.ndarray:
        weight = float(funds.weight.sum())
        if weight <= 0:
            return np.zeros(funds.available.size)
        left = float(funds.available.sum() - funds.due.sum())
        target = funds.due + left * funds.weight / weight
        return _balanced(target - funds.available)


@dataclass
class AdjustmentFundConfig(PoolingConfig):
    # Share of each prefecture fund's own pooled revenue of last year paid into the provincial
    # adjustment fund each January. Hand-set: provinces' medical-insurance adjustment funds
    # set their own shares; the national pension adjustment fund of 2018 started at 3 % of
    # the contribution base (docs/pooling.md).
    levy_share: float = probability(0.05)


class AdjustmentFundPooling(PrefecturePooling):
    """Prefecture funds plus a provincial adjustment fund that pays last year's deficits."""

    Config = AdjustmentFundConfig

    def transfers(self, scheme: int, month: int, funds: Positions) -> np.ndarray:
        if month != 1 or funds.stage != CLAIMS:
            return np.zeros(funds.available.size)
        spare = np.maximum(funds.available - funds.due, 0.0)
        levy = np.minimum(self.cfg.levy_share * np.maximum(funds.last_year_revenue, 0.0), spare)
        held = self.stock[scheme] + float(levy.sum())
        deficit = np.maximum(funds.last_year_expenditure - funds.last_year_revenue, 0.0)
        paid = deficit * min(1.0, held / float(deficit.sum())) if deficit.sum() > 0 else deficit
        self.stock[scheme] = held - float(paid.sum())
        return paid - levy


def _balanced(moved: np.ndarray) -> np.ndarray:
    """Transfers that sum to zero exactly: the largest absorbs the rounding of the others."""
    out = moved.copy()
    k = int(np.argmax(np.abs(out)))
    out[k] = -(out.sum() - out[k])
    return out
