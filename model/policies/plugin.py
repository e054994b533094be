"""Policies as plug-ins: a config node names its class (``_target_``) and carries its parameters.

Each policy family (payment, procurement, pricing, benefits) is an interface; each variant is
a class with a ``Config`` dataclass — its own schema, derived from the family's base config so
that the family's common keys (e.g. ``payment.start_year``) always exist. A YAML file in the
family's config group selects the class and sets its parameters::

    _target_: sanyi.model.policies.payment.FeeForService
    name: ffs
    start_year: 2025

A class written outside the package is selected the same way (``payment._target_=my.Method``).
The node is validated against the class's ``Config`` at start, like every other key.
"""

from __future__ import annotations

import dataclasses
from typing import Any

from hydra.utils import get_class
from omegaconf import OmegaConf

from sanyi.model.config import FAMILIES, ConfigError, schema_of


def policy_class(family: str, target: Any) -> type:
    """The class a ``_target_`` names, checked to be a policy of ``family``."""
    key = f"{family}._target_"
    if not isinstance(target, str) or not target:
        raise ConfigError(f"invalid config: {key}={target!r}; allowed: a dotted class path, "
                          "e.g. sanyi.model.policies.payment.FeeForService")
    try:
        cls = get_class(target)
    except Exception:
        raise ConfigError(f"invalid config: {key}={target!r}; allowed: an importable class "
                          "(module.Class)") from None
    base = FAMILIES[family]
    config = getattr(cls, "Config", None)
    if not (dataclasses.is_dataclass(config) and issubclass(config, base)):
        raise ConfigError(f"invalid config: {key}={target!r}; allowed: a class whose Config "
                          f"dataclass derives from {base.__name__}")
    return cls


def typed_node(family: str, node: Any) -> Any:
    """A family's config node as its class's ``Config`` instance (unknown keys fail)."""
    from sanyi.model.validation import describe_schema_error

    if dataclasses.is_dataclass(node):
        return node
    if not isinstance(node, dict):
        raise ConfigError(f"invalid config: {family}={node!r}; allowed: an option of the "
                          f"{family} group")
    cls = policy_class(family, node.get("_target_"))
    try:
        merged = OmegaConf.merge(schema_of(cls.Config), node)
        return OmegaConf.to_object(merged)
    except Exception as exc:
        raise ConfigError(f"invalid config: {family}.{describe_schema_error(exc, cls.Config)}"
                          ) from None


def build(node: Any, *args: Any) -> Any:
    """Instantiate the policy a (validated) config node names, with the node as its config."""
    return get_class(node._target_)(node, *args)
