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
from plotly.colors import sample_colorscale
from plotly.subplots import make_subplots
from scipy import stats

from analysis.compare import CONFIDENCE, mean_interval
from analysis.measures import INDEX_BOUNDS, POOLED_RATES, bounds, clip_to, describe_statistic
from analysis.network import network_at
from analysis.results import IDENTITY, Results, ResultsError, run_statistics
from simulation.atomic_write import atomic_file
from simulation.domain import DEPTH_NAMES
from simulation.palette import (
    DIVERGING_COLOURSCALE,
    HIGHLIGHT_COLOUR,
    MARKER_OUTLINE_COLOUR,
    ORDERED_COLOURSCALE,
    ORDERED_COLOURSCALE_END,
    SERIES_COLOURS,
    THRESHOLD_LINE_COLOUR,
    TRANSPARENT,
    group_colour,
    sector_colour,
)

TEMPLATE = "plotly_white"


# at most this many lines (or facets) a chart: beyond it, values are grouped in bins
MAX_LINES = 6
OVER_TIME_BINS = 4
HEATMAP_BINS = 5
# a sampled design's parameter takes as many values as it has points: binned, not ticked
MAX_HEATMAP_VALUES = 8
MAX_EFFECT_BINS = 10
MAX_DOTS = 3000


def value_label(value: object) -> str:
    """A parameter's value as a reader would write it: yes/no, 0.25, a name."""
    if isinstance(value, bool | np.bool_):
        return "yes" if value else "no"
    if isinstance(value, float | np.floating):
        return f"{value:g}"
    return str(value)


def metric_over_time(
    results: Results,
    metric: str,
    by: str = "scenario",
    band: str = "ci",
    confidence: float = CONFIDENCE,
    facet: str | None = None,
    bins: int | None = None,
) -> go.Figure:
    """The metric's mean over replicates at each step, one line per group, with a band:
    `ci` (confidence interval of the mean), `range` (min to max) or `none`.

    `by` is any column of the model table (`scenario`, `point`, a swept parameter);
    `facet` draws one panel per value of another; `bins` groups a numeric `by` with many
    values into that many bins of equal runs. A rate of two counts
    (`conflict_prevention_rate`) is pooled at each step over the group's runs
    (prevented / crises), not averaged. Bands never leave the range the metric can take
    (`analysis.measures.bounds`)."""
    if metric not in results.outcomes:
        raise ResultsError(f"metric: {metric!r} is not a model outcome")
    if band not in ("ci", "range", "none"):
        raise ResultsError(f"band: expected ci, range or none, got {band!r}")
    model = results.model
    for name, column in (("by", by), ("facet", facet)):
        if column is not None and column not in model:
            raise ResultsError(f"{name}: {column!r} is not a column of the model table")
    model = model.assign(_line=_grouping(model, by, bins))
    panels = sorted(model[facet].unique(), key=_order) if facet else [None]
    figure = make_subplots(
        rows=1,
        cols=len(panels),
        shared_yaxes=True,
        # a long name repeated over many narrow panels runs into its neighbours: named once
        subplot_titles=(
            [f"{facet} = {value_label(v)}" for v in panels]
            if facet and len(panels) <= 3
            else [value_label(v) for v in panels]
            if facet
            else None
        ),
        horizontal_spacing=0.03,
    )
    lines = sorted(model["_line"].unique(), key=_order)
    colours = _line_colours(lines, ordered=by not in ("scenario", "point"))
    limits = bounds(metric)
    for column, panel in enumerate(panels, start=1):
        rows_in_panel = model if facet is None else model[model[facet] == panel]
        for line in lines:
            rows = rows_in_panel[rows_in_panel["_line"] == line]
            if rows.empty:
                continue
            steps, mean, low, high = _per_step(rows, metric, band, confidence)
            low, high = clip_to(low, limits), clip_to(high, limits)
            colour = colours[line]
            name = line
            if band != "none" and np.isfinite(low).any():
                figure.add_scatter(
                    x=np.concatenate([steps, steps[::-1]]),
                    y=np.concatenate([high, low[::-1]]),
                    fill="toself",
                    mode="lines",
                    fillcolor=_transparent(colour, 0.15),
                    line={"width": 0},
                    hoverinfo="skip",
                    showlegend=False,
                    legendgroup=str(line),
                    row=1,
                    col=column,
                )
            figure.add_scatter(
                x=steps,
                y=mean,
                name=str(name),
                line={"color": colour, "width": 2},
                legendgroup=str(line),
                showlegend=column == 1,
                row=1,
                col=column,
            )
        figure.update_xaxes(title_text="step", row=1, col=column)
    replicates = int(model.groupby("_line")["run_id"].nunique().min())
    shown = {"ci": f"{confidence:.0%} CI of the mean", "range": "min to max", "none": ""}[band]
    pooled = " pooled over runs" if metric in POOLED_RATES else ""
    figure.update_layout(
        template=TEMPLATE,
        title=f"{metric} over time ({replicates}+ runs a line{pooled}"
        + (f"; band: {shown})" if shown else ")")
        + (f"<br><sup>panels: {facet}</sup>" if facet and len(panels) > 3 else ""),
        yaxis_title=metric,
        legend_title_text=by if bins is None and by != "point" else "",
    )
    if len(panels) > 1:
        figure.update_layout(width=max(900, 330 * len(panels)))
    return figure


