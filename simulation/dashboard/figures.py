"""The dashboard's charts, as Plotly figures built from a model's state and history.

Each function takes the model (or its tables) and returns the figure as Plotly's JSON
form: a dict of plain lists, strings and numbers (`{"data": [...], "layout": {...}}`),
which the dashboard sends to the browser as it is (see `live_figure`). Building graph
objects instead (`go.Figure`, `go.Scatter`) validates every property of every trace on
every step and took most of a step's time; `go.Figure(spec)` still turns any of these
into a checked graph object for export or restyling, and the tests check each one that
way.

Axes say what they can hold: an index or a rate runs from 0 to 1 whatever the data, a
count has whole-number ticks, and time runs over the scenario's whole length from step
0, so nothing rescales as the run goes on. Every title ends with the step it shows.
"""

from __future__ import annotations

import copy
import functools
import math
import re

import numpy as np
import pandas as pd

from simulation.dashboard.headline import fatal_so_far, pooled_prevention
from simulation.dashboard.nation_profile import CRISIS_OUTCOMES, crises_by_step
from simulation.domain import DEPTH_NAMES, MAX_DEPTH, SECTORS, ExitReason, Kind
from simulation.model import DefenseCooperationModel
from simulation.palette import (
    MARKER_OUTLINE_COLOUR,
    NOT_TIED_COLOUR,
    OUTSIDE_SYSTEM_COLOUR,
    PARTNER_COLOUR,
    RUN_KEY_COLOUR,
    SECTOR_COLOURS,
    SERIES_COLOURS,
    group_colour,
)
from simulation.tables import nations_table

# margins fixed to hold the tick labels: axes that size their own margins
# ("automargin") make Plotly lay a chart out twice, at every step
MARGIN = {"l": 45, "r": 15, "t": 70, "b": 30}
# with an axis title on the left
TITLED_MARGIN = {**MARGIN, "l": 65}
TITLE_PLACE = {
    "x": 0,
    "xref": "paper",
    "xanchor": "left",
    "y": 1,
    "yref": "container",
    "yanchor": "top",
    "pad": {"t": 12},
    "font": {"size": 15},
}
# a legend in one line between the title and the plot
LEGEND_ABOVE = {"orientation": "h", "x": 0, "xanchor": "left", "y": 1.0, "yanchor": "bottom"}
FONT = {"family": "Roboto, Helvetica, Arial, sans-serif", "size": 12}

# the network chart's height in pixels
NETWORK_HEIGHT = 470
# the height of one row of bars in the trust chart: every name gets a readable line
TRUST_ROW_HEIGHT = 17

# a pinned run is drawn in its series' colour, dashed; the run on screen, solid
PINNED_DASH = "dash"

# a crisis's outcomes, mildest first, in words and colours (stacked in this order)
CRISIS_SERIES = {
    "prevented": ("kept from force", SERIES_COLOURS["conflicts_prevented"]),
    "militarised": ("force, no deaths", SERIES_COLOURS["crises_militarised"]),
    "escalated": ("fatal", SERIES_COLOURS["conflicts_escalated"]),
}
# exit reasons in a fixed order, so each keeps its colour from run to run
EXIT_REASONS = tuple(reason.value for reason in ExitReason)


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
        legend={"x": 1.0, "y": 1.0, "font": {"size": 11}, "title": {"text": "regions"}},
        margin={"l": 10, "r": 10, "t": 60, "b": 10},
        height=height,
        uirevision="network",  # keep the user's zoom across steps
    )
    return {"data": traces, "layout": layout}


