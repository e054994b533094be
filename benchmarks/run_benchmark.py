"""Throughput and memory of ``SanyiModel`` (the full model) against the performance targets.

Run from the repository root; the one command of the performance issue is::

    python benchmarks/run_benchmark.py --all --json benchmark.json

``--all`` measures 10^4, 10^5 and 10^6 persons, the institution scaling at 10^5, the Starsim
peer at 10^6, the agent-per-patient Mesa reference, and one 10^7 run for memory. Without
``--all`` only ``--sizes`` are measured, plus whatever flags ask for.

The model measured is the full model: DRG payment, value-based procurement (VBP) and zero drug
markup, baseline scenario (``--config ffs`` measures the package's default config, which pays
fee-for-service). DRG learns its weights from fee-for-service claims of the years before it
starts, so each run first simulates ``WARMUP_YEARS`` untimed fee-for-service year(s) and times
only the months after, in which DRG pays every insured admission.

The parent process never imports the model: each measurement runs in a fresh subprocess
(``--one SIZE MONTHS``) so that imports, caches and memory left by an earlier run cannot
flatter or penalise a later one. The worker prints one JSON line. Timing runs also read peak
RSS (``ru_maxrss``) against the RSS right after the imports; ``--tracemalloc`` adds a
separate run per size that counts Python and numpy allocations (it slows the run down, so it
is never timed).
"""

from __future__ import annotations

import argparse
import gc
import importlib.util
import json
import logging
import os
import platform
import resource
import statistics
import subprocess
import sys
import tempfile
import time
import tracemalloc
from collections.abc import Callable
from pathlib import Path
from typing import Any

START_YEAR = 2025
WARMUP_YEARS = 1  # untimed fee-for-service year(s) DRG learns its weights from
LARGE_SIZE = 100_000  # sizes above this use --repeats-large
DEFAULT_REPEATS_LARGE = 3
MANY_HOSPITALS, MANY_SUPPLIERS = 1_000, 200  # the institution-scaling case of the targets
INSTITUTION_SIZE = 100_000
PEER_SIZE = 1_000_000
TEN_MILLION = 10_000_000
TEN_MILLION_MONTHS = 12
REFERENCE_SIZE, REFERENCE_MONTHS = 100_000, 12
SCRIPT = Path(__file__).resolve()
REPO_ROOT = SCRIPT.parent.parent

# The targets: (name, compare, bound).
TARGETS = {
    "peer": (">=", 1.0),
    "linear_persons": ("<=", 11.0),
    "rss_per_person": ("<=", 250.0),
    "institutions": ("<=", 2.0),
    "reference": (">=", 50.0),
    "ten_million_gib": ("<=", 8.0),
}


# ---------------------------------------------------------------------------------------
# Worker: one measurement, in its own process
# ---------------------------------------------------------------------------------------


def hospital_counts(total: int) -> tuple[int, int, int]:
    """``total`` hospitals split across tiers like the default counts (largest remainder)."""
    from sanyi.model.config import HospitalsConfig

    h = HospitalsConfig()
    default = [h.primary.count, h.secondary.count, h.tertiary.count]
    exact = [total * c / sum(default) for c in default]
    counts = [int(x) for x in exact]
    order = sorted(range(3), key=lambda t: exact[t] - counts[t], reverse=True)
    for t in order[: total - sum(counts)]:
        counts[t] += 1
    return counts[0], counts[1], counts[2]


