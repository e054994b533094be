"""Each behavioural mechanism moves results the way the literature reports.

Paired runs on several seeds (common random numbers); a direction counts when the mean
difference exceeds three standard errors of the seed-to-seed spread.
"""

from __future__ import annotations

from tests.conftest import clearly_positive, final, paired_gaps


def test_lower_reimbursement_lowers_admissions() -> None:
    """Demand falls with the patient's share of the price (RAND HIE elasticity about -0.2)."""
    generous = ("benefits.resident.inpatient_ratio.primary=0.9",
                "benefits.resident.inpatient_ratio.secondary=0.9",
                "benefits.resident.inpatient_ratio.tertiary=0.9")
    meagre = ("benefits.resident.inpatient_ratio.primary=0.4",
              "benefits.resident.inpatient_ratio.secondary=0.4",
              "benefits.resident.inpatient_ratio.tertiary=0.4")
    gaps = paired_gaps(lambda m: final(m, "inpatient_rate", "resident"), meagre, generous)
    assert clearly_positive(gaps), gaps


def test_higher_out_of_pocket_cost_raises_forgone_care() -> None:
    gaps = paired_gaps(lambda m: final(m, "forgone_care_rate", "resident"),
                        ("benefits.resident.outpatient_ratio=0.8",),
                        ("benefits.resident.outpatient_ratio=0.0",
                         "benefits.resident.two_disease_ratio=0.0",
                         "benefits.resident.special_disease_ratio=0.0"))
    assert clearly_positive(gaps), gaps


def test_drug_markup_raises_the_drug_share_of_hospital_revenue() -> None:
    gaps = paired_gaps(lambda m: final(m, "drug_share_of_hospital_revenue"),
                        ("pricing=zero_markup",), ("pricing=markup_15",))
    assert clearly_positive(gaps), gaps


def test_better_adherence_raises_chronic_disease_control() -> None:
    gaps = paired_gaps(lambda m: final(m, "chronic_control_rate"),
                        ("behaviour.adherence_at_zero_cost=0.4",),
                        ("behaviour.adherence_at_zero_cost=0.9",))
    assert clearly_positive(gaps), gaps
