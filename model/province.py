"""A province: several prefecture models stepped month by month together, with a pooling rule.

``population=province`` lists the province's prefectures (``population.regions``): each is a
whole ``SanyiModel`` built from the base config plus the levers in which the region differs
(age structure, urban share, incomes and wages, hospital beds). Persons never move between
regions and patients use their own region's hospitals; each region has its own medicines
market and tenders. What links the regions is money: each month every region raises its
revenue and prices its claims (``SanyiModel.begin_month``), the pooling rule
(``conf/pooling``, ``model/policies/pooling.py``) moves money between the regions' funds of
each scheme, and then every region pays its claims and closes its month
(``SanyiModel.pay_month``; in December the rule is asked again before the year-end
settlements, ``year_end_dues``/``pay_year_end``; then ``close_month``), which checks each
region's money and people as always, the transfers included. The province then checks that the
transfers sum to minus the change of the rule's own stock (the adjustment fund).

Each region's seed is derived from the run's one seed and the region's position
(``SeedSequence([seed, i])``), so a config and seed always give the same outputs, and two
pooling rules at one seed face the same illnesses and deaths in every region.
"""

from __future__ import annotations

import copy
from collections.abc import Callable
from dataclasses import dataclass, field

import mesa
import numpy as np
import pandas as pd

from sanyi.agents.fund import FUND_NAMES
from sanyi.model import bookkeeping, ledger, nation, reporters
from sanyi.model.bookkeeping import ConservationError
from sanyi.model.config import ConfigError, PoolingConfig, SanyiConfig
from sanyi.model.ledger import COLUMN, Ledger
from sanyi.model.model import OpenMonth, SanyiModel
from sanyi.model.policies import plugin
from sanyi.model.policies.pooling import CLAIMS, YEAR_END, Positions
from sanyi.model.validation import validate

ALL = "all"  # the province's row in the tables' ``region`` column


def region_seed(seed: int, index: int) -> int:
    """The seed of region ``index``: its own stream of the run's seed, below 2^63."""
    state = np.random.SeedSequence([seed, index]).generate_state(1, np.uint64)[0]
    return int(state >> np.uint64(1))


def region_size(cfg: SanyiConfig, index: int) -> int:
    """Simulated persons of region ``index``: its share of ``population.size`` (at least 1)."""
    return max(1, round(cfg.population.size * cfg.population.regions[index].share))


def region_config(cfg: SanyiConfig, index: int) -> SanyiConfig:
    """Region ``index``'s prefecture config: the base config with the region's levers.

    Every region represents ``represented_persons / size`` persons per simulated person, as
    the province does, so regions' ledgers add up to the province's exactly.
    """
    out = copy.deepcopy(cfg)
    pop = out.population
    scale = cfg.population.represented_persons / cfg.population.size
    pop.size = region_size(cfg, index)
    pop.represented_persons = pop.size * scale
    pop.region_type, pop.regions = "prefecture", []
    nation.apply_levers(out, cfg.population.regions[index])
    out.seed = region_seed(cfg.seed, index)
    out.pooling = PoolingConfig()  # a region alone has nothing to pool
    out.checkpoint.every_years = 0
    return out


@dataclass
class TransferLog:
    """Each month's pooling transfers by region and fund, and the rule's stock (simulated
    yuan)."""

    transfers: list[np.ndarray] = field(default_factory=list)  # (regions, funds) per month
    stock: list[np.ndarray] = field(default_factory=list)  # (funds,) after each month


