"""An analysis of one's own on a collected sweep: who pays, by scheme, under each policy.

    sanyi-run -m pricing=zero_markup,markup_15 seed='range(5)' population.size=20000
    sanyi-collect multirun/<date>/<time>
    python docs/analysis_example.py multirun/<date>/<time>/collected --out oop_gap.png

The collected tables are plain Parquet: ``annual.parquet`` has a row per run x year x scheme
with every metric as a column and the run's settings (seed, swept keys, chosen options) beside
them; ``runs.parquet`` has a row per run with its status and run-level KPIs. This example asks
how far residents' out-of-pocket share lies above employees' each year, and whether the policy
that was swept changes that gap, with a 95 % band over seeds.
"""

from __future__ import annotations

import argparse
from pathlib import Path

import matplotlib

matplotlib.use("Agg")  # write files, no screen

import matplotlib.pyplot as plt  # noqa: E402
import pandas as pd  # noqa: E402
import seaborn as sns  # noqa: E402


def oop_gap(annual: pd.DataFrame) -> pd.DataFrame:
    """Resident minus employee out-of-pocket share, per run and year (percentage points)."""
    wide = annual[annual.scheme.isin(["employee", "resident"])].pivot_table(
        index=["run", "year"], columns="scheme", values="oop_share", observed=True)
    gap = (100 * (wide["resident"] - wide["employee"])).rename("gap_pp").reset_index()
    settings = annual.drop_duplicates("run").drop(columns=["year", "scheme"])
    return gap.merge(settings, on="run")


def swept_column(runs: pd.DataFrame) -> str | None:
    """The first policy lever that differs between finished runs, else any other setting."""
    ok = runs[runs.status == "ok"]
    settings = list(ok.columns[ok.columns.get_loc("seed") + 1:ok.columns.get_loc("last_year")])
    levers = [c for c in ("payment", "procurement", "pricing", "benefits") if c in settings]
    varying = [c for c in levers + settings if ok[c].nunique() > 1]
    return varying[0] if varying else None


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("collected", type=Path, help="a folder written by sanyi-collect")
    parser.add_argument("--out", type=Path, default=Path("oop_gap.png"))
    args = parser.parse_args()
    annual = pd.read_parquet(args.collected / "annual.parquet")
    runs = pd.read_parquet(args.collected / "runs.parquet")
    gap = oop_gap(annual)
    hue = swept_column(runs)
    fig, ax = plt.subplots(figsize=(7, 4), layout="constrained")
    sns.lineplot(gap, x="year", y="gap_pp", hue=hue, errorbar=("ci", 95), marker="o", ax=ax)
    ax.axhline(0, color="0.4", lw=0.8)
    ax.set(xlabel="Year", ylabel="Resident minus employee\nout-of-pocket share (points)",
           title="Out-of-pocket share of hospital revenue: residents minus employees\n"
                 f"mean and 95 % band over {gap.seed.nunique()} seeds")
    ax.xaxis.get_major_locator().set_params(integer=True)
    fig.savefig(args.out, dpi=110)
    print(f"mean gap {gap.gap_pp.mean():.1f} percentage points; wrote {args.out}")


if __name__ == "__main__":
    main()
