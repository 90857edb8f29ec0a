"""A self-contained HTML report of a run or a sweep: what was run, the key outcomes
and the figures, in one file that opens with no network (plotly.js is embedded once).

    python run.py report RESULTS_DIR [--out FILE]
"""

from __future__ import annotations

import html
import sys
from datetime import UTC, datetime
from pathlib import Path

import pandas as pd
import plotly.graph_objects as go

from analysis import figures
from analysis.compare import MAX_POINTS_IN_TABLE, summarise
from analysis.discovery import saved_discoveries
from analysis.measures import KEY_OUTCOMES, describe_statistic
from analysis.results import Results, ResultsError, load_results
from analysis.sensitivity import describe_noise, sensitivity_warnings
from simulation.atomic_write import atomic_file

OVER_TIME = ("stability_index", "conflict_prevention_rate", "active_agreements", "mean_depth")
# the outcomes drawn against the parameters and over pairs of them
RESPONSES = ("stability_index", "conflict_prevention_rate")
# heatmaps are drawn for at most this many base scenarios
MAX_HEATMAP_SCENARIOS = 3

STYLE = """
body { font-family: system-ui, sans-serif; margin: 2rem auto; max-width: 1300px;
       padding: 0 1rem; color: #222; }
h1 { font-size: 1.6rem; } h2 { font-size: 1.2rem; margin-top: 2rem; }
table { border-collapse: collapse; font-size: 0.85rem; }
th, td { padding: 0.25rem 0.5rem; border-bottom: 1px solid #ddd; text-align: right;
         vertical-align: top; }
th:first-child, td:first-child { text-align: left; }
.scroll { overflow: auto; max-height: 70vh; max-width: 100%; border: 1px solid #eee; }
.scroll thead th { position: sticky; top: 0; background: #f7f7f7; z-index: 1; }
.outcomes th { font-weight: 600; }
.outcomes th small, .outcomes td small { display: block; font-weight: normal; color: #666;
                                         white-space: nowrap; }
.outcomes td { white-space: nowrap; }
.note { color: #555; font-size: 0.9rem; }
.warning { color: #8a1c00; font-weight: bold; }
pre { background: #f7f7f7; padding: 0.6rem; overflow-x: auto; font-size: 0.85rem; }
"""


def write_report(path: str | Path, out: str | Path | None = None) -> Path:
    """Write the report of the results folder `path`; returns the report's path
    (default: `report.html` inside the folder). Written whole or not at all. A sweep
    that is not complete (stopped, or with failed runs) gets one warning line on
    stderr, and the same line at the top of the report."""
    results = load_results(path)
    out = Path(out) if out is not None else results.path / "report.html"
    if out.is_dir():
        raise ResultsError(f"{out}: --out names a folder, expected a file name ending .html")
    document = build_report(results)
    try:
        with atomic_file(out) as temporary:
            temporary.write_text(document, encoding="utf-8")
    except OSError as error:
        raise ResultsError(f"{out}: cannot write the report ({error.strerror})") from None
    warning = results.incomplete_warning()
    if warning is not None:
        print(warning, file=sys.stderr)
    return out


