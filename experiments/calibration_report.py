"""The report folder of ``sanyi-calibrate``: what was fitted, how well, and how to use it.

    OUT/report.md              losses before and after (fit rows and held-out rows), how to use
    OUT/parameters.csv         each parameter: hand value, fitted value, bounds, at a bound?
    OUT/comparison.csv         every targets row: target, model (hand and fitted), error, fit/holdout
    OUT/fit.png, fit.pdf       error of each scored row in tolerances, hand vs fitted
    OUT/trials.csv             every Optuna trial
    OUT/calibrated/fitted.yaml the fitted values as a config: sanyi-run --config-dir OUT +calibrated=fitted
    OUT/overrides.txt          the same as command-line overrides: sanyi-run $(cat OUT/overrides.txt)
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import yaml
from matplotlib.figure import Figure
from omegaconf import OmegaConf

from sanyi.experiments.calibrate import (
    Spec,
    as_overrides,
    evaluate,
    loss,
    run_overrides,
    scored,
)
from sanyi.model.configure import compose_dict


def _comparison(hand: pd.DataFrame, fitted: pd.DataFrame, holdout_from_year: int) -> pd.DataFrame:
    table = fitted[["year", "metric", "scope", "unit", "target", "tolerance", "note"]].copy()
    table["set"] = np.where(fitted.within.isna(), "not scored",
                            np.where(fitted.year < holdout_from_year, "fit", "holdout"))
    table["model_hand"], table["error_hand"] = hand.model, hand.error
    table["model_fitted"], table["error_fitted"] = fitted.model, fitted.error
    table["within_fitted"] = fitted.within
    return table


def _nested(values: dict[str, float], overrides: list[str]) -> dict[str, Any]:
    """The fitted values as nested YAML; a list entry brings its whole (fitted) list along."""
    cfg = compose_dict(overrides + as_overrides(values))
    flat: dict[str, Any] = {}
    for key in values:
        parts = key.split(".")
        cut = next((i for i, p in enumerate(parts) if p.isdigit()), len(parts))
        path = ".".join(parts[:cut])
        value = OmegaConf.select(cfg, path)
        flat[path] = OmegaConf.to_container(value) if OmegaConf.is_config(value) else value
    nested: dict[str, Any] = {}
    for path, value in flat.items():
        node = nested
        *parents, leaf = path.split(".")
        for part in parents:
            node = node.setdefault(part, {})
        node[leaf] = value
    return nested


def _write_config(out: Path, values: dict[str, float], overrides: list[str]) -> None:
    folder = out / "calibrated"
    folder.mkdir(parents=True, exist_ok=True)
    header = ("# @package _global_\n# Fitted by sanyi-calibrate (see ../report.md). Use:\n"
              f"#   sanyi-run --config-dir {out} +calibrated=fitted\n")
    body = yaml.safe_dump(_nested(values, overrides), sort_keys=False)
    (folder / "fitted.yaml").write_text(header + body, encoding="utf-8")
    (out / "overrides.txt").write_text("\n".join(as_overrides(values)) + "\n", encoding="utf-8")


def _figure(hand: pd.DataFrame, fitted: pd.DataFrame, holdout_from_year: int,
            losses: dict[str, float]) -> Figure:
    """Each scored row's error in tolerances: inside the band is inside the tolerance."""
    h, f = scored(hand), scored(fitted)
    labels = [f"{r.metric} {r.scope} {r.year}" for r in f.itertuples()]
    y = np.arange(len(f))[::-1]
    fig = Figure(figsize=(10, 0.19 * len(f) + 1.8), layout="constrained")
    ax = fig.subplots()
    ax.axvspan(-1, 1, color="tab:green", alpha=0.12, label="within tolerance")
    ax.scatter(h.z, y, facecolors="none", edgecolors="0.45", label="hand calibration")
    held = (f.year >= holdout_from_year).to_numpy()
    ax.scatter(f.z[~held], y[~held], color="tab:blue", label="fitted (fit rows)")
    ax.scatter(f.z[held], y[held], color="tab:orange", label=f"fitted (held out, {holdout_from_year}+)")
    ax.axvline(0, color="0.3", lw=0.8)
    ax.set_yticks(y, labels, fontsize="x-small")
    ax.set_xlabel("Model minus target, in tolerances (relative or absolute error / tolerance)")
    ax.legend(loc="upper left", bbox_to_anchor=(1.01, 1), fontsize="small")
    fig.suptitle("sanyi vs official statistics (model started in 2018)\n"
                 f"loss on fit rows {losses['hand_fit']:.2f} → {losses['fitted_fit']:.2f}, "
                 f"held-out rows {losses['hand_holdout']:.2f} → {losses['fitted_holdout']:.2f}",
                 fontsize="medium")
    return fig