def over_time_split(results: Results, metric: str) -> dict:
    """How to split a results folder's over-time chart of `metric` so that it shows the
    contrast the sweep was run for: by scenario (a run, or a sweep of scenarios alone);
    by design point when there are few; else by the swept parameter that moves the
    metric most (by rank correlation with its run summary), in bins when it takes many
    values, in panels by a second few-valued parameter of a grid (or by scenario).
    The keyword arguments of `metric_over_time`, plus `note`: the split in words."""
    parameters = results.parameters
    scenarios = results.scenarios
    if not parameters:
        return {"by": "scenario", "note": "one line a scenario"}
    points = int(results.manifest.get("points", 1))
    facet = "scenario" if len(scenarios) > 1 else None
    if points <= MAX_LINES:
        return {
            "by": "point",
            "facet": facet,
            "note": "one line a design point" + (", a panel a scenario" if facet else ""),
        }
    ranked = rank_parameters(results, metric)
    first = ranked[0]
    values = results.runs[first].nunique()
    split = {"by": first, "facet": facet}
    if values > MAX_LINES:
        split["bins"] = OVER_TIME_BINS
        note = f"lines: {first} in {OVER_TIME_BINS} bins of equal runs"
    else:
        note = f"a line for each value of {first}"
    if facet is None and len(ranked) > 1 and results.manifest.get("design") == "grid":
        second = ranked[1]
        if results.runs[second].nunique() <= MAX_LINES:
            split["facet"] = second
            note += f", a panel for each value of {second}"
    elif facet:
        note += ", a panel a scenario"
    others = [p for p in parameters if p not in (split["by"], split.get("facet"))]
    if others:
        note += f"; each line pools the runs over {', '.join(others)}"
    split["note"] = note + f" ({first} moves {metric} most)"
    return split


def rank_parameters(results: Results, metric: str, statistic: str = "mean") -> list[str]:
    """The swept parameters, the one whose values go most with the metric's run summary
    first (absolute Spearman rank correlation; non-numeric values by their order)."""
    per_run = run_statistics(results, metric, statistic).dropna(subset=[metric])
    strength = {}
    for parameter in results.parameters:
        codes = pd.Series(pd.factorize(per_run[parameter], sort=True)[0], index=per_run.index)
        numeric = pd.to_numeric(per_run[parameter], errors="coerce")
        x = codes if numeric.isna().any() else numeric.astype(float)
        if x.nunique() < 2 or per_run[metric].nunique() < 2:
            strength[parameter] = 0.0
            continue
        correlation = stats.spearmanr(x, per_run[metric]).statistic
        strength[parameter] = 0.0 if not np.isfinite(correlation) else abs(float(correlation))
    return sorted(results.parameters, key=lambda p: -strength[p])


def _grouping(model: pd.DataFrame, by: str, bins: int | None) -> pd.Series:
    """The line each row belongs to: its `by` value's label, or its bin's."""
    if by == "point":
        return point_labels(model)
    column = model[by]
    if bins is None or column.nunique() <= bins or not pd.api.types.is_numeric_dtype(column):
        return column.map(value_label) if by != "scenario" else column.astype(str)
    return binned(column, bins, by, per=model["run_id"])


