"""Model versus official statistics (``model/data/targets.csv``), row by row.

National fund totals are compared per enrollee (total / enrollees of the same year and
scheme), counts as ratios or shares, so that the comparison does not depend on the simulated
population size. Survey rows dated before the first simulated year (prevalence, the care
cascade) are compared at the first simulated year. Rows the model does not produce are
listed with the reason.

A row is checked against its tolerance when its (compared) year lies in 2018-2023; the
others are shown for information. ``docs/calibration.md`` says where each target comes from
and which parameters were fitted to it.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from sanyi.model import inputs

FIRST_YEAR, LAST_YEAR = 2018, 2023


@dataclass(frozen=True)
class Tolerance:
    value: float
    kind: str  # "relative" (share of target), "absolute" (difference) or "positive" (sign)

    def describe(self) -> str:
        if self.kind == "positive":
            return "> 0"
        return f"±{self.value:.0%}" if self.kind == "relative" else f"±{self.value:g}"

    def error(self, model: float, target: float) -> float:
        return (model - target) / target if self.kind == "relative" else model - target

    def holds(self, model: float, target: float) -> bool:
        if self.kind == "positive":
            return model > 0
        return abs(self.error(model, target)) <= self.value + 1e-12


REL10, REL5, REL15, REL20 = (Tolerance(v, "relative") for v in (0.10, 0.05, 0.15, 0.20))
ABS_1PP, ABS_2PP, ABS_5PT = (Tolerance(v, "absolute") for v in (0.01, 0.02, 0.05))
ABS_15PP, ABS_4PP, ABS_6PT, ABS_8PT, ABS_10PT = (
    Tolerance(v, "absolute") for v in (0.015, 0.04, 0.06, 0.08, 0.10))
POSITIVE = Tolerance(0.0, "positive")
SCHEME = {"employee": "employee", "resident": "resident"}

# (metric, scope) -> (annual column, tolerance or None); compared value for value.
DIRECT: dict[tuple[str, str], tuple[str, Tolerance | None]] = {
    ("share_age_65plus", "population"): ("share_age_65plus", ABS_1PP),
    ("share_age_60plus", "population"): ("share_age_60plus", None),
    ("inpatient_rate", "employee"): ("inpatient_rate", REL15),
    ("inpatient_rate", "resident"): ("inpatient_rate", REL15),
    ("inpatient_rate_workers", "employee"): ("inpatient_rate_workers", None),
    ("inpatient_rate_retirees", "employee"): ("inpatient_rate_retirees", None),
    ("cost_per_admission", "employee"): ("cost_per_admission_yuan", REL15),
    ("cost_per_admission", "resident"): ("cost_per_admission_yuan", REL15),
    ("cost_per_admission_hospital", "all"): ("cost_per_admission_yuan", None),
    **{(f"cost_per_admission_{t}", s): (f"cost_per_admission_{t}_yuan", REL20)
       for t in ("primary", "secondary", "tertiary") for s in ("employee", "resident")},
    ("policy_scope_reimbursement_ratio", "employee"): ("policy_scope_reimbursement_ratio",
                                                       ABS_5PT),
    ("policy_scope_reimbursement_ratio", "resident"): ("policy_scope_reimbursement_ratio",
                                                       ABS_5PT),
    ("actual_reimbursement_ratio_inpatient", "employee"): (
        "actual_reimbursement_ratio_inpatient", None),
    ("actual_reimbursement_ratio_inpatient", "resident"): (
        "actual_reimbursement_ratio_inpatient", None),
    ("average_length_of_stay", "employee"): ("alos_days", None),
    ("average_length_of_stay", "resident"): ("alos_days", None),
    ("hospitalization_rate", "population"): ("inpatient_rate", None),
    ("reserve_months", "resident"): ("reserve_months", None),
    ("financing_per_enrollee", "resident"): ("revenue_per_enrollee_yuan", None),
    ("out_of_pocket_share_of_health_expenditure", "population"): ("oop_share", None),
    ("prevalence_hypertension_adults", "population"): ("prevalence_hypertension_adults",
                                                       ABS_2PP),
    ("prevalence_diabetes_adults", "population"): ("prevalence_diabetes_adults", ABS_15PP),
    ("prevalence_copd_age40plus", "population"): ("prevalence_copd_40plus", ABS_2PP),
    ("aware_rate_hypertension", "population"): ("aware_rate_hypertension", ABS_8PT),
    ("treated_rate_hypertension", "population"): ("treated_rate_hypertension", ABS_6PT),
    ("control_rate_hypertension", "population"): ("control_rate_hypertension", ABS_4PP),
    ("aware_rate_diabetes", "population"): ("aware_rate_diabetes", ABS_8PT),
    ("treated_rate_diabetes", "population"): ("treated_rate_diabetes", ABS_6PT),
    ("control_rate_diabetes", "population"): ("control_rate_diabetes", ABS_5PT),
    ("admission_share_tertiary", "all"): ("admission_share_tertiary", ABS_5PT),
    ("admission_share_secondary", "all"): ("admission_share_secondary", ABS_5PT),
    ("admission_share_primary", "all"): ("admission_share_primary", ABS_5PT),
    ("primary_care_visit_share", "all"): ("primary_care_visit_share", ABS_5PT),
    ("bed_occupancy_tertiary", "all"): ("bed_occupancy_tertiary", ABS_10PT),
    ("visits_per_person", "population"): ("visits_per_person", None),
    ("drug_share_inpatient", "all"): ("drug_share_inpatient", ABS_6PT),
    ("drug_share_outpatient", "all"): ("drug_share_outpatient", ABS_6PT),
}
# Survey rows (prevalence and the care cascade) describe the start: they are compared at the
# first simulated year when they predate it.
SURVEY_PREFIXES = ("prevalence_", "aware_rate_", "treated_rate_", "control_rate_")
# Base year of each scheme's official growth window (expenditure_growth_per_enrollee rows).
GROWTH_BASE_YEAR = {"all": 2019, "employee": 2021, "resident": 2021}


def _targets() -> pd.DataFrame:
    frame = pd.DataFrame(inputs.calibration_targets())
    frame["year"] = frame["year"].astype(int)
    frame["value"] = frame["value"].astype(float)
    return frame


def _lookup(targets: pd.DataFrame, year: int, metric: str, scope: str) -> float | None:
    hit = targets[(targets.year == year) & (targets.metric == metric) & (targets.scope == scope)]
    return float(hit.value.iloc[0]) if len(hit) else None


def _enrollees(targets: pd.DataFrame, year: int, scope: str) -> float | None:
    """Enrollees (million) of a scheme in a year, from the targets' own count rows."""
    workers = _lookup(targets, year, "enrollees_workers", "employee")
    retirees = _lookup(targets, year, "enrollees_retirees", "employee")
    residents = _lookup(targets, year, "enrollees", "resident")
    employee = workers + retirees if workers and retirees else None
    if scope == "employee":
        return employee
    if scope == "resident":
        return residents
    return employee + residents if employee and residents else None


