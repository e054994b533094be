"""Protection beyond basic insurance (``protection=multi_tier``): critical-illness insurance,
medical assistance and commercial supplements, paying in the statutory order.

Directions are checked on paired runs (same seed: the same illnesses and deaths) over
several seeds; a claimed effect must exceed three standard errors of its seed-to-seed spread.
"""

from __future__ import annotations

import numpy as np
import pytest

from sanyi.agents.patients.population import UNINSURED
from sanyi.model.bookkeeping import ConservationError
from sanyi.model.config import ConfigError
from sanyi.model.model import SanyiModel
from sanyi.model.policies.protection import (
    ASSISTED,
    ExperienceRating,
    MultiTier,
    MultiTierConfig,
)
from tests.conftest import annual, clearly_positive, config, final, paired_gaps, run_model

MULTI_TIER = ("protection=multi_tier",)


def without(*layers: str) -> tuple[str, ...]:
    """``multi_tier`` with some layers switched off."""
    return (*MULTI_TIER, *(f"protection.{layer}.enabled=false" for layer in layers))


@pytest.fixture(scope="module")
def layered_run() -> SanyiModel:
    return run_model(config(*MULTI_TIER, "seed=0", size=6_000, end=2026))


def test_each_layer_pays_and_money_adds_up_every_month(layered_run: SanyiModel) -> None:
    # The run's monthly checks include every layer: had a yuan gone astray it would have
    # stopped with a ConservationError. Each layer paid something, critical illness only
    # for resident-fund members.
    table = annual(layered_run)
    total = table[table.scheme == "all"]
    for layer in ("critical_illness", "assistance", "commercial"):
        assert (total[f"{layer}_paid_yuan"] > 0).all(), layer
    employee = table[table.scheme == "employee"]
    assert (employee.critical_illness_paid_yuan == 0).all()
    assert (table[table.scheme == "resident"].critical_illness_premium_yuan > 0).all()


def test_a_layer_paying_without_the_patient_owing_less_stops_the_run() -> None:
    model = SanyiModel(config(*MULTI_TIER, size=2_000))
    cover = model.protection.cover

    def overpaying(claims, pop) -> None:  # pays one yuan more than it takes off patients
        cover(claims, pop)
        claims.commercial_pay = claims.commercial_pay.copy()
        claims.commercial_pay[0] += 1.0

    model.protection.cover = overpaying
    with pytest.raises(ConservationError, match="protection layers"):
        model.step()


def catastrophic(quintile: str) -> callable:
    return lambda model: final(model, f"catastrophic_rate_{quintile}")


def test_medical_assistance_lowers_catastrophic_spending_most_for_the_poorest() -> None:
    seeds = (0, 1, 2)
    poorest = paired_gaps(catastrophic("q1"), without("commercial"),
                          without("commercial", "assistance"), seeds=seeds)
    richest = paired_gaps(catastrophic("q5"), without("commercial"),
                          without("commercial", "assistance"), seeds=seeds)
    assert clearly_positive(poorest)  # the rate without assistance minus the rate with it
    assert clearly_positive(poorest - richest)


def test_commercial_takeup_is_higher_among_the_old_and_the_chronically_ill(
        layered_run: SanyiModel) -> None:
    table = annual(layered_run)
    total = table[table.scheme == "all"]
    assert (total.commercial_takeup_60plus > total.commercial_takeup_under60).all()
    assert (total.commercial_takeup_chronic > total.commercial_takeup_no_chronic).all()


def premiums(*overrides: str, seed: int) -> np.ndarray:
    model = run_model(config(*MULTI_TIER, *overrides, f"seed={seed}", size=6_000, end=2031))
    table = annual(model)
    return table[table.scheme == "all"].commercial_premium_per_enrollee_yuan.to_numpy()


def test_a_premium_priced_to_losses_rises_as_costs_grow_past_a_fixed_deductible() -> None:
    rises = np.array([np.log(p[-1] / p[0]) for p in (premiums(seed=s) for s in (0, 1, 2))])
    assert clearly_positive(rises)
    fixed = run_model(config(*MULTI_TIER, "protection.commercial.reprice_to_losses=false",
                             size=2_000, end=2027))
    assert fixed.protection.commercial.premium == fixed.cfg.protection.commercial.premium_yuan


