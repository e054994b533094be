"""Run ``sanyi-run`` as a user does, in a fresh process, to see exactly what they see."""

from __future__ import annotations

import signal
import subprocess
import sys
from pathlib import Path

SANYI_RUN = [sys.executable, "-c", "from sanyi.experiments.run import main; main()"]
# A job of a second or two: 2,000 persons for one year.
TINY = ["population.size=2000", "population.start_year=2024", "population.end_year=2024"]


def start(*args: str, cwd: Path) -> subprocess.Popen[str]:
    """``sanyi-run ARGS`` started in ``cwd`` (so nothing is written into the repository),
    with Ctrl-C handled as in a terminal: a parallel test worker ignores SIGINT, and a
    child would inherit that."""
    return subprocess.Popen([*SANYI_RUN, *args], cwd=cwd, stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True, preexec_fn=_default_ctrl_c)


def _default_ctrl_c() -> None:
    signal.signal(signal.SIGINT, signal.SIG_DFL)


def sanyi_run(*args: str, cwd: Path, timeout: float = 120) -> subprocess.CompletedProcess[str]:
    proc = start(*args, cwd=cwd)
    stdout, stderr = proc.communicate(timeout=timeout)
    return subprocess.CompletedProcess(proc.args, proc.returncode, stdout, stderr)


def messages(stderr: str) -> list[str]:
    """The ``sanyi-run: ...`` lines of stderr (progress bars and Hydra's logs left out)."""
    return [line for line in stderr.splitlines() if line.startswith("sanyi-run:")]
