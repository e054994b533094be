"""The realistic-baseline mechanisms move results the way their data and policies say.

Paired runs at equal seeds (common random numbers); a direction counts when the mean paired
difference exceeds three standard errors of its seed-to-seed spread.
"""

from __future__ import annotations

import numpy as np
import pytest

from sanyi.model.config import ConfigError
from sanyi.model.model import SanyiModel
from sanyi.model.policies.financing import uninsured_share
from tests.conftest import annual, clearly_positive, config, final, paired_gaps, run_model


def _cascade_counts(model: SanyiModel) -> tuple[int, int, int, int]:
    pop = model.population
    has = pop.alive & (pop.conditions & 1 > 0)
    return (int(has.sum()), int((has & (pop.aware & 1 > 0)).sum()),
            int((has & (pop.treated & 1 > 0)).sum()), int((has & (pop.controlled & 1 > 0)).sum()))


def test_the_cascade_is_nested_controlled_within_treated_within_aware_within_held() -> None:
    model = run_model(config("seed=2", size=4_000, start=2024, end=2024))
    pop = model.population
    assert not np.any(pop.aware & ~pop.conditions)
    assert not np.any(pop.treated & ~pop.aware)
    assert not np.any(pop.controlled & ~pop.treated)
    held, aware, treated, controlled = _cascade_counts(model)
    assert held > aware > treated > controlled > 0


def test_only_treated_persons_have_chronic_follow_ups() -> None:
    model = SanyiModel(config("seed=1", size=3_000, start=2024, end=2024))
    pop = model.population
    episodes, _, _ = model.care.seek(pop, model.now, (np.empty(0, int), np.empty(0, int)),
                                     model.benefit_levels)
    follow_ups = episodes.person[episodes.kind == 0]
    assert follow_ups.size > 0 and (pop.treated[follow_ups] > 0).all()


def test_cheaper_hypertension_drugs_raise_the_hypertension_control_rate() -> None:
    """Adherence falls with out-of-pocket cost, and control follows adherence."""
    gaps = paired_gaps(lambda m: final(m, "control_rate_hypertension"),
                       ("benefits.resident.two_disease_ratio=0.0",
                        "benefits.employee.two_disease_ratio=0.0"),
                       ("benefits.resident.two_disease_ratio=0.9",
                        "benefits.employee.two_disease_ratio=0.9"))
    assert clearly_positive(gaps), gaps


def test_control_of_conditions_lowers_their_complications() -> None:
    """Each condition's events fall by its relative risk when it is controlled."""
    model = SanyiModel(config("seed=3", size=30_000, start=2024, end=2024))
    pop = model.population

    def events_per_year(controlled: np.ndarray) -> float:
        pop.controlled[:] = controlled
        return sum(model.disease.complications(pop)[0].size for _ in range(12))

    conditions = pop.conditions.copy()
    uncontrolled = events_per_year(np.zeros_like(conditions))
    controlled = events_per_year(conditions)
    # Expected ratio: the complication-weighted relative risks of the conditions held.
    assert controlled < 0.9 * uncontrolled


def test_a_higher_premium_burden_means_more_uninsured_residents() -> None:
    shares = [uninsured_share(0.033, 2.5, burden, 0.01) for burden in (0.01, 0.012, 0.015)]
    assert shares[0] == pytest.approx(0.033) and shares[0] < shares[1] < shares[2]


def test_enrolment_follows_the_premium_in_the_model() -> None:
    gaps = paired_gaps(lambda m: -final(m, "enrollees", "resident"),
                       ("population.coverage_premium_elasticity=0.0",),
                       ("population.coverage_premium_elasticity=5.0",), size=5_000,
                       start=2019, end=2022)
    assert clearly_positive(gaps), gaps


def test_frozen_financing_opens_a_gap_that_following_spending_closes() -> None:
    def gap(rule: str) -> float:
        table = annual(run_model(config(f"benefits.financing_rule={rule}", "seed=1",
                                        size=4_000, start=2024, end=2032)))
        rows = table[(table.scheme == "resident") & (table.year >= 2030)]
        return float(rows.financing_gap_share.mean())

    assert gap("frozen") > 0.05 > gap("follows_spending")


def _outpatient_fund_per_enrollee(model: SanyiModel) -> float:
    row = annual(model).query("scheme == 'resident'").iloc[-1]
    return float((row.pooled_expenditure_yuan - row.inpatient_fund_yuan) / row.enrollees)


def test_outpatient_limits_frozen_in_nominal_yuan_pay_less_as_prices_grow() -> None:
    gaps = paired_gaps(_outpatient_fund_per_enrollee,
                       ("benefits.index_amounts_to_wages=false",),
                       ("benefits.index_amounts_to_wages=true",), size=4_000, start=2024,
                       end=2034, seeds=(0, 1, 2))
    assert clearly_positive(gaps), gaps


def test_drug_prices_that_grow_raise_the_drug_share() -> None:
    gaps = paired_gaps(lambda m: final(m, "drug_share_inpatient"),
                       ("scenario.drug_price_growth_per_year=0.0",),
                       ("scenario.drug_price_growth_per_year=0.05",), size=4_000, start=2024,
                       end=2027, seeds=(0, 1, 2))
    assert clearly_positive(gaps), gaps


def test_fewer_tertiary_beds_send_admissions_to_other_tiers() -> None:
    """A full tier means waiting, and patients go elsewhere."""
    gaps = paired_gaps(lambda m: -final(m, "admission_share_tertiary"),
                       ("population.hospitals.tertiary.beds_per_1000=2.4",),
                       ("population.hospitals.tertiary.beds_per_1000=0.8",))
    assert clearly_positive(gaps), gaps


def test_qalys_per_10k_yuan_use_real_start_year_yuan() -> None:
    model = run_model(config("seed=0", size=3_000, start=2024, end=2026))
    table = annual(model)
    row = table[(table.scheme == "all") & (table.year == 2026)].iloc[0]
    assert row.expenditure_real_yuan < row.expenditure_yuan  # prices rose since 2024
    assert row.qalys_per_10k_fund_yuan == pytest.approx(
        row.qalys / row.expenditure_real_yuan * 1e4)


def _admissions_by_place(seed: int, multiplier: float) -> np.ndarray:
    """(urban, rural) admissions sought in January 2023."""
    from sanyi.model.batches import ADMISSION

    rebound = f"scenario.utilisation_shock_urban_by_year.2023={multiplier}"
    model = SanyiModel(config(f"seed={seed}", rebound, size=10_000, start=2023, end=2023))
    pop = model.population
    episodes, _, _ = model.care.seek(pop, model.now, (np.empty(0, int), np.empty(0, int)),
                                     model.benefit_levels)
    rural = pop.rural[episodes.person[episodes.kind == ADMISSION]]
    return np.array([(~rural).sum(), rural.sum()], dtype=float)


def test_the_urban_rebound_of_2023_adds_urban_admissions_more_than_rural_ones() -> None:
    """Rural persons keep their chance of admission; only later draws (tier, forgone care)
    shift with the extra urban episodes, so rural counts move by noise alone."""
    gaps = []
    for seed in (0, 1, 2, 3):
        base, more = _admissions_by_place(seed, 1.0), _admissions_by_place(seed, 1.5)
        urban_change, rural_change = more / base - 1
        gaps.append(urban_change - rural_change)
    assert clearly_positive(np.array(gaps))


def test_a_negative_urban_multiplier_is_refused_naming_the_key() -> None:
    with pytest.raises(ConfigError, match=r"scenario\.utilisation_shock_urban_by_year\.2023"):
        config("scenario.utilisation_shock_urban_by_year.2023=-1")
