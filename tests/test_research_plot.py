"""``sanyi-plot``: the standard figures open, carry units, and compare policies on equal seeds."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from matplotlib.figure import Figure
from PIL import Image

from sanyi.experiments import figures
from sanyi.experiments.collect import Collected, collect
from sanyi.experiments.plot import default_facets, main
from tests.research_helpers import tiny_sweep

FIGURES = ("trajectory_reserve_months", "trajectory_oop_share", "heatmap_first_deficit_year",
           "heatmap_qalys_per_10k_fund_yuan", "paired_final_reserve_months", "fan_reserve_months")


@pytest.fixture(scope="module")
def swept(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tiny_sweep(tmp_path_factory)


@pytest.fixture(scope="module")
def plotted(swept: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("figures")
    assert main([str(swept), "--out", str(out)]) == 0
    return out


@pytest.mark.parametrize("name", FIGURES)
def test_each_standard_figure_is_written_as_a_png_and_a_pdf_that_open(plotted: Path,
                                                                      name: str) -> None:
    with Image.open(plotted / f"{name}.png") as png:
        png.verify()
        assert png.size[0] > 400 and png.size[1] > 200
    assert (plotted / f"{name}.pdf").read_bytes().startswith(b"%PDF")


def test_the_swept_lever_gives_the_lines_and_the_scenario_the_panels(swept: Path) -> None:
    assert default_facets(collect(swept), None, None) == ("pricing", "scenario")


def test_axes_carry_the_unit_from_the_metric_table(swept: Path) -> None:
    fig = figures.trajectory(collect(swept), "reserve_months", "pricing", "scenario")
    assert fig.axes[0].get_ylabel().endswith("(months)")
    assert "95 % confidence band over 2 seeds" in fig._suptitle.get_text()
    share = figures.trajectory(collect(swept), "oop_share", "pricing")
    assert share.axes[0].get_ylabel().endswith("(%)")


def test_the_paired_table_is_written_next_to_its_figure(plotted: Path) -> None:
    table = pd.read_csv(plotted / "paired_final_reserve_months.csv")
    assert list(table.pricing) == ["markup_15", "markup_15"]
    assert list(table.scenario) == ["baseline", "fast_aging"] and (table.n_pairs == 2).all()


def _synthetic(seed_noise: float) -> Collected:
    """Two options; B = A + 1 exactly at every seed, seeds differ by a lot."""
    seeds = np.arange(6)
    base = 2030 + seed_noise * np.sin(seeds)
    runs = pd.DataFrame({
        "run": [str(i) for i in range(12)], "status": "ok", "seed": np.tile(seeds, 2),
        "payment": np.repeat(["ffs", "drg"], 6), "final_reserve_months": np.r_[base, base + 1]})
    return Collected(pd.DataFrame(columns=["run", "seed", "payment"]), runs, ["seed", "payment"])


def test_paired_differences_remove_the_noise_that_seeds_share() -> None:
    table = figures.paired_differences(_synthetic(seed_noise=5.0), "final_reserve_months",
                                       "payment", "ffs")
    row = table.iloc[0]
    assert row.payment == "drg" and row.n_pairs == 6
    assert row.mean_difference == pytest.approx(1.0)
    assert row.ci_high - row.ci_low == pytest.approx(0.0, abs=1e-9)  # unpaired: about +-5


def test_paired_figure_draws_one_interval_per_option() -> None:
    table = figures.paired_differences(_synthetic(1.0), "final_reserve_months", "payment", "ffs")
    fig = figures.paired_figure(table, "final_reserve_months", "payment", "ffs")
    assert isinstance(fig, Figure)
    assert [t.get_text() for t in fig.axes[0].get_yticklabels()] == ["drg"]
    assert "months of spending" in fig.axes[0].get_xlabel()


@pytest.mark.parametrize(("args", "message"), [
    (["/no/such/folder"], "sanyi-plot: no such folder: /no/such/folder"),
    (["{swept}", "--metrics", "reserve"], "sanyi-plot: unknown metric reserve;"),
    (["{swept}", "--hue", "colour"], "sanyi-plot: unknown column 'colour' for --hue;"),
    (["{swept}", "--kpis", "happiness"], "sanyi-plot: unknown KPI happiness;"),
    (["{swept}", "--baseline", "free"], "sanyi-plot: --baseline 'free' is not a pricing option"),
])
def test_bad_input_is_one_line_on_stderr_and_exit_code_2(
        swept: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str], args: list[str],
        message: str) -> None:
    args = [a.format(swept=swept) for a in args] + ["--out", str(tmp_path), "--format", "png"]
    assert main(args) == 2
    err = capsys.readouterr().err
    assert err.startswith(message) and err.count("\n") == 1 and "Traceback" not in err
