"""The hindcast of the world of 1990: its scoring against the observed DCA network
(scenarios/data/dca_network_targets_1990_2010.csv, cited in scenarios/data/SOURCES.md)
and its command. The world and its data are tested in tests/test_world_data.py. Nothing
here asserts a good fit."""

from __future__ import annotations

import json
import math
import subprocess
import sys
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from analysis.hindcast import (
    ALL_MEASURES,
    DISPUTES,
    MEASURES,
    TABLE_COLUMNS,
    HindcastError,
    compare,
    distance,
    hindcast_from_runs,
    load_observed,
    measures_from_model,
    score,
)
from simulation.model import DefenseCooperationModel
from simulation.scenario import load_scenario
from simulation.sweeps.seeds import run_seeds
from tests.cli_support import call, one_error_line

ROOT = Path(__file__).resolve().parent.parent
DATA = ROOT / "scenarios" / "data"
SCENARIO = ROOT / "scenarios" / "world_1990.yaml"
TARGETS = DATA / "dca_network_targets_1990_2010.csv"


@pytest.fixture(scope="module")
def observed() -> pd.DataFrame:
    return pd.read_csv(TARGETS)


# --- the hindcast: scoring --------------------------------------------------------------


def _model_like(observed: pd.DataFrame, factor: float, seed: int, n: int = 165) -> pd.DataFrame:
    """A model table whose measures are the observed ones times `factor`."""
    density = observed["density"] * factor
    return pd.DataFrame(
        {
            "seed": seed,
            "step": observed["year"] - 1990,
            "states": n,  # in the system: the tied dyads are over them
            "active_agreements": observed["active_agreements"] * factor,
            "network_density": density,
            "nations_with_agreements": observed["states_with_dca"] * factor,
            "mean_degree": observed["mean_degree"] * factor,
            "max_degree": observed["max_degree"] * factor,
            "transitivity": observed["transitivity"] * factor,
            "stability_index": 0.5,  # a model column that is not a measure
        }
    )


def test_measures_come_from_the_model_columns_and_keep_the_run_keys(observed):
    model = _model_like(observed, 1.0, seed=3).assign(run_id="r0")
    measures = measures_from_model(model, nations=165)
    assert list(measures.columns) == ["seed", "run_id", "step", "year", *MEASURES]
    assert measures["year"].tolist() == list(range(1990, 2011))
    assert (
        measures["tied_dyads"].tolist()
        == np.rint(observed["density"] * 165 * 164 / 2).astype(int).tolist()
    )
    assert measures["transitivity"].tolist() == observed["transitivity"].tolist()


def _measures_like(observed: pd.DataFrame, shift: float, seed: int) -> pd.DataFrame:
    """Simulated measures above the observed ones by `shift` times each measure's mean
    observed level over 1991-2010 (the scale the score divides by)."""
    frame = observed[["year", *MEASURES]].copy()
    level = observed.loc[observed["year"] > 1990, list(MEASURES)].abs().mean()
    frame[list(MEASURES)] = frame[list(MEASURES)] + shift * level
    frame.insert(0, "step", frame["year"] - 1990)
    frame.insert(0, "seed", seed)
    return frame


def test_runs_a_tenth_of_the_level_above_the_data_on_average_score_one_tenth(observed):
    simulated = pd.concat([_measures_like(observed, d, seed=k) for k, d in enumerate((0.05, 0.15))])
    table = compare(simulated, observed, run_column="seed")
    assert list(table.columns) == list(TABLE_COLUMNS)
    assert len(table) == 21 * len(MEASURES)
    assert (table["runs"] == 2).all()
    assert (table["simulated_min"] < table["simulated_mean"]).all()
    assert (table["simulated_mean"] < table["simulated_max"]).all()
    scores = score(table)
    assert scores["measure"].tolist() == list(MEASURES)
    assert scores["years"].eq(20).all()  # 1990 is left out: it matches by construction
    assert scores["nrmse"].to_numpy() == pytest.approx(0.1, rel=1e-9)
    assert scores["bias"].to_numpy() == pytest.approx(0.1, rel=1e-9)
    assert distance(table) == pytest.approx(0.1, rel=1e-9)
    below = compare(_measures_like(observed, -0.2, seed=0), observed, run_column=None)
    assert score(below)["bias"].to_numpy() == pytest.approx(-0.2, rel=1e-9)
    assert distance(compare(_measures_like(observed, 0.0, seed=0), observed)) == 0.0