def _model(annual: pd.DataFrame, year: int, scheme: str, column: str) -> float | None:
    hit = annual[(annual.year == year) & (annual.scheme == scheme)]
    if not len(hit) or column not in hit:
        return None
    value = float(hit[column].iloc[0])
    return None if np.isnan(value) else value


def _ratio(a: float | None, b: float | None) -> float | None:
    return a / b if a is not None and b else None


Compared = tuple[float | None, float | None, Tolerance | None, str]


def _fund_row(targets: pd.DataFrame, annual: pd.DataFrame, row, scheme: str) -> Compared:
    """Fund totals compared per enrollee; the resident balance by its sign."""
    m, y = row.metric, row.year
    enrollees = _enrollees(targets, y, scheme)
    target = row.value / enrollees * 1000 if enrollees else None  # bn / million -> yuan
    if m in ("fund_revenue", "fund_revenue_total"):
        return target, _model(annual, y, scheme, "revenue_per_enrollee_yuan"), REL10, "per enrollee"
    if m in ("fund_expenditure", "fund_expenditure_total"):
        return (target, _model(annual, y, scheme, "expenditure_per_enrollee_yuan"), REL10,
                "per enrollee")
    column = "balance_yuan" if m == "fund_balance" else "total_reserve_yuan"
    value = _ratio(_model(annual, y, scheme, column), _model(annual, y, scheme, "enrollees"))
    tol = POSITIVE if m == "fund_balance" and scheme == "resident" else None
    return target, value, tol, "per enrollee" + ("; sign checked" if tol else "")


