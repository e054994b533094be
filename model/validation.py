"""Validation of a composed configuration, once, before the first step.

A bad value fails at start with one line naming the key, the value and what is allowed:
ranges declared next to each field of the schema (``model/config.py``), rules that involve
several keys, known policy names, and OmegaConf's own type and key errors rephrased.
"""

from __future__ import annotations

import difflib
import math
import re
from dataclasses import fields, is_dataclass
from typing import Any

from omegaconf import DictConfig, OmegaConf

from sanyi.model import nation
from sanyi.model.config import (
    FIRST_START_YEAR,
    LAST_END_YEAR,
    LAST_START_YEAR,
    ByTier,
    ConfigError,
    SanyiConfig,
    schema_of,
)


def _fail(key: str, value: Any, allowed: str) -> ConfigError:
    return ConfigError(f"invalid config: {key}={value!r}; allowed: {allowed}")


def _is_number(value: Any) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool) and math.isfinite(value)


_WHOLE_NUMBERS = {
    "positive_int": "an integer >= 1",
    "nonneg_int": "an integer >= 0",
    "seed": "an integer in [0, 2^63)",
    "year": f"a year in 1990..{LAST_END_YEAR}",
    "start_year": f"a year in {FIRST_START_YEAR}..{LAST_START_YEAR}",
    "end_year": f"a year in {FIRST_START_YEAR}..{LAST_END_YEAR}",
}


def _check_value(key: str, value: Any, check: str, meta: dict[str, Any]) -> None:
    if check == "choice":
        if value not in meta["choices"]:
            raise _fail(key, value, "one of " + ", ".join(meta["choices"]))
        return
    if check.endswith("_list") or check == "shares":
        _check_list(key, value, check)
        return
    if not _is_number(value):
        raise _fail(key, value, "a finite number")
    if check in _WHOLE_NUMBERS and not float(value).is_integer():
        raise _fail(key, value, _WHOLE_NUMBERS[check])
    bounds = {
        "probability": (0.0, 1.0, "a probability in [0, 1]"),
        "nonneg": (0.0, math.inf, "a number >= 0"),
        "nonpositive": (-math.inf, 0.0, "a number <= 0"),
        "positive": (1e-300, math.inf, "a number > 0"),
        "positive_int": (1, math.inf, "an integer >= 1"),
        "nonneg_int": (0, math.inf, "an integer >= 0"),
        "seed": (0, 2**63 - 1, "an integer in [0, 2^63)"),
        "year": (1990, LAST_END_YEAR, f"a year in 1990..{LAST_END_YEAR}"),
        "start_year": (FIRST_START_YEAR, LAST_START_YEAR,
                       f"a year in {FIRST_START_YEAR}..{LAST_START_YEAR}"),
        "end_year": (FIRST_START_YEAR, LAST_END_YEAR, f"a year in {FIRST_START_YEAR}..{LAST_END_YEAR}"),
    }
    if check == "between":
        lo, hi, text = meta["lo"], meta["hi"], f"a number in [{meta['lo']}, {meta['hi']}]"
    else:
        lo, hi, text = bounds[check]
    if not lo <= value <= hi:
        raise _fail(key, value, text)


def _check_list(key: str, value: Any, check: str) -> None:
    values = list(value)
    if not values or not all(_is_number(v) for v in values):
        raise _fail(key, values, "a non-empty list of finite numbers")
    if check in ("nonneg_list", "shares") and min(values) < 0:
        raise _fail(key, values, "numbers >= 0")
    if check == "probability_list" and not all(0 <= v <= 1 for v in values):
        raise _fail(key, values, "probabilities in [0, 1]")
    if check == "shares" and abs(sum(values) - 1.0) > 1e-6:
        raise _fail(key, values, f"shares in [0, 1] that sum to 1 (they sum to {sum(values):g})")


def _walk(node: Any, schema: type, prefix: str) -> None:
    for f in fields(schema):
        key = f"{prefix}{f.name}"
        value = getattr(node, f.name)
        if is_dataclass(value):
            _walk(value, type(value), key + ".")
            if isinstance(value, ByTier):
                _check_by_tier(key, value)
        elif "check" in f.metadata:
            _check_value(key, value, f.metadata["check"], dict(f.metadata))


_PROBABILITY_TIERS = ("inpatient_ratio", "out_of_scope_share", "originator_share")


def _check_by_tier(key: str, value: ByTier) -> None:
    leaf = key.rsplit(".", 1)[-1]
    for tier, v in zip(("primary", "secondary", "tertiary"), value.as_tuple(), strict=True):
        allowed = (0.0, 1.0) if leaf in _PROBABILITY_TIERS else (0.0, math.inf)
        if not _is_number(v) or not allowed[0] <= v <= allowed[1]:
            text = "a probability in [0, 1]" if leaf in _PROBABILITY_TIERS else "a number >= 0"
            raise _fail(f"{key}.{tier}", v, text)