def point_labels(frame: pd.DataFrame) -> pd.Series:
    """`point` as the values it sets ("sovereignty_weight 0.5, share 1"), scenario apart."""
    parameters = [c for c in frame.columns if c not in IDENTITY and c in _parameter_columns(frame)]
    labels = frame[parameters].apply(
        lambda row: ", ".join(f"{k} {value_label(v)}" for k, v in row.items()), axis=1
    )
    return labels if parameters else frame["point"].map(lambda p: f"point {p}")


def _parameter_columns(frame: pd.DataFrame) -> list[str]:
    columns = list(frame.columns)
    end = columns.index("step") if "step" in columns else len(columns)
    return [c for c in columns[:end] if c not in IDENTITY]


def binned(values: pd.Series, bins: int, name: str, per: pd.Series | None = None) -> pd.Series:
    """Each value's bin among `bins` bins holding about as many runs each (quantiles of
    one value a run when `per` names the runs), labelled by its range."""
    distinct = values if per is None else values.groupby(per).first()
    edges = np.unique(np.quantile(distinct.to_numpy(dtype=float), np.linspace(0, 1, bins + 1)))
    if edges.size < 2:
        return values.map(value_label)
    codes = np.clip(
        np.searchsorted(edges, values.to_numpy(dtype=float), side="right") - 1, 0, edges.size - 2
    )
    labels = [f"{name} {edges[i]:.3g}-{edges[i + 1]:.3g}" for i in range(edges.size - 1)]
    return pd.Series(pd.Categorical.from_codes(codes, labels, ordered=True), index=values.index)


def _order(value: object) -> tuple:
    """Sort key that puts bins and numbers in their order and text alphabetically."""
    if isinstance(value, str):
        head = value.rsplit(" ", 1)[-1].split("-")[0]
        try:
            return (0, float(head), value)
        except ValueError:
            try:
                return (0, float(value), value)
            except ValueError:
                return (1, 0.0, value)
    if isinstance(value, bool | np.bool_):
        return (0, float(value), str(value))
    if isinstance(value, int | float | np.number):
        return (0, float(value), str(value))
    return (1, 0.0, str(value))


def _line_colours(lines: list, ordered: bool) -> dict:
    """Categorical colours, or a ramp from low to high for the values of a parameter."""
    if not ordered or len(lines) < 2:
        return {line: group_colour(number) for number, line in enumerate(lines)}
    positions = np.linspace(0, ORDERED_COLOURSCALE_END, len(lines))
    ramp = sample_colorscale(ORDERED_COLOURSCALE, list(positions), colortype="rgb")
    return {line: _as_hex(colour) for line, colour in zip(lines, ramp, strict=True)}


def _as_hex(colour: str) -> str:
    if colour.startswith("#"):
        return colour
    red, green, blue = (round(float(c)) for c in colour[colour.index("(") + 1 : -1].split(","))
    return f"#{red:02x}{green:02x}{blue:02x}"


