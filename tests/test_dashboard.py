"""The teaching page's logic without a browser: controls, compare mode, lessons, errors.

The last tests render the page in-process with Solara (no server, no browser) and click its
buttons, as a teacher would.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path

import numpy as np
import pytest

from sanyi.experiments.dashboard import charts, cli, controls, lessons, network_view
from sanyi.experiments.dashboard.classroom import BASELINE, REFORM, Classroom
from sanyi.model import configure


def page_values(**changes: object) -> dict[str, object]:
    """The page's starting values with some controls changed, as SolaraViz passes them."""
    return {**controls.defaults(), **changes}


@pytest.fixture
def conf_copy(tmp_path: Path) -> Path:
    """A copy of ``conf/`` that a test may add options to (without drg, whatever main has)."""
    conf = tmp_path / "conf"
    shutil.copytree(configure.CONF_DIR, conf, ignore=shutil.ignore_patterns("__pycache__"))
    (conf / "payment" / "drg.yaml").unlink(missing_ok=True)
    return conf


# -- controls --------------------------------------------------------------------------------
def test_every_option_of_a_group_is_in_its_menu() -> None:
    menus = {c.name: c.values for c in controls.controls() if c.kind == "Select"}
    for group in ("payment", "procurement", "pricing", "scenario"):
        assert list(menus[group]) == configure.options(group)


def test_an_option_added_to_conf_appears_in_the_menu_by_itself(conf_copy: Path) -> None:
    (conf_copy / "payment" / "drg.yaml").write_text("name: drg\nstart_year: 2025\n")
    shutil.rmtree(conf_copy / "pooling", ignore_errors=True)  # as before the pooling options
    (conf_copy / "pooling").mkdir()
    for option in ("prefecture", "provincial"):
        (conf_copy / "pooling" / f"{option}.yaml").write_text(f"name: {option}\n")
    by_name = {c.name: c for c in controls.controls(conf_copy)}
    assert "drg" in by_name["payment"].values
    assert by_name["pooling"].values == ("prefecture", "provincial") and by_name["pooling"].lever


def test_the_page_starts_small_with_todays_policy() -> None:
    start = controls.defaults()
    assert start["population__size"] == "5000" and start["population__end_year"] == "2034"
    assert start["payment"] == "ffs" and start["pricing"] == "zero_markup"
    assert start["benefits__retirement_delay"] is True and start["compare"] is False


def test_the_chronic_trend_menu_overrides_the_scenario_only_when_asked() -> None:
    assert "scenario__chronic_incidence_trend_per_year" not in controls.model_options(
        page_values())
    options = controls.model_options(page_values(chronic_trend="+2 %/year"))
    assert options["scenario__chronic_incidence_trend_per_year"] == 0.02


# -- the classroom: one model per session, two runs in compare mode -------------------------
def test_a_classroom_runs_the_settings_on_the_page() -> None:
    room = Classroom(**page_values(pricing="markup_15", seed="3"))
    run = room.runs[REFORM]
    assert not room.compare and room.error is None
    assert run.cfg.pricing.name == "markup_15" and run.cfg.seed == 3
    assert run.cfg.population.size == 5000 and run.datacollector is not None


def test_compare_mode_runs_todays_policy_beside_the_reform_with_the_same_seed() -> None:
    room = Classroom(**page_values(pricing="markup_15", scenario="fast_aging", seed="3",
                                   compare=True))
    reform, baseline = room.runs[REFORM].cfg, room.runs[BASELINE].cfg
    assert (reform.pricing.name, baseline.pricing.name) == ("markup_15", "zero_markup")
    assert reform.seed == baseline.seed == 3
    assert reform.scenario.name == baseline.scenario.name == "fast_aging"  # not a lever


def test_same_levers_and_seed_give_identical_runs() -> None:
    """Common random numbers: with nothing to compare, the difference is exactly zero."""
    room = Classroom(**page_values(compare=True))
    for _ in range(6):
        room.step()
    for chart in charts.CHARTS:
        for column, _ in chart.columns:
            assert np.nan_to_num(room.difference(column)).tolist() == [0.0] * 6


