"""Tables a user supplies instead of the built-in inputs, checked column by column.

A user's file is read once, at start, and every problem is reported in one line naming the
config key, the file, the row and the column: a missing column, a value of the wrong type or
an impossible value (an age of 200, a negative count, a share above 1). Rows are counted from 1
for the first data row (the line after a CSV's header).

Today: the initial population by age and sex (``population.table``), the hospitals of the
region (``population.hospitals.table``) and the medicines catalogue (``market.catalogue``).
"""

from __future__ import annotations

import os
from collections.abc import Callable
from dataclasses import dataclass
from functools import cache, wraps
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from sanyi.model.batches import TIER_NAMES
from sanyi.model.config import ConfigError
from sanyi.model.inputs import MAX_AGE, N_AGES


@dataclass(frozen=True)
class Column:
    name: str
    allowed: str  # what the message says is allowed
    parse: Callable[[pd.Series], pd.Series]  # values, NaN where a value does not parse
    ok: Callable[[pd.Series], pd.Series]  # which parsed values are allowed


def _numbers(values: pd.Series) -> pd.Series:
    return pd.to_numeric(values, errors="coerce").astype(float)


def _sexes(values: pd.Series) -> pd.Series:
    return values.astype(str).str.strip().str.lower().map({"female": 1.0, "male": 0.0})


POPULATION_COLUMNS = (
    Column("age", f"a whole number of years in 0..{MAX_AGE}", _numbers,
           lambda v: (v >= 0) & (v <= MAX_AGE) & (v == np.floor(v))),
    Column("sex", "female or male", _sexes, lambda v: v.notna()),
    Column("persons", "a number >= 0", _numbers, lambda v: v >= 0),
)
POPULATION_OPTIONAL = (
    Column("urban_share", "a share in [0, 1]", _numbers, lambda v: (v >= 0) & (v <= 1)),
)


def cached_while_unchanged(load: Callable[..., Any]) -> Callable[..., Any]:
    """Cache ``load(path, ...)`` until the file at ``path`` changes (its modification time and
    size): validation and the model read a file once, and a notebook that edits it between
    runs gets the new table, not a stale one."""
    cached = cache(lambda path, stamp, *args: load(path, *args))

    @wraps(load)
    def read(path: str, *args: Any) -> Any:
        try:
            stat = os.stat(path)
            stamp: tuple[int, int] | None = (stat.st_mtime_ns, stat.st_size)
        except OSError:
            stamp = None  # the load names the missing file
        return cached(path, stamp, *args)

    return read


def _fail(key: str, path: Path, problem: str) -> ConfigError:
    return ConfigError(f"invalid config: {key}={path}: {problem}")


def read_table(key: str, path: Path) -> pd.DataFrame:
    """A CSV or Parquet file as text-faithful columns, or a one-line error."""
    if not path.is_file():
        raise _fail(key, path, "no such file")
    try:
        if path.suffix.lower() == ".parquet":
            return pd.read_parquet(path)
        return pd.read_csv(path, dtype=str, skipinitialspace=True)
    except Exception as err:  # a file pandas cannot read: say so, in one line
        first = str(err).strip().splitlines()[0] if str(err).strip() else type(err).__name__
        raise _fail(key, path, f"cannot read it as {'Parquet' if path.suffix == '.parquet' else 'CSV'} "
                               f"({first})") from None


def checked(key: str, path: Path, table: pd.DataFrame, required: tuple[Column, ...],
            optional: tuple[Column, ...] = ()) -> pd.DataFrame:
    """The table's known columns parsed, each value checked; the first problem raises."""
    missing = [c.name for c in required if c.name not in table.columns]
    if missing:
        names = ", ".join(c.name for c in required)
        raise _fail(key, path, f"missing column {missing[0]!r}; required columns: {names}")
    if table.empty:
        raise _fail(key, path, "no rows")
    out = {}
    for column in (*required, *(c for c in optional if c.name in table.columns)):
        raw = table[column.name]
        parsed = column.parse(raw)
        bad = np.flatnonzero(~(parsed.notna() & column.ok(parsed.fillna(0))).to_numpy())
        if bad.size:
            row = int(bad[0])
            raise _fail(key, path, f"row {row + 1}, column {column.name}: {raw.iloc[row]!r} is not "
                                   f"allowed; allowed: {column.allowed}")
        out[column.name] = parsed.to_numpy()
    return pd.DataFrame(out)


@cached_while_unchanged
def population_table(path: str) -> tuple[np.ndarray, np.ndarray | None]:
    """Persons by single year of age and sex (ages x [male, female]) from the user's file, and
    the urban share of each cell when the file gives one (else None)."""
    key = "population.table"
    table = checked(key, Path(path), read_table(key, Path(path)), POPULATION_COLUMNS,
                    POPULATION_OPTIONAL)
    if table.persons.sum() <= 0:
        raise _fail(key, Path(path), "column persons: the persons add up to 0; allowed: a "
                                     "table with somebody in it")
    age, female = table.age.astype(int).to_numpy(), table.sex.astype(int).to_numpy()
    persons = np.zeros((N_AGES, 2))
    np.add.at(persons, (age, female), table.persons.to_numpy())
    if "urban_share" not in table:
        return persons, None
    urban = np.zeros((N_AGES, 2))
    np.add.at(urban, (age, female), (table.persons * table.urban_share).to_numpy())
    return persons, np.divide(urban, persons, out=np.zeros_like(urban), where=persons > 0)


