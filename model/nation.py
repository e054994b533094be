"""The 31 provincial-level divisions, and the levers that make a prefecture run one of them.

A nation-scale sweep (``+experiment=nation``) runs each province as one prefecture-type job
(``population.province=<name>``): the model's national defaults, plus the province's age
structure, urban share and incomes (``model/data/provinces_2020.csv``, with sources), and
``represented_persons`` set to the province's 2020 census population, so that its money and
counts are in the province's real yuan and persons. ``population.size`` persons are simulated
for it whatever its size: each stands for ``represented_persons / size`` real persons.

The same levers make the stylised prefectures of ``population=province``
(``model/province.py`` ``region_config``), so both apply them through ``apply_levers``.
"""

from __future__ import annotations

import copy
import csv
from dataclasses import dataclass
from functools import cache
from importlib import resources

from sanyi.model.config import RegionConfig, SanyiConfig

DATA_FILE = "provinces_2020.csv"
# National figures the provinces' levers are relative to: the 65+ share of the 2020 census
# (communique No. 5: 13.50 %, as in agents/patients/demography.py tilt_old_age) and the
# per-capita disposable income of 2020 (NBS release of 18 Jan 2021: 32,189 yuan).
NATIONAL_SHARE_65PLUS = 0.1350
NATIONAL_INCOME_YUAN = 32_189.0


@dataclass(frozen=True)
class ProvinceData:
    """One row of ``provinces_2020.csv``."""

    name: str
    name_zh: str
    population: int
    share_65plus: float
    urban_share: float
    income_yuan: float


@cache
def provinces() -> dict[str, ProvinceData]:
    """The 31 provinces by name (``beijing`` ... ``xinjiang``), in the census's order."""
    text = resources.files("sanyi.model").joinpath("data", DATA_FILE).read_text(encoding="utf-8")
    return {
        row["province"]: ProvinceData(
            row["province"],
            row["name_zh"],
            int(row["population"]),
            float(row["aged_65plus_pct"]) / 100,
            float(row["urban_pct"]) / 100,
            float(row["disposable_income_yuan"]),
        )
        for row in csv.DictReader(text.splitlines())
    }


def _odds(share: float) -> float:
    return share / (1.0 - share)


def levers(name: str) -> RegionConfig:
    """The province's levers relative to the national defaults.

    ``old_age_factor`` weights persons aged 65+ (``tilt_old_age``) so that the national 65+
    share becomes the province's: the ratio of their odds. ``income_factor`` is the province's
    per-capita disposable income over the national one. Beds stay at the national default
    (``beds_factor`` 1): no provincial beds figures were sourced.
    """
    p = provinces()[name]
    return RegionConfig(
        name=name,
        share=1.0,
        old_age_factor=_odds(p.share_65plus) / _odds(NATIONAL_SHARE_65PLUS),
        urban_share=p.urban_share,
        income_factor=p.income_yuan / NATIONAL_INCOME_YUAN,
        beds_factor=1.0,
    )


def apply_levers(cfg: SanyiConfig, region: RegionConfig) -> None:
    """Give ``cfg`` (a prefecture's config, changed in place) a region's age structure, urban
    share, incomes and wages (the contribution base) and hospital beds."""
    pop = cfg.population
    pop.old_age_factor = region.old_age_factor
    pop.urban_share = region.urban_share
    pop.urban_resident_income_yuan *= region.income_factor
    pop.rural_resident_income_yuan *= region.income_factor
    cfg.benefits.employee_financing.average_contribution_base_yuan *= region.income_factor
    for tier in (pop.hospitals.primary, pop.hospitals.secondary, pop.hospitals.tertiary):
        tier.beds_per_1000 *= region.beds_factor


def resolve(cfg: SanyiConfig) -> SanyiConfig:
    """A config with ``population.province`` turned into that province's levers and real
    population (a copy; ``cfg`` itself is unchanged), or ``cfg`` when no province is named.

    The name is cleared in the copy, so resolving again changes nothing: ``validate`` resolves,
    and a config is validated more than once on its way to a model (``sanyi-run``, then the
    model itself). The run's own record of the name is its override
    (``population.province=...``), which ``sanyi-collect`` reads.
    """
    name = cfg.population.province
    if not name:
        return cfg
    out = copy.deepcopy(cfg)
    apply_levers(out, levers(name))
    out.population.represented_persons = float(provinces()[name].population)
    out.population.province = ""
    return out
