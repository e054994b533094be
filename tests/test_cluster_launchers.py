"""A sweep under the cluster launchers, run on this machine: Submitit's and Ray's.

The README sends cluster users to ``hydra/launcher=submitit_slurm`` and ``hydra/launcher=ray``
and promises the same outputs under any launcher. Neither a SLURM cluster nor a Ray cluster is
here, so each test runs the same two-job sweep through what each plugin offers locally:

- ``hydra/launcher=submitit_local``: Submitit's SLURM code path, with each job in a process
  of its own started by Submitit instead of ``sbatch`` (extra ``slurm``);
- ``hydra/launcher=ray`` with no address: the plugin starts a private single-node Ray and runs
  each job as a Ray task in a Ray worker process (extra ``ray``). Ray's ``local_mode`` would
  run the jobs in the parent process, but Ray 2.54 removed it, and a real Ray is the better test.

and checks that every job wrote its outputs, that ``sanyi-collect`` finds every job ok, and
that each job's outputs are byte for byte those of the same job under the default joblib
launcher. Without a launcher's extra its tests are skipped, naming the extra to install.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from sanyi.experiments.collect import collect, main
from sanyi.model.outputs import OUTPUTS, SUMMARY
from tests.console import SANYI_RUN, TINY, messages

pytestmark = pytest.mark.slow  # each sweep starts processes: 5 to 15 seconds

# Two jobs of 2,000 persons over one year; they differ only in the seed.
SWEEP = [*TINY, "progress=false", "seed=0,1"]
JOBS = ("0", "1")
# The only thing a run writes that may differ between two runs of one config and seed.
TIMING = "wall_seconds"
Launched = tuple[Path, subprocess.CompletedProcess[str]]  # the sweep folder, the finished run


@dataclass
class Launch:
    """How to start the sweep under one launcher: command prefix, overrides, environment."""

    overrides: list[str]
    prefix: list[str] = field(default_factory=list)
    env: dict[str, str] = field(default_factory=dict)


def _sweep(folder: Path, launch: Launch) -> subprocess.CompletedProcess[str]:
    """``sanyi-run -m`` of the two-job sweep into ``folder``, as a researcher types it."""
    folder.parent.mkdir(parents=True, exist_ok=True)
    return subprocess.run(
        [*launch.prefix, *SANYI_RUN, "-m", *SWEEP, *launch.overrides, f"hydra.sweep.dir={folder}"],
        cwd=folder.parent, env=os.environ | launch.env, capture_output=True, text=True,
        timeout=300)


def _submitit_local(_: Path) -> Launch:
    pytest.importorskip("hydra_plugins.hydra_submitit_launcher",
                        reason="hydra-submitit-launcher is not installed: pip install -e '.[slurm]'")
    return Launch(["hydra/launcher=submitit_local"])


def _loopback_only() -> list[str]:
    """A command prefix that runs a program in a network namespace of its own, with only loopback.

    Every start of Ray (even with the dashboard and usage reports off) asks the cloud metadata
    address 169.254.169.254 which cloud it runs on. These tests must not touch the network, so
    Ray runs where that address cannot be reached: the ask fails at once, and nothing leaves
    the machine. ``unshare`` needs root, or unprivileged user namespaces (``--map-root-user``).
    """
    if not (shutil.which("unshare") and shutil.which("ip")):
        pytest.skip("the Ray test needs unshare (util-linux) and ip (iproute2) to keep Ray off "
                    "the network")
    prefix = ["unshare", "--net"] + ([] if os.geteuid() == 0 else ["--map-root-user"])
    prefix += ["sh", "-c", 'ip link set lo up && exec "$@"', "sh"]
    probe = subprocess.run([*prefix, "true"], capture_output=True, text=True)
    if probe.returncode:
        pytest.skip(f"the Ray test cannot make a network namespace to keep Ray off the network: "
                    f"{probe.stderr.strip()}")
    return prefix


def _ray_local(scratch: Path) -> Launch:
    pytest.importorskip("hydra_plugins.hydra_ray_launcher",
                        reason="hydra-ray-launcher is not installed: pip install -e '.[ray]'")
    return Launch(
        # No address: the plugin starts a Ray of its own. Ray's session folder goes to
        # scratch (not /tmp/ray), and no dashboard is served.
        ["hydra/launcher=ray", f"+hydra.launcher.ray.init._temp_dir={scratch}",
         "+hydra.launcher.ray.init.include_dashboard=false"],
        prefix=_loopback_only(),
        # No usage reports; no login token written to ~/.ray, since nothing outside the
        # namespace can reach this Ray anyway.
        env={"RAY_USAGE_STATS_ENABLED": "0", "RAY_AUTH_MODE": "disabled"})


# Each takes a short private folder for the launcher's own files (Submitit keeps its own in
# the sweep folder, under .submitit/) and returns how to launch, or skips saying what is missing.
LAUNCHERS = {"submitit_local": _submitit_local, "ray": _ray_local}


@pytest.fixture(scope="module")
def joblib_sweep(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The same sweep under the default launcher (joblib): the outputs to match."""
    folder = tmp_path_factory.mktemp("joblib") / "sweep"
    done = _sweep(folder, Launch([]))
    assert done.returncode == 0, done.stderr[-3000:]
    return folder


@pytest.fixture(scope="module", params=list(LAUNCHERS))
def launched(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
             ) -> Iterator[Launched]:
    """The sweep run under one launcher: its folder and the finished ``sanyi-run``."""
    # Short, under /tmp: Ray's unix sockets live in its session folder there, and a socket's
    # path may not exceed 107 bytes.
    with tempfile.TemporaryDirectory(prefix=f"sanyi-{request.param}-", dir="/tmp",
                                     ignore_cleanup_errors=True) as scratch:
        launch = LAUNCHERS[request.param](Path(scratch))
        folder = tmp_path_factory.mktemp(request.param) / "sweep"
        yield folder, _sweep(folder, launch)


def _without_timing(summary: Path) -> dict:
    return {k: v for k, v in json.loads(summary.read_text()).items() if k != TIMING}


def test_the_sweep_finishes_with_every_job_done(launched: Launched) -> None:
    _, done = launched

    assert done.returncode == 0, done.stderr[-3000:]
    assert messages(done.stderr)[-1] == "sanyi-run: sweep finished: 2 done, 0 failed, 0 skipped"


def test_every_job_writes_its_outputs(launched: Launched) -> None:
    folder, _ = launched

    for job in JOBS:
        assert sorted(p.name for p in (folder / job).iterdir() if p.name in OUTPUTS) == sorted(OUTPUTS)
        assert json.loads((folder / job / SUMMARY).read_text())["seed"] == int(job)


def test_collect_finds_every_job_ok(launched: Launched, capsys: pytest.CaptureFixture[str]) -> None:
    folder, _ = launched

    assert main([str(folder)]) == 0
    assert capsys.readouterr().out.startswith("2 jobs: 2 ok, 0 failed, 0 missing;")
    assert sorted(collect(folder).runs.run) == list(JOBS)


def test_same_config_and_seed_give_the_outputs_of_the_joblib_launcher(launched: Launched,
                                                                     joblib_sweep: Path) -> None:
    folder, _ = launched

    for job in JOBS:
        for name in OUTPUTS:
            if name != SUMMARY:
                same = (folder / job / name).read_bytes() == (joblib_sweep / job / name).read_bytes()
                assert same, f"job {job}: {name} differs from the joblib launcher's"
        assert _without_timing(folder / job / SUMMARY) == _without_timing(joblib_sweep / job / SUMMARY)
