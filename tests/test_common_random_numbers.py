"""Common random numbers: runs compared at one seed differ only where the policy acts.

Every decision a hospital takes on an episode reads that episode's own uniforms, so a
decision that changes nothing leaves every output identical, and a decision that changes one
quantity leaves the others alone.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from tests.conftest import annual, config, run_model


def _annual(*overrides: str) -> pd.DataFrame:
    return annual(run_model(config("seed=1", *overrides, size=4_000, start=2024, end=2024)))


def test_a_change_that_alters_no_decision_leaves_every_output_identical() -> None:
    base = _annual()
    for noop in ("behaviour.hospital.admission_threshold=1e-12",
                 "behaviour.hospital.upcoding_share=1e-12"):
        pd.testing.assert_frame_equal(base, _annual(noop))


def test_upcoding_under_fee_for_service_moves_only_the_coding() -> None:
    """Fee-for-service pays items, not codes: upcoding changes the upcoding rate alone."""
    base, upcoded = _annual(), _annual("behaviour.hospital.upcoding_share=0.3")
    changed = [c for c in base.columns if c not in ("year", "scheme")
               and not np.allclose(base[c], upcoded[c], equal_nan=True, rtol=0, atol=0)]
    assert changed == ["upcoded_admissions", "upcoding_rate"]