def test_only_the_years_both_sides_have_are_compared(observed):
    long_run = _model_like(observed, 1.0, seed=0)
    extra = long_run.tail(3).assign(step=lambda f: f["step"] + 3)
    simulated = measures_from_model(pd.concat([long_run, extra]), 165)
    assert simulated["year"].max() == 2013
    table = compare(simulated, observed)
    assert sorted(set(table["year"])) == list(range(1990, 2011))
    with pytest.raises(HindcastError, match="no year in common"):
        compare(simulated.assign(year=simulated["year"] + 100), observed)


def test_a_missing_observed_file_or_column_is_a_one_line_hindcast_error(tmp_path):
    with pytest.raises(HindcastError, match="not found"):
        load_observed(tmp_path / "nothing.csv")
    broken = tmp_path / "broken.csv"
    broken.write_text("year,states\n1990,165\n")
    with pytest.raises(HindcastError, match="missing column"):
        load_observed(broken)


# --- the hindcast: runs made by the simulation package, scored here ------------------------


def test_a_hindcast_of_given_runs_scores_them_without_running_the_model(observed, monkeypatch):
    def must_not_run(*args, **kwargs):
        raise AssertionError("the hindcast ran the model itself")

    monkeypatch.setattr(DefenseCooperationModel, "step", must_not_run)
    scenario = load_scenario(SCENARIO)
    model_runs = pd.concat([_model_like(observed, 1.1, seed=9), _model_like(observed, 1.3, seed=4)])
    result = hindcast_from_runs(model_runs, scenario, observed, wall_seconds=2.5)
    assert result.seeds == [9, 4]  # in the order they were run
    assert result.nations == 199  # every nation of the scenario, in the system or not
    assert result.steps == scenario.steps
    assert result.wall_seconds == 2.5
    expected = compare(measures_from_model(model_runs, 165), observed, run_column="seed")
    pd.testing.assert_frame_equal(result.table, expected)
    assert result.distance == pytest.approx(distance(expected), rel=1e-12)
    assert result.distance == pytest.approx(0.2, rel=0.05)  # 1.2 times the data on average


def test_a_hindcast_that_fails_while_writing_leaves_no_folder_and_no_partial(
    observed, tmp_path, monkeypatch
):
    model_runs = _model_like(observed, 1.1, seed=0)
    result = hindcast_from_runs(model_runs, load_scenario(SCENARIO), observed)

    def broken_figure():
        raise OSError("disk full")

    monkeypatch.setattr(result, "figure", broken_figure)
    with pytest.raises(OSError, match="disk full"):
        result.write(tmp_path / "hindcast")
    assert list(tmp_path.iterdir()) == []


def test_runs_without_a_seed_column_are_a_one_line_hindcast_error(observed):
    model = _model_like(observed, 1.0, seed=0).drop(columns="seed")
    with pytest.raises(HindcastError, match="missing column seed"):
        hindcast_from_runs(model, load_scenario(SCENARIO), observed)


def test_a_short_hindcast_gives_every_measure_for_every_year_and_a_distance():
    scenario = load_scenario(SCENARIO, {"steps": 3})
    result = hindcast_from_runs(run_seeds(scenario, 2), scenario, overrides={"steps": 3})
    assert result.seeds == [1990, 1991]
    table = result.table
    assert sorted(set(table["year"])) == [1990, 1991, 1992, 1993]
    assert set(table["measure"]) == set(MEASURES) | set(DISPUTES)
    assert len(table) == 4 * (len(MEASURES) + len(DISPUTES))
    network = table[table["measure"].isin(MEASURES)]
    assert (
        not network[["observed", "simulated_mean", "simulated_min", "simulated_max"]]
        .isna()
        .any(axis=None)
    )
    # the disputes: none drawn at the start; observed only when a disputes file is given
    disputes = table[table["measure"].isin(DISPUTES)]
    assert disputes.loc[disputes["year"] == 1990, "simulated_mean"].isna().all()
    assert disputes.loc[disputes["year"] > 1990, "simulated_mean"].notna().all()
    assert disputes["observed"].isna().all()
    table = table.dropna(subset=["simulated_mean"])
    assert (table["runs"] == 2).all()
    assert (table["simulated_min"] <= table["simulated_mean"]).all()
    assert (table["simulated_mean"] <= table["simulated_max"]).all()
    assert sorted(result.runs["seed"].unique()) == [1990, 1991]
    assert math.isfinite(result.distance) and result.distance >= 0
    text = result.text()
    assert all(str(year) in text for year in (1990, 1993))
    assert "distance" in text
    # the states column counts the simulated system that year, not every nation listed
    first_block = next(line for line in text.splitlines() if line[:4] == "1990")
    assert first_block.split()[1:4] == ["165", "/", "165"]


