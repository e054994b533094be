"""Monthly bookkeeping: what the model books into its ledger, and the conservation checks.

Every month money and people must add up (DESIGN §5); a mismatch is a bug in the model, so it
stops the run with the figures that disagree rather than writing wrong outputs.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np

from sanyi.agents.patients.care import DemandTally
from sanyi.agents.patients.population import FUND_OF_SCHEME, RETIREE, WORKER
from sanyi.model.batches import ACUTE_VISIT, ADMISSION, CHRONIC_VISIT, PRIMARY, Claims
from sanyi.model.ledger import COLUMN
from sanyi.model.policies.benefits import add_by_person

if TYPE_CHECKING:
    from sanyi.agents.fund import Fund
    from sanyi.model.model import SanyiModel

RELATIVE_TOLERANCE = 1e-9
CATASTROPHIC_SHARE_OF_INCOME = 0.10  # SDG 3.8.2: out-of-pocket spending above 10 % of income


class ConservationError(RuntimeError):
    """Money or people were created or lost inside a step (a model bug)."""


@dataclass
class Opening:
    persons: int
    reserves: np.ndarray  # per fund, pooled reserve plus personal accounts


@dataclass
class Leavers:
    deaths_by_group: np.ndarray
    emigrants_by_group: np.ndarray
    n_deaths: int
    n_emigrants: int


def fund_reserve(model: SanyiModel, fund: Fund) -> float:
    pooled = fund.pooled_reserve or 0.0
    return pooled + fund.account_balance(model.population)


def opening(model: SanyiModel) -> Opening:
    return Opening(model.population.n_alive,
                   np.array([fund_reserve(model, f) for f in model.funds]))


def _groups(model: SanyiModel, idx: np.ndarray) -> np.ndarray:
    return np.bincount(FUND_OF_SCHEME[model.population.scheme[idx]], minlength=3).astype(float)


def leavers(model: SanyiModel, deaths: np.ndarray, emigrants: np.ndarray) -> Leavers:
    """Who leaves, by group, taken before their slots are released."""
    return Leavers(_groups(model, deaths), _groups(model, emigrants),
                   int(deaths.size), int(emigrants.size))


def shift_to_patients(model: SanyiModel, claims: Claims, mine: np.ndarray, share: float) -> None:
    """A depleted fund pays only part of its share: the rest falls on the patients."""
    moved = np.where(mine, claims.fund_pay * share, 0.0)
    claims.fund_pay = claims.fund_pay - moved
    claims.oop = claims.oop + moved
    person = claims.episodes.person
    add_by_person(model.population.fund_year, person, -moved)
    add_by_person(model.population.oop_year, person, moved)


def _by_group(values: np.ndarray, group: np.ndarray) -> np.ndarray:
    return np.bincount(group, weights=values, minlength=3)


# Person flags counted together in one pass: (flag name, bit).
_FLAGS = (("age60plus", 1), ("age65plus", 2), ("chronic", 4), ("controlled", 8))
_N_SCHEMES = 5
_GROUP_OF_CELL = np.repeat(FUND_OF_SCHEME, 16)  # cell = scheme * 16 + flags


def _count_persons(model: SanyiModel) -> dict[str, np.ndarray]:
    """Counts of living persons by group and flag, from one bincount over a small key."""
    pop = model.population
    age_m = pop.age_months(model.now)
    key = pop.scheme.astype(np.int16) * 16
    key += age_m >= 60 * 12
    key += (age_m >= 65 * 12) * np.int16(2)
    chronic = pop.conditions > 0
    key += chronic * np.int16(4)
    key += (chronic & pop.controlled) * np.int16(8)
    cells = np.bincount(key, weights=pop.alive, minlength=_N_SCHEMES * 16)
    by_group = lambda mask: np.bincount(_GROUP_OF_CELL, weights=cells * mask, minlength=3)  # noqa: E731
    flags = np.tile(np.arange(16), _N_SCHEMES)
    counts = {name: by_group((flags & bit) > 0) for name, bit in _FLAGS}
    counts["persons"] = by_group(np.ones_like(cells))
    per_scheme = cells.reshape(_N_SCHEMES, 16).sum(axis=1)
    counts["workers"] = np.array([per_scheme[WORKER], 0.0, 0.0])
    counts["retirees"] = np.array([per_scheme[RETIREE], 0.0, 0.0])
    hrql = np.bincount(pop.scheme, weights=pop.hrql, minlength=_N_SCHEMES)  # dead have 0
    counts["qalys"] = np.bincount(FUND_OF_SCHEME, weights=hrql, minlength=3) / 12
    return counts


def book_month(model: SanyiModel, claims: Claims, demand: DemandTally, gone: Leavers,
               births: np.ndarray, immigrants: np.ndarray) -> None:
    """Book the month's raw quantities, per group, into the ledger."""
    i, led, pop = len(model.months), model.ledger, model.population
    counts = _count_persons(model)
    for name, values in counts.items():
        led.book(i, name, values)
    led.book(i, "enrollees", counts["persons"] * np.array([1.0, 1.0, 0.0]))
    if model.month == 12:
        hit = pop.alive & (pop.oop_year > CATASTROPHIC_SHARE_OF_INCOME * pop.income)
        led.book(i, "catastrophic", np.bincount(FUND_OF_SCHEME[pop.scheme[hit]], minlength=3))
    _book_funds(model, i)
    _book_claims(model, i, claims)
    _book_market(model, i)
    led.book(i, "sought", demand.sought)
    led.book(i, "forgone", demand.forgone)
    led.book(i, "deaths", gone.deaths_by_group)
    led.book(i, "emigrants", gone.emigrants_by_group)
    led.book(i, "births", _groups(model, births))
    led.book(i, "immigrants", _groups(model, immigrants))


