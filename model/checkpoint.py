"""Checkpoints: the whole model state at a year's end, to continue a run after a stop.

A checkpoint holds the model as it stood after December (populations, institutions, random
streams, the ledger and every table accumulated so far), the sanyi version and the config it
came from. Continuing from it gives outputs identical to an uninterrupted run with the seed.

What is trusted: a checkpoint is a Python pickle, and unpickling runs code, so sanyi loads only
files it signed itself. Each file carries an HMAC-SHA256 of its contents under a secret key
kept in the user's data folder (``$XDG_DATA_HOME/sanyi/checkpoint.key``, else
``~/.local/share/sanyi/checkpoint.key``, created on first use with mode 0600; the
``SANYI_CHECKPOINT_KEY_FILE`` environment variable names another file, e.g. one shared by
the nodes of a cluster). A file signed under another key, or changed after it was written,
is refused before anything in it is read.
"""

from __future__ import annotations

import hashlib
import hmac
import os
import pickle
import secrets
from pathlib import Path
from typing import TYPE_CHECKING, Any

from omegaconf import OmegaConf

from sanyi import __version__
from sanyi.model.config import ConfigError, SanyiConfig
from sanyi.model.outputs import atomic_write_bytes

if TYPE_CHECKING:
    from sanyi.model.model import SanyiModel

MAGIC = b"SANYI-CHECKPOINT-1\n"
# Keys that may differ between the interrupted run and its continuation.
NOT_COMPARED = ("checkpoint", "resume_from", "progress")


def key_file() -> Path:
    """Where this user's signing key lives."""
    named = os.environ.get("SANYI_CHECKPOINT_KEY_FILE")
    if named:
        return Path(named)
    data = Path(os.environ.get("XDG_DATA_HOME") or Path.home() / ".local" / "share")
    return data / "sanyi" / "checkpoint.key"


def _key(create: bool) -> bytes:
    path = key_file()
    if not path.exists():
        if not create:
            raise ConfigError(f"invalid config: resume_from: no checkpoint key at {path}; only "
                              "checkpoints written by sanyi under this key can be loaded")
        path.parent.mkdir(parents=True, exist_ok=True)
        fd = os.open(path, os.O_CREAT | os.O_EXCL | os.O_WRONLY, 0o600)
        with os.fdopen(fd, "wb") as handle:
            handle.write(secrets.token_bytes(32))
    return path.read_bytes()


def config_tree(cfg: SanyiConfig) -> dict[str, Any]:
    """The config as plain data, without the keys a continuation may change."""
    tree = OmegaConf.to_container(OmegaConf.structured(cfg))
    assert isinstance(tree, dict)
    return {k: v for k, v in tree.items() if k not in NOT_COMPARED}


def save(model: SanyiModel, path: Path) -> None:
    """Write the model's state to ``path`` atomically, signed with this user's key."""
    body = pickle.dumps({"sanyi_version": __version__, "config": config_tree(model.cfg),
                         "model": model}, protocol=pickle.HIGHEST_PROTOCOL)
    signature = hmac.new(_key(create=True), body, hashlib.sha256).hexdigest().encode()
    atomic_write_bytes(path, MAGIC + signature + b"\n" + body)


def load(path: Path, cfg: SanyiConfig, overridden: set[str]) -> SanyiModel:
    """The model saved in ``path``, checked before use.

    ``cfg`` is the config composed for the continuation; ``overridden`` the keys the user set
    on its command line. The run continues with the checkpoint's config: a key the user set
    to another value than the checkpoint's is refused, naming both values.
    """
    key = "resume_from"
    try:
        raw = Path(path).read_bytes()
    except OSError as err:
        raise ConfigError(f"invalid config: {key}={path}: cannot read it ({err.strerror})") from None
    head, _, rest = raw.partition(b"\n")
    signature, _, body = rest.partition(b"\n")
    if head + b"\n" != MAGIC:
        raise ConfigError(f"invalid config: {key}={path}: not a sanyi checkpoint")
    expected = hmac.new(_key(create=False), body, hashlib.sha256).hexdigest().encode()
    if not hmac.compare_digest(signature, expected):
        raise ConfigError(f"invalid config: {key}={path}: not signed by sanyi under this user's "
                          f"key ({key_file()}), or changed since; refusing to load it")
    saved = pickle.loads(body)  # signed by us: trusted (see the module docstring)
    if saved["sanyi_version"] != __version__:
        raise ConfigError(f"invalid config: {key}={path}: written by sanyi "
                          f"{saved['sanyi_version']}, this is {__version__}; continue it with "
                          "that version")
    _refuse_changed_keys(path, saved["config"], config_tree(cfg), overridden)
    return saved["model"]


def _refuse_changed_keys(path: Path, saved: dict[str, Any], given: dict[str, Any],
                         overridden: set[str]) -> None:
    for name, (then, now) in _differences(saved, given).items():
        if any(name == k or name.startswith(k + ".") for k in overridden):
            raise ConfigError(f"invalid config: {name}={now}; the checkpoint {path} was run with "
                              f"{name}={then}: continue it with the same config")


def _differences(a: Any, b: Any, prefix: str = "") -> dict[str, tuple[Any, Any]]:
    if isinstance(a, dict) and isinstance(b, dict):
        out: dict[str, tuple[Any, Any]] = {}
        for k in sorted(set(a) | set(b)):
            out |= _differences(a.get(k), b.get(k), f"{prefix}{k}.")
        return out
    return {} if a == b else {prefix.rstrip("."): (a, b)}
