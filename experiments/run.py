"""``sanyi-run``: one run (or a Hydra sweep) of the model.

The Hydra entry point is thin: it hands the composed config to :func:`run`, a plain function
that tests call directly. A user error (a bad config, a run too large for memory, an output
folder that cannot be written or already holds outputs, Ctrl-C) ends the run with one line
on stderr, never a traceback.
"""

from __future__ import annotations

import logging
import signal
import sys
import time
import traceback
from collections.abc import Callable
from pathlib import Path
from typing import Any, NoReturn

import hydra
from hydra.core.hydra_config import HydraConfig
from hydra.core.plugins import Plugins
from hydra.types import RunMode
from omegaconf import DictConfig

from hydra_plugins.sanyi_sweeper.sanyi_sweeper import SanyiSweeper
from sanyi import __version__
from sanyi.experiments import folders, named, preflight, sweeper
from sanyi.experiments.report import kpi_table, progress_bar
from sanyi.experiments.resources import check_memory
from sanyi.model import checkpoint, ledger, outputs, province
from sanyi.model.config import ConfigError, SanyiConfig, register_configs
from sanyi.model.configure import CONF_DIR
from sanyi.model.model import SanyiModel
from sanyi.model.province import Province
from sanyi.model.validation import validate

log = logging.getLogger(__name__)
# At import, so that every process resolving a folder name knows ${pid:} (the parent before
# Hydra starts, and the workers of remote launchers, which import this module to run a job).
folders.register_resolvers()

EXIT_BAD_INPUT, EXIT_INTERRUPTED = 2, 130


class RunInterrupted(Exception):
    """Ctrl-C during a run; the message says where it stopped."""


def run(cfg: DictConfig | SanyiConfig, output_dir: str | Path,
        overrides: list[str] | None = None, show_progress: bool = False) -> dict[str, Any]:
    """Run the model for a composed config and write its outputs under ``output_dir``.

    Outputs are written only at the end and all together, so an interrupted run leaves no
    partial outputs; a folder that already holds a run's outputs is refused (``OutputsExist``).
    """
    typed = validate(cfg)
    check_memory(typed)
    out = Path(output_dir)
    folders.refuse_if_holds_outputs(out)
    (out / folders.ERROR).unlink(missing_ok=True)  # a failed sweep job run again starts clean
    logging.getLogger("MESA").setLevel(logging.WARNING)  # Mesa logs every step at INFO
    started = time.perf_counter()
    model: SanyiModel | Province | None = None
    try:
        model = _start(typed, overrides or [])
        _simulate(model, model.cfg, show_progress, out)
        tables, summary = _outputs(model)
        summary |= {
            "seed": typed.seed,
            "overrides": list(overrides or []),
            "sanyi_version": __version__,
            "wall_seconds": round(time.perf_counter() - started, 3),
        }
        _write_all_or_nothing(out, tables, summary)
    except KeyboardInterrupt:
        raise RunInterrupted(f"interrupted {_where(model)}; nothing was written to {out}") from None
    return summary


def _outputs(model: SanyiModel | Province) -> tuple[dict[str, Any], dict[str, Any]]:
    """The run's tables (file name -> table) and its KPIs; a province's tables have a
    ``region`` column (each region's rows and ``all``)."""
    if isinstance(model, Province):
        annual = province.annual_table(model)
        institutions = province.institution_tables(model)
        tables = {outputs.ANNUAL: annual, outputs.MONTHLY: province.monthly_table(model),
                  outputs.HOSPITALS: institutions["hospitals"],
                  outputs.SUPPLIERS: institutions["suppliers"],
                  outputs.TENDERS: institutions["tenders"]}
        return tables, province.summary(model, annual)
    annual = ledger.annual_table(model.ledger, model.months, model.scale)
    tables = {outputs.ANNUAL: annual,
              outputs.MONTHLY: ledger.monthly_table(model.ledger, model.months, model.scale),
              outputs.HOSPITALS: ledger.hospitals_table(model.hospital_rows),
              outputs.SUPPLIERS: ledger.suppliers_table(model.medicines.rows),
              outputs.TENDERS: ledger.tenders_table(model.medicines.agency.results,
                                                    model.market)}
    return tables, ledger.summarize(annual)


def _start(cfg: SanyiConfig, overrides: list[str]) -> SanyiModel | Province:
    """A new model (a province for ``population=province``), or the one a checkpoint holds
    (``resume_from``)."""
    if not cfg.resume_from:
        return province.simulation(cfg)
    overridden = {o.split("=", 1)[0].lstrip("+~") for o in overrides if "=" in o}
    model = checkpoint.load(Path(cfg.resume_from), cfg, overridden)
    model.cfg.checkpoint, model.cfg.progress = cfg.checkpoint, cfg.progress
    return model


