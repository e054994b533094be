"""A fixed config and seed give the stored reference outputs: optimisations change no number.

The reference tables in ``tests/data/reference_outputs`` were written by the code before a
performance change; a refactoring (buffers, dtypes, fused passes) must reproduce them to a
relative tolerance of 1e-9 and every integer count exactly. An intentional model change
regenerates them::

    python tests/test_identical_outputs.py --regenerate

and the commit says why the numbers moved.
"""

from __future__ import annotations

import sys
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

REFERENCE_DIR = Path(__file__).resolve().parent / "data" / "reference_outputs"
TABLES = ("annual", "monthly", "hospitals", "suppliers", "tenders")
SIGNIFICANT_DIGITS = 12
RELATIVE_TOLERANCE = 1e-9
# name -> overrides; each is a full model run (all institutions, all policy layers).
RUNS: dict[str, tuple[str, ...]] = {
    "drg": ("seed=11", "payment=drg", "payment.start_year=2026", "payment.weight_years=1"),
    "multi_tier": ("seed=12", "protection=multi_tier"),
}
SIZES = {"drg": (3_000, 2025, 2027), "multi_tier": (3_000, 2025, 2026)}
# Block sizes of blockwise passes over persons, set below the test population so that the
# test crosses block boundaries: blocks must not change the numbers drawn or the results.
SMALL_BLOCKS = {"sanyi.agents.patients.disease._INIT_BLOCK": 1_000}


def _outputs(name: str, tmp: Path) -> dict[str, pd.DataFrame]:
    """The run's output tables, read back from the files ``run`` writes."""
    from sanyi.experiments.run import run
    from tests.conftest import config

    size, start, end = SIZES[name]
    run(config(*RUNS[name], size=size, start=start, end=end), tmp)
    return {t: pd.read_parquet(tmp / f"{t}.parquet") for t in TABLES if (tmp / f"{t}.parquet").exists()}


def _rounded(frame: pd.DataFrame) -> pd.DataFrame:
    """Floats to SIGNIFICANT_DIGITS digits, so that the stored text is stable."""
    out = frame.copy()
    for column in out.columns:
        if pd.api.types.is_float_dtype(out[column]):
            out[column] = out[column].map(lambda v: float(f"{v:.{SIGNIFICANT_DIGITS}g}"))
    return out


def _path(name: str, table: str) -> Path:
    return REFERENCE_DIR / f"{name}_{table}.csv"


def regenerate(tmp_root: Path) -> None:
    """Write the reference tables from the current code (only for intentional changes)."""
    REFERENCE_DIR.mkdir(parents=True, exist_ok=True)
    for name in RUNS:
        for table, frame in _outputs(name, tmp_root / name).items():
            _rounded(frame).to_csv(_path(name, table), index=False, float_format=f"%.{SIGNIFICANT_DIGITS}g")


def _assert_same(got: pd.DataFrame, want: pd.DataFrame, label: str) -> None:
    """Same columns and rows; integers and text exact, floats within RELATIVE_TOLERANCE."""
    assert list(got.columns) == list(want.columns), label
    assert len(got) == len(want), label
    for column in want.columns:
        a, b = got[column], want[column]
        if pd.api.types.is_numeric_dtype(b) and pd.api.types.is_numeric_dtype(a):
            if pd.api.types.is_integer_dtype(b) and pd.api.types.is_integer_dtype(a):
                np.testing.assert_array_equal(a.to_numpy(), b.to_numpy(), err_msg=f"{label}.{column}")
            else:
                np.testing.assert_allclose(
                    a.to_numpy(float),
                    b.to_numpy(float),
                    rtol=RELATIVE_TOLERANCE,
                    atol=0.0,
                    equal_nan=True,
                    err_msg=f"{label}.{column}",
                )
        else:
            assert a.astype(str).tolist() == b.astype(str).tolist(), f"{label}.{column}"


@pytest.mark.parametrize("small_blocks", [False, True], ids=["blocks", "small_blocks"])
@pytest.mark.parametrize("name", sorted(RUNS))
def test_outputs_equal_the_stored_reference(
    name: str, small_blocks: bool, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    if small_blocks:
        for target, size in SMALL_BLOCKS.items():
            monkeypatch.setattr(target, size)
    got = _outputs(name, tmp_path)
    stored = sorted(REFERENCE_DIR.glob(f"{name}_*.csv"))
    assert {p.stem.removeprefix(f"{name}_") for p in stored} == set(got), "tables differ"
    for table, frame in got.items():
        want = pd.read_csv(_path(name, table), keep_default_na=False, na_values=[""])
        _assert_same(_rounded(frame), want, f"{name}/{table}")


if __name__ == "__main__":
    if "--regenerate" not in sys.argv[1:]:
        sys.exit(__doc__)
    import tempfile

    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
    with tempfile.TemporaryDirectory() as tmp:
        regenerate(Path(tmp))
