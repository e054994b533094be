"""Sweeps report failure, and resume where they stopped (issue 7; issue 11, item 2).

A three-job sweep with a typo in one seed (``seed=0,1,-1``): the bad job fails inside its run
and writes ``error.json``, the sweep exits 1 and its last line names the failed folder. Run
again with the typo fixed and ``resume=true``, only that job runs.
"""

from __future__ import annotations

import json
import signal
import time
from pathlib import Path

import pytest

from sanyi.experiments.folders import OUTPUTS
from sanyi.experiments.sweeper import Job, ResumableSweeper, SweepRefused
from tests.console import TINY, messages, sanyi_run, start


@pytest.fixture(scope="module")
def sweeps(tmp_path_factory: pytest.TempPathFactory) -> dict:
    """The failing sweep, then the same sweep resumed with the bad seed fixed."""
    cwd = tmp_path_factory.mktemp("sweeps")
    sweep_dir = cwd / "sweep"
    failing = sanyi_run("-m", "seed=0,1,-1", *TINY, f"hydra.sweep.dir={sweep_dir}", cwd=cwd)
    finished_first = {n: (sweep_dir / str(n) / "summary.json").stat().st_mtime_ns
                      for n in (0, 1)}
    error = json.loads((sweep_dir / "2" / "error.json").read_text())
    # Resume reads only the job folders, so any launcher will do: here Hydra's basic one.
    resumed = sanyi_run("-m", "seed=0,1,2", *TINY, f"hydra.sweep.dir={sweep_dir}", "resume=true",
                        "hydra/launcher=basic", cwd=cwd)
    return {"dir": sweep_dir, "failing": failing, "resumed": resumed,
            "finished_first": finished_first, "error": error}


def test_a_sweep_with_a_failed_job_exits_with_code_1(sweeps: dict) -> None:
    assert sweeps["failing"].returncode == 1


def test_a_sweep_ends_with_one_line_of_counts_naming_the_failed_folder(sweeps: dict) -> None:
    last = messages(sweeps["failing"].stderr)[-1]

    assert last == (f"sanyi-run: sweep finished: 2 done, 1 failed, 0 skipped; "
                    f"failed: {sweeps['dir'] / '2'}")


def test_the_failed_job_says_why_in_its_folder(sweeps: dict) -> None:
    assert "seed=-1" in sweeps["error"]["error"]  # error.json of job 2, before the resume


def test_a_sweep_says_at_start_how_many_jobs_are_done_failed_and_to_run(sweeps: dict) -> None:
    first = messages(sweeps["failing"].stderr)[0]
    again = messages(sweeps["resumed"].stderr)[0]

    assert first == f"sanyi-run: sweep of 3 jobs in {sweeps['dir']}: 0 done, 0 failed, 3 not run; 3 to run"
    assert again == f"sanyi-run: sweep of 3 jobs in {sweeps['dir']}: 2 done, 1 failed, 0 not run; 1 to run"


def test_resume_reruns_only_the_failed_job(sweeps: dict) -> None:
    resumed, sweep_dir = sweeps["resumed"], sweeps["dir"]

    assert resumed.returncode == 0
    assert messages(resumed.stderr)[-1] == "sanyi-run: sweep finished: 1 done, 0 failed, 2 skipped"
    for n, mtime in sweeps["finished_first"].items():  # the jobs that had finished: untouched
        assert (sweep_dir / str(n) / "summary.json").stat().st_mtime_ns == mtime
    assert all((sweep_dir / "2" / name).is_file() for name in OUTPUTS)
    assert not (sweep_dir / "2" / "error.json").exists()
    assert json.loads((sweep_dir / "2" / "summary.json").read_text())["seed"] == 2


