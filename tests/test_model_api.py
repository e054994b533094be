"""Building a model the ways its users do: from a config, from overrides, from keyword options."""

from __future__ import annotations

import threading

import pytest
from hydra.core.global_hydra import GlobalHydra

from sanyi.model.config import ConfigError
from sanyi.model.model import SanyiModel
from tests.conftest import config

SMALL = {"population__size": 1500, "population__start_year": 2024, "population__end_year": 2024}


def test_keyword_options_name_groups_and_dotted_keys() -> None:
    model = SanyiModel(pricing="markup_15", seed=4, benefits__retirement_delay=False, **SMALL)
    assert model.cfg.pricing.name == "markup_15"
    assert model.cfg.seed == 4
    assert model.cfg.benefits.retirement_delay is False
    assert model.cfg.population.size == 1500


def test_keyword_options_and_overrides_build_the_same_model_as_a_config() -> None:
    by_options = SanyiModel(seed=2, **SMALL)
    by_config = SanyiModel(config("seed=2", size=1500, start=2024, end=2024))
    by_options.run()
    by_config.run()
    assert (by_options.ledger.data == by_config.ledger.data).all()


def test_a_bad_option_fails_with_one_line_naming_it() -> None:
    with pytest.raises(ConfigError, match=r"payment='nonesuch'; allowed: "):
        SanyiModel(payment="nonesuch")
    with pytest.raises(ConfigError, match=r"population.size=-5"):
        SanyiModel(population__size=-5)


def test_composing_leaves_hydras_global_state_alone() -> None:
    GlobalHydra.instance().clear()
    SanyiModel(**SMALL)
    assert not GlobalHydra.instance().is_initialized()


def test_models_can_be_built_in_several_threads_at_once() -> None:
    """Browser sessions each build their own model, concurrently."""
    seeds: list[int] = []
    errors: list[BaseException] = []

    def build(seed: int) -> None:
        try:
            seeds.append(SanyiModel(seed=seed, **SMALL).cfg.seed)
        except BaseException as exc:  # collected and re-raised by the test
            errors.append(exc)

    threads = [threading.Thread(target=build, args=(s,)) for s in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not errors and sorted(seeds) == [0, 1, 2, 3]


def test_a_step_after_the_last_month_does_nothing() -> None:
    model = SanyiModel(**SMALL)
    model.run()
    months = list(model.months)
    model.step()
    assert model.months == months and not model.running


def test_monthly_charts_are_collected_when_asked() -> None:
    model = SanyiModel(collect_monthly=True, **SMALL)
    model.run()
    series = model.datacollector.get_model_vars_dataframe()
    assert len(series) == 12
    assert {"reserve_months_employee", "oop_share", "alos_days"} <= set(series.columns)
    assert series["oop_share"].between(0, 1).all()


def test_batch_runs_skip_the_collector() -> None:
    assert SanyiModel(**SMALL).datacollector is None