def test_critical_illness_pays_above_half_the_mean_income_in_rising_bands() -> None:
    layer = MultiTier(MultiTierConfig())
    layer.mean_income = 40_000.0  # threshold 20,000; bands of 100,000 at 60 % then 70 %
    base = np.array([10_000.0, 30_000.0, 170_000.0, 2_000_000.0])
    paid = layer._critical_illness(base, np.zeros(4, dtype=bool))
    np.testing.assert_allclose(paid[:3], [0.0, 6_000.0, 60_000.0 + 0.7 * 50_000])
    assert paid[3] == 400_000.0  # the ceiling
    assisted = layer._critical_illness(base, np.ones(4, dtype=bool))
    np.testing.assert_allclose(assisted[1], 0.65 * 20_000)  # threshold halved, +5 points
    assert assisted[3] > 400_000.0  # no ceiling for assistance recipients


def test_a_layer_pays_each_claim_what_the_year_owes_beyond_the_claims_before_it() -> None:
    # Person 3 has 15,000 counted this year; two claims this month cross a 20,000 deductible.
    tally = np.zeros(5, dtype=np.float32)
    tally[3] = 15_000.0
    person = np.array([1, 3, 3])
    owed = np.array([500.0, 4_000.0, 6_000.0])

    def pays(base: np.ndarray, k: np.ndarray) -> np.ndarray:
        return 0.7 * np.maximum(base - 20_000.0, 0.0)

    paid = MultiTier._layer(owed, tally, person, pays)
    np.testing.assert_allclose(paid, [0.0, 0.0, 0.7 * 5_000.0])
    assert tally[3] == 25_000.0 and tally[1] == 500.0


def test_experience_rating_moves_toward_the_target_loss_ratio_within_its_step() -> None:
    rating = ExperienceRating(premium=100.0, target_loss_ratio=0.8, max_change=0.2)
    rating.add(premiums=1_000.0, claims=1_600.0)  # loss ratio 1.6: wants 200 a head
    rating.reprice()
    assert rating.premium == pytest.approx(120.0)


@pytest.mark.parametrize("override", [
    "protection.commercial.ratio=1.5",
    "protection.critical_illness.rate_above_band=0.99",
    "protection.assistance.eligible_share=-0.1",
])
def test_a_bad_protection_value_is_refused_naming_the_key(override: str) -> None:
    key = override.split("=")[0]
    with pytest.raises(ConfigError, match=f"{key}.*allowed"):
        config(*MULTI_TIER, override)


def test_layers_at_their_extremes_keep_every_claim_share_non_negative() -> None:
    # debug=true checks each claim's shares every month, the layers' included: half the
    # population assisted and nearly everyone insured commercially still pays no one twice.
    model = run_model(config(*MULTI_TIER, "debug=true", "protection.assistance.eligible_share=0.5",
                             "protection.commercial.takeup_at_reference=0.99",
                             "protection.commercial.premium_elasticity=-5", size=2_000))
    total = annual(model)
    total = total[total.scheme == "all"]
    assert (total.assisted_persons > 0).all() and (total.commercial_takeup > 0.5).all()
    assert np.isfinite(total.oop_yuan).all() and (total.oop_yuan > 0).all()


def test_assistance_pays_the_contribution_so_no_recipient_stays_uninsured() -> None:
    model = SanyiModel(config(*MULTI_TIER, size=4_000))  # January's rules have run
    pop = model.population
    assisted = pop.alive & ((pop.protection & ASSISTED) > 0)
    assert assisted.sum() == round(0.06 * pop.n_alive)
    assert not (assisted & (pop.scheme == UNINSURED)).any()
    # without the layer, the same poorest persons include some uninsured
    alone = SanyiModel(config(*without("assistance"), size=4_000)).population
    assert (assisted & (alone.scheme == UNINSURED)).any()
