"""The standard figures of a collected sweep, as matplotlib ``Figure`` objects.

Figures are built with the object-oriented API (``matplotlib.figure.Figure``), never pyplot, so
they need no screen and leave a notebook's backend alone; ``sanyi-plot`` saves them. Every axis
carries its unit from the metric table and every title says what is shown over how many runs.
"""

from __future__ import annotations

import textwrap

import numpy as np
import pandas as pd
import seaborn as sns
from matplotlib.figure import Figure
from scipy import stats

from sanyi.experiments.collect import Collected
from sanyi.experiments.jobs import OK
from sanyi.experiments.labels import (
    SCHEMES,
    axis_label,
    censored,
    column_title,
    decimals,
    describe,
    display_unit,
    money_scale,
    number,
)

PANEL = (4.6, 3.4)  # inches per facet
CI_SEED = 0  # bootstrap seed: the same figure from the same data


def _panels(n_rows: int, n_cols: int, height: float = PANEL[1]) -> tuple[Figure, np.ndarray]:
    """Panels sharing both axes, so that outer tick labels are true for every panel."""
    fig = Figure(figsize=(PANEL[0] * n_cols + 1.0, height * n_rows + 1.0), layout="constrained")
    return fig, fig.subplots(n_rows, n_cols, sharex=True, sharey=True, squeeze=False)


def _wrapped(n: int, height: float = PANEL[1]) -> tuple[Figure, list]:
    """``n`` panels in rows of at most three (four as two by two); the spare axes hidden."""
    cols = n if n <= 3 else 2 if n == 4 else 3
    fig, grid = _panels(int(np.ceil(n / cols)), cols, height)
    for ax in grid.flat[n:]:
        ax.set_visible(False)
    return fig, list(grid.flat[:n])


def _levels(frame: pd.DataFrame, column: str | None) -> list:
    """A column's options in the order the sweep ran them (the first job's option first)."""
    if column is None:
        return [None]
    if "run" in frame:
        frame = frame.sort_values("run", key=_job_order)
    return list(dict.fromkeys(frame[column].dropna()))


def _job_order(run: pd.Series) -> pd.Series:
    return run.astype(str).map(lambda r: (len(r), r))


def _label_outer(axes: np.ndarray) -> None:
    """Axis labels on the left column and bottom row only."""
    for ax in axes.flat:
        ax.label_outer(remove_inner_ticks=False)


def _subset(frame: pd.DataFrame, column: str | None, level) -> pd.DataFrame:
    return frame if column is None else frame[frame[column] == level]


def _facet_title(column: str | None, level) -> str:
    return "" if column is None else f"{column_title(column)}: {level}"


def _scheme_rows(sweep: Collected, metric: str, scheme: str) -> pd.DataFrame:
    rows = sweep.annual[sweep.annual.scheme == scheme]
    if "region" in rows:  # a province's runs (population=province) are drawn as a whole
        rows = rows[rows.region.isna() | (rows.region == "all")]
    return rows[rows[metric].notna()].copy()


def _n_seeds(frame: pd.DataFrame) -> int:
    return int(frame["seed"].nunique()) if "seed" in frame else 1


def trajectory(sweep: Collected, metric: str, hue: str | None = None, col: str | None = None,
               scheme: str = "all") -> Figure:
    """A metric over the years, one line per ``hue`` option, 95 % bootstrap band over seeds."""
    data = _scheme_rows(sweep, metric, scheme)
    factor, scale = money_scale(data[metric], describe(metric)[1])
    data[metric] = data[metric] * factor
    levels = _levels(data, col)
    fig, axes = _wrapped(len(levels))
    order = _levels(data, hue) if hue else None
    legend_ax = axes[min(len(axes), 2 if len(axes) == 4 else 3) - 1]  # right end of the top row
    for ax, level in zip(axes, levels, strict=True):
        sns.lineplot(data=_subset(data, col, level), x="year", y=metric, hue=hue, hue_order=order,
                     ax=ax, errorbar=("ci", 95), n_boot=1000, seed=CI_SEED, marker="o",
                     markersize=3, legend=ax is legend_ax and hue is not None)
        ax.set(title=_facet_title(col, level), xlabel="Year", ylabel=axis_label(metric, scale))
        ax.xaxis.get_major_locator().set_params(integer=True)
    _label_outer(np.array(axes))
    if hue is not None and legend_ax.get_legend():
        sns.move_legend(legend_ax, "upper left", bbox_to_anchor=(1.02, 1), title=column_title(hue))
    fig.suptitle(f"{describe(metric)[0]}, {SCHEMES.get(scheme, scheme)}\n"
                 f"mean and 95 % confidence band over {_n_seeds(data)} seeds")
    return fig


