"""Which class implements each option of each policy family.

Config groups select an option by its ``name``; the model builds it here. Adding a variant
means adding a class and one line below, nothing in the agents.
"""

from __future__ import annotations

from typing import Any

from sanyi.model.policies.benefits import CurrentBenefits
from sanyi.model.policies.payment import FeeForService
from sanyi.model.policies.pricing import PriceSchedule
from sanyi.model.policies.procurement import NoProcurement

REGISTRY: dict[str, dict[str, Any]] = {
    "payment": {"ffs": FeeForService},
    "procurement": {"none": NoProcurement},
    "pricing": {"zero_markup": PriceSchedule, "markup_15": PriceSchedule},
    "benefits": {"current": CurrentBenefits},
}


def known(family: str) -> set[str]:
    return set(REGISTRY[family])


def build(family: str, name: str, *args: Any, **kwargs: Any) -> Any:
    """Instantiate option ``name`` of a policy family (names are validated at start)."""
    return REGISTRY[family][name](*args, **kwargs)
