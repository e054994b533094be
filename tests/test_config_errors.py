"""A bad config stops a run at start with one line naming the key, the value and what is allowed.

The same overrides a user types after ``sanyi-run`` are composed with
``sanyi.model.configure.compose_dict`` and checked with ``model.config.validate``; the
console entry itself is run as a subprocess to see what the user sees.
"""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest
from omegaconf import OmegaConf

from sanyi.model.config import ConfigError, SanyiConfig
from sanyi.model.configure import compose_dict
from sanyi.model.validation import validate


def config_error(overrides: list[str]) -> str:
    """The message of the ``ConfigError`` raised for these command-line overrides."""
    with pytest.raises(ConfigError) as caught:
        validate(compose_dict(overrides))
    return str(caught.value)


# ---------------------------------------------------------------------------------------
# values out of range: key, value and the allowed range in one line
# ---------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("override", "key_and_value", "allowed"),
    [
        pytest.param("population.care_use.maternity_admission_rate=-0.1",
                     "population.care_use.maternity_admission_rate=-0.1", "a number >= 0",
                     id="negative-rate"),
        pytest.param("benefits.reserve_interest_rate=-0.01",
                     "benefits.reserve_interest_rate=-0.01", "a number in [0.0, 0.2]",
                     id="negative-interest-rate"),
        pytest.param("behaviour.forgone_max=1.5", "behaviour.forgone_max=1.5",
                     "a probability in [0, 1]", id="probability-above-one"),
        pytest.param("population.care_use.severity_shares=[0.5,0.4,0.2]",
                     "population.care_use.severity_shares=[0.5, 0.4, 0.2]",
                     "shares in [0, 1] that sum to 1 (they sum to 1.1)", id="shares-not-summing-to-1"),
        pytest.param("payment=foo", "payment='foo'",
                     "capitation, dip, drg, ffs, global_budget, mixed, per_diem",
                     id="unknown-group-option"),
        pytest.param("population.start_year=2014", "population.start_year=2014",
                     "a year in 2015..2030", id="start-year-before-2015"),
        pytest.param("population.start_year=2031", "population.start_year=2031",
                     "a year in 2015..2030", id="start-year-after-2030"),
        pytest.param("population.end_year=2024", "population.end_year=2024",
                     "a year >= population.start_year (2025)", id="end-year-before-start-year"),
    ],
)
def test_bad_value_is_rejected_in_one_line_naming_key_value_and_what_is_allowed(
    override: str, key_and_value: str, allowed: str
) -> None:
    message = config_error([override])

    assert message == f"invalid config: {key_and_value}; allowed: {allowed}"


def test_end_year_before_an_overridden_start_year_names_that_start_year() -> None:
    message = config_error(["population.start_year=2030", "population.end_year=2029"])

    assert message == ("invalid config: population.end_year=2029; "
                       "allowed: a year >= population.start_year (2030)")


@pytest.mark.parametrize("year", [2015, 2030])
def test_start_years_at_both_ends_of_the_allowed_range_are_accepted(year: int) -> None:
    cfg = validate(compose_dict([f"population.start_year={year}"]))

    assert cfg.population.start_year == year


# ---------------------------------------------------------------------------------------
# wrong types and unknown keys: Hydra's own errors, shortened to one line
# ---------------------------------------------------------------------------------------


def test_wrong_type_is_rejected_in_one_line_naming_key_and_value() -> None:
    message = config_error(["population.size=abc"])

    assert "\n" not in message
    assert "population.size=abc" in message


def test_wrong_type_message_says_an_integer_is_allowed() -> None:
    message = config_error(["population.size=abc"])

    assert "integer" in message.lower()


def test_wrong_type_in_a_hand_built_config_names_the_key() -> None:
    with pytest.raises(ConfigError) as caught:
        validate(OmegaConf.create({"population": {"size": "abc"}}))

    assert "population.size" in str(caught.value)


def test_fractional_population_size_is_rejected_as_not_an_integer() -> None:
    cfg = SanyiConfig()
    cfg.population.size = 1.5  # type: ignore[assignment]

    with pytest.raises(ConfigError, match=r"population\.size=1\.5; allowed: an integer >= 1"):
        validate(cfg)


def test_unknown_key_is_rejected_in_one_line_naming_the_key() -> None:
    message = config_error(["population.sizee=5"])

    assert "\n" not in message
    assert "population.sizee" in message


def test_unknown_key_message_points_to_the_key_that_exists() -> None:
    message = config_error(["population.sizee=5"])

    assert re.search(r"\bpopulation\.size\b", message)


def test_any_key_of_the_chosen_policy_can_be_overridden_though_its_yaml_omits_it() -> None:
    cfg = validate(compose_dict(["procurement=vbp", "procurement.ceiling_share=0.5",
                                 "payment=drg", "payment.budget_growth=0.03"]))

    assert cfg.procurement.ceiling_share == 0.5
    assert cfg.payment.budget_growth == 0.03


def test_a_key_of_another_option_is_rejected_naming_the_chosen_option_keys() -> None:
    message = config_error(["procurement=none", "procurement.ceiling_share=0.5"])

    assert "procurement.ceiling_share" in message
    assert "payment_delay_months" in message


# ---------------------------------------------------------------------------------------
# the default config
# ---------------------------------------------------------------------------------------


def test_default_config_validates_with_100000_persons() -> None:
    cfg = validate(compose_dict([]))

    assert cfg.population.size == 100_000


# ---------------------------------------------------------------------------------------
# the console entry: what a user of ``sanyi-run`` sees
# ---------------------------------------------------------------------------------------

CONSOLE_CASES = {  # override -> key the one-line error must name
    "benefits.reserve_interest_rate=-0.01": "benefits.reserve_interest_rate",
    "payment=foo": "payment",
    "population.size=abc": "population.size",
    "population.sizee=5": "population.sizee",
}


@pytest.fixture(scope="module")
def console_runs(tmp_path_factory: pytest.TempPathFactory) -> dict[str, subprocess.CompletedProcess[str]]:
    """``sanyi-run <override>`` for each case, started together (each start imports the model).

    The working directory is a temporary one, so a run that did start would not write into
    the repository.
    """
    cwd: Path = tmp_path_factory.mktemp("sanyi-run")
    started = {
        override: subprocess.Popen(
            [sys.executable, "-c", "from sanyi.experiments.run import main; main()", override],
            cwd=cwd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
        )
        for override in CONSOLE_CASES
    }
    finished = {}
    for override, proc in started.items():
        stdout, stderr = proc.communicate(timeout=120)
        finished[override] = subprocess.CompletedProcess(proc.args, proc.returncode, stdout, stderr)
    return finished


@pytest.mark.parametrize("override", CONSOLE_CASES)
def test_console_exits_with_code_2_on_a_bad_config(
    console_runs: dict[str, subprocess.CompletedProcess[str]], override: str
) -> None:
    assert console_runs[override].returncode == 2


@pytest.mark.parametrize("override", CONSOLE_CASES)
def test_console_reports_a_bad_config_in_one_stderr_line_naming_the_key(
    console_runs: dict[str, subprocess.CompletedProcess[str]], override: str
) -> None:
    lines = console_runs[override].stderr.splitlines()

    assert len(lines) == 1
    assert lines[0].startswith("sanyi-run: invalid config:")
    assert CONSOLE_CASES[override] in lines[0]


@pytest.mark.parametrize("override", CONSOLE_CASES)
def test_console_shows_no_traceback_for_a_bad_config(
    console_runs: dict[str, subprocess.CompletedProcess[str]], override: str
) -> None:
    assert "Traceback" not in console_runs[override].stderr
