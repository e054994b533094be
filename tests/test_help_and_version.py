"""``sanyi-run --help`` is sanyi's own page; ``--version`` prints sanyi's version.

Issue 7: the help was a 243-line YAML dump calling the program "run", and ``--version``
printed Hydra's version.
"""

from __future__ import annotations

import sys

import pytest

from sanyi import __version__
from sanyi.experiments.run import main
from sanyi.model.configure import GROUPS, options
from tests.console import sanyi_run


@pytest.fixture(scope="module")
def help_page(tmp_path_factory: pytest.TempPathFactory) -> str:
    """``sanyi-run population.size=20000 --help``: the page, with that override applied."""
    result = sanyi_run("population.size=20000", "--help", cwd=tmp_path_factory.mktemp("help"))
    assert result.returncode == 0
    return result.stdout


def test_help_names_the_program_and_says_what_it_does(help_page: str) -> None:
    assert help_page.startswith("sanyi-run: simulate the basic medical insurance")
    assert "Powered by Hydra" not in help_page


def test_help_lists_each_config_group_with_its_options_in_one_line(help_page: str) -> None:
    lines = help_page.splitlines()
    for group in GROUPS:
        assert f"{group}: {', '.join(options(group))}" in lines


@pytest.mark.parametrize("key", ["seed", "population.size", "population.start_year",
                                 "population.end_year", "payment.start_year"])
def test_help_lists_the_stable_keys(help_page: str, key: str) -> None:
    assert any(line.strip().startswith(key + " ") for line in help_page.splitlines())


def test_help_gives_three_examples_and_says_where_outputs_go(help_page: str) -> None:
    examples = help_page.split("Examples:")[1].split("\n\n")[0].strip().splitlines()
    assert len(examples) == 3 and all(e.strip().startswith("sanyi-run ") for e in examples)
    assert "outputs/<date>/<time>-<process id>/" in help_page
    assert "multirun/<date>/<time>-<process id>/<job>/" in help_page


def test_help_fits_on_a_screen_or_two(help_page: str) -> None:
    assert len(help_page.splitlines()) < 70


def test_help_shows_the_value_a_stable_key_has_with_the_overrides_given(help_page: str) -> None:
    assert "simulated persons [20000]" in help_page


@pytest.mark.parametrize("flag", ["--version", "-V"])
def test_version_prints_sanyis_version(flag: str, monkeypatch: pytest.MonkeyPatch,
                                       capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.setattr(sys, "argv", ["sanyi-run", flag])

    main()

    assert capsys.readouterr().out == f"sanyi {__version__}\n"
