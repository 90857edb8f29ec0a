"""Scenario discovery (`analysis.discovery`, `run.py discover`): PRIM from ema-workbench
finds the box planted in a made-up sweep, the command prints the boxes with their
coverage and density and writes the trade-off figure, the report shows them, and bad
input is one line with exit status 2."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from analysis.discovery import DiscoveryError, discover
from analysis.report import write_report
from tests.cli_support import TINY, call, one_error_line

RUNS = 400


def planted_sweep(folder: Path, scenarios: tuple[str, ...] = ("world",)) -> Path:
    """A sweep folder made by hand: two parameters drawn uniformly, one run a point, and
    a stability index low (0.5) exactly where 0.6 < a and b < 0.3 (and, with a second
    scenario, only in the first), high (0.9) elsewhere, with a little noise."""
    rng = np.random.default_rng(3)
    rows = []
    for number, scenario in enumerate(scenarios):
        a, b = rng.random(RUNS), rng.random(RUNS)
        low = (a > 0.6) & (b < 0.3) & (number == 0)
        value = np.where(low, 0.5, 0.9) + rng.normal(0, 0.01, RUNS)
        for point in range(RUNS):
            for step in (0, 1):
                rows.append(
                    {
                        "run_id": f"{scenario}-p{point:05d}-r000",
                        "scenario": scenario,
                        "point": point,
                        "replicate": 0,
                        "seed": 1,
                        "a": a[point],
                        "b": b[point],
                        "step": step,
                        "stability_index": value[point],
                    }
                )
    frame = pd.DataFrame(rows)
    (folder / "model").mkdir(parents=True)
    frame.to_parquet(folder / "model" / "all.parquet", index=False)
    runs = frame.drop_duplicates("run_id")[["run_id", "scenario", "point", "replicate", "seed"]]
    runs.assign(a=0.0, b=0.0, status="ok", error="", wall_seconds=0.0).to_parquet(
        folder / "runs.parquet"
    )
    manifest = {
        "name": "planted",
        "design": "latin_hypercube",
        "sweep": {"tables": ["model"]},
        "parameters": ["a", "b"],
        "points": RUNS,
        "replicates": 1,
        "scenarios": list(scenarios),
    }
    (folder / "sweep.json").write_text(json.dumps(manifest))
    return folder


def test_prim_finds_the_box_where_the_outcome_was_planted(tmp_path):
    found = discover(planted_sweep(tmp_path), "stability_index", below=0.7)
    assert len(found.trajectories[0]) > 1  # peeled, candidate by candidate
    box = found.boxes[0]
    assert box.reaches_density
    assert box.coverage > 0.9 and box.density > 0.9
    limits = {row["parameter"]: (row["low"], row["high"]) for row in box.limits}
    assert set(limits) == {"a", "b"}
    assert limits["a"][0] == pytest.approx(0.6, abs=0.05) and limits["a"][1] > 0.95
    assert limits["b"][0] < 0.05 and limits["b"][1] == pytest.approx(0.3, abs=0.05)
    assert found.cases == int(box.cases / box.coverage + 0.5)
    text = found.text()
    assert "where is stability_index (mean over a run) below 0.7?" in text
    assert f"box 1: coverage {box.coverage:.2f}" in text and f"density {box.density:.2f}" in text


def test_above_selects_the_other_side(tmp_path):
    found = discover(planted_sweep(tmp_path), "stability_index", above=0.7)
    assert found.cases == RUNS - discover(tmp_path, "stability_index", below=0.7).cases


def test_a_sweep_over_several_scenarios_finds_the_scenario_as_a_dimension(tmp_path):
    found = discover(planted_sweep(tmp_path, ("world", "other")), "stability_index", below=0.7)
    limits = {row["parameter"]: row for row in found.boxes[0].limits}
    assert limits["base_scenario"]["low"] == ["world"]
    kept = discover(tmp_path, "stability_index", below=0.7, scenario="world")
    assert kept.runs == RUNS


@pytest.mark.slow
def test_discover_prints_the_boxes_and_writes_the_tradeoff_figure_and_the_report_shows_them(
    tmp_path, capsys
):
    folder = planted_sweep(tmp_path)
    code, out, err = call(capsys, "discover", folder, "--metric", "stability_index", "--below", 0.7)
    assert code == 0, err
    assert "box 1: coverage" in out and "density" in out
    png = folder / "discovery_stability_index_below_0.7.png"
    assert png.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    assert f"trade-off figure: {png}" in out
    table = pd.read_csv(folder / "discovery_stability_index_below_0.7.csv")
    assert set(table["parameter"]) == {"a", "b"}
    report = write_report(folder).read_text()
    assert "Where is stability_index (mean over a run) below 0.7?" in report
    assert "PRIM peeling trade-off" in report


@pytest.mark.parametrize(
    ("arguments", "expected"),
    [
        (["--metric", "stabilty", "--below", 0.7], "did you mean 'stability_index'?"),
        (["--metric", "stability_index"], "--below, --above: give exactly one threshold"),
        (
            ["--metric", "stability_index", "--below", 0.7, "--above", 0.8],
            "give exactly one threshold",
        ),
        (["--metric", "stability_index", "--below", 0.1], "--below 0.1: no run of the 400"),
        (["--metric", "stability_index", "--above", 0.1], "--above 0.1: every run of the 400"),
        (["--metric", "stability_index", "--below", "nan"], "expected a finite number"),
        (["--metric", "stability_index", "--below", 0.7, "--min-density", 0], "--min-density"),
    ],
)
def test_bad_input_to_discover_is_one_line_and_exit_2(tmp_path, capsys, arguments, expected):
    folder = planted_sweep(tmp_path)
    code, _, err = call(capsys, "discover", folder, *arguments)
    assert code == 2
    assert expected in one_error_line(err)
    assert not list(folder.glob("discovery_*"))  # nothing half-written


def test_discover_refuses_a_folder_that_is_not_a_sweep(tmp_path, capsys):
    code, _, err = call(capsys, "discover", tmp_path, "--metric", "stability_index", "--below", 1)
    assert code == 2
    assert "not a sweep folder" in one_error_line(err)
    (tmp_path / "tiny.yaml").write_text(TINY)
    assert call(capsys, "run", tmp_path / "tiny.yaml", "--out", tmp_path / "run")[0] == 0
    code, _, err = call(
        capsys, "discover", tmp_path / "run", "--metric", "stability_index", "--below", 1
    )
    assert code == 2
    assert "not a sweep folder" in one_error_line(err)


def test_a_sweep_that_varies_no_parameter_has_no_boxes_to_find(tmp_path):
    folder = planted_sweep(tmp_path)
    manifest = json.loads((folder / "sweep.json").read_text())
    (folder / "sweep.json").write_text(json.dumps({**manifest, "parameters": []}))
    with pytest.raises(DiscoveryError, match="varies no parameter"):
        discover(folder, "stability_index", below=0.7)
