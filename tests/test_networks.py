"""Medical alliances route referrals; supply contracts link hospitals to the makers they buy from."""

from __future__ import annotations

import networkx as nx
import pytest

from sanyi.model.batches import PRIMARY, SECONDARY, TERTIARY
from sanyi.model.model import SanyiModel
from tests.conftest import config


def test_every_primary_facility_refers_to_a_county_hospital_and_a_city_hub() -> None:
    model = SanyiModel(config())
    tiers = nx.get_node_attributes(model.alliances, "tier")
    assert nx.is_forest(model.alliances.to_undirected())
    for facility, county, hub in model.alliance_table:
        assert (tiers[facility], tiers[county], tiers[hub]) == (PRIMARY, SECONDARY, TERTIARY)
        assert model.alliances.has_edge(county, facility) and model.alliances.has_edge(hub, county)


def test_supply_contracts_form_a_bipartite_graph_weighted_by_units_bought() -> None:
    model = SanyiModel(config())
    model.step()
    graph = model.supply_network()
    hospitals = {n for n, side in graph.nodes(data="bipartite") if side == 0}
    assert nx.is_bipartite(graph) and len(hospitals) == len(model.hospital_list)
    units = sum(w for _, _, w in graph.edges(data="units"))
    bought = sum(h.purchases.sum() for h in model.hospital_list)
    assert bought > 0 and units == pytest.approx(bought)
