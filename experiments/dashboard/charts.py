"""The live charts and the numbers table, drawn from the runs' ``DataCollector`` series.

Charts are ECharts options (``solara.FigureEcharts``): the browser draws them, so a refresh
costs the server only a small dict, and ECharts ships inside ``solara-assets``, so the page
needs no CDN (Mesa's Altair charts load vega from one, and matplotlib images cost about
0.1 s each to render). Plain functions from a ``Classroom`` to options or table rows, tested
without a browser. In compare mode each chart shows both runs (reform solid, baseline
dashed) and, below, their difference month by month.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from html import escape
from typing import Any

import numpy as np

from sanyi.experiments.dashboard.classroom import BASELINE, REFORM, Classroom

COLOURS = ("#1f77b4", "#d62728")  # first and second series of a chart


@dataclass(frozen=True)
class Chart:
    """One chart: ``DataCollector`` columns (``model/reporters.py``) shown in one unit."""

    key: str
    title: str
    unit: str
    columns: tuple[tuple[str, str], ...]  # (column, legend label)
    factor: float = 1.0  # shown value = collected value x factor
    annual: bool = False  # a calendar year's figure, collected in December (NaN in other months)


CHARTS: tuple[Chart, ...] = (
    Chart("reserve_months", "Pooled fund reserve", "months of spending",
          (("reserve_months_employee", "employee"), ("reserve_months_resident", "resident"))),
    Chart("balance", "Pooled fund balance", "million yuan per month",
          (("pooled_balance_yuan_employee", "employee"),
           ("pooled_balance_yuan_resident", "resident")), factor=1e-6),
    Chart("spending", "Fund spending per enrollee", "yuan per year",
          (("expenditure_per_enrollee_yuan", "all"),)),
    Chart("oop", "Out-of-pocket share", "% of hospital revenue", (("oop_share", "all"),),
          factor=100),
    Chart("catastrophic", "Catastrophic spending (annual)", "% of persons",
          (("catastrophic_rate", "all persons"), ("catastrophic_rate_q1", "poorest fifth")),
          factor=100, annual=True),
    Chart("alos", "Average length of stay", "days", (("alos_days", "all"),)),
    Chart("drug_price_index", "Drug price index", "start year = 1",
          (("drug_price_index", "all"),)),
    Chart("primary_care", "Primary-care share of visits", "%",
          (("primary_care_visit_share", "all"),), factor=100),
    Chart("qalys", "QALYs per 10,000 yuan of fund spending", "QALYs",
          (("qalys_per_10k_fund_yuan", "all"),)),
)


SMOOTHING_MONTHS = 12  # a city of a few thousand simulated persons is noisy month by month


def series(classroom: Classroom, run: str, chart: Chart, column: str) -> tuple[np.ndarray, np.ndarray]:
    """(time in decimal years, shown values) of one column of one run.

    Monthly series are shown as trailing 12-month means (fewer months at the start), so that
    a trend, not the noise of a small simulated city, meets the eye; annual ones as they are.
    """
    frame = classroom.monthly(run)
    x, y = frame["time"].to_numpy(), frame[column].astype(float)
    if chart.annual:  # plotted at mid-year
        keep = np.isfinite(y.to_numpy())
        return np.floor(x[keep]) + 0.5, y.to_numpy()[keep] * chart.factor
    smooth = y.rolling(SMOOTHING_MONTHS, min_periods=1).mean()
    return x, smooth.to_numpy() * chart.factor


def _points(x: np.ndarray, y: np.ndarray) -> list[list[Any]]:
    """ECharts time-axis points; NaN (no admissions yet ...) becomes a gap, as JSON allows."""
    return [[_date(t), round(float(v), 5) if math.isfinite(v) else None]
            for t, v in zip(x, y, strict=True)]


def _date(t: float) -> str:
    """Decimal year (mid-month or mid-year) -> ISO date for the time axis."""
    year = math.floor(t)
    month = min(int((t - year) * 12) + 1, 12)
    return f"{year}-{month:02d}-15"


def _line(name: str, data: list[list[Any]], colour: str, axis: int = 0, dashed: bool = False,
          annual: bool = False) -> dict[str, Any]:
    return {"type": "line", "name": name, "data": data, "xAxisIndex": axis, "yAxisIndex": axis,
            "showSymbol": annual, "symbolSize": 5, "color": colour, "connectNulls": False,
            "lineStyle": {"width": 1.5, "type": "dashed" if dashed else "solid",
                          "opacity": 0.65 if dashed else 1.0}}


def chart_option(classroom: Classroom, chart: Chart) -> dict[str, Any]:
    """The chart of the runs: reform solid, and in compare mode the baseline dashed and, in
    a second panel, reform minus baseline."""
    compare = classroom.compare
    lines, legend = [], []
    for (column, label), colour in zip(chart.columns, COLOURS, strict=False):
        prefix = "" if label == "all" else f"{label}, "
        x, y = series(classroom, REFORM, chart, column)
        lines.append(_line(f"{prefix}reform" if compare else label, _points(x, y), colour,
                           annual=chart.annual))
        if compare:
            xb, yb = series(classroom, BASELINE, chart, column)
            lines.append(_line(f"{prefix}baseline", _points(xb, yb), colour, dashed=True,
                               annual=chart.annual))
            n = min(len(y), len(yb))
            lines.append(_line(f"{prefix}difference", _points(x[:n], y[:n] - yb[:n]), colour,
                               axis=1, annual=chart.annual))
        legend += [line["name"] for line in lines[-3:] if not line["name"].endswith("difference")]
    smoothing = "" if chart.annual else f"{SMOOTHING_MONTHS}-month moving average"
    return {"animation": False,
            "title": {"text": chart.title, "subtext": smoothing, "left": "center",
                      "textStyle": {"fontSize": 13}, "subtextStyle": {"fontSize": 10}},
            "tooltip": {"trigger": "axis"}, "series": lines,
            "legend": {"show": len(legend) > 1, "data": legend, "top": 38,
                       "textStyle": {"fontSize": 10}, "itemHeight": 8},
            **_axes(classroom, chart, top=100 if len(legend) > 2 else 80)}


def _axes(classroom: Classroom, chart: Chart, top: int) -> dict[str, Any]:
    """One panel, or two sharing the time axis in compare mode (the lower one: difference);
    ``top`` leaves room for the title and a legend of one or two lines."""
    run = classroom.runs.get(REFORM)
    span = {} if run is None else {"min": f"{run.cfg.population.start_year}-01-01",
                                   "max": f"{run.cfg.population.end_year + 1}-01-01"}
    x = {"type": "time", **span, "axisLabel": {"fontSize": 10}}
    y = {"type": "value", "scale": True, "axisLabel": {"fontSize": 10},
         "nameTextStyle": {"fontSize": 10, "align": "left"}}
    if not classroom.compare:
        return {"grid": {"left": 60, "right": 20, "top": top, "bottom": 30},
                "xAxis": x, "yAxis": {**y, "name": chart.unit}}
    return {"grid": [{"left": 60, "right": 20, "top": top, "bottom": "35%"},
                     {"left": 60, "right": 20, "top": "76%", "bottom": 25}],
            "xAxis": [{**x, "gridIndex": 0, "axisLabel": {"show": False}}, {**x, "gridIndex": 1}],
            "yAxis": [{**y, "gridIndex": 0, "name": chart.unit},
                      {**y, "gridIndex": 1, "name": "reform − baseline", "splitNumber": 2}]}


@dataclass(frozen=True)
class Row:
    """One line of the numbers table: a series, its unit and the runs' latest values."""

    label: str
    unit: str
    reform: float
    baseline: float | None
    difference: float | None


