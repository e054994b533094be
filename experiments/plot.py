"""``sanyi-plot DIR``: the standard figures of a sweep, as PNG and PDF.

    sanyi-plot multirun/2025-06-01/10-00-00                  # collects on the fly if needed
    sanyi-plot DIR --hue payment --col scenario --metrics reserve_months oop_share
    sanyi-plot DIR --figures paired --kpis first_deficit_year --baseline ffs --format png

Figures (written to DIR/figures unless ``--out``):

- ``trajectory_<metric>``: a metric over the years, one line per ``--hue`` option, 95 % band
  over seeds, one panel per ``--col`` option;
- ``heatmap_<kpi>``: a run-level KPI (``summary.json``), ``--hue`` options x ``--col`` options;
- ``paired_<kpi>``: each ``--hue`` option minus ``--baseline`` on equal seeds, with 95 %
  t-intervals (and the numbers in ``paired_<kpi>.csv``);
- ``fan_<metric>``: median and 50 % / 90 % bands over seeds (default ``reserve_months``).

Without ``--hue`` the first swept policy lever is used (payment, procurement, pricing,
benefits, then any other swept key); without ``--col``, the scenario if it was swept.
"""

from __future__ import annotations

import sys
from pathlib import Path

import matplotlib

from sanyi.experiments import figures
from sanyi.experiments.cli import Parser, UsageError, run_command
from sanyi.experiments.collect import COLLECTED, Collected, open_sweep
from sanyi.experiments.jobs import OK

KINDS = ("trajectory", "heatmap", "paired", "fan")
LEVERS = ("payment", "procurement", "pricing", "benefits")
METRICS = ("reserve_months", "expenditure_per_enrollee_yuan", "oop_share")
KPIS = ("first_deficit_year", "final_reserve_months", "qalys_per_10k_fund_yuan")


def _parser() -> Parser:
    parser = Parser(prog="sanyi-plot", description=__doc__.splitlines()[0])
    parser.add_argument("dir", type=Path, help="a sweep folder, a run folder or a collected folder")
    parser.add_argument("--out", type=Path, help="where to write (default: DIR/figures)")
    parser.add_argument("--figures", nargs="+", choices=KINDS, default=list(KINDS))
    parser.add_argument("--metrics", nargs="+", default=list(METRICS),
                        help="metric columns for trajectories")
    parser.add_argument("--kpis", nargs="+", default=list(KPIS),
                        help="run-level KPIs (summary.json) for heatmaps and paired differences")
    parser.add_argument("--fan-metric", default="reserve_months")
    parser.add_argument("--hue", help="config column with one line (or row) per option")
    parser.add_argument("--col", help="config column with one panel per option")
    parser.add_argument("--scheme", default="all", choices=("all", "employee", "resident", "uninsured"))
    parser.add_argument("--baseline", help="the --hue option others are compared with "
                        "(default: the first job's)")
    parser.add_argument("--format", nargs="+", default=["png", "pdf"], choices=("png", "pdf", "svg"))
    return parser


def default_facets(sweep: Collected, hue: str | None, col: str | None) -> tuple[str | None, str | None]:
    """The swept lever for ``hue`` and the scenario (or the next swept key) for ``col``."""
    varying = sweep.varying()
    for name, value in (("--hue", hue), ("--col", col)):
        if value is not None and value not in sweep.config_columns:
            raise UsageError(f"unknown column {value!r} for {name}; config columns: "
                             + ", ".join(sweep.config_columns))
    if hue is not None and hue == col:
        raise UsageError(f"--hue and --col both name {hue!r}; choose two columns")
    if hue is None:
        order = [c for c in LEVERS if c in varying] + [c for c in varying if c not in LEVERS
                                                        and c != "scenario"] + ["scenario"]
        hue = next((c for c in order if c in varying and c != col), None)
    if col is None:
        col = next((c for c in ["scenario", *varying] if c in varying and c != hue), None)
    return hue, col


