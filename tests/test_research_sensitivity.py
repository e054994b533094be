"""``sanyi-sensitivity``: a tiny Morris run through ``sanyi-run -m`` writes its indices."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from PIL import Image

from sanyi.experiments.sensitivity import DEFAULT_SPEC, check_keys, load_spec, main, sample

TINY = """\
parameters:
  scenario.mortality_improvement_per_year: [0.005, 0.025]
  behaviour.oop_elasticity: [-0.4, -0.1]
kpis: [final_reserve_months, qalys_per_10k_fund_yuan]
morris: {trajectories: 2, levels: 4}
seeds: 1
overrides: [population.size=1500, population.start_year=2024, population.end_year=2025]
"""


def test_a_tiny_morris_run_writes_indices_for_each_kpi_and_parameter(tmp_path: Path) -> None:
    (tmp_path / "spec.yaml").write_text(TINY)
    out = tmp_path / "out"
    assert main(["--spec", str(tmp_path / "spec.yaml"), "--out", str(out)]) == 0
    table = pd.read_csv(out / "indices.csv")
    assert len(table) == 2 * 2
    assert set(table.parameter) == {"scenario.mortality_improvement_per_year",
                                    "behaviour.oop_elasticity"}
    assert (table.mu_star >= 0).all() and table.mu_star.gt(0).any()
    assert pd.read_parquet(out / "indices.parquet").equals(table)
    with Image.open(out / "sensitivity.png") as png:
        png.verify()
    # Each run recorded its sample point: the sweep is an ordinary, collectable sanyi-run sweep.
    assert len(list((out / "sample").glob("s*.yaml"))) == 2 * (2 + 1)
    assert len(list((out / "runs").glob("*/summary.json"))) == 6


def test_morris_points_move_one_parameter_at_a_time() -> None:
    """Consecutive points of a trajectory differ in exactly one parameter."""
    spec = load_spec(DEFAULT_SPEC)
    points = sample(spec, "morris")
    steps = np.abs(np.diff(points.reshape(spec.trajectories, -1, len(spec.parameters)), axis=1))
    assert ((steps > 0).sum(axis=2) == 1).all()


def test_the_default_file_lists_uncertainties_of_scenario_and_behaviour_only() -> None:
    spec = load_spec(DEFAULT_SPEC)
    assert all(k.split(".")[0] in ("scenario", "behaviour") for k in spec.parameters)
    assert "first_deficit_year" in spec.kpis
    check_keys(spec, [])  # every key exists in today's config


def test_a_misspelt_key_stops_before_any_run(tmp_path: Path,
                                             capsys: pytest.CaptureFixture[str]) -> None:
    (tmp_path / "spec.yaml").write_text(TINY.replace("oop_elasticity", "oop_elasticty"))
    assert main(["--spec", str(tmp_path / "spec.yaml"), "--out", str(tmp_path / "out")]) == 2
    err = capsys.readouterr().err
    assert err.startswith("sanyi-sensitivity: ") and "behaviour.oop_elasticty" in err
    assert err.count("\n") == 1
    assert not (tmp_path / "out" / "runs").exists()


def test_a_bad_parameter_file_is_one_line_on_stderr(tmp_path: Path,
                                                    capsys: pytest.CaptureFixture[str]) -> None:
    (tmp_path / "spec.yaml").write_text("parameters:\n  scenario.tfr_offset: [0.5, -0.5]\n"
                                        "  behaviour.oop_elasticity: [-0.4, -0.1]\nkpis: [oop_share]\n")
    assert main(["--spec", str(tmp_path / "spec.yaml"), "--out", str(tmp_path / "out")]) == 2
    err = capsys.readouterr().err
    spec = tmp_path / "spec.yaml"
    assert err == f"sanyi-sensitivity: {spec}: scenario.tfr_offset needs low < high\n"
