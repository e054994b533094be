"""``sanyi-collect DIR``: one tidy table from a sweep, plus a table of its runs.

    sanyi-collect multirun/2025-06-01/10-00-00            # writes DIR/collected/
    sanyi-collect DIR --long --metrics reserve_months oop_share
    sanyi-collect DIR --nation     # a nation sweep: also national totals (experiments/national.py)

From Python (a notebook)::

    from sanyi.experiments.collect import collect
    sweep = collect("multirun/2025-06-01/10-00-00")
    sweep.annual   # a row per run x year x scheme: config columns, then every metric
    sweep.runs     # a row per job: status (ok / failed / missing), config, run-level KPIs

Config columns are every override (``scenario``, ``population.size``, ...), the seed, and each
config group's chosen option from Hydra's ``runtime.choices``, so that a ``payment`` column
exists even when every job used the default. Metric columns, their units and labels come from
``sanyi.model.metrics.METRICS``; the saved Parquet files carry unit and label as field metadata.
Only the needed columns are read and the tables are concatenated once, so 1,000 jobs take
seconds and little memory.
"""

from __future__ import annotations

import sys
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq

from sanyi.experiments.cli import Parser, UsageError, run_command
from sanyi.experiments.jobs import FAILED, MISSING, OK, Job, scan
from sanyi.model.configure import GROUPS
from sanyi.model.metrics import BY_NAME, METRICS
from sanyi.model.outputs import ANNUAL

# A province's runs (population=province) have a row per region too; other runs lack the column.
KEYS = ("year", "region", "scheme")
READERS = 4  # threads, each reading whole small files (pyarrow's own threads cost more here)
COLLECTED = "collected"
ANNUAL_FILE, LONG_FILE, RUNS_FILE = "annual.parquet", "annual_long.parquet", "runs.parquet"


@dataclass
class Collected:
    """A collected sweep: ``annual`` (run x year x scheme) and ``runs`` (one row per job)."""

    annual: pd.DataFrame
    runs: pd.DataFrame
    config_columns: list[str]

    @property
    def metrics(self) -> list[str]:
        return [c for c in self.annual.columns if c not in ("run", *self.config_columns, *KEYS)]

    def varying(self) -> list[str]:
        """Config columns (other than the seed) that take more than one value in the sweep."""
        ok = self.runs[self.runs.status == OK]
        return [c for c in self.config_columns
                if c != "seed" and ok[c].nunique(dropna=False) > 1]

    def long(self) -> pd.DataFrame:
        """Long format: a row per run x year x scheme x metric, with the metric's unit."""
        keys = [k for k in KEYS if k in self.annual.columns]
        frame = self.annual.melt(id_vars=["run", *self.config_columns, *keys],
                                 value_vars=self.metrics, var_name="metric")
        frame["metric"] = frame["metric"].astype("category")
        units = {m: BY_NAME[m].unit if m in BY_NAME else "" for m in self.metrics}
        frame["unit"] = frame["metric"].map(units).astype("category")
        return frame

    def counts(self) -> str:
        n = self.runs.status.value_counts()
        plural = "" if len(self.runs) == 1 else "s"
        return (f"{len(self.runs)} job{plural}: {n.get(OK, 0)} ok, {n.get(FAILED, 0)} failed, "
                f"{n.get(MISSING, 0)} missing")

    def save(self, out: Path, long: bool = False) -> list[Path]:
        out.mkdir(parents=True, exist_ok=True)
        table = self.long() if long else self.annual
        paths = [out / (LONG_FILE if long else ANNUAL_FILE), out / RUNS_FILE]
        _write(table, paths[0])
        _write(self.runs, paths[1])
        return paths


