"""Model versus official statistics (``model/data/targets.csv``), row by row.

National fund totals are compared per enrollee (total / enrollees of the same year and
scheme), counts as ratios or shares, so that the comparison does not depend on the simulated
population size. Rows the model does not produce are listed with the reason.

Tolerances (issue 3) apply to the rows that carry one; the others are shown for information.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from sanyi.model import inputs

FIRST_YEAR, LAST_YEAR = 2019, 2023


@dataclass(frozen=True)
class Tolerance:
    value: float
    relative: bool  # relative error (share of target) or absolute difference

    def describe(self) -> str:
        return f"±{self.value:.0%}" if self.relative else f"±{self.value:g}"


REL10, REL5, REL15 = Tolerance(0.10, True), Tolerance(0.05, True), Tolerance(0.15, True)
ABS_1PP, ABS_5PT = Tolerance(0.01, False), Tolerance(0.05, False)


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


def _per_enrollee(targets, annual, row, column, scheme) -> tuple[float | None, float | None]:
    enrollees = _enrollees(targets, row.year, scheme)
    target = row.value / enrollees * 1000 if enrollees else None  # bn / million -> yuan
    return target, _model(annual, row.year, scheme, column)


def _compare_row(targets: pd.DataFrame, annual: pd.DataFrame, row) -> tuple:
    """(target as compared, model, unit, tolerance or None, note) for one targets row."""
    m, scope, y = row.metric, row.scope, row.year
    scheme = {"employee": "employee", "resident": "resident"}.get(scope, "all")
    if m in ("fund_revenue", "fund_revenue_total"):
        t, v = _per_enrollee(targets, annual, row, "revenue_per_enrollee_yuan", scheme)
        return t, v, "yuan/enrollee", REL10, "per enrollee"
    if m in ("fund_expenditure", "fund_expenditure_total"):
        t, v = _per_enrollee(targets, annual, row, "expenditure_per_enrollee_yuan", scheme)
        return t, v, "yuan/enrollee", REL10, "per enrollee"
    if m in ("fund_balance", "fund_reserve"):
        column = "balance_yuan" if m == "fund_balance" else "reserve_yuan"
        enrollees = _enrollees(targets, y, scheme)
        model_total = _model(annual, y, scheme, column)
        model_n = _model(annual, y, scheme, "enrollees")
        t = row.value / enrollees * 1000 if enrollees else None
        v = model_total / model_n if model_total is not None and model_n else None
        return t, v, "yuan/enrollee", None, "per enrollee"
    if m in ("enrollees_workers", "enrollees_retirees"):
        if m == "enrollees_retirees":
            return None, None, "", None, "compared as workers per retiree (row enrollees_workers)"
        retirees = _lookup(targets, y, "enrollees_retirees", "employee")
        workers_m, retirees_m = (_model(annual, y, "employee", c) for c in ("workers", "retirees"))
        v = workers_m / retirees_m if workers_m and retirees_m else None
        return row.value / retirees if retirees else None, v, "workers/retiree", REL5, ""
    direct = {
        ("share_age_65plus", "population"): ("share_age_65plus", ABS_1PP),
        ("share_age_60plus", "population"): ("share_age_60plus", None),
        ("inpatient_rate", "employee"): ("inpatient_rate", REL15),
        ("inpatient_rate", "resident"): ("inpatient_rate", REL15),
        ("inpatient_rate_workers", "employee"): ("inpatient_rate_workers", None),
        ("inpatient_rate_retirees", "employee"): ("inpatient_rate_retirees", None),
        ("cost_per_admission", "employee"): ("cost_per_admission_yuan", REL15),
        ("cost_per_admission", "resident"): ("cost_per_admission_yuan", REL15),
        ("cost_per_admission_hospital", "all"): ("cost_per_admission_yuan", None),
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
    }
    if (m, scope) in direct:
        column, tol = direct[(m, scope)]
        return row.value, _model(annual, y, scheme, column), row.unit, tol, ""
    return None, None, row.unit, None, "not produced by the model"


def compare(annual: pd.DataFrame) -> pd.DataFrame:
    """Every targets row with the model's value, the error and, where set, the tolerance."""
    targets = _targets()
    records = []
    for row in targets.itertuples():
        target, model, unit, tol, note = _compare_row(targets, annual, row)
        if model is None and not note:
            note = "year not simulated" if row.year not in set(annual.year) else "no model value"
        in_window = FIRST_YEAR <= row.year <= LAST_YEAR
        error = None
        if target is not None and model is not None:
            error = (model - target) / target if (tol is None or tol.relative) else model - target
        checked = tol is not None and in_window and error is not None
        records.append({
            "year": row.year, "metric": row.metric, "scope": row.scope, "target": target,
            "model": model, "unit": unit, "error": error,
            "error_kind": "relative" if tol is None or tol.relative else "absolute",
            "tolerance": tol.describe() if tol and in_window else "",
            "within": (abs(error) <= tol.value + 1e-12) if checked else None,
            "note": note if in_window or not note else note + "; outside 2019-2023",
        })
    return pd.DataFrame.from_records(records)