def test_a_job_whose_config_does_not_compose_fails_alone(tmp_path: Path) -> None:
    result = sanyi_run("-m", *TINY, "population.size=2000,abc", f"hydra.sweep.dir={tmp_path}",
                       "hydra/launcher=basic", cwd=tmp_path)

    assert result.returncode == 1
    assert messages(result.stderr)[-1].startswith("sanyi-run: sweep finished: 1 done, 1 failed")
    error = json.loads((tmp_path / "1" / "error.json").read_text())["error"]
    assert error == "the job's config does not compose: population.size=abc; allowed: an integer"


# ---------------------------------------------------------------------------------------
# the sweeper's decisions, without launching anything
# ---------------------------------------------------------------------------------------


def _finished_job(folder: Path, overrides: list[str]) -> None:
    folder.mkdir(parents=True)
    for name in OUTPUTS:
        (folder / name).write_text("{}")
    (folder / "summary.json").write_text(json.dumps({"overrides": overrides}))


def test_a_sweep_into_a_folder_with_results_needs_resume(tmp_path: Path) -> None:
    _finished_job(tmp_path / "0", ["seed=2"])
    jobs = [Job(0, ["seed=2"], tmp_path / "0"), Job(1, ["seed=3"], tmp_path / "1")]

    with pytest.raises(SweepRefused) as refused:
        ResumableSweeper._triage(jobs, tmp_path, resume=False)

    assert str(refused.value) == (f"{tmp_path} already holds 1 jobs of a sweep; add resume=true "
                                  "to complete it, or choose another hydra.sweep.dir")


def test_resume_refuses_a_folder_whose_run_had_other_overrides(tmp_path: Path) -> None:
    _finished_job(tmp_path / "0", ["seed=2", "population.size=2000"])
    jobs = [Job(0, ["seed=3", "population.size=2000", "resume=true"], tmp_path / "0")]

    with pytest.raises(SweepRefused, match="holds a run with seed=2, not seed=3 as job 0 asks"):
        ResumableSweeper._triage(jobs, tmp_path, resume=True)


def test_resume_skips_a_finished_job_whatever_resume_and_progress_say(tmp_path: Path) -> None:
    _finished_job(tmp_path / "0", ["seed=2", "progress=false"])
    jobs = [Job(0, ["seed=2", "resume=True"], tmp_path / "0"), Job(1, ["seed=3"], tmp_path / "1")]

    triage = ResumableSweeper._triage(jobs, tmp_path, resume=True)

    assert [job.num for job in triage.to_run] == [1] and triage.done == 1


def test_jobs_are_launched_in_runs_of_consecutive_numbers_cut_at_the_batch_size() -> None:
    """Launchers number a batch's jobs from its first, so a batch must not skip a number."""
    sweeper = ResumableSweeper(max_batch_size=2)
    jobs = [Job(n, [f"seed={n}"], Path(str(n))) for n in (1, 2, 3, 5, 8, 9)]

    batches = [[job.num for job in batch] for batch in sweeper._batches(jobs)]

    assert batches == [[1, 2], [3], [5], [8, 9]]


def test_a_sweep_stopped_by_sigterm_says_so_and_leaves_no_partial_outputs(tmp_path: Path) -> None:
    """A scheduler's SIGTERM to a sweep: exit 130, the counts and how to finish, no job's
    outputs half written (``resume=true`` then runs the jobs, as tested above)."""
    sweep = tmp_path / "sweep"
    proc = start("-m", "seed=range(4)", "population.size=60000", "population.end_year=2045",
                 f"hydra.sweep.dir={sweep}", "progress=false", cwd=tmp_path)
    for line in proc.stderr:  # the sweep announces its jobs, then launches them
        if "sweep of 4 jobs" in line:
            break
    time.sleep(3)
    proc.send_signal(signal.SIGTERM)
    _, stderr = proc.communicate(timeout=120)

    assert proc.returncode == 130
    assert any("sweep interrupted" in m and "resume=true" in m for m in messages(stderr))
    for job in sweep.iterdir():
        if job.is_dir() and job.name.isdigit():
            written = {p.name for p in job.iterdir()} & set(OUTPUTS)
            assert written in (set(), set(OUTPUTS)), written  # all of a job's outputs or none
