"""Sweeps that say how they went, resume where they stopped, and hold nothing per job.

``ResumableSweeper`` is Hydra's ``BasicSweeper`` (same sweep syntax, ``hydra.sweeper.params``
for named experiments) with four additions, all of which look only at the job folders, so
they work under every launcher (joblib, submitit, ray):

- at start, one line: how many jobs are done, failed and still to run;
- with ``resume=true`` and the same ``hydra.sweep.dir``, jobs whose outputs are complete (and
  whose recorded overrides match) are skipped; failed and missing jobs run again;
- a progress bar over jobs, fed by a thread that polls the job folders;
- at the end, one line of counts (done, failed, skipped) naming the failed jobs' folders, and
  exit code 1 when a job failed.

Jobs are launched in batches of at most ``max_batch_size`` and each batch's ``JobReturn``s are
dropped once its folders are checked, so the parent's memory does not grow with the sweep.
Hydra finds plugins only under ``hydra_plugins``; ``hydra_plugins/sanyi_sweeper`` registers
this class there.
"""

from __future__ import annotations

import logging
import sys
import threading
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from hydra._internal.core_plugins.basic_sweeper import BasicSweeper
from hydra.core.override_parser.overrides_parser import OverridesParser
from omegaconf import OmegaConf, open_dict
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

from sanyi.experiments import folders
from sanyi.experiments.folders import Status
from sanyi.model.configure import one_line
from sanyi.model.outputs import write_json

log = logging.getLogger(__name__)
SHOWN_FAILURES = 10  # failed folders named in the final line; the rest are counted
EXIT_FAILED, EXIT_REFUSED, EXIT_INTERRUPTED = 1, 2, 130


@dataclass
class Job:
    num: int  # Hydra's hydra.job.num: the launcher numbers jobs from initial_job_idx
    overrides: list[str]
    folder: Path


@dataclass
class Triage:
    """A sweep's jobs at start: those to run, and how many are done or failed already."""

    to_run: list[Job]
    done: int
    failed: int

    def line(self, sweep_dir: Path) -> str:
        total, missing = self.done + len(self.to_run), len(self.to_run) - self.failed
        return (f"sanyi-run: sweep of {total} jobs in {sweep_dir}: {self.done} done, "
                f"{self.failed} failed, {missing} not run; {len(self.to_run)} to run")


def _check_same_job(job: Job) -> None:
    """A finished job's folder must hold a run of this job's overrides, or resuming mixes sweeps."""
    recorded = folders.comparable(folders.recorded_overrides(job.folder) or ["?"])
    wanted = folders.comparable(job.overrides)
    if recorded != wanted:
        theirs = " ".join(o for o in recorded if o not in wanted) or "no override"
        ours = " ".join(o for o in wanted if o not in recorded) or "no override"
        raise SweepRefused(f"{job.folder} holds a run with {theirs}, not {ours} as job {job.num} "
                           "asks; resume the same sweep, or choose another hydra.sweep.dir")


@dataclass
class SweepOutcome:
    """How a sweep went; ``sanyi-run`` exits with ``exit_code``."""

    done: int = 0
    failed: list[Path] = field(default_factory=list)
    skipped: int = 0
    exit_code: int = 0

    def line(self) -> str:
        names = [str(f) for f in self.failed[:SHOWN_FAILURES]]
        if len(self.failed) > SHOWN_FAILURES:
            names.append(f"and {len(self.failed) - SHOWN_FAILURES} more")
        text = (f"sanyi-run: sweep finished: {self.done} done, {len(self.failed)} failed, "
                f"{self.skipped} skipped")
        return text + ("; failed: " + ", ".join(names) if names else "")


LAST: SweepOutcome | None = None  # the outcome of the last sweep in this process


class SweepRefused(Exception):
    """The sweep cannot start as asked (one line for the user; nothing was launched)."""