def _book_funds(model: SanyiModel, i: int) -> None:
    led = model.ledger
    funds = list(model.funds)

    def book(name: str, values: list[float]) -> None:
        led.book(i, name, [*values, 0.0])

    book("revenue", [f.month.revenue for f in funds])
    book("expenditure", [f.month.expenditure for f in funds])
    book("pooled_revenue", [f.month.pooled_revenue for f in funds])
    book("pooled_expenditure", [f.month.pooled_paid for f in funds])
    book("account_credits", [f.month.account_credits for f in funds])
    book("account_spending", [f.month.account_paid + f.month.account_outflow for f in funds])
    book("top_up", [f.month.top_up for f in funds])
    book("shifted_to_patients", [f.month.shifted_to_patients for f in funds])
    book("pooled_reserve", [f.pooled_reserve or 0.0 for f in funds])
    book("account_balance", [f.account_balance(model.population) for f in funds])
    enrollees = led.data[i, :2, COLUMN["enrollees"]]
    book("benefit_weight", [f.benefit_level * n for f, n in zip(funds, enrollees, strict=True)])


def _book_claims(model: SanyiModel, i: int, claims: Claims) -> None:
    led, e = model.ledger, claims.episodes
    g = e.fund.astype(np.int64)
    inpatient = e.kind == ADMISSION
    outpatient = (e.kind == CHRONIC_VISIT) | (e.kind == ACUTE_VISIT)
    total = claims.total_charge
    led.book(i, "admissions", _by_group(inpatient.astype(float), g))
    led.book(i, "admissions_retirees", _by_group((inpatient & e.retiree).astype(float), g))
    worker = model.population.scheme[e.person] == WORKER
    led.book(i, "admissions_workers", _by_group((inpatient & worker).astype(float), g))
    led.book(i, "bed_days", _by_group(claims.los_days.astype(float), g))
    led.book(i, "inpatient_charges", _by_group(np.where(inpatient, total, 0.0), g))
    led.book(i, "inpatient_in_scope", _by_group(np.where(inpatient, claims.in_scope, 0.0), g))
    led.book(i, "inpatient_fund", _by_group(np.where(inpatient, claims.fund_pay, 0.0), g))
    led.book(i, "charges", _by_group(total, g))
    led.book(i, "oop", _by_group(claims.oop, g))
    led.book(i, "fund_paid", _by_group(claims.fund_pay + claims.account_pay, g))
    led.book(i, "drug_charges", _by_group(claims.drug_charge, g))
    led.book(i, "visits", _by_group(outpatient.astype(float), g))
    led.book(i, "visits_primary", _by_group((outpatient & (e.tier == PRIMARY)).astype(float), g))
    upcoded = inpatient & (claims.coded_severity > e.severity)
    led.book(i, "upcoded", _by_group(upcoded.astype(float), g))


def _book_market(model: SanyiModel, i: int) -> None:
    """Market-wide measures: medicines bought and hospitals' costs."""
    led, units = model.ledger, model.units_bought
    revenue = np.array([s.revenue_month for s in model.suppliers])
    shares = revenue / revenue.sum() if revenue.sum() > 0 else revenue
    n_units = float(units.sum())
    led.book(i, "market_units", n_units)
    led.book(i, "market_value_current", float(units @ model.purchase_price))
    led.book(i, "market_value_base", float(units @ model.base_price))
    led.book(i, "winner_units", float(units[model.agency.winners].sum()))
    led.book(i, "hhi_weighted", float((shares**2).sum()) * n_units)
    led.book(i, "hospital_costs", sum(h.cost_month for h in model.hospital_list))


def _close(a: float, b: float) -> bool:
    return abs(a - b) <= RELATIVE_TOLERANCE * max(abs(a), abs(b), 1.0)


def check_conservation(model: SanyiModel, before: Opening, claims: Claims, births: np.ndarray,
                       immigrants: np.ndarray, gone: Leavers) -> None:
    """Money and people add up this month, or the run stops with the figures."""
    where = f"{model.year}-{model.month:02d}"
    billed = float(claims.total_charge.sum())
    paid = float((claims.oop + claims.fund_pay + claims.account_pay).sum())
    earned = sum(h.revenue_month for h in model.hospital_list)
    if not (_close(billed, paid) and _close(billed, earned)):
        raise ConservationError(f"{where}: hospitals earned {earned:.2f}, claims billed "
                                f"{billed:.2f}, patients and funds paid {paid:.2f}")
    for k, fund in enumerate(model.funds):
        change = fund_reserve(model, fund) - before.reserves[k] - fund.opened_this_month
        flow = fund.month.revenue - fund.month.expenditure
        if not _close(change, flow):
            raise ConservationError(f"{where}: {fund.name} fund reserve changed by {change:.2f} "
                                    f"but revenue - expenditure = {flow:.2f}")
    expected = before.persons + births.size + immigrants.size - gone.n_deaths - gone.n_emigrants
    if model.population.n_alive != expected:
        raise ConservationError(f"{where}: {model.population.n_alive} persons alive, expected "
                                f"{expected} from births, deaths and migration")
    sold = sum(s.revenue_month for s in model.suppliers)
    bought = sum(h.drug_purchase_month for h in model.hospital_list)
    if not _close(sold, bought):
        raise ConservationError(f"{where}: suppliers sold {sold:.2f}, hospitals bought {bought:.2f}")
