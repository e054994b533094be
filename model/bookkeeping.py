"""Monthly bookkeeping: the month's record, what goes into the ledger, and the money checks.

``SanyiModel.step`` fills a ``MonthRecord`` as the phases run; ``book`` turns it into ledger
entries and ``check`` verifies that money and people add up (DESIGN §5). Both are plain
functions of the record: they never reach back into the model. A mismatch is a bug in the
model, so it stops the run with the figures that disagree rather than writing wrong outputs.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np

from sanyi.agents.fund import FUND_NAMES, FundMonth
from sanyi.agents.patients.care import DemandTally
from sanyi.agents.patients.population import FUND_OF_SCHEME, RETIREE, WORKER, PatientPopulation
from sanyi.model.batches import ACUTE_VISIT, ADMISSION, CHRONIC_VISIT, PRIMARY, TIER_NAMES, Claims
from sanyi.model.ledger import Ledger
from sanyi.model.metrics import AGE_GROUPS, CHRONIC_GROUPS, INCOME_QUINTILES, RESIDENCES
from sanyi.model.policies.protection import COMMERCIAL, ProtectionMonth

RELATIVE_TOLERANCE = 1e-9
CATASTROPHIC_SHARE_OF_INCOME = 0.10  # SDG 3.8.2: out-of-pocket spending above 10 % of income
CATASTROPHIC_SHARE_OF_INCOME_HIGH = 0.25  # SDG 3.8.2's second threshold


class ConservationError(RuntimeError):
    """Money or people were created or lost inside a step (a model bug)."""


def by_group(population: PatientPopulation, idx: np.ndarray) -> np.ndarray:
    """Persons ``idx`` counted by group (employee fund, resident fund, uninsured)."""
    return np.bincount(FUND_OF_SCHEME[population.scheme[idx]], minlength=3).astype(float)


@dataclass
class FundState:
    """A fund at the end of the month: its flows, stocks and levels."""

    flows: FundMonth
    pooled_reserve: float
    account_balance: float
    benefit_level: float
    opening_reserve: float  # pooled + accounts at the start of the month
    opened: float  # reserve opened this month (the run's first month only)


@dataclass
class MonthRecord:
    """Everything a month did, as the phases of ``step`` report it."""

    index: int
    label: str  # "2031-05"
    opening_persons: int
    claims: Claims | None = None
    demand: DemandTally | None = None
    deaths_by_group: np.ndarray = field(default_factory=lambda: np.zeros(3))
    emigrants_by_group: np.ndarray = field(default_factory=lambda: np.zeros(3))
    n_births: int = 0
    n_immigrants: int = 0
    births_by_group: np.ndarray = field(default_factory=lambda: np.zeros(3))
    immigrants_by_group: np.ndarray = field(default_factory=lambda: np.zeros(3))
    funds: list[FundState] = field(default_factory=list)
    hospital_revenue: np.ndarray = field(default_factory=lambda: np.zeros(0))
    hospital_costs: np.ndarray = field(default_factory=lambda: np.zeros(0))
    hospital_drug_purchases: np.ndarray = field(default_factory=lambda: np.zeros(0))
    supplier_sales: np.ndarray = field(default_factory=lambda: np.zeros(0))
    units_bought: np.ndarray = field(default_factory=lambda: np.zeros(0))
    purchase_price: np.ndarray = field(default_factory=lambda: np.zeros(0))
    base_price: np.ndarray = field(default_factory=lambda: np.zeros(0))
    winners: np.ndarray = field(default_factory=lambda: np.zeros(0, dtype=bool))
    dispensed: Any = None  # pharmacy.Dispensed: prescriptions and deliveries of the month
    market: Any = None  # the medicines market (products' classes, makers, flags)
    retained_savings: float = 0.0  # funds' payments of retained VBP savings (December)
    supplier_exits: int = 0  # makers that left the market this year (December)
    supplier_entries: int = 0  # makers that entered a molecule this year (December)
    payments_beyond_claims: float = 0.0  # lump sums and year-end settlements to hospitals
    hospital_tier: np.ndarray = field(default_factory=lambda: np.zeros(0, dtype=np.int64))
    hospital_bed_days: np.ndarray = field(default_factory=lambda: np.zeros(0))
    hospital_bed_capacity: np.ndarray = field(default_factory=lambda: np.zeros(0))
    cpi_index: float = 1.0  # consumer prices relative to the start year
    poverty_line: float = 0.0  # yuan per person-year, current prices
    protection: ProtectionMonth = field(default_factory=ProtectionMonth)
    case_weights: np.ndarray = field(default_factory=lambda: np.zeros(0))  # per claim, as coded


# -- booking ------------------------------------------------------------------------------
def book(ledger: Ledger, rec: MonthRecord, pop: PatientPopulation, now: int,
         december: bool) -> None:
    """Book the month's raw quantities, per group and for the market, into the ledger."""
    i = rec.index
    counts = _count_persons(pop, now)
    for name, values in counts.items():
        ledger.book(i, name, values)
    ledger.book(i, "enrollees", counts["persons"] * np.array([1.0, 1.0, 0.0]))
    if december:
        hit = pop.alive & (pop.oop_year > CATASTROPHIC_SHARE_OF_INCOME * pop.income)
        ledger.book(i, "catastrophic", np.bincount(FUND_OF_SCHEME[pop.scheme[hit]], minlength=3))
        for name, values in _count_cascade(pop, now).items():
            ledger.book(i, name, values)
        for name, value in _count_protection(pop, now, rec.poverty_line).items():
            ledger.book(i, name, value)
    _book_funds(ledger, i, rec.funds, counts["persons"], rec.cpi_index)
    _book_protection(ledger, i, rec.protection)
    _book_claims(ledger, i, rec.claims, pop, rec.case_weights)
    _book_market(ledger, rec)
    ledger.book(i, "sought", rec.demand.sought)
    ledger.book(i, "forgone", rec.demand.forgone)
    ledger.book(i, "deaths", rec.deaths_by_group)
    ledger.book(i, "emigrants", rec.emigrants_by_group)
    ledger.book(i, "births", rec.births_by_group)
    ledger.book(i, "immigrants", rec.immigrants_by_group)


