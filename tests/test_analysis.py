"""The analysis package: loading results, statistics with known answers, the rebuilt
network, figures, exports and the HTML report."""

from __future__ import annotations

import json
import re
import shutil
from pathlib import Path

import networkx as nx
import numpy as np
import pandas as pd
import plotly.graph_objects as go
import pytest
from scipy import stats

from analysis import (
    ResultsError,
    figures,
    load_results,
    network_at,
    paired_difference,
    run_statistics,
    summarise,
)
from analysis.compare import bootstrap_interval
from analysis.figures import kaplan_meier
from analysis.network import depth_at
from analysis.report import write_report
from simulation.sweeps.executors import SerialExecutor
from simulation.sweeps.orchestrator import run_sweep
from simulation.sweeps.plan import load_sweep
from tests.cli_support import TINY, call, one_error_line

SWEEP = """\
name: pair
scenarios: [tiny.yaml, tiny_b.yaml]
replicates: 3
steps: 8
tables: [model, agreements, memberships, events, nations]
parameters:
  dispute_resolution_share: [0.0, 1.0]
  crisis_rate: [0.1, 0.4]
"""


# ---------------------------------------------------------------------- fixtures


@pytest.fixture(scope="module")
def run_folder(tmp_path_factory) -> Path:
    folder = tmp_path_factory.mktemp("run")
    (folder / "tiny.yaml").write_text(TINY.replace("steps: 6", "steps: 12"))
    out = folder / "out"
    code = run_main("run", folder / "tiny.yaml", "--out", out)
    assert code == 0
    return out


@pytest.fixture(scope="module")
def sweep_folder(tmp_path_factory) -> Path:
    folder = tmp_path_factory.mktemp("sweep")
    (folder / "tiny.yaml").write_text(TINY.replace("steps: 6", "steps: 8"))
    (folder / "tiny_b.yaml").write_text(
        TINY.replace("name: tiny\n", "name: tiny_b\n").replace("steps: 6", "steps: 8")
    )
    (folder / "sweep.yaml").write_text(SWEEP)
    out = folder / "out"
    run_sweep(load_sweep(folder / "sweep.yaml"), out, SerialExecutor(), progress=False)
    return out


def run_main(*argv) -> int:
    import run

    return run.main([str(a) for a in argv])


def synthetic_sweep(folder: Path, effect: float, replicates: int = 40, seed: int = 1) -> Path:
    """Two scenarios A and B, one run per replicate each, on shared seeds. A run's
    metric is a replicate effect (large: sd 5, shared by A and B, as common random
    numbers make it), small run noise (sd 0.1), and `effect` more in B."""
    rng = np.random.default_rng(seed)
    shared = rng.normal(0.0, 5.0, replicates)
    rows = []
    for scenario, shift in (("A", 0.0), ("B", effect)):
        noise = rng.normal(0.0, 0.1, replicates)
        for replicate in range(replicates):
            for step in (1, 2):
                rows.append(
                    {
                        "run_id": f"{scenario}-p00000-r{replicate:03d}",
                        "scenario": scenario,
                        "point": 0,
                        "replicate": replicate,
                        "seed": 1000 + replicate,
                        "step": step,
                        "metric": shared[replicate] + shift + noise[replicate],
                    }
                )
    (folder / "model").mkdir(parents=True)
    pd.DataFrame(rows).to_parquet(folder / "model" / "all.parquet", index=False)
    runs = pd.DataFrame(rows).drop_duplicates("run_id")[
        ["run_id", "scenario", "point", "replicate", "seed"]
    ]
    runs.assign(status="ok", error="", wall_seconds=0.0).to_parquet(folder / "runs.parquet")
    manifest = {
        "name": "synthetic",
        "design": "grid",
        "parameters": [],
        "points": 1,
        "replicates": replicates,
        "scenarios": ["A", "B"],
        "root_seed": seed,
        "sweep": {"tables": ["model"]},
    }
    (folder / "sweep.json").write_text(json.dumps(manifest))
    return folder


# ------------------------------------------------------------------- statistics


