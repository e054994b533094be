"""The two networks of the reform run, as they stand in the month just simulated.

Medical alliances: the tree city hub -> county hospital -> primary facility along which
referrals flow (``model.alliances``), node size by this month's revenue, so students see where
the money goes. Supply: the bipartite hospital - supplier graph of this month's purchases
(``model.supply_network()``), edge width by units bought, so a tender that concentrates volume
on its winners is visible. Positions come from networkx layouts; the browser draws the graph
(an ECharts ``graph`` series, offline like the charts).
"""

from __future__ import annotations

from typing import Any

import networkx as nx
import numpy as np

from sanyi.model.model import SanyiModel

TIER_COLOURS = ("#2ca02c", "#ff7f0e", "#9467bd")  # primary, secondary (county), tertiary (city)
TIER_NAMES = ("primary care", "county hospital", "city hospital")
SUPPLIER_COLOUR = "#1f77b4"
CATEGORY_COLOURS = (*TIER_COLOURS, SUPPLIER_COLOUR)  # categories: the tiers, then suppliers


def _sizes(values: np.ndarray, smallest: float = 6.0, largest: float = 28.0) -> np.ndarray:
    """Symbol diameters growing with ``values`` (all equal when nothing happened yet)."""
    top = float(values.max()) if values.size else 0.0
    if top <= 0:
        return np.full(values.shape, smallest)
    return smallest + (largest - smallest) * np.sqrt(values / top)


def _graph_option(title: str, nodes: list[dict[str, Any]], links: list[dict[str, Any]],
                  categories: list[str], arrows: bool = False) -> dict[str, Any]:
    return {
        "animation": False,
        "title": {"text": title, "left": "center", "textStyle": {"fontSize": 13}},
        "tooltip": {},
        "legend": {"bottom": 0, "data": categories, "textStyle": {"fontSize": 10}},
        "series": [{
            "type": "graph", "layout": "none", "roam": False, "data": nodes, "links": links,
            "categories": [{"name": c, "itemStyle": {"color": colour}}
                           for c, colour in zip(categories, CATEGORY_COLOURS, strict=False)],
            "edgeSymbol": ["none", "arrow"] if arrows else ["none", "none"], "edgeSymbolSize": 5,
            "lineStyle": {"color": "#777777", "opacity": 0.7, "width": 1},
            "label": {"show": False, "fontSize": 10}, "top": 45, "bottom": 40,
        }],
    }


def _fit(pos: dict[Any, Any], width: float = 1000.0,
         height: float = 500.0) -> dict[Any, tuple[float, float]]:
    """Positions stretched over a ``width`` x ``height`` box, like the chart's own pixels.

    ECharts keeps a graph's coordinates to scale, so a flat layout (the alliance tree is 2 wide
    and 0.2 high) would be zoomed until only its middle shows; and it draws the edges of a
    graph whose coordinates are all below 1 in the wrong places.
    """
    xs = np.array([p[0] for p in pos.values()])
    ys = np.array([p[1] for p in pos.values()])

    def stretch(v: float, lo: float, span: float, size: float) -> float:
        return size * (v - lo) / span if span > 0 else size / 2

    x_span, y_span = float(np.ptp(xs)), float(np.ptp(ys))
    return {n: (stretch(p[0], xs.min(), x_span, width), stretch(p[1], ys.min(), y_span, height))
            for n, p in pos.items()}


def _node(name: str, xy: Any, size: float, category: int, label: bool = False) -> dict[str, Any]:
    """A node at networkx position ``xy`` (ECharts' y axis points down, hence the sign)."""
    return {"name": name, "x": round(float(xy[0]), 1), "y": round(float(-xy[1]), 1),
            "symbolSize": round(float(size), 1), "category": category,
            "label": {"show": label, "position": "top"}}


def _month(run: SanyiModel) -> str:
    if not run.months:
        return "before the first month"
    year, month = run.months[-1]
    return f"{year}-{month:02d}"


def tree_positions(graph: nx.DiGraph) -> dict[int, tuple[float, float]]:
    """Each tier on its own row, spread over the width in the order of the tree (a hub, its
    county hospitals, their primary facilities), so that referral lines do not cross."""
    rows: dict[int, list[int]] = {0: [], 1: [], 2: []}
    for root in sorted(n for n, d in graph.in_degree() if d == 0):
        for node in nx.dfs_preorder_nodes(graph, root, sort_neighbors=sorted):
            rows[graph.nodes[node]["tier"]].append(node)
    return {n: ((i + 0.5) / len(row), tier / 2) for tier, row in rows.items()
            for i, n in enumerate(row)}


def alliance_option(run: SanyiModel) -> dict[str, Any]:
    """Hubs on top, county hospitals below, primary facilities at the bottom."""
    graph = run.alliances
    pos = _fit(tree_positions(graph))
    # revenue_month exists once a month has been treated
    revenue = np.array([max(getattr(run.hospital_list[n], "revenue_month", 0.0), 0.0)
                        for n in graph.nodes])
    sizes = _sizes(revenue)
    nodes = [_node(f"{TIER_NAMES[graph.nodes[n]['tier']]} {n}", pos[n], size, graph.nodes[n]["tier"])
             for n, size in zip(graph.nodes, sizes, strict=True)]
    index = {n: i for i, n in enumerate(graph.nodes)}
    links = [{"source": index[a], "target": index[b]} for a, b in graph.edges]
    return _graph_option(f"Medical alliances, {_month(run)} (size: revenue this month)",
                         nodes, links, list(TIER_NAMES), arrows=True)


def supply_option(run: SanyiModel) -> dict[str, Any]:
    """Suppliers on top, hospitals below; edges carry this month's units."""
    graph = run.supply_network()
    hospitals = sorted(n for n in graph if n[0] == "hospital")
    suppliers = sorted(n for n in graph if n[0] == "supplier")
    names = [s.name for s in run.suppliers]
    pos = {n: (i / max(len(hospitals) - 1, 1), 0.0) for i, n in enumerate(hospitals)}
    pos |= {n: (0.05 + 0.9 * i / max(len(suppliers) - 1, 1), 1.0) for i, n in enumerate(suppliers)}
    pos = _fit(pos)
    sold = np.array([sum(d["units"] for *_, d in graph.edges(s, data=True)) for s in suppliers])
    label = {n: f"{TIER_NAMES[run.hospital_list[n[1]].tier]} {n[1]}" for n in hospitals}
    label |= {s: names[s[1]] for s in suppliers}
    nodes = [_node(label[h], pos[h], 7, run.hospital_list[h[1]].tier) for h in hospitals]
    nodes += [_node(label[s], pos[s], size, len(TIER_NAMES), label=True)
              for s, size in zip(suppliers, _sizes(sold, 8, 30), strict=True)]
    top = max((d["units"] for *_, d in graph.edges(data=True)), default=1.0) or 1.0
    index = {n: i for i, n in enumerate([*hospitals, *suppliers])}
    links = [{"source": index[a], "target": index[b], "value": round(d["units"], 1),
              "lineStyle": {"width": round(0.3 + 3.5 * d["units"] / top, 2)}}
             for a, b, d in graph.edges(data=True)]
    return _graph_option(f"Suppliers and hospitals, {_month(run)} (width: units bought)",
                         nodes, links, [*TIER_NAMES, "supplier"])
