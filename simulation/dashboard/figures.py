"""The dashboard's charts, as Plotly figures built from a model's state and history.

Each function takes the model (and what else it needs) and returns the figure as
Plotly's JSON form: a dict of plain lists, strings and numbers (`{"data": [...],
"layout": {...}}`), which the dashboard sends to the browser as it is (see
`live_figure`). Building graph objects instead (`go.Figure`, `go.Scatter`) validates
every property of every trace on every step and took most of a step's time;
`go.Figure(spec)` still turns any of these into a checked graph object for export
or restyling, and the tests check each one that way.
"""

from __future__ import annotations

import copy
import functools
import math
import re

import numpy as np
import pandas as pd

from simulation.domain import DEPTH_NAMES, MAX_DEPTH, SECTORS, Kind
from simulation.model import DefenseCooperationModel
from simulation.palette import (
    MARKER_OUTLINE_COLOUR,
    NOT_TIED_COLOUR,
    OUTSIDE_SYSTEM_COLOUR,
    PARTNER_COLOUR,
    SECTOR_COLOURS,
    SERIES_COLOURS,
    group_colour,
)
from simulation.tables import nations_table

MARGIN = {"l": 10, "r": 10, "t": 40, "b": 10}


# the network chart's height: its dashboard cell's
NETWORK_HEIGHT = 350


def network_figure(
    model: DefenseCooperationModel, positions: np.ndarray, height: int = NETWORK_HEIGHT
) -> dict:
    """Nations (sized by capability, coloured by region) and the agreements in force:
    bilateral ones as lines, pacts as hulls, both with width by depth and colour by sector.
    `height` in pixels: less than the cell's when something shares the cell.

    Agreements of one sector and depth share a trace (the lines or outlines separated
    by gaps), so the chart has a few dozen traces at a thousand agreements. Every trace
    has a fixed `uid`, so a legend choice or zoom stays with its trace across steps.
    """
    registry = model.registry
    pacts_by_style: dict[tuple[str, int], list] = {}
    for pact in registry.active_pacts():
        pacts_by_style.setdefault((pact.sector.value, int(pact.depth)), []).append(pact)
    slots = registry.active_slots(Kind.BILATERAL)
    first, second = registry.first[slots], registry.second[slots]
    depth, sector = registry.depth[slots], registry.sector[slots]
    traces: list[dict] = []
    hover_x: list[float] = []
    hover_y: list[float] = []
    hover_text: list[str] = []
    for code, sector_name in enumerate(s.value for s in SECTORS):
        for level in range(1, MAX_DEPTH + 1):
            style = {"width": 0.6 * level, "color": SECTOR_COLOURS[sector_name]}
            pacts = pacts_by_style.get((sector_name, level), [])
            if pacts:
                outline_x: list = []
                outline_y: list = []
                for pact in pacts:
                    points = positions[pact.members]
                    hull = _hull(points)
                    # several pacts in one trace, their outlines separated by gaps
                    outline_x += [*hull[:, 0].tolist(), None]
                    outline_y += [*hull[:, 1].tolist(), None]
                    centre = points.mean(axis=0)
                    hover_x.append(float(centre[0]))
                    hover_y.append(float(centre[1]))
                    hover_text.append(_agreement_text(model, pact))
                traces.append(
                    {
                        "type": "scatter",
                        "uid": _uid("pacts", sector_name, level),
                        "x": outline_x,
                        "y": outline_y,
                        "fill": "toself",
                        "mode": "lines",
                        "line": {**style, "width": 1 + level},
                        "opacity": 0.25,
                        "hoverinfo": "skip",
                        "name": f"pacts: {sector_name}, {DEPTH_NAMES[level]}",
                        "showlegend": False,
                    }
                )
            chosen = (sector == code) & (depth == level)
            if not chosen.any():
                continue
            # one trace per style, the lines separated by gaps: fast at a thousand edges
            a, b = positions[first[chosen]], positions[second[chosen]]
            gaps = np.full(a.shape[0], np.nan)
            traces.append(
                {
                    "type": "scatter",
                    "uid": _uid("lines", sector_name, level),
                    "x": _numbers(np.column_stack([a[:, 0], b[:, 0], gaps]).ravel()),
                    "y": _numbers(np.column_stack([a[:, 1], b[:, 1], gaps]).ravel()),
                    "mode": "lines",
                    "line": style,
                    "opacity": 0.35 + 0.15 * level,
                    "hoverinfo": "skip",
                    "name": f"{sector_name}, {DEPTH_NAMES[level]}",
                    "showlegend": False,
                }
            )
            middles = (a + b) / 2
            hover_x += middles[:, 0].tolist()
            hover_y += middles[:, 1].tolist()
            hover_text += [
                _agreement_text(model, registry.by_slot[slot]) for slot in slots[chosen].tolist()
            ]
    # hover targets at each line's midpoint and each pact's centre: points with no
    # marker drawn (mode "none"), which Plotly still finds under the pointer
    traces.append(
        {
            "type": "scatter",
            "uid": "agreements",
            "x": hover_x,
            "y": hover_y,
            "mode": "none",
            "hoverinfo": "text",
            "text": hover_text,
            "showlegend": False,
            "name": "agreements",
        }
    )
    # agreements in force per nation, counted once (asking each nation scans them all)
    in_force = np.bincount(first, minlength=len(model.names)) + np.bincount(
        second, minlength=len(model.names)
    )
    for pacts in pacts_by_style.values():
        for pact in pacts:
            in_force[np.unique(pact.members)] += 1
    capability = model.state.capability
    size = 5 + 17 * np.sqrt(capability / capability.max())
    outside = ~model.state.in_system
    for code, region in enumerate(model.state.region_names):
        members = np.flatnonzero(model.state.region == code)
        colour = group_colour(code)
        if outside[members].any():  # nations not (or no longer) states: greyed out
            colour = [OUTSIDE_SYSTEM_COLOUR if out else colour for out in outside[members]]
        traces.append(
            {
                "type": "scatter",
                "uid": _uid("region", region),
                "x": positions[members, 0].tolist(),
                "y": positions[members, 1].tolist(),
                "mode": "markers",
                "marker": {
                    "size": size[members].tolist(),
                    "color": colour,
                    "line": {"width": 1, "color": MARKER_OUTLINE_COLOUR},
                },
                "name": region,
                "hoverinfo": "text",
                "text": [_nation_text(model, i, in_force[i]) for i in members.tolist()],
            }
        )
    layout = _layout(
        title={"text": f"Cooperation network at step {model.steps}"},
        # a square frame, shrunk to fit the cell rather than widened: the ranges stay
        # as given, which is what lets Plotly keep the user's zoom (uirevision)
        xaxis={"visible": False, "range": [-1.1, 1.1], "constrain": "domain"},
        yaxis={"visible": False, "range": [-1.1, 1.1], "scaleanchor": "x", "constrain": "domain"},
        legend={"x": 1.0, "y": 1.0, "font": {"size": 10}, "title": {"text": "regions"}},
        height=height,
        uirevision="network",  # keep the user's zoom across steps
    )
    return {"data": traces, "layout": layout}


