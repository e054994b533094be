"""Throughput and memory of ``SanyiModel`` at several population sizes.

Run from the repository root::

    python benchmarks/run_benchmark.py --sizes 10000 100000 1000000

The parent process never imports the model: each measurement runs in a fresh
subprocess (``--one SIZE MONTHS``) so that imports, caches and memory left by an
earlier run cannot flatter or penalise a later one. The worker prints one JSON line.

Timing and memory are measured in separate runs because ``tracemalloc`` hooks every
allocation (numpy's included) and would slow the timed run down.
"""

from __future__ import annotations

import argparse
import gc
import json
import logging
import math
import os
import platform
import statistics
import subprocess
import sys
import time
import tracemalloc
from pathlib import Path
from typing import Any

START_YEAR = 2025
LARGE_SIZE = 100_000  # sizes above this use --repeats-large
DEFAULT_REPEATS_LARGE = 3
SCRIPT = Path(__file__).resolve()
REPO_ROOT = SCRIPT.parent.parent


# ---------------------------------------------------------------------------------------
# Worker: one measurement, in its own process
# ---------------------------------------------------------------------------------------


def build_model(size: int, months: int) -> Any:
    """A model covering at least ``months`` months (it runs whole calendar years)."""
    from sanyi.model.config import SanyiConfig
    from sanyi.model.model import SanyiModel

    cfg = SanyiConfig()
    cfg.population.size = size
    cfg.population.start_year = START_YEAR
    cfg.population.end_year = START_YEAR + math.ceil(months / 12) - 1
    cfg.progress = False
    return SanyiModel(cfg)


def import_model() -> None:
    """Import the model before measuring, so import time and module memory are not counted."""
    import sanyi.model.config  # noqa: F401
    import sanyi.model.model  # noqa: F401


def time_run(size: int, months: int) -> dict[str, Any]:
    """Wall time of ``run()`` only; construction is timed apart for information."""
    t0 = time.perf_counter()
    m = build_model(size, months)
    t1 = time.perf_counter()
    m.run()
    seconds = time.perf_counter() - t1
    n_months = len(m.months)
    return {
        "mode": "time", "size": size, "months": n_months, "run_seconds": seconds,
        "build_seconds": t1 - t0,
        "person_months_per_s": size * n_months / seconds,
        "population_array_bytes_per_person": m.population.bytes_per_person,
    }


def memory_run(size: int, months: int) -> dict[str, Any]:
    """Bytes the built-and-run model still holds, and the peak while building and running."""
    gc.collect()
    tracemalloc.start()
    baseline = tracemalloc.get_traced_memory()[0]
    tracemalloc.reset_peak()
    m = build_model(size, months)
    m.run()
    gc.collect()
    current, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    return {
        "mode": "memory", "size": size, "months": len(m.months),
        "state_bytes_per_person": (current - baseline) / size,
        "peak_bytes_per_person": (peak - baseline) / size,
        "population_array_bytes_per_person": m.population.bytes_per_person,
        "capacity": m.population.capacity, "alive_at_end": m.population.n_alive,
    }


def worker(size: int, months: int, memory: bool) -> None:
    """Entry point of the subprocess: one JSON line on stdout, nothing else there."""
    logging.getLogger("MESA").setLevel(logging.WARNING)
    import_model()
    result = memory_run(size, months) if memory else time_run(size, months)
    sys.stdout.write(json.dumps(result) + "\n")
    sys.stdout.flush()


# ---------------------------------------------------------------------------------------
# Parent: spawn workers, summarise
# ---------------------------------------------------------------------------------------


def spawn(size: int, months: int, memory: bool) -> dict[str, Any]:
    """Run one worker in a fresh interpreter and parse its last stdout line."""
    cmd = [sys.executable, str(SCRIPT), "--one", str(size), str(months)]
    if memory:
        cmd.append("--memory")
    proc = subprocess.run(cmd, cwd=REPO_ROOT, capture_output=True, text=True, check=False)
    if proc.returncode != 0:
        sys.stderr.write(proc.stderr)
        raise RuntimeError(f"worker failed (exit {proc.returncode}): {' '.join(cmd)}")
    lines = [ln for ln in proc.stdout.splitlines() if ln.startswith("{")]
    if not lines:
        raise RuntimeError(f"worker printed no JSON line: {' '.join(cmd)}")
    return json.loads(lines[-1])


def repeats_for(size: int, args: argparse.Namespace) -> int:
    """The largest sizes take long per run, so they may use fewer repeats."""
    if size <= LARGE_SIZE:
        return args.repeats
    if args.repeats_large is not None:
        return args.repeats_large
    return min(args.repeats, DEFAULT_REPEATS_LARGE)