def _ok_runs(sweep: Collected, kpi: str) -> pd.DataFrame:
    runs = sweep.runs[sweep.runs.status == OK].copy()
    runs[kpi], runs["_none"] = censored(runs, kpi)
    return runs


def _censor_note(runs: pd.DataFrame, cells: np.ndarray) -> str:
    """Explain 'none' and '*' cells: runs whose event did not happen by their last year."""
    last = int(runs["last_year"].max()) if "last_year" in runs else None
    notes = []
    if (cells == "none").any():
        notes.append(f"none: no run had one by {last}")
    if (cells == "*").any():
        notes.append(f"*: some runs had none, counted as {last + 1}")
    return ("\n" + "; ".join(notes)) if notes else ""


def heatmap(sweep: Collected, kpi: str, row: str, col: str | None = None) -> Figure:
    """Mean of a run-level KPI over seeds, ``row`` options x ``col`` options."""
    runs = _ok_runs(sweep, kpi)
    columns = col or "_all"
    runs["_all"] = "all runs"
    means = runs.pivot_table(index=row, columns=columns, values=kpi, aggfunc="mean", observed=True)
    means = means.reindex(index=_levels(runs, row), columns=_levels(runs, columns))
    nones = runs.pivot_table(index=row, columns=columns, values="_none", aggfunc="mean",
                             observed=True).reindex_like(means)
    unit = describe(kpi, run_level=True)[1]
    notes = np.where(nones >= 1, "none", np.where(nones > 0, "*", ""))
    digits = decimals(means)
    text = np.vectorize(lambda v, n: n if n == "none" else number(v, unit, digits) + n)(means, notes)
    fig = Figure(figsize=(1.9 * means.shape[1] + 3.4, 0.6 * means.shape[0] + 2.4),
                 layout="constrained")
    ax = fig.subplots()
    colours = means.where(nones < 1) * money_scale(means.stack(), unit)[0]  # blank: nothing happened
    coloured = bool(colours.notna().any().any())
    low, high = (colours.min().min(), colours.max().max()) if coloured else (0, 1)
    flat = low == high  # one value everywhere: no colour scale to read
    sns.heatmap(colours, annot=text, fmt="", cmap="viridis", ax=ax, linewidths=0.5,
                linecolor="0.85", cbar=coloured and not flat, cbar_kws={"label": display_unit(unit)},
                vmin=low - flat, vmax=high + flat)
    for i, j in zip(*np.nonzero(notes == "none"), strict=True):  # seaborn skips blank cells
        ax.text(j + 0.5, i + 0.5, "none", ha="center", va="center", color="0.35")
    ax.set(xlabel=column_title(col) if col else "", ylabel=column_title(row))
    ax.tick_params(axis="y", rotation=0)
    ax.tick_params(axis="x", rotation=0)
    fig.suptitle(f"{describe(kpi, run_level=True)[0]} ({display_unit(unit)})\nmean over "
                 f"{_n_seeds(runs)} seeds per cell" + _censor_note(runs, notes), fontsize="medium")
    return fig


def paired_differences(sweep: Collected, kpi: str, lever: str, baseline,
                       by: str | None = None) -> pd.DataFrame:
    """Each option minus ``baseline`` on equal seeds (and equal other settings): t-intervals.

    Runs with the same seed face the same illnesses and deaths (common random numbers), so the
    difference per seed removes most of the noise that separate means would carry.
    """
    runs = _ok_runs(sweep, kpi)
    keys = [c for c in sweep.varying() if c != lever] + ["seed"]
    base = runs[runs[lever] == baseline].set_index(keys)[kpi]
    rows = []
    for option in _levels(runs, lever):
        if option == baseline:
            continue
        diff = (runs[runs[lever] == option].set_index(keys)[kpi] - base).dropna()
        frame = diff.reset_index()
        for level in _levels(frame, by):
            d = _subset(frame, by, level)[kpi].to_numpy()
            n = len(d)
            half = stats.t.ppf(0.975, n - 1) * d.std(ddof=1) / np.sqrt(n) if n > 1 else np.nan
            rows.append({lever: option, **({by: level} if by else {}), "n_pairs": n,
                         "mean_difference": d.mean() if n else np.nan,
                         "ci_low": d.mean() - half if n else np.nan,
                         "ci_high": d.mean() + half if n else np.nan})
    return pd.DataFrame(rows)


