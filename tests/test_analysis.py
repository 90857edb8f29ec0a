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
from plotly.colors import sample_colorscale
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


def test_sensitivity_bars_draw_intervals_only_within_zero_to_one():
    table = pd.DataFrame(
        {
            "parameter": ["a", "b"],
            "metric": "stability_index",
            "statistic": "mean",
            "S1": [0.6, 0.02],
            "S1_conf": [0.05, 0.05],
            "ST": [0.98, 0.2],
            "ST_conf": [0.06, 0.03],
        }
    )
    figure = figures.sensitivity_bars(table)
    bars = [t for t in figure.data if t.type == "bar"]
    assert [t.name for t in bars] == ["first-order S1", "total ST"]
    assert list(bars[1].x) == [0.2, 0.98]  # sorted, largest on top
    whiskers = [t for t in figure.data if t.type == "scatter" and t.mode == "lines"]
    ends = [x for t in whiskers for x in t.x if x is not None]
    assert min(ends) == 0.0  # b's S1 0.02 - 0.05 stops at 0
    assert max(ends) == 1.0  # a's ST 0.98 + 0.06 stops at 1
    assert ("b", 0.0, 0.07) in {
        (name, round(low, 6), round(high, 6))
        for name, low, high in _whisker_spans(figure, first_order=True)
    }


def _whisker_spans(figure, first_order: bool):
    """(parameter, low, high) of each interval drawn, S1's (drawn first) or ST's."""
    trace = [t for t in figure.data if t.name == "95% CI"][0 if first_order else 1]
    names = dict(zip(figure.layout.yaxis.tickvals, figure.layout.yaxis.ticktext))
    points = [(x, y) for x, y in zip(trace.x, trace.y) if x is not None]
    for (low, y), (high, _) in zip(points[::2], points[1::2]):
        yield names[round(y + 0.2)], low, high


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
    assert "stability index<small>mean over a run</small>" in text
    assert "conflict prevention rate<small>pooled over a run</small>" in text
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


# ------------------------------------------------------- pooled rates and ranges


def prevention_sweep(folder: Path, replicates: int = 6) -> Path:
    """Two scenarios on shared seeds, four steps a run. Scenario A has a crisis in one
    step only, 1 of 4 prevented, and no crisis in the others (which record a rate of 1):
    its per-step rates average 0.8125 while 1 crisis in 4 was prevented. Scenario B
    prevents 3 of its 4 crises, in the same step. Replicate 0 of A has no crisis at all."""
    rows = []
    for scenario, prevented in (("A", 1), ("B", 3)):
        for replicate in range(replicates):
            quiet = scenario == "A" and replicate == 0
            for step in range(4):
                crises = 4 if step == 2 and not quiet else 0
                saved = prevented if crises else 0
                rows.append(
                    {
                        "run_id": f"{scenario}-p00000-r{replicate:03d}",
                        "scenario": scenario,
                        "point": 0,
                        "replicate": replicate,
                        "seed": 100 + replicate,
                        "step": step,
                        "conflict_prevention_rate": saved / crises if crises else 1.0,
                        "crises": crises,
                        "conflicts_prevented": saved,
                        "stability_index": 0.97 + 0.01 * replicate,
                    }
                )
    (folder / "model").mkdir(parents=True)
    frame = pd.DataFrame(rows)
    frame.to_parquet(folder / "model" / "all.parquet", index=False)
    runs = frame.drop_duplicates("run_id")[["run_id", "scenario", "point", "replicate", "seed"]]
    runs.assign(status="ok", error="", wall_seconds=0.0).to_parquet(folder / "runs.parquet")
    manifest = {
        "name": "prevention",
        "design": "grid",
        "parameters": [],
        "points": 1,
        "replicates": replicates,
        "scenarios": ["A", "B"],
        "sweep": {"tables": ["model"]},
    }
    (folder / "sweep.json").write_text(json.dumps(manifest))
    return folder