def _per_step(
    rows: pd.DataFrame, metric: str, band: str, confidence: float
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Steps, the mean over the rows' runs at each, and the band's low and high."""
    rate = POOLED_RATES.get(metric)
    if rate is None:
        per_step = rows.groupby("step")[metric]
        mean = per_step.mean()
        if band == "ci":
            bounds_ = np.array(
                [mean_interval(v.to_numpy(dtype=float), confidence) for _, v in per_step]
            )
            low, high = bounds_[:, 0], bounds_[:, 1]
        else:
            low, high = per_step.min().to_numpy(), per_step.max().to_numpy()
        return mean.index.to_numpy(), mean.to_numpy(dtype=float), low, high
    steps, means, lows, highs = [], [], [], []
    for step, at_step in rows.groupby("step"):
        numerator = at_step[rate.numerator].to_numpy(dtype=float)
        denominator = at_step[rate.denominator].to_numpy(dtype=float)
        steps.append(step)
        if denominator.sum() == 0:  # no crisis in any run: no rate to draw
            means.append(np.nan)
            lows.append(np.nan)
            highs.append(np.nan)
            continue
        pooled = numerator.sum() / denominator.sum()
        means.append(pooled)
        if band == "ci":
            low, high = ratio_interval(numerator, denominator, confidence)
        else:
            defined = denominator > 0
            each = numerator[defined] / denominator[defined]
            low, high = float(each.min()), float(each.max())
        lows.append(low)
        highs.append(high)
    return np.array(steps), np.array(means), np.array(lows), np.array(highs)


def ratio_interval(
    numerator: np.ndarray, denominator: np.ndarray, confidence: float = CONFIDENCE
) -> tuple[float, float]:
    """t interval of a pooled rate sum(numerator) / sum(denominator) over runs, each run
    a cluster (the ratio estimator's linearised variance); NaN with fewer than 2 runs."""
    runs = numerator.size
    if runs < 2 or denominator.sum() == 0:
        return float("nan"), float("nan")
    ratio = numerator.sum() / denominator.sum()
    residuals = numerator - ratio * denominator
    spread = np.sqrt((residuals**2).sum() / (runs - 1) / runs) / denominator.mean()
    half = stats.t.ppf(0.5 + confidence / 2, runs - 1) * spread
    return float(ratio - half), float(ratio + half)


def sweep_heatmap(
    results: Results,
    metric: str,
    x: str,
    y: str,
    statistic: str = "mean",
    scenario: str | None = None,
    centre: float | str = "reference",
) -> go.Figure:
    """The metric (summarised per run, then averaged over the runs of a cell) over two
    swept parameters, each cell annotated with its value and the half-width of its 95%
    interval.

    A parameter with more than a few values (a sampled design's) is grouped into bins of
    equal runs. Colours diverge from `centre`: "reference" (the cell of the lowest
    values of both, the design's first point), "mean" (all runs of the scenario), or a
    number (0.5 for the stability index, say); blue above, red below, and a difference
    within the cells' typical interval stays pale."""
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
    per_run = per_run[per_run["scenario"] == scenario].dropna(subset=[metric])
    cells = per_run.assign(_x=_heatmap_axis(per_run, x), _y=_heatmap_axis(per_run, y)).groupby(
        ["_y", "_x"], observed=True
    )[metric]
    summary = cells.agg(["mean", "count"])
    summary["half"] = [
        (lambda lh: (lh[1] - lh[0]) / 2)(mean_interval(v.to_numpy(dtype=float))) for _, v in cells
    ]
    xs = sorted(summary.index.get_level_values("_x").unique(), key=_order)
    ys = sorted(summary.index.get_level_values("_y").unique(), key=_order)
    grid = summary["mean"].unstack("_x").reindex(index=ys, columns=xs)
    half = summary["half"].unstack("_x").reindex(index=ys, columns=xs)
    count = summary["count"].unstack("_x").reindex(index=ys, columns=xs)
    z = grid.to_numpy(dtype=float)
    if centre == "reference" and np.isfinite(z[0, 0]):
        middle, centre_text = z[0, 0], f"the cell {x} {xs[0]}, {y} {ys[0]}"
    elif centre in ("reference", "mean"):  # the first cell may hold no run of a sample
        middle, centre_text = float(per_run[metric].mean()), "the mean of all runs"
    else:
        middle, centre_text = float(centre), f"{float(centre):g}"
    halves = half.to_numpy(dtype=float)
    noise = float(np.nanmedian(halves)) if np.isfinite(halves).any() else 0.0
    spread = float(np.nanmax(np.abs(z - middle))) if np.isfinite(z).any() else 0.0
    scale, low, high = diverging_scale(middle, max(spread, noise, 1e-12), bounds(metric))
    text = [
        [
            ""
            if not np.isfinite(value)
            else f"<b>{value:.3g}</b>" + (f"<br>±{h:.2g}" if np.isfinite(h) else "")
            for value, h in zip(row_z, row_h, strict=True)
        ]
        for row_z, row_h in zip(z, half.to_numpy(dtype=float), strict=True)
    ]
    figure = go.Figure(
        go.Heatmap(
            x=[str(v) for v in xs],
            y=[str(v) for v in ys],
            z=z,
            zmin=low,
            zmax=high,
            colorscale=scale,
            colorbar={"title": {"text": metric.replace("_", " ")}},
            text=text,
            texttemplate="%{text}",
            customdata=np.dstack([half.to_numpy(dtype=float), count.to_numpy(dtype=float)]),
            hovertemplate=f"{x} %{{x}}<br>{y} %{{y}}<br>{metric} %{{z:.4g}} "
            "± %{customdata[0]:.2g} (95% CI)<br>%{customdata[1]} runs<extra></extra>",
        )
    )
    figure.update_layout(
        template=TEMPLATE,
        title=f"{metric} ({describe_statistic(metric, statistic)}, mean of runs), {scenario}"
        f"<br><sup>white: {centre_text}; blue above it, red below; cells: the mean and "
        "± its 95% interval</sup>",
        xaxis={"title": {"text": _axis_title(per_run, x)}, "type": "category"},
        yaxis={"title": {"text": _axis_title(per_run, y)}, "type": "category"},
        height=max(420, 70 * len(ys) + 160),
    )
    return figure


def diverging_scale(
    middle: float, reach: float, limits: tuple[float, float]
) -> tuple[list, float, float]:
    """A diverging colour scale white at `middle` and full at `reach` either side, cut to
    the range the measure can take (so a colour bar never shows values it cannot have):
    the scale, its low and its high end. Equal distances from `middle` keep equal
    shades on both sides, however the range is cut."""
    low = max(middle - reach, limits[0])
    high = min(middle + reach, limits[1])
    if not high > low:
        high = low + 1e-12
    first, last = ((value - (middle - reach)) / (2 * reach) for value in (low, high))
    positions = set(np.linspace(first, last, 11).tolist())
    if first < 0.5 < last:
        positions.add(0.5)  # the white itself, not a blend of its neighbours
    positions = sorted(min(max(p, 0.0), 1.0) for p in positions)
    colours = sample_colorscale(DIVERGING_COLOURSCALE, positions)
    width = max(last - first, 1e-12)
    scale = [[(p - first) / width, colour] for p, colour in zip(positions, colours, strict=True)]
    scale[0][0], scale[-1][0] = 0.0, 1.0
    return scale, low, high


def _heatmap_axis(per_run: pd.DataFrame, column: str) -> pd.Series:
    values = per_run[column]
    if values.nunique() > MAX_HEATMAP_VALUES and pd.api.types.is_numeric_dtype(values):
        return binned(values, HEATMAP_BINS, "").astype(str).str.strip()
    return values.map(value_label)


def _axis_title(per_run: pd.DataFrame, column: str) -> str:
    values = per_run[column]
    if values.nunique() > MAX_HEATMAP_VALUES and pd.api.types.is_numeric_dtype(values):
        return f"{column} ({HEATMAP_BINS} bins of equal runs)"
    return column


def parameter_effects(
    results: Results, metric: str, statistic: str = "mean", scenario: str | None = None
) -> go.Figure:
    """How the metric's run summary goes with each swept parameter, one panel each:
    every run as a faint dot, and the mean of the runs at each value (or in each of up to
    ten bins of equal runs) with its 95% interval. The other parameters vary across the
    runs of a panel, so a flat mean says the parameter matters little on its own, and a
    wide scatter that others (or noise) matter. Reads a 320-point Sobol design as well as
    a grid."""
    per_run = run_statistics(results, metric, statistic)
    if scenario is None:
        scenario = results.scenarios[0]
    per_run = per_run[per_run["scenario"] == scenario].dropna(subset=[metric])
    parameters = rank_parameters(results, metric, statistic)
    columns = min(len(parameters), 4)
    rows = -(-len(parameters) // columns)
    figure = make_subplots(
        rows=rows,
        cols=columns,
        shared_yaxes=True,
        subplot_titles=parameters,
        vertical_spacing=0.12 if rows > 1 else 0.0,
        horizontal_spacing=0.04,
    )
    limits = bounds(metric)
    colour = SERIES_COLOURS.get(metric, group_colour(0))
    for number, parameter in enumerate(parameters):
        row, column = number // columns + 1, number % columns + 1
        values = per_run[parameter]
        numeric = pd.api.types.is_numeric_dtype(values) and not pd.api.types.is_bool_dtype(values)
        if len(per_run) <= MAX_DOTS:
            figure.add_scatter(
                x=values if numeric else values.map(value_label),
                y=per_run[metric],
                mode="markers",
                marker={"size": 4, "color": colour, "opacity": 0.25},
                showlegend=False,
                hoverinfo="skip",
                row=row,
                col=column,
            )
        if numeric and values.nunique() > MAX_EFFECT_BINS:
            groups = binned(values, MAX_EFFECT_BINS, parameter)
            centres = values.groupby(groups, observed=True).mean()
        else:
            groups = values
            centres = None
        summary = per_run.groupby(groups, observed=True)[metric].agg(list)
        keys = list(summary.index)
        xs = [centres[k] for k in keys] if centres is not None else keys
        if not numeric:
            xs = [value_label(k) for k in keys]
        means = np.array([np.mean(v) for v in summary])
        intervals = clip_to(
            np.array([mean_interval(np.asarray(v, dtype=float)) for v in summary]), limits
        )
        if np.isfinite(intervals).any():
            figure.add_scatter(
                x=list(xs) + list(xs)[::-1],
                y=np.concatenate([intervals[:, 1], intervals[::-1, 0]]),
                fill="toself",
                mode="lines",
                fillcolor=_transparent(colour, 0.2),
                line={"width": 0},
                hoverinfo="skip",
                showlegend=False,
                row=row,
                col=column,
            )
        figure.add_scatter(
            x=xs,
            y=means,
            mode="lines+markers",
            line={"color": colour, "width": 2},
            name="mean of the runs (95% CI)",
            showlegend=number == 0,
            row=row,
            col=column,
        )
    figure.update_yaxes(title_text=metric, col=1)
    figure.update_layout(
        template=TEMPLATE,
        title=f"{metric} ({describe_statistic(metric, statistic)}) against each parameter, "
        f"{scenario}<br><sup>every run a dot; the line: the mean of the runs at each value "
        "(or bin), 95% CI; the other parameters vary along each panel</sup>",
        height=300 * rows + 120,
        legend={"orientation": "h", "y": -0.12},
    )
    return figure


def sensitivity_bars(table: pd.DataFrame) -> go.Figure:
    """Sobol first-order and total indices (or Morris mu* and sigma), with their
    confidence intervals, one bar pair per parameter. Takes the table from
    `analysis.sensitivity.sensitivity_indices(...).table` (or its CSV). An interval is
    drawn only within the range the index can take ([0, 1] for a Sobol index, 0 and up
    for mu*); an estimate outside it is drawn as computed, and marked."""
    sobol = "ST" in table
    ordered = table.sort_values("ST" if sobol else "mu_star", ascending=True)
    pairs = (
        [("S1", "S1_conf", "first-order S1"), ("ST", "ST_conf", "total ST")]
        if sobol
        else [("mu_star", "mu_star_conf", "mu*"), ("sigma", None, "sigma")]
    )
    limits = INDEX_BOUNDS if sobol else (0.0, np.inf)
    positions = np.arange(len(ordered), dtype=float)
    figure = go.Figure()
    for offset, (value, conf, label) in zip((-0.2, 0.2), pairs, strict=True):
        estimates = ordered[value].to_numpy(dtype=float)
        figure.add_bar(
            y=positions + offset,
            x=estimates,
            width=0.38,
            orientation="h",
            name=label,
            marker_color=SERIES_COLOURS[value],
            hovertemplate=f"{label} %{{x:.3f}}<extra></extra>",
        )
        if conf is None:
            continue
        half = ordered[conf].to_numpy(dtype=float)
        low = clip_to(estimates - half, limits)
        high = clip_to(estimates + half, limits)
        xs, ys = [], []
        for position, a, b in zip(positions + offset, low, high, strict=True):
            if np.isfinite(a) and np.isfinite(b) and b > a:
                xs += [a, b, None]
                ys += [position, position, None]
        figure.add_scatter(
            x=xs,
            y=ys,
            mode="lines",
            line={"color": THRESHOLD_LINE_COLOUR, "width": 1.5},
            name="95% CI",
            showlegend=offset < 0,
            legendgroup="intervals",
            hoverinfo="skip",
        )
        # an estimate outside the range beyond its interval: what the warnings name
        outside = (estimates + half < limits[0]) | (estimates - half > limits[1])
        if outside.any():
            figure.add_scatter(
                x=np.clip(
                    estimates[outside], limits[0], limits[1] if np.isfinite(limits[1]) else None
                ),
                y=(positions + offset)[outside],
                mode="markers",
                marker={"symbol": "x", "size": 9, "color": HIGHLIGHT_COLOUR},
                name="outside [0, 1] beyond its interval (see the warnings)",
                hoverinfo="skip",
            )
    metric = table["metric"].iloc[0] if "metric" in table else "the metric"
    reduction = (
        f" ({describe_statistic(metric, table['statistic'].iloc[0])})"
        if "statistic" in table
        else ""
    )
    figure.update_layout(
        template=TEMPLATE,
        title=("Sobol indices" if sobol else "Morris elementary effects")
        + f" of {metric}{reduction}",
        xaxis_title="index (95% CI, within [0, 1])"
        if sobol
        else "effect over each parameter's range",
        yaxis={
            "tickvals": positions,
            "ticktext": list(ordered["parameter"]),
            "range": [-0.6, len(ordered) - 0.4],
        },
        height=max(360, 60 * len(ordered) + 160),
        bargap=0.1,
    )
    if sobol:
        figure.update_xaxes(
            range=[min(-0.05, float(np.nanmin(ordered[["S1", "ST"]].to_numpy())) - 0.05), 1.05]
        )
    return figure


def prim_tradeoff(
    trajectories: list[pd.DataFrame], chosen: list[int], min_density: float, title: str
) -> go.Figure:
    """PRIM's peeling trade-off, one panel a box: each candidate box on the trajectory
    (ema_workbench's `peeling_trajectory`: coverage, density, res_dim) as a point coloured
    by how many parameters it restricts, the box chosen ringed and labelled."""
    figure = make_subplots(
        rows=1,
        cols=len(trajectories),
        shared_yaxes=True,
        subplot_titles=[f"box {number + 1}" for number in range(len(trajectories))],
        horizontal_spacing=0.05,
    )
    most = max(int(t["res_dim"].max()) for t in trajectories)
    for number, (trajectory, pick) in enumerate(zip(trajectories, chosen, strict=True), start=1):
        figure.add_scatter(
            x=trajectory["coverage"],
            y=trajectory["density"],
            mode="markers",
            marker={
                "size": 8,
                "color": trajectory["res_dim"],
                "colorscale": ORDERED_COLOURSCALE,
                "cmin": 0,
                "cmax": max(most, 1),
                "showscale": number == 1,
                "colorbar": {"title": {"text": "parameters<br>restricted"}, "dtick": 1},
            },
            text=[f"candidate {i}" for i in trajectory.index],
            hovertemplate="%{text}<br>coverage %{x:.2f}<br>density %{y:.2f}<extra></extra>",
            showlegend=False,
            row=1,
            col=number,
        )
        row = trajectory.loc[pick]
        figure.add_scatter(
            x=[row["coverage"]],
            y=[row["density"]],
            mode="markers+text",
            marker={
                "size": 16,
                "color": TRANSPARENT,
                "line": {"width": 2, "color": HIGHLIGHT_COLOUR},
            },
            text=[f"chosen: coverage {row['coverage']:.2f}, density {row['density']:.2f}"],
            # towards the middle of the panel, so the label is never cut at its edge
            textposition="top right" if row["coverage"] < 0.5 else "top left",
            showlegend=False,
            hoverinfo="skip",
            row=1,
            col=number,
        )
        figure.add_hline(
            y=min_density,
            line={"dash": "dash", "color": THRESHOLD_LINE_COLOUR, "width": 1},
            annotation_text=f"density {min_density:g} sought",
            annotation_position="bottom right",
            row=1,
            col=number,
        )
        figure.update_xaxes(title_text="coverage", range=[0, 1.05], row=1, col=number)
    figure.update_yaxes(title_text="density", range=[0, 1.12], row=1, col=1)
    figure.update_layout(
        template=TEMPLATE, title=title, width=max(700, 480 * len(trajectories)), height=520
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
