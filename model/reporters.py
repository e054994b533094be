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


def series_name(metric: str, row: str) -> str:
    return metric if row == "all" else f"{metric}_{row}"


def collector() -> mesa.DataCollector:
    """Monthly series of ``SERIES`` (Mesa calls a ``partial`` with the model)."""
    return mesa.DataCollector(model_reporters={
        series_name(metric, row): partial(series_value, metric=metric, row=row)
        for metric, row in SERIES})