def _simulate(model: SanyiModel | Province, cfg: SanyiConfig, show_progress: bool, out: Path) -> None:
    pop = cfg.population  # announced with the bar (a sweep's jobs stay quiet)
    log.log(logging.INFO if show_progress else logging.DEBUG,
            "simulating %s persons from %d-01 to %d-12 (%d months)", f"{pop.size:,}",
            pop.start_year, pop.end_year, model.n_months)
    every = cfg.checkpoint.every_years

    def after_month(done: int, advance: Callable[[int], None] | None = None) -> None:
        if advance is not None:
            advance(done)
        years_done = model.year - pop.start_year
        if every and model.running and model.month == 1 and years_done % every == 0:
            checkpoint.save(model, out / "checkpoints" / f"{model.year - 1}.ckpt")

    if show_progress:
        with progress_bar(model.n_months, label=_label(cfg), done=len(model.months)) as advance:
            model.run(lambda done: after_month(done, advance))
    else:
        model.run(after_month)


def _where(model: SanyiModel | Province | None) -> str:
    if model is None:
        return "while building the model"
    if model.running:
        return f"in {model.year}-{model.month:02d}"
    return "after the last month, while writing the outputs"


def _write_all_or_nothing(out: Path, tables: dict[str, Any], summary: dict[str, Any]) -> None:
    """Each file is atomic; this makes the set atomic too (a failure removes the ones written)."""
    try:
        outputs.write_run(out, tables, summary)
    except BaseException:
        for name in folders.OUTPUTS:
            (out / name).unlink(missing_ok=True)
        raise


def _label(cfg: SanyiConfig) -> str:
    return (f"{cfg.population.start_year}-{cfg.population.end_year} "
            f"{cfg.scenario.name}/{cfg.payment.name}")


@hydra.main(version_base="1.3", config_path=str(CONF_DIR), config_name="config")
def hydra_entry(cfg: DictConfig) -> dict[str, Any] | None:
    hc = HydraConfig.get()
    out = Path(hc.runtime.output_dir)
    overrides = list(hc.overrides.task)
    if hc.mode == RunMode.RUN:
        return _single_run(cfg, out, overrides)
    _sweep_job(cfg, out, overrides)
    return None  # the parent of a sweep keeps nothing per job: the folders hold the results


def _single_run(cfg: DictConfig, out: Path, overrides: list[str]) -> dict[str, Any]:
    try:
        summary = run(cfg, out, overrides, show_progress=bool(cfg.get("progress")))
    except ConfigError as err:
        _fail(str(err), EXIT_BAD_INPUT)
    except RunInterrupted as err:
        _fail(str(err), EXIT_INTERRUPTED)
    kpi_table(summary, out)
    return summary


def _sweep_job(cfg: DictConfig, out: Path, overrides: list[str]) -> None:
    try:
        run(cfg, out, overrides)
    except folders.OutputsExist as err:  # another run's outputs: leave its folder as it is
        log.error("%s", err)
    except RunInterrupted as err:  # stopped, not failed: resume=true runs it again
        log.error("%s", err)
    except Exception as err:  # a failed run in a sweep must not lose the others
        _record_failure(out, err)


def _record_failure(out: Path, err: BaseException) -> None:
    log.error("run failed: %s", err)
    text = "".join(traceback.format_exception(err))
    outputs.write_json({"error": str(err), "traceback": text}, out / folders.ERROR)


def _fail(message: str, code: int) -> NoReturn:
    print(f"sanyi-run: {message}", file=sys.stderr)
    sys.exit(code)


def _terminated(signum: int, frame: Any) -> None:
    raise KeyboardInterrupt


def main() -> None:
    """Console script: answer --version, check a single run's config and folder, hand over to Hydra."""
    argv = sys.argv[1:]
    if "--version" in argv or "-V" in argv:
        print(f"sanyi {__version__}")
        return
    register_configs()
    signal.signal(signal.SIGTERM, _terminated)  # a scheduler's stop ends a run like Ctrl-C
    Plugins.instance().register(SanyiSweeper)  # editable installs hide it from Hydra's scan
    try:
        named.check_argv(argv)  # a named experiment whose levers are not built yet says so
        preflight.check(argv)
        sweeper.LAST = None
        hydra_entry()
    except ConfigError as err:
        _fail(str(err), EXIT_BAD_INPUT)
    except KeyboardInterrupt:
        _fail("interrupted outside a run; nothing partial was written", EXIT_INTERRUPTED)
    if sweeper.LAST is not None and sweeper.LAST.exit_code:
        sys.exit(sweeper.LAST.exit_code)


if __name__ == "__main__":
    main()