# Person flags counted together in one pass: (flag name, bit).
_FLAGS = (("age60plus", 1), ("age65plus", 2), ("chronic", 4), ("controlled", 8))
_N_SCHEMES = 5
_GROUP_OF_CELL = np.repeat(FUND_OF_SCHEME, 16)  # cell = scheme * 16 + flags
_FLAG_OF_CELL = np.tile(np.arange(16), _N_SCHEMES)


def _count_persons(pop: PatientPopulation, now: int) -> dict[str, np.ndarray]:
    """Counts of living persons by group and flag, from one bincount over a small key."""
    age_m = pop.age_months(now)
    key = pop.scheme.astype(np.int16) * 16
    key += age_m >= 60 * 12
    key += (age_m >= 65 * 12) * np.int16(2)
    chronic = pop.conditions > 0
    key += chronic * np.int16(4)
    key += (chronic & (pop.controlled == pop.conditions)) * np.int16(8)
    cells = np.bincount(key, weights=pop.alive, minlength=_N_SCHEMES * 16)

    def groups(mask: np.ndarray) -> np.ndarray:
        return np.bincount(_GROUP_OF_CELL, weights=cells * mask, minlength=3)

    counts = {name: groups((_FLAG_OF_CELL & bit) > 0) for name, bit in _FLAGS}
    counts["persons"] = groups(np.ones_like(cells))
    per_scheme = cells.reshape(_N_SCHEMES, 16).sum(axis=1)
    counts["workers"] = np.array([per_scheme[WORKER], 0.0, 0.0])
    counts["retirees"] = np.array([per_scheme[RETIREE], 0.0, 0.0])
    hrql = np.bincount(pop.scheme, weights=pop.hrql, minlength=_N_SCHEMES)  # dead have 0
    counts["qalys"] = np.bincount(FUND_OF_SCHEME, weights=hrql, minlength=3) / 12
    return counts


_HYPERTENSION, _DIABETES, _COPD = 1, 2, 4  # condition bits


