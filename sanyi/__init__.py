"""sanyi: an agent-based model of China's "three medical linkages" reform.

The source folders stay at the top of the repository (``model/``, ``agents/``,
``experiments/``, ``conf/``); the distribution installs them under this one import name
(``sanyi.model``, ``sanyi.agents``, ``sanyi.experiments``, ``sanyi.conf``), so that no generic
top-level name such as ``model`` can collide with another package or a user's own file.
"""

from __future__ import annotations

from importlib.metadata import PackageNotFoundError, version

try:
    __version__ = version("sanyi")
except PackageNotFoundError:  # running from a source tree that was never installed
    __version__ = "0+unknown"
