"""How the wall time of a sweep grows with its number of jobs (Hydra's joblib launcher).

    python benchmarks/jobs_sweep.py --jobs 1 2 4 8 --persons 100000 --years 2 --n-jobs 2

Each point is one ``sanyi-run -m`` sweep of N jobs (seeds 0..N-1) of the full model (DRG from
the second year, VBP, zero markup), run as users run it: the joblib launcher with
``hydra.launcher.n_jobs`` parallel workers, every job writing its outputs. The wall time
includes starting the sweep, the workers' imports and writing the tables; it is what a user
waits for. With W cores and N >= W jobs the ideal is N / W times one job's time.
"""

from __future__ import annotations

import argparse
import json
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

START_YEAR = 2025


def sweep_command(jobs: int, persons: int, years: int, n_jobs: int, folder: Path) -> list[str]:
    """``sanyi-run -m`` of ``jobs`` seeds of the full model into ``folder``."""
    seeds = ",".join(str(k) for k in range(jobs))
    return [
        sys.executable,
        "-m",
        "sanyi.experiments.run",
        "-m",
        f"seed={seeds}",
        f"population.size={persons}",
        f"population.start_year={START_YEAR}",
        f"population.end_year={START_YEAR + years - 1}",
        "payment=drg",
        f"payment.start_year={START_YEAR + 1}",
        "payment.weight_years=1",
        "procurement=vbp",
        "pricing=zero_markup",
        "scenario=baseline",
        "progress=false",
        f"hydra.launcher.n_jobs={n_jobs}",
        f"hydra.sweep.dir={folder}",
    ]


def one_sweep(jobs: int, persons: int, years: int, n_jobs: int) -> dict[str, Any]:
    """Wall seconds of one sweep, in a temporary folder removed afterwards."""
    folder = Path(tempfile.mkdtemp(prefix="sanyi-jobs-"))
    try:
        started = time.perf_counter()
        subprocess.run(
            sweep_command(jobs, persons, years, n_jobs, folder / "sweep"),
            check=True,
            capture_output=True,
            text=True,
        )
        seconds = time.perf_counter() - started
    finally:
        shutil.rmtree(folder, ignore_errors=True)
    return {
        "jobs": jobs,
        "seconds": seconds,
        "seconds_per_job": seconds / jobs,
        "person_months_per_s": jobs * persons * years * 12 / seconds,
    }


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--jobs", type=int, nargs="+", default=[1, 2, 4, 8])
    parser.add_argument("--persons", type=int, default=100_000)
    parser.add_argument("--years", type=int, default=2)
    parser.add_argument("--n-jobs", type=int, default=2, help="parallel workers (default 2)")
    parser.add_argument("--json", type=Path, default=None)
    args = parser.parse_args(argv)
    rows = []
    for jobs in args.jobs:
        rows.append(one_sweep(jobs, args.persons, args.years, args.n_jobs))
        r = rows[-1]
        print(
            f"{jobs:>4} jobs  {r['seconds']:8.1f} s  {r['seconds_per_job']:6.1f} s/job  "
            f"{r['person_months_per_s'] / 1e6:.3f} M person-months/s",
            flush=True,
        )
    if args.json:
        args.json.write_text(
            json.dumps({"args": vars(args) | {"json": str(args.json)}, "rows": rows}, indent=2) + "\n"
        )


if __name__ == "__main__":
    main()