def test_a_reform_moves_the_curves_apart() -> None:
    room = Classroom(**page_values(pricing="markup_15", compare=True))
    for _ in range(6):
        room.step()
    assert np.any(np.abs(room.difference("expenditure_per_enrollee_yuan")) > 0)


def test_an_impossible_value_is_one_line_not_a_traceback() -> None:
    room = Classroom(**page_values(population__size="-5"))
    assert room.error == "invalid config: population.size=-5; allowed: an integer >= 1"
    assert not room.runs and not room.running
    room.step()  # Mesa's play button is off, and a step does nothing anyway
    ratio = Classroom(**page_values(benefits__resident__inpatient_ratio__primary="1.5"))
    assert ratio.error is not None and "\n" not in ratio.error
    assert ratio.error.startswith("invalid config: benefits.resident.inpatient_ratio.primary=1.5")


def test_a_run_stops_after_its_last_month() -> None:
    room = Classroom(**page_values(population__end_year="2025"))
    while room.running:
        room.step()
    assert room.months_done == 12 and room.clock == "2025-12"


# -- lessons ---------------------------------------------------------------------------------
@pytest.mark.parametrize("lesson", lessons.LESSONS, ids=lambda x: x.key)
def test_each_lesson_says_two_or_three_sentences(lesson: lessons.Lesson) -> None:
    sentences = [s for s in lesson.text.replace("e.g.", "eg").split(". ") if s.strip()]
    assert 2 <= len(sentences) <= 3


def test_a_lesson_whose_lever_is_not_built_says_what_it_waits_for(conf_copy: Path) -> None:
    ffs_drg = lessons.by_key("ffs_drg")
    assert ffs_drg.missing(conf_copy) == ["payment=drg"]
    (conf_copy / "payment" / "drg.yaml").write_text("name: drg\nstart_year: 2025\n")
    assert ffs_drg.available(conf_copy)


def test_the_aging_lesson_runs_to_2050_with_and_without_the_retirement_reform() -> None:
    aging = lessons.by_key("aging_retirement")
    assert aging.available()
    room = Classroom(**aging.values(), lesson=aging.key)
    reform, baseline = room.runs[REFORM].cfg, room.runs[BASELINE].cfg
    assert reform.benefits.retirement_delay and not baseline.benefits.retirement_delay
    assert reform.population.end_year == baseline.population.end_year == 2050


def test_available_lessons_build_without_error() -> None:
    for lesson in lessons.LESSONS:
        if lesson.available():
            assert Classroom(**lesson.values(), lesson=lesson.key).error is None


# -- what the page draws ---------------------------------------------------------------------
def test_charts_show_both_runs_and_their_difference_in_compare_mode() -> None:
    room = Classroom(**page_values(compare=True))
    for _ in range(3):
        room.step()
    option = charts.chart_option(room, charts.CHARTS[0])
    names = [s["name"] for s in option["series"]]
    assert names == ["employee, reform", "employee, baseline", "employee, difference",
                     "resident, reform", "resident, baseline", "resident, difference"]
    assert {s["yAxisIndex"] for s in option["series"] if "difference" in s["name"]} == {1}
    assert len(option["series"][0]["data"]) == 3


def test_the_catastrophic_rate_is_a_calendar_year_figure() -> None:
    room = Classroom(**page_values())
    for _ in range(13):
        room.step()
    catastrophic = next(c for c in charts.CHARTS if c.key == "catastrophic")
    x, y = charts.series(room, REFORM, catastrophic, "catastrophic_rate")
    assert x.tolist() == [2025.5] and 0 < y[0] < 100


def test_the_numbers_table_lists_every_series_with_the_difference() -> None:
    room = Classroom(**page_values(pricing="markup_15", compare=True))
    for _ in range(12):
        room.step()
    rows = charts.summary(room)
    assert len(rows) == sum(len(c.columns) for c in charts.CHARTS)
    spending = next(r for r in rows if r.label == "Fund spending per enrollee")
    assert spending.difference == pytest.approx(spending.reform - spending.baseline)
    assert "reform − baseline" in charts.summary_html(room)


