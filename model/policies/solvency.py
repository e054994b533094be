"""What a fund does when its pooled reserve runs short, and the optional reserve-band rule.

Both are policies chosen by ``conf/benefits`` (``on_depletion``, ``adjustment``); the fund
calls them through small interfaces and never branches on their names.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol

from sanyi.model.config import AdjustmentConfig


@dataclass
class Cover:
    """How a month's claims are paid: the share of the item-based fund payments honoured
    (the rest falls on patients) and the government top-up booked as revenue."""

    paid_share: float
    top_up: float
    cut: bool  # benefits were cut this month


class DepletionRule(Protocol):
    def cover(self, item_due: float, settlement_due: float, available: float) -> Cover:
        """Pay ``item_due + settlement_due`` out of ``available`` (pooled money this month)."""


class TopUp:
    """The government tops the pooled fund up to pay every claim (booked as revenue)."""

    def cover(self, item_due: float, settlement_due: float, available: float) -> Cover:
        return Cover(1.0, max(item_due + settlement_due - available, 0.0), False)


class BenefitCut:
    """The fund pays what its reserve allows; patients pay the rest of the item-based share.

    Settlements with hospitals (prospective payment) are not shifted to patients; whatever
    the pooled money cannot cover of them, or of personal-account credits (members' own
    money), is still topped up.
    """

    def cover(self, item_due: float, settlement_due: float, available: float) -> Cover:
        if item_due + settlement_due <= available:
            return Cover(1.0, 0.0, False)
        share = min(max(available - settlement_due, 0.0) / item_due, 1.0) if item_due > 0 else 1.0
        return Cover(share, max(item_due * share + settlement_due - available, 0.0), True)


DEPLETION_RULES: dict[str, type] = {"top_up": TopUp, "benefit_cut": BenefitCut}


class ReserveBandRule:
    """Contributions or benefits move one step a year while reserve months leave a band.

    ``lever`` ``contributions``: a low reserve raises contributions, a high one lowers them;
    ``benefits``: a low reserve cuts benefits, a high one raises them.
    """

    def __init__(self, cfg: AdjustmentConfig) -> None:
        self.cfg = cfg

    def adjust(self, contribution: float, benefit: float,
               reserve_months: float) -> tuple[float, float]:
        """Next year's (contribution level, benefit level); 1 = as legislated."""
        cfg = self.cfg
        if not cfg.enabled:
            return contribution, benefit
        direction = (-1 if reserve_months < cfg.lower_months else
                     1 if reserve_months > cfg.upper_months else 0)
        if cfg.lever == "contributions":
            return contribution * (1 - direction * cfg.step), benefit
        return contribution, benefit * (1 + direction * cfg.step)
