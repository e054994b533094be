"""Compose a run's configuration from the ``conf/`` groups without Hydra's global state.

``sanyi-run`` composes through ``@hydra.main``; everything else that needs a config — the
dashboard (one model per browser session, several at once), notebooks, tests,
``sanyi-validate`` — composes here. Hydra's ``compose`` API keeps a process-wide singleton
(``GlobalHydra``) that must be cleared and re-initialised for every call, which is unsafe with
several sessions in one process and clobbers a running Hydra app; this module drives Hydra's
config loader directly, so composing has no side effects and may run in any thread.

A model can also be described by keyword arguments, as Mesa's SolaraViz passes them:
a config group by its name (``payment="ffs"``) and any other key with ``__`` for the dots
(``population__size=5000``, ``benefits__retirement_delay=False``).
"""

from __future__ import annotations

import threading
from collections.abc import Mapping, Sequence
from importlib import resources
from pathlib import Path
from typing import Any

from hydra._internal.config_loader_impl import ConfigLoaderImpl
from hydra._internal.utils import create_config_search_path
from hydra.types import RunMode
from omegaconf import DictConfig, OmegaConf

from sanyi.model.config import ConfigError, SanyiConfig, register_configs
from sanyi.model.validation import describe_schema_error, validate

# The Hydra groups are installed with the package (``sanyi.conf``): runs work from any folder.
CONF_DIR = Path(str(resources.files("sanyi.conf")))
GROUPS = ("population", "scenario", "behaviour", "payment", "procurement", "pricing",
          "benefits", "protection", "pooling", "experiment")
_LOCK = threading.Lock()  # Hydra's plugin registry is a process-wide singleton


def options(group: str, conf_dir: Path = CONF_DIR) -> list[str]:
    """The options of a config group: the YAML files in ``conf/<group>/``."""
    return sorted(p.stem for p in (conf_dir / group).glob("*.yaml"))


def overrides_from_options(choices: Mapping[str, Any]) -> list[str]:
    """Hydra overrides from keyword arguments (``population__size=5000`` -> ``population.size=5000``)."""
    out = []
    for name, value in choices.items():
        key = name.replace("__", ".")
        if isinstance(value, bool):
            value = str(value).lower()
        out.append(f"{key}={value}")
    return out


def compose_dict(overrides: Sequence[str] = (), conf_dir: Path = CONF_DIR,
                 with_hydra: bool = False) -> DictConfig:
    """The composed Hydra config, raising ``ConfigError`` in one line.

    ``with_hydra`` keeps Hydra's own node (``hydra.run.dir`` ...) and accepts ``hydra.``
    overrides; otherwise the node is dropped.
    """
    register_configs()
    _check_group_choices(overrides, conf_dir)
    loader = ConfigLoaderImpl(config_search_path=create_config_search_path(str(conf_dir)))
    try:
        with _LOCK:
            cfg = loader.load_configuration(config_name="config", overrides=list(overrides),
                                            run_mode=RunMode.RUN, from_shell=False)
    except ConfigError:
        raise
    except Exception as exc:
        raise ConfigError("invalid config: " + one_line(exc)) from None
    if with_hydra:
        return cfg
    plain = OmegaConf.to_container(cfg, resolve=False)
    assert isinstance(plain, dict)
    plain.pop("hydra", None)
    return OmegaConf.create(plain)


def compose(overrides: Sequence[str] = (), conf_dir: Path = CONF_DIR) -> SanyiConfig:
    """A validated, typed config from Hydra overrides (``["payment=ffs", "seed=3"]``)."""
    return validate(compose_dict(overrides, conf_dir))


def _check_group_choices(overrides: Sequence[str], conf_dir: Path) -> None:
    """An unknown option of a group fails with the list of known ones (Hydra's text is long)."""
    for override in overrides:
        key, _, value = override.partition("=")
        key = key.lstrip("+~")
        if key in GROUPS and value and "," not in value and value not in options(key, conf_dir):
            raise ConfigError(f"invalid config: {key}={value!r}; allowed: "
                              + ", ".join(options(key, conf_dir)))


def one_line(exc: BaseException) -> str:
    """Hydra's message plus its cause, which names the key and says what was wrong."""
    cause = exc.__cause__
    if cause is not None and getattr(cause, "full_key", None):
        return describe_schema_error(cause)
    parts = [str(exc).strip().splitlines()[0]]
    if cause is not None and str(cause).strip():
        parts.append(str(cause).strip().splitlines()[0])
    return ": ".join(parts)
