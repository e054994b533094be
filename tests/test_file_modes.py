"""Output files are as readable as any other file the user writes: they follow the umask.

Issue 7: files were created 0600 (``tempfile.mkstemp``), unreadable by colleagues on a shared
machine.
"""

from __future__ import annotations

import os
import stat
from pathlib import Path

import pandas as pd
import pytest

from sanyi.model import outputs
from sanyi.model.outputs import ANNUAL, MONTHLY, SUMMARY


@pytest.mark.parametrize(("umask", "mode"), [(0o022, 0o644), (0o027, 0o640), (0o077, 0o600)],
                         ids=["umask-022", "umask-027", "umask-077"])
def test_output_files_follow_the_users_umask(tmp_path: Path, umask: int, mode: int) -> None:
    table = pd.DataFrame({"year": [2024], "reserve_months": [9.5]})
    previous = os.umask(umask)
    try:
        outputs.write_run(tmp_path, {ANNUAL: table, MONTHLY: table}, {"seed": 0})
    finally:
        os.umask(previous)

    written = (ANNUAL, MONTHLY, SUMMARY)
    for name in written:
        assert stat.S_IMODE((tmp_path / name).stat().st_mode) == mode
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted(written)  # no temporary left
