"""Networks: medical alliances (hospitals) and supply contracts (suppliers - hospitals).

Alliances are trees: each tertiary hub leads some county (secondary) hospitals, each of which
leads some primary-care facilities. A patient's home facility fixes the alliance: the county
hospital and city hub that a referral from home goes to.
"""

from __future__ import annotations

import networkx as nx
import numpy as np

from sanyi.model.batches import PRIMARY, SECONDARY, TERTIARY


def medical_alliances(tiers: list[int]) -> nx.DiGraph:
    """Directed tree(s): hub -> county hospital -> primary facility (nodes = hospital index)."""
    graph = nx.DiGraph()
    by_tier = {t: [i for i, tier in enumerate(tiers) if tier == t]
               for t in (PRIMARY, SECONDARY, TERTIARY)}
    for i, tier in enumerate(tiers):
        graph.add_node(i, tier=tier)
    hubs, counties, primaries = by_tier[TERTIARY], by_tier[SECONDARY], by_tier[PRIMARY]
    for k, county in enumerate(counties):
        graph.add_edge(hubs[k % len(hubs)], county)
    for k, facility in enumerate(primaries):
        graph.add_edge(counties[k % len(counties)], facility)
    return graph


def referral_table(graph: nx.DiGraph) -> np.ndarray:
    """(n_primary, 3): the hospital a patient of each primary facility uses at each tier."""
    primaries = sorted(n for n, d in graph.nodes(data=True) if d["tier"] == PRIMARY)
    table = np.empty((len(primaries), 3), dtype=np.int64)
    for row, facility in enumerate(primaries):
        county = next(iter(graph.predecessors(facility)))
        hub = next(iter(graph.predecessors(county)))
        table[row] = (facility, county, hub)
    return table


def supply_contracts(purchases: np.ndarray, supplier_of_product: np.ndarray,
                     n_suppliers: int, contracted: np.ndarray | None = None) -> nx.Graph:
    """Bipartite graph hospital - supplier: ``units`` bought (from a purchase matrix,
    hospitals x products) and ``contract`` (the supplier holds a tender contract, which binds
    every hospital to buy its agreed volume; ``contracted`` flags the products under one)."""
    graph = nx.Graph()
    n_hospitals = purchases.shape[0]
    for h in range(n_hospitals):
        graph.add_node(("hospital", h), bipartite=0)
    for s in range(n_suppliers):
        graph.add_node(("supplier", s), bipartite=1)
    by_supplier = np.zeros((n_hospitals, n_suppliers))
    if purchases.size:
        np.add.at(by_supplier.T, supplier_of_product, purchases.T)
    winners = set() if contracted is None else set(supplier_of_product[contracted].tolist())
    for h in range(n_hospitals):
        for s in set(np.flatnonzero(by_supplier[h]).tolist()) | winners:
            graph.add_edge(("hospital", h), ("supplier", int(s)),
                           units=float(by_supplier[h, s]), contract=s in winners)
    return graph