@pytest.mark.slow
def test_the_hindcast_command_prints_the_comparison_and_writes_table_and_figures(tmp_path, capsys):
    out = tmp_path / "hindcast"
    code, stdout, err = call(capsys, "hindcast", "--seeds", "2", "--set", "steps=2", "--out", out)
    assert code == 0, err
    assert "world_1990 hindcast: 2 run(s)" in stdout
    assert "1992" in stdout and "distance" in stdout
    # the year-by-year comparison comes in three blocks (the yearly figures, the
    # structure measures, the disputes), each narrow enough for a terminal
    year_rows = [line for line in stdout.splitlines() if line[:5] in ("1990 ", "1992 ")]
    assert len(year_rows) == 6
    assert max(len(line) for line in year_rows) <= 120
    assert sum(line.startswith("year ") for line in stdout.splitlines()) == 3
    # the disputes against the MID counts: 39 begun in 1992, 14 of them fatal
    disputes = [line for line in year_rows if line.startswith("1992") and "/ 39.0" in line]
    assert disputes and "/ 14.0" in disputes[0]
    assert sorted(p.name for p in out.iterdir()) == [
        "hindcast.csv",
        "hindcast.html",
        "hindcast.json",
        "hindcast.png",
        "hindcast_runs.csv",
    ]
    table = pd.read_csv(out / "hindcast.csv")
    assert list(table.columns) == list(TABLE_COLUMNS)
    assert len(table) == 3 * len(ALL_MEASURES)
    assert (out / "hindcast.png").read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    summary = json.loads((out / "hindcast.json").read_text())
    assert summary["seeds"] == [1990, 1991]
    assert summary["overrides"] == {"steps": 2}
    assert {row["measure"] for row in summary["scores"]} <= set(ALL_MEASURES)


def test_the_hindcast_takes_another_files_parameters_and_set_still_wins(tmp_path, capsys):
    fitted = tmp_path / "fitted.yaml"
    fitted.write_text(
        "name: fitted\nregions: [{name: A, nations: 2}]\n"
        "parameters: {lapse_rate: 0.2, conclusion_rate: 0.5, funding_cost: 0.3}\n"
    )
    out = tmp_path / "hindcast"
    code, _, err = call(
        capsys,
        "hindcast",
        "--scenario",
        "scenarios/world_2000.yaml",
        "--start-year",
        "2000",
        "--parameters-from",
        fitted,
        "--set",
        "funding_cost=0.05",
        "--seeds",
        "1",
        "--set",
        "steps=1",
        "--out",
        out,
        "--quiet",
    )
    assert code == 0, err
    overrides = json.loads((out / "hindcast.json").read_text())["overrides"]
    # only what the file writes, and --set over it; world_2000's own parameters stay
    assert overrides == {
        "parameters.lapse_rate": 0.2,
        "parameters.conclusion_rate": 0.5,
        "parameters.funding_cost": 0.05,
        "steps": 1,
    }


@pytest.mark.parametrize(
    ("arguments", "expected"),
    [
        (["--seeds", "0"], "--seeds"),
        (["--start-year", "1989"], "--start-year"),
        (["--set", "steps=0"], "steps"),
        (["--set", "no_such_parameter=1"], "no_such_parameter"),
        (["--set", "oops"], "expected name=value"),
        (["--scenario", "missing.yaml"], "file not found"),
        (["--parameters-from", "missing.yaml"], "file not found"),
    ],
)
def test_bad_hindcast_input_is_one_line_and_exit_status_2(tmp_path, capsys, arguments, expected):
    out = tmp_path / "never"
    code, stdout, err = call(capsys, "hindcast", *arguments, "--out", out, "--quiet")
    assert code == 2
    assert expected in one_error_line(err)
    assert stdout == ""
    assert not out.exists()


def test_a_non_empty_out_folder_is_refused_before_any_run(tmp_path, capsys, monkeypatch):
    out = tmp_path / "taken"
    out.mkdir()
    (out / "notes.txt").write_text("mine")

    def must_not_run(*args, **kwargs):
        raise AssertionError("the hindcast ran although the output folder was refused")

    monkeypatch.setattr("simulation.sweeps.seeds.run_seeds", must_not_run)
    code, _, err = call(capsys, "hindcast", "--out", out, "--quiet")
    assert code == 2
    assert "not empty" in one_error_line(err)
    assert [p.name for p in out.iterdir()] == ["notes.txt"]


