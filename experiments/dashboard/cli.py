"""``sanyi-dashboard``: serve the teaching page on this machine.

    sanyi-dashboard                       # http://127.0.0.1:8765
    sanyi-dashboard --port 9000 --host 0.0.0.0

Runs Solara's server in production mode on the app in ``sanyi.experiments.dashboard.app``.
Nothing leaves the machine: Solara's JavaScript and fonts come from ``solara-assets``, its
usage telemetry and its check for a newer release are switched off.
"""

from __future__ import annotations

import argparse
import os
import sys
import warnings
from collections.abc import Callable
from importlib.metadata import PackageNotFoundError, version

APP = "sanyi.experiments.dashboard.app"
DEFAULT_HOST, DEFAULT_PORT = "127.0.0.1", 8765


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="sanyi-dashboard", description=(
        "Serve sanyi's teaching page: policy levers, live charts, lessons and a compare mode."))
    parser.add_argument("--host", default=DEFAULT_HOST,
                        help=f"address to listen on (default {DEFAULT_HOST}: this machine only)")
    parser.add_argument("--port", type=int, default=DEFAULT_PORT,
                        help=f"port (default {DEFAULT_PORT}; 0 picks a free one)")
    return parser.parse_args(argv)


def solara_arguments(args: argparse.Namespace) -> list[str]:
    """The ``solara`` command line that serves the page."""
    return ["run", APP, "--host", args.host, "--port", str(args.port), "--production",
            "--no-open", "--no-check-version", "--log-level", "warning"]


def install_problems(version_of: Callable[[str], str] = version) -> list[str]:
    """What keeps the page from showing, without the ``dashboard`` extra (DESIGN §9)."""
    def major(package: str) -> int:
        return int(version_of(package).split(".")[0])

    try:
        problems = []
        if version_of("solara-assets") != version_of("solara"):
            problems.append(f"solara-assets {version_of('solara-assets')} differs from solara "
                            f"{version_of('solara')} (the page would load scripts from a CDN)")
        if major("ipyvuetify") >= 2 or major("ipyvue") >= 2:
            problems.append("ipyvue/ipyvuetify 2 or newer (Mesa 3.3's page needs Vuetify 2)")
        return problems
    except PackageNotFoundError as missing:
        return [f"{missing.name} is not installed"]


def main(argv: list[str] | None = None) -> None:
    args = parse_args(argv)
    problems = install_problems()
    if problems:
        sys.exit("sanyi-dashboard: " + "; ".join(problems)
                 + ". Install the dashboard extra: pip install -e '.[dashboard]'")
    # Read by Solara's settings when it is imported, hence before the import.
    os.environ.setdefault("SOLARA_TELEMETRY_MIXPANEL_ENABLE", "false")
    # Plain http on 127.0.0.1 gets a same-site cookie, which is right for a local page.
    warnings.filterwarnings("ignore", message=r"Cookies with samesite=none require https")
    from solara.__main__ import cli

    sys.exit(cli(solara_arguments(args), standalone_mode=True))


if __name__ == "__main__":
    main()