def _count_cascade(pop: PatientPopulation, now: int) -> dict[str, np.ndarray]:
    """December counts of adult prevalence and of the hypertension and diabetes cascades."""
    age = pop.age_years(now)
    group = FUND_OF_SCHEME[pop.scheme]

    def count(mask: np.ndarray) -> np.ndarray:
        return np.bincount(group[mask], minlength=3).astype(float)

    adult = pop.alive & (age >= 18)
    counts = {"adults": count(adult), "adults_40plus": count(pop.alive & (age >= 40)),
              "copd_40plus": count(pop.alive & (age >= 40) & (pop.conditions & _COPD > 0))}
    for name, bit in (("hypertension", _HYPERTENSION), ("diabetes", _DIABETES)):
        has = adult & (pop.conditions & bit > 0)
        counts[name] = count(has)
        for stage in ("aware", "treated", "controlled"):
            counts[f"{name}_{stage}"] = count(has & (getattr(pop, stage) & bit > 0))
    return counts


QUINTILES = len(INCOME_QUINTILES)


def _count_protection(pop: PatientPopulation, now: int, poverty_line: float) -> dict[str, float]:
    """December: persons, catastrophic spenders and persons impoverished by out-of-pocket
    spending, by income quintile (1 = poorest) and by urban/rural residence; and the
    commercially insured among the old and the young, the chronically ill and the others."""
    alive = pop.alive  # a mask, not an index array (December's peak memory is here)
    income = pop.income[alive].astype(np.float64)
    oop = pop.oop_year[alive].astype(np.float64)
    outcomes = {"catastrophic": oop > CATASTROPHIC_SHARE_OF_INCOME * income,
                "catastrophic25": oop > CATASTROPHIC_SHARE_OF_INCOME_HIGH * income,
                "impoverished": (income >= poverty_line) & (income - oop < poverty_line),
                # how far beyond the 10 % threshold (share of income, spending above the
                # whole income counted as the whole income), 0 for the others
                "overshoot": _overshoot(oop, income)}
    del oop
    edges = np.quantile(income, np.linspace(0, 1, QUINTILES + 1)[1:-1]) if income.size else []
    protection = {"persons": None, **outcomes}
    takeup = {"persons": None, "commercial": (pop.protection[alive] & COMMERCIAL) > 0}
    # (group of each person, the groups' names, what is counted in each); one key at a time
    # (this is December's peak memory)
    splits = (
        (lambda: np.searchsorted(edges, income, side="right"), INCOME_QUINTILES, protection),
        (lambda: pop.rural[alive].view(np.uint8), RESIDENCES, protection),
        (lambda: (pop.age_years(now)[alive] >= 60).view(np.uint8), AGE_GROUPS, takeup),
        (lambda: (pop.conditions[alive] > 0).view(np.uint8), CHRONIC_GROUPS, takeup),
    )
    out: dict[str, float] = {"impoverished_all": float(outcomes["impoverished"].sum()),
                             "catastrophic25_all": float(outcomes["catastrophic25"].sum()),
                             "overshoot_all": float(outcomes["overshoot"].sum()),
                             "persons_all": float(income.size)}
    for group_of, names, counted in splits:
        key = group_of()
        for what, mask in counted.items():
            counts = np.bincount(key, weights=mask, minlength=len(names))
            out |= {f"{what}_{name}": float(v) for name, v in zip(names, counts, strict=True)}
    return out


def _overshoot(oop: np.ndarray, income: np.ndarray) -> np.ndarray:
    """Out-of-pocket spending beyond 10 % of income, as a share of income (capped at the
    whole income; 0 below the threshold), computed in place in one temporary."""
    share = np.maximum(income, 1.0)
    np.divide(oop, share, out=share)
    np.minimum(share, 1.0, out=share)
    share -= CATASTROPHIC_SHARE_OF_INCOME
    return np.maximum(share, 0.0, out=share)


def _book_protection(ledger: Ledger, i: int, month: ProtectionMonth) -> None:
    """The layers' premiums and persons covered (claims' layer payments are booked with the
    claims)."""
    ledger.book(i, "assistance_contributions", month.assistance_contributions)
    ledger.book(i, "commercial_premiums", month.commercial_premiums)
    ledger.book(i, "assisted", month.assisted)
    ledger.book(i, "commercial_enrollees", month.commercial_enrollees)