def test_paired_difference_recovers_a_known_effect_that_unpaired_intervals_hide(tmp_path):
    results = load_results(synthetic_sweep(tmp_path, effect=0.5))
    difference = paired_difference(results, "metric", "A", "B")
    assert difference.pairs == 40
    assert difference.ci_low < 0.5 < difference.ci_high
    assert difference.ci_low > 0.3 and difference.ci_high < 0.7
    # run noise has sd 0.1 in each arm, so the differences have sd 0.1 * sqrt(2)
    assert difference.effect_size == pytest.approx(0.5 / (0.1 * np.sqrt(2)), rel=0.35)
    # the replicate effect (sd 5) swamps the effect when the scenarios are summarised apart
    table = summarise(results, "metric").set_index("scenario")
    assert table.loc["A", "ci_high"] - table.loc["A", "ci_low"] > 2.0
    assert "raises metric (mean over a run) by 0.5" in difference.text()
    assert "excludes no change" in difference.text()


def test_paired_difference_of_no_effect_has_an_interval_around_zero(tmp_path):
    results = load_results(synthetic_sweep(tmp_path, effect=0.0, seed=3))
    difference = paired_difference(results, "metric", "A", "B")
    assert difference.ci_low < 0.0 < difference.ci_high
    assert "includes no change" in difference.text()


def test_paired_difference_refuses_runs_that_do_not_share_seeds(tmp_path):
    folder = synthetic_sweep(tmp_path, effect=0.5)
    model = pd.read_parquet(folder / "model")
    model.loc[model["scenario"] == "B", "seed"] += 1
    model.to_parquet(folder / "model" / "all.parquet", index=False)
    with pytest.raises(ResultsError, match="do not share seeds"):
        paired_difference(load_results(folder), "metric", "A", "B")


def test_bootstrap_interval_is_seeded_and_centred_on_the_mean():
    values = np.array([1.0, 2.0, 3.0, 4.0, 5.0, 6.0])
    first = bootstrap_interval(values, seed=4)
    assert first == bootstrap_interval(values, seed=4)
    assert first[0] < values.mean() < first[1]
    assert bootstrap_interval(np.full(5, 2.0)) == (2.0, 2.0)


def test_summarise_gives_the_student_t_interval_of_the_run_means(tmp_path):
    results = load_results(synthetic_sweep(tmp_path, effect=1.0, replicates=6))
    per_run = run_statistics(results, "metric")
    values = per_run.loc[per_run["scenario"] == "B", "metric"].to_numpy()
    low, high = stats.t.interval(0.95, 5, loc=values.mean(), scale=stats.sem(values))
    row = summarise(results, "metric").set_index("scenario").loc["B"]
    assert row["runs"] == 6
    assert row["mean"] == pytest.approx(values.mean())
    assert (row["ci_low"], row["ci_high"]) == pytest.approx((low, high))


def test_run_statistics_summarise_a_run_by_its_mean_or_its_final_step(sweep_folder):
    results = load_results(sweep_folder)
    model = results.model
    one = model[model["run_id"] == model["run_id"].iloc[0]]
    means = run_statistics(results, "active_agreements", "mean").set_index("run_id")
    finals = run_statistics(results, "active_agreements", "final").set_index("run_id")
    run_id = one["run_id"].iloc[0]
    assert means.loc[run_id, "active_agreements"] == pytest.approx(one["active_agreements"].mean())
    assert (
        finals.loc[run_id, "active_agreements"]
        == one.sort_values("step")["active_agreements"].iloc[-1]
    )
    assert len(means) == 2 * 4 * 3


def test_kaplan_meier_matches_a_hand_computed_curve():
    curve = kaplan_meier(np.array([1.0, 2, 2, 3, 4]), np.array([True, True, False, True, False]))
    assert [(c["duration"], round(c["survival"], 6)) for c in curve] == [
        (0.0, 1.0),
        (1.0, 0.8),  # 1 of 5 ends
        (2.0, 0.6),  # 1 of 4 ends (the other leaving at 2 is censored)
        (3.0, 0.3),  # 1 of 2 ends
        (4.0, 0.3),  # censored: carried to the end of follow-up
    ]


def test_depth_at_reads_the_depth_history():
    assert depth_at("1:1 7:2 9:1", 0) == 0
    assert depth_at("1:1 7:2 9:1", 6) == 1
    assert depth_at("1:1 7:2 9:1", 7) == 2
    assert depth_at("1:1 7:2 9:1", 20) == 1