def _drawn(option: dict) -> tuple[int, int]:
    """(nodes, edges) of a network chart."""
    series = option["series"]
    return (sum(len(s["data"]) for s in series if s["type"] == "scatter"),
            sum(len(s["data"]) for s in series if s["type"] == "lines"))


def test_the_networks_show_every_hospital_supplier_and_tie() -> None:
    room = Classroom(**page_values())
    room.step()
    run = room.runs[REFORM]
    assert _drawn(network_view.alliance_option(run)) == (
        len(run.hospital_list), run.alliances.number_of_edges())
    assert _drawn(network_view.supply_option(run)) == (
        len(run.hospital_list) + len(run.suppliers), run.supply_network().number_of_edges())


# -- the server ------------------------------------------------------------------------------
def test_the_command_serves_this_machine_only_by_default() -> None:
    args = cli.parse_args([])
    assert (args.host, args.port) == ("127.0.0.1", 8765)
    command = cli.solara_arguments(cli.parse_args(["--port", "9000"]))
    assert command[:2] == ["run", cli.APP] and "9000" in command
    assert {"--production", "--no-open", "--no-check-version"} <= set(command)


def test_the_command_refuses_to_serve_a_page_that_would_stay_blank() -> None:
    installed = {"solara": "1.64.1", "solara-assets": "1.58.2", "ipyvue": "3.1.1",
                 "ipyvuetify": "3.1.0"}
    problems = cli.install_problems(installed.__getitem__)
    assert len(problems) == 2 and "solara-assets 1.58.2 differs" in problems[0]
    matching = {**installed, "solara": "1.58.2", "ipyvue": "1.13.0", "ipyvuetify": "1.12.0"}
    assert cli.install_problems(matching.__getitem__) == []


def test_solara_assets_match_solara() -> None:
    """DESIGN §9: assets of another version leave the offline page blank."""
    try:
        assets = version("solara-assets")
    except PackageNotFoundError:
        pytest.skip("the dashboard extra is not installed")
    assert assets == version("solara")


def test_importing_the_page_builds_no_model() -> None:
    """All visitors would share a model built at import time."""
    code = ("import gc, sanyi.experiments.dashboard.app as app;"
            "from sanyi.experiments.dashboard.classroom import Classroom;"
            "print(sum(isinstance(o, Classroom) for o in gc.get_objects()))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "0"


# -- the page, rendered in-process -----------------------------------------------------------
@pytest.fixture
def page():
    """The page as one browser session sees it, with a finder for its widgets."""
    solara = pytest.importorskip("solara")
    from sanyi.experiments.dashboard import app

    app.setup.value = None  # a fresh session
    _, rc = solara.render(app.Layout(children=[app.Page()]), handle_error=False)
    yield rc
    rc.close()


def _alerts(rc) -> list[str]:
    import ipyvuetify as v

    return [" ".join(map(str, a.children)) for a in rc.find(v.Alert).widgets]


def _click(rc, label: str) -> None:
    import ipyvuetify as v

    rc.find(v.Btn, children=[label]).widget.click()


def test_a_typed_impossible_value_shows_its_one_line_message_on_reset(page) -> None:
    import ipyvuetify as v

    size = page.find(v.TextField, label="Simulated persons").widget
    size.v_model = "0"
    size.fire_event("keyup.enter", None)
    _click(page, "Reset")
    assert _alerts(page) == ["invalid config: population.size=0; allowed: an integer >= 1"]


def test_a_lesson_sets_the_controls_and_survives_reset(page) -> None:
    import ipyvuetify as v

    _click(page, "Aging to 2050 ± retirement reform")
    assert page.find(v.TextField, label="Last year simulated").widget.v_model == "2050"
    _click(page, "Step")
    _click(page, "Reset")  # rebuilds from the sidebar, which now holds the lesson
    (status,) = _alerts(page)
    assert "Aging to 2050" in status and "benefits.retirement_delay False → True" in status
