"""The job folders of a sweep (or one run folder): where they are, how they went, what they ran.

A job folder is one a run wrote: it holds ``.hydra/``, ``summary.json`` or ``error.json``. Its
status follows the sweeper's rule: **ok** when every output file is present, **failed** when
``error.json`` is there without complete outputs, **missing** otherwise (a job that never ran,
or stopped before writing). Jobs the sweep planned (``multirun.yaml``) but never started are
listed as missing too, so a partial sweep shows what is left.

Only small text files are read here (``.hydra/overrides.yaml``, the ``choices:`` block of
``.hydra/hydra.yaml``, ``summary.json``), so scanning 1,000 jobs takes well under a second.
"""

from __future__ import annotations

import json
import os
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml
from hydra._internal.core_plugins.basic_sweeper import BasicSweeper
from hydra.core.override_parser.overrides_parser import OverridesParser

from sanyi.model.outputs import ANNUAL, MONTHLY, SUMMARY

OUTPUTS = (ANNUAL, MONTHLY, SUMMARY)
ERROR = "error.json"
OK, FAILED, MISSING = "ok", "failed", "missing"
# Overrides that change how a run is shown or scheduled, never its outputs: not columns.
NOT_CONFIG = ("progress", "resume")
_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
_SEED = re.compile(r"^seed: *(-?\d+) *$", re.MULTILINE)


@dataclass
class Job:
    """One job of a sweep, as found on disk (or as planned, for a job never started)."""

    run: str  # the folder relative to the sweep folder, e.g. "12"
    path: Path
    status: str
    overrides: list[str] = field(default_factory=list)
    choices: dict[str, str] = field(default_factory=dict)  # config group -> option
    summary: dict[str, Any] = field(default_factory=dict)
    error: str = ""

    def config(self) -> dict[str, Any]:
        """Config columns: each override ``key=value`` and each group's chosen option."""
        out: dict[str, Any] = {}
        for override in self.overrides:
            key, _, value = override.partition("=")
            key = key.lstrip("+~")
            if key not in NOT_CONFIG and not key.startswith("hydra"):
                out[key] = value
        return out | self.choices

    def seed(self) -> int | None:
        if "seed" in self.summary:
            return int(self.summary["seed"])
        for override in self.overrides:
            if override.startswith("seed="):
                return int(override.partition("=")[2])
        try:  # a failed run: the resolved config says which seed it had
            hit = _SEED.search((self.path / ".hydra" / "config.yaml").read_text(encoding="utf-8"))
        except OSError:
            return None
        return int(hit.group(1)) if hit else None


def is_job_folder(path: Path) -> bool:
    return any((path / name).exists() for name in (".hydra", SUMMARY, ERROR))


def status(path: Path) -> str:
    if all((path / name).is_file() for name in OUTPUTS):
        return OK
    return FAILED if (path / ERROR).is_file() else MISSING


def _natural(run: str) -> list[Any]:
    """Sort key: job 2 before job 10."""
    return [int(p) if p.isdigit() else p for p in re.split(r"(\d+)", run)]


def job_folders(root: Path) -> list[Path]:
    """Every job folder at or below ``root`` (a run folder is its own only job)."""
    if is_job_folder(root):
        return [root]
    found: list[Path] = []
    stack = [root]
    while stack:
        with os.scandir(stack.pop()) as entries:
            for entry in entries:
                if entry.is_dir() and not entry.name.startswith("."):
                    path = Path(entry.path)
                    (found if is_job_folder(path) else stack).append(path)
    return sorted(found, key=lambda p: _natural(p.relative_to(root).as_posix()))


def _choices(hydra_yaml: Path) -> dict[str, str]:
    """``hydra.runtime.choices`` without parsing the whole file: the lines of that block."""
    try:
        lines = hydra_yaml.read_text(encoding="utf-8").splitlines()
    except OSError:
        return {}
    try:
        start = lines.index("    choices:") + 1
    except ValueError:
        return {}
    block = []
    for line in lines[start:]:
        if not line.startswith("      "):
            break
        block.append(line)
    parsed = yaml.load("\n".join(block), Loader=_LOADER) or {}
    return {k: str(v) for k, v in parsed.items() if not k.startswith("hydra/") and v is not None}


def _read_json(path: Path) -> dict[str, Any]:
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}


def read_job(root: Path, path: Path) -> Job:
    """A job folder's status, overrides, chosen options, KPIs and error."""
    run = path.relative_to(root).as_posix() if path != root else path.name
    job = Job(run, path, status(path), choices=_choices(path / ".hydra" / "hydra.yaml"))
    job.overrides = _overrides(path / ".hydra" / "overrides.yaml")
    if job.status == OK:
        job.summary = _read_json(path / SUMMARY)
        job.overrides = job.overrides or list(job.summary.get("overrides", []))
    elif job.status == FAILED:
        lines = str(_read_json(path / ERROR).get("error", "")).strip().splitlines()
        job.error = lines[0] if lines else "failed"
    return job


def _overrides(path: Path) -> list[str]:
    try:
        return [str(o) for o in yaml.load(path.read_text(encoding="utf-8"), Loader=_LOADER) or []]
    except OSError:
        return []


def planned_jobs(sweep_dir: Path) -> list[list[str]] | None:
    """The overrides of every job the sweep planned, in Hydra's job order (None if unknown).

    Expands ``multirun.yaml`` (sweeper params, then command-line overrides) the way Hydra's
    basic sweeper does; only meaningful when job folders are named by job number.
    """
    path = sweep_dir / "multirun.yaml"
    if not path.is_file():
        return None
    try:
        hydra = (yaml.load(path.read_text(encoding="utf-8"), Loader=_LOADER) or {})["hydra"]
        if str(hydra["sweep"]["subdir"]) != "${hydra.job.num}":
            return None
        params = [f"{k}={v}" for k, v in (hydra["sweeper"].get("params") or {}).items()]
        overrides = OverridesParser.create().parse_overrides(params + list(hydra["overrides"]["task"]))
        (jobs,) = BasicSweeper.split_arguments(overrides, None)
        return [list(j) for j in jobs]
    except Exception:  # an unusual sweeper or an old file: just collect what is on disk
        return None


def scan(root: Path) -> list[Job]:
    """Every job of a sweep folder or a run folder, with planned-but-absent jobs as missing."""
    jobs = [read_job(root, p) for p in job_folders(root)]
    planned = planned_jobs(root)
    if planned is not None:
        seen = {job.run for job in jobs}
        if seen <= {str(n) for n in range(len(planned))}:
            for num, overrides in enumerate(planned):
                if str(num) not in seen:
                    jobs.append(Job(str(num), root / str(num), MISSING, overrides=overrides))
            jobs.sort(key=lambda j: _natural(j.run))
    return jobs
