"""Preset lessons: a baseline and a reform run with the same seed, and what to watch.

A lesson names the levers it contrasts. Its button works only when every lever it needs exists
in ``conf/`` (an option of a group, or a key of the schema); until then the page shows it
disabled with the levers it waits for, so no lesson pretends to show a mechanism that is not
built yet.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any

from omegaconf import OmegaConf

from sanyi.experiments.dashboard import controls
from sanyi.model import configure


@dataclass(frozen=True)
class Lesson:
    """A preset: control values of the reform run, and what the baseline run does differently."""

    key: str
    title: str
    text: str  # two or three sentences shown on the page
    reform: Mapping[str, Any]  # control values (levers and setting) of the reform run
    baseline: Mapping[str, Any]  # levers the baseline run sets differently
    brought_by: str = ""  # the issue that builds the missing levers, for the disabled button
    watch: tuple[str, ...] = field(default=())  # chart keys to look at first
    # Parts of the page the lesson needs that are not built yet (named in the disabled button).
    needs: tuple[str, ...] = field(default=())

    def missing(self, conf_dir: Path = configure.CONF_DIR) -> list[str]:
        """Levers this lesson needs that ``conf/`` does not have yet (``payment=drg`` ...)."""
        needed = [*self.reform.items(), *self.baseline.items()]
        return [f"{k}={v}" if _is_group(k, conf_dir) else k.replace("__", ".")
                for k, v in needed if not _exists(k, v, conf_dir)] + list(self.needs)

    def available(self, conf_dir: Path = configure.CONF_DIR) -> bool:
        return not self.missing(conf_dir)

    def values(self, conf_dir: Path = configure.CONF_DIR) -> dict[str, Any]:
        """The sidebar's values for this lesson: the page's defaults, the reform, compare on."""
        return {**controls.defaults(conf_dir), **self.reform, controls.COMPARE: True}

    def baseline_values(self, values: Mapping[str, Any]) -> dict[str, Any]:
        """The baseline run: the page's values with this lesson's baseline levers."""
        return {**values, **self.baseline}


def _is_group(key: str, conf_dir: Path) -> bool:
    return "__" not in key and key != "seed" and (
        (conf_dir / key).is_dir() or key in controls.MENU_ORDER)


@cache
def _schema_keys(conf_dir: Path) -> Any:
    return configure.compose_dict([], conf_dir)


def _exists(key: str, value: Any, conf_dir: Path) -> bool:
    if _is_group(key, conf_dir):
        return str(value) in configure.options(key, conf_dir)
    if key in controls.PAGE_DEFAULTS or key == "seed":
        return True
    return OmegaConf.select(_schema_keys(conf_dir), key.replace("__", "."),
                            default="<missing>") != "<missing>"


TEN_YEARS = {"population__end_year": "2034"}

LESSONS: tuple[Lesson, ...] = (
    Lesson(
        "ffs_drg", "FFS vs DRG",
        "Under fee-for-service a hospital earns more for every extra day and service; a DRG pays "
        "one price per case group, so a longer stay becomes the hospital's cost. The reform run "
        "switches to DRG in 2027: watch the average length of stay and spending per enrollee "
        "move away from the dashed fee-for-service baseline.",
        reform={"payment": "drg", "payment__start_year": "2027", **TEN_YEARS},
        baseline={"payment": "ffs"}, brought_by="the payment issue",
        watch=("alos", "spending")),
    Lesson(
        "vbp", "VBP on vs off",
        "Volume-based procurement tenders the big molecules: the winners get most of the "
        "hospitals' volume at a much lower price. Watch the drug price index fall and the "
        "supplier network concentrate on the winners, and see how much of the saving reaches the "
        "fund and the patients.",
        reform={"procurement": "vbp", **TEN_YEARS}, baseline={"procurement": "none"},
        brought_by="the medicines issue", watch=("drug_price_index", "spending")),
    Lesson(
        "aging_retirement", "Aging to 2050 ± retirement reform",
        "Workers pay the employee fund while retirees pay nothing and use the most care, so an "
        "aging city drains it. The law of January 2025 raises retirement ages step by step, "
        "keeping people contributing for longer. Run to 2050 and compare the employee fund's "
        "reserve months with the reform (solid) and with the old ages (dashed).",
        reform={"benefits__retirement_delay": True, "population__end_year": "2050"},
        baseline={"benefits__retirement_delay": False}, watch=("reserve_months", "balance")),
    Lesson(
        "markup", "15 % drug markup vs zero markup",
        "Until 2017 public hospitals added 15 % to the price of every drug they sold, so "
        "prescribing more paid. The reform run sells drugs at cost, as hospitals do today. "
        "Compare spending per enrollee and the out-of-pocket share with the dashed markup run.",
        reform={"pricing": "zero_markup", **TEN_YEARS}, baseline={"pricing": "markup_15"},
        watch=("spending", "oop")),
    Lesson(
        "service_prices", "Zero markup ± service-price adjustment",
        "Zero markup took drug income away from hospitals. The adjustment raises the prices of "
        "labour services (bed-days, procedures, visits) with the money VBP saves, to keep "
        "hospitals whole while the drug share falls. Compare spending per enrollee and the "
        "out-of-pocket share.",
        reform={"pricing": "service_price_adjustment", "procurement": "vbp", **TEN_YEARS},
        baseline={"pricing": "zero_markup"}, brought_by="the medicines issue",
        watch=("spending", "oop")),
    Lesson(
        "protection", "Basic insurance vs multi-tier protection",
        "Basic insurance leaves patients a large share of big bills. The reform run adds "
        "critical-illness insurance, medical assistance for the poorest and a commercial "
        "supplement; watch catastrophic spending fall for the poorest fifth (assistance) far "
        "more than for all persons, as the other layers pay only the largest bills.",
        reform={"protection": "multi_tier", **TEN_YEARS}, baseline={"protection": "basic"},
        watch=("catastrophic", "oop")),
    Lesson(
        "pooling", "Prefecture vs provincial pooling",
        "A province of several cities can keep one fund per city or pool them in one provincial "
        "fund, so that young cities' surpluses pay for old cities' deficits. With prefecture "
        "pooling the oldest city's fund runs dry first; watch how provincial pooling delays it.",
        reform={"population": "province", "pooling": "provincial", **TEN_YEARS},
        baseline={"pooling": "prefecture"}, brought_by="the pooling issue",
        watch=("reserve_months",),
        # The levers exist, but the charts show a province as a whole; the oldest city's
        # fund, which this lesson is about, is not charted yet.
        needs=("charts of each city's reserve",)),
)


def by_key(key: str) -> Lesson:
    """The lesson named ``key``; a ``KeyError`` lists the known ones."""
    for lesson in LESSONS:
        if lesson.key == key:
            return lesson
    raise KeyError(f"no lesson {key!r}; known: {', '.join(x.key for x in LESSONS)}")