def build_report(results: Results) -> str:
    warning = results.incomplete_warning()
    sensitivity = _saved_sensitivity(results)
    statistics_warnings = [
        f"sensitivity of {table['metric'].iloc[0]} "
        f"({describe_statistic(table['metric'].iloc[0], table['statistic'].iloc[0])}): {w}"
        for _, table in sensitivity
        for w in sensitivity_warnings(table)
    ]
    sections = [
        f"<h1>{html.escape(_title(results))}</h1>",
        f"<p class='warning'>{html.escape(warning)}</p>" if warning else "",
        f"<p>{html.escape(results.describe())}</p>",
        _setup_section(results),
    ]
    if statistics_warnings:
        sections.append("<h2>Warnings</h2><ul>")
        sections += [f"<li class='warning'>{html.escape(w)}</li>" for w in statistics_warnings]
        sections.append("</ul>")
    sections += ["<h2>Key outcomes</h2>", _outcomes_section(results)]
    charts: list[tuple[str, str, go.Figure]] = []
    outcomes = set(results.outcomes)  # outputs of another version may lack some
    for metric in (m for m in OVER_TIME if m in outcomes):
        split = figures.over_time_split(results, metric)
        note = split.pop("note")
        charts.append(
            (f"{metric} over time", note, figures.metric_over_time(results, metric, **split))
        )
    if results.parameters:
        for metric in (m for m in RESPONSES if m in outcomes):
            charts.append(
                (
                    f"{metric} against each parameter",
                    "every run a dot, the mean of the runs at each value (or bin of equal runs) "
                    "with its 95% interval",
                    figures.parameter_effects(results, metric),
                )
            )
    if len(results.parameters) >= 2:
        for metric in (m for m in RESPONSES if m in outcomes):
            x, y = figures.rank_parameters(results, metric)[:2]
            for scenario in results.scenarios[:MAX_HEATMAP_SCENARIOS]:
                charts.append(
                    (
                        f"{metric} over {x} and {y}"
                        + (f", {scenario}" if len(results.scenarios) > 1 else ""),
                        "the two parameters that move it most; colours diverge from the design's "
                        "first cell, and a difference within the cells' typical 95% interval stays pale",
                        figures.sweep_heatmap(results, metric, x, y, scenario=scenario),
                    )
                )
    for _, table in sensitivity:
        lines = [describe_noise(int(table["replicates"].iloc[0]), _noise(table))]
        lines += [f"warning: {w}" for w in sensitivity_warnings(table)]
        statistic = describe_statistic(table["metric"].iloc[0], table["statistic"].iloc[0])
        title = f"Sensitivity of {table['metric'].iloc[0]} ({statistic})"
        if len(results.scenarios) > 1:
            title += f", {table['scenario'].iloc[0]}"
        charts.append((title, "\n".join(lines), figures.sensitivity_bars(table)))
    optional = [
        ("Agreement survival", lambda: figures.survival_figure(results)),
        ("Exits by reason", lambda: figures.exits_by_reason(results)),
        (
            "The network at the end",
            lambda: figures.network_figure(results, run_id=results.runs["run_id"].iloc[0]),
        ),
    ]
    skipped = []
    for title, make in optional:
        try:
            charts.append((title, "", make()))
        except ResultsError as error:  # a sweep that did not keep that table
            skipped.append(f"{title}: {error}")
    plotly_included = False
    for title, note, figure in charts:
        sections.append(f"<h2>{html.escape(title)}</h2>")
        for line in note.splitlines():
            kind = "warning" if line.startswith("warning:") else "note"
            sections.append(f"<p class='{kind}'>{html.escape(line)}</p>")
        sections.append(_figure_html(figure, not plotly_included))
        plotly_included = True
    discovery = _discovery_section(results, plotly_included)
    if discovery:
        sections.append(discovery)
    if skipped:
        sections.append("<h2>Not shown</h2><ul>")
        sections += [f"<li class='note'>{html.escape(line)}</li>" for line in skipped]
        sections.append("</ul>")
    created = datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC")
    sections.append(
        f"<p class='note'>Report written {created} from {html.escape(str(results.path))}.</p>"
    )
    body = "\n".join(sections)
    return (
        "<!DOCTYPE html>\n<html lang='en'><head><meta charset='utf-8'>"
        f"<title>{html.escape(_title(results))}</title><style>{STYLE}</style></head>"
        f"<body>\n{body}\n</body></html>\n"
    )


def _figure_html(figure: go.Figure, include_plotlyjs: bool) -> str:
    """A figure that fits the page: its width follows the page's (a figure sized for
    export would overflow it), its height is its own."""
    figure = go.Figure(figure)
    figure.update_layout(width=None, autosize=True)
    return figure.to_html(
        full_html=False,
        include_plotlyjs=include_plotlyjs,
        default_height=figure.layout.height or 480,
        default_width="100%",
        config={"responsive": True},
    )


def _saved_sensitivity(results: Results) -> list[tuple[str, pd.DataFrame]]:
    found = []
    for csv in sorted(results.path.glob("sensitivity_*.csv")):
        try:
            table = pd.read_csv(csv)
        except (OSError, ValueError):
            continue
        if "replicates" not in table:  # written before replicates were recorded
            table["replicates"] = results.manifest.get("replicates", 1)
        found.append((csv.stem, table))
    return found


def _noise(table: pd.DataFrame) -> float | None:
    if "noise_share" not in table or pd.isna(table["noise_share"].iloc[0]):
        return None
    return float(table["noise_share"].iloc[0])