class ResumableSweeper(BasicSweeper):
    def __init__(self, max_batch_size: int | None = None, params: dict[str, str] | None = None,
                 poll_seconds: float = 1.0) -> None:
        # BasicSweeper's attributes, set here rather than by its __init__: Hydra's plugin scan
        # re-executes basic_sweeper.py, after which that __init__'s super(BasicSweeper, self)
        # names a new class this one does not derive from, and fails.
        self.max_batch_size, self.params = max_batch_size, dict(params or {})
        self.overrides = None
        self.batch_index = 0
        self.hydra_context = self.config = self.launcher = None
        self.poll_seconds = poll_seconds

    def sweep(self, arguments: list[str]) -> SweepOutcome:
        global LAST
        assert self.config is not None
        sweep_dir = Path(str(self.config.hydra.sweep.dir))  # resolves (and caches) ${now:} ${pid:}
        resume = bool(OmegaConf.select(self.config, "resume", default=False))
        try:
            triage = self._triage(self._plan(arguments), sweep_dir, resume)
        except SweepRefused as err:
            print(f"sanyi-run: {err}", file=sys.stderr)
            LAST = SweepOutcome(exit_code=EXIT_REFUSED)
            return LAST
        print(triage.line(sweep_dir), file=sys.stderr)
        sweep_dir.mkdir(parents=True, exist_ok=True)
        OmegaConf.save(self.config, sweep_dir / "multirun.yaml")
        LAST = self._run(triage.to_run, skipped=triage.done)
        if LAST.exit_code != EXIT_INTERRUPTED:
            print(LAST.line(), file=sys.stderr)
        return LAST

    # -- planning -------------------------------------------------------------------------
    def _plan(self, arguments: list[str]) -> list[Job]:
        """Every job's overrides and folder, numbered as the launchers will number them."""
        assert self.hydra_context is not None
        parser = OverridesParser.create(config_loader=self.hydra_context.config_loader)
        overrides = parser.parse_overrides(self._parse_config() + list(arguments))
        (all_jobs,) = self.split_arguments(overrides, None)
        return [Job(num, list(o), self._folder(o, num)) for num, o in enumerate(all_jobs)]

    def _folder(self, overrides: Sequence[str], num: int) -> Path:
        """``hydra.sweep.dir/hydra.sweep.subdir`` of job ``num``, as ``run_job`` will resolve it.

        The usual subdir, the job number, needs no composing; any other (say, one built from
        the overrides) is read from the job's composed config.
        """
        assert self.hydra_context is not None and self.config is not None
        sweep = OmegaConf.to_container(self.config.hydra.sweep, resolve=False)
        if isinstance(sweep, dict) and sweep.get("subdir") == "${hydra.job.num}":
            return Path(str(self.config.hydra.sweep.dir)) / str(num)
        cfg = self.hydra_context.config_loader.load_sweep_config(self.config, list(overrides))
        with open_dict(cfg):
            cfg.hydra.job.num = num
            cfg.hydra.job.id = f"{cfg.hydra.job.name}_{num}"
        return Path(str(cfg.hydra.sweep.dir)) / str(cfg.hydra.sweep.subdir)

    def _composable(self, batch: list[Job]) -> list[Job]:
        """The jobs whose config composes; the others are failed here, each with its reason.

        ``BasicSweeper`` checks a batch before launching it and stops the sweep at the first
        bad job; here a bad job fails alone, as a job that fails while running does.
        """
        assert self.hydra_context is not None and self.config is not None
        good = []
        for job in batch:
            try:
                self.hydra_context.config_loader.load_sweep_config(self.config, job.overrides)
            except Exception as err:
                write_json({"error": f"the job's config does not compose: {one_line(err)}"},
                           job.folder / folders.ERROR)
                continue
            good.append(job)
        return good

    @staticmethod
    def _triage(jobs: list[Job], sweep_dir: Path, resume: bool) -> Triage:
        """Which jobs to run; refuse to mix this sweep's outputs with another's."""
        states = [folders.status(job.folder) for job in jobs]
        started = len(jobs) - states.count(Status.MISSING)
        if started and not resume:
            raise SweepRefused(f"{sweep_dir} already holds {started} jobs of a sweep; add "
                               "resume=true to complete it, or choose another hydra.sweep.dir")
        for job, state in zip(jobs, states, strict=True):
            if state is Status.DONE:
                _check_same_job(job)
        return Triage(to_run=[j for j, s in zip(jobs, states, strict=True) if s is not Status.DONE],
                      done=states.count(Status.DONE), failed=states.count(Status.FAILED))

    # -- running --------------------------------------------------------------------------
    def _run(self, to_run: list[Job], skipped: int) -> SweepOutcome:
        outcome = SweepOutcome(skipped=skipped)
        show = bool(OmegaConf.select(self.config, "progress", default=True))
        batch: list[Job] = []
        with _JobProgress(len(to_run), self.poll_seconds, show) as progress:
            try:
                for batch in self._batches(to_run):
                    for job in batch:  # a rerun must not be counted finished by an old error
                        (job.folder / folders.ERROR).unlink(missing_ok=True)
                    progress.watch([job.folder for job in batch])
                    for launchable in self._batches(self._composable(batch)):
                        self._launch(launchable)
                    self._tally(batch, outcome)
            except KeyboardInterrupt:
                self._tally(batch, outcome, missing_failed=False)
                outcome.exit_code = EXIT_INTERRUPTED
                left = len(to_run) - outcome.done - len(outcome.failed)
                print(f"sanyi-run: sweep interrupted: {outcome.done} done, {len(outcome.failed)} "
                      f"failed, {left} not run; run it again with resume=true to finish it",
                      file=sys.stderr)
        if outcome.failed and not outcome.exit_code:
            outcome.exit_code = EXIT_FAILED
        return outcome

    def _batches(self, jobs: list[Job]) -> Iterator[list[Job]]:
        """Runs of consecutive job numbers, cut at ``max_batch_size``.

        Launchers number a batch's jobs from ``initial_job_idx`` on, so a batch must be
        consecutive for each job to land in its own folder.
        """
        size = self.max_batch_size or len(jobs) or 1
        batch: list[Job] = []
        for job in jobs:
            if batch and (job.num != batch[-1].num + 1 or len(batch) >= size):
                yield batch
                batch = []
            batch.append(job)
        if batch:
            yield batch

    def _launch(self, batch: list[Job]) -> None:
        assert self.launcher is not None
        try:
            self.launcher.launch([job.overrides for job in batch], initial_job_idx=batch[0].num)
        except Exception as err:  # a launcher error loses this batch, not the sweep
            log.error("launching jobs %d-%d failed: %s", batch[0].num, batch[-1].num, err)
            for job in batch:
                if folders.status(job.folder) is Status.MISSING:
                    write_json({"error": f"the launcher failed: {err}"}, job.folder / folders.ERROR)
        # The JobReturns are dropped here: the job folders say everything the sweep needs.

    @staticmethod
    def _tally(batch: list[Job], outcome: SweepOutcome, missing_failed: bool = True) -> None:
        """Count a launched batch from its folders.

        A job that left neither outputs nor an error record (its worker crashed or was
        killed) gets one and counts as failed, unless the sweep was interrupted.
        """
        for job in batch:
            state = folders.status(job.folder)
            if state is Status.DONE:
                outcome.done += 1
            elif state is Status.FAILED:
                outcome.failed.append(job.folder)
            elif missing_failed:
                write_json({"error": "the job ended without writing its outputs"},
                           job.folder / folders.ERROR)
                outcome.failed.append(job.folder)


