"""Same config and seed give identical outputs, in this process and in another; seeds differ."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pandas as pd
import pandas.testing as pdt

from sanyi.experiments.run import run
from tests.conftest import config

OVERRIDES = ("seed=7",)


def _run(tmp: Path, *overrides: str) -> Path:
    run(config(*overrides, size=3_000), tmp)
    return tmp


def test_same_seed_gives_identical_parquet_bytes(tmp_path: Path) -> None:
    a = _run(tmp_path / "a", *OVERRIDES)
    b = _run(tmp_path / "b", *OVERRIDES)
    for name in ("annual.parquet", "monthly.parquet"):
        assert (a / name).read_bytes() == (b / name).read_bytes()


def test_same_seed_gives_identical_outputs_in_another_process(tmp_path: Path) -> None:
    here = _run(tmp_path / "here", *OVERRIDES)
    code = (
        "import sys; from pathlib import Path; from sanyi.experiments.run import run;"
        "from tests.conftest import config;"
        f"run(config({', '.join(repr(o) for o in OVERRIDES)}, size=3_000), Path(sys.argv[1]))"
    )
    there = tmp_path / "there"
    subprocess.run([sys.executable, "-c", code, str(there)], check=True,
                   cwd=Path(__file__).resolve().parent.parent)
    pdt.assert_frame_equal(pd.read_parquet(here / "annual.parquet"),
                           pd.read_parquet(there / "annual.parquet"))
    assert (here / "monthly.parquet").read_bytes() == (there / "monthly.parquet").read_bytes()


def test_different_seeds_give_different_outputs(tmp_path: Path) -> None:
    a = pd.read_parquet(_run(tmp_path / "a", "seed=1") / "annual.parquet")
    b = pd.read_parquet(_run(tmp_path / "b", "seed=2") / "annual.parquet")
    assert not a["deaths"].equals(b["deaths"])
    assert not a["expenditure_yuan"].equals(b["expenditure_yuan"])


def test_a_sweep_under_the_joblib_launcher_matches_a_direct_run(tmp_path: Path) -> None:
    overrides = ["seed=5", "population.size=2000", "population.start_year=2024",
                 "population.end_year=2025", "progress=false"]
    direct = tmp_path / "direct"
    run(config(*overrides[:1], size=2_000, start=2024, end=2025), direct)
    sweep = tmp_path / "sweep"
    subprocess.run([sys.executable, "-c", "from sanyi.experiments.run import main; main()", "-m",
                    *overrides, f"hydra.sweep.dir={sweep}"], check=True, cwd=tmp_path,
                   capture_output=True)
    assert (sweep / "0" / "annual.parquet").read_bytes() == (direct / "annual.parquet").read_bytes()