def _write(frame: pd.DataFrame, path: Path) -> None:
    """Parquet with each metric column's unit and label as field metadata."""
    table = pa.Table.from_pandas(frame, preserve_index=False)
    fields = []
    for f in table.schema:
        m = BY_NAME.get(f.name)
        fields.append(f.with_metadata({"unit": m.unit, "label": m.label, "kind": m.kind,
                                       "all_row": m.rule}) if m else f)
    pq.write_table(table.cast(pa.schema(fields, metadata=table.schema.metadata)), path)


def _typed(values: pd.Series) -> pd.Series:
    """Override strings as numbers or booleans where every value is one, else categories."""
    present = values.dropna()
    lowered = present.astype(str).str.lower()
    if len(present) and lowered.isin(["true", "false"]).all():
        return values.map(lambda v: None if pd.isna(v) else str(v).lower() == "true").astype("boolean")
    numbers = pd.to_numeric(present, errors="coerce")
    if len(present) and numbers.notna().all():
        numbers = pd.to_numeric(values, errors="coerce")
        whole = (numbers.dropna() % 1 == 0).all()
        return numbers.astype("Int64") if whole else numbers
    return values.astype("category")


def _numeric(values: pd.Series) -> pd.Series:
    """A KPI column as numbers when it holds only numbers and nulls (years as integers)."""
    numbers = pd.to_numeric(values, errors="coerce")
    if numbers.notna().sum() < values.notna().sum():
        return values  # text, such as sanyi_version
    whole = values.map(lambda v: v is None or isinstance(v, int | np.integer)).all()
    numbers = numbers.astype(float)
    return numbers.astype("Int64") if whole else numbers


def _config_order(columns: set[str]) -> list[str]:
    groups = [g for g in GROUPS if g in columns]
    return ["seed", *groups, *sorted(columns - set(groups) - {"seed"})]


def _runs_table(jobs: list[Job]) -> tuple[pd.DataFrame, list[str]]:
    configs = [job.config() for job in jobs]
    config_columns = _config_order({k for c in configs for k in c} | {"seed"})
    records = []
    for job, config in zip(jobs, configs, strict=True):
        kpis = {k: v for k, v in job.summary.items() if k not in ("overrides", "seed")}
        records.append({"run": job.run, "status": job.status, **config, "seed": job.seed(),
                        **kpis, "error": job.error})
    runs = pd.DataFrame.from_records(records)
    for column in config_columns:
        runs[column] = _typed(runs[column])
    kpi_columns = [c for c in runs.columns if c not in ("run", "status", "error", *config_columns)]
    for column in kpi_columns:
        runs[column] = _numeric(runs[column])
    runs = runs[["run", "status", *config_columns, *kpi_columns, "error"]]
    runs["status"] = pd.Categorical(runs["status"], categories=[OK, FAILED, MISSING])
    return runs, config_columns


def _columns(path: Path, metrics: list[str] | None) -> list[str]:
    names = pq.read_schema(path).names
    if metrics is None:
        known = [m.name for m in METRICS if m.name in names]
        return [*KEYS, *known, *(n for n in names if n not in known and n not in KEYS)]
    unknown = [m for m in metrics if m not in names]
    if unknown:
        raise UsageError(f"unknown metric {', '.join(unknown)}; see python -m sanyi.model.metrics")
    return [*KEYS, *metrics]


def _read(path: Path, columns: list[str]) -> pa.Table:
    """The wanted columns of one run's table (those it has: older runs may lack new metrics)."""
    parquet = pq.ParquetFile(path)
    names = set(parquet.schema_arrow.names)
    return parquet.read(columns=[c for c in columns if c in names], use_threads=False)


def _annual_table(runs: pd.DataFrame, config_columns: list[str], folders: dict[str, Path],
                  metrics: list[str] | None) -> pd.DataFrame:
    ok = runs.index[runs.status == OK]
    if not len(ok):
        return pd.DataFrame(columns=["run", *config_columns, *KEYS])
    paths = [folders[run] / ANNUAL for run in runs.run[ok]]
    columns = _columns(paths[0], metrics)
    with ThreadPoolExecutor(max_workers=READERS) as pool:  # Parquet reads release the GIL
        tables = list(pool.map(lambda p: _read(p, columns), paths))
    data = pa.concat_tables(tables, promote_options="default").to_pandas()
    rows = np.repeat(ok.to_numpy(), [t.num_rows for t in tables])
    keys = runs.loc[rows, ["run", *config_columns]].reset_index(drop=True)
    keys["run"] = keys["run"].astype("category")
    return pd.concat([keys, data], axis=1)


