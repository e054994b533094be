"""The example analysis in ``docs/`` runs on a collected sweep and makes its figure."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
from PIL import Image

from sanyi.experiments.collect import collect
from tests.research_helpers import tiny_sweep

EXAMPLE = Path(__file__).resolve().parent.parent / "docs" / "analysis_example.py"


def test_the_example_analysis_loads_a_collected_sweep_and_writes_its_figure(
        tmp_path_factory: pytest.TempPathFactory, tmp_path: Path) -> None:
    collected = tmp_path / "collected"
    collect(tiny_sweep(tmp_path_factory)).save(collected)
    figure = tmp_path / "oop_gap.png"
    done = subprocess.run([sys.executable, str(EXAMPLE), str(collected), "--out", str(figure)],
                          capture_output=True, text=True, cwd=tmp_path, timeout=120)
    assert done.returncode == 0, done.stderr
    assert "percentage points" in done.stdout
    with Image.open(figure) as png:
        png.verify()
