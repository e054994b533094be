"""Metric definitions: one place that says what every output column means.

Each month the model books raw quantities per group (employee fund, resident fund,
uninsured) into a ``Ledger``. The tables of the output contract (DESIGN §5) are derived
here: flows are summed over the months of a year, stocks are taken in December, and ratios
are computed from the summed parts (never averaged). Money and counts are scaled to the
represented population (simulated value x scale factor); per-person ratios are not.

Rows by ``scheme``: ``employee`` and ``resident`` are the two funds' members; ``all`` is
every person (the uninsured included) for patient and hospital measures, and the two funds
together for fund measures (the uninsured have no fund).
"""

from __future__ import annotations

import numpy as np
import pandas as pd

GROUPS = ("employee", "resident", "uninsured")
SCHEMES = ("employee", "resident", "all")

# Raw quantities booked per month and group.
STOCKS = ("persons", "enrollees", "workers", "retirees", "age60plus", "age65plus", "chronic", "controlled",
          "reserve", "pooled_reserve", "account_balance", "catastrophic", "benefit_level")
FLOWS = ("revenue", "expenditure", "top_up", "shifted_to_patients", "admissions",
         "admissions_retirees", "bed_days",
         "inpatient_charges", "inpatient_in_scope", "inpatient_fund", "charges", "oop",
         "fund_paid", "drug_charges", "visits_primary", "visits", "sought", "forgone", "deaths",
         "births", "immigrants", "emigrants", "qalys", "upcoded", "market_units",
         "market_value_current", "market_value_base", "winner_units", "hhi_weighted",
         "hospital_costs")
RAW = STOCKS + FLOWS
COLUMN = {name: i for i, name in enumerate(RAW)}
# Quantities in yuan or persons that scale with the represented population.
SCALED = ("persons", "enrollees", "workers", "retirees", "reserve", "pooled_reserve",
          "account_balance", "revenue", "expenditure", "top_up", "shifted_to_patients",
          "admissions", "deaths", "births", "immigrants", "emigrants", "qalys",
          "charges", "oop", "fund_paid", "drug_charges")
MARKET = ("market_units", "market_value_current", "market_value_base", "winner_units",
          "hhi_weighted", "hospital_costs")
FUND_ONLY = ("revenue", "expenditure", "top_up", "shifted_to_patients", "reserve",
             "pooled_reserve", "account_balance", "enrollees", "workers", "retirees",
             "admissions_retirees")


class Ledger:
    """Raw monthly bookings: an array (months, groups, quantities), preallocated."""

    def __init__(self, n_months: int) -> None:
        self.data = np.zeros((n_months, len(GROUPS), len(RAW)))

    def book(self, month: int, name: str, values: np.ndarray | float) -> None:
        self.data[month, :, COLUMN[name]] = values


