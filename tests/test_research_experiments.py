"""Named experiments: each asks a question, is in the README, and says plainly what is missing."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from hydra._internal.core_plugins.basic_sweeper import BasicSweeper
from hydra.core.override_parser.overrides_parser import OverridesParser

from sanyi.experiments import named
from sanyi.model.config import ConfigError
from sanyi.model.configure import CONF_DIR, compose_dict, options
from sanyi.model.validation import validate

README = Path(__file__).resolve().parent.parent / "README.md"
EXPERIMENTS = options("experiment")


def test_the_issue_names_every_experiment() -> None:
    assert set(EXPERIMENTS) >= {"payment_reform", "vbp_rollout", "aging_stress",
                                "retirement_reform", "policy_mix", "calibration", "aging_scenarios"}


@pytest.mark.parametrize("name", EXPERIMENTS)
def test_each_experiment_starts_with_the_package_line_and_a_one_sentence_question(name: str) -> None:
    first = (CONF_DIR / "experiment" / f"{name}.yaml").read_text().splitlines()[0]
    assert first == named.PACKAGE_LINE
    question = named.question(name)
    assert question.endswith("?") and question.count("?") == 1


@pytest.mark.parametrize("name", EXPERIMENTS)
def test_each_experiment_is_listed_in_the_readme_with_its_question(name: str) -> None:
    assert f"`{name}`" in README.read_text() and named.question(name) in README.read_text()


def test_payment_reform_runs_now_that_every_payment_option_exists() -> None:
    named.check_experiment("payment_reform")  # no error


def test_a_missing_option_is_named_rather_than_run_as_something_else(tmp_path: Path) -> None:
    conf = shutil.copytree(CONF_DIR, tmp_path / "conf")
    for option in ("drg", "per_diem"):
        (conf / "payment" / f"{option}.yaml").unlink()
    with pytest.raises(ConfigError) as err:
        named.check_experiment("payment_reform", conf)
    assert str(err.value) == ("experiment payment_reform needs payment options drg, per_diem, "
                              "which are not built yet")


def test_a_sanyi_run_command_line_is_checked_for_experiments() -> None:
    named.check_argv(["-m", "+experiment=vbp_rollout", "seed=0"])  # every option built
    with pytest.raises(ConfigError, match="unknown experiment 'vbp'"):
        named.check_argv(["-m", "+experiment=vbp", "seed=0"])


def test_an_unknown_experiment_is_named_with_the_known_ones() -> None:
    with pytest.raises(ConfigError, match="unknown experiment 'nope'; known: aging_scenarios"):
        named.check_argv(["+experiment=nope"])


def _jobs(name: str) -> list[list[str]]:
    """The experiment's jobs at one seed (seeds do not change how a config composes)."""
    params = [f"{g}={v}" for g, v in named.sweep_params(name).items() if g != "seed"]
    (jobs,) = BasicSweeper.split_arguments(OverridesParser.create().parse_overrides(params), None)
    return jobs


@pytest.mark.parametrize("name", [n for n in EXPERIMENTS if not named.missing_options(
    named.needed_options(n))])
def test_experiments_whose_options_exist_compose_a_valid_config_for_each_setting(name: str) -> None:
    for job in _jobs(name) or [[]]:
        validate(compose_dict([f"+experiment={name}", *job]))
