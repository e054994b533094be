"""``python -m sanyi.experiments.dashboard``: the same as ``sanyi-dashboard``."""

from sanyi.experiments.dashboard.cli import main

main()