# --- hostile observed files and a PNG renderer that will not start ------------------------


def _broken_observed(tmp_path: Path, kind: str) -> Path:
    path = tmp_path / f"{kind}.csv"
    header = ",".join(("year", "states", *MEASURES))
    if kind == "empty":
        path.write_text("")
    elif kind == "header-only":
        path.write_text(header + "\n")
    elif kind == "a-word":
        path.write_text(f"{header}\n1990,many,1,1,0.1,1,1,1,0.1\n")
    elif kind == "a-blank-cell":
        path.write_text(f"{header}\n1990,165,1,,0.1,1,1,1,0.1\n")
    elif kind == "a-folder":
        path.mkdir()
    elif kind == "too-large":
        row = "1990,165,1,1,0.1,1,1,1,0.1\n"
        path.write_text(header + "\n" + row * (2_000_000 // len(row)))
    return path


@pytest.mark.parametrize(
    ("kind", "expected"),
    [
        ("empty", "the observed file is empty; expected a CSV with the columns year, states"),
        ("header-only", "no rows; expected one row a year"),
        ("a-word", "row 1 after the header, column states: expected a number, got 'many'"),
        ("a-blank-cell", "column tied_dyads: expected a number, got an empty cell"),
        ("a-folder", "is a folder, expected an observed CSV file"),
        ("too-large", "bytes, more than the 1,000,000 an observed file may have"),
    ],
)
def test_an_observed_file_that_is_not_a_table_of_numbers_is_a_one_line_hindcast_error(
    kind, expected, tmp_path
):
    path = _broken_observed(tmp_path, kind)
    with pytest.raises(HindcastError) as raised:
        load_observed(path)
    message = str(raised.value)
    assert message.startswith(f"{path}: ") and expected in message, message
    assert "\n" not in message


def test_a_device_given_as_the_observed_file_is_refused_without_reading_it():
    # read, /dev/zero would never end: a process with a time limit keeps the test finite
    program = "from analysis.hindcast import load_observed; load_observed('/dev/zero')"
    done = subprocess.run(
        [sys.executable, "-c", program], cwd=ROOT, capture_output=True, text=True, timeout=60
    )
    assert "HindcastError: /dev/zero: not a regular file" in done.stderr, done.stderr


def _failing_renderer(monkeypatch) -> None:
    import plotly.graph_objects as go

    def fail(*args, **kwargs):
        raise RuntimeError("Kaleido requires Google Chrome to be installed.\nInstall it with ...")

    monkeypatch.setattr(go.Figure, "write_image", fail)


def test_a_png_renderer_that_fails_leaves_the_data_and_html_written(
    observed, tmp_path, monkeypatch
):
    _failing_renderer(monkeypatch)
    result = hindcast_from_runs(_model_like(observed, 1.1, seed=0), load_scenario(SCENARIO))
    out = result.write(tmp_path / "hindcast")
    assert sorted(p.name for p in out.iterdir()) == [
        "hindcast.csv",
        "hindcast.html",
        "hindcast.json",
        "hindcast_runs.csv",
        "targets.csv",
    ]
    assert result.image_error == "RuntimeError: Kaleido requires Google Chrome to be installed."
    assert result.files == ["hindcast.csv", "hindcast.html", "targets.csv"]
    assert sorted(p.name for p in tmp_path.iterdir()) == ["hindcast"]  # no partial left


def test_the_hindcast_command_says_in_one_line_why_there_is_no_png(tmp_path, capsys, monkeypatch):
    _failing_renderer(monkeypatch)
    out = tmp_path / "hindcast"
    code, stdout, err = call(
        capsys, "hindcast", "--seeds", "1", "--set", "steps=1", "--out", out, "--quiet"
    )
    assert code == 0, err
    # the note on the events a one-step run leaves out comes first
    note, why = err.splitlines()
    assert note.startswith("note: 12 scheduled events after step 1 not run: join_agreement at 9")
    assert why == (
        "hindcast.png not made: the PNG renderer failed (RuntimeError: Kaleido requires "
        "Google Chrome to be installed.); the data and hindcast.html are written"
    )
    # --quiet: only where the results are
    assert stdout == f"results in {out}/  (hindcast.csv, hindcast.html)\n"
    assert sorted(p.name for p in out.iterdir()) == [
        "hindcast.csv",
        "hindcast.html",
        "hindcast.json",
        "hindcast_runs.csv",
    ]
    # the command also computes the structure measures from each run's tables
    assert len(pd.read_csv(out / "hindcast.csv")) == 2 * len(ALL_MEASURES)