def _safe_div(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    with np.errstate(divide="ignore", invalid="ignore"):
        return np.where(b != 0, a / np.where(b != 0, b, 1), np.nan)


def _by_scheme(raw: np.ndarray) -> np.ndarray:
    """(periods, 3 groups, quantities) -> (periods, 3 schemes, quantities); 'all' row added."""
    out = np.empty_like(raw)
    out[:, 0], out[:, 1] = raw[:, 0], raw[:, 1]
    out[:, 2] = raw.sum(axis=1)
    fund_cols = [COLUMN[c] for c in FUND_ONLY]
    out[:, 2, fund_cols] = raw[:, 0, fund_cols] + raw[:, 1, fund_cols]
    market_cols = [COLUMN[c] for c in MARKET]
    out[:, 2, market_cols] = raw[:, 0, market_cols]
    return out


def derive(raw: np.ndarray, months_per_period: int, scale: float) -> dict[str, np.ndarray]:
    """Output metrics from summed raw quantities of a period, shape (periods, schemes)."""
    q = {name: raw[..., COLUMN[name]] for name in RAW}
    persons_base = np.where(np.arange(3) == 2, q["persons"], q["enrollees"])
    per_year = 12 / months_per_period
    qalys = q["qalys"]
    m = {
        "enrollees": q["enrollees"] * scale,
        "persons": q["persons"] * scale,
        "workers": q["workers"] * scale,
        "retirees": q["retirees"] * scale,
        "revenue_yuan": q["revenue"] * scale,
        "expenditure_yuan": q["expenditure"] * scale,
        "balance_yuan": (q["revenue"] - q["expenditure"]) * scale,
        "reserve_yuan": q["reserve"] * scale,
        "pooled_reserve_yuan": q["pooled_reserve"] * scale,
        "account_balance_yuan": q["account_balance"] * scale,
        "top_up_yuan": q["top_up"] * scale,
        "claims_paid_by_funds_yuan": q["fund_paid"] * scale,  # pooled fund + personal accounts
        "benefit_cut_yuan": q["shifted_to_patients"] * scale,
        "reserve_months": _safe_div(q["reserve"], q["expenditure"] / months_per_period),
        "revenue_per_enrollee_yuan": _safe_div(q["revenue"], q["enrollees"]) * per_year,
        "expenditure_per_enrollee_yuan": _safe_div(q["expenditure"], q["enrollees"]) * per_year,
        "admissions": q["admissions"] * scale,
        "inpatient_rate": _safe_div(q["admissions"], persons_base) * per_year,
        "cost_per_admission_yuan": _safe_div(q["inpatient_charges"], q["admissions"]),
        "policy_scope_reimbursement_ratio": _safe_div(q["inpatient_fund"], q["inpatient_in_scope"]),
        "actual_reimbursement_ratio_inpatient": _safe_div(q["inpatient_fund"],
                                                          q["inpatient_charges"]),
        "oop_share": _safe_div(q["oop"], q["charges"]),
        "catastrophic_rate": _safe_div(q["catastrophic"], q["persons"]),
        "forgone_care_rate": _safe_div(q["forgone"], q["sought"]),
        "chronic_control_rate": _safe_div(q["controlled"], q["chronic"]),
        "deaths": q["deaths"] * scale,
        "births": q["births"] * scale,
        "immigrants": q["immigrants"] * scale,
        "emigrants": q["emigrants"] * scale,
        "qalys": qalys * scale,
        "qalys_per_10k_fund_yuan": _safe_div(qalys, q["expenditure"] / 1e4),
        "share_age_65plus": _safe_div(q["age65plus"], q["persons"]),
        "share_age_60plus": _safe_div(q["age60plus"], q["persons"]),
        "inpatient_rate_workers": _safe_div(q["admissions"] - q["admissions_retirees"],
                                            q["workers"]) * per_year,
        "inpatient_rate_retirees": _safe_div(q["admissions_retirees"], q["retirees"]) * per_year,
        "alos_days": _safe_div(q["bed_days"], q["admissions"]),
        "drug_share_of_hospital_revenue": _safe_div(q["drug_charges"], q["charges"]),
        "hospital_revenue_yuan": q["charges"] * scale,
        "hospital_costs_yuan": q["hospital_costs"] * scale,  # all hospitals (market-wide)
        "primary_care_visit_share": _safe_div(q["visits_primary"], q["visits"]),
        "upcoding_rate": _safe_div(q["upcoded"], q["admissions"]),
        "drug_price_index": _safe_div(q["market_value_current"], q["market_value_base"]),
        "vbp_winner_share": _safe_div(q["winner_units"], q["market_units"]),
        "supplier_hhi": _safe_div(q["hhi_weighted"], q["market_units"]),
        "benefit_level": q["benefit_level"],
    }
    return m


def _period_tables(ledger: Ledger, months: list[tuple[int, int]], scale: float,
                   annual: bool) -> pd.DataFrame:
    data = ledger.data[: len(months)]
    years = np.array([y for y, _ in months])
    if annual:
        keys = sorted(set(years.tolist()))
        flows = np.stack([data[years == y].sum(axis=0) for y in keys])
        stocks = np.stack([data[years == y][-1] for y in keys])
        index = pd.DataFrame({"year": keys})
        per = 12
    else:
        flows, stocks = data, data
        index = pd.DataFrame({"year": years, "month": [m for _, m in months]})
        per = 1
    raw = flows.copy()
    stock_cols = [COLUMN[c] for c in STOCKS]
    raw[..., stock_cols] = stocks[..., stock_cols]
    metrics = derive(_by_scheme(raw), per, scale)
    frames = []
    for s, scheme in enumerate(SCHEMES):
        frame = index.copy()
        frame.insert(len(index.columns), "scheme", scheme)
        for name, values in metrics.items():
            frame[name] = values[:, s]
        frames.append(frame)
    sort = ["year", "month", "scheme"] if not annual else ["year", "scheme"]
    table = pd.concat(frames, ignore_index=True)
    table["scheme"] = pd.Categorical(table["scheme"], categories=SCHEMES)
    table = table.sort_values(sort, kind="stable").reset_index(drop=True)
    table["scheme"] = table["scheme"].astype(str)
    return table


def annual_table(ledger: Ledger, months: list[tuple[int, int]], scale: float) -> pd.DataFrame:
    """``annual.parquet``: one row per year x scheme (complete years only)."""
    table = _period_tables(ledger, months, scale, annual=True)
    counts = pd.Series([y for y, _ in months]).value_counts()
    complete = counts[counts == 12].index
    return table[table["year"].isin(complete)].reset_index(drop=True)


MONTHLY_EXCLUDED = ("catastrophic_rate",)  # defined on a calendar year's spending


def monthly_table(ledger: Ledger, months: list[tuple[int, int]], scale: float) -> pd.DataFrame:
    """``monthly.parquet``: one row per month x scheme; rates are annualised."""
    return _period_tables(ledger, months, scale, annual=False).drop(columns=list(MONTHLY_EXCLUDED))


def fund_years(annual: pd.DataFrame) -> dict[str, int | None]:
    """First deficit year and first year a pooled reserve needed a top-up or cut, per fund."""
    out: dict[str, int | None] = {}
    for scheme in ("employee", "resident"):
        rows = annual[annual.scheme == scheme].sort_values("year")
        deficit = rows[rows.balance_yuan < 0]
        depleted = rows[(rows.top_up_yuan > 0) | (rows.benefit_cut_yuan > 0)]
        out[f"first_deficit_year_{scheme}"] = int(deficit.year.iloc[0]) if len(deficit) else None
        out[f"depletion_year_{scheme}"] = int(depleted.year.iloc[0]) if len(depleted) else None
    return out


def summarize(annual: pd.DataFrame) -> dict[str, float | int | None]:
    """Run-level KPIs (the outcomes of an experiment) from the annual table.

    ``first_deficit_year`` and ``depletion_year`` are the earlier of the two funds'; the
    per-fund years and final reserve months are given too, since one fund's surplus can hide
    the other's deficit in the pooled figures.
    """
    total = annual[annual["scheme"] == "all"].sort_values("year")
    last = total.iloc[-1]
    spend = total["expenditure_per_enrollee_yuan"].to_numpy()
    years = len(spend) - 1
    growth = ((spend[-1] / spend[0]) ** (1 / years) - 1) * 100 if years > 0 else float("nan")
    fund_spend = total["expenditure_yuan"].sum()
    years = fund_years(annual)
    earliest = lambda kind: min((y for k, y in years.items() if k.startswith(kind) and y),  # noqa: E731
                                default=None)
    final = annual[annual.year == total.year.max()].set_index("scheme")
    return {
        "first_deficit_year": earliest("first_deficit_year"),
        "depletion_year": earliest("depletion_year"),
        "final_reserve_months": float(last["reserve_months"]),
        "final_reserve_months_employee": float(final.loc["employee", "reserve_months"]),
        "final_reserve_months_resident": float(final.loc["resident", "reserve_months"]),
        **years,
        "qalys_per_10k_fund_yuan": float(total["qalys"].sum() / (fund_spend / 1e4)),
        "fund_spending_growth_pct_per_year": float(growth),
        "oop_share": float(last["oop_share"]),
        "catastrophic_rate": float(last["catastrophic_rate"]),
        "chronic_control_rate": float(last["chronic_control_rate"]),
    }
