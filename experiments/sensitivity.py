"""``sanyi-sensitivity``: which uncertain parameters move the run-level KPIs most (SALib).

    sanyi-sensitivity                                   # Morris, conf/sensitivity/default.yaml
    sanyi-sensitivity --method sobol --out sobol_run population.end_year=2040
    sanyi-sensitivity hydra/launcher=submitit_slurm hydra.launcher.partition=<p>   # on a cluster

The uncertain parameters of ``scenario/`` and ``behaviour/`` and their ranges come from a YAML
file. The sample (Morris trajectories, or Saltelli's scheme for Sobol indices) is written as one
small config per point, ``OUT/sample/s0000.yaml`` ..., and run as an ordinary sweep,
``sanyi-run -m --config-dir OUT +sample=s0000,s0001,...``, so it goes through whatever Hydra
launcher the extra arguments choose and each run records its sample point as a config choice.
The sweep is collected with ``sanyi-collect``; each KPI of ``summary.json`` is averaged over the
seeds of a point (equal seeds at every point), and a year that never came (no deficit by the end)
counts as the year after the last. Writes ``OUT/indices.csv`` and ``.parquet`` (a row per KPI x
parameter) and ``OUT/sensitivity.png``/``.pdf``.
"""

from __future__ import annotations

import subprocess
import sys
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd
import yaml
from omegaconf import OmegaConf

from sanyi.experiments.cli import Parser, UsageError, require, run_command
from sanyi.experiments.collect import collect
from sanyi.experiments.jobs import OK
from sanyi.experiments.labels import censored
from sanyi.model.configure import CONF_DIR, compose_dict

DEFAULT_SPEC = CONF_DIR / "sensitivity" / "default.yaml"


@dataclass
class Spec:
    parameters: dict[str, tuple[float, float]]
    kpis: list[str]
    trajectories: int = 10
    levels: int = 4
    sobol_n: int = 64
    seeds: int = 1
    overrides: list[str] = field(default_factory=list)

    def problem(self) -> dict:
        return {"num_vars": len(self.parameters), "names": list(self.parameters),
                "bounds": [list(b) for b in self.parameters.values()]}


def load_spec(path: Path) -> Spec:
    """Read the parameter file; one-line errors for what is missing or inconsistent."""
    try:
        raw = yaml.safe_load(Path(path).read_text(encoding="utf-8")) or {}
        params = {str(k): (float(v[0]), float(v[1])) for k, v in raw["parameters"].items()}
        kpis = [str(k) for k in raw["kpis"]]
    except OSError:
        raise UsageError(f"cannot read {path}") from None
    except (yaml.YAMLError, KeyError, TypeError, ValueError, IndexError, AttributeError):
        raise UsageError(f"{path}: needs parameters (key: [low, high]) and kpis (a list)") from None
    bad = [k for k, (lo, hi) in params.items() if not lo < hi]
    if bad or len(params) < 2:
        raise UsageError(f"{path}: " + (f"{bad[0]} needs low < high" if bad
                                        else "needs at least two parameters"))
    morris, sobol = raw.get("morris") or {}, raw.get("sobol") or {}
    return Spec(params, kpis, int(morris.get("trajectories", 10)), int(morris.get("levels", 4)),
                int(sobol.get("n", 64)), int(raw.get("seeds", 1)), list(raw.get("overrides") or []))


def check_keys(spec: Spec, overrides: list[str]) -> None:
    """Compose one run at the ranges' lower ends: a misspelt key stops here, in one line."""
    settings = [o for o in [*spec.overrides, *overrides] if not o.startswith(("hydra", "+hydra"))]
    lows = [f"{key}={low}" for key, (low, _) in spec.parameters.items()]
    for key in spec.parameters:
        if OmegaConf.select(compose_dict(settings + lows), key) is None:
            raise UsageError(f"{key} is not in the config; check the key")


def sample(spec: Spec, method: str, seed: int = 0) -> np.ndarray:
    """The sample points, one row per run setting (SALib)."""
    from SALib.sample import morris, sobol

    if method == "morris":
        return morris.sample(spec.problem(), spec.trajectories, num_levels=spec.levels, seed=seed)
    return sobol.sample(spec.problem(), spec.sobol_n, calc_second_order=False, seed=seed)


def _nested(values: dict[str, float]) -> dict:
    out: dict = {}
    for key, value in values.items():
        *parents, leaf = key.split(".")
        node = out
        for part in parents:
            node = node.setdefault(part, {})
        node[leaf] = float(value)
    return out


def write_sample(out: Path, spec: Spec, points: np.ndarray) -> list[str]:
    """One config per point under ``OUT/sample/`` and the whole sample as ``sample.csv``."""
    folder = out / "sample"
    folder.mkdir(parents=True, exist_ok=True)
    width = max(4, len(str(len(points) - 1)))
    names = [f"s{i:0{width}d}" for i in range(len(points))]
    for name, row in zip(names, points, strict=True):
        text = yaml.safe_dump(_nested(dict(zip(spec.parameters, row, strict=True))))
        (folder / f"{name}.yaml").write_text("# @package _global_\n" + text, encoding="utf-8")
    frame = pd.DataFrame(points, columns=list(spec.parameters)).assign(sample=names)
    frame[["sample", *spec.parameters]].to_csv(out / "sample.csv", index=False)
    return names


