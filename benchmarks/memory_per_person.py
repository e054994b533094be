"""Peak resident memory of a whole run per simulated person (the basis of the memory check).

    python benchmarks/memory_per_person.py --sizes 100000 1000000 --years 2024 2025

Each size runs ``sanyi.experiments.run.run`` (build, step, write the tables) in a fresh
process and reads its peak RSS; the bytes per person are the slope between sizes, so the
interpreter and imports drop out. ``experiments/resources.py`` keeps the constant derived
from it, with a safety margin.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys

CHILD = """
import json, resource, sys, tempfile
from pathlib import Path
from sanyi.model.configure import compose_dict as compose_config
from sanyi.experiments.run import run
size, start, end = map(int, sys.argv[1:4])
cfg = compose_config([f"population.size={size}", f"population.start_year={start}",
                      f"population.end_year={end}", "progress=false"])
run(cfg, Path(tempfile.mkdtemp()))
print(json.dumps({"size": size, "peak_rss": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024}))
"""


def measure(size: int, start: int, end: int) -> dict[str, int]:
    out = subprocess.run([sys.executable, "-c", CHILD, str(size), str(start), str(end)],
                         check=True, capture_output=True, text=True).stdout
    return json.loads(out.strip().splitlines()[-1])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[100_000, 1_000_000])
    parser.add_argument("--years", type=int, nargs=2, default=[2024, 2025])
    args = parser.parse_args()
    rows = [measure(size, *args.years) for size in sorted(args.sizes)]
    for row in rows:
        print(f"{row['size']:>10,} persons  peak RSS {row['peak_rss'] / 2**20:8.1f} MiB")
    for a, b in zip(rows, rows[1:], strict=False):
        slope = (b["peak_rss"] - a["peak_rss"]) / (b["size"] - a["size"])
        print(f"{a['size']:,} -> {b['size']:,}: {slope:.0f} bytes per simulated person")


if __name__ == "__main__":
    main()