def outcomes_figure(
    table: pd.DataFrame,
    end: int,
    pinned: pd.DataFrame | None = None,
    run_label: str = "",
    pinned_label: str = "",
) -> dict:
    """The headline outcomes over time, each in its own panel: the stability index,
    conflict prevention pooled so far, agreements in force and escalations (fatal
    crises) so far. With `pinned` (another run's model table), that run is drawn
    dashed beside this one. `end` is the last step the time axis shows."""
    panels = (
        ("stability_index", "stability index", lambda t: t["stability_index"], "index"),
        (
            "conflict_prevention_rate",
            "conflict prevention, pooled so far",
            pooled_prevention,
            "index",
        ),
        ("active_agreements", "agreements in force", lambda t: t["active_agreements"], "count"),
        ("escalations", "escalations (fatal crises) so far", fatal_so_far, "count"),
    )
    layout = _layout(
        _grid("outcomes"),
        title={"text": f"Outcomes, to step {_last_step(table)}"},
        height=480,
        showlegend=pinned is not None,
        # the two runs' keys at the top right, in the title's line
        legend={
            "orientation": "h",
            "x": 1,
            "xanchor": "right",
            "y": 1,
            "yref": "container",
            "yanchor": "top",
            "font": {"size": 11},
        },
        margin={**MARGIN, "t": 80},
        uirevision="outcomes",
    )
    data = []
    for number, (colour_key, title, measure, scale) in enumerate(panels, start=1):
        axis = "" if number == 1 else str(number)
        runs = [(table, "solid", run_label or "this run")]
        if pinned is not None:
            runs.append((pinned, PINNED_DASH, f"pinned: {pinned_label}"))
        top = 0.0
        for frame, dash, name in runs:
            values = measure(frame)
            top = max(top, float(np.nanmax(values.to_numpy(dtype=float), initial=0.0)))
            data.append(
                _trace("scatter", frame["step"], values, name, f"x{axis}", f"y{axis}")
                | {
                    # a lone point (step 0) as a dot: a line needs two
                    "mode": "lines" if len(frame) > 1 else "markers",
                    "line": {"color": SERIES_COLOURS[colour_key], "width": 2.5, "dash": dash},
                    "marker": {"color": SERIES_COLOURS[colour_key], "size": 7},
                    "legendgroup": dash,
                    "showlegend": False,
                    "hovertemplate": f"{title}<br>step %{{x}}: %{{y}}<extra>{_short(name)}</extra>",
                }
            )
        layout[f"xaxis{axis}"].update(_step_axis(end))
        layout[f"yaxis{axis}"].update(_index_axis() if scale == "index" else _count_axis(top))
    # the legend: one key a run, in a neutral colour (each panel has its own)
    if pinned is not None:
        for dash, name in (
            ("solid", run_label or "this run"),
            (PINNED_DASH, f"pinned: {pinned_label}"),
        ):
            data.append(
                {
                    "type": "scatter",
                    "x": [None],
                    "y": [None],
                    "mode": "lines",
                    "line": {"color": RUN_KEY_COLOUR, "dash": dash, "width": 2.5},
                    "name": name if dash != "solid" else f"this run: {name}",
                    "legendgroup": dash,
                    "hoverinfo": "skip",
                }
            )
    return {"data": data, "layout": layout}


def crises_figure(
    table: pd.DataFrame, end: int, pinned: pd.DataFrame | None = None, pinned_label: str = ""
) -> dict:
    """Crises each step by outcome (stacked): kept from force, force without deaths,
    fatal; the pinned run's crises a step as a dashed line."""
    steps = table["step"]
    outcomes = {
        "prevented": table["crises"] - table["crises_militarised"],
        "militarised": table["crises_militarised"] - table["conflicts_escalated"],
        "escalated": table["conflicts_escalated"],
    }
    data = [
        _trace("bar", steps, outcomes[outcome], label)
        | {
            "marker": {"color": colour},
            "hovertemplate": f"step %{{x}}: %{{y}} {label}<extra></extra>",
        }
        for outcome, (label, colour) in CRISIS_SERIES.items()
    ]
    top = float(table["crises"].max()) if len(table) else 0.0
    if pinned is not None:
        data.append(
            _trace("scatter", pinned["step"], pinned["crises"], f"pinned: {pinned_label}")
            | {"mode": "lines", "line": {"color": RUN_KEY_COLOUR, "dash": PINNED_DASH}}
        )
        top = max(top, float(pinned["crises"].max()))
    layout = _layout(
        title={"text": f"Crises each step, by outcome, to step {_last_step(table)}"},
        barmode="stack",
        bargap=0.15,
        height=250,
        legend=LEGEND_ABOVE | {"traceorder": "normal"},
        xaxis=_step_axis(end),
        yaxis=_count_axis(top) | {"title": {"text": "crises"}},
        margin=TITLED_MARGIN,
        uirevision="crises",
    )
    return {"data": data, "layout": layout}