def test_prevention_of_a_run_is_prevented_over_crises_not_the_mean_of_its_steps(tmp_path):
    results = load_results(prevention_sweep(tmp_path))
    per_run = run_statistics(results, "conflict_prevention_rate").set_index("run_id")
    assert per_run.loc["A-p00000-r001", "conflict_prevention_rate"] == 0.25  # not 0.8125
    assert per_run.loc["B-p00000-r001", "conflict_prevention_rate"] == 0.75
    # a run without a crisis has no rate: undefined, not 1
    assert np.isnan(per_run.loc["A-p00000-r000", "conflict_prevention_rate"])
    table = summarise(results, "conflict_prevention_rate").set_index("scenario")
    assert table.loc["A", "mean"] == 0.25 and table.loc["A", "runs"] == 5
    assert table.loc["A", "undefined"] == 1 and table.loc["B", "undefined"] == 0
    difference = paired_difference(results, "conflict_prevention_rate", "A", "B")
    assert difference.pairs == 5  # the replicate undefined in A has no pair
    assert difference.difference == pytest.approx(0.5)
    assert "conflicts_prevented / crises over a run" in difference.text()
    final = run_statistics(results, "conflict_prevention_rate", "final")
    assert final["conflict_prevention_rate"].isna().all()  # no crisis in the last step


def test_compare_prints_pooled_prevention_per_group_and_paired(tmp_path, capsys):
    folder = prevention_sweep(tmp_path)
    code, out, err = call(capsys, "compare", folder, "--metric", "conflict_prevention_rate")
    assert code == 0, err
    assert "conflict_prevention_rate (conflicts_prevented / crises over a run)" in out
    rows = {line.split()[0]: line.split() for line in out.splitlines() if line[2:4] in ("A ", "B ")}
    assert rows["A"][1:3] == ["5", "0.25"] and "(1 undefined)" in " ".join(rows["A"])
    assert rows["B"][1:3] == ["6", "0.75"]
    code, out, err = call(
        capsys, "compare", folder, "--metric", "conflict_prevention_rate", "--a", "A", "--b", "B"
    )
    assert code == 0, err
    assert "5 pairs" in out
    assert re.search(r"conflict_prevention_rate .*0\.25\s+0\.75\s+\+0\.5", out)
    code, _, err = call(capsys, "compare", folder, "--metric", "stabilty_index")
    assert code == 2
    assert "did you mean 'stability_index'?" in one_error_line(err)
    code, _, err = call(capsys, "compare", folder, "--a", "A")
    assert code == 2
    assert "give both settings" in one_error_line(err)


def test_prevention_over_time_pools_the_runs_of_a_step(tmp_path):
    results = load_results(prevention_sweep(tmp_path))
    figure = figures.metric_over_time(results, "conflict_prevention_rate")
    line = next(t for t in figure.data if t.name == "A" and t.fill != "toself")
    means = dict(zip(line.x, line.y))
    assert means[2] == pytest.approx(5 / 20)  # 5 runs with 4 crises, 1 prevented in each
    assert np.isnan(means[1])  # no crisis in any run: no rate, not 1


def test_bands_and_intervals_never_leave_the_range_of_the_measure(tmp_path):
    results = load_results(prevention_sweep(tmp_path))
    # stability 0.97-1.02 across replicates: its t interval would pass 1
    for band in ("ci", "range"):
        figure = figures.metric_over_time(results, "stability_index", band=band)
        for trace in figure.data:
            if trace.fill == "toself":
                assert max(trace.y) <= 1.0 and min(trace.y) >= 0.0
    row = summarise(results, "stability_index").set_index("scenario").loc["A"]
    assert row["ci_high"] == 1.0
    # crises: 0 in every run but one step; the interval of a count stops at 0
    figure = figures.metric_over_time(results, "crises", band="ci")
    lows = [y for t in figure.data if t.fill == "toself" for y in t.y]
    assert min(lows) >= 0.0


def test_every_model_column_has_the_range_it_can_take():
    from analysis.measures import MEASURE_BOUNDS
    from simulation.outcomes import MODEL_COLUMNS

    assert set(MODEL_COLUMNS) - {"step"} == set(MEASURE_BOUNDS)


def test_over_time_charts_split_a_sweep_by_design_point_or_by_its_strongest_parameter(
    sweep_folder,
):
    results = load_results(sweep_folder)  # 2 scenarios x 4 points
    split = figures.over_time_split(results, "stability_index")
    assert split["by"] == "point" and split["facet"] == "scenario"
    figure = figures.metric_over_time(
        results, "stability_index", **{k: v for k, v in split.items() if k != "note"}
    )
    names = {t.name for t in figure.data if t.fill != "toself"}
    assert "dispute_resolution_share 0, crisis_rate 0.4" in names
    assert len(names) == 4
    pooled = figures.metric_over_time(results, "stability_index", by="scenario")
    assert len([t for t in pooled.data if t.fill != "toself"]) == 2


