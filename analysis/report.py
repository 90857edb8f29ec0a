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
from analysis.compare import summarise
from analysis.results import Results, ResultsError, load_results
from simulation.atomic_write import atomic_file

KEY_OUTCOMES = (
    ("stability_index", "mean"),
    ("conflict_prevention_rate", "mean"),
    ("conflicts_escalated", "mean"),
    ("active_agreements", "final"),
    ("mean_depth", "final"),
    ("network_density", "final"),
    ("exits", "mean"),
)
OVER_TIME = ("stability_index", "conflict_prevention_rate", "active_agreements", "mean_depth")

STYLE = """
body { font-family: system-ui, sans-serif; margin: 2rem auto; max-width: 1100px; color: #222; }
h1 { font-size: 1.6rem; } h2 { font-size: 1.2rem; margin-top: 2rem; }
table { border-collapse: collapse; font-size: 0.9rem; }
th, td { padding: 0.25rem 0.6rem; border-bottom: 1px solid #ddd; text-align: right; }
th:first-child, td:first-child { text-align: left; }
.note { color: #555; font-size: 0.9rem; }
.warning { color: #8a1c00; font-weight: bold; }
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
    sections = [
        f"<h1>{html.escape(_title(results))}</h1>",
        f"<p class='warning'>{html.escape(warning)}</p>" if warning else "",
        f"<p>{html.escape(results.describe())}</p>",
        _setup_section(results),
        "<h2>Key outcomes</h2>",
        _outcomes_section(results),
    ]
    charts: list[tuple[str, go.Figure]] = [
        (f"{metric} over time", figures.metric_over_time(results, metric)) for metric in OVER_TIME
    ]
    if len(results.parameters) >= 2:
        x, y = results.parameters[:2]
        charts.append(
            ("Sweep", figures.sweep_heatmap(results, "stability_index", x, y, scenario=None))
        )
    for csv in sorted(results.path.glob("sensitivity_*.csv")):
        charts.append((csv.stem, figures.sensitivity_bars(pd.read_csv(csv))))
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
            charts.append((title, make()))
        except ResultsError as error:  # a sweep that did not keep that table
            skipped.append(f"{title}: {error}")
    for number, (title, figure) in enumerate(charts):
        sections.append(f"<h2>{html.escape(title)}</h2>")
        sections.append(
            figure.to_html(full_html=False, include_plotlyjs=number == 0, default_height=480)
        )
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
    if results.parameters and results.manifest.get("points", 1) <= 30:
        by += results.parameters
    columns = {}
    for metric, statistic in KEY_OUTCOMES:
        table = summarise(results, metric, by=by, statistic=statistic).set_index(by)
        columns[f"{metric} ({statistic})"] = [
            f"{row.mean:.3g} ({row.ci_low:.3g} to {row.ci_high:.3g})"
            if pd.notna(row.ci_low)
            else f"{row.mean:.3g}"
            for row in table.itertuples()
        ]
        runs = table["runs"]
    frame = pd.DataFrame({"runs": runs.to_numpy(), **columns}, index=runs.index).reset_index()
    note = (
        "<p class='note'>Each run is reduced to one number (the outcome's mean over its "
        "steps, or its final value); the cells give the mean across replicates and, in "
        "brackets, its 95% confidence interval.</p>"
    )
    return note + "<div style='overflow-x:auto'>" + frame.to_html(index=False) + "</div>"
