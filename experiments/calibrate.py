"""``sanyi-calibrate``: fit hand-calibrated parameters to the official statistics with Optuna.

    sanyi-calibrate                                   # conf/calibrate/default.yaml, 40 trials
    sanyi-calibrate --trials 80 --seeds 3 --out calibration
    sanyi-calibrate --spec my_params.yaml --storage sqlite:///fit.db --study-name fit2

The parameters and their bounds come from a YAML file (``conf/calibrate/default.yaml``), so the
list changes without code. Each trial runs the model 2018-2023 for a few seeds (the same seeds
in every trial) and scores it against the rows of ``model/data/targets.csv`` that carry a
tolerance: the mean of (error / tolerance)^2, so a row at the edge of its tolerance adds 1.
Rows from ``holdout_from_year`` on (2023) are left out of that score and reported apart.

Trials are stored in SQLite (``--storage``): running the same command again resumes the study
and stops when it holds ``--trials`` finished trials. The first trial is the hand calibration,
so the report shows the fit before and after. Extra arguments are Hydra overrides for every
run (e.g. ``population.size=50000``). The report folder is described in ``calibration_report``.
"""

from __future__ import annotations

import functools
import logging
import re
import sys
from dataclasses import asdict, dataclass
from pathlib import Path

import numpy as np
import pandas as pd
import yaml
from omegaconf import OmegaConf

from sanyi.experiments.cli import Parser, UsageError, require, run_command
from sanyi.experiments.validate import simulate
from sanyi.model import calibration
from sanyi.model.config import ConfigError
from sanyi.model.configure import CONF_DIR, compose_dict

DEFAULT_SPEC = CONF_DIR / "calibrate" / "default.yaml"


@dataclass(frozen=True)
class Parameter:
    key: str  # a config path as on the command line, e.g. pricing.bed_day_price.tertiary
    low: float
    high: float
    log: bool = False


@dataclass(frozen=True)
class Spec:
    parameters: tuple[Parameter, ...]
    holdout_from_year: int = calibration.LAST_YEAR
    seeds: int = 2
    population_size: int = 20_000


def load_spec(path: Path) -> Spec:
    """Read a parameter file; one-line errors for what is missing or inconsistent."""
    try:
        raw = yaml.safe_load(Path(path).read_text(encoding="utf-8")) or {}
        params = tuple(Parameter(str(k), float(v["low"]), float(v["high"]), bool(v.get("log")))
                       for k, v in (raw.get("parameters") or {}).items())
    except OSError:
        raise UsageError(f"cannot read {path}") from None
    except (yaml.YAMLError, KeyError, TypeError, ValueError, AttributeError):
        raise UsageError(f"{path}: each parameter needs low and high bounds, e.g. "
                         "scenario.tfr_offset: {low: -0.5, high: 0.5}") from None
    if not params:
        raise UsageError(f"{path} names no parameters")
    for p in params:
        if not p.low < p.high:
            raise UsageError(f"{path}: {p.key} needs low < high (got {p.low:g}, {p.high:g})")
    return Spec(params, int(raw.get("holdout_from_year", calibration.LAST_YEAR)),
                int(raw.get("seeds", 2)), int(raw.get("population_size", 20_000)))


def hand_values(spec: Spec, overrides: list[str]) -> dict[str, float]:
    """The values the composed default config gives each parameter (today's hand calibration)."""
    cfg = compose_dict(overrides)
    values = {}
    for p in spec.parameters:
        value = OmegaConf.select(cfg, p.key)
        if not isinstance(value, int | float) or isinstance(value, bool):
            raise UsageError(f"{p.key} is not a number in the config; check the key")
        values[p.key] = float(value)
    return values


_TOLERANCE = re.compile(r"^±([0-9.]+)(%?)$")
SIGN = "> 0"  # a row that only asks for the right sign (e.g. a fund's yearly balance)


def tolerance_value(text: str) -> float:
    """A tolerance as ``compare`` writes it (``±10%``, ``±0.05``) as a number (0.10, 0.05)."""
    hit = _TOLERANCE.match(text)
    if not hit:
        raise ValueError(f"not a tolerance: {text!r}")
    return float(hit.group(1)) / (100 if hit.group(2) else 1)


SIGN_MISS_CAP = 3.0  # a wrong sign costs 1 to 3 tolerances, so one row cannot swamp the rest


def _sign_miss(row: pd.Series) -> float:
    """A sign row in tolerances: 0 when right, else 1 plus how far below zero per target."""
    if row.within:
        return 0.0
    miss = max(0.0, -float(row.model)) / max(abs(float(row.target)), 1e-9)
    return min(1.0 + miss, SIGN_MISS_CAP)


def scored(table: pd.DataFrame) -> pd.DataFrame:
    """Rows with a tolerance and a model value, with ``z`` = error in tolerances."""
    rows = table[table.within.notna()].copy()
    sign = rows.tolerance == SIGN
    rows["z"] = 0.0
    if (~sign).any():
        rows.loc[~sign, "z"] = (rows.error[~sign].astype(float)
                                / rows.tolerance[~sign].map(tolerance_value))
    if sign.any():
        rows.loc[sign, "z"] = rows[sign].apply(_sign_miss, axis=1)
    return rows


