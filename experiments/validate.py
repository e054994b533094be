"""``sanyi-validate``: run 2018-2023 and print model versus official statistics, row by row.

    sanyi-validate                      # 100,000 persons, seed 0
    sanyi-validate --seeds 3 population.size=50000

Extra arguments are Hydra overrides. The exit code is 1 when a row with a tolerance misses it,
2 for bad input (one line on stderr). Rows whose year was not simulated (an earlier
``population.end_year``) cannot be checked; the last line says which were skipped.
"""

from __future__ import annotations

import argparse
import logging
import sys
from typing import NoReturn

import pandas as pd
from rich.console import Console
from rich.table import Table

from sanyi.model import calibration, ledger
from sanyi.model.config import ConfigError
from sanyi.model.configure import compose
from sanyi.model.model import SanyiModel

CALIBRATION_OVERRIDES = ["population.start_year=2018", "population.end_year=2023", "progress=false"]


def simulate(overrides: list[str], seeds: int) -> pd.DataFrame:
    """Annual tables of ``seeds`` runs (seed 0, 1, ...) averaged over seeds."""
    frames = []
    logging.getLogger("MESA").setLevel(logging.WARNING)
    for seed in range(seeds):
        cfg = compose(CALIBRATION_OVERRIDES + overrides + [f"seed={seed}"])
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


class _OneLineParser(argparse.ArgumentParser):
    """argparse that reports a bad argument in one line (no usage dump), exit code 2."""

    def error(self, message: str) -> NoReturn:
        self.exit(2, f"{self.prog}: {message} (see {self.prog} --help)\n")


def _positive_int(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        value = 0
    if value < 1:
        raise argparse.ArgumentTypeError(f"invalid value {text!r}: a whole number >= 1")
    return value


def skipped_rows(table: pd.DataFrame, simulated_years: set[int]) -> pd.DataFrame:
    """Rows with a tolerance that were not checked because their year was not simulated."""
    return table[(table.tolerance != "") & table.within.isna()
                 & ~table.year.isin(simulated_years)]


def _year_ranges(years: pd.Series) -> str:
    """2021, 2022, 2023 -> "2021-2023"; 2021, 2023 -> "2021, 2023"."""
    runs: list[list[int]] = []
    for year in sorted(set(int(y) for y in years)):
        if runs and year == runs[-1][-1] + 1:
            runs[-1].append(year)
        else:
            runs.append([year])
    return ", ".join(f"{r[0]}-{r[-1]}" if len(r) > 1 else str(r[0]) for r in runs)


def describe_skipped(skipped: pd.DataFrame) -> str:
    """``N rows with a tolerance were skipped ...: metric/scope years; ...`` (one line)."""
    groups = skipped.groupby(["metric", "scope"], sort=True).year
    parts = [f"{metric}/{scope} {_year_ranges(years)}" for (metric, scope), years in groups]
    return (f"{len(skipped)} rows with a tolerance were skipped because their year was not "
            f"simulated: " + "; ".join(parts))


def main(argv: list[str] | None = None) -> int:
    parser = _OneLineParser(prog="sanyi-validate", description=__doc__.splitlines()[0])
    parser.add_argument("--seeds", type=_positive_int, default=1,
                        help="runs to average (seeds 0..n-1), at least 1")
    parser.add_argument("overrides", nargs="*", help="Hydra overrides, e.g. population.size=50000")
    args = parser.parse_args(argv)
    try:
        annual = simulate(args.overrides, args.seeds)
    except ConfigError as err:
        print(f"sanyi-validate: {err}", file=sys.stderr)
        return 2
    table = calibration.compare(annual)
    print_comparison(table, Console(width=200))
    skipped = skipped_rows(table, set(annual.year))
    if len(skipped):
        print(describe_skipped(skipped))
    return 0 if table.within.dropna().all() else 1


if __name__ == "__main__":
    sys.exit(main())