def _discovery_section(results: Results, plotly_included: bool) -> str:
    """The scenario discoveries `run.py discover` wrote into the folder: the question,
    the boxes and the peeling trade-off; or how to make one."""
    if results.kind != "sweep" or not results.parameters:
        return ""
    found = saved_discoveries(results.path)
    parts = ["<h2>Scenario discovery</h2>"]
    if not found:
        parts.append(
            "<p class='note'>None run yet. <code>python run.py discover "
            f"{html.escape(str(results.path))} --metric stability_index --below X</code> finds "
            "the boxes of parameter values where an outcome of interest occurs (PRIM), and "
            "the next report shows them here.</p>"
        )
        return "\n".join(parts)
    for entry in found:
        try:
            html_of_entry, plotly_included = _discovery_entry(entry, plotly_included)
        except (KeyError, TypeError, ValueError, AttributeError):  # not what discover writes
            html_of_entry = (
                f"<p class='warning'>{html.escape(entry['file'])}: unreadable (not the JSON "
                "run.py discover writes); run discover again</p>"
            )
        parts.append(html_of_entry)
    parts.append(
        "<p class='note'>Coverage: the share of all cases of interest inside a box. Density: "
        "the share of a box's runs that are cases of interest. Quasi-p: the chance that a "
        "restriction this effective arises by chance (large: drop it).</p>"
    )
    return "\n".join(parts)


def _discovery_entry(entry: dict, plotly_included: bool) -> tuple[str, bool]:
    """One discovery's question, boxes and trade-off, and whether plotly.js is in."""
    if "error" in entry:
        raise ValueError(entry["error"])
    parts = []
    question = (
        f"Where is {entry['metric']} ({describe_statistic(entry['metric'], entry['statistic'])}) "
        f"{entry['direction']} {entry['threshold']:g}?"
    )
    parts.append(f"<h3>{html.escape(question)}</h3>")
    parts.append(
        f"<p>{entry['cases']} of {entry['runs']} runs are cases of interest; boxes "
        f"sought with density {entry['min_density']:g} or more (PRIM, ema_workbench "
        f"{html.escape(str(entry.get('ema_workbench', '')))}).</p>"
    )
    rows = []
    for box in entry["boxes"]:
        for number, limit in enumerate(box["limits"] or [{"parameter": "(none)"}]):
            head = (
                f"<td rowspan='{max(len(box['limits']), 1)}'>box {box['number']}</td>"
                f"<td rowspan='{max(len(box['limits']), 1)}'>{box['coverage']:.2f}</td>"
                f"<td rowspan='{max(len(box['limits']), 1)}'>{box['density']:.2f}</td>"
                f"<td rowspan='{max(len(box['limits']), 1)}'>{box['runs']}</td>"
                if number == 0
                else ""
            )
            rows.append(
                f"<tr>{head}<td style='text-align:left'>{html.escape(limit['parameter'])}</td>"
                f"<td style='text-align:left'>{html.escape(_box_limits(limit))}</td>"
                f"<td style='text-align:left'>{html.escape(_sweep_limits(limit))}</td>"
                f"<td>{_quasi(limit.get('qp'))}</td></tr>"
            )
    parts.append(
        "<div class='scroll'><table><thead><tr><th>box</th><th>coverage</th>"
        "<th>density</th><th>runs in it</th><th>parameter</th><th>in the box</th>"
        "<th>in the sweep</th><th>quasi-p</th></tr></thead><tbody>"
        + "".join(rows)
        + "</tbody></table></div>"
    )
    trajectories = [pd.DataFrame(t) for t in entry["trajectories"]]
    figure = figures.prim_tradeoff(
        trajectories,
        entry["chosen"],
        entry["min_density"],
        f"PRIM peeling trade-off: {question}",
    )
    parts.append(_figure_html(figure, not plotly_included))
    return "\n".join(parts), True


def _box_limits(limit: dict) -> str:
    if limit.get("values"):
        return ", ".join(figures.value_label(v) for v in limit["values"])
    return _sweep_limits({"sweep_low": limit.get("low"), "sweep_high": limit.get("high")})


def _sweep_limits(limit: dict) -> str:
    low, high = limit.get("sweep_low"), limit.get("sweep_high")
    if isinstance(low, list):
        return "{" + ", ".join(str(v) for v in low) + "}"
    if low is None:
        return ""
    return f"{low:.4g} to {high:.4g}"


