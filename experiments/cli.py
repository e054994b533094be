"""What the research commands share: one-line user errors and argument parsing.

``sanyi-collect``, ``sanyi-plot``, ``sanyi-calibrate`` and ``sanyi-sensitivity`` report a bad
input (a missing folder, an unknown metric or column, a bad option) as one line on stderr,
``<command>: <message>``, and exit with code 2 — never a traceback, never argparse's usage
block, so that a script or a person sees at once what to fix.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable
from typing import NoReturn

from sanyi.model.config import ConfigError


class UsageError(ValueError):
    """Bad input from the user; the message is one line naming what was wrong."""


class Parser(argparse.ArgumentParser):
    """An ``ArgumentParser`` whose errors are one line (raised as ``UsageError``)."""

    def error(self, message: str) -> NoReturn:
        raise UsageError(message)


def require(module: str, prog: str) -> None:
    """Stop with one line when an optional dependency (the ``research`` extra) is missing."""
    try:
        __import__(module)
    except ImportError:
        raise UsageError(f"{prog} needs {module}: pip install 'sanyi[research]'") from None


def run_command(prog: str, body: Callable[[], int]) -> int:
    """Run a command's body; turn user errors into one stderr line and exit code 2."""
    try:
        return body()
    except (UsageError, ConfigError) as err:
        print(f"{prog}: {str(err).strip().splitlines()[0]}", file=sys.stderr)
        return 2