def catalogue_with_suppliers(target: int, folder: Path) -> Path:
    """The built-in medicines catalogue plus generic makers until the market counts
    ``target`` suppliers (each added maker copies a generic row of a molecule, round-robin):
    more supplier agents bidding, supplying and deciding, the same molecules and classes."""
    import csv
    import io
    from importlib import resources

    from sanyi.model.market import Market

    text = resources.files("sanyi.model").joinpath("data", "vbp_catalogue.csv").read_text(encoding="utf-8")
    rows = list(csv.DictReader(io.StringIO(text)))
    missing = target - Market.load(rows).n_suppliers
    if missing < 0:
        raise ValueError(f"the built-in catalogue already has more than {target} suppliers")
    generics = [r for r in rows if r["originator"] == "0"]
    extra = [{**generics[k % len(generics)], "maker": f"benchmark maker {k + 1}"} for k in range(missing)]
    path = folder / "catalogue.csv"
    with path.open("w", newline="", encoding="utf-8") as f:
        writer = csv.DictWriter(f, fieldnames=list(rows[0]))
        writer.writeheader()
        writer.writerows(rows + extra)
    return path


def overrides(size: int, months: int, config: str, institutions: str, folder: Path) -> list[str]:
    """Hydra overrides of one measurement: the policy set, the years, the institutions."""
    warmup = WARMUP_YEARS if config == "full" else 0
    years = warmup + -(-months // 12)
    out = [
        f"population.size={size}",
        f"population.start_year={START_YEAR}",
        f"population.end_year={START_YEAR + years - 1}",
        "progress=false",
    ]
    if config == "full":
        out += [
            "scenario=baseline",
            "payment=drg",
            "procurement=vbp",
            "pricing=zero_markup",
            f"payment.start_year={START_YEAR + warmup}",
            f"payment.weight_years={warmup}",
        ]
    if institutions == "many":
        for tier, count in zip(
            ("primary", "secondary", "tertiary"), hospital_counts(MANY_HOSPITALS), strict=True
        ):
            out.append(f"population.hospitals.{tier}.count={count}")
        out.append(f"market.catalogue={catalogue_with_suppliers(MANY_SUPPLIERS, folder)}")
    return out


def build_model(
    size: int, months: int, config: str = "full", institutions: str = "default", folder: Path | None = None
) -> Any:
    """The model of one measurement, built (not run); ``folder`` holds a generated catalogue."""
    from sanyi.model.configure import compose
    from sanyi.model.model import SanyiModel

    folder = folder or Path(tempfile.mkdtemp(prefix="sanyi-bench-"))
    return SanyiModel(compose(overrides(size, months, config, institutions, folder)))


def warm_up(m: Any, config: str) -> None:
    """Run the untimed fee-for-service year(s); then DRG must be paying (or the benchmark
    would time something else than the full model)."""
    for _ in range((WARMUP_YEARS if config == "full" else 0) * 12):
        m.step()
    if config == "full" and not (m.payment.active(m.year) and m.payment.base is not None):
        raise RuntimeError("DRG is not active with learned base rates after the warm-up")


def import_model() -> None:
    """Import the model before measuring, so import time and module memory are not counted."""
    import sanyi.model.configure  # noqa: F401
    import sanyi.model.model  # noqa: F401


def rss_bytes() -> int:
    """Resident memory of this process now (Linux ``/proc``; 0 elsewhere)."""
    try:
        pages = int(Path("/proc/self/statm").read_text().split()[1])
    except OSError:
        return 0
    return pages * os.sysconf("SC_PAGE_SIZE")


def peak_rss_bytes() -> int:
    """Peak resident memory of this process so far (``ru_maxrss`` is KiB on Linux)."""
    scale = 1 if sys.platform == "darwin" else 1024
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * scale


def time_run(size: int, months: int, config: str, institutions: str) -> dict[str, Any]:
    """Wall time of the timed months only; construction and warm-up are timed apart."""
    baseline = rss_bytes()
    t0 = time.perf_counter()
    m = build_model(size, months, config, institutions)
    t1 = time.perf_counter()
    warm_up(m, config)
    t2 = time.perf_counter()
    timed_from = len(m.months)
    while m.running:
        m.step()
    seconds = time.perf_counter() - t2
    n_months = len(m.months) - timed_from
    return {
        "mode": "time",
        "size": size,
        "months": n_months,
        "config": config,
        "institutions": institutions,
        "hospitals": len(m.hospital_list),
        "suppliers": len(m.suppliers),
        "payment": m.cfg.payment.name,
        "run_seconds": seconds,
        "build_seconds": t1 - t0,
        "warmup_seconds": t2 - t1,
        "person_months_per_s": size * n_months / seconds,
        "rss_after_import_bytes": baseline,
        "peak_rss_bytes": peak_rss_bytes(),
        "peak_rss_bytes_per_person": (peak_rss_bytes() - baseline) / size,
        "population_array_bytes_per_person": m.population.bytes_per_person,
    }


def memory_run(size: int, months: int, config: str, institutions: str) -> dict[str, Any]:
    """Bytes the built-and-run model still holds, and the peak while building and running,
    as ``tracemalloc`` counts them (Python and numpy allocations)."""
    gc.collect()
    tracemalloc.start()
    baseline = tracemalloc.get_traced_memory()[0]
    tracemalloc.reset_peak()
    m = build_model(size, months, config, institutions)
    m.run()
    gc.collect()
    current, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    return {
        "mode": "memory",
        "size": size,
        "months": len(m.months),
        "state_bytes_per_person": (current - baseline) / size,
        "peak_bytes_per_person": (peak - baseline) / size,
        "population_array_bytes_per_person": m.population.bytes_per_person,
        "capacity": m.population.capacity,
        "alive_at_end": m.population.n_alive,
    }


def reference_run(size: int, months: int) -> dict[str, Any]:
    """The agent-per-patient Mesa reference (benchmarks/reference_agent_per_patient.py)."""
    sys.path.insert(0, str(SCRIPT.parent))
    import reference_agent_per_patient as reference

    return {"mode": "reference", **reference.measure(size, months)}


def profile_run(size: int, months: int, config: str, top: int = 25) -> None:
    """cProfile of the timed months (after the warm-up): the entries with the most own time,
    with their cumulative time, so that what limits speed can be read off."""
    import cProfile
    import pstats

    logging.getLogger("MESA").setLevel(logging.WARNING)
    m = build_model(size, months, config)
    warm_up(m, config)
    profiler = cProfile.Profile()
    profiler.enable()
    while m.running:
        m.step()
    profiler.disable()
    stats = pstats.Stats(profiler)
    stats.sort_stats("tottime").print_stats(top)


def worker(args: argparse.Namespace) -> None:
    """Entry point of the subprocess: one JSON line on stdout, nothing else there."""
    logging.getLogger("MESA").setLevel(logging.WARNING)
    import_model()
    size, months = args.one
    if args.reference:
        result = reference_run(size, months)
    elif args.memory:
        result = memory_run(size, months, args.config, args.institutions)
    else:
        result = time_run(size, months, args.config, args.institutions)
    sys.stdout.write(json.dumps(result) + "\n")
    sys.stdout.flush()


# ---------------------------------------------------------------------------------------
# Parent: spawn workers, summarise
# ---------------------------------------------------------------------------------------


def spawn(size: int, months: int, *flags: str) -> dict[str, Any]:
    """Run one worker in a fresh interpreter and parse its last stdout line."""
    cmd = [sys.executable, str(SCRIPT), "--one", str(size), str(months), *flags]
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


def log(text: str) -> None:
    print(text, file=sys.stderr, flush=True)


def measure(
    size: int, months: int, repeats: int, args: argparse.Namespace, institutions: str = "default"
) -> dict[str, Any]:
    """``repeats`` timing runs of one size (and one tracemalloc run if asked), as medians."""
    flags = ("--config", args.config, "--institutions-kind", institutions)
    timed = []
    for i in range(repeats):
        timed.append(spawn(size, months, *flags))
        log(
            f"  {institutions} institutions, size {size:>10,}  run {i + 1}/{repeats}: "
            f"{timed[-1]['run_seconds']:.2f} s"
        )
    rates = [t["person_months_per_s"] for t in timed]
    result = {
        "size": size,
        "months": timed[0]["months"],
        "repeats": repeats,
        "institutions": institutions,
        "hospitals": timed[0]["hospitals"],
        "suppliers": timed[0]["suppliers"],
        "payment": timed[0]["payment"],
        "person_months_per_s_median": statistics.median(rates),
        "person_months_per_s_min": min(rates),
        "person_months_per_s_max": max(rates),
        "run_seconds_median": statistics.median(t["run_seconds"] for t in timed),
        "build_seconds_median": statistics.median(t["build_seconds"] for t in timed),
        "warmup_seconds_median": statistics.median(t["warmup_seconds"] for t in timed),
        "peak_rss_bytes_per_person": statistics.median(t["peak_rss_bytes_per_person"] for t in timed),
        "peak_rss_bytes": max(t["peak_rss_bytes"] for t in timed),
        "population_array_bytes_per_person": timed[0]["population_array_bytes_per_person"],
        "timing_runs": timed,
    }
    if args.tracemalloc:
        mem = spawn(size, months, *flags, "--memory")
        result.update(
            state_bytes_per_person=mem["state_bytes_per_person"],
            peak_bytes_per_person=mem["peak_bytes_per_person"],
            memory_run=mem,
        )
    return result


def measure_peer(size: int, months: int, repeats: int) -> dict[str, Any]:
    """Starsim at ``size`` persons, each run in its own process (benchmarks/peer_starsim.py)."""
    if importlib.util.find_spec("starsim") is None:
        return {"installed": False}
    sys.path.insert(0, str(SCRIPT.parent))
    import peer_starsim

    runs = [peer_starsim.one_run(size, months, seed=k + 1) for k in range(repeats)]
    rates = [size * r["steps"] / r["seconds"] for r in runs]
    log(f"  starsim {size:,}: " + ", ".join(f"{r['seconds']:.2f} s" for r in runs))
    return {
        "installed": True,
        "version": runs[0]["version"],
        "size": size,
        "months": months,
        "repeats": repeats,
        "person_months_per_s_median": statistics.median(rates),
        "seconds_median": statistics.median(r["seconds"] for r in runs),
        "runs": runs,
    }


def measure_reference(size: int, months: int, repeats: int) -> dict[str, Any]:
    """The agent-per-patient reference, ``repeats`` fresh processes, medians."""
    runs = [spawn(size, months, "--reference") for _ in range(repeats)]
    log(f"  reference {size:,}: " + ", ".join(f"{r['seconds']:.2f} s" for r in runs))
    return {
        "size": size,
        "months": months,
        "repeats": repeats,
        "person_months_per_s_median": statistics.median(r["person_months_per_s"] for r in runs),
        "seconds_median": statistics.median(r["seconds"] for r in runs),
        "runs": runs,
    }


def machine() -> dict[str, Any]:
    """What the numbers depend on: they are not comparable across machines."""
    import numpy as np

    commit = subprocess.run(
        ["git", "rev-parse", "--short", "HEAD"], cwd=REPO_ROOT, capture_output=True, text=True, check=False
    ).stdout.strip()
    return {
        "platform": platform.platform(),
        "machine": platform.machine(),
        "processor": platform.processor() or "unknown",
        "python": platform.python_version(),
        "numpy": np.__version__,
        "cpu_count": os.cpu_count(),
        "commit": commit or "unknown",
        "date_utc": time.strftime("%Y-%m-%d %H:%M", time.gmtime()),
    }


# ---------------------------------------------------------------------------------------
# Ratios against the performance targets (docs/performance.md)
# ---------------------------------------------------------------------------------------


def verdict(key: str, value: float | None) -> tuple[str, str]:
    """The target as text and whether ``value`` meets it."""
    compare, bound = TARGETS[key]
    target = f"{compare} {bound:g}"
    if value is None:
        return target, "not measured"
    met = value >= bound if compare == ">=" else value <= bound
    return target, "met" if met else "NOT met"


def by_size(results: list[dict[str, Any]], size: int) -> dict[str, Any] | None:
    return next((r for r in results if r["size"] == size), None)


def ratios(payload: dict[str, Any]) -> list[dict[str, Any]]:
    """One row per target: the measured ratio (or figure), the target, met or not."""
    results = payload["results"]
    rows: list[dict[str, Any]] = []

    def add(key: str, name: str, value: float | None, note: str = "") -> None:
        target, status = verdict(key, value)
        rows.append(
            {"key": key, "name": name, "value": value, "target": target, "status": status, "note": note}
        )

    big, mid = by_size(results, 1_000_000), by_size(results, 100_000)
    peer = payload.get("peer")
    if peer is None:
        add("peer", "sanyi / Starsim person-months/s", None, "peer not run")
    elif not peer["installed"]:
        add("peer", "sanyi / Starsim person-months/s", None, "peer not installed (pip install -e '.[bench]')")
    else:
        own = by_size(results, peer["size"])
        value = own["person_months_per_s_median"] / peer["person_months_per_s_median"] if own else None
        add(
            "peer",
            f"sanyi / Starsim person-months/s at {peer['size']:,}",
            value,
            f"Starsim {peer['version']}: {peer['person_months_per_s_median'] / 1e6:.2f} M/s",
        )
    linear = (
        big["run_seconds_median"] / mid["run_seconds_median"]
        if big and mid and big["months"] == mid["months"]
        else None
    )
    add("linear_persons", "time(10^6) / time(10^5)", linear)
    add(
        "rss_per_person",
        "peak RSS above import, B/person at 10^6",
        big["peak_rss_bytes_per_person"] if big else None,
    )
    inst = payload.get("institutions")
    base = by_size(results, INSTITUTION_SIZE)
    add(
        "institutions",
        f"time({MANY_HOSPITALS:,} hospitals + {MANY_SUPPLIERS} suppliers) / "
        f"time(default) at {INSTITUTION_SIZE:,}",
        inst["run_seconds_median"] / base["run_seconds_median"] if inst and base else None,
        f"default {base['hospitals']} hospitals, {base['suppliers']} suppliers" if base else "",
    )
    ref = payload.get("reference")
    own = by_size(results, ref["size"]) if ref else None
    add(
        "reference",
        "sanyi / agent-per-patient Mesa person-months/s" + (f" at {ref['size']:,}" if ref else ""),
        own["person_months_per_s_median"] / ref["person_months_per_s_median"] if ref and own else None,
        f"reference {ref['person_months_per_s_median'] / 1e3:.1f} k/s" if ref else "",
    )
    ten = payload.get("ten_million")
    add(
        "ten_million_gib",
        "peak RSS of a 10^7 run, GiB",
        ten["peak_rss_bytes"] / 2**30 if ten else None,
        f"{ten['months']} timed months, {ten['run_seconds_median']:.0f} s" if ten else "",
    )
    return rows


# ---------------------------------------------------------------------------------------
# Report
# ---------------------------------------------------------------------------------------

HEADER = (
    "persons",
    "months",
    "runs",
    "median s",
    "Mpm/s med",
    "min",
    "max",
    "RSS B/p",
    "array B/p",
    "hospitals",
    "suppliers",
)


TRACED = ("traced state B/p", "traced peak B/p")  # columns of --tracemalloc runs


def table_row(r: dict[str, Any], traced: bool = False) -> tuple[str, ...]:
    """One size's figures; with ``traced``, the tracemalloc run's state and peak too."""
    extra = tuple(
        f"{r[key]:,.0f}" if key in r else "-"
        for key in ("state_bytes_per_person", "peak_bytes_per_person")
    )
    return (
        f"{r['size']:,}",
        str(r["months"]),
        str(r["repeats"]),
        f"{r['run_seconds_median']:.2f}",
        f"{r['person_months_per_s_median'] / 1e6:.3f}",
        f"{r['person_months_per_s_min'] / 1e6:.3f}",
        f"{r['person_months_per_s_max'] / 1e6:.3f}",
        f"{r['peak_rss_bytes_per_person']:,.0f}",
        f"{r['population_array_bytes_per_person']:.1f}",
        str(r["hospitals"]),
        str(r["suppliers"]),
    ) + (extra if traced else ())


def print_table(rows: list[tuple[str, ...]], align: Callable[[str, int], str]) -> None:
    """Fixed-width columns, a rule under the header."""
    widths = [max(len(row[i]) for row in rows) for i in range(len(rows[0]))]
    for k, row in enumerate(rows):
        print("  ".join(align(cell, w) for cell, w in zip(row, widths, strict=True)))
        if k == 0:
            print("  ".join("-" * w for w in widths))


def print_report(payload: dict[str, Any]) -> None:
    """The per-size table, the ratios table, the peer's and reference's figures."""
    measured = payload["results"] + ([payload["institutions"]] if payload.get("institutions") else [])
    measured += [payload["ten_million"]] if payload.get("ten_million") else []
    print(
        f"sanyi, config {payload['config']} (timed months after {payload['warmup_years']} "
        "untimed warm-up year(s))"
    )
    traced = any("peak_bytes_per_person" in r for r in measured)
    header = HEADER + (TRACED if traced else ())
    print_table([header] + [table_row(r, traced) for r in measured], str.rjust)
    print()
    peer, ref = payload.get("peer"), payload.get("reference")
    if peer and peer["installed"]:
        print(
            f"peer: Starsim {peer['version']}, {peer['size']:,} persons, {peer['months']} "
            f"months, {peer['repeats']} runs: median {peer['seconds_median']:.2f} s, "
            f"{peer['person_months_per_s_median'] / 1e6:.3f} M person-months/s"
        )
    elif peer:
        print("peer: not installed (pip install -e '.[bench]')")
    if ref:
        print(
            f"reference (one mesa.Agent per patient): {ref['size']:,} persons, "
            f"{ref['months']} months, {ref['repeats']} runs: median {ref['seconds_median']:.2f}"
            f" s, {ref['person_months_per_s_median'] / 1e3:.1f} k person-months/s"
        )
    print()
    rows = [("ratio", "value", "target", "status", "note")] + [
        (r["name"], "-" if r["value"] is None else f"{r['value']:.3g}", r["target"], r["status"], r["note"])
        for r in payload["ratios"]
    ]
    print_table(rows, str.ljust)
    print()
    print("Mpm/s: millions of person-months per second of the timed months (median, min, max);")
    print("RSS B/p: peak resident memory above the RSS after imports, per person (median);")
    print("array B/p: the person arrays alone, per slot.")
    if any("peak_bytes_per_person" in r for r in measured):
        print("traced B/p: Python and numpy allocations under tracemalloc (one run a size), still")
        print("held after the run (state) and at their peak, above the post-import baseline.")
    print("machine: " + ", ".join(f"{k}={v}" for k, v in payload["machine"].items()))


# ---------------------------------------------------------------------------------------
# Command line
# ---------------------------------------------------------------------------------------


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument(
        "--all",
        action="store_true",
        help="every measurement of the targets: sizes 10^4-10^6, --institutions, --peer, "
        "--reference and --ten-million",
    )
    p.add_argument(
        "--sizes",
        type=int,
        nargs="+",
        default=[10_000, 100_000, 1_000_000],
        help="simulated persons (default 10000 100000 1000000)",
    )
    p.add_argument(
        "--config",
        choices=("full", "ffs"),
        default="full",
        help="full: DRG + VBP + zero markup, baseline scenario, after an untimed "
        "warm-up year (default); ffs: the package's default config, no warm-up",
    )
    p.add_argument("--repeats", type=int, default=5, help="timing runs per size (default 5)")
    p.add_argument(
        "--repeats-large",
        type=int,
        default=None,
        help=f"timing runs for sizes > {LARGE_SIZE:,} (default min(--repeats, {DEFAULT_REPEATS_LARGE}))",
    )
    p.add_argument("--months", type=int, default=24, help="timed months (whole years are run; default 24)")
    p.add_argument(
        "--institutions",
        action="store_true",
        help=f"also time {MANY_HOSPITALS:,} hospitals and {MANY_SUPPLIERS} suppliers "
        f"at {INSTITUTION_SIZE:,} persons",
    )
    p.add_argument("--peer", action="store_true", help=f"also time the Starsim peer at {PEER_SIZE:,} persons")
    p.add_argument(
        "--reference",
        action="store_true",
        help="also time the agent-per-patient Mesa reference at --reference-size",
    )
    p.add_argument(
        "--reference-size",
        type=int,
        default=REFERENCE_SIZE,
        help=f"persons of the reference (default {REFERENCE_SIZE:,}; it is compared "
        "with sanyi's run of the same size, which must be among --sizes)",
    )
    p.add_argument("--reference-months", type=int, default=REFERENCE_MONTHS)
    p.add_argument(
        "--ten-million",
        action="store_true",
        help=f"also one run of 10^7 persons, {TEN_MILLION_MONTHS} timed months, for its peak RSS",
    )
    p.add_argument(
        "--tracemalloc",
        action="store_true",
        help="also one tracemalloc run per size (state and peak bytes per person)",
    )
    p.add_argument("--json", type=Path, default=None, help="also write the results here")
    p.add_argument(
        "--profile",
        type=int,
        nargs=2,
        metavar=("SIZE", "MONTHS"),
        help="instead of measuring: cProfile the timed months of one run, top entries by own time",
    )
    p.add_argument("--one", type=int, nargs=2, metavar=("SIZE", "MONTHS"), help=argparse.SUPPRESS)
    p.add_argument("--memory", action="store_true", help=argparse.SUPPRESS)
    p.add_argument("--institutions-kind", dest="institutions_kind", default="default", help=argparse.SUPPRESS)
    args = p.parse_args(argv)
    if min(args.months, args.repeats, args.repeats_large or 1, args.reference_months) < 1:
        p.error("--months, --repeats, --repeats-large and --reference-months must be >= 1")
    if args.all:
        args.institutions = args.peer = args.reference = args.ten_million = True
    return args


def run_all(args: argparse.Namespace) -> dict[str, Any]:
    """Every measurement asked for, in the order of the report."""
    payload: dict[str, Any] = {
        "machine": machine(),
        "config": args.config,
        "warmup_years": WARMUP_YEARS if args.config == "full" else 0,
        "months_requested": args.months,
    }
    payload["results"] = [measure(size, args.months, repeats_for(size, args), args) for size in args.sizes]
    if args.institutions:
        payload["institutions"] = measure(INSTITUTION_SIZE, args.months, args.repeats, args, "many")
    if args.peer:
        payload["peer"] = measure_peer(PEER_SIZE, args.months, repeats_for(PEER_SIZE, args))
    if args.reference:
        payload["reference"] = measure_reference(
            args.reference_size, args.reference_months, repeats_for(args.reference_size, args)
        )
    if args.ten_million:
        payload["ten_million"] = measure(TEN_MILLION, TEN_MILLION_MONTHS, 1, args)
    payload["ratios"] = ratios(payload)
    return payload


def main(argv: list[str] | None = None) -> None:
    args = parse_args(argv)
    if args.profile:
        profile_run(args.profile[0], args.profile[1], args.config)
        return
    if args.one:
        args.institutions = args.institutions_kind
        worker(args)
        return
    started = time.perf_counter()
    payload = run_all(args)
    payload["total_seconds"] = time.perf_counter() - started
    print_report(payload)
    print(f"total {payload['total_seconds'] / 60:.1f} min")
    if args.json:
        args.json.write_text(json.dumps(payload, indent=2) + "\n")
        print(f"wrote {args.json}")


if __name__ == "__main__":
    main()
