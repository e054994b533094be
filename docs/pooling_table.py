"""The depletion table of ``docs/pooling.md`` from a ``pooling_reform`` sweep.

    sanyi-run -m +experiment=pooling_reform seed='range(5)' hydra.sweep.dir=multirun/pooling
    python docs/pooling_table.py multirun/pooling

For each pooling level and region: the year the resident fund first ran out (mean over seeds
with a 95 % t-interval), and how many seeds ran out by the end year; the ``province`` row is
the first year any region's fund ran out. A seed whose fund never ran out is left out of the
mean and counted apart, so read the mean with the count.
"""

from __future__ import annotations

import sys

import numpy as np
import pandas as pd
from scipy import stats

from sanyi.experiments.collect import collect

REGIONS = ("old_northeast", "young_coastal", "poor_rural", "average")


def interval(years: pd.Series) -> str:
    """``mean ± half-width`` of the 95 % t-interval, or the value when all seeds agree."""
    y = years.dropna().to_numpy(dtype=float)
    if not y.size:
        return "none"
    if y.size == 1 or np.ptp(y) == 0:
        return f"{y.mean():.1f} ± 0"
    half = stats.t.ppf(0.975, y.size - 1) * y.std(ddof=1) / np.sqrt(y.size)
    return f"{y.mean():.1f} ± {half:.1f}"


def table(runs: pd.DataFrame) -> str:
    """Markdown: a row per region (and the province), a column per pooling level."""
    levels = [p for p in ("prefecture", "adjustment_fund", "provincial")
              if p in set(runs.pooling)]
    columns = {**{r: f"region_{r}_depletion_year_resident" for r in REGIONS},
               "province (first of any region and fund)": "first_regional_depletion_year"}
    lines = ["| region | " + " | ".join(f"`{p}`" for p in levels) + " |",
             "|---|" + "---|" * len(levels)]
    for name, column in columns.items():
        cells = []
        for level in levels:
            years = runs.loc[runs.pooling == level, column]
            cells.append(f"{interval(years)} ({years.notna().sum()}/{len(years)})")
        lines.append(f"| {name} | " + " | ".join(cells) + " |")
    return "\n".join(lines)


if __name__ == "__main__":
    sweep = collect(sys.argv[1])
    ok = sweep.runs[sweep.runs.status == "ok"]
    print(f"{len(ok)} runs, seeds {sorted(ok.seed.unique().tolist())}")
    print(table(ok))