def _check_names(sweep: Collected, metrics: list[str], kpis: list[str]) -> None:
    unknown = [m for m in metrics if m not in sweep.metrics]
    if unknown:
        raise UsageError(f"unknown metric {', '.join(unknown)}; see python -m sanyi.model.metrics")
    unknown = [k for k in kpis if k not in sweep.runs.columns]
    if unknown:
        raise UsageError(f"unknown KPI {', '.join(unknown)}; KPIs are the keys of summary.json")


def _baseline(sweep: Collected, hue: str, baseline: str | None):
    ok = sweep.runs[sweep.runs.status == OK]
    options = list(dict.fromkeys(ok[hue].dropna()))
    if baseline is None:
        return options[0]
    match = [o for o in options if str(o).lower() == baseline.lower()]
    if not match:
        raise UsageError(f"--baseline {baseline!r} is not a {hue} option of this sweep; options: "
                         + ", ".join(map(str, options)))
    return match[0]


def _save(fig, out: Path, name: str, formats: list[str]) -> list[Path]:
    paths = [out / f"{name}.{fmt}" for fmt in formats]
    for path in paths:
        fig.savefig(path, dpi=110)
    return paths


def make_figures(sweep: Collected, out: Path, kinds: list[str], metrics: list[str], kpis: list[str],
                 hue: str | None = None, col: str | None = None, scheme: str = "all",
                 baseline: str | None = None, formats: list[str] = ("png", "pdf"),
                 fan_metric: str = "reserve_months") -> list[Path]:
    """Write the chosen figures; skip, with a printed reason, those the sweep cannot show."""
    if not (sweep.runs.status == OK).any():
        raise UsageError("no finished runs to plot (" + sweep.counts() + ")")
    _check_names(sweep, [*metrics, fan_metric], kpis)
    hue, col = default_facets(sweep, hue, col)
    base = _baseline(sweep, hue, baseline) if hue is not None else None
    out.mkdir(parents=True, exist_ok=True)
    written: list[Path] = []
    if "trajectory" in kinds:
        for metric in metrics:
            fig = figures.trajectory(sweep, metric, hue, col, scheme)
            written += _save(fig, out, f"trajectory_{metric}", formats)
    if "fan" in kinds:
        fig = figures.fan_chart(sweep, fan_metric, hue, col, scheme)
        written += _save(fig, out, f"fan_{fan_metric}", formats)
    wanted = [k for k in ("heatmap", "paired") if k in kinds]
    if wanted and hue is None:
        print(f"sanyi-plot: no swept option to compare; skipped {' and '.join(wanted)}")
        return written
    for kpi in kpis:
        if "heatmap" in kinds:
            written += _save(figures.heatmap(sweep, kpi, hue, col), out, f"heatmap_{kpi}", formats)
        if "paired" in kinds:
            table = figures.paired_differences(sweep, kpi, hue, base, col)
            table.to_csv(out / f"paired_{kpi}.csv", index=False)
            fig = figures.paired_figure(table, kpi, hue, base, col)
            written += _save(fig, out, f"paired_{kpi}", formats)
    return written


def _main(argv: list[str] | None) -> int:
    matplotlib.use("Agg")  # files only, no screen
    args = _parser().parse_args(argv)
    if not args.dir.is_dir():
        raise UsageError(f"no such folder: {args.dir}")
    sweep = open_sweep(args.dir)
    base = args.dir.parent if args.dir.name == COLLECTED else args.dir
    out = args.out or base / "figures"
    written = make_figures(sweep, out, args.figures, args.metrics, args.kpis, args.hue, args.col,
                           args.scheme, args.baseline, args.format, args.fan_metric)
    print(f"{sweep.counts()}; wrote {len(written)} files to {out}")
    return 0


def main(argv: list[str] | None = None) -> int:
    return run_command("sanyi-plot", lambda: _main(argv))


if __name__ == "__main__":
    sys.exit(main())
