"""National totals of a nation sweep (``sanyi-collect DIR --nation``).

A nation sweep (``sanyi-run -m +experiment=nation``) runs each province as its own job, its
money and counts already in the province's real yuan and persons (simulated by scale factor,
``model/nation.py``). The national table adds them up, a row per year x scheme (and per seed
or other config that varies besides the province), following each metric's definition in
``sanyi.model.metrics``:

- stocks and flows scaled to the represented population (money, reserves, persons, enrollees,
  admissions, bed-days, QALYs ...) are summed over the provinces;
- ratios of two columns (``reserve_months``, ``oop_share``, ``share_age_65plus`` ...) are
  recomputed from the summed parts, exactly as a run's ``all`` row is formed from its groups,
  so they are weighted by the provinces' sizes and never averaged;
- ``benefit_level`` (a mean weighted by enrollees) is the enrollee-weighted mean;
- what cannot be formed from the columns is left out and listed (``National.left_out``):
  shares whose parts are not output columns (bed occupancy, supplier concentration, the
  protection shares by income group), and counts of the simulated makers of each
  province's own medicines market, which are not scaled and would not add up.

From Python::

    from sanyi.experiments.collect import collect
    from sanyi.experiments.national import national
    nation = national(collect("multirun/2025-06-01/10-00-00"))
    nation.annual     # a row per year x scheme: provinces summed, ratios recomputed
    nation.missing    # provinces not summed, with the reason ("failed", "not in the sweep")
"""

from __future__ import annotations

from dataclasses import dataclass, field

import pandas as pd

from sanyi.experiments.cli import UsageError
from sanyi.experiments.collect import Collected
from sanyi.experiments.jobs import OK
from sanyi.model import nation
from sanyi.model.ledger import per_factor
from sanyi.model.metrics import FLOW, MEAN_BY, METRICS, STOCK, Metric

PROVINCE = "population.province"  # the nation sweep's config column
NATIONAL_FILE = "national.parquet"
MONTHS_PER_YEAR = 12


@dataclass
class National:
    """National totals: ``annual`` (a row per group x year x scheme, ``provinces`` summed in
    it), the provinces ``missing`` from them with the reason, the metrics ``left_out``."""

    annual: pd.DataFrame
    provinces: list[str]
    missing: dict[str, str] = field(default_factory=dict)
    left_out: list[str] = field(default_factory=list)

    def report(self) -> str:
        """One line: how many provinces were summed and which are missing, and why."""
        text = f"national totals of {len(self.provinces)} of {len(nation.provinces())} provinces"
        reasons: dict[str, list[str]] = {}
        for name, why in self.missing.items():
            reasons.setdefault(why, []).append(name)
        for why, names in reasons.items():
            text += f"; {len(names)} {why}: {', '.join(names)}"
        return text


def summed(metric: Metric) -> bool:
    """A stock or flow in represented units: the nation's value is the provinces' sum."""
    return metric.kind in (STOCK, FLOW) and metric.scaled and metric.rule != MEAN_BY


def recomputed(metric: Metric) -> bool:
    """A ratio of two columns, or a mean weighted by a column: formed from the sums."""
    return bool(metric.numerator) or metric.rule == MEAN_BY


def national(sweep: Collected) -> National:
    """The national totals of a collected nation sweep; see the module doc."""
    annual = _province_rows(sweep)
    groups = ["seed", *(c for c in sweep.varying() if c != PROVINCE)]
    keys = [*groups, "year", "scheme"]
    _refuse_duplicates(annual, groups)
    grouped = annual.groupby(keys, observed=True, sort=True)
    present = [m for m in METRICS if m.name in annual.columns]
    out = grouped[[m.name for m in present if summed(m)]].sum(min_count=1)
    out.insert(0, "provinces", grouped.size())
    for m in present:
        if m.numerator and {m.numerator, m.denominator} <= set(out.columns):
            denominator = out[m.denominator].where(out[m.denominator] != 0)
            out[m.name] = out[m.numerator] / denominator * per_factor(m, MONTHS_PER_YEAR)
        elif m.rule == MEAN_BY and m.weight in out.columns:
            weighted = (
                (annual[m.name] * annual[m.weight])
                .groupby([annual[k] for k in keys], observed=True)
                .sum(min_count=1)
            )
            out[m.name] = weighted / out[m.weight].where(out[m.weight] != 0)
    order = ["provinces", *(m.name for m in present if m.name in out.columns)]
    table = out[order].reset_index()
    return National(
        table,
        sorted(annual[PROVINCE].astype(str).unique()),
        _missing(sweep, groups),
        [m.name for m in present if not summed(m) and not recomputed(m)],
    )


def _province_rows(sweep: Collected) -> pd.DataFrame:
    """The annual rows of a nation sweep (one prefecture-type job per province)."""
    if PROVINCE not in sweep.config_columns:
        raise UsageError(
            f"not a nation sweep: its runs have no {PROVINCE} (run `sanyi-run -m +experiment=nation`)"
        )
    if "region" in sweep.annual.columns:
        raise UsageError(
            "not a nation sweep: runs of population=province have regions; "
            "national totals add prefecture-type runs, one per province"
        )
    annual = sweep.annual.copy()
    annual[PROVINCE] = annual[PROVINCE].astype(str)
    return annual


def _refuse_duplicates(annual: pd.DataFrame, groups: list[str]) -> None:
    """Two runs of one province with the same config would be counted twice."""
    runs = annual.groupby([*groups, PROVINCE], observed=True)["run"].nunique()
    twice = runs[runs > 1]
    if len(twice):
        raise UsageError(
            f"province {twice.index[0][-1]} has {twice.iloc[0]} runs with the same "
            f"config ({', '.join(groups)}); national totals need one per province"
        )


def _missing(sweep: Collected, groups: list[str]) -> dict[str, str]:
    """Provinces of the 31 missing from the totals of some group (seed ...), with the reason:
    the status of its job (failed, missing) or "not in the sweep"."""
    runs = sweep.runs.assign(province=sweep.runs[PROVINCE].astype(str))
    ok = runs[runs.status == OK]
    sets = ok.groupby(groups, observed=True, dropna=False)["province"].agg(set)
    everywhere = set.intersection(*sets) if len(sets) else set()
    status = runs[runs.status != OK].groupby("province", observed=True)["status"].first()
    return {
        name: str(
            status.get(name, "not in the sweep" if name not in set(ok.province) else "in some runs only")
        )
        for name in nation.provinces()
        if name not in everywhere
    }
