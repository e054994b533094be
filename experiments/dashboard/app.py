"""The page: Mesa's ``SolaraViz`` frame around the lessons, numbers, charts and networks.

``SolaraViz`` gives the sidebar — play / step / reset, play and render intervals, the controls
(``controls.model_params``) — and rebuilds the ``Classroom`` from them on Reset. The main area
is ours (``SolaraViz`` gets no components): lessons, the status or error line, the numbers
table, the charts and the networks, redrawn whenever Mesa's ``update_counter`` moves.

Every browser session renders its own ``Page``, so each builds its own model (``use_memo``),
never at import time. Choosing a lesson remounts the whole layout: the sidebar lives in
Solara's ``AppLayout``, which would otherwise keep the old inputs and Mesa's old parameter
state, so Reset would forget the lesson. The old classroom is retired, so that a play loop
still running in Mesa's worker thread ends instead of stepping the new one.
"""

from __future__ import annotations

import logging
import warnings
from dataclasses import dataclass, field
from typing import Any

import solara

# SolaraViz gets no components, so Mesa's ComponentsView returns before its hooks, always the
# same way: Solara's rules-of-hooks check warns, but the order of hooks never changes.
warnings.filterwarnings("ignore", message=r".*ComponentsView: `use_state` found despite")
from mesa.visualization import SolaraViz  # noqa: E402
from mesa.visualization.utils import update_counter  # noqa: E402

from sanyi.experiments.dashboard import charts, controls, lessons, network_view  # noqa: E402
from sanyi.experiments.dashboard.classroom import BASELINE, REFORM, Classroom  # noqa: E402
from sanyi.model.province import Province  # noqa: E402

TITLE = "sanyi: health-insurance reform, live"
PLAY_INTERVAL_MS = 1  # the simulation is the slow part; no extra wait between redraws
RENDER_INTERVAL = 3  # redraw every quarter; Step advances 3 months (the slider takes odd numbers)
CHART_STYLE = "height: 300px; width: 100%;"
BUTTON_STYLE = {"text-transform": "none", "letter-spacing": "normal"}
LESSON_TEXT_STYLE = {"font-size": "0.85em", "line-height": "1.35"}
TABLE_CSS = """
.sanyi-table { border-collapse: collapse; font-size: 0.9em; }
.sanyi-table th, .sanyi-table td { padding: 2px 10px; border-bottom: 1px solid #e0e0e0;
                                   text-align: left; }
.sanyi-table td.number { text-align: right; font-variant-numeric: tabular-nums; }
"""

logging.getLogger("MESA").setLevel(logging.WARNING)  # Mesa logs every step at INFO


@dataclass(frozen=True)
class Setup:
    """What the sidebar starts from: control values and the lesson; a new revision remounts."""

    values: dict[str, Any] = field(default_factory=controls.defaults)
    lesson: str = ""
    revision: int = 0


# Solara keeps one value per browser session (kernel): the layout and the page both read it.
setup: solara.Reactive[Setup | None] = solara.reactive(None)


def current_setup() -> Setup:
    if setup.value is None:
        setup.value = Setup()
    return setup.value


@solara.component
def Layout(children: list[Any] = []) -> Any:  # noqa: B006 (Solara's signature for layouts)
    """Solara's app layout, rebuilt from scratch for each lesson (see the module's notes)."""
    revision = current_setup().revision
    return solara.AppLayout(children=children).key(f"layout-{revision}")


@solara.component
def Page() -> None:
    """One session's frame and main area, for one lesson (or free play)."""
    start = current_setup()
    model = solara.use_reactive(
        solara.use_memo(lambda: Classroom(**start.values, lesson=start.lesson), []))
    solara.use_effect(lambda: model.value.retire, [])  # the cleanup runs when remounted
    SolaraViz(model, components=[], model_params=controls.model_params(start.values, start.lesson),
              name=TITLE, play_interval=PLAY_INTERVAL_MS, render_interval=RENDER_INTERVAL)
    with solara.Column(style={"padding": "0 16px 16px 16px"}):
        Lessons(start)
        Status(model.value)
        if model.value.runs:
            Numbers(model.value)
            Charts(model.value)
            Networks(model.value)