def measure(size: int, months: int, repeats: int) -> dict[str, Any]:
    """``repeats`` timing runs and one memory run of one size, summarised by medians."""
    timed = []
    for i in range(repeats):
        timed.append(spawn(size, months, memory=False))
        print(f"  size {size:>9,}  run {i + 1}/{repeats}: {timed[-1]['run_seconds']:.2f} s",
              file=sys.stderr, flush=True)
    mem = spawn(size, months, memory=True)
    rates = [t["person_months_per_s"] for t in timed]
    return {
        "size": size, "months": timed[0]["months"], "repeats": repeats,
        "person_months_per_s_median": statistics.median(rates),
        "person_months_per_s_min": min(rates), "person_months_per_s_max": max(rates),
        "run_seconds_median": statistics.median(t["run_seconds"] for t in timed),
        "build_seconds_median": statistics.median(t["build_seconds"] for t in timed),
        "state_bytes_per_person": mem["state_bytes_per_person"],
        "peak_bytes_per_person": mem["peak_bytes_per_person"],
        "population_array_bytes_per_person": mem["population_array_bytes_per_person"],
        "timing_runs": timed, "memory_run": mem,
    }


def machine() -> dict[str, Any]:
    """What the numbers depend on: they are not comparable across machines."""
    import numpy as np

    return {
        "platform": platform.platform(), "machine": platform.machine(),
        "processor": platform.processor() or "unknown",
        "python": platform.python_version(), "numpy": np.__version__,
        "cpu_count": os.cpu_count(),
    }


HEADER = ("size", "months", "runs", "Mpm/s med", "min", "max", "run s med",
          "state B/p", "peak B/p", "array B/p")


def table_row(r: dict[str, Any]) -> tuple[str, ...]:
    return (
        f"{r['size']:,}", str(r["months"]), str(r["repeats"]),
        f"{r['person_months_per_s_median'] / 1e6:.3f}",
        f"{r['person_months_per_s_min'] / 1e6:.3f}", f"{r['person_months_per_s_max'] / 1e6:.3f}",
        f"{r['run_seconds_median']:.2f}", f"{r['state_bytes_per_person']:,.0f}",
        f"{r['peak_bytes_per_person']:,.0f}", f"{r['population_array_bytes_per_person']:.1f}",
    )


def print_report(results: list[dict[str, Any]], info: dict[str, Any]) -> None:
    """A plain fixed-width table; Mpm/s = millions of person-months per second."""
    rows = [HEADER] + [table_row(r) for r in results]
    widths = [max(len(row[i]) for row in rows) for i in range(len(HEADER))]
    for k, row in enumerate(rows):
        print("  ".join(cell.rjust(w) for cell, w in zip(row, widths, strict=True)))
        if k == 0:
            print("  ".join("-" * w for w in widths))
    print()
    print("Mpm/s: millions of person-months per second of run() (median, min, max over runs);")
    print("B/p: bytes per simulated person (state after run, peak during build+run, population arrays).")
    print("machine: " + ", ".join(f"{k}={v}" for k, v in info.items()))


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--sizes", type=int, nargs="+", default=[10_000, 100_000, 1_000_000],
                   help="simulated persons (default 10000 100000 1000000)")
    p.add_argument("--repeats", type=int, default=5, help="timing runs per size (default 5)")
    p.add_argument("--repeats-large", type=int, default=None,
                   help=f"timing runs for sizes > {LARGE_SIZE:,} "
                        f"(default min(--repeats, {DEFAULT_REPEATS_LARGE}))")
    p.add_argument("--months", type=int, default=24,
                   help="months to simulate at least (whole years are run; default 24)")
    p.add_argument("--json", type=Path, default=None, help="also write the results here")
    p.add_argument("--one", type=int, nargs=2, metavar=("SIZE", "MONTHS"), help=argparse.SUPPRESS)
    p.add_argument("--memory", action="store_true", help=argparse.SUPPRESS)
    args = p.parse_args(argv)
    if args.months < 1 or args.repeats < 1 or (args.repeats_large is not None and args.repeats_large < 1):
        p.error("--months, --repeats and --repeats-large must be >= 1")
    return args


def main(argv: list[str] | None = None) -> None:
    args = parse_args(argv)
    if args.one:
        worker(args.one[0], args.one[1], args.memory)
        return
    info = machine()
    results = [measure(size, args.months, repeats_for(size, args)) for size in args.sizes]
    print_report(results, info)
    if args.json:
        payload = {"machine": info, "months_requested": args.months, "results": results}
        args.json.write_text(json.dumps(payload, indent=2) + "\n")
        print(f"wrote {args.json}")


if __name__ == "__main__":
    main()