def agreements_figure(model, table: pd.DataFrame, end: int | None = None) -> dict:
    """Agreements in force by kind, sector and depth, each panel with its own legend."""
    end = _end(model, table) if end is None else end
    steps = table["step"].tolist()
    data = [
        _trace("scatter", steps, table["bilateral_agreements"], "bilateral")
        | {"legend": "legend", "mode": "lines", "line": {"color": group_colour(0)}},
        _trace("scatter", steps, table["multilateral_agreements"], "multilateral")
        | {"legend": "legend", "mode": "lines", "line": {"color": group_colour(1)}},
    ]
    history = list(range(len(model.by_sector)))
    sectors = np.array(model.by_sector)
    for code, sector in enumerate(s.value for s in SECTORS):
        data.append(
            _trace("scatter", history, sectors[:, code], sector, xaxis="x2", yaxis="y2")
            | {
                "stackgroup": "sector",
                "line": {"color": SECTOR_COLOURS[sector]},
                "legend": "legend2",
            }
        )
    depths = np.array(model.by_depth)
    for level in range(1, MAX_DEPTH + 1):
        # "2 training", not "training": that is also a sector's name
        data.append(
            _trace(
                "scatter",
                history,
                depths[:, level - 1],
                f"{level} {DEPTH_NAMES[level]}",
                "x3",
                "y3",
            )
            | {
                "stackgroup": "depth",
                "legend": "legend3",
                "line": {"color": group_colour(level + 1)},
            }
        )
    layout = _layout(
        _grid("agreements"),
        title={"text": f"Agreements in force, to step {_last_step(table)}"},
        height=500,
        margin={**MARGIN, "t": 80, "b": 175},
        uirevision="agreements",
    )
    top = float(table["active_agreements"].max()) if len(table) else 0.0
    for number, title in ((1, "kind"), (2, "sector"), (3, "depth")):
        axis = "" if number == 1 else str(number)
        legend = "legend" if number == 1 else f"legend{number}"
        domain = layout[f"xaxis{axis}"]["domain"]
        # under its own panel, one entry a line, in the order stacked from the bottom
        layout[legend] = {
            "title": {"text": title},
            "x": domain[0],
            "xanchor": "left",
            "y": -0.14,
            "yanchor": "top",
            "font": {"size": 11},
            "traceorder": "normal",
        }
        layout[f"xaxis{axis}"].update(_step_axis(end))
        shown_top = (
            top
            if number != 1
            else float(
                max(table["bilateral_agreements"].max(), table["multilateral_agreements"].max())
            )
        )
        layout[f"yaxis{axis}"].update(_count_axis(shown_top))
    return {"data": data, "layout": layout}


# what happened to agreements in a step, in words
ACTIVITY = {
    "signings": "signings",
    "deepenings": "deepenings",
    "downgrades": "step-downs",
    "exits": "exits",
}


def activity_figure(table: pd.DataFrame, end: int | None = None) -> dict:
    """Signings, deepenings, step-downs and exits each step."""
    end = _last_step(table) if end is None else end
    steps = table["step"].tolist()
    data = [
        _trace("bar", steps, table[column], label) | {"marker": {"color": SERIES_COLOURS[column]}}
        for column, label in ACTIVITY.items()
    ]
    top = float(table[list(ACTIVITY)].to_numpy().max()) if len(table) else 0.0
    layout = _layout(
        title={"text": f"Signings, deepenings, step-downs and exits, to step {_last_step(table)}"},
        barmode="group",
        height=300,
        legend=LEGEND_ABOVE,
        xaxis=_step_axis(end),
        yaxis=_count_axis(top) | {"title": {"text": "agreements"}},
        margin=TITLED_MARGIN,
        uirevision="activity",
    )
    return {"data": data, "layout": layout}


