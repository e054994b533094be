"""The ledger of raw monthly bookings, and the output tables derived from it.

The model books raw quantities each month (``book``); the annual and monthly tables of the
output contract are derived here by the rules of ``model/metrics.py``: flows are summed over
the period, stocks are taken in its last month, and ratios are computed from the summed parts
(never averaged). Rows by ``scheme``: ``employee``, ``resident``, ``uninsured`` (the persons of
each group) and ``all``.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from sanyi.model.metrics import (
    FUND_QUANTITIES,
    GROUP_FLOWS,
    GROUP_STOCKS,
    MARKET,
    MARKET_FLOWS,
    MEAN_BY,
    METRICS,
    Metric,
)

GROUPS = ("employee", "resident", "uninsured")
SCHEMES = (*GROUPS, "all")
GROUP_RAW = GROUP_STOCKS + GROUP_FLOWS
COLUMN = {name: i for i, name in enumerate(GROUP_RAW)}
MARKET_COLUMN = {name: i for i, name in enumerate(MARKET_FLOWS)}
_FUND_COLS = [COLUMN[c] for c in FUND_QUANTITIES]
_STOCK_COLS = [COLUMN[c] for c in GROUP_STOCKS]


class Ledger:
    """Raw monthly bookings, preallocated: per group (months, 3, quantities) and market-wide."""

    def __init__(self, n_months: int) -> None:
        self.data = np.zeros((n_months, len(GROUPS), len(GROUP_RAW)))
        self.market = np.zeros((n_months, len(MARKET_FLOWS)))

    def book(self, month: int, name: str, values: np.ndarray | float) -> None:
        """Book a group quantity (three values, or one for all) or a market quantity."""
        if name in MARKET_COLUMN:
            self.market[month, MARKET_COLUMN[name]] = values
        else:
            self.data[month, :, COLUMN[name]] = values


def _safe_div(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    with np.errstate(divide="ignore", invalid="ignore"):
        return np.where(b != 0, a / np.where(b != 0, b, 1), np.nan)


def _rows(group: np.ndarray) -> np.ndarray:
    """(periods, 3 groups, q) -> (periods, 4 rows, q): ``all`` is the sum of the groups.

    Fund quantities of the uninsured are empty (NaN): they belong to no fund.
    """
    out = np.concatenate([group, group.sum(axis=1, keepdims=True)], axis=1)
    out[:, GROUPS.index("uninsured")][:, _FUND_COLS] = np.nan
    return out


def _raw_value(expr: str, group: np.ndarray, market: np.ndarray) -> np.ndarray:
    """A booked quantity or an expression ``a-b``, ``a+b``, ``a/b`` of two, per row."""
    for op in ("-", "+", "/"):
        if op in expr:
            a, b = (_raw_value(part, group, market) for part in expr.split(op))
            return a - b if op == "-" else a + b if op == "+" else _safe_div(a, b)
    if expr in MARKET_COLUMN:  # whole market: the ``all`` row only
        rows = np.full((market.shape[0], len(SCHEMES)), np.nan)
        rows[:, -1] = market[:, MARKET_COLUMN[expr]]
        return rows
    return group[..., COLUMN[expr]]


def per_factor(metric: Metric, months_per_period: int) -> float:
    per = {"year": 12 / months_per_period, "months": months_per_period, "": 1.0}[metric.per]
    return per * metric.factor


def derive(group: np.ndarray, market: np.ndarray, months_per_period: int,
           scale: float) -> dict[str, np.ndarray]:
    """Every metric, shape (periods, rows), from a period's raw quantities."""
    rows = _rows(group)
    out: dict[str, np.ndarray] = {}
    for m in METRICS:
        if m.numerator:
            value = _safe_div(out[m.numerator], out[m.denominator])
            value = value * per_factor(m, months_per_period)
        else:
            value = _raw_value(m.raw, rows, market) * (scale if m.scaled else 1.0)
        if m.rule == MEAN_BY:
            value = _safe_div(value, rows[..., COLUMN[m.weight]])
        if m.floor_zero:  # per group; the funds' row sums the groups' floored values
            value = np.maximum(value, 0.0)
            value[:, -1] = value[:, 0] + value[:, 1]
        if m.rule == MARKET:
            value[:, :-1] = np.nan
        out[m.name] = value
    return out


