"""Mesa ``DataCollector`` reporters: monthly series for live charts (the dashboard).

Each reporter is a named callable reading one metric of one row (``model/metrics.py``) for
the month just booked, so charts and the output tables share one definition. Batch runs
don't collect (``collect_monthly=false``): the ledger already holds every month.
"""

from __future__ import annotations

from functools import partial
from typing import TYPE_CHECKING

import mesa
import numpy as np

from sanyi.model.ledger import SCHEMES, derive

if TYPE_CHECKING:
    from sanyi.model.model import SanyiModel

# (metric, row) pairs collected each month; the reporter is named ``metric`` for the ``all``
# row and ``metric_<row>`` otherwise.
SERIES: tuple[tuple[str, str], ...] = (
    ("reserve_months", "employee"), ("reserve_months", "resident"),
    ("pooled_balance_yuan", "employee"), ("pooled_balance_yuan", "resident"),
    ("expenditure_per_enrollee_yuan", "all"), ("oop_share", "all"),
    ("alos_days", "all"), ("drug_price_index", "all"), ("primary_care_visit_share", "all"),
    ("qalys_per_10k_fund_yuan", "all"), ("inpatient_rate", "all"),
    ("chronic_control_rate", "all"), ("share_age_65plus", "all"),
)
# Annual-only metrics (``annual_only`` in ``model/metrics.py``) are booked in December for the
# calendar year: the series holds the year's value in December and NaN in other months.
ANNUAL_SERIES: tuple[tuple[str, str], ...] = (("catastrophic_rate", "all"),
                                              ("catastrophic_rate_q1", "all"))


def month_metrics(model: SanyiModel) -> dict[str, np.ndarray]:
    """Every metric of the last booked month, one value per row (cached for the month)."""
    i = len(model.months) - 1
    cached = getattr(model, "_month_metrics", None)
    if cached is None or cached[0] != i:
        values = derive(model.ledger.data[i:i + 1], model.ledger.market[i:i + 1], 1, model.scale)
        cached = (i, {name: v[0] for name, v in values.items()})
        model._month_metrics = cached
    return cached[1]


def series_value(model: SanyiModel, metric: str, row: str) -> float:
    """One metric of one row (``employee``, ``resident``, ``uninsured``, ``all``) this month."""
    return float(month_metrics(model)[metric][SCHEMES.index(row)])


def annual_value(model: SanyiModel, metric: str, row: str) -> float:
    """An annual-only metric of the calendar year just closed (December), NaN in other months."""
    _, month = model.months[-1]
    return series_value(model, metric, row) if month == 12 else float("nan")


def series_name(metric: str, row: str) -> str:
    return metric if row == "all" else f"{metric}_{row}"


def collector() -> mesa.DataCollector:
    """Series of ``SERIES`` and ``ANNUAL_SERIES`` (Mesa calls a ``partial`` with the model)."""
    reporters = {series_name(metric, row): partial(series_value, metric=metric, row=row)
                 for metric, row in SERIES}
    reporters |= {series_name(metric, row): partial(annual_value, metric=metric, row=row)
                  for metric, row in ANNUAL_SERIES}
    return mesa.DataCollector(model_reporters=reporters)