def exits_by_reason(events: pd.DataFrame) -> pd.DataFrame:
    """Exits (a member leaving an agreement, a lapse included) a step by reason: one
    row a step that had any, one column a reason, in `EXIT_REASONS` order."""
    exits = events[events["event"] == "exited"]
    counts = exits.groupby(["step", "reason"]).size().unstack(fill_value=0)
    known = [reason for reason in EXIT_REASONS if reason in counts.columns]
    return counts[known + [c for c in counts.columns if c not in EXIT_REASONS]]


def exits_figure(events: pd.DataFrame, last_step: int, end: int) -> dict:
    """Exits by reason over time: a stacked bar a step, a colour a reason."""
    counts = exits_by_reason(events)
    data = []
    for reason in counts.columns:
        code = EXIT_REASONS.index(reason) if reason in EXIT_REASONS else len(EXIT_REASONS)
        label = reason.replace("_", " ")
        data.append(
            _trace("bar", counts.index, counts[reason], f"{label} ({int(counts[reason].sum()):,})")
            | {
                "marker": {"color": group_colour(code)},
                "hovertemplate": f"step %{{x}}: %{{y}} {label}<extra></extra>",
            }
        )
    top = float(counts.sum(axis=1).max()) if len(counts) else 0.0
    layout = _layout(
        title={"text": f"Exits by reason, to step {last_step}"},
        barmode="stack",
        bargap=0.15,
        height=300,
        legend=LEGEND_ABOVE
        | {"title": {"text": "reason (exits so far):", "side": "left"}, "traceorder": "normal"},
        xaxis=_step_axis(end),
        yaxis=_count_axis(top) | {"title": {"text": "exits"}},
        margin=TITLED_MARGIN,
        uirevision="exits",
    )
    if not data:  # an empty frame says nothing: say why
        layout["annotations"] = [
            {
                "text": "no exits yet",
                "xref": "paper",
                "yref": "paper",
                "x": 0.5,
                "y": 0.5,
                "showarrow": False,
                "font": {"size": 14},
            }
        ]
    return {"data": data, "layout": layout}


# one nation's history: a panel a subject, the columns of the nations table it draws
NATION_PANELS = (
    ("partners and agreements", (("degree", "partners"), ("agreements", "agreements")), "count"),
    (
        "trust and threat",
        (("mean_trust", "mean trust toward others"), ("threat", "threat")),
        "index",
    ),
    (
        "sovereignty cost and benefit",
        (("sovereignty_cost", "sovereignty cost borne"), ("benefit", "benefit received")),
        "free",
    ),
    ("capability share", (("capability_share", "capability share"),), "share"),
)