def _table(ledger: Ledger, months: list[tuple[int, int]], scale: float,
           annual: bool) -> pd.DataFrame:
    n = len(months)
    group, market = ledger.data[:n], ledger.market[:n]
    years = np.array([y for y, _ in months])
    if annual:
        keys = sorted(set(years.tolist()))
        flows = np.stack([group[years == y].sum(axis=0) for y in keys])
        raw = flows.copy()
        raw[..., _STOCK_COLS] = np.stack([group[years == y][-1] for y in keys])[..., _STOCK_COLS]
        market = np.stack([market[years == y].sum(axis=0) for y in keys])
        index = pd.DataFrame({"year": keys})
        per = 12
    else:
        raw = group
        index = pd.DataFrame({"year": years, "month": [m for _, m in months]})
        per = 1
    metrics = derive(raw, market, per, scale)
    # One row per period x scheme, periods in order and schemes in SCHEMES order: the metric
    # arrays (periods, schemes) flattened row by row.
    columns = {name: np.repeat(values.to_numpy(), len(SCHEMES)) for name, values in index.items()}
    columns["scheme"] = np.tile(np.array(SCHEMES, dtype=object), len(index))
    columns |= {name: values.ravel() for name, values in metrics.items()}
    return pd.DataFrame(columns)


def annual_table(ledger: Ledger, months: list[tuple[int, int]], scale: float) -> pd.DataFrame:
    """``annual.parquet``: one row per year x scheme (complete calendar years only)."""
    table = _table(ledger, months, scale, annual=True)
    counts = pd.Series([y for y, _ in months]).value_counts()
    complete = counts[counts == 12].index
    return table[table["year"].isin(complete)].reset_index(drop=True)


MONTHLY_EXCLUDED = tuple(m.name for m in METRICS if m.annual_only)


def monthly_table(ledger: Ledger, months: list[tuple[int, int]], scale: float) -> pd.DataFrame:
    """``monthly.parquet``: one row per month x scheme; rates annualised (``per`` year)."""
    return _table(ledger, months, scale, annual=False).drop(columns=list(MONTHLY_EXCLUDED))


def fund_years(annual: pd.DataFrame) -> dict[str, int | None]:
    """Per fund: the first year the pooled fund ran a deficit and the first year it ran out.

    Both look at the pooled fund only: personal-account balances cannot pay a claim.
    """
    out: dict[str, int | None] = {}
    for scheme in ("employee", "resident"):
        rows = annual[annual.scheme == scheme].sort_values("year")
        deficit = rows[rows.pooled_balance_yuan < 0]
        depleted = rows[(rows.top_up_yuan > 0) | (rows.benefit_cut_yuan > 0)]
        out[f"first_deficit_year_{scheme}"] = int(deficit.year.iloc[0]) if len(deficit) else None
        out[f"depletion_year_{scheme}"] = int(depleted.year.iloc[0]) if len(depleted) else None
    return out


# Discount rate for QALYs and costs: China Guidelines for Pharmacoeconomic Evaluations (2020)
# recommend 5 % a year.
DISCOUNT_RATE = 0.05


def discounted_value(total: pd.DataFrame) -> tuple[float, float]:
    """(discounted QALYs, discounted fund spending in real start-year yuan) of a run.

    Both are discounted to the first simulated year; spending is deflated by the CPI path
    first (``expenditure_real_yuan``), so the ratio is health bought per real yuan.
    """
    years = total["year"].to_numpy() - total["year"].min()
    weight = (1 + DISCOUNT_RATE) ** -years
    return (float((total["qalys"].to_numpy() * weight).sum()),
            float((total["expenditure_real_yuan"].to_numpy() * weight).sum()))


def incremental(policy: dict, baseline: dict) -> dict[str, float]:
    """A policy against a baseline run with the same seed: extra QALYs, extra real fund
    spending, and the incremental cost per QALY (yuan) — the comparison that reads the
    policy's effect rather than the level of QALYs lived."""
    d_qalys = policy["qalys_discounted"] - baseline["qalys_discounted"]
    d_cost = (policy["fund_spending_discounted_real_yuan"]
              - baseline["fund_spending_discounted_real_yuan"])
    return {"delta_qalys": d_qalys, "delta_fund_spending_real_yuan": d_cost,
            "yuan_per_qaly": d_cost / d_qalys if d_qalys else float("nan")}


