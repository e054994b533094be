"""``sanyi-collect``: one tidy table from a sweep, a table of its runs, one-line errors."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pandas as pd
import pyarrow.parquet as pq
import pytest

from sanyi.experiments.collect import collect, main, open_sweep
from sanyi.model.metrics import BY_NAME, METRICS
from tests.research_helpers import SMALL, sweep, tiny_sweep

RUNS, YEARS, SCHEMES = 8, 2, 4


@pytest.fixture(scope="module")
def swept(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tiny_sweep(tmp_path_factory)


def test_a_row_per_run_year_and_scheme_with_every_metric_as_a_column(swept: Path) -> None:
    annual = collect(swept).annual
    assert len(annual) == RUNS * YEARS * SCHEMES
    assert annual.groupby(["run", "year", "scheme"], observed=True).size().eq(1).all()
    assert {m.name for m in METRICS} <= set(annual.columns)


def test_every_override_the_seed_and_each_groups_chosen_option_are_columns(swept: Path) -> None:
    annual = collect(swept).annual
    assert {"pricing", "scenario", "seed", "population.size"} <= set(annual.columns)
    # Not on the command line, yet a column: Hydra's runtime.choices records the default.
    assert set(annual["payment"]) == {"ffs"} and set(annual["benefits"]) == {"current"}
    assert set(annual["pricing"]) == {"zero_markup", "markup_15"}
    assert sorted(annual["seed"].unique()) == [0, 1]
    assert annual["population.size"].eq(1500).all()


def test_the_runs_table_has_status_config_and_the_kpis_of_summary_json(swept: Path) -> None:
    sweep_ = collect(swept)
    runs = sweep_.runs
    assert len(runs) == RUNS and (runs.status == "ok").all()
    assert {"first_deficit_year", "qalys_per_10k_fund_yuan", "final_reserve_months"} <= set(runs)
    on_disk = json.loads((swept / "3" / "summary.json").read_text())
    assert runs.set_index("run").loc["3", "final_reserve_months"] == on_disk["final_reserve_months"]
    assert sweep_.varying() == ["scenario", "pricing"]
    assert sweep_.counts() == "8 jobs: 8 ok, 0 failed, 0 missing"


def test_long_format_has_a_row_per_run_year_scheme_and_metric_with_its_unit(swept: Path) -> None:
    sweep_ = collect(swept, metrics=["reserve_months", "oop_share"])
    long = sweep_.long()
    assert len(long) == RUNS * YEARS * SCHEMES * 2
    assert dict(zip(long.metric, long.unit, strict=True)) == {"reserve_months": "months",
                                                              "oop_share": "share"}


def test_the_command_writes_parquet_whose_metric_columns_carry_unit_and_label(
        swept: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main([str(swept), "--out", str(tmp_path)]) == 0
    assert "8 jobs: 8 ok, 0 failed, 0 missing" in capsys.readouterr().out
    field = pq.read_schema(tmp_path / "annual.parquet").field("reserve_months")
    assert field.metadata[b"unit"] == b"months"
    assert field.metadata[b"label"] == BY_NAME["reserve_months"].label.encode()
    assert len(pd.read_parquet(tmp_path / "runs.parquet")) == RUNS


def test_a_saved_collection_reads_back_with_the_same_config_columns(swept: Path,
                                                                    tmp_path: Path) -> None:
    sweep_ = collect(swept)
    sweep_.save(tmp_path)
    again = open_sweep(tmp_path)
    assert again.config_columns == sweep_.config_columns
    assert again.metrics == sweep_.metrics and again.varying() == ["scenario", "pricing"]


def test_a_single_run_folder_is_collected_as_one_run(swept: Path) -> None:
    one = collect(swept / "5")
    assert list(one.runs.run) == ["5"] and len(one.annual) == YEARS * SCHEMES


def test_a_partial_sweep_lists_unfinished_and_never_started_jobs_as_missing(
        swept: Path, tmp_path: Path) -> None:
    partial = shutil.copytree(swept, tmp_path / "partial")
    (partial / "2" / "summary.json").unlink()  # stopped before writing its summary
    shutil.rmtree(partial / "7")  # never started
    sweep_ = collect(partial)
    status = sweep_.runs.set_index("run").status
    assert status["2"] == "missing" and status["7"] == "missing"
    assert sweep_.counts() == "8 jobs: 6 ok, 0 failed, 2 missing"
    # A job that never started still shows what it was to run, from multirun.yaml.
    assert sweep_.runs.set_index("run").loc["7", "pricing"] == "markup_15"
    assert set(sweep_.annual.run) == {"0", "1", "3", "4", "5", "6"}


def test_a_sweep_with_a_failed_job_still_collects_the_others(tmp_path: Path) -> None:
    folder = tmp_path / "failing"
    sweep(folder, "behaviour.forgone_max=0.5,1.5", *SMALL)  # the second value is not a probability
    sweep_ = collect(folder)
    runs = sweep_.runs.set_index("run")
    assert list(runs.status) == ["ok", "failed"]
    assert "behaviour.forgone_max" in runs.loc["1", "error"]
    assert set(sweep_.annual.run) == {"0"} and len(sweep_.annual) == YEARS * SCHEMES


@pytest.mark.parametrize(("args", "message"), [
    (["/no/such/folder"], "sanyi-collect: no such folder: /no/such/folder"),
    (["{swept}", "--metrics", "reserve_month"], "sanyi-collect: unknown metric reserve_month;"),
    (["{swept}", "--bogus"], "sanyi-collect: unrecognized arguments: --bogus"),
])
def test_bad_input_is_one_line_on_stderr_and_exit_code_2(
        swept: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str], args: list[str],
        message: str) -> None:
    args = [a.format(swept=swept) for a in args] + ["--out", str(tmp_path)]
    assert main(args) == 2
    err = capsys.readouterr().err
    assert err.startswith(message) and err.count("\n") == 1 and "Traceback" not in err
