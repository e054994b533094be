"""``sanyi-validate``: a bad argument is one line; rows it cannot check are counted, not hidden.

Issue 7: ``--seeds 0`` gave a traceback, and ``population.end_year=2020`` checked 9 rows
without a word about the rows it skipped.
"""

from __future__ import annotations

import re

import pytest

from sanyi.experiments.validate import main


@pytest.mark.parametrize("argv", [["--seeds", "0"], ["--seeds", "-2"], ["--seeds", "many"],
                                  ["--no-such-flag"]], ids=["zero", "negative", "word", "flag"])
def test_a_bad_argument_is_one_line_with_exit_code_2(
        argv: list[str], capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as stopped:
        main(argv)

    assert stopped.value.code == 2
    lines = capsys.readouterr().err.splitlines()
    assert len(lines) == 1 and lines[0].startswith("sanyi-validate: ")


def test_seeds_must_be_at_least_one(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit):
        main(["--seeds", "0"])

    assert capsys.readouterr().err == (
        "sanyi-validate: argument --seeds: invalid value '0': a whole number >= 1 "
        "(see sanyi-validate --help)\n")


def test_a_shorter_run_says_which_rows_with_a_tolerance_it_skipped(
        capsys: pytest.CaptureFixture[str]) -> None:
    main(["population.end_year=2020", "population.size=2000"])

    last = capsys.readouterr().out.strip().splitlines()[-1]
    assert re.match(r"[1-9]\d* rows with a tolerance were skipped because their year was not "
                    r"simulated: ", last)
    assert "share_age_65plus/population 2021-2023" in last
    assert "fund_revenue/employee 2021-2023" in last


def test_a_bad_override_is_one_line_with_exit_code_2(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["population.size=abc"]) == 2
    assert len(capsys.readouterr().err.splitlines()) == 1