def _book_funds(ledger: Ledger, i: int, funds: list[FundState], persons: np.ndarray,
                cpi_index: float) -> None:
    def put(name: str, values: list[float]) -> None:
        ledger.book(i, name, [*values, 0.0])

    m = [f.flows for f in funds]
    put("revenue", [x.revenue for x in m])
    put("expenditure", [x.expenditure for x in m])
    put("expenditure_real", [x.expenditure / cpi_index for x in m])
    put("pooled_expenditure_real", [x.pooled_outflow / cpi_index for x in m])
    put("pooled_revenue", [x.pooled_revenue for x in m])
    put("pooled_expenditure", [x.pooled_outflow for x in m])
    put("pooled_shortfall", [x.pooled_outflow - x.pooled_revenue + x.top_up for x in m])
    put("settlements", [x.settlements for x in m])
    put("critical_illness_premium", [x.critical_illness_premium for x in m])
    put("audit_recoveries", [x.audit_recoveries for x in m])
    put("account_credits", [x.account_credits for x in m])
    put("account_spending", [x.account_paid + x.account_outflow + x.account_pharmacy for x in m])
    put("top_up", [x.top_up for x in m])
    put("shifted_to_patients", [x.shifted_to_patients for x in m])
    put("pooling_transfer", [x.pooling_transfer for x in m])
    put("pooled_reserve", [f.pooled_reserve for f in funds])
    put("account_balance", [f.account_balance for f in funds])
    put("benefit_weight", [f.benefit_level * n for f, n in zip(funds, persons, strict=False)])


def _by_group(values: np.ndarray, group: np.ndarray) -> np.ndarray:
    return np.bincount(group, weights=values, minlength=3)


def _book_claims(ledger: Ledger, i: int, claims: Claims, pop: PatientPopulation,
                 weights: np.ndarray) -> None:
    """The month's claims summed by fund. Admissions (a few in a hundred claims) are summed
    over their own rows: the same values added in the same order as over all rows with
    zeros elsewhere, without a pass over every claim for each measure."""
    e = claims.episodes
    g = e.fund.astype(np.int64)
    inpatient = e.kind == ADMISSION
    outpatient = (e.kind == CHRONIC_VISIT) | (e.kind == ACUTE_VISIT)
    total = claims.total_charge
    adm = np.flatnonzero(inpatient)
    g_adm = g[adm]

    def put(name: str, values: np.ndarray) -> None:
        ledger.book(i, name, _by_group(values, g))

    def put_adm(name: str, values: np.ndarray) -> None:  # values of the admissions only
        ledger.book(i, name, _by_group(values, g_adm))

    put_adm("admissions", np.ones(adm.size))
    put_adm("admissions_retirees", e.retiree[adm].astype(float))
    put_adm("admissions_workers", (pop.scheme[e.person[adm]] == WORKER).astype(float))
    put("bed_days", claims.los_days.astype(float))
    put_adm("inpatient_charges", total[adm])
    put_adm("inpatient_in_scope", claims.in_scope[adm])
    put_adm("inpatient_fund", claims.fund_pay[adm])
    put("charges", total)
    put("oop", claims.oop)
    put("fund_paid", claims.fund_pay + claims.account_pay)
    put("drug_charges", claims.drug_charge + claims.consumable_charge)
    put("visits", outpatient.astype(float))
    put("visits_primary", (outpatient & (e.tier == PRIMARY)).astype(float))
    put_adm("upcoded", (claims.coded_severity[adm] > e.severity[adm]).astype(float))
    put_adm("readmissions", e.readmission[adm].astype(float))
    put_adm("transfers", e.transferred[adm].astype(float))
    put_adm("drg_weight", weights[adm])
    tier_adm = e.tier[adm]
    for t, name in enumerate(TIER_NAMES):
        at_tier = tier_adm == t
        put_adm(f"admissions_{name}", at_tier.astype(float))
        put_adm(f"inpatient_charges_{name}", np.where(at_tier, total[adm], 0.0))
    put_adm("inpatient_drug_charges", claims.drug_charge[adm])
    put("outpatient_charges", np.where(outpatient, total, 0.0))
    put("outpatient_drug_charges", np.where(outpatient, claims.drug_charge, 0.0))
    for layer in ("critical_illness", "assistance", "commercial"):
        paid = getattr(claims, f"{layer}_pay")
        ledger.book(i, f"{layer}_paid", _by_group(paid, g) if paid is not None else 0.0)


