"""The procurement agency: runs the configured procurement policy each January.

It sets the purchase price of every product for the year (list prices without tenders) and
records which products won a tender. The volume-based procurement issue gives it tenders.
"""

from __future__ import annotations

import mesa
import numpy as np

from sanyi.model.medicines import Catalogue
from sanyi.model.policies.procurement import ProcurementPolicy


class ProcurementAgency(mesa.Agent):
    def __init__(self, model: mesa.Model, policy: ProcurementPolicy, catalogue: Catalogue) -> None:
        super().__init__(model)
        self.policy = policy
        self.catalogue = catalogue
        self.purchase_price = catalogue.list_price.copy()

    def start_year(self, year: int, list_index: float) -> np.ndarray:
        """Purchase prices for the year; ``list_index`` scales the catalogue's list prices
        (given in the price year of the schedules) to the year."""
        self.purchase_price = self.policy.tender(year, self.catalogue.list_price * list_index,
                                                 self.catalogue.unit_cost)
        return self.purchase_price

    @property
    def winners(self) -> np.ndarray:
        return self.policy.winners()
