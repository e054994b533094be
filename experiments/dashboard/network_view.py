"""The two networks of the reform run, as they stand in the month just simulated.

Medical alliances: the tree city hub -> county hospital -> primary facility along which
referrals flow (``model.alliances``), node size by this month's revenue, so students see where
the money goes. Supply: the bipartite hospital - supplier graph of this month's purchases
(``model.supply_network()``), edge width by units bought, so a tender that concentrates volume
on its winners is visible.

The browser draws them with ECharts (offline, like the charts) on hidden x-y axes: nodes as a
scatter series per group, edges as a ``lines`` series. ECharts' own ``graph`` series stretches
node symbols into ellipses when the chart's shape differs from the layout's.
"""

from __future__ import annotations

from typing import Any

import networkx as nx
import numpy as np

from sanyi.model.model import SanyiModel

TIER_COLOURS = ("#2ca02c", "#ff7f0e", "#9467bd")  # primary, secondary (county), tertiary (city)
TIER_NAMES = ("primary care", "county hospital", "city hospital")
SUPPLIER_COLOUR = "#1f77b4"
EDGE_COLOUR = "#777777"

Position = tuple[float, float]


def _sizes(values: np.ndarray, smallest: float = 6.0, largest: float = 28.0) -> np.ndarray:
    """Symbol diameters growing with ``values`` (all equal when nothing happened yet)."""
    top = float(values.max()) if values.size else 0.0
    if top <= 0:
        return np.full(values.shape, smallest)
    return smallest + (largest - smallest) * np.sqrt(values / top)


def _nodes(name: str, colour: str, points: list[tuple[str, Position, float]],
           labels: bool = False) -> dict[str, Any]:
    """One legend entry: a scatter series of (label, position, diameter) points."""
    return {"type": "scatter", "name": name, "color": colour, "z": 3,
            "data": [{"name": label, "value": [round(x, 4), round(y, 4)],
                      "symbolSize": round(float(size), 1)} for label, (x, y), size in points],
            "label": {"show": labels, "position": "top", "formatter": "{b}", "fontSize": 10},
            "tooltip": {"formatter": "{b}"}}


def _edges(segments: list[tuple[Position, Position, float]], arrows: bool = False) -> dict[str, Any]:
    """All edges as one ``lines`` series of (from, to, width) segments."""
    return {"type": "lines", "coordinateSystem": "cartesian2d", "z": 1, "silent": True,
            "symbol": ["none", "arrow"] if arrows else ["none", "none"], "symbolSize": 6,
            "lineStyle": {"color": EDGE_COLOUR, "opacity": 0.6},
            "data": [{"coords": [[round(a[0], 4), round(a[1], 4)], [round(b[0], 4), round(b[1], 4)]],
                      "lineStyle": {"width": round(width, 2)}} for a, b, width in segments]}


def _option(title: str, series: list[dict[str, Any]]) -> dict[str, Any]:
    hidden = {"type": "value", "show": False, "min": -0.03, "max": 1.03}
    return {"animation": False,
            "title": {"text": title, "left": "center", "textStyle": {"fontSize": 13}},
            "tooltip": {}, "legend": {"bottom": 0, "textStyle": {"fontSize": 10},
                                      "data": [s["name"] for s in series if s["type"] == "scatter"]},
            "grid": {"left": 30, "right": 30, "top": 55, "bottom": 35},
            "xAxis": hidden, "yAxis": hidden, "series": series}


def _month(run: SanyiModel) -> str:
    if not run.months:
        return "before the first month"
    year, month = run.months[-1]
    return f"{year}-{month:02d}"


def tree_positions(graph: nx.DiGraph) -> dict[int, Position]:
    """Each tier on its own row (city hubs on top), spread over the width in the order of the
    tree (a hub, its county hospitals, their primary facilities), so referral lines don't cross."""
    rows: dict[int, list[int]] = {0: [], 1: [], 2: []}
    for root in sorted(n for n, d in graph.in_degree() if d == 0):
        for node in nx.dfs_preorder_nodes(graph, root, sort_neighbors=sorted):
            rows[graph.nodes[node]["tier"]].append(node)
    return {n: ((i + 0.5) / len(row), tier / 2) for tier, row in rows.items()
            for i, n in enumerate(row)}


def alliance_option(run: SanyiModel) -> dict[str, Any]:
    """Hubs on top, county hospitals below, primary facilities at the bottom."""
    graph = run.alliances
    pos = tree_positions(graph)
    # revenue_month exists once a month has been treated
    revenue = np.array([max(getattr(run.hospital_list[n], "revenue_month", 0.0), 0.0)
                        for n in graph.nodes])
    size = dict(zip(graph.nodes, _sizes(revenue), strict=True))
    series = [_edges([(pos[a], pos[b], 1.0) for a, b in graph.edges], arrows=True)]
    for tier, (name, colour) in enumerate(zip(TIER_NAMES, TIER_COLOURS, strict=True)):
        members = [n for n in graph.nodes if graph.nodes[n]["tier"] == tier]
        series.append(_nodes(name, colour, [(f"{name} {n}", pos[n], size[n]) for n in members]))
    return _option(f"Medical alliances, {_month(run)} (size: revenue this month)", series)


def supply_option(run: SanyiModel) -> dict[str, Any]:
    """Suppliers on top, hospitals below; edges carry this month's units."""
    graph = run.supply_network()
    hospitals = sorted(n for n in graph if n[0] == "hospital")
    suppliers = sorted(n for n in graph if n[0] == "supplier")
    # two rows in index order, so that each tier's hospitals sit together
    pos = {n: ((i + 0.5) / len(row), y) for row, y in ((hospitals, 0.0), (suppliers, 1.0))
           for i, n in enumerate(row)}
    units = {(a, b): d["units"] for a, b, d in graph.edges(data=True)}
    top = max(units.values(), default=1.0) or 1.0
    series = [_edges([(pos[a], pos[b], 0.3 + 3.5 * u / top) for (a, b), u in units.items()])]
    tier = {h: run.hospital_list[h[1]].tier for h in hospitals}
    for t, (name, colour) in enumerate(zip(TIER_NAMES, TIER_COLOURS, strict=True)):
        series.append(_nodes(name, colour, [(f"{name} {h[1]}", pos[h], 7.0)
                                            for h in hospitals if tier[h] == t]))
    sold = np.array([sum(d["units"] for *_, d in graph.edges(s, data=True)) for s in suppliers])
    names = [s.name for s in run.suppliers]
    makers = _nodes("supplier", SUPPLIER_COLOUR,
                    [(names[s[1]], pos[s], size)
                     for s, size in zip(suppliers, _sizes(sold, 8, 30), strict=True)], labels=True)
    for i, point in enumerate(makers["data"]):  # names on two heights, so neighbours don't overlap
        point["label"] = {"distance": 4 + 13 * (i % 2)}
    series.append(makers)
    return _option(f"Suppliers and hospitals, {_month(run)} (width: units bought)", series)