def nation_history_figure(
    model: DefenseCooperationModel, nation: int, events: pd.DataFrame, end: int
) -> dict:
    """One nation over time: its partners and agreements, trust and threat, the
    sovereignty cost it bears against the benefit, its capability share, and the
    crises it was a party to."""
    name = model.names[nation]
    history = nations_table(model)
    mine = history[history["nation"] == name]
    steps = mine["step"]
    layout = _layout(
        _grid("nation"),
        title={"text": f"{name} over time, to step {model.steps}"},
        height=860,
        margin={**MARGIN, "t": 60, "b": 50},
        uirevision=f"nation-{name}",
    )
    data: list[dict] = []
    for number, (_, series, scale) in enumerate(NATION_PANELS, start=1):
        axis = "" if number == 1 else str(number)
        _panel_legend(layout, number)
        top = 0.0
        for line, (column, label) in enumerate(series):
            values = mine[column]
            top = max(top, float(values.max()) if len(values) else 0.0)
            data.append(
                _trace("scatter", steps, values, label, f"x{axis}", f"y{axis}")
                | {
                    "mode": "lines" if len(values) > 1 else "markers",
                    # the second series of a panel dotted: the two often coincide
                    "line": {
                        "color": SERIES_COLOURS[column],
                        "width": 2.5 if line == 0 else 2,
                        "dash": "solid" if line == 0 else "dot",
                    },
                    "marker": {"color": SERIES_COLOURS[column], "size": 7},
                    "legend": _legend_name(number),
                }
            )
        layout[f"xaxis{axis}"].update(_step_axis(end))
        if scale == "index":
            layout[f"yaxis{axis}"].update(_index_axis())
        elif scale == "count":
            layout[f"yaxis{axis}"].update(_count_axis(top))
        else:
            layout[f"yaxis{axis}"].update({"rangemode": "tozero"})
    number = len(NATION_PANELS) + 1
    axis = str(number)
    _panel_legend(layout, number, title="its crises:")
    crises = crises_by_step(events, name, model.steps)
    for outcome in CRISIS_OUTCOMES:
        label, colour = CRISIS_SERIES[outcome]
        data.append(
            _trace(
                "bar",
                list(range(model.steps + 1)),
                crises[outcome],
                label,
                f"x{axis}",
                f"y{axis}",
            )
            | {"marker": {"color": colour}, "legend": _legend_name(number)}
        )
    layout[f"xaxis{axis}"].update(_step_axis(end) | {"title": {"text": "step"}})
    layout[f"yaxis{axis}"].update(
        _count_axis(float(max(map(sum, zip(*crises.values())), default=0)))
    )
    layout["barmode"] = "stack"
    return {"data": data, "layout": layout}


def trust_figure(model: DefenseCooperationModel, nation: int) -> dict:
    """The nation's trust toward every other nation now, highest first, a bar each:
    partners (tied by an agreement in force) in one colour, the rest in another. The
    chart is as tall as the names need."""
    trust = model.state.trust[nation].astype(float)
    others = np.delete(np.arange(trust.size), nation)
    ranked = others[np.argsort(-trust[others], kind="stable")]
    tied = model.state.ties[nation, ranked].astype(bool)
    names = [model.names[i] for i in ranked]
    data = []
    for label, chosen, colour in (
        ("partners", tied, PARTNER_COLOUR),
        ("not tied", ~tied, NOT_TIED_COLOUR),
    ):
        data.append(
            {
                "type": "bar",
                "orientation": "h",
                "x": _numbers(trust[ranked][chosen]),
                "y": [n for n, keep in zip(names, chosen.tolist()) if keep],
                "name": label,
                "marker": {"color": colour},
                "hovertemplate": "%{y}: %{x:.3f}<extra></extra>",
            }
        )
    layout = _layout(
        title={
            "text": f"Trust toward the others, step {model.steps}<br>"
            '<span style="font-size: 12px">green: its partners (an agreement in force)</span>'
        },
        height=TRUST_ROW_HEIGHT * len(names) + 120,
        barmode="overlay",
        bargap=0.25,
        showlegend=False,
        margin={**MARGIN, "t": 95},
        xaxis={"range": [0, 1], "dtick": 0.2, "side": "top", "automargin": True},
        yaxis={
            "categoryorder": "array",
            "categoryarray": names[::-1],  # the highest at the top
            "automargin": True,
            "tickfont": {"size": 11},
            "dtick": 1,
        },
        uirevision=f"trust-{model.names[nation]}",
    )
    return {"data": data, "layout": layout}


def _legend_name(number: int) -> str:
    return "legend" if number == 1 else f"legend{number}"


def _panel_legend(layout: dict, number: int, title: str = "") -> None:
    """A legend for panel `number` above its top left, in one line: it names the panel's
    series, and so the panel."""
    axis = "yaxis" if number == 1 else f"yaxis{number}"
    layout[_legend_name(number)] = {
        "orientation": "h",
        "x": 0,
        "xanchor": "left",
        "y": layout[axis]["domain"][1],
        "yanchor": "bottom",
        "font": {"size": 12},
        "traceorder": "normal",
        **({"title": {"text": title, "side": "left"}} if title else {}),
    }


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


def _short(text: str, limit: int = 40) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


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


def _end(model, table: pd.DataFrame) -> int:
    """The last step a time axis shows: the scenario's end, or further if run further."""
    return max(getattr(model, "scenario_steps", 0), _last_step(table))