def _tiers(values: pd.Series) -> pd.Series:
    return values.astype(str).str.strip().str.lower().map({t: float(i) for i, t in enumerate(TIER_NAMES)})


HOSPITAL_COLUMNS = (
    Column("tier", "primary, secondary or tertiary", _tiers, lambda v: v.notna()),
    Column("beds", "a number of beds > 0", _numbers, lambda v: v > 0),
    Column("quality", "a score in [0, 1]", _numbers, lambda v: (v >= 0) & (v <= 1)),
)
HOSPITAL_OPTIONAL = (
    Column("fixed_cost_per_bed_month_yuan", "a number >= 0", _numbers, lambda v: v >= 0),
)


@cached_while_unchanged
def hospital_table(path: str) -> pd.DataFrame:
    """One row per hospital: tier (0, 1, 2), beds for the represented population in the beds'
    reference year, quality, and the fixed cost per bed-month where the file gives it (NaN:
    the tier's)."""
    key = "population.hospitals.table"
    table = checked(key, Path(path), read_table(key, Path(path)), HOSPITAL_COLUMNS,
                    HOSPITAL_OPTIONAL)
    for tier, name in enumerate(TIER_NAMES):
        if not (table.tier == tier).any():
            raise _fail(key, Path(path), f"column tier: no {name} hospital; allowed: a table "
                                         "with at least one hospital of each tier")
    if "fixed_cost_per_bed_month_yuan" not in table:
        table["fixed_cost_per_bed_month_yuan"] = np.nan
    table["tier"] = table.tier.astype(int)
    return table.sort_values("tier", kind="stable").reset_index(drop=True)


def _text(values: pd.Series) -> pd.Series:
    text = values.astype(str).str.strip()
    return text.where(values.notna() & (text != "") & (text.str.lower() != "nan"))


def _present(values: pd.Series) -> pd.Series:
    return pd.Series(np.where(_text(values).notna(), 1.0, np.nan), index=values.index)


def _flags(values: pd.Series) -> pd.Series:
    return pd.to_numeric(values, errors="coerce").where(lambda v: v.isin([0, 1]))


def _one_of(allowed: tuple[str, ...]) -> Callable[[pd.Series], pd.Series]:
    def parse(values: pd.Series) -> pd.Series:
        text = values.astype(str).str.strip()
        return pd.Series(np.where(text.isin(allowed), 1.0, np.nan), index=values.index)
    return parse


def catalogue_columns(classes: tuple[str, ...], rounds: tuple[str, ...]) -> tuple[Column, ...]:
    """The columns of ``model/data/vbp_catalogue.csv`` the model reads, with their checks."""
    def text(name: str, what: str) -> Column:
        return Column(name, what, _present, lambda v: v.notna())

    return (
        text("molecule", "a molecule's name"),
        Column("drug_class", "one of " + ", ".join(classes), _one_of(classes), lambda v: v.notna()),
        text("unit", "ddd, device or another unit's name"),
        text("maker", "a maker's name"),
        Column("originator", "0 or 1", _flags, lambda v: v.notna()),
        Column("consistency_evaluated", "0 or 1", _flags, lambda v: v.notna()),
        Column("list_price_yuan", "a price > 0", _numbers, lambda v: v > 0),
        Column("unit_cost_yuan", "a cost >= 0", _numbers, lambda v: v >= 0),
        Column("capacity_units_per_1000_persons_month", "a number >= 0", _numbers,
               lambda v: v >= 0),
        Column("demand_units_per_1000_persons_month", "a number > 0", _numbers, lambda v: v > 0),
        Column("vbp_round", "one of " + ", ".join(rounds), _one_of(rounds), lambda v: v.notna()),
    )


@cached_while_unchanged
def catalogue_rows(path: str, classes: tuple[str, ...], rounds: tuple[str, ...]
                   ) -> list[dict[str, str]]:
    """The user's catalogue as rows of text, like the built-in one, after every check; each
    drug class the model prescribes from keeps at least one molecule."""
    key = "market.catalogue"
    raw = read_table(key, Path(path)).astype(str)
    checked(key, Path(path), raw, catalogue_columns(classes, rounds))
    present = set(raw.drug_class.str.strip())
    for name in classes:
        if name not in present:
            raise _fail(key, Path(path), f"column drug_class: no molecule of class {name!r}; "
                                         "allowed: a catalogue with every class the model "
                                         f"prescribes from ({', '.join(classes)})")
    rows = [{k: str(v).strip() for k, v in row.items()} for row in raw.to_dict("records")]
    for row in rows:  # flags as the built-in file writes them, whatever the file's types
        for flag in ("originator", "consistency_evaluated"):
            row[flag] = "1" if float(row[flag]) == 1 else "0"
    return rows