# ---------------------------------------------------------------------- loading


def test_a_run_and_a_sweep_load_into_tables_with_the_same_identity_columns(
    run_folder, sweep_folder
):
    run_results, sweep_results = load_results(run_folder), load_results(sweep_folder)
    identity = ["run_id", "scenario", "point", "replicate", "seed"]
    for table in ("model", "nations", "agreements", "memberships", "events"):
        assert list(getattr(run_results, table).columns[:5]) == identity
        assert list(getattr(sweep_results, table).columns[:5]) == identity
    assert run_results.kind == "run" and sweep_results.kind == "sweep"
    assert sweep_results.parameters == ["dispute_resolution_share", "crisis_rate"]
    assert sweep_results.scenarios == ["tiny", "tiny_b"]
    assert run_results.model["seed"].unique().tolist() == [7]
    assert "stability_index" in run_results.outcomes
    assert "24 runs" in sweep_results.describe()


def test_a_table_the_sweep_did_not_keep_says_how_to_keep_it(tmp_path):
    results = load_results(synthetic_sweep(tmp_path, effect=0.0))
    with pytest.raises(ResultsError, match=r"tables: \[model, agreements\]"):
        _ = results.agreements


def test_a_folder_that_is_not_results_is_refused_in_one_line(tmp_path, capsys):
    with pytest.raises(ResultsError, match="not a results folder"):
        load_results(tmp_path)
    code, _, err = call(capsys, "report", tmp_path / "missing")
    assert code == 2
    assert "no such folder" in one_error_line(err)


def test_paired_difference_picks_design_points_by_parameter_values(sweep_folder):
    results = load_results(sweep_folder)
    difference = paired_difference(
        results,
        "conflict_prevention_rate",
        {"scenario": "tiny", "dispute_resolution_share": 0.0, "crisis_rate": 0.4},
        {"scenario": "tiny", "dispute_resolution_share": 1.0, "crisis_rate": 0.4},
    )
    assert difference.pairs == 3
    with pytest.raises(ResultsError, match="more than one run per replicate"):
        paired_difference(results, "stability_index", "tiny", "tiny_b")


# ---------------------------------------------------------------------- network


def test_the_rebuilt_network_matches_the_density_and_transitivity_the_model_recorded(
    run_folder,
):
    results = load_results(run_folder)
    model = results.model.set_index("step")
    for step in (0, 3, 6, 12):
        graph = network_at(results, step)
        assert graph.number_of_nodes() == 10
        assert nx.density(graph) == pytest.approx(model.loc[step, "network_density"])
        assert nx.transitivity(graph) == pytest.approx(model.loc[step, "transitivity"])
    # AB ties Alpha and Beta until its first exit (for its cost, or the scheduled
    # withdrawal at step 3), and no longer from that step
    events = results.events
    left = int(
        events[(events["agreement_id"] == "AB") & (events["event"] == "exited")]["step"].min()
    )
    assert 1 <= left <= 3
    assert "AB" in network_at(results, left - 1).edges["Alpha", "Beta"]["agreements"]
    after = network_at(results, left)
    assert (
        not after.has_edge("Alpha", "Beta")
        or "AB" not in after.edges["Alpha", "Beta"]["agreements"]
    )


def test_network_of_a_sweep_needs_a_run_named(sweep_folder):
    results = load_results(sweep_folder)
    with pytest.raises(ResultsError, match="choose one"):
        network_at(results, 2)
    graph = network_at(results, 2, run_id=results.runs["run_id"].iloc[0])
    assert graph.graph["step"] == 2


# ---------------------------------------------------------------------- figures


def test_metric_over_time_draws_a_line_and_a_band_per_scenario(sweep_folder):
    figure = figures.metric_over_time(load_results(sweep_folder), "stability_index")
    lines = [t for t in figure.data if t.fill != "toself"]
    bands = [t for t in figure.data if t.fill == "toself"]
    assert [t.name for t in lines] == ["tiny", "tiny_b"]
    assert len(bands) == 2
    assert len(lines[0].x) == 9  # steps 0..8


