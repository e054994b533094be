"""Output folders: unique names, what a folder holds, and whether a run may write there.

A run must never write into another run's folder. Folder names carry the time to the
microsecond and the process id (``${now:%H-%M-%S-%f}-${pid:}`` in ``conf/config.yaml``), so two
runs started together get two folders; and a folder that already holds outputs is refused,
which also protects a folder named by hand (``hydra.run.dir=...``).
"""

from __future__ import annotations

import json
import os
import tempfile
from enum import Enum
from pathlib import Path

from omegaconf import OmegaConf

from sanyi.model.config import ConfigError
from sanyi.model.outputs import OUTPUTS, SUMMARY

ERROR = "error.json"
# Keys that change how a run is shown or scheduled, never its outputs: a resumed sweep that
# adds them still matches the jobs it ran before.
NOT_AFFECTING_OUTPUTS = ("resume", "progress")


class OutputsExist(ConfigError):
    """The output folder already holds a run's outputs; writing there would overwrite them."""


class Status(Enum):
    DONE = "done"  # every output is present
    FAILED = "failed"  # error.json and no complete outputs
    MISSING = "missing"  # never ran, or stopped before writing


def register_resolvers() -> None:
    """``${pid:}``: the process id, cached per config like Hydra's ``${now:}``.

    Cached, so the parent of a sweep and every job (which get a copy of the parent's cache)
    agree on the sweep folder. Must run before Hydra composes the config.
    """
    if not OmegaConf.has_resolver("pid"):
        OmegaConf.register_new_resolver("pid", os.getpid, use_cache=True)


def holds_outputs(folder: Path) -> bool:
    return any((folder / name).exists() for name in OUTPUTS)


def status(folder: Path) -> Status:
    if all((folder / name).exists() for name in OUTPUTS):
        return Status.DONE
    if (folder / ERROR).exists():
        return Status.FAILED
    return Status.MISSING


def comparable(overrides: list[str]) -> list[str]:
    """Overrides that decide a run's outputs, in a stable order."""
    return sorted(o for o in overrides if o.partition("=")[0].lstrip("+~") not in NOT_AFFECTING_OUTPUTS)


def recorded_overrides(folder: Path) -> list[str] | None:
    """The overrides a finished run wrote into its summary (None if unreadable)."""
    try:
        return list(json.loads((folder / SUMMARY).read_text(encoding="utf-8"))["overrides"])
    except (OSError, ValueError, KeyError, TypeError):
        return None


def refuse_if_holds_outputs(folder: Path) -> None:
    """Raise ``OutputsExist`` (one line for the user) when ``folder`` holds outputs."""
    if holds_outputs(folder):
        raise OutputsExist(f"{folder} already holds the outputs of a run; choose another "
                           "hydra.run.dir (runs never overwrite each other)")


def check_writable(folder: Path) -> None:
    """Raise ``ConfigError`` unless ``folder`` can be created (or written into).

    Probes the nearest existing parent by creating and removing a temporary folder there,
    which answers truthfully where permission bits do not (root, read-only mounts); the
    output folder itself is not created.
    """
    parent = folder.absolute()
    while not parent.exists():
        parent = parent.parent
    if not parent.is_dir():
        raise ConfigError(f"cannot write outputs to {folder}: {parent} is a file, not a folder")
    try:
        os.rmdir(tempfile.mkdtemp(prefix=".sanyi-probe-", dir=parent))
    except OSError as err:
        raise ConfigError(f"cannot write outputs to {folder}: cannot create folders in {parent} "
                          f"({err.strerror or err})") from None
