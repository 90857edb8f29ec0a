"""Figures for briefings and papers, as Plotly figures the caller can restyle.

fig = metric_over_time(results, "stability_index")
fig.update_layout(title="...")        # restyle as any Plotly figure
export(fig, "stability.png")          # or .html (self-contained, works offline)
"""

from __future__ import annotations

from pathlib import Path

import networkx as nx
import numpy as np
import pandas as pd
import plotly.graph_objects as go
from plotly.subplots import make_subplots

from analysis.compare import CONFIDENCE, mean_interval
from analysis.network import network_at
from analysis.results import Results, ResultsError, run_statistics
from simulation.atomic_write import atomic_file
from simulation.domain import DEPTH_NAMES
from simulation.palette import (
    HEATMAP_COLOURSCALE,
    MARKER_OUTLINE_COLOUR,
    SERIES_COLOURS,
    group_colour,
    sector_colour,
)

TEMPLATE = "plotly_white"


def metric_over_time(
    results: Results,
    metric: str,
    by: str = "scenario",
    band: str = "ci",
    confidence: float = CONFIDENCE,
) -> go.Figure:
    """The metric's mean over replicates at each step, one line per group, with a band:
    `ci` (confidence interval of the mean), `range` (min to max) or `none`."""
    if metric not in results.outcomes:
        raise ResultsError(f"metric: {metric!r} is not a model outcome")
    if band not in ("ci", "range", "none"):
        raise ResultsError(f"band: expected ci, range or none, got {band!r}")
    model = results.model
    if by not in model:
        raise ResultsError(f"by: {by!r} is not a column of the model table")
    figure = go.Figure()
    for number, (group, rows) in enumerate(model.groupby(by, sort=True)):
        colour = group_colour(number)
        per_step = rows.groupby("step")[metric]
        mean = per_step.mean()
        steps = mean.index.to_numpy()
        if band == "ci":
            bounds = np.array(
                [mean_interval(v.to_numpy(dtype=float), confidence) for _, v in per_step]
            )
            low, high = bounds[:, 0], bounds[:, 1]
        elif band == "range":
            low, high = per_step.min().to_numpy(), per_step.max().to_numpy()
        if band != "none" and np.isfinite(low).any():
            figure.add_scatter(
                x=np.concatenate([steps, steps[::-1]]),
                y=np.concatenate([high, low[::-1]]),
                fill="toself",
                fillcolor=_transparent(colour, 0.18),
                line={"width": 0},
                hoverinfo="skip",
                showlegend=False,
                legendgroup=str(group),
            )
        figure.add_scatter(
            x=steps,
            y=mean.to_numpy(),
            name=f"{by}={group}" if by != "scenario" else str(group),
            line={"color": colour, "width": 2},
            legendgroup=str(group),
        )
    replicates = int(model.groupby(by)["run_id"].nunique().min())
    shown = {"ci": f"{confidence:.0%} CI of the mean", "range": "min to max", "none": ""}[band]
    figure.update_layout(
        template=TEMPLATE,
        title=f"{metric} over time (mean of {replicates}+ replicates"
        + (f"; band: {shown})" if shown else ")"),
        xaxis_title="step",
        yaxis_title=metric,
    )
    return figure


def sweep_heatmap(
    results: Results,
    metric: str,
    x: str,
    y: str,
    statistic: str = "mean",
    scenario: str | None = None,
) -> go.Figure:
    """The metric (summarised per run, then averaged over replicates) over two swept
    parameters."""
    for name, column in (("x", x), ("y", y)):
        if column not in results.parameters:
            raise ResultsError(
                f"{name}: {column!r} is not a swept parameter; expected one of "
                + (", ".join(results.parameters) or "none (not a sweep)")
            )
    if x == y:
        raise ResultsError(f"x, y: expected two different parameters, got {x!r} twice")
    per_run = run_statistics(results, metric, statistic)
    if scenario is None:
        scenario = results.scenarios[0]
    per_run = per_run[per_run["scenario"] == scenario]
    grid = per_run.groupby([y, x])[metric].mean().unstack(x)
    figure = go.Figure(
        go.Heatmap(
            x=[f"{v:g}" for v in grid.columns],
            y=[f"{v:g}" for v in grid.index],
            z=grid.to_numpy(),
            colorscale=HEATMAP_COLOURSCALE,
            colorbar={"title": {"text": metric}},
            texttemplate="%{z:.3g}",
            hovertemplate=f"{x}=%{{x}}<br>{y}=%{{y}}<br>{metric}=%{{z:.4g}}<extra></extra>",
        )
    )
    figure.update_layout(
        template=TEMPLATE,
        title=f"{metric} ({statistic} over a run, mean of replicates), {scenario}",
        xaxis_title=x,
        yaxis_title=y,
    )
    return figure


