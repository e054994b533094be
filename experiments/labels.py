"""Names, units and number formats for figures, taken from the one metric table.

Output columns are described by ``sanyi.model.metrics.METRICS``; the run-level KPIs of
``summary.json`` (formed by ``sanyi.model.ledger.summarize``) get their words here, next to
the rule that turns "no deficit by the last year" into a number a figure can show.
"""

from __future__ import annotations

import textwrap

import numpy as np
import pandas as pd

from sanyi.model.metrics import BY_NAME

# Run-level KPIs of summary.json: label and unit (keys as written by ledger.summarize).
KPIS: dict[str, tuple[str, str]] = {
    "first_deficit_year": ("First year a pooled fund runs a deficit", "year"),
    "first_deficit_year_employee": ("First deficit year of the employee pooled fund", "year"),
    "first_deficit_year_resident": ("First deficit year of the resident pooled fund", "year"),
    "depletion_year": ("First year a pooled reserve runs out", "year"),
    "depletion_year_employee": ("Year the employee pooled reserve runs out", "year"),
    "depletion_year_resident": ("Year the resident pooled reserve runs out", "year"),
    "final_reserve_months": ("Pooled reserve in the final year", "months of spending"),
    "final_reserve_months_employee": ("Employee pooled reserve in the final year",
                                      "months of spending"),
    "final_reserve_months_resident": ("Resident pooled reserve in the final year",
                                      "months of spending"),
    "final_account_balance_yuan": ("Personal-account balances in the final year", "yuan"),
    "qalys_per_10k_fund_yuan": ("QALYs per 10,000 yuan of fund spending over the run",
                                "QALYs per 10,000 yuan"),
    "fund_spending_growth_pct_per_year": ("Growth of fund spending per enrollee", "% per year"),
    "oop_share": ("Out-of-pocket share of hospital revenue in the final year", "share"),
    "catastrophic_rate": ("Catastrophic health expenditure rate in the final year", "share"),
    "chronic_control_rate": ("Share of chronic patients under control in the final year",
                             "share"),
    "wall_seconds": ("Run time", "seconds"),
}
YEAR_KPIS = tuple(k for k, (_, unit) in KPIS.items() if unit == "year")
SCHEMES = {"all": "everyone", "employee": "employee scheme", "resident": "resident scheme",
           "uninsured": "the uninsured"}


def describe(name: str, run_level: bool = False) -> tuple[str, str]:
    """(label, unit) of a metric column, or of a run-level KPI when ``run_level``.

    Some names are both (``oop_share`` per year, and in the final year as a KPI).
    """
    if name in KPIS and (run_level or name not in BY_NAME):
        return KPIS[name]
    if name in BY_NAME:
        return BY_NAME[name].label, BY_NAME[name].unit
    return name.replace("_", " "), ""


def display_unit(unit: str) -> str:
    return "%" if unit == "share" else unit


def axis_label(name: str, scale: str = "", width: int = 38, run_level: bool = False) -> str:
    """``Label (unit)`` for an axis, wrapped to ``width`` characters a line.

    ``scale`` is a word such as ``billion`` put before the unit.
    """
    label, unit = describe(name, run_level)
    unit = " ".join(p for p in (scale, display_unit(unit)) if p)
    return textwrap.fill(f"{label} ({unit})" if unit else label, width)


def money_scale(values: pd.Series, unit: str) -> tuple[float, str]:
    """Divide large yuan amounts by a round factor so that ticks stay short."""
    if unit != "yuan":
        return (100.0, "") if unit == "share" else (1.0, "")
    top = float(values.abs().max()) if len(values) else 0.0
    for factor, word in ((1e12, "trillion"), (1e9, "billion"), (1e6, "million")):
        if top >= factor:
            return factor ** -1, word
    return 1.0, ""


def column_title(column: str) -> str:
    """A config column as words: ``benefits.retirement_delay`` -> ``benefits retirement delay``."""
    return column.replace(".", " ").replace("_", " ")


def censored(runs: pd.DataFrame, kpi: str) -> tuple[pd.Series, pd.Series]:
    """A KPI as numbers; a year KPI that never happened counts as the year after the last.

    Returns the values and a mask of the runs where the event did not happen by the end.
    """
    values = pd.to_numeric(runs[kpi], errors="coerce").astype(float)
    missing = values.isna()
    if kpi in YEAR_KPIS and "last_year" in runs:
        values = values.fillna(runs["last_year"].astype(float) + 1)
    else:
        missing[:] = False
    return values, missing


def decimals(values: pd.DataFrame | pd.Series) -> int:
    """Decimals that give the largest value three significant digits (one format per figure)."""
    top = float(np.nanmax(np.abs(np.asarray(values, dtype=float)), initial=0.0))
    return max(0, 2 - int(np.floor(np.log10(top)))) if top > 0 else 0


def number(value: float, unit: str, digits: int = 2) -> str:
    """A cell annotation: years whole or to a tenth, shares in per cent, else ``digits``."""
    if pd.isna(value):
        return ""
    if unit == "year":
        return f"{value:.0f}" if float(value).is_integer() else f"{value:.1f}"
    if unit == "share":
        return f"{100 * value:.1f} %"
    return f"{value:,.{digits}f}"
