"""Does a run fit in memory? Checked before anything is built or any folder is created.

A population too large for the machine would otherwise die inside numpy, minutes in and with
a traceback; one line saying what the run needs and what the machine has is more useful.
"""

from __future__ import annotations

import os
from pathlib import Path

from sanyi.model.config import ConfigError, SanyiConfig

# Peak resident memory of a whole run (``run()``: build, step, write the tables) grows by
# about 365 bytes per simulated person: measured with ``benchmarks/memory_per_person.py`` at
# 10^5, 10^6 and 3x10^6 persons (2024-2025) and 3x10^5 persons over 2018-2050 (360-376 B/p).
# The person arrays (``agents.patients.population.FIELDS``) are 41 of them; the rest are the
# month's temporaries (episodes, claims, draws) and the monthly tables. Rounded up by ~60 %.
BYTES_PER_PERSON = 600
# The interpreter with numpy, pandas, Mesa and Hydra imported (about 170 MB) plus the
# hospitals, catalogue and ledger (about 30 MB), rounded up.
FIXED_BYTES = 250 * 2**20
GB = 10**9


def needed_bytes(size: int) -> int:
    """Peak memory of a run of ``size`` simulated persons, with a safety margin."""
    return FIXED_BYTES + BYTES_PER_PERSON * int(size)


def available_bytes(meminfo: Path = Path("/proc/meminfo")) -> int | None:
    """Memory available to a new process: Linux's MemAvailable, else free physical pages."""
    try:
        for line in meminfo.read_text().splitlines():
            if line.startswith("MemAvailable:"):
                return int(line.split()[1]) * 1024  # reported in kB
    except (OSError, ValueError, IndexError):
        pass
    try:
        return os.sysconf("SC_AVPHYS_PAGES") * os.sysconf("SC_PAGE_SIZE")
    except (OSError, ValueError, AttributeError):
        return None  # unknown: do not refuse


def check_memory(cfg: SanyiConfig, available: int | None = None) -> None:
    """Raise ``ConfigError`` (one line) if the run needs more memory than is available."""
    available = available_bytes() if available is None else available
    needed = needed_bytes(cfg.population.size)
    if available is not None and needed > available:
        raise ConfigError(
            f"population.size={cfg.population.size} needs about {needed / GB:,.1f} GB of memory; "
            f"this machine has {available / GB:,.1f} GB available "
            f"(about {BYTES_PER_PERSON} bytes per simulated person)")
