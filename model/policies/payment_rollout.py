"""The historical roll-out of case payment, before the run's payment lever starts.

China moved hospital admissions from fee-for-service to case payment (DRG in 30 pilot cities,
DIP in 71) from 2021, and the NHSA's three-year action plan of November 2021 spread it to
every pooling region by the end of 2024. A run started before 2025 that paid everything
fee-for-service would miss what that did in 2021-2024: shorter stays and lower cost per
admission while admissions kept rising (``docs/calibration.md``).

The model's region stands for the national average, so rather than switching some of its
few hospitals whole, a share ``s(y)`` (``scenario.case_payment_share_by_year``) of every
insured admission is paid by the historical case method and ``1 - s(y)`` item by item (years
not listed: none), and hospitals weigh that same mix when they choose stays, intensity and
coding. From the lever's ``payment.start_year`` on, the lever alone pays: the roll-out is
history, the lever is the experiment (the default lever, fee-for-service from 2025, is the
counterfactual of no case payment).
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np

from sanyi.model.batches import Claims
from sanyi.model.config import SanyiConfig
from sanyi.model.history import CaseHistory
from sanyi.model.policies import plugin
from sanyi.model.policies.payment import CaseView, PaymentContext, PaymentMethod

# The roll-out's method: DRG (DIP covered about as many regions; the model's DIP and DRG
# move stays and cost per admission alike, docs/payment.md).
HISTORICAL_METHOD = "sanyi.model.policies.payment_prospective.DRG"


def _blend(lever: np.ndarray, historical: np.ndarray, share: float) -> np.ndarray:
    return (1 - share) * lever + share * historical


class WithRollout:
    """The run's payment lever, with the historical share of case payment mixed in before
    the lever starts (``PaymentMethod`` protocol)."""

    def __init__(self, lever: PaymentMethod, historical: PaymentMethod,
                 shares: dict[int, float]) -> None:
        self.lever, self.historical, self.shares = lever, historical, shares
        self.cfg = lever.cfg

    def share(self, year: int) -> float:
        """Share of each insured admission paid by case in ``year`` (0 once the lever
        pays, and before the historical method has learned its rates)."""
        if year >= self.lever.cfg.start_year or year < self.historical.cfg.start_year:
            return 0.0
        return self.shares.get(year, 0.0)

    def start_year(self, year: int, history: CaseHistory) -> None:
        self.lever.start_year(year, history)
        if self.share(year) > 0:
            self.historical.start_year(year, history)

    def _mix(self, year: int, call: Callable[[PaymentMethod], np.ndarray]) -> np.ndarray:
        """``call`` of the lever, blended with the same call of the historical method."""
        lever, s = call(self.lever), self.share(year)
        return lever if s == 0 else _blend(lever, call(self.historical), s)

    def price(self, claims: Claims, year: int) -> np.ndarray:
        return self._mix(year, lambda m: m.price(claims, year))

    def lump_sums(self, year: int) -> np.ndarray:
        return self._mix(year, lambda m: m.lump_sums(year))

    def year_end(self, year: int, history: CaseHistory) -> np.ndarray:
        return self._mix(year, lambda m: m.year_end(year, history))

    def case_revenue(self, cases: CaseView, year: int) -> np.ndarray:
        return self._mix(year, lambda m: m.case_revenue(cases, year))

    def item_based(self, claims: Claims, year: int) -> np.ndarray:
        """The share of each claim the fund pays by item (a cheaper drug saves the fund
        money on that share only)."""
        return self._mix(year, lambda m: m.item_based(claims, year))

    def coding_gain(self, claims: Claims, year: int) -> np.ndarray:
        return self._mix(year, lambda m: m.coding_gain(claims, year))

    def outpatient_revenue(self, cases: CaseView, year: int) -> np.ndarray:
        return self._mix(year, lambda m: m.outpatient_revenue(cases, year))


def with_rollout(lever: PaymentMethod, cfg: SanyiConfig,
                 context: PaymentContext) -> PaymentMethod:
    """The lever alone when the run has no year of historical case payment; otherwise the
    lever with the roll-out. The historical method starts in the first year of the roll-out
    after the run's first year, so that it learns its rates from the run's own claims."""
    shares = cfg.scenario.case_payment_path()
    first_run_year = cfg.population.start_year
    years = [y for y in range(first_run_year + 1, lever.cfg.start_year) if shares.get(y, 0) > 0]
    if not years:
        return lever
    node = plugin.typed_node("payment", {"_target_": HISTORICAL_METHOD,
                                         "start_year": years[0]})
    return WithRollout(lever, plugin.build(node, context), shares)