def _book_market(ledger: Ledger, rec: MonthRecord) -> None:
    """Market-wide measures: medicines prescribed and bought, suppliers, hospitals' costs."""
    i, units, m = rec.index, rec.units_bought, rec.market
    catalogue = ~m.fringe  # the tendered molecules' makers (not the untendered fringe)
    drugs = ~m.device
    n_catalogue = float(units[catalogue & drugs].sum())
    done = rec.dispensed
    for name, value in {
        "market_units": float(units.sum()),
        "market_value_current": float(units @ rec.purchase_price),
        "market_value_base": float(units @ rec.base_price),
        "winner_units": float(units[rec.winners].sum()),
        "hhi_weighted": _molecule_hhi_weighted(units, m),
        "catalogue_drug_units": n_catalogue,
        "generic_units": float(units[catalogue & drugs & ~m.originator].sum()),
        "drug_units": float(units[drugs].sum()),
        "untendered_units": float(units[m.fringe & drugs].sum()),
        "prescribed_units": float(done.lines.units.sum()),
        "short_units": done.short_units,
        "forgone_units": done.forgone_units,
        "retained_savings": rec.retained_savings,
        "supplier_exits": float(rec.supplier_exits),
        "supplier_entries": float(rec.supplier_entries),
        "hospital_costs": float(rec.hospital_costs.sum()),
        "hospital_revenue_earned": float(rec.hospital_revenue.sum()),
    }.items():
        ledger.book(i, name, value)
    for t, name in enumerate(TIER_NAMES):
        at_tier = rec.hospital_tier == t
        ledger.book(i, f"bed_days_{name}", float(rec.hospital_bed_days[at_tier].sum()))
        ledger.book(i, f"bed_capacity_{name}", float(rec.hospital_bed_capacity[at_tier].sum()))


def _molecule_hhi_weighted(units: np.ndarray, m: Any) -> float:
    """Sum over tendered molecules of the molecule's drug doses times the Herfindahl index of
    its makers' shares of them (divided by all such doses: the dose-weighted mean HHI)."""
    mine = ~m.fringe & ~m.device
    by_molecule = np.bincount(m.molecule[mine], units[mine], len(m.molecules))
    share = units[mine] / np.maximum(by_molecule[m.molecule[mine]], 1e-300)
    hhi = np.bincount(m.molecule[mine], share**2, len(m.molecules))
    return float(hhi @ by_molecule)


# -- checking -----------------------------------------------------------------------------
def _close(a: float, b: float, scale: float = 0.0) -> bool:
    """Equal up to rounding. ``scale`` is the size of the terms a difference was computed
    from: a reserve change near zero is the difference of billions, and carries their
    rounding error, not its own."""
    return abs(a - b) <= RELATIVE_TOLERANCE * max(abs(a), abs(b), scale, 1.0)


class InvariantError(ConservationError):
    """A quantity outside what it can be (negative money that cannot be, a share above 1)."""


def guard(rec: MonthRecord, market: Any = None, pop: PatientPopulation | None = None) -> None:
    """Cheap invariants of the month, named by month, agent and quantity: stocks of money that
    cannot be negative, bed use, market shares and prices in range. With ``pop``
    (``debug=true``) also per person and per claim: accounts, and each claim's shares."""
    where = rec.label
    for name, fund in zip(FUND_NAMES, rec.funds, strict=False):
        scale = max(abs(fund.flows.revenue), abs(fund.flows.expenditure), 1.0)
        _at_least(where, f"{name} fund", "pooled reserve", fund.pooled_reserve, -1e-9 * scale)
        _at_least(where, f"{name} fund", "account balances", fund.account_balance,
                  -1e-9 * max(abs(fund.account_balance), scale))
        _at_least(where, f"{name} fund", "benefit level", fund.benefit_level, 0.0)
    _at_least(where, "hospitals", "fewest bed-days used",
              float(rec.hospital_bed_days.min(initial=0.0)), 0.0)  # above beds is crowding
    if market is not None:
        _within(where, "market", "agreed share", market.agreed_share, 0.0, 1.0)
        _at_least(where, "market", "lowest price", float(np.min(market.price)), 0.0)
    if pop is not None:
        _at_least(where, "persons", "lowest personal-account balance",
                  float(pop.account[pop.alive].min(initial=0.0)), -1e-6)
        if rec.claims is not None and len(rec.claims):
            c = rec.claims
            layers = [n for n in ("critical_illness_pay", "assistance_pay", "commercial_pay")
                      if getattr(c, n) is not None]
            for name in ("fund_pay", "account_pay", "oop", *layers):
                _at_least(where, "claims", f"lowest {name}", float(getattr(c, name).min()),
                          -1e-6 * max(float(c.total_charge.max()), 1.0))


