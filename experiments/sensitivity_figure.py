"""The figure of ``sanyi-sensitivity``: one panel per KPI, parameters by influence."""

from __future__ import annotations

import textwrap

import numpy as np
import pandas as pd
from matplotlib.figure import Figure

from sanyi.experiments.labels import describe, display_unit


def figure(table: pd.DataFrame, method: str) -> Figure:
    """Morris: mu* with its 95 % interval (in the KPI's unit); Sobol: first-order and total."""
    kpis = list(dict.fromkeys(table.kpi))
    n_params = table.parameter.nunique()
    cols = min(2, len(kpis))
    rows = int(np.ceil(len(kpis) / cols))
    fig = Figure(figsize=(6.2 * cols, (0.32 * n_params + 1.3) * rows + 0.8), layout="constrained")
    axes = fig.subplots(rows, cols, squeeze=False)
    for ax, kpi in zip(axes.flat, kpis, strict=False):
        sub = table[table.kpi == kpi].iloc[::-1]
        y = np.arange(len(sub))
        label, unit = describe(kpi, run_level=True)
        if method == "morris":
            scale = 100.0 if unit == "share" else 1.0  # shares in percentage points
            ax.barh(y, sub.mu_star * scale, xerr=sub.mu_star_conf * scale, color="C0", capsize=3)
            shown = "percentage points" if unit == "share" else display_unit(unit)
            ax.set_xlabel(f"μ* ({shown})")
        else:
            ax.barh(y + 0.2, sub.ST, height=0.4, xerr=sub.ST_conf, color="C1", label="total")
            ax.barh(y - 0.2, sub.S1, height=0.4, xerr=sub.S1_conf, color="C0", label="first order")
            ax.set_xlabel("share of the KPI's variance")
            ax.legend(fontsize="small")
        ax.set_yticks(y, sub.parameter, fontsize="small")
        ax.set_title(textwrap.fill(label, 45), fontsize="medium")
    for ax in axes.flat[len(kpis):]:
        ax.set_visible(False)
    name = ("Morris μ*: mean absolute change of the KPI as a parameter moves across its range\n"
            "(bars; lines: 95 % bootstrap interval)"
            if method == "morris" else "Sobol indices (lines: 95 % bootstrap interval)")
    fig.suptitle(f"Which uncertainties move the run-level KPIs\n{name}")
    return fig
