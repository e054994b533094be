"""Every source folder ships in the wheel.

setuptools installs only the packages listed in ``pyproject.toml``; a new folder of code,
config groups or data left off the list works from the repository and is silently missing
from a plain ``pip install .`` (issue 7). CI also builds and installs the wheel.
"""

from __future__ import annotations

import tomllib
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
SOURCE_FOLDERS = ("model", "agents", "experiments", "conf", "hydra_plugins")
SHIPPED_SUFFIXES = {".py", ".yaml", ".csv"}


def _setuptools() -> dict:
    return tomllib.loads((ROOT / "pyproject.toml").read_text())["tool"]["setuptools"]


def package_of(folder: Path, package_dir: dict[str, str]) -> str:
    """The import name setuptools gives ``folder`` under the ``package-dir`` mapping."""
    relative = folder.relative_to(ROOT).as_posix()
    mapped = [(pkg, path) for pkg, path in package_dir.items()
              if relative == path or relative.startswith(path + "/")]
    if not mapped:  # unmapped folders are packages named by their path from the root
        return relative.replace("/", ".")
    pkg, path = max(mapped, key=lambda item: len(item[1]))
    return pkg + relative[len(path):].replace("/", ".")


def folders_with_shipped_files() -> list[Path]:
    found = []
    for top in SOURCE_FOLDERS:
        for folder in [ROOT / top, *sorted((ROOT / top).rglob("*"))]:
            if folder.is_dir() and "__pycache__" not in folder.parts and any(
                    f.suffix in SHIPPED_SUFFIXES for f in folder.iterdir() if f.is_file()):
                found.append(folder)
    return found


@pytest.mark.parametrize("folder", folders_with_shipped_files(),
                         ids=lambda f: f.relative_to(ROOT).as_posix())
def test_every_source_folder_is_a_listed_package(folder: Path) -> None:
    settings = _setuptools()

    assert package_of(folder, settings["package-dir"]) in settings["packages"]


def test_a_folder_is_named_by_the_package_dir_mapping() -> None:
    mapping = {"sanyi.conf": "conf", "sanyi.model": "model"}

    assert package_of(ROOT / "conf" / "hydra" / "help", mapping) == "sanyi.conf.hydra.help"
    assert package_of(ROOT / "model", mapping) == "sanyi.model"
    assert package_of(ROOT / "hydra_plugins" / "sanyi_sweeper", mapping) == "hydra_plugins.sanyi_sweeper"


def test_the_package_data_rule_carries_yaml_and_csv() -> None:
    shipped = set(_setuptools()["package-data"]["*"])

    assert {"*.yaml", "*.csv"} <= shipped
