"""One line instead of a traceback: a run too large for memory, and Ctrl-C during a run.

Issue 7: ``population.size=1000000000`` died in numpy after creating an empty output folder;
Ctrl-C gave chained tracebacks.
"""

from __future__ import annotations

import re
import signal
from pathlib import Path

import pytest

from sanyi.experiments.resources import (
    BYTES_PER_PERSON,
    available_bytes,
    check_memory,
    needed_bytes,
)
from sanyi.model.config import ConfigError
from tests.conftest import config
from tests.console import messages, sanyi_run, start

GB = 10**9


def test_a_population_too_large_for_memory_is_refused_before_any_folder_exists(
        tmp_path: Path) -> None:
    result = sanyi_run("population.size=1000000000", cwd=tmp_path)

    assert result.returncode == 2
    (line,) = messages(result.stderr)
    assert re.fullmatch(r"sanyi-run: population\.size=1000000000 needs about [\d,.]+ GB of memory; "
                        r"this machine has [\d,.]+ GB available \(.*\)", line)
    assert "Traceback" not in result.stderr
    assert list(tmp_path.iterdir()) == []  # no outputs/ folder


def test_the_memory_check_says_what_the_run_needs_and_what_the_machine_has() -> None:
    cfg = config(size=2_000)
    cfg.population.size = 10_000_000

    with pytest.raises(ConfigError) as caught:
        check_memory(cfg, available=2 * GB)

    assert "needs about 6.3 GB of memory; this machine has 2.0 GB available" in str(caught.value)


def test_a_run_that_fits_passes_the_memory_check() -> None:
    check_memory(config(size=100_000), available=8 * GB)


def test_the_memory_a_run_needs_grows_by_a_constant_per_person() -> None:
    assert needed_bytes(2_000_000) - needed_bytes(1_000_000) == 1_000_000 * BYTES_PER_PERSON


def test_available_memory_is_read_from_memavailable(tmp_path: Path) -> None:
    meminfo = tmp_path / "meminfo"
    meminfo.write_text("MemTotal:       16000000 kB\nMemAvailable:    8000000 kB\n")

    assert available_bytes(meminfo) == 8_000_000 * 1024


def test_without_proc_meminfo_available_memory_comes_from_sysconf(tmp_path: Path) -> None:
    assert available_bytes(tmp_path / "missing") > 0


@pytest.mark.parametrize("stop", [signal.SIGINT, signal.SIGTERM], ids=["ctrl-c", "sigterm"])
def test_ctrl_c_during_a_run_says_where_it_stopped_and_leaves_no_partial_outputs(
        tmp_path: Path, stop: signal.Signals) -> None:
    """Ctrl-C, or a scheduler's SIGTERM, ends the run the same way."""
    folder = tmp_path / "run"
    proc = start("population.size=50000", "population.start_year=2024",
                 "population.end_year=2050", f"hydra.run.dir={folder}", cwd=tmp_path)
    for line in proc.stdout:  # the run logs one line when it starts stepping
        if "simulating" in line:
            break
    proc.send_signal(stop)
    _, stderr = proc.communicate(timeout=60)

    assert proc.returncode == 130
    (line,) = messages(stderr)
    assert re.fullmatch(rf"sanyi-run: interrupted in 20\d\d-\d\d; nothing was written to {folder}",
                        line)
    assert "Traceback" not in stderr
    # Hydra's record of the config and its log file, nothing else (no output, no temporary).
    assert sorted(p.name for p in folder.iterdir()) == [".hydra", "run.log"]
