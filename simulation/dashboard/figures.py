"""The dashboard's charts, as Plotly figures built from a model's state and history.

Each function takes the model (and what else it needs) and returns a figure, so
the same charts can be checked in tests, exported, or restyled by a caller.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import plotly.graph_objects as go
from plotly.subplots import make_subplots

from simulation.domain import MAX_DEPTH, SECTORS, Depth, Kind
from simulation.model import DefenseCooperationModel

REGION_COLOURS = (
    "#1f77b4",
    "#d62728",
    "#2ca02c",
    "#9467bd",
    "#ff7f0e",
    "#17becf",
    "#8c564b",
    "#e377c2",
    "#7f7f7f",
    "#bcbd22",
)
SECTOR_COLOURS = {
    "general": "#7f7f7f",
    "training": "#2ca02c",
    "intelligence": "#9467bd",
    "technology": "#1f77b4",
    "arms": "#d62728",
    "basing": "#ff7f0e",
}
MARGIN = {"l": 10, "r": 10, "t": 40, "b": 10}
DEPTH_NAMES = {int(depth): depth.name.lower() for depth in Depth}


def network_figure(model: DefenseCooperationModel, positions: np.ndarray) -> go.Figure:
    """Nations (sized by capability, coloured by region) and the agreements in force:
    bilateral ones as lines (width by depth, colour by sector), pacts as hulls."""
    figure = go.Figure()
    registry = model.registry
    for pact in registry.active_pacts():
        hull = _hull(positions[pact.members])
        figure.add_trace(
            go.Scatter(
                x=hull[:, 0],
                y=hull[:, 1],
                fill="toself",
                mode="lines",
                line={"width": 1 + pact.depth, "color": SECTOR_COLOURS[pact.sector.value]},
                opacity=0.25,
                name=f"{pact.name} (depth {pact.depth})",
                hoverinfo="text",
                text=_agreement_text(model, pact),
                showlegend=False,
            )
        )
    slots = registry.active_slots(Kind.BILATERAL)
    first, second = registry.first[slots], registry.second[slots]
    depth, sector = registry.depth[slots], registry.sector[slots]
    middle_x, middle_y, middle_text = [], [], []
    for code, sector_name in enumerate(s.value for s in SECTORS):
        for level in range(1, MAX_DEPTH + 1):
            chosen = (sector == code) & (depth == level)
            if not chosen.any():
                continue
            # one trace per style, the lines separated by gaps: fast at a thousand edges
            a, b = positions[first[chosen]], positions[second[chosen]]
            xs = np.column_stack([a[:, 0], b[:, 0], np.full(a.shape[0], np.nan)]).ravel()
            ys = np.column_stack([a[:, 1], b[:, 1], np.full(a.shape[0], np.nan)]).ravel()
            figure.add_trace(
                go.Scatter(
                    x=xs,
                    y=ys,
                    mode="lines",
                    line={"width": 0.6 * level, "color": SECTOR_COLOURS[sector_name]},
                    opacity=0.35 + 0.15 * level,
                    hoverinfo="skip",
                    name=f"{sector_name}, {DEPTH_NAMES[level]}",
                    legendgroup=sector_name,
                    showlegend=False,
                )
            )
            for slot, pa, pb in zip(slots[chosen].tolist(), a, b, strict=True):
                middle_x.append((pa[0] + pb[0]) / 2)
                middle_y.append((pa[1] + pb[1]) / 2)
                middle_text.append(_agreement_text(model, registry.by_slot[slot]))
    # hover targets for the lines: an invisible marker at each line's midpoint
    figure.add_trace(
        go.Scatter(
            x=middle_x,
            y=middle_y,
            mode="markers",
            marker={"size": 6, "opacity": 0},
            hoverinfo="text",
            text=middle_text,
            showlegend=False,
            name="agreements",
        )
    )
    capability = model.capability
    size = 5 + 17 * np.sqrt(capability / capability.max())
    for code, region in enumerate(model.region_names):
        members = np.flatnonzero(model.region == code)
        figure.add_trace(
            go.Scatter(
                x=positions[members, 0],
                y=positions[members, 1],
                mode="markers",
                marker={
                    "size": size[members],
                    "color": REGION_COLOURS[code % len(REGION_COLOURS)],
                    "line": {"width": 1, "color": "white"},
                },
                name=region,
                hoverinfo="text",
                text=[_nation_text(model, i) for i in members],
            )
        )
    figure.update_layout(
        title=f"Cooperation network at step {model.steps}",
        xaxis={"visible": False, "range": [-1.1, 1.1]},
        yaxis={"visible": False, "range": [-1.1, 1.1], "scaleanchor": "x"},
        margin=MARGIN,
        legend={"x": 1.0, "y": 1.0, "font": {"size": 10}, "title": {"text": "regions"}},
        height=350,  # a dashboard cell's height
        uirevision="network",  # keep the user's zoom across steps
    )
    return figure


def outcomes_figure(table: pd.DataFrame) -> go.Figure:
    """Stability and conflict prevention over time, with crises prevented and escalated."""
    figure = make_subplots(specs=[[{"secondary_y": True}]])
    figure.add_bar(
        x=table["step"],
        y=table["conflicts_prevented"],
        name="crises prevented",
        marker_color="#9ecae1",
        secondary_y=True,
    )
    figure.add_bar(
        x=table["step"],
        y=table["conflicts_escalated"],
        name="crises escalated",
        marker_color="#fc9272",
        secondary_y=True,
    )
    figure.add_scatter(
        x=table["step"],
        y=table["stability_index"],
        name="stability index",
        line={"color": "#08519c", "width": 3},
    )
    figure.add_scatter(
        x=table["step"],
        y=table["conflict_prevention_rate"],
        name="conflict prevention rate",
        line={"color": "#31a354", "dash": "dot"},
    )
    figure.update_layout(
        title="Stability and conflict prevention",
        barmode="stack",
        margin=MARGIN,
        height=320,
        legend={"orientation": "h", "y": -0.2},
    )
    figure.update_yaxes(range=[0, 1.05], title_text="index, rate", secondary_y=False)
    figure.update_yaxes(title_text="crises in the step", secondary_y=True)
    return figure


def agreements_figure(model, table: pd.DataFrame) -> go.Figure:
    """Agreements in force by kind, sector and depth; signings, deepenings and exits."""
    figure = make_subplots(
        rows=1,
        cols=3,
        subplot_titles=("by kind", "by sector", "by depth"),
        horizontal_spacing=0.06,
    )
    steps = table["step"]
    figure.add_scatter(x=steps, y=table["bilateral_agreements"], name="bilateral", row=1, col=1)
    figure.add_scatter(
        x=steps, y=table["multilateral_agreements"], name="multilateral", row=1, col=1
    )
    history = range(len(model.by_sector))
    sectors = np.array(model.by_sector)
    for code, sector in enumerate(s.value for s in SECTORS):
        figure.add_scatter(
            x=list(history),
            y=sectors[:, code],
            name=sector,
            stackgroup="sector",
            line={"color": SECTOR_COLOURS[sector]},
            row=1,
            col=2,
        )
    depths = np.array(model.by_depth)
    for level in range(1, MAX_DEPTH + 1):
        figure.add_scatter(
            x=list(history),
            y=depths[:, level - 1],
            name=DEPTH_NAMES[level],
            stackgroup="depth",
            row=1,
            col=3,
        )
    figure.update_layout(
        title="Agreements in force",
        margin=MARGIN,
        height=330,
        legend={"orientation": "h", "y": -0.25},
    )
    return figure


def activity_figure(table: pd.DataFrame) -> go.Figure:
    figure = go.Figure()
    for column, colour in (
        ("signings", "#31a354"),
        ("deepenings", "#3182bd"),
        ("downgrades", "#fdae6b"),
        ("exits", "#de2d26"),
    ):
        figure.add_bar(x=table["step"], y=table[column], name=column, marker_color=colour)
    figure.update_layout(
        title="Signings, deepenings, step-downs and exits per step",
        barmode="group",
        margin=MARGIN,
        height=330,
        legend={"orientation": "h", "y": -0.25},
    )
    return figure


def nation_figure(model: DefenseCooperationModel, nation: int) -> go.Figure:
    """One nation over time: capability, threat, sovereignty cost; trust toward others now."""
    history = model.nation_records.table(model.names, [n.region for n in model.nations])
    mine = history[history["nation"] == model.names[nation]]
    figure = make_subplots(
        rows=1,
        cols=2,
        column_widths=[0.55, 0.45],
        subplot_titles=("over time", "trust toward others now (highest and lowest 8)"),
    )
    for column, colour in (
        ("capability_share", "#3182bd"),
        ("threat", "#de2d26"),
        ("sovereignty_cost", "#756bb1"),
        ("mean_trust", "#31a354"),
    ):
        figure.add_scatter(
            x=mine["step"], y=mine[column], name=column, line={"color": colour}, row=1, col=1
        )
    trust = model.trust[nation].astype(float).copy()
    others = np.delete(np.arange(trust.size), nation)
    ranked = others[np.argsort(trust[others])]
    shown = np.concatenate([ranked[:8], ranked[-8:]]) if ranked.size > 16 else ranked
    figure.add_bar(
        x=trust[shown],
        y=[model.names[i] for i in shown],
        orientation="h",
        marker_color=["#31a354" if model.ties[nation, i] else "#bdbdbd" for i in shown],
        name="trust (green: a partner)",
        row=1,
        col=2,
    )
    figure.update_xaxes(range=[0, 1], row=1, col=2)
    figure.update_layout(
        title=f"{model.names[nation]} ({model.nations[nation].region})",
        margin=MARGIN,
        height=250,
        legend={"orientation": "h", "y": -0.2},
    )
    return figure


def event_lines(model: DefenseCooperationModel, limit: int = 40) -> list[str]:
    """The latest events in words, newest first (renewals, the commonest, left out)."""
    lines = []
    for row in reversed(model.events.rows):
        step, event, detail, reason = row[0], row[1], row[10], row[9]
        if event == "renewed":
            continue
        text = detail or f"{event} {row[2]}"
        if event == "exited" and reason:
            text += f" ({reason.replace('_', ' ')})"
        lines.append(f"step {step}: {text}")
        if len(lines) == limit:
            break
    return lines


def _hull(points: np.ndarray) -> np.ndarray:
    """The closed outline around a pact's members (a line for two, a small ring for
    collinear ones)."""
    if points.shape[0] >= 3:
        from scipy.spatial import ConvexHull, QhullError

        try:
            hull = ConvexHull(points)
            outline = points[hull.vertices]
            return np.vstack([outline, outline[:1]])
        except QhullError:
            pass
    return np.vstack([points, points[:1]])


def _nation_text(model: DefenseCooperationModel, i: int) -> str:
    nation = model.nations[i]
    return (
        f"<b>{nation.name}</b> ({nation.region})<br>"
        f"capability share {nation.capability_share:.3f}<br>"
        f"partners {nation.degree}, agreements {len(nation.agreements)}<br>"
        f"threat {nation.threat:.2f}, sovereignty sensitivity "
        f"{nation.sovereignty_sensitivity:.2f}<br>"
        f"sovereignty cost borne {nation.sovereignty_cost:.2f}"
    )


def _agreement_text(model: DefenseCooperationModel, agreement) -> str:
    members = ", ".join(model.names[m] for m in agreement.members[:8])
    more = f" and {len(agreement.members) - 8} more" if len(agreement.members) > 8 else ""
    return (
        f"<b>{agreement.name}</b><br>{agreement.kind.value}, {agreement.sector.value}, "
        f"depth {agreement.depth} ({DEPTH_NAMES[agreement.depth]})<br>"
        f"members: {members}{more}<br>signed at step {agreement.signed_step}"
    )