def _check_cross_field(cfg: SanyiConfig) -> None:
    """Rules that involve more than one key, and the user's own input files."""
    pop = cfg.population
    if pop.table:
        from sanyi.model.user_tables import population_table

        population_table(pop.table)
    if pop.hospitals.table:
        from sanyi.model.user_tables import hospital_table

        hospital_table(pop.hospitals.table)
    if cfg.market.catalogue:
        from sanyi.model.market import catalogue_vocabulary
        from sanyi.model.user_tables import catalogue_rows

        catalogue_rows(cfg.market.catalogue, *catalogue_vocabulary())
    if pop.end_year < pop.start_year:
        raise _fail("population.end_year", pop.end_year,
                    f"a year >= population.start_year ({pop.start_year})")
    for key in ("admission_rate_by_age", "outpatient_rate_by_age"):
        n = len(getattr(pop.care_use, key))
        if n != 6:
            raise _fail(f"population.care_use.{key}", getattr(pop.care_use, key),
                        "6 numbers (ages 0-14, 15-44, 45-59, 60-69, 70-79, 80+)")
    if len(pop.urban_worker_share_by_age) != 5:
        raise _fail("population.urban_worker_share_by_age", pop.urban_worker_share_by_age,
                    "5 probabilities (ages 16-24, 25-34, 35-44, 45-54, 55-64)")
    for key in ("severity_shares", "severity_cost_factor", "severity_los_factor"):
        if len(getattr(pop.care_use, key)) != 3:
            raise _fail(f"population.care_use.{key}", getattr(pop.care_use, key),
                        "3 numbers (mild, moderate, severe)")
    _check_payment_switch(cfg)
    _check_regions(cfg)
    _check_province(cfg)
    adj = cfg.benefits.adjustment
    if adj.lower_months > adj.upper_months:
        raise _fail("benefits.adjustment.lower_months", adj.lower_months,
                    f"a number <= benefits.adjustment.upper_months ({adj.upper_months})")
    for year, tfr in cfg.scenario.tfr_by_year.items():
        _check_year_key("scenario.tfr_by_year", year)
        if not _is_number(tfr) or not 0 <= tfr <= 8:
            raise _fail(f"scenario.tfr_by_year.{year}", tfr, "a fertility rate in [0, 8]")
    for key in ("utilisation_shock_by_year", "utilisation_shock_urban_by_year"):
        for year, m in getattr(cfg.scenario, key).items():
            _check_year_key(f"scenario.{key}", year)
            if not _is_number(m) or m < 0:
                raise _fail(f"scenario.{key}.{year}", m, "a multiplier >= 0")
    for year, share in cfg.scenario.case_payment_share_by_year.items():
        _check_year_key("scenario.case_payment_share_by_year", year)
        if not _is_number(share) or not 0 <= share <= 1:
            raise _fail(f"scenario.case_payment_share_by_year.{year}", share,
                        "a share in [0, 1]")


def _check_payment_switch(cfg: SanyiConfig) -> None:
    """Methods that learn their rates from fee-for-service claims need a year of them."""
    from sanyi.model.policies.plugin import policy_class

    method = policy_class("payment", cfg.payment._target_)
    start = cfg.population.start_year
    if getattr(method, "learns_from_history", False) and cfg.payment.start_year <= start:
        raise _fail("payment.start_year", cfg.payment.start_year,
                    f"a year after population.start_year ({start}): {cfg.payment.name} learns "
                    "its rates from the fee-for-service claims of the years before the switch")


REGION_NAME = re.compile(r"^[a-z][a-z0-9_]*$")