def test_a_heatmap_of_a_sampled_design_bins_its_axes_and_centres_its_colours(tmp_path):
    rng = np.random.default_rng(0)
    x, y = rng.random(300), rng.random(300)
    rows = [
        {
            "run_id": f"w-p{i:05d}-r000",
            "scenario": "w",
            "point": i,
            "replicate": 0,
            "seed": 1,
            "x": x[i],
            "y": y[i],
            "step": 1,
            # high where x is low: the scale around the first cell would pass 1
            "stability_index": 0.99 - 0.5 * x[i] + rng.normal(0, 0.01),
        }
        for i in range(300)
    ]
    folder = tmp_path / "sampled"
    (folder / "model").mkdir(parents=True)
    frame = pd.DataFrame(rows)
    frame.to_parquet(folder / "model" / "all.parquet", index=False)
    runs = frame[["run_id", "scenario", "point", "replicate", "seed", "x", "y"]]
    runs.assign(status="ok", error="", wall_seconds=0.0).to_parquet(folder / "runs.parquet")
    manifest = {
        "name": "sampled",
        "design": "latin_hypercube",
        "parameters": ["x", "y"],
        "points": 300,
        "replicates": 1,
        "scenarios": ["w"],
        "sweep": {"tables": ["model"]},
    }
    (folder / "sweep.json").write_text(json.dumps(manifest))
    results = load_results(folder)
    heatmap = figures.sweep_heatmap(results, "stability_index", "x", "y").data[0]
    assert len(heatmap.x) == figures.HEATMAP_BINS and len(heatmap.y) == figures.HEATMAP_BINS
    assert (
        "(5 bins of equal runs)"
        in figures.sweep_heatmap(results, "stability_index", "x", "y").layout.xaxis.title.text
    )
    z = np.asarray(heatmap.z, dtype=float)
    # the scale within [0, 1], and white (RdBu's middle) at the first cell
    assert heatmap.zmin >= 0.0 and heatmap.zmax <= 1.0
    at_first = (z[0, 0] - heatmap.zmin) / (heatmap.zmax - heatmap.zmin)
    scale = [list(stop) for stop in heatmap.colorscale]
    assert sample_colorscale(scale, [at_first])[0] == sample_colorscale("RdBu", [0.5])[0]
    assert all(text for row in heatmap.text for text in row)  # every cell annotated
    assert "±" in heatmap.text[0][0]
    effects = figures.parameter_effects(results, "stability_index")
    means = [t for t in effects.data if t.mode == "lines+markers"]
    assert [len(t.x) for t in means] == [figures.MAX_EFFECT_BINS] * 2  # binned, not 300 ticks


def grid_sweep(folder: Path, values, replicates: int, noise: float) -> Path:
    """A 2 x 2 grid over x and y made by hand: each cell's runs scatter with sd `noise`
    around `values[x][y]`."""
    rng = np.random.default_rng(2)
    rows, point = [], 0
    for x in (0, 1):
        for y in (0, 1):
            for replicate in range(replicates):
                rows.append(
                    {
                        "run_id": f"g-p{point:05d}-r{replicate:03d}",
                        "scenario": "g",
                        "point": point,
                        "replicate": replicate,
                        "seed": replicate,
                        "x": float(x),
                        "y": float(y),
                        "step": 1,
                        "stability_index": values[x][y] + rng.normal(0, noise),
                    }
                )
            point += 1
    frame = pd.DataFrame(rows)
    (folder / "model").mkdir(parents=True)
    frame.to_parquet(folder / "model" / "all.parquet", index=False)
    runs = frame[["run_id", "scenario", "point", "replicate", "seed", "x", "y"]]
    runs.assign(status="ok", error="", wall_seconds=0.0).to_parquet(folder / "runs.parquet")
    manifest = {
        "name": "grid",
        "design": "grid",
        "parameters": ["x", "y"],
        "points": 4,
        "replicates": replicates,
        "scenarios": ["g"],
        "sweep": {"tables": ["model"]},
    }
    (folder / "sweep.json").write_text(json.dumps(manifest))
    return folder