def sensitivity_bars(table: pd.DataFrame) -> go.Figure:
    """Sobol first-order and total indices (or Morris mu* and sigma), with their
    confidence intervals, one bar group per parameter. Takes the table from
    `analysis.sensitivity.sensitivity_indices(...).table` (or its CSV)."""
    sobol = "ST" in table
    ordered = table.sort_values("ST" if sobol else "mu_star", ascending=True)
    pairs = (
        [("S1", "S1_conf", "first-order S1"), ("ST", "ST_conf", "total ST")]
        if sobol
        else [("mu_star", "mu_star_conf", "mu*"), ("sigma", None, "sigma")]
    )
    figure = go.Figure()
    for value, conf, label in pairs:
        figure.add_bar(
            y=ordered["parameter"],
            x=ordered[value],
            orientation="h",
            name=label,
            marker_color=SERIES_COLOURS[value],
            error_x={"type": "data", "array": ordered[conf]} if conf else None,
        )
    metric = table["metric"].iloc[0] if "metric" in table else "the metric"
    figure.update_layout(
        template=TEMPLATE,
        barmode="group",
        title=("Sobol indices" if sobol else "Morris elementary effects") + f" of {metric}",
        xaxis_title="index (95% CI)" if sobol else "effect over each parameter's range",
    )
    return figure


def network_figure(
    results: Results, step: int | None = None, run_id: str | None = None, seed: int = 0
) -> go.Figure:
    """The agreement network of one run at a step: nations coloured by region and
    sized by capability, ties coloured by sector and widened by depth. The layout
    is a seeded spring layout, so the same call draws the same picture."""
    graph = network_at(results, step, run_id)
    nodes = graph.number_of_nodes()
    # a longer spring than networkx's default keeps dense regional clusters legible
    positions = nx.spring_layout(graph, seed=seed, k=3 / np.sqrt(max(nodes, 1))) if nodes else {}
    figure = go.Figure()
    styles: dict[tuple[str, int], list] = {}
    for first, second, data in graph.edges(data=True):
        styles.setdefault((data["sector"], data["depth"]), []).append((first, second))
    sectors_shown = set()
    for (sector, depth), edges in sorted(styles.items()):
        xs, ys = [], []
        for first, second in edges:
            xs += [positions[first][0], positions[second][0], None]
            ys += [positions[first][1], positions[second][1], None]
        figure.add_scatter(
            x=xs,
            y=ys,
            mode="lines",
            line={"width": 0.7 * max(depth, 1), "color": sector_colour(sector)},
            opacity=0.6,
            hoverinfo="skip",
            name=sector,
            legendgroup=sector,
            showlegend=sector not in sectors_shown,
            legendgrouptitle={"text": "ties (wider: deeper)"} if not sectors_shown else None,
        )
        sectors_shown.add(sector)
    regions = sorted({data.get("region", "nations") for _, data in graph.nodes(data=True)})
    largest = max((d.get("capability", 1.0) for _, d in graph.nodes(data=True)), default=1.0)
    for number, region in enumerate(regions):
        nodes = [n for n, d in graph.nodes(data=True) if d.get("region", "nations") == region]
        sizes = [6 + 18 * np.sqrt(graph.nodes[n].get("capability", 1.0) / largest) for n in nodes]
        figure.add_scatter(
            x=[positions[n][0] for n in nodes],
            y=[positions[n][1] for n in nodes],
            mode="markers",
            marker={
                "size": sizes,
                "color": group_colour(number),
                "line": {"width": 1, "color": MARKER_OUTLINE_COLOUR},
            },
            text=[f"{n}<br>partners {graph.degree(n)}" for n in nodes],
            hoverinfo="text",
            name=region,
            legendgroup="regions",
            legendgrouptitle={"text": "nations (size: capability)"} if number == 0 else None,
        )
    figure.update_layout(
        template=TEMPLATE,
        height=650,
        title=f"Agreement network of {graph.graph['run_id']} at step {graph.graph['step']} "
        f"({graph.number_of_edges()} tied pairs)",
        xaxis={"visible": False},
        yaxis={"visible": False, "scaleanchor": "x"},
    )
    return figure


def survival_table(results: Results, by: str = "sector") -> pd.DataFrame:
    """Kaplan-Meier survival of agreements (steps from signing to ending), by a column
    of the agreements table (`sector`, `kind`, `max_depth`, `initial_depth`,
    `scenario`...). Agreements still in force at the end of their run are censored
    there. Columns: the group, `duration`, `at_risk`, `ended`, `survival`."""
    agreements = results.agreements
    if by not in agreements:
        raise ResultsError(f"by: {by!r} is not a column of the agreements table")
    last_step = results.model.groupby("run_id")["step"].max()
    end = agreements["ended_step"].astype("Float64")
    ended = end.notna().to_numpy()
    stop = np.where(ended, end.fillna(0), agreements["run_id"].map(last_step).to_numpy())
    duration = stop.astype(float) - agreements["signed_step"].to_numpy(dtype=float)
    frame = pd.DataFrame({by: agreements[by].to_numpy(), "duration": duration, "ended": ended})
    rows = []
    for group, rows_in_group in frame.groupby(by, sort=True):
        rows += [
            {by: group, **row}
            for row in kaplan_meier(
                rows_in_group["duration"].to_numpy(), rows_in_group["ended"].to_numpy()
            )
        ]
    return pd.DataFrame(rows, columns=[by, "duration", "at_risk", "ended", "survival"])