def summarize(annual: pd.DataFrame) -> dict[str, float | int | None]:
    """Run-level KPIs (the outcomes of an experiment) from the annual table.

    Reserve months count the pooled funds only. ``first_deficit_year`` and ``depletion_year``
    are the earlier of the two funds'; the per-fund figures are given too, since one fund's
    surplus can hide the other's deficit in the pooled figures. QALYs per 10,000 yuan are
    discounted and in real start-year yuan (``discounted_value``); compare policies with
    ``incremental`` against a baseline run at the same seed.
    """
    total = annual[annual["scheme"] == "all"].sort_values("year")
    last = total.iloc[-1]
    spend = total["expenditure_per_enrollee_yuan"].to_numpy()
    n_years = len(spend) - 1
    growth = ((spend[-1] / spend[0]) ** (1 / n_years) - 1) * 100 if n_years > 0 else float("nan")
    years = fund_years(annual)

    def earliest(kind: str) -> int | None:
        return min((y for k, y in years.items() if k.startswith(kind) and y), default=None)

    final = annual[annual.year == total.year.max()].set_index("scheme")
    qalys, spending = discounted_value(total)
    return {
        "first_deficit_year": earliest("first_deficit_year"),
        "depletion_year": earliest("depletion_year"),
        "final_reserve_months": float(last["reserve_months"]),
        "final_reserve_months_employee": float(final.loc["employee", "reserve_months"]),
        "final_reserve_months_resident": float(final.loc["resident", "reserve_months"]),
        "final_account_balance_yuan": float(last["account_balance_yuan"]),
        **years,
        "qalys_per_10k_fund_yuan": qalys / spending * 1e4 if spending else float("nan"),
        "qalys_discounted": qalys,
        "fund_spending_discounted_real_yuan": spending,
        "financing_gap_share_final": float(last["financing_gap_share"]),
        "financing_gap_share_mean": float(total["financing_gap_share"].mean()),
        "fund_spending_growth_pct_per_year": float(growth),
        "oop_share": float(last["oop_share"]),
        "catastrophic_rate": float(last["catastrophic_rate"]),
        "chronic_control_rate": float(last["chronic_control_rate"]),
    }


HOSPITAL_COLUMNS = ("year", "hospital", "tier", "payment", "revenue_yuan", "cost_yuan",
                    "surplus_yuan", "admissions", "alos_days", "case_mix_index", "intensity",
                    "los_factor", "upcoding_share", "admission_threshold", "transfer_share",
                    "shift_share", "self_pay_share", "upcoded_gain_yuan", "audit_recoveries_yuan")


def hospitals_table(rows: list[dict]) -> pd.DataFrame:
    """``hospitals.parquet``: one row per hospital x year (money scaled like the tables)."""
    return pd.DataFrame(rows, columns=list(HOSPITAL_COLUMNS))


SUPPLIER_COLUMNS = ("year", "supplier", "name", "fringe", "products", "winning_products", "bids",
                    "wins", "units", "revenue_yuan", "variable_cost_yuan", "fixed_cost_yuan",
                    "profit_yuan", "margin", "capacity_used", "exited")


def suppliers_table(rows: list[dict]) -> pd.DataFrame:
    """``suppliers.parquet``: one row per supplier x year (units and money scaled like the
    tables); ``fringe`` marks the untendered substitutes' makers taken together."""
    return pd.DataFrame(rows, columns=list(SUPPLIER_COLUMNS))


TENDER_COLUMNS = ("year", "molecule", "drug_class", "renewal", "ceiling_yuan", "product",
                  "supplier", "name", "originator", "bid_yuan", "won", "cut_from_ceiling",
                  "agreed_share")


def tenders_table(results: list, market) -> pd.DataFrame:
    """``tenders.parquet``: one row per bid of every tender of the run (and of the rounds
    replayed before its start), with the price per unit and whether it won."""
    rows = [{
        "year": r.year, "molecule": market.molecules[r.molecule],
        "drug_class": market.classes[market.molecule_class[r.molecule]], "renewal": r.renewal,
        "ceiling_yuan": r.ceiling, "product": int(p), "supplier": int(market.supplier[p]),
        "name": market.supplier_names[market.supplier[p]],
        "originator": bool(market.originator[p]), "bid_yuan": float(b), "won": bool(w),
        "cut_from_ceiling": 1 - float(b) / r.ceiling if r.ceiling > 0 else float("nan"),
        "agreed_share": r.agreed_share,
    } for r in results for p, b, w in zip(r.products, r.bids, r.won, strict=True)]
    return pd.DataFrame(rows, columns=list(TENDER_COLUMNS))