@solara.component
def Lessons(current: Setup) -> None:
    """One card per lesson: its button and its sentences; a lesson waiting for a lever is off."""

    def choose(key: str) -> None:
        lesson = lessons.by_key(key) if key else None
        values = lesson.values() if lesson else controls.defaults()
        setup.set(Setup(values, key, current.revision + 1))

    with solara.Card("Lessons", subtitle="Each runs a baseline and a reform with the same seed."):
        with solara.GridFixed(columns=3):
            for lesson in lessons.LESSONS:
                missing = lesson.missing()
                with solara.Column(gap="4px", classes=["sanyi-lesson"]):
                    solara.Button(lesson.title, on_click=lambda k=lesson.key: choose(k),
                                  disabled=bool(missing), outlined=lesson.key != current.lesson,
                                  color="primary", style=BUTTON_STYLE)
                    solara.Text(lesson.text, style=LESSON_TEXT_STYLE)
                    if missing:
                        solara.Text(f"Waits for {', '.join(missing)} ({lesson.brought_by}).",
                                    style={**LESSON_TEXT_STYLE, "font-style": "italic"})
        solara.Button("Free play: your own settings", on_click=lambda: choose(""),
                      outlined=bool(current.lesson), color="primary", style=BUTTON_STYLE)


@solara.component
def Status(model: Classroom) -> None:
    """The one-line error of a bad value, or what is running and how to drive it."""
    update_counter.get()
    if model.error:
        solara.Error(model.error, classes=["sanyi-error"])
        return
    title = model.lesson.title if model.lesson else "your settings"
    compared = f" Compared with the baseline: {_differences(model)}." if model.compare else ""
    solara.Info(f"Running {title}, last month simulated {model.clock}.{compared} "
                f"Step advances {RENDER_INTERVAL} months; change the controls in the sidebar, "
                "then Reset to apply them.", classes=["sanyi-status"])


def _differences(model: Classroom) -> str:
    """The options in which the reform run differs from its baseline (``pricing=zero_markup``)."""
    reform = controls.model_options(model.values)
    baseline = controls.model_options(model.baseline_values())
    changed = [f"{k.replace('__', '.')} {baseline.get(k)} → {reform.get(k)}"
               for k in sorted(set(reform) | set(baseline)) if not _same(reform.get(k), baseline.get(k))]
    return ", ".join(changed) or "no lever differs, so the runs are identical (same seed)"


def _same(a: Any, b: Any) -> bool:
    """Equal as typed values: "0.80" and 0.8 are the same ratio."""
    try:
        return float(a) == float(b)
    except (TypeError, ValueError):
        return str(a) == str(b)


@solara.component
def Numbers(model: Classroom) -> None:
    update_counter.get()
    with solara.Card("Numbers", subtitle="Mean of the last 12 months simulated "
                     "(catastrophic spending: last complete year)", classes=["sanyi-numbers"]):
        solara.Style(TABLE_CSS)
        solara.HTML(tag="div", unsafe_innerHTML=charts.summary_html(model))


@solara.component
def Charts(model: Classroom) -> None:
    update_counter.get()
    with solara.GridFixed(columns=3):
        for chart in charts.CHARTS:
            solara.FigureEcharts(charts.chart_option(model, chart), responsive=True,
                                 attributes={"class": f"sanyi-chart sanyi-chart-{chart.key}",
                                             "style": CHART_STYLE})


@solara.component
def Networks(model: Classroom) -> None:
    update_counter.get()
    run = model.runs[REFORM]
    note = " (reform run)" if BASELINE in model.runs else ""
    if isinstance(run, Province):  # a province's networks: its first region's
        run, note = run.regions[0], f"{note} of {run.names[0]}"
    with solara.Card(f"Networks{note}"), solara.Columns([1, 1]):
        solara.FigureEcharts(network_view.alliance_option(run), responsive=True,
                             attributes={"class": "sanyi-network", "style": CHART_STYLE})
        solara.FigureEcharts(network_view.supply_option(run), responsive=True,
                             attributes={"class": "sanyi-network", "style": CHART_STYLE})
