"""Checkpoints: a run continued from one gives the outputs of an uninterrupted run; a file
sanyi did not sign, a changed config or another version is refused in one line."""

from __future__ import annotations

from pathlib import Path

import pytest

from sanyi.experiments.run import run
from sanyi.model import checkpoint
from sanyi.model.config import ConfigError
from sanyi.model.configure import compose_dict
from sanyi.model.outputs import OUTPUTS, SUMMARY

RUN = ["population.size=1500", "population.start_year=2025", "population.end_year=2027",
       "seed=4", "progress=false"]


@pytest.fixture(autouse=True)
def own_key(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Each test signs with a key of its own (never the user's)."""
    key = tmp_path / "keys" / "checkpoint.key"
    monkeypatch.setenv("SANYI_CHECKPOINT_KEY_FILE", str(key))
    return key


def run_with(overrides: list[str], out: Path) -> dict:
    return run(compose_dict(overrides), out, overrides=overrides)


@pytest.fixture
def uninterrupted(tmp_path: Path) -> Path:
    """A run saving a checkpoint after every year."""
    out = tmp_path / "uninterrupted"
    run_with([*RUN, "checkpoint.every_years=1"], out)
    return out


def test_a_checkpoint_is_written_after_each_december_but_the_last(uninterrupted: Path) -> None:
    assert sorted(p.name for p in (uninterrupted / "checkpoints").iterdir()) == [
        "2025.ckpt", "2026.ckpt"]


def test_continuing_from_a_checkpoint_gives_identical_outputs(
        uninterrupted: Path, tmp_path: Path) -> None:
    continued = tmp_path / "continued"
    run_with([f"resume_from={uninterrupted / 'checkpoints' / '2025.ckpt'}", "progress=false"],
             continued)

    for name in OUTPUTS:
        if name != SUMMARY:
            assert (continued / name).read_bytes() == (uninterrupted / name).read_bytes(), name


def test_a_changed_checkpoint_is_refused_before_it_is_read(
        uninterrupted: Path, tmp_path: Path) -> None:
    path = uninterrupted / "checkpoints" / "2025.ckpt"
    path.write_bytes(path.read_bytes() + b"more")

    with pytest.raises(ConfigError, match="not signed by sanyi under this user's key"):
        run_with([f"resume_from={path}"], tmp_path / "continued")


def test_a_checkpoint_signed_under_another_key_is_refused(
        uninterrupted: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    other = tmp_path / "other.key"
    other.write_bytes(b"x" * 32)
    monkeypatch.setenv("SANYI_CHECKPOINT_KEY_FILE", str(other))

    with pytest.raises(ConfigError, match="refusing to load it"):
        run_with([f"resume_from={uninterrupted / 'checkpoints' / '2025.ckpt'}"],
                 tmp_path / "continued")


def test_a_different_value_of_a_key_is_refused_naming_both_values(
        uninterrupted: Path, tmp_path: Path) -> None:
    with pytest.raises(ConfigError) as caught:
        run_with([f"resume_from={uninterrupted / 'checkpoints' / '2025.ckpt'}", "seed=5"],
                 tmp_path / "continued")

    assert "seed=5" in str(caught.value) and "seed=4" in str(caught.value)


def test_a_checkpoint_of_another_version_is_refused(
        uninterrupted: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(checkpoint, "__version__", "0.0.0-other")

    with pytest.raises(ConfigError, match="continue it with that version"):
        run_with([f"resume_from={uninterrupted / 'checkpoints' / '2025.ckpt'}"],
                 tmp_path / "continued")


def test_a_file_that_is_not_a_checkpoint_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "notes.txt"
    path.write_text("hello\n")

    with pytest.raises(ConfigError, match="not a sanyi checkpoint"):
        run_with([f"resume_from={path}"], tmp_path / "continued")
