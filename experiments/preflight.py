"""Check a single run before Hydra starts, for one-line errors.

Hydra reports an unknown group option or a value of the wrong type in several lines; users
of ``sanyi-run`` get one line naming the key, the value and what is allowed. The run must also
fit in memory and have an output folder it can create that holds no other run's outputs:
checked here because Hydra creates (and writes into) the folder before the run starts. Sweeps
(``-m``) and Hydra's own flags are left to Hydra: there each job validates its own config.
"""

from __future__ import annotations

from importlib import resources
from pathlib import Path

from hydra import compose, initialize_config_dir
from hydra.core.global_hydra import GlobalHydra
from omegaconf import DictConfig, OmegaConf, open_dict
from sanyi.experiments import folders
from sanyi.experiments.resources import check_memory
from sanyi.model.config import ConfigError
from sanyi.model.validation import describe_schema_error, validate

# The Hydra groups are installed with the package (``sanyi.conf``): runs work from any folder.
CONF_DIR = Path(str(resources.files("sanyi.conf")))
GROUPS = ("population", "scenario", "behaviour", "payment", "procurement", "pricing",
          "benefits", "experiment")


def options(group: str, conf_dir: Path = CONF_DIR) -> list[str]:
    """The options of a config group: the YAML files in ``conf/<group>/``."""
    return sorted(p.stem for p in (conf_dir / group).glob("*.yaml"))


def _group_choice(override: str) -> tuple[str, str] | None:
    key, _, value = override.partition("=")
    key = key.lstrip("+~")
    if key in GROUPS and value and "," not in value:
        return key, value
    return None


def compose_config(overrides: list[str], conf_dir: Path = CONF_DIR,
                   with_hydra: bool = False) -> DictConfig:
    """Compose the run's config the way ``sanyi-run`` does (also used by tests).

    ``with_hydra`` keeps Hydra's own node (``hydra.run.dir`` ...) and accepts ``hydra.``
    overrides.
    """
    from sanyi.model.config import register_configs

    register_configs()
    folders.register_resolvers()
    for override in overrides:
        choice = _group_choice(override)
        if choice and choice[1] not in options(choice[0], conf_dir):
            raise ConfigError(f"invalid config: {choice[0]}={choice[1]!r}; allowed: "
                              + ", ".join(options(choice[0], conf_dir)))
    GlobalHydra.instance().clear()
    try:
        with initialize_config_dir(str(conf_dir), version_base="1.3"):
            return compose("config", overrides=overrides, return_hydra_config=with_hydra)
    except ConfigError:
        raise
    except Exception as exc:
        raise ConfigError("invalid config: " + one_line(exc)) from None
    finally:
        GlobalHydra.instance().clear()


def one_line(exc: BaseException) -> str:
    """Hydra's message plus its cause, which names the key and says what was wrong."""
    cause = exc.__cause__
    if cause is not None and getattr(cause, "full_key", None):
        return describe_schema_error(cause)
    parts = [str(exc).strip().splitlines()[0]]
    if cause is not None and str(cause).strip():
        parts.append(str(cause).strip().splitlines()[0])
    return ": ".join(parts)


def check(argv: list[str]) -> None:
    """Validate a single run's overrides, memory and output folder; sweeps and flags are left to Hydra."""
    if any(a.startswith("-") for a in argv):
        return
    cfg = compose_config(argv, with_hydra=True)
    run_dir = Path(str(OmegaConf.select(cfg, "hydra.run.dir")))
    with open_dict(cfg):
        del cfg["hydra"]
    check_memory(validate(cfg))
    folders.check_writable(run_dir)
    folders.refuse_if_holds_outputs(run_dir)