def kaplan_meier(duration: np.ndarray, ended: np.ndarray) -> list[dict]:
    """The Kaplan-Meier estimate: at each time an agreement ended, survival falls by the
    share of those still at risk that ended then. Starts at (0, 1)."""
    curve = [{"duration": 0.0, "at_risk": int(duration.size), "ended": 0, "survival": 1.0}]
    survival = 1.0
    for time in np.unique(duration[ended]):
        at_risk = int((duration >= time).sum())
        ending = int(((duration == time) & ended).sum())
        survival *= 1.0 - ending / at_risk
        curve.append(
            {"duration": float(time), "at_risk": at_risk, "ended": ending, "survival": survival}
        )
    followed = float(duration.max()) if duration.size else 0.0
    if followed > curve[-1]["duration"]:  # carried on to the longest follow-up
        at_risk = int((duration >= followed).sum())
        curve.append({"duration": followed, "at_risk": at_risk, "ended": 0, "survival": survival})
    return curve


def survival_figure(results: Results, by: tuple[str, ...] = ("sector", "max_depth")) -> go.Figure:
    """Agreement survival (Kaplan-Meier, time to ending) side by side for each grouping."""
    figure = make_subplots(
        rows=1, cols=len(by), shared_yaxes=True, subplot_titles=[f"by {b}" for b in by]
    )
    for column, grouping in enumerate(by, start=1):
        table = survival_table(results, grouping)
        for number, (group, curve) in enumerate(table.groupby(grouping, sort=True)):
            if grouping == "sector":
                colour = sector_colour(group)
                label = str(group)
            else:
                colour = group_colour(number)
                label = DEPTH_NAMES.get(group, group) if "depth" in grouping else group
            figure.add_scatter(
                x=curve["duration"],
                y=curve["survival"],
                mode="lines",
                line={"shape": "hv", "color": colour},
                name=f"{label} (n={curve['at_risk'].iloc[0]})",
                legendgroup=grouping,
                legendgrouptitle={"text": grouping},
                row=1,
                col=column,
            )
        figure.update_xaxes(title_text="steps since signing", row=1, col=column)
    figure.update_yaxes(title_text="share still in force", range=[0, 1.02], row=1, col=1)
    figure.update_layout(template=TEMPLATE, title="Agreement survival (Kaplan-Meier)")
    return figure


def exits_by_reason(results: Results, by: str = "scenario") -> go.Figure:
    """Exits from agreements per run, by reason, for each group (stacked bars)."""
    events = results.events
    if by not in events:
        raise ResultsError(f"by: {by!r} is not a column of the events table")
    exits = events[events["event"] == "exited"]
    runs_per_group = results.runs.groupby(by)["run_id"].nunique()
    counts = exits.groupby([by, "reason"]).size().unstack("reason", fill_value=0)
    counts = counts.reindex(runs_per_group.index, fill_value=0).div(runs_per_group, axis=0)
    figure = go.Figure()
    for number, reason in enumerate(counts.columns):
        figure.add_bar(
            x=[str(g) for g in counts.index],
            y=counts[reason],
            name=str(reason).replace("_", " "),
            marker_color=group_colour(number),
        )
    figure.update_layout(
        template=TEMPLATE,
        barmode="stack",
        title="Exits from agreements by reason (per run)",
        xaxis_title=by,
        yaxis_title="exits per run",
    )
    return figure


def export(figure: go.Figure, path: str | Path, scale: float = 2.0) -> Path:
    """Write a figure as PNG/SVG/PDF (for papers; needs Chromium, via kaleido) or HTML
    (self-contained: plotly.js is embedded, so it opens with no network)."""
    path = Path(path)
    if path.suffix not in (".html", ".png", ".svg", ".pdf", ".jpg", ".jpeg", ".webp"):
        raise ResultsError(f"{path}: expected .png, .svg, .pdf or .html")
    with atomic_file(path) as temporary:
        if path.suffix == ".html":
            figure.write_html(temporary, include_plotlyjs=True, full_html=True)
        else:
            # the temporary's name hides the format: say it
            figure.write_image(
                temporary,
                format=path.suffix[1:],
                scale=scale,
                width=figure.layout.width or 900,
                height=figure.layout.height or 500,
            )
    return path


def _transparent(colour: str, alpha: float) -> str:
    red, green, blue = (int(colour[i : i + 2], 16) for i in (1, 3, 5))
    return f"rgba({red},{green},{blue},{alpha})"