# the time axes grow by this many steps at a time
TIME_AXIS_STRIDE = 10


def time_axis_end(step: int, scenario_steps: int, pinned_steps: int = 0) -> int:
    """The last step a time axis shows: the steps run (or the pinned run's, if more),
    rounded up to the next multiple of `TIME_AXIS_STRIDE`, and no further than the
    scenario's end unless the runs went beyond it. So early steps are not squeezed
    into the corner of a 50-step axis, and the axis moves once in ten steps, not at
    every step."""
    reached = max(step, pinned_steps)
    rounded = max(TIME_AXIS_STRIDE, -(-reached // TIME_AXIS_STRIDE) * TIME_AXIS_STRIDE)
    return min(rounded, max(scenario_steps, reached))


def whole_number_step(top: float, ticks: int = 6) -> int:
    """A tick spacing of 1, 2 or 5 times a power of ten, at least 1, that puts at most
    about `ticks` ticks between 0 and `top`."""
    raw = max(top, 1.0) / ticks
    magnitude = 10 ** math.floor(math.log10(raw))
    for multiple in (1, 2, 5, 10):
        if multiple * magnitude >= raw:
            return max(1, int(multiple * magnitude))
    return max(1, int(10 * magnitude))  # pragma: no cover - the loop always returns


def _step_axis(end: int) -> dict:
    """Time, steps 0 to `end`, with whole-number ticks."""
    end = max(int(end), 1)
    return {
        "range": [-0.5, end + 0.5],
        "dtick": whole_number_step(end, 10),
        "tick0": 0,
    }


def _count_axis(top: float) -> dict:
    """A count from 0 to a little above `top`, with whole-number ticks."""
    top = max(float(top), 1.0)
    return {
        "range": [0, top * 1.08],
        "dtick": whole_number_step(top),
        "tick0": 0,
    }


def _index_axis() -> dict:
    """An index or rate: 0 to 1, whatever the values."""
    return {"range": [-0.02, 1.02], "dtick": 0.2, "tick0": 0}


def _layout(grid: dict | None = None, **properties) -> dict:
    """A figure's layout: Plotly's white template, the dashboard's margins and font,
    the axes of `grid`, then `properties`."""
    # copies: a caller may restyle the figure it gets without touching the next one
    layout = copy.deepcopy(
        {"template": _template(), "margin": MARGIN, "font": FONT, **(grid or {})}
    )
    layout.update(properties)
    if "title" in layout:
        # the title at the top left, above any legend and subplot title
        layout["title"] = {**TITLE_PLACE, **layout["title"]}
    return layout


@functools.cache
def _template() -> dict:
    """The layout part of Plotly's "plotly_white" template: the per-trace defaults of
    the full template are for trace types these charts do not use, and would be sent
    to the browser with every figure."""
    import plotly.io as pio

    return {"layout": pio.templates["plotly_white"].to_plotly_json()["layout"]}


# axes laid out as plotly.subplots.make_subplots lays them out (worked out once)
GRIDS: dict[str, dict] = {
    "outcomes": {
        "rows": 2,
        "cols": 2,
        "subplot_titles": (
            "stability index",
            "conflict prevention, pooled so far",
            "agreements in force",
            "escalations (fatal crises) so far",
        ),
        "vertical_spacing": 0.16,
        "horizontal_spacing": 0.09,
    },
    "agreements": {
        "rows": 1,
        "cols": 3,
        "subplot_titles": ("by kind", "by sector", "by depth"),
        "horizontal_spacing": 0.06,
    },
    "nation": {
        "rows": len(NATION_PANELS) + 1,
        "cols": 1,
        # no subplot titles: each panel's legend names it
        "vertical_spacing": 0.07,
        "shared_xaxes": False,
    },
}


@functools.cache
def _grid(name: str) -> dict:
    from plotly.subplots import make_subplots

    layout = make_subplots(**GRIDS[name]).layout.to_plotly_json()
    layout.pop("template", None)
    return layout