def test_a_difference_within_the_noise_stays_pale_in_a_heatmap(tmp_path):
    # cells 0.01 apart, runs scattered by 0.05: the differences are within the noise
    folder = grid_sweep(tmp_path, [[0.5, 0.505], [0.51, 0.505]], replicates=10, noise=0.05)
    heatmap = figures.sweep_heatmap(load_results(folder), "stability_index", "x", "y").data[0]
    z = np.asarray(heatmap.z, dtype=float)
    half = np.nanmedian(np.asarray(heatmap.customdata, dtype=float)[:, :, 0])
    assert half > 0.02
    # the scale reaches the cells' typical interval either side of the first cell, so
    # no cell gets near the ends of the scale (full red or blue)
    assert heatmap.zmax - z[0, 0] >= half - 1e-12 and z[0, 0] - heatmap.zmin >= half - 1e-12
    shares = (z - heatmap.zmin) / (heatmap.zmax - heatmap.zmin)
    assert ((shares > 0.2) & (shares < 0.8)).all()


def test_the_interval_of_a_pooled_rate_is_the_t_interval_of_the_runs_when_they_weigh_alike():
    prevented = np.array([1.0, 2.0, 3.0, 4.0])
    crises = np.array([4.0, 4.0, 4.0, 4.0])
    low, high = figures.ratio_interval(prevented, crises)
    rates = prevented / crises
    expected = stats.t.interval(0.95, 3, loc=rates.mean(), scale=stats.sem(rates))
    assert (low, high) == pytest.approx(expected)


def test_report_shows_booleans_as_yes_and_no_and_a_table_that_scrolls_inside_the_page(tmp_path):
    (tmp_path / "tiny.yaml").write_text(TINY)
    (tmp_path / "sweep.yaml").write_text(
        "name: flags\nscenarios: [tiny.yaml]\nreplicates: 2\nsteps: 3\nparameters:\n"
        "  agreements.0.dispute_resolution: [false, true]\n"
    )
    out = tmp_path / "out"
    run_sweep(load_sweep(tmp_path / "sweep.yaml"), out, SerialExecutor(), progress=False)
    text = write_report(out).read_text()
    table = text[
        text.index("<table class='outcomes'>") : text.index("</table>", text.index("outcomes'>"))
    ]
    cells = re.findall(r"<td>([^<]*)</td>", table)
    assert "yes" in cells and "no" in cells
    assert "True" not in table and "False" not in table
    assert "<div class='scroll'><table class='outcomes'>" in text
    assert ".scroll { overflow: auto; max-height: 70vh" in text


def test_report_warns_of_unreliable_sensitivity_indices(sweep_folder, tmp_path):
    folder = tmp_path / "with-indices"
    shutil.copytree(sweep_folder, folder)
    pd.DataFrame(
        {
            "parameter": ["dispute_resolution_share", "crisis_rate"],
            "metric": "stability_index",
            "statistic": "mean",
            "scenario": "tiny",
            "S1": [0.05, 0.2],
            "S1_conf": [0.1, 0.1],
            "ST": [1.3, 0.4],
            "ST_conf": [0.1, 0.1],
            "replicates": 1,
            "noise_share": np.nan,
        }
    ).to_csv(folder / "sensitivity_stability_index_mean.csv", index=False)
    text = write_report(folder).read_text()
    assert "<h2>Warnings</h2>" in text
    assert "one replicate a design point of a stochastic model" in text
    assert "dispute_resolution_share: total index 1.300 +- 0.100 lies outside [0, 1]" in text


def test_a_heatmap_whose_first_cell_holds_no_run_centres_on_the_mean(tmp_path):
    folder = grid_sweep(tmp_path, [[0.5, 0.6], [0.7, 0.8]], replicates=3, noise=0.01)
    model = pd.read_parquet(folder / "model" / "all.parquet")
    model[model["point"] != 0].to_parquet(folder / "model" / "all.parquet", index=False)
    figure = figures.sweep_heatmap(load_results(folder), "stability_index", "x", "y")
    assert "white: the mean of all runs" in figure.layout.title.text
    heatmap = figure.data[0]
    assert np.isfinite([heatmap.zmin, heatmap.zmax]).all()