def _quasi(value) -> str:
    return (
        ""
        if value is None or not isinstance(value, int | float) or value != value
        else f"{value:.1g}"
    )


def _title(results: Results) -> str:
    if results.kind == "run":
        return f"Run report: {results.manifest['scenario_name']}"
    return f"Sweep report: {results.manifest['name']}"


def _setup_section(results: Results) -> str:
    manifest = results.manifest
    if results.kind == "run":
        scenario = manifest.get("scenario", {})
        rows = {
            "scenario file": manifest.get("scenario_file", ""),
            "description": scenario.get("description", ""),
            "seed": manifest["seed"],
            "steps": manifest["steps"],
            "nations": manifest["nations"],
            "project revision": manifest.get("git_revision") or "unknown",
        }
    else:
        sweep = manifest["sweep"]
        rows = {
            "sweep file": manifest.get("sweep_file", ""),
            "description": sweep.get("description", "") or "",
            "scenarios": ", ".join(manifest["scenarios"]),
            "design": manifest["design"],
            "parameters": ", ".join(results.parameters) or "none",
            "points x replicates": f"{manifest['points']} x {manifest['replicates']}",
            "root seed": manifest.get("root_seed"),
            "project revision": manifest.get("git_revision") or "unknown",
        }
    rows = {k: v for k, v in rows.items() if v not in ("", None)}
    cells = "".join(
        f"<tr><th>{html.escape(k)}</th><td style='text-align:left'>{html.escape(str(v))}</td></tr>"
        for k, v in rows.items()
    )
    return f"<table>{cells}</table>"


def _outcomes_section(results: Results) -> str:
    by = ["scenario"]
    points = results.manifest.get("points", 1) if results.kind == "sweep" else 1
    summarised = ""
    if results.parameters and points <= MAX_POINTS_IN_TABLE:
        by += results.parameters
    elif results.parameters:
        summarised = (
            f" The sweep has {points} design points, too many to list: the table gives each "
            "scenario over all its runs, and the charts below show how the outcomes go with "
            "each parameter."
        )
    columns = {}
    headers = []
    limits_note = False
    shown = [(m, statistic) for m, statistic in KEY_OUTCOMES if m in results.outcomes]
    if not shown:
        return "<p class='note'>None of the key outcomes is in these results.</p>"
    for metric, statistic in shown:
        table = summarise(results, metric, by=by, statistic=statistic).set_index(by)
        cells = []
        for row in table.itertuples():
            interval = (
                f"<small>{row.ci_low:.3g} to {row.ci_high:.3g}</small>"
                if pd.notna(row.ci_low)
                else ""
            )
            undefined = f"<small>{row.undefined} undefined</small>" if row.undefined else ""
            limits_note |= bool(row.undefined)
            cells.append(f"{row.mean:.3g}{interval}{undefined}")
        columns[metric] = cells
        headers.append(
            f"<th>{html.escape(metric.replace('_', ' '))}"
            f"<small>{html.escape(describe_statistic(metric, statistic, short=True))}</small></th>"
        )
        runs = table["runs"]
    keys = runs.index.to_frame(index=False)
    # a parameter's name may break after its underscores, so its column stays narrow
    head = "".join(
        f"<th>{html.escape(column).replace('_', '_<wbr>').replace('.', '.<wbr>')}</th>"
        for column in by
    )
    head += "<th>runs</th>"
    body = []
    for number, key in enumerate(keys.itertuples(index=False)):
        cells = "".join(f"<td>{html.escape(figures.value_label(v))}</td>" for v in key)
        cells += f"<td>{int(runs.iloc[number])}</td>"
        cells += "".join(f"<td>{columns[metric][number]}</td>" for metric, _ in shown)
        body.append(f"<tr>{cells}</tr>")
    note = (
        "<p class='note'>Each run is reduced to one number: the outcome's mean over its "
        "steps or its final value, and conflict prevention pooled (crises prevented over "
        "crises, over the run). The cells give the mean of the runs and, below it, its 95% "
        "confidence interval."
        + summarised
        + (
            " A run without a crisis has no prevention rate: it is left out and counted as "
            "undefined."
            if limits_note
            else ""
        )
        + "</p>"
    )
    return (
        note
        + "<div class='scroll'><table class='outcomes'><thead><tr>"
        + head
        + "".join(headers)
        + "</tr></thead><tbody>"
        + "".join(body)
        + "</tbody></table></div>"
    )
