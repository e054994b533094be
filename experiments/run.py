"""``sanyi-run``: one run (or a Hydra sweep) of the model.

The Hydra entry point is thin: it hands the composed config to :func:`run`, a plain function
that tests call directly. A bad config stops the run before the first step with one line.
"""

from __future__ import annotations

import logging
import sys
import time
import traceback
from pathlib import Path
from typing import Any

import hydra
from hydra.core.hydra_config import HydraConfig
from hydra.types import RunMode
from omegaconf import DictConfig

from sanyi import __version__
from sanyi.experiments import preflight
from sanyi.experiments.report import kpi_table, progress_bar
from sanyi.model import ledger, outputs
from sanyi.model.config import ConfigError, SanyiConfig, register_configs
from sanyi.model.model import SanyiModel
from sanyi.model.validation import validate

log = logging.getLogger(__name__)


def run(cfg: DictConfig | SanyiConfig, output_dir: str | Path,
        overrides: list[str] | None = None, show_progress: bool = False) -> dict[str, Any]:
    """Run the model for a composed config and write its outputs under ``output_dir``."""
    typed = validate(cfg)
    logging.getLogger("MESA").setLevel(logging.WARNING)  # Mesa logs every step at INFO
    started = time.perf_counter()
    model = SanyiModel(typed)
    if show_progress:
        with progress_bar(model.n_months, label=_label(typed)) as advance:
            model.run(advance)
    else:
        model.run()
    annual = ledger.annual_table(model.ledger, model.months, model.scale)
    monthly = ledger.monthly_table(model.ledger, model.months, model.scale)
    summary = ledger.summarize(annual)
    summary |= {
        "seed": typed.seed,
        "overrides": list(overrides or []),
        "sanyi_version": __version__,
        "wall_seconds": round(time.perf_counter() - started, 3),
    }
    outputs.write_run(Path(output_dir), annual, monthly, summary)
    return summary


def _label(cfg: SanyiConfig) -> str:
    return (f"{cfg.population.start_year}-{cfg.population.end_year} "
            f"{cfg.scenario.name}/{cfg.payment.name}")


@hydra.main(version_base="1.3", config_path=str(preflight.CONF_DIR), config_name="config")
def hydra_entry(cfg: DictConfig) -> dict[str, Any] | None:
    hc = HydraConfig.get()
    out = Path(hc.runtime.output_dir)
    overrides = list(hc.overrides.task)
    single = hc.mode == RunMode.RUN
    try:
        summary = run(cfg, out, overrides, show_progress=single and bool(cfg.get("progress")))
    except ConfigError as err:
        if single:
            print(f"sanyi-run: {err}", file=sys.stderr)
            sys.exit(2)
        _record_failure(out, err)
        return None
    except Exception as err:  # a failed run in a sweep must not lose the others
        if single:
            raise
        _record_failure(out, err)
        return None
    if single:
        kpi_table(summary, out)
    return summary


def _record_failure(out: Path, err: BaseException) -> None:
    log.error("run failed: %s", err)
    text = "".join(traceback.format_exception(err))
    outputs.write_json({"error": str(err), "traceback": text}, out / "error.json")


def main() -> None:
    """Console script: check the command-line config once, then hand over to Hydra."""
    register_configs()
    try:
        preflight.check(sys.argv[1:])
    except ConfigError as err:
        print(f"sanyi-run: {err}", file=sys.stderr)
        sys.exit(2)
    hydra_entry()


if __name__ == "__main__":
    main()
