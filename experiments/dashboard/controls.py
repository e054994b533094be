"""The page's controls: one per lever or uncertainty, each named by the model option it sets.

A control's name is the keyword ``SanyiModel`` takes (a config group by name, any other key with
``__`` for the dots), so the value a teacher picks goes through exactly the validation of the
command line. Group menus are read from ``conf/`` when the page opens: an option another
engineer adds (``payment=drg``, ``procurement=vbp``, a ``pooling`` group) appears by itself.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

from omegaconf import OmegaConf

from sanyi.model import configure

# Policy families of DESIGN §3: what a government chooses. Compare mode resets these to today's
# policy in the baseline run; everything else (scenario, size, seed, horizon) is shared.
LEVER_GROUPS = ("payment", "procurement", "pricing", "benefits", "protection", "pooling")
# Menus shown even with a single option, so that the lever is visible before its variants exist.
ALWAYS_SHOWN = ("payment", "procurement", "pricing")
MENU_ORDER = (*LEVER_GROUPS, "population", "scenario", "behaviour")
# Folders of conf/ that are not menus: named experiments, Hydra's own, and the specs of
# sanyi-calibrate and sanyi-sensitivity (files chosen by path, not config groups).
NOT_MENUS = ("experiment", "hydra", "calibrate", "sensitivity")

CHRONIC_TREND = "chronic_trend"
AS_SCENARIO = "as in the scenario"
# Age-specific chronic incidence trend, per year (scenario.chronic_incidence_trend_per_year).
CHRONIC_TRENDS = {AS_SCENARIO: None, "-1 %/year": -0.01, "0 %/year": 0.0, "+1 %/year": 0.01,
                  "+2 %/year": 0.02, "+3 %/year": 0.03}
COMPARE, LESSON = "compare", "lesson"

# The page's own defaults: a small city and ten years, so that a run takes seconds.
PAGE_DEFAULTS: dict[str, Any] = {
    "population__size": "5000", "population__end_year": "2034", "seed": "0",
    CHRONIC_TREND: AS_SCENARIO, COMPARE: False,
}


@dataclass(frozen=True)
class Control:
    """One input of the sidebar, in the form Mesa's ``SolaraViz`` reads ``model_params``."""

    name: str
    label: str
    kind: str  # Select, Checkbox or InputText (Mesa's UserInputs)
    lever: bool
    values: tuple[str, ...] = ()

    def spec(self, value: Any) -> dict[str, Any]:
        """Mesa's parameter dictionary for this control showing ``value``."""
        spec: dict[str, Any] = {"type": self.kind, "label": self.label, "value": value}
        if self.kind == "Select":
            spec["values"] = list(self.values)
        return spec


def menu_groups(conf_dir: Path = configure.CONF_DIR) -> list[str]:
    """Config groups that get a menu: the main levers always, others once they have a choice."""
    found = sorted(p.name for p in conf_dir.iterdir()
                   if p.is_dir() and p.name not in NOT_MENUS and any(p.glob("*.yaml")))
    ordered = [g for g in MENU_ORDER if g in found] + [g for g in found if g not in MENU_ORDER]
    return [g for g in ordered
            if g in ALWAYS_SHOWN or len(configure.options(g, conf_dir)) > 1]


def controls(conf_dir: Path = configure.CONF_DIR) -> list[Control]:
    """Every control of the sidebar, in reading order: levers first, then the setting."""
    menus = [Control(g, g.replace("_", " ").capitalize(), "Select", g in LEVER_GROUPS,
                     tuple(configure.options(g, conf_dir))) for g in menu_groups(conf_dir)]
    # Numbers are typed (Mesa's sliders show no value): the model's validation judges them.
    levers = [
        Control("payment__start_year", "Year the payment method replaces FFS", "InputText", True),
        Control("benefits__retirement_delay", "Retirement-age reform (2025 law)", "Checkbox", True),
        *[Control(f"benefits__resident__inpatient_ratio__{tier}",
                  f"Resident inpatient reimbursement, {label} (0-1)", "InputText", True)
          for tier, label in (("primary", "primary care"), ("secondary", "county hospital"),
                              ("tertiary", "city hospital"))],
        Control("payment__audit_probability", "Audit probability per hospital-year (0-1)",
                "InputText", True),
    ]
    setting = [
        Control(CHRONIC_TREND, "Chronic-disease trend", "Select", False, tuple(CHRONIC_TRENDS)),
        Control("population__end_year", "Last year simulated", "InputText", False),
        Control("population__size", "Simulated persons", "InputText", False),
        Control("seed", "Seed", "InputText", False),
        Control(COMPARE, "Compare with today's policy (same seed)", "Checkbox", False),
    ]
    n_lever_menus = sum(c.lever for c in menus)
    return menus[:n_lever_menus] + levers + menus[n_lever_menus:] + setting


@cache
def _default_config(conf_dir: Path) -> Any:
    return configure.compose_dict([], conf_dir)


def _default_choices(conf_dir: Path) -> dict[str, str]:
    """Each group's default option, from the defaults list of ``config.yaml``."""
    entries = OmegaConf.to_container(OmegaConf.load(conf_dir / "config.yaml").defaults)
    assert isinstance(entries, list)
    return {k: v for entry in entries if isinstance(entry, dict) for k, v in entry.items()
            if "/" not in k and " " not in k}


def defaults(conf_dir: Path = configure.CONF_DIR) -> dict[str, Any]:
    """Every control's starting value: the config's defaults, with the page's small city."""
    choices = _default_choices(conf_dir)
    values: dict[str, Any] = {}
    for control in controls(conf_dir):
        if control.kind == "Select" and control.name in choices:
            values[control.name] = choices[control.name]
        elif control.name in PAGE_DEFAULTS:
            values[control.name] = PAGE_DEFAULTS[control.name]
        else:
            value = OmegaConf.select(_default_config(conf_dir), control.name.replace("__", "."))
            values[control.name] = str(value) if control.kind == "InputText" else value
    return values


def model_params(values: Mapping[str, Any], lesson: str = "",
                 conf_dir: Path = configure.CONF_DIR) -> dict[str, Any]:
    """``SolaraViz``'s ``model_params``: every control showing ``values``, and the lesson (fixed)."""
    params: dict[str, Any] = {c.name: c.spec(values[c.name]) for c in controls(conf_dir)}
    params[LESSON] = lesson
    return params


def model_options(values: Mapping[str, Any]) -> dict[str, Any]:
    """Keyword options for ``SanyiModel`` from control values (page-only controls translated)."""
    options = {k: v for k, v in values.items() if k not in (CHRONIC_TREND, COMPARE, LESSON)}
    trend = CHRONIC_TRENDS.get(values.get(CHRONIC_TREND, AS_SCENARIO), values.get(CHRONIC_TREND))
    if trend is not None:
        options["scenario__chronic_incidence_trend_per_year"] = trend
    return options


def todays_policy(values: Mapping[str, Any], conf_dir: Path = configure.CONF_DIR) -> dict[str, Any]:
    """The same values with every lever back at its default: compare mode's baseline."""
    start = defaults(conf_dir)
    levers = {c.name for c in controls(conf_dir) if c.lever}
    return {k: (start[k] if k in levers else v) for k, v in values.items()}