class Province(mesa.Model):
    """The prefectures of a province, stepped together, their funds linked by pooling."""

    def __init__(self, cfg: SanyiConfig) -> None:
        cfg = validate(cfg)
        if cfg.population.region_type != "province":
            raise ConfigError(f"invalid config: population.region_type="
                              f"{cfg.population.region_type!r}; allowed: 'province' for a "
                              "Province (a prefecture runs as SanyiModel)")
        super().__init__(rng=cfg.seed)
        self.cfg = cfg
        self.names = [r.name for r in cfg.population.regions]
        self.regions = [SanyiModel(region_config(cfg, i)) for i in range(len(self.names))]
        self.pooling = plugin.build(cfg.pooling)
        self.scale = cfg.population.represented_persons / cfg.population.size
        self.n_months = self.regions[0].n_months
        self.ledger = Ledger(self.n_months)  # the province: the regions' bookings summed
        self.log = TransferLog()
        self.months: list[tuple[int, int]] = []
        self.datacollector = reporters.collector() if cfg.collect_monthly else None
        self.running = True

    @property
    def year(self) -> int:
        return self.regions[0].year

    @property
    def month(self) -> int:
        return self.regions[0].month

    def step(self) -> None:
        """One month in every region: revenue and claims, pooling, payment, books."""
        if not self.running:
            return
        opened = [r.begin_month() for r in self.regions]
        due = self._claims_due(opened)
        moved = self._pool(CLAIMS, due, due)
        for region, month in zip(self.regions, opened, strict=True):
            region.pay_month(month)
        if self.month == 12:
            year_end = [r.year_end_dues(m.rec) for r, m in zip(self.regions, opened, strict=True)]
            owed = np.array([y.settlements.sum(axis=1) for y in year_end])  # (regions, funds)
            moved += self._pool(YEAR_END, owed, due)
            for region, month, dues in zip(self.regions, opened, year_end, strict=True):
                region.pay_year_end(month.rec, dues)
        for region, month in zip(self.regions, opened, strict=True):
            region.close_month(month.rec)
        self._book(moved)
        self.running = self.regions[0].running
        if self.datacollector is not None:
            self.datacollector.collect(self)

    def run(self, progress: Callable[[int], None] | None = None) -> None:
        """Run to the end year; ``progress`` is called with the months done after each step."""
        while self.running:
            self.step()
            if progress is not None:
                progress(len(self.months))

    # -- pooling --------------------------------------------------------------------------
    def _claims_due(self, opened: list[OpenMonth]) -> np.ndarray:
        """What each region's funds must pay for this month's claims: (regions, funds)."""
        return np.stack([r.pooled_due(m) for r, m in zip(self.regions, opened, strict=True)])

    def _pool(self, stage: str, due: np.ndarray, weight: np.ndarray) -> np.ndarray:
        """Ask the pooling rule for each fund's transfer and hand it to the funds: (regions,
        funds). At ``CLAIMS`` the fund counts it in the money it pays claims from; at
        ``YEAR_END`` it goes into the reserve at once. Nothing moves before the funds'
        reserves open (the first month)."""
        moved = np.zeros((len(self.regions), len(FUND_NAMES)))
        if any(f.pooled_reserve is None for r in self.regions for f in r.funds):
            return moved
        for k in range(len(FUND_NAMES)):
            funds = self._positions(stage, k, due[:, k], weight[:, k])
            moved[:, k] = self.pooling.transfers(k, self.month, funds)
            for region, amount in zip(self.regions, moved[:, k], strict=True):
                if stage == CLAIMS:
                    region.funds[k].month.pooling_transfer = float(amount)
                else:
                    region.funds[k].receive_transfer(float(amount))
        return moved

    def _positions(self, stage: str, k: int, due: np.ndarray, weight: np.ndarray) -> Positions:
        """Fund ``k`` of every region: money at hand, dues, last year's books."""
        funds = [r.funds[k] for r in self.regions]
        if stage == CLAIMS:
            available = np.array([f.pooled_reserve_or_zero + f.month.revenue
                                  - f.month.account_credits for f in funds])
        else:
            available = np.array([f.pooled_reserve_or_zero for f in funds])
        i = len(self.months)
        year = slice(max(i - 12, 0), i)
        books = np.stack([r.ledger.data[year, k] for r in self.regions])  # (regions, months, q)
        revenue = (books[..., COLUMN["pooled_revenue"]] - books[..., COLUMN["top_up"]]).sum(1)
        spent = books[..., COLUMN["pooled_expenditure"]].sum(1)
        return Positions(stage, available, due, weight, revenue, spent)

    def _book(self, moved: np.ndarray) -> None:
        """The province's month: regions' bookings summed, transfers checked and logged."""
        i = len(self.months)
        stock_before = self.log.stock[-1] if self.log.stock else np.zeros(len(FUND_NAMES))
        stock = self.pooling.stock.copy()
        check_transfers(self.regions[0].months[-1], moved, stock - stock_before)
        self.ledger.data[i] = sum(r.ledger.data[i] for r in self.regions)
        self.ledger.market[i] = sum(r.ledger.market[i] for r in self.regions)
        self.log.transfers.append(moved)
        self.log.stock.append(stock)
        self.months.append(self.regions[0].months[-1])


