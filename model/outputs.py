"""Writing a run's outputs atomically: a reader never sees a half-written file.

Each file is written to a temporary name in the same directory and renamed into place
(``os.replace`` is atomic on POSIX), so a run killed mid-write leaves either the old file or
none, never a truncated one. Files get the user's umask like any other file they write
(``tempfile.mkstemp`` would make them 0600, unreadable by colleagues on a shared machine).
"""

from __future__ import annotations

import json
import os
import uuid
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any

import pandas as pd

ANNUAL, MONTHLY, SUMMARY = "annual.parquet", "monthly.parquet", "summary.json"
HOSPITALS, SUPPLIERS, TENDERS = "hospitals.parquet", "suppliers.parquet", "tenders.parquet"
# Every file a complete run writes; the summary comes last and marks a run as complete.
OUTPUTS = (ANNUAL, MONTHLY, HOSPITALS, SUPPLIERS, TENDERS, SUMMARY)


def _atomic(path: Path, write: Callable[[Path], None]) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.parent / f".{path.name}.{uuid.uuid4().hex}.tmp"
    # O_EXCL: never write through a name someone else holds; mode 0o666 less the umask.
    os.close(os.open(tmp, os.O_CREAT | os.O_EXCL | os.O_WRONLY, 0o666))
    try:
        write(tmp)
        os.replace(tmp, path)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise


def write_table(frame: pd.DataFrame, path: Path) -> None:
    _atomic(path, lambda tmp: frame.to_parquet(tmp, index=False))


def atomic_write_bytes(path: Path, data: bytes) -> None:
    _atomic(path, lambda tmp: tmp.write_bytes(data))


def write_json(data: dict[str, Any], path: Path) -> None:
    text = json.dumps(data, indent=2, sort_keys=True, default=_jsonable)
    _atomic(path, lambda tmp: tmp.write_text(text + "\n", encoding="utf-8"))


def _jsonable(value: Any) -> Any:
    if hasattr(value, "item"):  # numpy scalars
        return value.item()
    raise TypeError(f"cannot write {type(value).__name__} to JSON")


def write_run(out_dir: Path, tables: Mapping[str, pd.DataFrame], summary: dict[str, Any]) -> None:
    """The run's tables (file name -> table), then its summary."""
    for name, table in tables.items():
        write_table(table, out_dir / name)
    write_json(summary, out_dir / SUMMARY)
