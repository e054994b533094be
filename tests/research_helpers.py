"""Small real sweeps for the research-workflow tests, run once per test session.

A sweep goes through ``sanyi-run -m`` and Hydra's joblib launcher in a subprocess, exactly as
a researcher launches one; it is cached so that the collect, plot and example tests share it.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

SMALL = ["population.size=1500", "population.start_year=2024", "population.end_year=2025",
         "progress=false"]
# Two levers that exist today, two options each, two seeds: 8 jobs.
TINY_SWEEP = ["pricing=zero_markup,markup_15", "scenario=baseline,fast_aging", "seed=0,1"]
_CACHE: dict[str, Path] = {}


def sweep(folder: Path, *overrides: str) -> subprocess.CompletedProcess[str]:
    """Run ``sanyi-run -m`` with ``overrides`` into ``folder`` (returns the finished process)."""
    return subprocess.run(
        [sys.executable, "-c", "from sanyi.experiments.run import main; main()", "-m",
         *overrides, f"hydra.sweep.dir={folder}"],
        cwd=folder.parent, capture_output=True, text=True, timeout=300)


def tiny_sweep(factory: pytest.TempPathFactory) -> Path:
    """The 2 x 2 x 2-seed sweep on 1,500 persons over 2024-2025 (run once per session)."""
    if "tiny" not in _CACHE:
        folder = factory.mktemp("research") / "sweep"
        done = sweep(folder, *TINY_SWEEP, *SMALL)
        assert done.returncode == 0, done.stderr[-2000:]
        _CACHE["tiny"] = folder
    return _CACHE["tiny"]