def _check_regions(cfg: SanyiConfig) -> None:
    """A province lists at least two regions with distinct names and shares summing to 1;
    a prefecture lists none; pooling across regions needs a province."""
    from sanyi.model.config import RegionConfig

    pop = cfg.population
    if pop.region_type != "province":
        if pop.regions:
            raise _fail("population.regions", [r.name for r in pop.regions],
                        "an empty list unless population.region_type=province")
        if cfg.pooling.name != "prefecture":
            raise _fail("pooling", cfg.pooling.name,
                        "prefecture unless population=province (several regions to pool)")
        return
    if len(pop.regions) < 2:
        raise _fail("population.regions", [r.name for r in pop.regions],
                    "a list of at least 2 regions when population.region_type=province")
    seen: set[str] = set()
    for i, region in enumerate(pop.regions):
        key = f"population.regions.{i}"
        if not REGION_NAME.match(region.name) or region.name == "all":
            raise _fail(f"{key}.name", region.name,
                        "lower-case letters, digits and _ starting with a letter, not 'all'")
        if region.name in seen:
            raise _fail(f"{key}.name", region.name, "a name no other region has")
        seen.add(region.name)
        _walk(region, RegionConfig, key + ".")
        if region.share <= 0:
            raise _fail(f"{key}.share", region.share, "a share in (0, 1]")
    total = sum(r.share for r in pop.regions)
    if abs(total - 1.0) > 1e-6:
        raise _fail("population.regions", [r.share for r in pop.regions],
                    f"shares that sum to 1 (they sum to {total:g})")
    if cfg.checkpoint.every_years:
        raise _fail("checkpoint.every_years", cfg.checkpoint.every_years,
                    "0 with population=province (a province is not checkpointed yet)")
    if cfg.resume_from:
        raise _fail("resume_from", cfg.resume_from,
                    "'' with population=province (a province is not checkpointed yet)")


def _check_province(cfg: SanyiConfig) -> None:
    """A named province is one of the 31, and only for a prefecture-type run."""
    provinces = nation.provinces()
    name = cfg.population.province
    if not name:
        return
    if name not in provinces:
        raise _fail("population.province", name, "'' (none) or one of " + ", ".join(provinces))
    if cfg.population.region_type != "prefecture":
        raise _fail("population.province", name,
                    "'' with population=province (a province's regions are stylised)")


def _check_year_key(key: str, year: str) -> None:
    if not (str(year).isdigit() and 1950 <= int(year) <= LAST_END_YEAR):
        raise _fail(key, year, f"keys that are years in 1950..{LAST_END_YEAR}")


def to_config(cfg: DictConfig | SanyiConfig) -> SanyiConfig:
    """Turn a composed Hydra config into the typed dataclass tree, checking its keys."""
    if isinstance(cfg, SanyiConfig):
        return cfg
    if not isinstance(cfg, DictConfig):
        raise ConfigError(f"invalid config: expected a Hydra DictConfig, got {type(cfg).__name__}")
    merged = OmegaConf.merge(schema_of(SanyiConfig), _without_hydra(cfg))
    typed = OmegaConf.to_object(merged)  # policy nodes are typed in __post_init__
    assert isinstance(typed, SanyiConfig)
    return typed


def _without_hydra(cfg: DictConfig) -> DictConfig:
    plain = OmegaConf.to_container(cfg, resolve=True)
    assert isinstance(plain, dict)
    plain.pop("hydra", None)
    return OmegaConf.create(plain)


def known_keys(path: str, schema: type = SanyiConfig) -> list[str]:
    """Keys allowed under a dotted path of a schema ("" for its top level)."""
    node: Any = schema
    for part in [p for p in path.split(".") if p]:
        matches = [f for f in fields(node) if f.name == part]
        if not matches or not is_dataclass(getattr(node(), part)):
            return []
        node = type(getattr(node(), part))
    return [f.name for f in fields(node)]


def describe_schema_error(exc: BaseException, schema: type = SanyiConfig) -> str:
    """One line for an OmegaConf type or key error: the key, what was wrong, what is allowed."""
    key = getattr(exc, "full_key", None) or ""
    text = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
    parent, _, leaf = key.rpartition(".")
    allowed = known_keys(parent, schema)
    if leaf and allowed and leaf not in allowed:
        close = difflib.get_close_matches(leaf, allowed, n=1)
        hint = f"did you mean {parent + '.' if parent else ''}{close[0]}? " if close else ""
        return f"{key}: no such key; {hint}allowed keys: {', '.join(allowed)}"
    wrong_type = re.search(r"Value '(.*)' of type '\w+' could not be converted to (\w+)", text)
    if key and wrong_type:
        value, wanted = wrong_type.groups()
        allowed_text = _TYPE_NAMES.get(wanted, wanted)
        return f"{key}={value}; allowed: {allowed_text}"
    return f"{key}: {text}" if key else text


_TYPE_NAMES = {"Integer": "an integer", "Float": "a number", "Boolean": "true or false"}


def validate(cfg: DictConfig | SanyiConfig) -> SanyiConfig:
    """Check every value once, before the first step; raise ``ConfigError`` on the first bad one."""
    try:
        typed = to_config(cfg)
    except ConfigError:
        raise
    except Exception as exc:  # OmegaConf validation errors: unknown key, wrong type
        raise ConfigError(f"invalid config: {describe_schema_error(exc)}") from None
    _walk(typed, SanyiConfig, "")
    _check_cross_field(typed)
    return nation.resolve(typed)  # a named province becomes its levers (model/nation.py)