def outcomes_figure(table: pd.DataFrame) -> dict:
    """Stability and conflict prevention over time, with crises prevented and escalated."""
    steps = table["step"].tolist()
    data = [
        _trace("bar", steps, table["conflicts_prevented"], "crises prevented", yaxis="y2")
        | {"marker": {"color": SERIES_COLOURS["conflicts_prevented"]}},
        _trace("bar", steps, table["conflicts_escalated"], "crises escalated", yaxis="y2")
        | {"marker": {"color": SERIES_COLOURS["conflicts_escalated"]}},
        _trace("scatter", steps, table["stability_index"], "stability index")
        | {"line": {"color": SERIES_COLOURS["stability_index"], "width": 3}},
        _trace("scatter", steps, table["conflict_prevention_rate"], "conflict prevention rate")
        | {"line": {"color": SERIES_COLOURS["conflict_prevention_rate"], "dash": "dot"}},
    ]
    layout = _layout(
        _grid("secondary_y"),
        title={"text": f"Stability and conflict prevention, to step {_last_step(table)}"},
        barmode="stack",
        height=320,
        legend={"orientation": "h", "y": -0.2},
    )
    layout["yaxis"].update(range=[0, 1.05], title={"text": "index, rate"})
    layout["yaxis2"].update(title={"text": "crises in the step"})
    return {"data": data, "layout": layout}


def agreements_figure(model, table: pd.DataFrame) -> dict:
    """Agreements in force by kind, sector and depth; signings, deepenings and exits."""
    steps = table["step"].tolist()
    data = [
        _trace("scatter", steps, table["bilateral_agreements"], "bilateral"),
        _trace("scatter", steps, table["multilateral_agreements"], "multilateral"),
    ]
    history = list(range(len(model.by_sector)))
    sectors = np.array(model.by_sector)
    for code, sector in enumerate(s.value for s in SECTORS):
        data.append(
            _trace("scatter", history, sectors[:, code], sector, xaxis="x2", yaxis="y2")
            | {"stackgroup": "sector", "line": {"color": SECTOR_COLOURS[sector]}}
        )
    depths = np.array(model.by_depth)
    for level in range(1, MAX_DEPTH + 1):
        data.append(
            _trace("scatter", history, depths[:, level - 1], DEPTH_NAMES[level], "x3", "y3")
            | {"stackgroup": "depth"}
        )
    layout = _layout(
        _grid("agreements"),
        title={"text": f"Agreements in force, to step {_last_step(table)}"},
        height=330,
        legend={"orientation": "h", "y": -0.25},
    )
    return {"data": data, "layout": layout}


