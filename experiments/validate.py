"""``sanyi-validate``: run 2018-2023 and print model versus official statistics, row by row.

    sanyi-validate                      # 100,000 persons, seed 0
    sanyi-validate --seeds 3 population.size=50000

Extra arguments are Hydra overrides. The exit code is 1 when a row with a tolerance misses it.
"""

from __future__ import annotations

import argparse
import logging
import sys

import pandas as pd
from rich.console import Console
from rich.table import Table

from sanyi.experiments.preflight import compose_config
from sanyi.model import calibration, ledger
from sanyi.model.config import ConfigError
from sanyi.model.model import SanyiModel
from sanyi.model.validation import validate

CALIBRATION_OVERRIDES = ["population.start_year=2018", "population.end_year=2023", "progress=false"]


def simulate(overrides: list[str], seeds: int) -> pd.DataFrame:
    """Annual tables of ``seeds`` runs (seed 0, 1, ...) averaged over seeds."""
    frames = []
    logging.getLogger("MESA").setLevel(logging.WARNING)
    for seed in range(seeds):
        cfg = validate(compose_config(CALIBRATION_OVERRIDES + overrides + [f"seed={seed}"]))
        model = SanyiModel(cfg)
        model.run()
        frames.append(ledger.annual_table(model.ledger, model.months, model.scale))
    table = pd.concat(frames)
    return table.groupby(["year", "scheme"], as_index=False).mean(numeric_only=True)


def _fmt(value: float | None, unit: str) -> str:
    if value is None or pd.isna(value):
        return "—"
    if abs(value) >= 100:
        return f"{value:,.0f}"
    return f"{value:.3f}"


def print_comparison(table: pd.DataFrame, console: Console) -> None:
    view = Table(title="sanyi vs official statistics (model started in 2018)")
    for column in ("year", "metric", "scope", "target", "model", "error", "tolerance", "ok", "note"):
        view.add_column(column, justify="right" if column in ("target", "model", "error") else "left")
    for row in table.itertuples():
        error = "—" if row.error is None or pd.isna(row.error) else (
            f"{row.error:+.1%}" if row.error_kind == "relative" else f"{row.error:+.3f}")
        ok = {True: "yes", False: "NO"}.get(row.within, "")
        view.add_row(str(row.year), row.metric, row.scope, _fmt(row.target, row.unit),
                     _fmt(row.model, row.unit), error, row.tolerance, ok, row.note)
    console.print(view)
    checked = table[table.within.notna()]
    console.print(f"{int(checked.within.sum())} of {len(checked)} rows with a tolerance are within it.")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seeds", type=int, default=1, help="runs to average (seeds 0..n-1)")
    parser.add_argument("overrides", nargs="*", help="Hydra overrides, e.g. population.size=50000")
    args = parser.parse_args(argv)
    try:
        annual = simulate(args.overrides, args.seeds)
    except ConfigError as err:
        print(f"sanyi-validate: {err}", file=sys.stderr)
        return 2
    table = calibration.compare(annual)
    print_comparison(table, Console(width=200))
    return 0 if table.within.dropna().all() else 1


if __name__ == "__main__":
    sys.exit(main())
