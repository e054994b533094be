"""Time ``sanyi-collect`` on a fabricated sweep of many jobs.

    python benchmarks/collect_benchmark.py RUN_FOLDER --jobs 1000

Copies one real run's folder (outputs and ``.hydra/``) into ``--jobs`` job folders of a
temporary sweep, then times ``collect`` (scan + read) and writing the two Parquet tables, and
reports the process's peak resident memory.
"""

from __future__ import annotations

import argparse
import resource
import shutil
import tempfile
import time
from pathlib import Path

from sanyi.experiments.collect import collect


def fabricate(run: Path, sweep: Path, jobs: int) -> None:
    for num in range(jobs):
        shutil.copytree(run, sweep / str(num), ignore=shutil.ignore_patterns("collected"))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("run", type=Path, help="a finished run folder to copy")
    parser.add_argument("--jobs", type=int, default=1000)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        sweep = Path(tmp)
        fabricate(args.run, sweep, args.jobs)
        started = time.perf_counter()
        collected = collect(sweep)
        read = time.perf_counter() - started
        collected.save(sweep / "collected")
        total = time.perf_counter() - started
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # KiB on Linux
    print(f"{collected.counts()}; {len(collected.annual):,} rows x {collected.annual.shape[1]} "
          f"columns; collect {read:.2f} s, collect + write {total:.2f} s; peak memory "
          f"{peak:.0f} MiB (whole process)")


if __name__ == "__main__":
    main()