def latest(classroom: Classroom, run: str, chart: Chart, column: str) -> float:
    """Last complete year (annual charts) or mean of the last 12 months (monthly charts)."""
    if chart.annual:
        values = series(classroom, run, chart, column)[1]
        return float(values[-1]) if len(values) else math.nan
    return classroom.last_year_mean(run, column) * chart.factor


def summary(classroom: Classroom) -> list[Row]:
    """The numbers table: every series of every chart, both runs and their difference."""
    rows = []
    for chart in CHARTS:
        for column, label in chart.columns:
            title = chart.title if label == "all" else f"{chart.title}, {label}"
            reform = latest(classroom, REFORM, chart, column)
            baseline = latest(classroom, BASELINE, chart, column) if classroom.compare else None
            difference = None if baseline is None else reform - baseline
            rows.append(Row(title, chart.unit, reform, baseline, difference))
    return rows


def fmt(value: float | None, signed: bool = False) -> str:
    """A number as a teacher reads it aloud: 1,234 / 12.3 / 0.123; a dash when unknown."""
    if value is None or not math.isfinite(value):
        return "–"
    sign = "+" if signed else ""
    if abs(value) >= 100:
        return f"{value:{sign},.0f}"
    if abs(value) >= 10:
        return f"{value:{sign}.1f}"
    return f"{value:{sign}.2f}"


def summary_html(classroom: Classroom) -> str:
    """The numbers table as HTML (Solara's Markdown would load KaTeX from a CDN)."""
    compare = classroom.compare
    head = ["series", "unit", *(["baseline", "reform", "reform − baseline"] if compare
                                else ["value"])]
    body = []
    for r in summary(classroom):
        numbers = [fmt(r.baseline), fmt(r.reform), fmt(r.difference, signed=True)] if compare \
            else [fmt(r.reform)]
        cells = [f"<td>{escape(r.label)}</td><td>{escape(r.unit)}</td>"]
        cells += [f'<td class="number">{n}</td>' for n in numbers]
        body.append(f"<tr>{''.join(cells)}</tr>")
    header = "".join(f"<th>{escape(h)}</th>" for h in head)
    return (f'<table class="sanyi-table"><thead><tr>{header}</tr></thead>'
            f"<tbody>{''.join(body)}</tbody></table>")
