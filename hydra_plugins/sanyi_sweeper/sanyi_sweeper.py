"""``SanyiSweeper``: the class ``conf/hydra/sweeper/sanyi.yaml`` names.

Hydra instantiates plugins only from classes defined under ``hydra_plugins``; the work is done
in ``sanyi.experiments.sweeper``, where it is documented and tested.
"""

from __future__ import annotations

from sanyi.experiments.sweeper import ResumableSweeper


class SanyiSweeper(ResumableSweeper):
    """Hydra's basic sweeper plus counts, resume, a progress bar over jobs and flat memory."""