def activity_figure(table: pd.DataFrame) -> dict:
    steps = table["step"].tolist()
    data = [
        _trace("bar", steps, table[column], column) | {"marker": {"color": SERIES_COLOURS[column]}}
        for column in ("signings", "deepenings", "downgrades", "exits")
    ]
    layout = _layout(
        title={
            "text": "Signings, deepenings, step-downs and exits per step, "
            f"to step {_last_step(table)}"
        },
        barmode="group",
        height=330,
        legend={"orientation": "h", "y": -0.25},
    )
    return {"data": data, "layout": layout}


def nation_figure(model: DefenseCooperationModel, nation: int) -> dict:
    """One nation over time: capability, threat, sovereignty cost; trust toward others now."""
    history = nations_table(model)
    mine = history[history["nation"] == model.names[nation]]
    steps = mine["step"].tolist()
    data = [
        _trace("scatter", steps, mine[column], column) | {"line": {"color": SERIES_COLOURS[column]}}
        for column in ("capability_share", "threat", "sovereignty_cost", "mean_trust")
    ]
    trust = model.state.trust[nation].astype(float).copy()
    others = np.delete(np.arange(trust.size), nation)
    ranked = others[np.argsort(trust[others])]
    shown = np.concatenate([ranked[:8], ranked[-8:]]) if ranked.size > 16 else ranked
    data.append(
        _trace("bar", trust[shown], [model.names[i] for i in shown], "trust (green: a partner)")
        | {
            "xaxis": "x2",
            "yaxis": "y2",
            "orientation": "h",
            "marker": {
                "color": [
                    PARTNER_COLOUR if model.state.ties[nation, i] else NOT_TIED_COLOUR
                    for i in shown
                ]
            },
        }
    )
    layout = _layout(
        _grid("nation"),
        title={
            "text": f"{model.names[nation]} ({model.nations[nation].region}) at step {model.steps}"
        },
        height=250,
        legend={"orientation": "h", "y": -0.2},
    )
    layout["xaxis2"]["range"] = [0, 1]
    return {"data": data, "layout": layout}


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


def _nation_text(model: DefenseCooperationModel, i: int, agreements: int) -> str:
    nation = model.nations[i]
    if not nation.in_system:
        return f"<b>{nation.name}</b> ({nation.region})<br>not a state at this step"
    return (
        f"<b>{nation.name}</b> ({nation.region})<br>"
        f"capability share {nation.capability_share:.3f}<br>"
        f"partners {nation.degree}, agreements {agreements}<br>"
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


def _uid(*parts) -> str:
    """A trace's fixed id: Plotly puts it in CSS class names, so no spaces."""
    return re.sub(r"[^A-Za-z0-9_-]+", "-", "-".join(str(part) for part in parts))


def _trace(kind: str, x, y, name: str, xaxis: str = "x", yaxis: str = "y") -> dict:
    """A trace of `kind` ("scatter", "bar") with its values as JSON-ready lists."""
    trace = {"type": kind, "x": _values(x), "y": _values(y), "name": name}
    if xaxis != "x":
        trace["xaxis"] = xaxis
    if yaxis != "y":
        trace["yaxis"] = yaxis
    return trace


def _values(values) -> list:
    """A column as a plain list, numbers with no NaN (JSON has none: a gap is null)."""
    if isinstance(values, list):
        return values
    array = np.asarray(values)
    if array.dtype.kind == "f":
        return _numbers(array)
    return array.tolist()


def _numbers(array: np.ndarray) -> list:
    """Floats as a list, with null for NaN and infinities (a gap to Plotly)."""
    values = array.tolist()
    if not np.isfinite(array).all():
        values = [v if math.isfinite(v) else None for v in values]
    return values


def _last_step(table: pd.DataFrame) -> int:
    return int(table["step"].iloc[-1]) if len(table) else 0


def _layout(grid: dict | None = None, **properties) -> dict:
    """A figure's layout: Plotly's default template (the look `go.Figure` gives), the
    dashboard's margins, the axes of `grid`, then `properties`."""
    # copies: a caller may restyle the figure it gets without touching the next one
    layout = copy.deepcopy({"template": _template(), "margin": MARGIN, **(grid or {})})
    layout.update(properties)
    return layout


@functools.cache
def _template_named(name: str) -> dict:
    import plotly.io as pio

    return pio.templates[name].to_plotly_json()


def _template() -> dict:
    import plotly.io as pio

    return _template_named(pio.templates.default)


# axes laid out as plotly.subplots.make_subplots lays them out (worked out once)
GRIDS: dict[str, dict] = {
    "secondary_y": {"specs": [[{"secondary_y": True}]]},
    "agreements": {
        "rows": 1,
        "cols": 3,
        "subplot_titles": ("by kind", "by sector", "by depth"),
        "horizontal_spacing": 0.06,
    },
    "nation": {
        "rows": 1,
        "cols": 2,
        "column_widths": [0.55, 0.45],
        "subplot_titles": ("over time", "trust toward others now (highest and lowest 8)"),
    },
}


@functools.cache
def _grid(name: str) -> dict:
    from plotly.subplots import make_subplots

    layout = make_subplots(**GRIDS[name]).layout.to_plotly_json()
    layout.pop("template", None)
    return layout
