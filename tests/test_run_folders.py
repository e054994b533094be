"""A run never writes into another run's folder, and its files are as readable as any other.

Issue 7: two runs started in the same second used to share a folder named to the second, and
output files were created 0600.
"""

from __future__ import annotations

import os
import re
from pathlib import Path

import pytest

from sanyi.experiments.folders import OUTPUTS, OutputsExist
from sanyi.experiments.run import run
from tests.conftest import config
from tests.console import TINY, messages, sanyi_run, start


@pytest.fixture(scope="module")
def two_runs(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, list[int]]:
    """Two ``sanyi-run``s started at the same moment in one folder: (that folder, their pids)."""
    cwd = tmp_path_factory.mktemp("together")
    procs = [start(*TINY, cwd=cwd), start(*TINY, cwd=cwd)]
    for proc in procs:
        proc.communicate(timeout=120)
        assert proc.returncode == 0
    return cwd, [proc.pid for proc in procs]


def test_two_runs_started_together_write_two_complete_folders(two_runs) -> None:
    cwd, _ = two_runs

    run_folders = sorted(cwd.glob("outputs/*/*"))

    assert len(run_folders) == 2
    for folder in run_folders:
        assert all((folder / name).is_file() for name in OUTPUTS)


def test_run_folders_are_named_by_date_time_to_the_microsecond_and_process_id(two_runs) -> None:
    cwd, pids = two_runs

    run_folders = list(cwd.glob("outputs/*/*"))

    assert all(re.fullmatch(r"\d{4}-\d{2}-\d{2}", f.parent.name) for f in run_folders)
    assert all(re.fullmatch(r"\d{2}-\d{2}-\d{2}-\d{6}-\d+", f.name) for f in run_folders)
    assert sorted(int(f.name.rsplit("-", 1)[1]) for f in run_folders) == sorted(pids)


def test_a_run_pointed_at_a_folder_with_outputs_is_refused_in_one_line(tmp_path: Path) -> None:
    earlier = tmp_path / "earlier"  # an earlier run's folder
    (earlier / ".hydra").mkdir(parents=True)
    for name in (*OUTPUTS, ".hydra/config.yaml"):
        (earlier / name).write_text("the earlier run's")

    again = sanyi_run(*TINY, f"hydra.run.dir={earlier}", cwd=tmp_path)

    assert again.returncode == 2
    assert messages(again.stderr) == [
        f"sanyi-run: {earlier} already holds the outputs of a run; choose another "
        "hydra.run.dir (runs never overwrite each other)"]
    assert "Traceback" not in again.stderr
    assert {p.read_text() for p in earlier.rglob("*") if p.is_file()} == {"the earlier run's"}
    assert not (earlier / "run.log").exists()  # Hydra never started in it


def test_run_refuses_a_folder_that_holds_a_summary(tmp_path: Path) -> None:
    (tmp_path / "summary.json").write_text("{}")

    with pytest.raises(OutputsExist, match="already holds the outputs of a run"):
        run(config(size=2_000, end=2024), tmp_path)


def test_an_unwritable_run_folder_is_refused_in_one_line(tmp_path: Path) -> None:
    (tmp_path / "a_file").write_text("not a folder")

    result = sanyi_run(*TINY, f"hydra.run.dir={tmp_path / 'a_file' / 'run'}", cwd=tmp_path)

    assert result.returncode == 2
    assert messages(result.stderr) == [
        f"sanyi-run: cannot write outputs to {tmp_path / 'a_file' / 'run'}: "
        f"{tmp_path / 'a_file'} is a file, not a folder"]
    assert "Traceback" not in result.stderr


@pytest.mark.skipif(os.geteuid() == 0, reason="root may write into any folder")
def test_a_read_only_parent_folder_is_refused_in_one_line(tmp_path: Path) -> None:
    locked = tmp_path / "locked"
    locked.mkdir(mode=0o555)

    result = sanyi_run(*TINY, f"hydra.run.dir={locked / 'run'}", cwd=tmp_path)

    assert result.returncode == 2
    assert len(messages(result.stderr)) == 1
    assert "cannot write outputs" in result.stderr and "Permission denied" in result.stderr