def collect(path: str | Path, metrics: list[str] | None = None) -> Collected:
    """Collect a sweep folder (or a single run folder) into tidy tables; see the module doc."""
    root = Path(path)
    if not root.is_dir():
        raise UsageError(f"no such folder: {root}")
    jobs = scan(root)
    if not jobs:
        raise UsageError(f"no runs in {root} (a run folder holds .hydra/, summary.json or error.json)")
    runs, config_columns = _runs_table(jobs)
    annual = _annual_table(runs, config_columns, {job.run: job.path for job in jobs}, metrics)
    if len(annual):
        last = annual.groupby("run", observed=True)["year"].max()
        runs.insert(len(config_columns) + 2, "last_year", runs.run.map(last).astype("Int64"))
    return Collected(annual, runs, config_columns)


def load(folder: str | Path) -> Collected:
    """Read tables written by ``sanyi-collect`` (a folder holding ``runs.parquet``)."""
    folder = Path(folder)
    runs = pd.read_parquet(folder / RUNS_FILE)
    annual = pd.read_parquet(folder / ANNUAL_FILE)
    columns = list(annual.columns)  # run, the config columns, year, scheme, the metrics
    return Collected(annual, runs, columns[1:columns.index("year")])


def open_sweep(path: str | Path) -> Collected:
    """A folder written by ``sanyi-collect``, or a sweep or run folder collected now.

    A sweep is collected afresh (it takes seconds) rather than read from an older
    ``collected/`` folder, which may predate jobs that finished since.
    """
    path = Path(path)
    if (path / RUNS_FILE).is_file() and (path / ANNUAL_FILE).is_file():
        return load(path)
    return collect(path)


def _main(argv: list[str] | None) -> int:
    parser = Parser(prog="sanyi-collect", description=__doc__.splitlines()[0])
    parser.add_argument("dir", type=Path, help="a sweep folder (multirun/...) or a run folder")
    parser.add_argument("--out", type=Path, help="where to write (default: DIR/collected)")
    parser.add_argument("--long", action="store_true",
                        help="a row per run x year x scheme x metric instead of a column per metric")
    parser.add_argument("--metrics", nargs="+", help="only these metric columns (default: all)")
    parser.add_argument("--nation", action="store_true",
                        help="also national totals of a nation sweep (+experiment=nation): "
                             "provinces summed, ratios recomputed (national.parquet)")
    args = parser.parse_args(argv)
    sweep = collect(args.dir, args.metrics)
    out = args.out or args.dir / COLLECTED
    paths = sweep.save(out, long=args.long)
    print(f"{sweep.counts()}; wrote {paths[0]} ({len(sweep.annual):,} rows) and {paths[1]}")
    if args.nation:
        _save_national(sweep, out)
    return 0


def _save_national(sweep: Collected, out: Path) -> None:
    """``national.parquet`` of a nation sweep, and which provinces it sums."""
    from sanyi.experiments.national import NATIONAL_FILE, national

    totals = national(sweep)
    _write(totals.annual, out / NATIONAL_FILE)
    print(f"{totals.report()}; wrote {out / NATIONAL_FILE} ({len(totals.annual):,} rows; "
          f"simulated by scale factor; left out, not formed from sums: "
          f"{', '.join(totals.left_out) or 'none'})")


def main(argv: list[str] | None = None) -> int:
    return run_command("sanyi-collect", lambda: _main(argv))


if __name__ == "__main__":
    sys.exit(main())