def test_sweep_heatmap_shows_the_mean_of_each_pair_of_values(sweep_folder):
    results = load_results(sweep_folder)
    figure = figures.sweep_heatmap(
        results, "stability_index", "dispute_resolution_share", "crisis_rate"
    )
    z = np.asarray(figure.data[0].z)
    assert z.shape == (2, 2)
    per_run = run_statistics(results, "stability_index")
    chosen = per_run[
        (per_run["scenario"] == "tiny")
        & (per_run["crisis_rate"] == 0.4)
        & (per_run["dispute_resolution_share"] == 1.0)
    ]
    assert z[1, 1] == pytest.approx(chosen["stability_index"].mean())
    with pytest.raises(ResultsError, match="not a swept parameter"):
        figures.sweep_heatmap(results, "stability_index", "term", "crisis_rate")


def test_sensitivity_bars_show_both_sobol_indices_with_error_bars():
    table = pd.DataFrame(
        {
            "parameter": ["a", "b"],
            "metric": "stability_index",
            "S1": [0.6, 0.1],
            "S1_conf": [0.05, 0.02],
            "ST": [0.7, 0.2],
            "ST_conf": [0.06, 0.03],
        }
    )
    figure = figures.sensitivity_bars(table)
    assert [t.name for t in figure.data] == ["first-order S1", "total ST"]
    assert list(figure.data[1].x) == [0.2, 0.7]  # sorted, largest on top
    assert list(figure.data[1].error_x.array) == [0.03, 0.06]


def test_survival_and_exit_figures_cover_every_sector_and_reason(sweep_folder):
    results = load_results(sweep_folder)
    survival = figures.survival_figure(results)
    sectors = set(results.agreements["sector"])
    assert sum(t.legendgroup == "sector" for t in survival.data) == len(sectors)
    exits = figures.exits_by_reason(results)
    reasons = set(results.events.loc[results.events["event"] == "exited", "reason"])
    assert {t.name for t in exits.data} == {r.replace("_", " ") for r in reasons}


@pytest.mark.slow
def test_figures_export_to_png_and_to_html_that_needs_no_network(run_folder, tmp_path):
    figure = figures.network_figure(load_results(run_folder))
    assert isinstance(figure, go.Figure)
    html = figures.export(figure, tmp_path / "network.html").read_text()
    assert re.search(r"<script[^>]*\bsrc=", html) is None  # plotly.js embedded, nothing fetched
    assert "Plotly.newPlot" in html
    png = figures.export(figure, tmp_path / "network.png").read_bytes()
    assert png[:8] == b"\x89PNG\r\n\x1a\n"
    with pytest.raises(ResultsError, match="expected .png"):
        figures.export(figure, tmp_path / "network.txt")


# ----------------------------------------------------------------------- report


def test_report_of_a_sweep_is_one_self_contained_file(sweep_folder, capsys):
    code, out, _ = call(capsys, "report", sweep_folder)
    assert code == 0
    report = sweep_folder / "report.html"
    assert str(report) in out
    text = report.read_text()
    assert "Sweep report: pair" in text
    assert text.count("Plotly.newPlot") >= 7
    assert re.search(r"<script[^>]*\bsrc=", text) is None  # plotly.js inside, nothing fetched
    assert "stability_index (mean)" in text
    assert not list(sweep_folder.glob(".*partial*"))


def test_report_of_a_run_names_its_scenario_and_seed(run_folder, tmp_path):
    report = write_report(run_folder, tmp_path / "deep" / "run.html")
    text = report.read_text()
    assert "Run report: tiny" in text
    assert "<th>seed</th><td style='text-align:left'>7</td>" in text


def test_an_unfinished_or_damaged_sweep_is_refused_in_one_line(sweep_folder, tmp_path, capsys):
    broken = tmp_path / "broken"
    shutil.copytree(sweep_folder, broken)
    (broken / "runs.parquet").unlink()
    code, _, err = call(capsys, "report", broken)
    assert code == 2
    assert "--resume" in one_error_line(err)
    shutil.copy(sweep_folder / "runs.parquet", broken / "runs.parquet")
    next((broken / "model").glob("*.parquet")).write_bytes(b"junk")
    code, _, err = call(capsys, "report", broken)
    assert code == 2
    assert "unreadable Parquet" in one_error_line(err)
