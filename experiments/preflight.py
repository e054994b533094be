"""Check a single run before Hydra starts, for one-line errors.

Hydra reports an unknown group option or a value of the wrong type in several lines; users
of ``sanyi-run`` get one line naming the key, the value and what is allowed. The run must also
fit in memory and have an output folder it can create that holds no other run's outputs:
checked here because Hydra creates (and writes into) the folder before the run starts. Sweeps
(``-m``) and Hydra's own flags are left to Hydra: there each job validates its own config.
"""

from __future__ import annotations

from pathlib import Path

from hydra.core.utils import setup_globals
from omegaconf import OmegaConf, open_dict

from sanyi.experiments import folders
from sanyi.experiments.resources import check_memory
from sanyi.model.configure import compose_dict
from sanyi.model.validation import validate


def check(argv: list[str]) -> None:
    """Validate a single run's overrides, memory and output folder; sweeps and flags are left to Hydra."""
    if any(a.startswith("-") for a in argv):
        return
    setup_globals()  # Hydra's ${now:} resolver, which the folder names use
    folders.register_resolvers()
    cfg = compose_dict(argv, with_hydra=True)
    run_dir = Path(str(OmegaConf.select(cfg, "hydra.run.dir")))
    with open_dict(cfg):
        del cfg["hydra"]
    check_memory(validate(cfg))
    folders.check_writable(run_dir)
    folders.refuse_if_holds_outputs(run_dir)