def paired_figure(table: pd.DataFrame, kpi: str, lever: str, baseline,
                  by: str | None = None) -> Figure:
    """Mean paired difference and its 95 % t-interval, one row per option."""
    levels = _levels(table, by)
    fig, axes = _wrapped(len(levels), height=0.5 * table[lever].nunique() + 1.2)
    label, unit = describe(kpi, run_level=True)
    factor = 100.0 if unit == "share" else 1.0
    unit_text = "percentage points" if unit == "share" else unit
    for ax, level in zip(axes, levels, strict=True):
        sub = _subset(table, by, level)
        y = np.arange(len(sub))
        ax.errorbar(sub.mean_difference * factor, y, fmt="o", color="C0", capsize=4,
                    xerr=[(sub.mean_difference - sub.ci_low) * factor,
                          (sub.ci_high - sub.mean_difference) * factor])
        ax.axvline(0, color="0.4", lw=0.8, ls="--")
        ax.set_yticks(y, [str(o) for o in sub[lever]])
        ax.set_ylim(-0.7, len(sub) - 0.3)
        ax.set(title=_facet_title(by, level),
               xlabel=textwrap.fill(f"Difference from {baseline} ({unit_text})", 40))
    spread = np.nanmax(np.abs(table[["ci_low", "ci_high", "mean_difference"]].to_numpy() * factor),
                       initial=0.0)
    if not spread > 1e-9:  # no difference at all: a readable axis instead of 1e-17 ticks
        axes[0].set_xlim(-1, 1)
    _label_outer(np.array(axes))
    fig.supylabel(column_title(lever), fontsize="medium")
    pairs = int(table.n_pairs.min()) if len(table) else 0
    fig.suptitle(f"{label}: each {column_title(lever)} option minus {baseline}\n"
                 f"mean of differences on equal seeds, 95 % t-interval ({pairs} pairs or more)",
                 fontsize="medium")
    return fig


def fan_chart(sweep: Collected, metric: str = "reserve_months", hue: str | None = None,
              col: str | None = None, scheme: str = "all") -> Figure:
    """Median and 50 % / 90 % bands of a metric over seeds: ``hue`` across, ``col`` down."""
    data = _scheme_rows(sweep, metric, scheme)
    factor, scale = money_scale(data[metric], describe(metric)[1])
    data[metric] = data[metric] * factor
    options, levels = _levels(data, hue), _levels(data, col)
    fig, axes = _panels(len(levels), len(options), height=2.6 if len(levels) > 2 else PANEL[1])
    for r, level in enumerate(levels):
        for c, option in enumerate(options):
            sub = _subset(_subset(data, col, level), hue, option)
            q = sub.groupby("year")[metric].quantile([0.05, 0.25, 0.5, 0.75, 0.95]).unstack()
            ax = axes[r][c]
            ax.fill_between(q.index, q[0.05], q[0.95], color="C0", alpha=0.2, label="90 % of seeds")
            ax.fill_between(q.index, q[0.25], q[0.75], color="C0", alpha=0.4, label="50 % of seeds")
            ax.plot(q.index, q[0.5], color="C0", lw=2, label="median")
            if "reserve" in metric:  # a reserve runs out at zero: keep it in view
                ax.axhline(0, color="0.3", lw=0.8)
            ax.set(title=_facet_title(hue, option) if r == 0 else "", xlabel="Year")
            if c == len(options) - 1 and col is not None:  # row label on the right
                ax.text(1.03, 0.5, _facet_title(col, level), transform=ax.transAxes,
                        rotation=270, va="center", ha="left")
            ax.xaxis.get_major_locator().set_params(integer=True)
    _label_outer(axes)
    fig.supylabel(axis_label(metric, scale, width=60), fontsize="medium")
    fig.legend(*axes[0][0].get_legend_handles_labels(), loc="outside lower center", ncols=3)
    fig.suptitle(f"{describe(metric)[0]}, {SCHEMES.get(scheme, scheme)}\n"
                 f"median, middle 50 % and 90 % of {_n_seeds(data)} seeds")
    return fig