def check_transfers(when: tuple[int, int], moved: np.ndarray, stock_change: np.ndarray) -> None:
    """Money moved between regions' funds is neither made nor lost: for each scheme, the
    transfers to all regions plus the change of the pooling rule's own stock sum to zero."""
    for k, name in enumerate(FUND_NAMES):
        net = float(moved[:, k].sum() + stock_change[k])
        scale = float(np.abs(moved[:, k]).sum() + abs(stock_change[k]))
        if abs(net) > bookkeeping.RELATIVE_TOLERANCE * max(scale, 1.0):
            raise ConservationError(
                f"{when[0]}-{when[1]:02d}: {name} funds received {moved[:, k].sum():.2f} from "
                f"pooling, the pooling rule's stock changed by {stock_change[k]:.2f}")


def simulation(cfg: SanyiConfig) -> SanyiModel | Province:
    """The model a config describes: a ``Province`` for ``population=province``, else one
    prefecture."""
    return Province(cfg) if cfg.population.region_type == "province" else SanyiModel(cfg)


# -- outputs --------------------------------------------------------------------------------
def _with_region(tables: list[pd.DataFrame], names: list[str], after: str) -> pd.DataFrame:
    """Tables of the regions (and the province) stacked, with a ``region`` column placed
    after ``after``."""
    out = []
    for table, name in zip(tables, names, strict=True):
        table = table.copy()
        table.insert(table.columns.get_loc(after) + 1, "region", name)
        out.append(table)
    return pd.concat(out, ignore_index=True)


def annual_table(province: Province) -> pd.DataFrame:
    """``annual.parquet`` of a province: each region's rows, then the province's (``all``),
    derived from the summed bookings so that its ratios are ratios of summed parts."""
    tables = [ledger.annual_table(r.ledger, r.months, r.scale) for r in province.regions]
    tables.append(ledger.annual_table(province.ledger, province.months, province.scale))
    return _with_region(tables, [*province.names, ALL], "year")


def monthly_table(province: Province) -> pd.DataFrame:
    """``monthly.parquet`` of a province, like ``annual_table``."""
    tables = [ledger.monthly_table(r.ledger, r.months, r.scale) for r in province.regions]
    tables.append(ledger.monthly_table(province.ledger, province.months, province.scale))
    return _with_region(tables, [*province.names, ALL], "month")


def region_summary(annual: pd.DataFrame, names: list[str]) -> dict[str, int | None]:
    """Per region and fund, its first deficit and depletion year (``region_<name>_...``), and
    the first year any region's fund ran out (``first_regional_depletion_year``)."""
    out: dict[str, int | None] = {}
    for name in names:
        years = ledger.fund_years(annual[annual.region == name])
        out |= {f"region_{name}_{key}": year for key, year in years.items()}
    depleted = [y for k, y in out.items() if "depletion_year" in k and y is not None]
    out["first_regional_depletion_year"] = min(depleted, default=None)
    return out


def summary(province: Province, annual: pd.DataFrame) -> dict[str, object]:
    """Run-level KPIs of the province (from its ``all`` rows), each region's deficit and
    depletion years, and what the adjustment fund holds at the end (represented yuan)."""
    whole = annual[annual.region == ALL].drop(columns="region")
    stock = province.pooling.stock * province.scale
    return (ledger.summarize(whole) | region_summary(annual, province.names)
            | {f"adjustment_fund_final_yuan_{n}": float(s) for n, s in zip(FUND_NAMES, stock,
                                                                            strict=True)})


def institution_tables(province: Province) -> dict[str, pd.DataFrame]:
    """Hospitals, suppliers and tenders of every region, with a ``region`` column first."""
    def stacked(make: Callable[[SanyiModel], pd.DataFrame]) -> pd.DataFrame:
        tables = [make(r).assign(region=name) for r, name in zip(province.regions,
                                                                 province.names, strict=True)]
        table = pd.concat(tables, ignore_index=True)
        return table[["region", *[c for c in table.columns if c != "region"]]]

    return {
        "hospitals": stacked(lambda r: ledger.hospitals_table(r.hospital_rows)),
        "suppliers": stacked(lambda r: ledger.suppliers_table(r.medicines.rows)),
        "tenders": stacked(lambda r: ledger.tenders_table(r.medicines.agency.results,
                                                          r.market)),
    }