class _JobProgress:
    """A progress bar over jobs, updated by a thread polling the job folders.

    Polling the folders (outputs or ``error.json``) rather than the launcher is what makes it
    work with every launcher, remote ones included.
    """

    def __init__(self, total: int, poll_seconds: float, show: bool) -> None:
        self.total, self.poll_seconds, self.show = total, poll_seconds, show
        self._pending: list[Path] = []
        self._done = self._failed = 0
        self._lock = threading.Lock()
        self._stop = threading.Event()
        self._progress: Progress | None = None
        self._thread = threading.Thread(target=self._loop, name="sweep-progress", daemon=True)

    def __enter__(self) -> _JobProgress:
        if self.show and self.total:
            columns = (TextColumn("[bold]jobs"), BarColumn(), MofNCompleteColumn(),
                       TextColumn("{task.description}"), TimeElapsedColumn())
            self._progress = Progress(*columns, console=Console(stderr=True))
            self._task = self._progress.add_task("", total=self.total)
            self._progress.start()
            self._thread.start()
        return self

    def watch(self, job_folders: list[Path]) -> None:
        if self._progress is None:
            return
        with self._lock:
            self._pending.extend(job_folders)

    def _loop(self) -> None:
        while not self._stop.wait(self.poll_seconds):
            self._poll()

    def _poll(self) -> None:
        with self._lock:
            states = [folders.status(f) for f in self._pending]
            self._pending = [f for f, s in zip(self._pending, states, strict=True)
                             if s is Status.MISSING]
            self._done += states.count(Status.DONE)
            self._failed += states.count(Status.FAILED)
            if self._progress is not None:
                self._progress.update(self._task, completed=self._done + self._failed,
                                      description=f"{self._done} done, {self._failed} failed")

    def __exit__(self, *exc: Any) -> None:
        self._stop.set()
        if self._thread.is_alive():
            self._thread.join()
        if self._progress is not None:
            self._poll()
            self._progress.stop()
