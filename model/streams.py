"""Named random streams spawned from the run's one seed.

Each stochastic process draws from its own ``numpy.random.Generator`` spawned from
``SeedSequence(seed)``, so two policies compared at one seed meet the same illnesses and
deaths (common random numbers): a policy that changes how often one process draws does not
shift the numbers another process sees. A draw returns a fresh array that lives only as long
as its user holds it: twenty streams each keeping a population-sized buffer between months
held 62 bytes a person, a third of the model's state, to save an allocation that costs far
less than filling it.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

# The order is part of reproducibility: append new streams at the end, never reorder.
# Processes that draw a variable number of numbers (counts, then attributes of the persons
# drawn) have streams of their own, so that they never shift a fixed-size stream.
STREAM_NAMES: tuple[str, ...] = (
    "init",
    "mortality",
    "births",
    "emigration",
    "immigration",
    "incidence",
    "complications",
    "fatality",
    "acute_care",
    "chronic_care",
    "choice",
    "treatment",
    "enrolment",
    "incomes",
    "institutions",
    "admissions",
    "diagnosis",
    "initiation",
    "coverage",
    "pharmacy",
    "protection",
)


@dataclass
class Stream:
    """One named generator of float32 uniforms."""

    rng: np.random.Generator

    def uniforms(self, n: int) -> np.ndarray:
        """``n`` uniforms in [0, 1), float32 (a new array, the caller's to keep)."""
        return self.rng.random(n, dtype=np.float32)


class Streams:
    """All the run's random streams, addressed by name: ``streams.mortality.uniforms(n)``."""

    def __init__(self, seed: int) -> None:
        self.seed = seed
        children = np.random.SeedSequence(seed).spawn(len(STREAM_NAMES))
        self._streams = {
            name: Stream(np.random.default_rng(child))
            for name, child in zip(STREAM_NAMES, children, strict=True)
        }

    def __getattr__(self, name: str) -> Stream:
        if name.startswith("_"):  # not a stream (pickle looks for __setstate__ before _streams exists)
            raise AttributeError(name)
        try:
            return self._streams[name]
        except KeyError:
            raise AttributeError(f"no random stream named {name!r}; known: {STREAM_NAMES}") from None