def _derived_row(targets: pd.DataFrame, annual: pd.DataFrame, row, scheme: str) -> Compared:
    """Rows compared through a ratio of model columns."""
    m, y = row.metric, row.year
    if m == "enrollees_workers":
        retirees = _lookup(targets, y, "enrollees_retirees", "employee")
        value = _ratio(_model(annual, y, "employee", "workers"),
                       _model(annual, y, "employee", "retirees"))
        return _ratio(row.value, retirees), value, REL5, "workers per retiree"
    if m == "expenditure_growth_per_enrollee":
        base = GROWTH_BASE_YEAR[row.scope]
        first = _model(annual, base, scheme, "expenditure_per_enrollee_yuan")
        last = _model(annual, y, scheme, "expenditure_per_enrollee_yuan")
        value = (last / first) ** (1 / (y - base)) - 1 if first and last else None
        return row.value, value, ABS_15PP, f"yearly growth {base}-{y}"
    if m == "resident_enrollees_share_of_population":
        value = _ratio(_model(annual, y, "resident", "enrollees"), _model(annual, y, "all", "persons"))
        return row.value, value, ABS_2PP, "resident enrollees / population"
    if m == "account_share_of_employee_reserve":
        value = _ratio(_model(annual, y, "employee", "account_balance_yuan"),
                       _model(annual, y, "employee", "total_reserve_yuan"))
        return row.value, value, ABS_8PT, "accounts / (pooled reserve + accounts)"
    return None, None, None, ""


FUND_METRICS = ("fund_revenue", "fund_revenue_total", "fund_expenditure",
                "fund_expenditure_total", "fund_balance", "fund_reserve")
DERIVED_METRICS = ("enrollees_workers", "expenditure_growth_per_enrollee",
                   "resident_enrollees_share_of_population", "account_share_of_employee_reserve")


def _compare_row(targets: pd.DataFrame, annual: pd.DataFrame, row) -> Compared:
    """(target as compared, model, tolerance or None, note) for one targets row."""
    scheme = SCHEME.get(row.scope, "all")
    if row.metric in FUND_METRICS:
        return _fund_row(targets, annual, row, scheme)
    if row.metric in DERIVED_METRICS:
        return _derived_row(targets, annual, row, scheme)
    if row.metric == "enrollees_retirees":
        return None, None, None, "compared as workers per retiree (row enrollees_workers)"
    if (row.metric, row.scope) in DIRECT:
        column, tol = DIRECT[(row.metric, row.scope)]
        return row.value, _model(annual, row.year, scheme, column), tol, ""
    return None, None, None, "not produced by the model"


def compare(annual: pd.DataFrame) -> pd.DataFrame:
    """Every targets row with the model's value, the error and, where set, the tolerance."""
    targets = _targets()
    first_year = int(annual.year.min())
    records = []
    for row in targets.itertuples():
        year = max(row.year, first_year) if row.metric.startswith(SURVEY_PREFIXES) else row.year
        target, model, tol, note = _compare_row(targets, annual, row._replace(year=year))
        if year != row.year and target is not None:
            note = f"{note}; compared at {year}".lstrip("; ")
        if model is None and not note:
            note = "year not simulated" if year not in set(annual.year) else "no model value"
        in_window = FIRST_YEAR <= year <= LAST_YEAR
        error = None
        if target is not None and model is not None:
            error = (tol or REL10).error(model, target)
        checked = tol is not None and in_window and model is not None and target is not None
        records.append({
            "year": row.year, "metric": row.metric, "scope": row.scope, "target": target,
            "model": model, "unit": row.unit, "error": error,
            "error_kind": "absolute" if tol and tol.kind != "relative" else "relative",
            "tolerance": tol.describe() if tol and in_window else "",
            "within": tol.holds(model, target) if checked else None,
            "note": note if in_window or not note else note + f"; outside {FIRST_YEAR}-{LAST_YEAR}",
        })
    return pd.DataFrame.from_records(records)
