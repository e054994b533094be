"""The effect of the 2021-2024 roll-out of case payment on 2023, paired by seed.

    python docs/rollout_effect.py [--size 40000] [--seeds 5]

Runs 2018-2023 with the default roll-out and with every share set to 0, at the same seeds,
and prints the mean paired change in 2023 with its 95 % t-interval (docs/calibration.md).
"""

from __future__ import annotations

import argparse
import logging

import numpy as np
from scipy import stats

from sanyi.model import ledger
from sanyi.model.model import SanyiModel

METRICS = ("alos_days", "cost_per_admission_yuan", "expenditure_per_enrollee_yuan",
           "readmission_rate")
NO_ROLLOUT = [f"scenario.case_payment_share_by_year.{y}=0" for y in range(2020, 2025)]


def year_2023(size: int, seed: int, overrides: list[str]) -> np.ndarray:
    model = SanyiModel(overrides=[f"population.size={size}", "population.start_year=2018",
                                  "population.end_year=2023", f"seed={seed}", "progress=false",
                                  *overrides])
    model.run()
    table = ledger.annual_table(model.ledger, model.months, model.scale)
    row = table[(table.scheme == "all") & (table.year == 2023)].iloc[0]
    return np.array([row[m] for m in METRICS], dtype=float)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--size", type=int, default=40_000)
    parser.add_argument("--seeds", type=int, default=5)
    args = parser.parse_args()
    logging.getLogger("MESA").setLevel(logging.WARNING)
    seeds = range(args.seeds)
    rolled = np.array([year_2023(args.size, s, []) for s in seeds])
    base = np.array([year_2023(args.size, s, NO_ROLLOUT) for s in seeds])
    change = (rolled - base) / base
    half = stats.t.ppf(0.975, len(seeds) - 1) * change.std(axis=0, ddof=1) / np.sqrt(len(seeds))
    for i, metric in enumerate(METRICS):
        print(f"{metric}: without {base[:, i].mean():.4g}, with {rolled[:, i].mean():.4g}, "
              f"change {100 * change[:, i].mean():+.1f} % ± {100 * half[i]:.1f}")


if __name__ == "__main__":
    main()
