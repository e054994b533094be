"""Named experiments (``conf/experiment/*.yaml``): their questions, and a check at start.

An experiment names the policy options it sweeps (``payment: ffs,drg,dip``). Options arrive
as other issues land; until then, launching the experiment must say plainly which options are
missing — not run something else and not print a Hydra stack trace. ``check_argv`` is meant for
``sanyi-run``'s start-up; ``check_experiment`` checks one experiment by name.
"""

from __future__ import annotations

from pathlib import Path

import yaml
from hydra.core.override_parser.overrides_parser import OverridesParser

from sanyi.model.config import ConfigError
from sanyi.model.configure import CONF_DIR, GROUPS, options

PACKAGE_LINE = "# @package _global_"


def experiment_file(name: str, conf_dir: Path = CONF_DIR) -> Path:
    path = conf_dir / "experiment" / f"{name}.yaml"
    if not path.is_file():
        known = ", ".join(options("experiment", conf_dir))
        raise ConfigError(f"unknown experiment {name!r}; known: {known}")
    return path


def question(name: str, conf_dir: Path = CONF_DIR) -> str:
    """The one-sentence question an experiment answers: its first comment after the package line."""
    for line in experiment_file(name, conf_dir).read_text(encoding="utf-8").splitlines()[1:]:
        if line.startswith("#"):
            return line.lstrip("# ").strip()
    return ""


def _sweep_values(key: str, value: str) -> list[str]:
    """The values a sweep string stands for (``a,b`` -> [a, b]; ``range(3)`` -> 0, 1, 2)."""
    override = OverridesParser.create().parse_override(f"{key}={value}")
    if override.is_sweep_override():
        return [str(v) for v in override.sweep_string_iterator()]
    return [override.get_value_element_as_str()]


def _spec(name: str, conf_dir: Path) -> dict:
    return yaml.safe_load(experiment_file(name, conf_dir).read_text(encoding="utf-8")) or {}


def sweep_params(name: str, conf_dir: Path = CONF_DIR) -> dict[str, str]:
    """The experiment's ``hydra.sweeper.params``: swept key -> sweep string."""
    params = ((_spec(name, conf_dir).get("hydra") or {}).get("sweeper") or {}).get("params") or {}
    return {str(k): str(v).lower() if isinstance(v, bool) else str(v) for k, v in params.items()}


def needed_options(name: str, conf_dir: Path = CONF_DIR) -> dict[str, list[str]]:
    """Config-group options an experiment uses: its defaults overrides and swept groups."""
    needed: dict[str, list[str]] = {}
    for entry in _spec(name, conf_dir).get("defaults") or []:
        if isinstance(entry, dict):
            for key, value in entry.items():
                group = key.removeprefix("override").strip().lstrip("/")
                needed.setdefault(group, []).append(str(value))
    for key, value in sweep_params(name, conf_dir).items():
        needed.setdefault(key.lstrip("+~/"), []).extend(_sweep_values(key, value))
    return {g: sorted(set(v), key=v.index) for g, v in needed.items() if g in GROUPS}


def missing_options(needed: dict[str, list[str]], conf_dir: Path = CONF_DIR) -> dict[str, list[str]]:
    """The subset of ``needed`` that has no ``conf/<group>/<option>.yaml`` yet."""
    missing = {g: [o for o in opts if o not in options(g, conf_dir)] for g, opts in needed.items()}
    return {g: opts for g, opts in missing.items() if opts}


def _describe(missing: dict[str, list[str]]) -> str:
    parts = [f"{group} option{'s' if len(opts) > 1 else ''} {', '.join(opts)}"
             for group, opts in missing.items()]
    return " and ".join(parts)


def check_experiment(name: str, conf_dir: Path = CONF_DIR) -> None:
    """Raise ``ConfigError`` (one line) when an experiment needs options not built yet."""
    missing = missing_options(needed_options(name, conf_dir), conf_dir)
    if missing:
        verb = "is" if sum(map(len, missing.values())) == 1 else "are"
        raise ConfigError(f"experiment {name} needs {_describe(missing)}, which {verb} not built "
                          "yet")


def check_argv(argv: list[str], conf_dir: Path = CONF_DIR) -> None:
    """Check every experiment named on a ``sanyi-run`` command line (``+experiment=a[,b]``)."""
    for arg in argv:
        key, _, value = arg.partition("=")
        if key.lstrip("+~") == "experiment" and value:
            for name in _sweep_values("experiment", value):
                check_experiment(name, conf_dir)