def launch(out: Path, names: list[str], spec: Spec, overrides: list[str]) -> int:
    """Run the sample as one ``sanyi-run -m`` sweep (any launcher); returns its exit code."""
    seeds = ",".join(str(s) for s in range(spec.seeds))
    command = [sys.executable, "-m", "sanyi.experiments.run", "-m", "--config-dir", str(out),
               f"+sample={','.join(names)}", f"seed={seeds}", *spec.overrides, *overrides,
               "progress=false", f"hydra.sweep.dir={out / 'runs'}"]
    return subprocess.run(command, cwd=out).returncode


def outcomes(out: Path, spec: Spec, names: list[str]) -> pd.DataFrame:
    """KPIs per sample point (mean over seeds), in sample order; fails if a run failed."""
    runs = collect(out / "runs").runs
    bad = runs[runs.status != OK]
    if len(bad):
        raise UsageError(f"{len(bad)} of {len(runs)} runs did not finish (first: {bad.run.iloc[0]}, "
                         f"{bad.status.iloc[0]}); see {out / 'runs'}")
    unknown = [k for k in spec.kpis if k not in runs]
    if unknown:
        raise UsageError(f"unknown KPI {', '.join(unknown)}; KPIs are the keys of summary.json")
    values = pd.DataFrame({k: censored(runs, k)[0] for k in spec.kpis}).assign(sample=runs["sample"])
    return values.groupby("sample", observed=True).mean().reindex(names)


def analyse(spec: Spec, method: str, points: np.ndarray, y: pd.DataFrame, seed: int = 0) -> pd.DataFrame:
    """Sensitivity indices: a row per KPI x parameter."""
    from SALib.analyze import morris, sobol

    frames = []
    for kpi in spec.kpis:
        values = y[kpi].to_numpy(dtype=float)
        if method == "morris":
            res = morris.analyze(spec.problem(), points, values, num_levels=spec.levels, seed=seed)
            keep = ["mu_star", "mu_star_conf", "mu", "sigma"]
        else:
            res = sobol.analyze(spec.problem(), values, calc_second_order=False, seed=seed)
            keep = ["S1", "S1_conf", "ST", "ST_conf"]
        frame = pd.DataFrame({k: np.asarray(res[k], dtype=float) for k in keep})
        frames.append(frame.assign(kpi=kpi, parameter=list(spec.parameters)))
    table = pd.concat(frames, ignore_index=True)
    key = "mu_star" if method == "morris" else "ST"
    table["rank"] = table.groupby("kpi")[key].rank(ascending=False, method="min").astype(int)
    return table[["kpi", "parameter", *keep, "rank"]].sort_values(["kpi", "rank"], kind="stable")


def _main(argv: list[str] | None) -> int:
    from sanyi.experiments.sensitivity_figure import figure

    parser = Parser(prog="sanyi-sensitivity", description=__doc__.splitlines()[0])
    parser.add_argument("--spec", type=Path, default=DEFAULT_SPEC)
    parser.add_argument("--method", choices=("morris", "sobol"), default="morris")
    parser.add_argument("--out", type=Path, default=Path("sensitivity"))
    parser.add_argument("--trajectories", type=int, help="Morris trajectories (default: the spec's)")
    parser.add_argument("--sobol-n", type=int, help="Sobol base sample, a power of 2 (default: the spec's)")
    parser.add_argument("--seeds", type=int, help="seeds per sample point (default: the spec's)")
    parser.add_argument("--seed", type=int, default=0, help="seed of the sample and the bootstrap")
    parser.add_argument("overrides", nargs="*", help="Hydra overrides for every run (and launcher)")
    args = parser.parse_args(argv)
    require("SALib", "sanyi-sensitivity")
    spec = load_spec(args.spec)
    spec.trajectories = args.trajectories or spec.trajectories
    spec.sobol_n = args.sobol_n or spec.sobol_n
    spec.seeds = args.seeds or spec.seeds
    check_keys(spec, args.overrides)
    out = args.out.resolve()
    points = sample(spec, args.method, args.seed)
    names = write_sample(out, spec, points)
    print(f"sanyi-sensitivity: {args.method}, {len(spec.parameters)} parameters, {len(names)} "
          f"points x {spec.seeds} seed(s) = {len(names) * spec.seeds} runs under {out / 'runs'}")
    if launch(out, names, spec, args.overrides) not in (0, 1):
        raise UsageError(f"the sweep did not start; see the messages above (runs in {out / 'runs'})")
    table = analyse(spec, args.method, points, outcomes(out, spec, names), args.seed)
    table.to_csv(out / "indices.csv", index=False)
    table.to_parquet(out / "indices.parquet", index=False)
    fig = figure(table, args.method)
    for fmt in ("png", "pdf"):
        fig.savefig(out / f"sensitivity.{fmt}", dpi=110)
    top = table[table["rank"] == 1].set_index("kpi")["parameter"]
    print("most influential: " + "; ".join(f"{k}: {p}" for k, p in top.items()))
    print(f"wrote {out / 'indices.csv'} and {out / 'sensitivity.png'}")
    return 0


def main(argv: list[str] | None = None) -> int:
    return run_command("sanyi-sensitivity", lambda: _main(argv))


if __name__ == "__main__":
    sys.exit(main())
