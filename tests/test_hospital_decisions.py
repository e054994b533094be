"""Hospitals' decisions and the rules around them, one mechanism at a time."""

from __future__ import annotations

import numpy as np
import pytest

from sanyi.model.ledger import COLUMN, annual_table
from sanyi.model.model import SanyiModel
from sanyi.model.policies.payment_prospective import DIP
from tests.conftest import clearly_positive, config, final, paired_gaps, run_model

METHODS = ("ffs", "drg", "dip", "per_diem", "global_budget", "capitation", "mixed")


def _model_in_switch_year(method: str, *overrides: str) -> SanyiModel:
    """A model run to January of its switch year, hospitals adapted to the new method."""
    model = SanyiModel(config(f"payment={method}", "payment.start_year=2026", *overrides,
                              size=4_000, start=2024, end=2027))
    while (model.year, model.month) < (2026, 2):
        model.step()
    return model


@pytest.mark.parametrize("method", METHODS)
def test_money_and_people_are_conserved_under_every_method(method: str) -> None:
    """The model checks every month (it raises on a leak); the yearly identities hold too."""
    model = run_model(config(f"payment={method}", "payment.start_year=2025", "seed=1",
                             size=3_000, start=2024, end=2026))
    table = annual_table(model.ledger, model.months, model.scale)
    for scheme in ("employee", "resident"):
        rows = table[table.scheme == scheme]
        np.testing.assert_allclose(np.diff(rows.total_reserve_yuan), rows.balance_yuan[1:],
                                   rtol=1e-9)


@pytest.mark.parametrize("method", ("ffs", "drg", "dip", "global_budget"))
def test_altruism_moves_every_method_toward_the_patient_optimal_intensity(method: str) -> None:
    model = _model_in_switch_year(method)
    rule, optimum = model.hospital_list[0].rule, model.hospital_list[0].rule.x_opt

    def distance(altruism: float) -> float:
        rule.cfg.altruism = altruism
        gaps = [np.abs(rule._best_response(h, model.history.last())["intensity"] - optimum)
                for h in model.hospital_list if h.tier > 0]
        return float(np.mean(gaps))

    assert distance(0.95) < distance(0.5)


def test_dip_more_volume_lowers_the_year_end_point_value() -> None:
    """A point is worth the budget divided by all points: volume dilutes everyone's value."""
    model = _model_in_switch_year("dip")
    method: DIP = model.payment
    budget = method.budget.copy()
    method.points_year[:] = 1_000.0
    method._year_end(2026, model.history)
    value = method.value.copy()
    method.points_year[:] = 2_000.0  # twice the volume, same budget
    method._year_end(2026, model.history)
    np.testing.assert_allclose(method.value, value / 2)
    np.testing.assert_allclose(method.budget, budget)


def test_a_payment_method_written_outside_the_package_is_selected_by_its_target() -> None:
    model = run_model(config("payment._target_=tests.example_method.HalfPricedVisits",
                             "+payment.share=0.5", "payment.start_year=2025", "seed=0",
                             size=2_000, start=2024, end=2025))
    assert type(model.payment).__name__ == "HalfPricedVisits"
    table = annual_table(model.ledger, model.months, model.scale).query("scheme == 'all'")
    assert table.settlement_difference_yuan.iloc[-1] < 0  # hospitals got less than charges


def test_a_full_hospital_discharges_earlier() -> None:
    gaps = paired_gaps(lambda m: -final(m, "alos_days"),
                       ("population.hospitals.secondary.beds_per_1000=2.8",),
                       ("population.hospitals.secondary.beds_per_1000=0.5",))
    assert clearly_positive(gaps), gaps


def test_an_admission_threshold_treats_mild_cases_as_outpatients() -> None:
    keep_fixed = "behaviour.hospital.rule=fixed"
    gaps = paired_gaps(lambda m: -final(m, "inpatient_rate"), (keep_fixed,),
                       (keep_fixed, "behaviour.hospital.admission_threshold=0.5"))
    assert clearly_positive(gaps), gaps


def test_upcoding_codes_that_share_of_non_severe_admissions_one_severity_up() -> None:
    model = run_model(config("behaviour.hospital.rule=fixed", "behaviour.hospital.upcoding_share=0.3",
                             "seed=0", size=6_000, start=2024, end=2024))
    table = annual_table(model.ledger, model.months, model.scale).query("scheme == 'all'")
    assert 0.15 < table.upcoding_rate.iloc[0] < 0.3  # 0.3 of the mild and moderate ones


def test_a_higher_inpatient_deductible_lowers_the_reimbursement_ratio() -> None:
    gaps = paired_gaps(lambda m: -final(m, "policy_scope_reimbursement_ratio", "resident"),
                       ("benefits.resident.inpatient_deductible_yuan.secondary=600",),
                       ("benefits.resident.inpatient_deductible_yuan.secondary=3000",))
    assert clearly_positive(gaps), gaps


def test_the_annual_ceiling_caps_what_the_fund_pays_a_person() -> None:
    model = SanyiModel(config("benefits.resident.annual_ceiling_yuan=2000", "seed=0",
                              "benefits.index_amounts_to_wages=false",
                              size=3_000, start=2024, end=2024))
    for _ in range(11):  # the yearly tallies reset in December
        model.step()
    pop = model.population
    residents = pop.alive & (pop.fund_of() == 1)
    assert pop.fund_year[residents].max() == pytest.approx(2000, rel=1e-4)


def test_an_outpatient_limit_of_zero_stops_outpatient_pooling() -> None:
    zero = ("benefits.resident.outpatient_annual_limit_yuan=0",
            "benefits.resident.two_disease_annual_limit_yuan=0",
            "benefits.resident.special_disease_annual_limit_yuan=0")
    model = SanyiModel(config(*zero, "seed=0", size=3_000, start=2024, end=2024))
    for _ in range(3):
        model.step()
    pop = model.population
    residents = pop.fund_of() == 1
    assert pop.outpatient_fund_year[residents].sum() == 0.0
    assert pop.two_disease_fund_year[residents].sum() == 0.0


def test_tier_choice_moves_away_from_a_tier_that_costs_patients_more() -> None:
    gaps = paired_gaps(lambda m: -final(m, "admission_share_tertiary", "resident"),
                       ("benefits.resident.inpatient_ratio.tertiary=0.69",),
                       ("benefits.resident.inpatient_ratio.tertiary=0.2",))
    assert clearly_positive(gaps), gaps


def test_transferred_cases_are_treated_at_the_alliance_hub() -> None:
    model = _model_in_switch_year("ffs")
    for h in model.hospital_list:
        h.decisions.transfer_share = 1.0 if h.tier < 2 else 0.0
    before = model.hospital_list[-1].year.admissions
    model.step()
    month = len(model.months) - 1
    transfers = model.ledger.data[month, :, COLUMN["transfers"]].sum()
    assert transfers > 0
    severe_elsewhere = sum(h.year.admissions for h in model.hospital_list if h.tier < 2)
    assert model.hospital_list[-1].year.admissions > before and severe_elsewhere > 0
