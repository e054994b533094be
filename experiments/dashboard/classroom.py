"""One browser session's simulation: a Mesa model holding the reform run and its baseline.

Mesa's ``SolaraViz`` plays, steps and resets one model built from keyword arguments. Compare
mode needs two ``SanyiModel`` runs stepped together with the same seed (common random numbers:
both meet the same illnesses and deaths, so the gap between them is the policy's), so the page's
model is a ``Classroom`` that owns them. A value the model's constructor rejects is kept as a
one-line ``error`` for the page instead of an exception, and the classroom then has no runs.
"""

from __future__ import annotations

import threading
from collections.abc import Mapping
from typing import Any

import mesa
import numpy as np
import pandas as pd

from sanyi.experiments.dashboard import controls, lessons
from sanyi.model import configure
from sanyi.model.config import ConfigError
from sanyi.model.model import SanyiModel
from sanyi.model.province import Province, simulation

REFORM, BASELINE = "reform", "baseline"


class Classroom(mesa.Model):
    """The runs a teacher set up: ``reform`` always, ``baseline`` in compare mode."""

    def __init__(self, *, compare: bool = False, lesson: str = "", **kwargs: Any) -> None:
        """Build from control values as ``SolaraViz`` passes them (see ``controls``).

        ``compare`` adds a baseline with the same seed: today's policy, or the lesson's
        baseline when ``lesson`` names one (``lessons.LESSONS``). The catch-all must be called
        ``kwargs``: that is the name Mesa's parameter check accepts for any keyword.
        """
        super().__init__(rng=0)  # the classroom draws nothing; each run has its own seed
        self.values = dict(kwargs)
        self.lesson = lessons.by_key(lesson) if lesson else None
        self.error: str | None = None
        self.runs: dict[str, SanyiModel | Province] = {}
        self._lock = threading.Lock()
        self._frames: dict[str, tuple[int, pd.DataFrame]] = {}  # run -> (months, series)
        try:
            self.runs[REFORM] = _build(self.values)
            if compare:
                self.runs[BASELINE] = _build(self.baseline_values())
        except ConfigError as exc:
            self.error, self.runs = str(exc), {}
        self.running = bool(self.runs)

    @property
    def compare(self) -> bool:
        return BASELINE in self.runs

    def baseline_values(self) -> dict[str, Any]:
        """Control values of the baseline run: the lesson's, or every lever back at today's."""
        if self.lesson is not None:
            return self.lesson.baseline_values(self.values)
        return controls.todays_policy(self.values)

    def step(self) -> None:
        """One month of every run; after the last month (or a bad value) it does nothing."""
        with self._lock:
            if not self.running:
                return
            for run in self.runs.values():
                run.step()
            self.running = any(run.running for run in self.runs.values())

    def retire(self) -> None:
        """Stop for good: the page replaced this classroom (a lesson was chosen)."""
        self.running = False

    # -- what the charts read --------------------------------------------------------------
    @property
    def months_done(self) -> int:
        return min((len(run.months) for run in self.runs.values()), default=0)

    @property
    def clock(self) -> str:
        """The last month simulated, ``2027-03``, or the month about to start."""
        run = self.runs.get(REFORM)
        if run is None:
            return "-"
        if not run.months:
            return f"none yet (the run starts in January {run.cfg.population.start_year})"
        year, month = run.months[-1]
        return f"{year}-{month:02d}"

    def monthly(self, name: str) -> pd.DataFrame:
        """The run's ``DataCollector`` series, one row per month, with a decimal-year ``time``.

        Reads a consistent prefix of the collector's lists, so it may run while the run steps;
        kept until the next month, since every chart and the table read it.
        """
        run = self.runs[name]
        columns = dict(run.datacollector.model_vars)
        n = min([len(v) for v in columns.values()] + [self.months_done])
        cached = self._frames.get(name)
        if cached is None or cached[0] != n:
            frame = pd.DataFrame({k: v[:n] for k, v in columns.items()})
            frame.insert(0, "time", [y + (m - 0.5) / 12 for y, m in run.months[:n]])
            cached = self._frames[name] = (n, frame)
        return cached[1]

    def last_year_mean(self, name: str, column: str) -> float:
        """Mean of the last 12 monthly values (one month is noisy in a small city)."""
        series = self.monthly(name)[column].tail(12)
        return float(series.mean()) if len(series) else float("nan")

    def difference(self, column: str) -> np.ndarray:
        """Reform minus baseline, month by month (common random numbers: no noise at t=0)."""
        reform, baseline = self.monthly(REFORM)[column], self.monthly(BASELINE)[column]
        n = min(len(reform), len(baseline))
        return reform.to_numpy()[:n] - baseline.to_numpy()[:n]


def _build(values: Mapping[str, Any]) -> SanyiModel | Province:
    """A run from control values, collecting monthly series for the charts (a province's
    series are the province's as a whole: its ``all`` rows)."""
    options = {**controls.model_options(values), "collect_monthly": True, "progress": False}
    return simulation(configure.compose(configure.overrides_from_options(options)))