def _at_least(where: str, agent: str, quantity: str, value: float, floor: float) -> None:
    if not value >= floor:  # also catches NaN
        shown = f"{value:,.0f}" if abs(value) >= 1000 else f"{value:.6g}"
        raise InvariantError(f"{where}: {agent}: {quantity} is {shown}; it must be >= "
                             f"{max(floor, 0.0):g}")


def _within(where: str, agent: str, quantity: str, values: np.ndarray, lo: float,
            hi: float) -> None:
    bad = ~((values >= lo) & (values <= hi))
    if bad.any():
        k = int(np.argmax(bad))
        raise InvariantError(f"{where}: {agent}: {quantity} of item {k} is {values[k]:g}; "
                             f"it must be in [{lo:g}, {hi:g}]")


def check(rec: MonthRecord, persons_alive: int) -> None:
    """Money and people add up this month, or the run stops with the figures."""
    claims, where = rec.claims, rec.label
    billed = float(claims.total_charge.sum())
    layers = float(np.sum(claims.protection_paid))
    split = float((claims.oop + claims.fund_pay + claims.account_pay).sum()) + layers
    if not _close(billed, split):
        raise ConservationError(f"{where}: claims billed {billed:.2f}, but patients, accounts, "
                                f"funds' item-based shares and protection layers add up to "
                                f"{split:.2f}")
    earned = float(rec.hospital_revenue.sum())
    priced = float(claims.revenue.sum()) + rec.payments_beyond_claims
    pooled = sum(f.flows.pooled_paid for f in rec.funds)
    paid = float((claims.oop + claims.account_pay).sum()) + pooled + layers
    if not (_close(earned, priced) and _close(earned, paid)):
        raise ConservationError(f"{where}: hospitals earned {earned:.2f}, the payment method "
                                f"priced {priced:.2f}, patients and funds paid {paid:.2f}")
    for k, fund in enumerate(rec.funds):
        change = fund.pooled_reserve + fund.account_balance - fund.opening_reserve - fund.opened
        transfer = fund.flows.pooling_transfer  # from other regions (population=province)
        flow = fund.flows.revenue - fund.flows.expenditure + transfer
        terms = (fund.pooled_reserve, fund.account_balance, fund.opening_reserve, fund.opened,
                 fund.flows.revenue, fund.flows.expenditure, transfer)
        if not _close(change, flow, scale=max(abs(t) for t in terms)):
            raise ConservationError(f"{where}: fund {k} reserve changed by {change:.2f} "
                                    f"but revenue - expenditure + pooling transfers = "
                                    f"{flow:.2f}")
    expected = (rec.opening_persons + rec.n_births + rec.n_immigrants
                - rec.deaths_by_group.sum() - rec.emigrants_by_group.sum())
    if persons_alive != expected:
        raise ConservationError(f"{where}: {persons_alive} persons alive, expected "
                                f"{expected:.0f} from births, deaths and migration")
    sold, bought = float(rec.supplier_sales.sum()), float(rec.hospital_drug_purchases.sum())
    if not _close(sold, bought):
        raise ConservationError(f"{where}: suppliers sold {sold:.2f}, hospitals bought {bought:.2f}")
    done = rec.dispensed
    over = done.delivered - np.nan_to_num(done.deliverable, nan=np.inf)
    if (over > RELATIVE_TOLERANCE * np.maximum(done.delivered, 1.0)).any():
        k = int(np.argmax(over))
        raise ConservationError(f"{where}: product {k} dispensed {done.delivered[k]:.2f} units, "
                                f"its maker could deliver {done.deliverable[k]:.2f}")

