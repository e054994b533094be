"""Config fuzzing (Hypothesis): every checked key rejects a bad value in one line, and random
valid values run two years without a crash, a non-finite number or a negative stock.

CI runs a fixed set of examples (``derandomize``: 60 bad values, 8 valid configs); for a
longer search drop ``derandomize`` and raise ``max_examples`` (80 random valid configs and
120 bad values were tried so when this file was written; none failed).

The keys come from the schema itself (each field's declared check), so a key added later is
fuzzed without touching this file.
"""

from __future__ import annotations

import dataclasses
import math
from typing import Any

import numpy as np
import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from sanyi.model import ledger
from sanyi.model.config import ConfigError, SanyiConfig
from sanyi.model.configure import compose_dict
from sanyi.model.model import SanyiModel
from sanyi.model.validation import validate

# Keys whose allowed values depend on other keys (checked by the cross-field rules and their
# own tests) or that set the size and span of the run.
NOT_FUZZED = ("seed", "population.start_year", "population.end_year", "population.size",
              "progress", "collect_monthly", "resume")
SCALAR_CHECKS = ("probability", "nonneg", "positive", "between", "positive_int", "nonneg_int",
                 "choice")


def checked_keys(node: Any, prefix: str = "") -> list[tuple[str, str, dict[str, Any], Any]]:
    """(key, check, its parameters, default) of every scalar field with a declared check."""
    found = []
    for f in dataclasses.fields(node):
        value = getattr(node, f.name)
        key = f"{prefix}{f.name}"
        if dataclasses.is_dataclass(value):
            found += checked_keys(value, key + ".")
        elif f.metadata.get("check") in SCALAR_CHECKS and key not in NOT_FUZZED:
            found.append((key, f.metadata["check"], dict(f.metadata), value))
    return found


DEFAULT = validate(compose_dict([]))
KEYS = checked_keys(DEFAULT)


def invalid_value(check: str, meta: dict[str, Any]) -> st.SearchStrategy[Any]:
    """Values the check must refuse."""
    if check == "probability":
        return st.one_of(st.floats(-1e6, -1e-6), st.floats(1.000001, 1e6))
    if check == "nonneg":
        return st.floats(-1e9, -1e-6)
    if check == "positive":
        return st.floats(-1e9, 0.0)
    if check == "positive_int":
        return st.integers(-10_000, 0)
    if check == "nonneg_int":
        return st.integers(-10_000, -1)
    if check == "between":
        width = max(meta["hi"] - meta["lo"], 1.0)
        return st.one_of(st.floats(meta["lo"] - 10 * width, meta["lo"] - 1e-3 * width),
                         st.floats(meta["hi"] + 1e-3 * width, meta["hi"] + 10 * width))
    return st.text(alphabet="abcdefghij_", min_size=1, max_size=12).filter(
        lambda s: s not in meta["choices"])


@settings(max_examples=60, deadline=None, derandomize=True,
          suppress_health_check=[HealthCheck.too_slow])
@given(st.data())
def test_a_bad_value_of_any_checked_key_fails_at_start_in_one_line_naming_it(data: Any) -> None:
    key, check, meta, _ = data.draw(st.sampled_from(KEYS), label="key")
    value = data.draw(invalid_value(check, meta), label="value")

    with pytest.raises(ConfigError) as caught:
        validate(compose_dict([f"{key}={value!r}" if isinstance(value, str) else f"{key}={value}"]))

    message = str(caught.value)
    assert "\n" not in message
    assert key in message
    assert "allowed" in message


# Valid random values: for keys without an upper bound, up to three times the default (the
# model is not meant for a thousand-fold admission rate, and such a run would only be slow).
def valid_value(check: str, meta: dict[str, Any], default: Any) -> st.SearchStrategy[Any]:
    if check == "probability":
        return st.floats(0.0, 1.0)
    if check in ("nonneg", "positive"):
        top = 3 * abs(float(default)) + 1.0
        return st.floats(1e-6 if check == "positive" else 0.0, top)
    if check in ("positive_int", "nonneg_int"):
        return st.integers(1 if check == "positive_int" else 0, max(3 * int(default), 1))
    if check == "between":
        return st.floats(meta["lo"], meta["hi"])
    return st.sampled_from(meta["choices"])


STOCKS = ("persons", "enrollees", "reserve_yuan", "account_balance_yuan", "total_reserve_yuan")


@settings(max_examples=8, deadline=None, derandomize=True,
          suppress_health_check=[HealthCheck.too_slow])
@given(st.data())
def test_random_valid_values_run_two_years_with_finite_output_and_no_negative_stock(
        data: Any) -> None:
    picked = data.draw(st.lists(st.sampled_from(KEYS), min_size=1, max_size=4,
                                unique_by=lambda k: k[0]), label="keys")
    overrides = [f"{key}={data.draw(valid_value(check, meta, default), label=key)}"
                 for key, check, meta, default in picked]
    try:
        cfg = validate(compose_dict(["population.size=400", "population.start_year=2025",
                                     "population.end_year=2026", *overrides]))
    except ConfigError:  # a combination a cross-field rule refuses, in one line
        assume(False)
    model = SanyiModel(cfg)
    model.run()  # a conservation break raises here
    annual = ledger.annual_table(model.ledger, model.months, model.scale)

    numbers = annual.select_dtypes("number").to_numpy(dtype=float)
    assert not np.isinf(numbers).any()
    for stock in STOCKS:
        values = annual[stock].dropna().to_numpy()
        assert (values >= -1e-6 * max(np.abs(values).max(), 1.0)).all(), stock


def test_the_fuzzed_keys_cover_every_family_of_the_schema() -> None:
    families = {key.split(".", 1)[0] for key, *_ in KEYS}
    assert {"population", "scenario", "behaviour", "payment", "procurement", "pricing",
            "benefits"} <= families
    assert all(isinstance(default, (int, float, str)) and not (
        isinstance(default, float) and math.isnan(default)) for *_, default in KEYS)
    assert isinstance(DEFAULT, SanyiConfig)