def loss(table: pd.DataFrame, holdout_from_year: int) -> tuple[float, float]:
    """Mean squared error relative to each row's tolerance: (fit rows, held-out rows)."""
    rows = scored(table)
    fit, held = rows[rows.year < holdout_from_year], rows[rows.year >= holdout_from_year]
    return float(np.mean(fit.z ** 2)), float(np.mean(held.z ** 2)) if len(held) else float("nan")


def as_overrides(values: dict[str, float]) -> list[str]:
    return [f"{key}={value:.6g}" for key, value in values.items()]


def run_overrides(spec: Spec, overrides: list[str]) -> list[str]:
    return [f"population.size={spec.population_size}", *overrides]


def evaluate(values: dict[str, float], spec: Spec, overrides: list[str]) -> pd.DataFrame:
    """Model versus targets, every row, for one set of parameter values (mean over seeds)."""
    return _evaluate(tuple(run_overrides(spec, overrides) + as_overrides(values)), spec.seeds).copy()


@functools.lru_cache(maxsize=8)
def _evaluate(overrides: tuple[str, ...], seeds: int) -> pd.DataFrame:
    """Runs are deterministic, so the report reuses a trial's runs (the hand calibration's)."""
    return calibration.compare(simulate(list(overrides), seeds))


def _study(storage: str, name: str, spec: Spec, overrides: list[str], seed: int):
    import optuna

    optuna.logging.set_verbosity(optuna.logging.WARNING)
    study = optuna.create_study(storage=storage, study_name=name, direction="minimize",
                                load_if_exists=True)
    # A resumed study must not replay the first call's random draws: seed by trials so far.
    study.sampler = optuna.samplers.TPESampler(seed=seed + len(study.trials))
    settings = {"spec": [asdict(p) for p in spec.parameters], "seeds": spec.seeds,
                "holdout_from_year": spec.holdout_from_year,
                "overrides": run_overrides(spec, overrides)}
    if "settings" not in study.user_attrs:
        study.set_user_attr("settings", settings)
    elif study.user_attrs["settings"] != settings:
        raise UsageError(f"study {name!r} in {storage} was run with other parameters, seeds or "
                         "overrides; resume it with the same ones or choose another --study-name")
    return study


def fit(spec: Spec, trials: int, storage: str, study_name: str, overrides: list[str],
        seed: int = 0):
    """Run (or resume) the study until it holds ``trials`` finished trials; returns it."""
    import optuna

    study = _study(storage, study_name, spec, overrides, seed)
    hand = hand_values(spec, run_overrides(spec, overrides))
    if not study.trials:
        start = {p.key: min(max(hand[p.key], p.low), p.high) for p in spec.parameters}
        study.enqueue_trial(start, user_attrs={"hand_calibration": start == hand})

    def objective(trial: optuna.Trial) -> float:
        values = {p.key: trial.suggest_float(p.key, p.low, p.high, log=p.log)
                  for p in spec.parameters}
        table = evaluate(values, spec, overrides)
        fit_loss, holdout_loss = loss(table, spec.holdout_from_year)
        trial.set_user_attr("holdout_loss", holdout_loss)
        return fit_loss

    done = sum(t.state == optuna.trial.TrialState.COMPLETE for t in study.trials)
    if trials > done:
        study.optimize(objective, n_trials=trials - done, catch=(ConfigError,))
    return study


def _main(argv: list[str] | None) -> int:
    from sanyi.experiments.calibration_report import write_report

    parser = Parser(prog="sanyi-calibrate", description=__doc__.splitlines()[0])
    parser.add_argument("--spec", type=Path, default=DEFAULT_SPEC,
                        help="parameters and bounds (default: conf/calibrate/default.yaml)")
    parser.add_argument("--trials", type=int, default=40, help="finished trials the study should hold")
    parser.add_argument("--seeds", type=int, help="runs per trial (default: from the spec)")
    parser.add_argument("--out", type=Path, default=Path("calibration"), help="report folder")
    parser.add_argument("--storage", help="Optuna storage URL (default: sqlite:///OUT/study.db)")
    parser.add_argument("--study-name", default="sanyi")
    parser.add_argument("--sampler-seed", type=int, default=0)
    parser.add_argument("overrides", nargs="*", help="Hydra overrides for every run")
    args = parser.parse_args(argv)
    require("optuna", "sanyi-calibrate")
    spec = load_spec(args.spec)
    if args.seeds:
        spec = Spec(spec.parameters, spec.holdout_from_year, args.seeds, spec.population_size)
    args.out.mkdir(parents=True, exist_ok=True)
    storage = args.storage or f"sqlite:///{(args.out / 'study.db').resolve()}"
    logging.getLogger("MESA").setLevel(logging.WARNING)
    study = fit(spec, args.trials, storage, args.study_name, args.overrides, args.sampler_seed)
    summary = write_report(args.out, spec, study, hand_values(spec, run_overrides(spec, args.overrides)),
                           args.overrides)
    print(summary)
    return 0


def main(argv: list[str] | None = None) -> int:
    return run_command("sanyi-calibrate", lambda: _main(argv))


if __name__ == "__main__":
    sys.exit(main())
