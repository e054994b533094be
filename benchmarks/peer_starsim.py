"""The peer yardstick: a Starsim model of the same population, in person-steps per second.

Starsim (an agent-based disease modelling framework) with two chronic diseases
(``ss.NCD`` named hypertension and diabetes), births and deaths, monthly steps: the
comparison the performance issue sets for ``run_benchmark.py``'s person-months per second.
Only ``sim.run()`` is timed (building the sim is not), medians over runs, each in a fresh
process so that no run warms the next.

    pip install -e '.[bench]'          # installs Starsim
    python benchmarks/peer_starsim.py --persons 1000000 --months 24 --repeats 3
"""

from __future__ import annotations

import argparse
import json
import statistics
import subprocess
import sys

ONE_RUN = """
import json, time
import starsim as ss
sim = ss.Sim(n_agents={persons}, start=2025, stop=2025 + {months} / 12, dt=ss.month,
             diseases=[ss.NCD(name="hypertension"), ss.NCD(name="diabetes")],
             demographics=[ss.Births(birth_rate=10), ss.Deaths(death_rate=8)],
             rand_seed={seed}, verbose=0)
sim.init()
started = time.perf_counter()
sim.run()
seconds = time.perf_counter() - started
print(json.dumps({{"seconds": seconds, "steps": int(sim.t.npts) - 1,
                  "version": ss.__version__}}))
"""


def one_run(persons: int, months: int, seed: int) -> dict:
    code = ONE_RUN.format(persons=persons, months=months, seed=seed)
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         check=True)
    return json.loads(out.stdout.strip().splitlines()[-1])


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--persons", type=int, default=1_000_000)
    parser.add_argument("--months", type=int, default=24)
    parser.add_argument("--repeats", type=int, default=3)
    args = parser.parse_args(argv)
    rates, version = [], "?"
    for k in range(args.repeats):
        run = one_run(args.persons, args.months, seed=k + 1)
        version = run["version"]
        rates.append(args.persons * run["steps"] / run["seconds"])
        print(f"  run {k + 1}/{args.repeats}: {run['seconds']:.2f} s, {run['steps']} steps",
              flush=True)
    print(f"starsim {version}: {args.persons:,} persons, {args.months} months: "
          f"{statistics.median(rates) / 1e6:.2f} M person-steps/s (median of {len(rates)}; "
          f"min {min(rates) / 1e6:.2f}, max {max(rates) / 1e6:.2f})")


if __name__ == "__main__":
    main()
