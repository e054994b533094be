"""``sanyi-calibrate``: a small Optuna fit writes its report and resumes from SQLite."""

from __future__ import annotations

from pathlib import Path

import optuna
import pandas as pd
import pytest
import yaml
from omegaconf import OmegaConf

from sanyi.experiments.calibrate import (
    DEFAULT_SPEC,
    hand_values,
    load_spec,
    loss,
    main,
    tolerance_value,
)
from sanyi.model import inputs
from sanyi.model.configure import compose_dict
from sanyi.model.validation import validate

SMALL = ["--seeds", "1", "population.size=1500"]
REPORT = ("report.md", "parameters.csv", "comparison.csv", "trials.csv", "fit.png", "fit.pdf",
          "overrides.txt", "calibrated/fitted.yaml")


def _trials(out: Path) -> list[optuna.trial.FrozenTrial]:
    study = optuna.load_study(study_name="sanyi", storage=f"sqlite:///{out / 'study.db'}")
    return [t for t in study.trials if t.state == optuna.trial.TrialState.COMPLETE]


def test_a_three_trial_fit_writes_its_report_and_resumes_from_its_sqlite_file(tmp_path: Path) -> None:
    assert main(["--trials", "3", "--out", str(tmp_path), *SMALL]) == 0
    assert all((tmp_path / name).is_file() for name in REPORT)
    assert len(_trials(tmp_path)) == 3
    assert main(["--trials", "5", "--out", str(tmp_path), *SMALL]) == 0  # same command, more trials
    trials = _trials(tmp_path)
    assert len(trials) == 5
    assert trials[0].user_attrs["hand_calibration"]  # the first trial is today's calibration
    assert len({tuple(sorted(t.params.items())) for t in trials}) == 5  # no trial repeated


def test_the_report_compares_every_target_row_and_holds_out_2023(tmp_path: Path) -> None:
    main(["--trials", "1", "--out", str(tmp_path), *SMALL])
    table = pd.read_csv(tmp_path / "comparison.csv")
    assert len(table) == len(inputs.calibration_targets())
    assert set(table[table.set == "holdout"].year) == {2023}
    assert (table[table.set == "fit"].year < 2023).all()
    params = pd.read_csv(tmp_path / "parameters.csv").set_index("parameter")
    defaults = compose_dict([])
    for key, hand in params["hand"].items():  # the starting point is today's config
        assert hand == pytest.approx(OmegaConf.select(defaults, key))


def test_the_fitted_values_are_a_config_and_overrides_sanyi_run_accepts(tmp_path: Path) -> None:
    main(["--trials", "1", "--out", str(tmp_path), *SMALL])
    overrides = (tmp_path / "overrides.txt").read_text().split()
    cfg = validate(compose_dict(overrides))
    fitted = yaml.safe_load((tmp_path / "calibrated" / "fitted.yaml").read_text())
    assert fitted["population"]["urban_worker_share_by_age"] == cfg.population.urban_worker_share_by_age
    assert (tmp_path / "calibrated" / "fitted.yaml").read_text().startswith("# @package _global_")


def test_the_loss_is_the_mean_squared_error_in_tolerances_with_2023_apart() -> None:
    table = pd.DataFrame({"year": [2021, 2022, 2023], "error": [0.10, -0.05, 0.02],
                          "tolerance": ["±10%", "±5%", "±0.01"], "within": [True, True, False],
                          "model": [1.1, 0.95, 0.52], "target": [1.0, 1.0, 0.5]})
    assert loss(table, 2023) == (pytest.approx(1.0), pytest.approx(4.0))


def test_a_row_that_asks_only_for_a_sign_costs_nothing_when_right_and_more_the_further_off() -> None:
    table = pd.DataFrame({"year": [2021, 2022, 2022], "error": [-5.0, -150.0, -900.0],
                          "tolerance": ["> 0"] * 3, "within": [True, False, False],
                          "model": [95.0, -50.0, -800.0], "target": [100.0] * 3})
    assert loss(table, 2023)[0] == pytest.approx((0.0 + 1.5 ** 2 + 3.0 ** 2) / 3)  # capped at 3
    assert tolerance_value("±15%") == pytest.approx(0.15) and tolerance_value("±0.05") == 0.05


def test_the_default_parameter_file_names_todays_hand_calibrated_parameters() -> None:
    spec = load_spec(DEFAULT_SPEC)
    keys = [p.key for p in spec.parameters]
    assert "population.care_use.rural_admission_factor" in keys
    assert "scenario.utilisation_growth_by_year.2018" in keys
    assert "pricing.bed_day_price.tertiary" in keys
    hand = hand_values(spec, [])  # every key is a number in today's config ...
    assert all(p.low <= hand[p.key] <= p.high for p in spec.parameters)  # ... within its bounds


@pytest.mark.parametrize(("spec", "message"), [
    ("parameters:\n  scenario.tfr_offset: {low: 0.5, high: -0.5}\n", "needs low < high"),
    ("parameters:\n  scenario.no_such_key: {low: 0, high: 1}\n",
     "scenario.no_such_key is not a number in the config"),
    ("parameters:\n  scenario.tfr_offset: 0.5\n", "each parameter needs low and high"),
])
def test_a_bad_parameter_file_is_one_line_on_stderr(tmp_path: Path, capsys: pytest.CaptureFixture[str],
                                                    spec: str, message: str) -> None:
    (tmp_path / "spec.yaml").write_text(spec)
    assert main(["--spec", str(tmp_path / "spec.yaml"), "--out", str(tmp_path / "out")]) == 2
    err = capsys.readouterr().err
    assert err.startswith("sanyi-calibrate: ") and message in err and err.count("\n") == 1