def _markdown(out: Path, study, params: pd.DataFrame, losses: dict[str, float], spec: Spec) -> str:
    finished = sum(t.value is not None for t in study.trials)
    lines = [
        f"# Calibration report: study `{study.study_name}`", "",
        f"{finished} finished trials, {spec.seeds} seeds per trial, rows from "
        f"{spec.holdout_from_year} held out. Loss = mean of (error / tolerance)^2.", "",
        "| rows | hand calibration | fitted |", "|---|---|---|",
        f"| fit (before {spec.holdout_from_year}) | {losses['hand_fit']:.3f} | "
        f"{losses['fitted_fit']:.3f} |",
        f"| held out ({spec.holdout_from_year}+) | {losses['hand_holdout']:.3f} | "
        f"{losses['fitted_holdout']:.3f} |", "",
        _markdown_table(params),
        "", "Use the fitted values:", "", "```bash",
        f"sanyi-run --config-dir {out} +calibrated=fitted", f"sanyi-run $(cat {out}/overrides.txt)",
        "```", ""]
    return "\n".join(lines)


def _markdown_table(frame: pd.DataFrame) -> str:
    def cell(value: Any) -> str:
        if isinstance(value, float):
            return f"{value:,.0f}" if abs(value) >= 1000 else f"{value:.4g}"
        return str(value)

    rows = [" | ".join(frame.columns), " | ".join("---" for _ in frame.columns)]
    rows += [" | ".join(cell(v) for v in row) for row in frame.itertuples(index=False)]
    return "\n".join(f"| {row} |" for row in rows)


def write_report(out: Path, spec: Spec, study, hand: dict[str, float], overrides: list[str]) -> str:
    """Write the report folder (see the module doc); returns a short summary for the terminal."""
    fitted = {p.key: float(study.best_params[p.key]) for p in spec.parameters}
    hand_table, fitted_table = evaluate(hand, spec, overrides), evaluate(fitted, spec, overrides)
    (hf, hh), (ff, fh) = (loss(hand_table, spec.holdout_from_year),
                          loss(fitted_table, spec.holdout_from_year))
    losses = {"hand_fit": hf, "hand_holdout": hh, "fitted_fit": ff, "fitted_holdout": fh}
    params = pd.DataFrame([{"parameter": p.key, "hand": hand[p.key], "fitted": fitted[p.key],
                            "low": p.low, "high": p.high,
                            "at_bound": bool(np.isclose(fitted[p.key], [p.low, p.high],
                                                        rtol=0.01).any())}
                           for p in spec.parameters])
    params.to_csv(out / "parameters.csv", index=False)
    _comparison(hand_table, fitted_table, spec.holdout_from_year).to_csv(out / "comparison.csv",
                                                                        index=False)
    study.trials_dataframe().to_csv(out / "trials.csv", index=False)
    _write_config(out, fitted, run_overrides(spec, overrides))
    fig = _figure(hand_table, fitted_table, spec.holdout_from_year, losses)
    for fmt in ("png", "pdf"):
        fig.savefig(out / f"fit.{fmt}", dpi=110)
    (out / "report.md").write_text(_markdown(out, study, params, losses, spec), encoding="utf-8")
    return (f"sanyi-calibrate: loss on fit rows {hf:.3f} (hand) -> {ff:.3f} (fitted); held-out "
            f"{spec.holdout_from_year}+: {hh:.3f} -> {fh:.3f}; report in {out}")
