"""Calibration of a world to observed network figures (world_1990 to the yearly DCA
network of 1990-2010 in scenarios/data/dca_network_targets_1990_2010.csv): scoring a
sweep's points against observed figures, acceptance by rejection, the fitted scenario and
the `calibrate` command.

The sweeps here are tiny (the ten-nation `tiny` world, or world_1990 for two steps), and
the observed figures are synthetic: one design point's own mean, so the calibration must
pick that point with a distance of zero. Nothing here asserts a good fit to the real data.
"""

from __future__ import annotations

import math
import sys
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
import yaml

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from analysis.calibration import (  # noqa: E402
    CALIBRATION_MEASURES,
    CalibrationError,
    accepted_count,
    calibrate,
    rescale_observed,
    score_points,
)
from analysis.hindcast import (  # noqa: E402
    MEASURES,
    compare,
    load_observed,
    measures_from_model,
    score,
)
from simulation.scenario import load_scenario  # noqa: E402
from simulation.sweeps.executors import SerialExecutor  # noqa: E402
from simulation.sweeps.orchestrator import run_sweep  # noqa: E402
from simulation.sweeps.plan import load_sweep  # noqa: E402
from tests import sweep_support as support  # noqa: E402
from tests.cli_support import call, one_error_line  # noqa: E402

WORLD_1990 = ROOT / "scenarios" / "world_1990.yaml"

# four points that differ only in diplomatic_capacity: 0 freezes the network, so point 0
# can never match a point that signs anything
CAPACITY = """\
name: capacity
scenarios: [tiny.yaml]
replicates: 2
seed: 11
parameters:
  diplomatic_capacity: [0, 1, 2, 3]
"""
TARGET_POINT = 1  # the point whose own mean is the "observed" network


def run_quietly(sweep_file: Path, out: Path, function=None) -> Path:
    kwargs = {} if function is None else {"function": function}
    run_sweep(load_sweep(sweep_file), out, SerialExecutor(), progress=False, **kwargs)
    return out


def observed_from_point(sweep_dir: Path, point: int, nations: int) -> pd.DataFrame:
    """Synthetic observed figures: the mean over replicates of one point's measures."""
    model = pd.read_parquet(sweep_dir / "model")
    runs = measures_from_model(model[model["point"] == point], nations)
    frame = runs.groupby("year")[list(MEASURES)].mean().reset_index()
    frame.insert(1, "states", nations)
    return frame


@pytest.fixture(scope="module")
def capacity_sweep(tmp_path_factory) -> tuple[Path, Path]:
    """The CAPACITY sweep, run once: (its folder, the observed CSV of TARGET_POINT)."""
    folder = support.write_world(tmp_path_factory.mktemp("world"))
    sweep_file = support.write_sweep(folder, CAPACITY)
    out = run_quietly(sweep_file, folder / "out")
    observed = folder / "observed.csv"
    observed_from_point(out, TARGET_POINT, nations=10).to_csv(observed, index=False)
    return out, observed


# --- scoring -------------------------------------------------------------------------------


def test_vectorised_scores_equal_the_hindcasts_compare_and_score_point_by_point():
    rng = np.random.default_rng(3)
    rows = []
    for point in range(3):
        for replicate in range(2):
            for step in range(6):
                values = {m: float(rng.uniform(1, 50)) for m in MEASURES}
                rows.append({"point": point, "replicate": replicate, "step": step, **values})
    runs = pd.DataFrame(rows)
    runs["year"] = 1990 + runs["step"]
    observed = pd.DataFrame({"year": range(1988, 1998), "states": 30})
    for m in MEASURES:
        observed[m] = rng.uniform(1, 50, len(observed))
    scored = score_points(runs, observed, list(MEASURES)).set_index("point")
    for point in range(3):
        table = compare(runs[runs["point"] == point], observed, run_column="replicate")
        expected = score(table).set_index("measure")
        for m in MEASURES:
            assert scored.loc[point, f"nrmse_{m}"] == pytest.approx(expected.loc[m, "nrmse"])
            assert scored.loc[point, f"bias_{m}"] == pytest.approx(expected.loc[m, "bias"])
        assert scored.loc[point, "distance"] == pytest.approx(expected["nrmse"].mean())
        assert scored.loc[point, "replicates"] == 2


def test_runs_of_a_point_that_cover_different_years_are_refused():
    runs = pd.DataFrame({"point": [0, 0, 0], "replicate": [0, 0, 1], "year": [1991, 1992, 1991]})
    for m in MEASURES:
        runs[m] = 1.0
    observed = pd.DataFrame({"year": [1991, 1992], "states": 5, **{m: 1.0 for m in MEASURES}})
    with pytest.raises(CalibrationError, match="same years"):
        score_points(runs, observed)


def test_observed_counts_are_rescaled_to_the_simulated_number_of_states():
    observed = load_observed()
    same = rescale_observed(observed[observed["year"] == 1990], 165)
    pd.testing.assert_frame_equal(
        same.astype(float), observed[observed["year"] == 1990].astype(float)
    )
    rescaled = rescale_observed(observed, 165).set_index("year")
    raw = observed.set_index("year")
    n = 195  # states in 2010
    assert rescaled.loc[2010, "tied_dyads"] == pytest.approx(904 * 165 * 164 / (n * (n - 1)))
    assert rescaled.loc[2010, "states_with_dca"] == pytest.approx(154 * 165 / n)
    assert rescaled.loc[2010, "max_degree"] == pytest.approx(72 * 164 / (n - 1))
    for column in ("density", "transitivity"):
        pd.testing.assert_series_equal(rescaled[column], raw[column])
    # on a common number of states, tied dyads, density and mean degree agree
    possible = 165 * 164 / 2
    assert np.allclose(rescaled["tied_dyads"] / possible, rescaled["density"], rtol=0.02)
    assert np.allclose(rescaled["mean_degree"] / 164, rescaled["density"], rtol=0.02)
    assert (rescaled["states"] == 165).all()


@pytest.mark.parametrize(
    ("accept", "points", "count"),
    [(0.05, 800, 40), (0.05, 10, 1), (0.01, 10, 1), (0.25, 10, 3), (1.0, 7, 7), (0.5, 4, 2)],
)
def test_the_acceptance_fraction_selects_round_accept_times_points_at_least_one(
    accept, points, count
):
    assert accepted_count(accept, points) == count


# --- the calibration ----------------------------------------------------------------------


def test_the_point_whose_mean_is_observed_is_the_best_with_distance_zero(capacity_sweep):
    out, observed = capacity_sweep
    result = calibrate(out, accept=0.5, observed=observed)
    scores = result.scores.set_index("point")
    assert scores.loc[0, "distance"] > 0  # the frozen network differs from the target
    assert int(result.best_row["point"]) == TARGET_POINT
    assert result.best == {"diplomatic_capacity": 1}
    assert result.distance == pytest.approx(0.0, abs=1e-12)
    assert result.best_scores["nrmse"].to_numpy() == pytest.approx(0.0, abs=1e-12)
    assert list(result.scores["rank"]) == [1, 2, 3, 4]
    assert result.scores["distance"].is_monotonic_increasing
    assert result.measures == list(CALIBRATION_MEASURES)
    assert (result.scores["replicates"] == 2).all()
    assert (result.scores["distance_sd"] >= 0).all()


@pytest.mark.parametrize(("accept", "count"), [(0.25, 1), (0.5, 2), (0.6, 2), (1.0, 4)])
def test_the_accepted_points_are_the_best_share(capacity_sweep, accept, count):
    out, observed = capacity_sweep
    result = calibrate(out, accept=accept, observed=observed)
    accepted = result.accepted
    assert len(accepted) == count
    assert list(accepted["rank"]) == list(range(1, count + 1))
    assert result.threshold == accepted["distance"].max()
    posterior = result.posterior.set_index("parameter")
    values = accepted["diplomatic_capacity"]
    assert posterior.loc["diplomatic_capacity", "accepted_min"] == values.min()
    assert posterior.loc["diplomatic_capacity", "accepted_max"] == values.max()
    assert (
        posterior.loc["diplomatic_capacity", "prior_low"],
        posterior.loc["diplomatic_capacity", "prior_high"],
    ) == (0, 3)
    assert posterior.loc["diplomatic_capacity", "best"] == 1


def test_a_point_with_a_failed_run_is_left_out(tmp_path):
    folder = support.write_world(tmp_path / "world")
    sweep_file = support.write_sweep(folder, CAPACITY.replace("[0, 1, 2, 3]", "[0, 1, 2, 3, 4]"))
    # the support function fails replicate 0 of point 2
    out = run_quietly(sweep_file, tmp_path / "out", function=support.failed_target)
    observed = tmp_path / "observed.csv"
    observed_from_point(out, TARGET_POINT, nations=10).to_csv(observed, index=False)
    result = calibrate(out, accept=1.0, observed=observed)
    assert result.failed_points == [2]
    assert sorted(result.scores["point"]) == [0, 1, 3, 4]
    assert "left out 1 point(s) with a failed or missing run: 2" in result.text()


# --- the command and the fitted scenario ---------------------------------------------------


def test_the_command_prints_the_posterior_and_writes_scores_and_a_valid_fitted_scenario(
    capacity_sweep, tmp_path, capsys
):
    out, observed = capacity_sweep
    fitted = tmp_path / "fitted" / "tiny_fit.yaml"
    scores = tmp_path / "scores.csv"
    code, stdout, err = call(
        capsys, "calibrate", out, "--accept", "0.5", "--observed", observed,
        "--out", fitted, "--scores", scores,
    )  # fmt: skip
    assert code == 0, err
    assert "accepted: the best 0.5 = 2 of 4 points" in stdout
    assert "diplomatic_capacity" in stdout
    assert f"best point {TARGET_POINT}: distance 0.000" in stdout
    assert f"fitted scenario in {fitted}" in stdout

    table = pd.read_csv(scores)
    assert len(table) == 4
    assert table.loc[0, "point"] == TARGET_POINT
    assert table["accepted"].tolist() == [True, True, False, False]
    assert {"distance", "distance_sd", *(f"nrmse_{m}" for m in CALIBRATION_MEASURES)} <= set(
        table.columns
    )

    code, stdout, err = call(capsys, "validate", fitted)
    assert code == 0, err
    scenario = load_scenario(fitted)
    base = load_scenario(out.parent / "tiny.yaml")
    assert scenario.name == "tiny_calibrated"
    assert scenario.parameters.diplomatic_capacity == 1
    assert scenario.parameters.model_dump() == {
        **base.parameters.model_dump(),
        "diplomatic_capacity": 1,
    }
    same = {"name", "parameters"}
    assert scenario.model_dump(exclude=same) == base.model_dump(exclude=same)
    text = fitted.read_text()
    assert text.startswith("# yaml-language-server: $schema=")
    assert "#   python run.py calibrate " in text
    assert "--accept 0.5" in text
    assert "Best point 1: distance 0.000" in text
    assert "diplomatic_capacity: 1  # fitted; prior 0-3, accepted" in text


@pytest.mark.slow
def test_the_fitted_world_keeps_the_base_files_layout_with_the_sweeps_steps(tmp_path, capsys):
    sweep_file = tmp_path / "two.yaml"
    sweep_file.write_text(
        f"name: two\nscenarios: [{WORLD_1990}]\nsteps: 2\nparameters:\n"
        "  homophily_weight: [0.5, 1.25]\n"
    )
    out = run_quietly(sweep_file, tmp_path / "out")
    fitted = tmp_path / "world_fit.yaml"
    code, stdout, err = call(capsys, "calibrate", out, "--accept", "1", "--out", fitted)
    assert code == 0, err
    assert (out / "calibration.csv").is_file()  # the default place of the scores
    scenario = load_scenario(fitted)
    best = float(pd.read_csv(out / "calibration.csv").loc[0, "homophily_weight"])
    assert scenario.parameters.homophily_weight == best
    assert scenario.parameters.multilateralisation_rate == 0.0  # the base's own
    assert scenario.steps == 2
    assert scenario.name == "world_1990_calibrated"
    # below the header, the base file's lines are kept but for name, steps and parameters
    base_lines = WORLD_1990.read_text().splitlines()
    kept = [line for line in base_lines if line and not line.startswith("#")]
    new_lines = fitted.read_text().splitlines()
    changed = ("name:", "steps:", "parameters:", "  multilateralisation_rate:")
    for line in kept:
        if not line.startswith(changed):
            assert line in new_lines, line
    assert "Nothing here is calibrated yet" not in fitted.read_text()


def test_a_sweep_that_sets_a_region_field_writes_the_whole_mapping(tmp_path, capsys):
    folder = support.write_world(tmp_path / "world")
    sweep_file = support.write_sweep(
        folder,
        CAPACITY + "fixed:\n  regions.1.threat: 0.55\n",
    )
    out = run_quietly(sweep_file, tmp_path / "out")
    observed = tmp_path / "observed.csv"
    observed_from_point(out, TARGET_POINT, nations=10).to_csv(observed, index=False)
    fitted = tmp_path / "fit.yaml"
    code, _, err = call(
        capsys, "calibrate", out, "--accept", "0.25", "--observed", observed, "--out", fitted
    )
    assert code == 0, err
    scenario = load_scenario(fitted)
    assert scenario.regions[1].threat == 0.55
    data = yaml.safe_load(fitted.read_text())
    assert data["parameters"]["diplomatic_capacity"] == scenario.parameters.diplomatic_capacity


# --- bad input -----------------------------------------------------------------------------


def test_bad_accept_measures_or_observed_are_one_line_errors(capacity_sweep, tmp_path, capsys):
    out, observed = capacity_sweep
    cases = [
        (["--accept", "0"], "--accept: expected a fraction in (0, 1], got 0"),
        (["--accept", "1.5"], "--accept: expected a fraction in (0, 1], got 1.5"),
        (["--measures", "density,nodes"], "unknown measure 'nodes'"),
        (["--measures", ","], "--measures: expected measure names"),
        (["--observed", tmp_path / "none.csv"], "observed file not found"),
    ]
    for arguments, expected in cases:
        code, _, err = call(capsys, "calibrate", out, *arguments, "--out", tmp_path / "f.yaml")
        assert code == 2, arguments
        assert expected in one_error_line(err), (arguments, err)
    assert not (tmp_path / "f.yaml").exists()


def test_a_folder_that_is_not_a_sweep_is_a_one_line_error(tmp_path, capsys):
    code, _, err = call(capsys, "calibrate", tmp_path / "nowhere")
    assert code == 2
    assert "no such folder" in one_error_line(err)
    code, _, err = call(capsys, "calibrate", tmp_path)
    assert code == 2
    assert "not a results folder" in one_error_line(err)


def test_a_sweep_whose_file_changed_or_went_is_a_one_line_error(tmp_path, capsys):
    folder = support.write_world(tmp_path / "world")
    sweep_file = support.write_sweep(folder, CAPACITY.replace("[0, 1, 2, 3]", "[0, 1]"))
    out = run_quietly(sweep_file, tmp_path / "out")
    sweep_file.write_text(sweep_file.read_text().replace("seed: 11", "seed: 12"))
    code, _, err = call(capsys, "calibrate", out, "--out", tmp_path / "f.yaml")
    assert code == 2
    assert "has changed since the sweep ran" in one_error_line(err)
    sweep_file.unlink()
    code, _, err = call(capsys, "calibrate", out, "--out", tmp_path / "f.yaml")
    assert code == 2
    assert "is gone" in one_error_line(err)


def test_the_fitted_scenario_may_not_overwrite_its_base(capacity_sweep, capsys):
    out, observed = capacity_sweep
    base = out.parent / "tiny.yaml"
    before = base.read_text()
    code, _, err = call(capsys, "calibrate", out, "--observed", observed, "--out", base)
    assert code == 2
    assert "is the base scenario itself" in one_error_line(err)
    assert base.read_text() == before


def test_observed_years_that_miss_the_runs_are_a_one_line_error(capacity_sweep, tmp_path, capsys):
    out, observed = capacity_sweep
    frame = pd.read_csv(observed)
    frame["year"] += 100
    late = tmp_path / "late.csv"
    frame.to_csv(late, index=False)
    code, _, err = call(capsys, "calibrate", out, "--observed", late, "--out", tmp_path / "f.yaml")
    assert code == 2
    assert "no year to score" in one_error_line(err)


def test_calibrate_refuses_a_bad_fraction_from_python_too(capacity_sweep):
    out, observed = capacity_sweep
    for accept in (0, -0.1, 2, math.nan):
        with pytest.raises(CalibrationError, match="accept"):
            calibrate(out, accept=accept, observed=observed)


# --- what calibrate takes (a calibration sweep) and where it writes ------------------------

SENSITIVITY = {
    "sobol": "design: sobol\nsamples: 4\n",
    "morris": "design: morris\nsamples: 2\n",
}


def _sensitivity_sweep(design: str) -> str:
    return (
        f"name: {design}\nscenarios: [tiny.yaml]\nseed: 11\n{SENSITIVITY[design]}"
        "parameters:\n  diplomatic_capacity: {range: [0, 3]}\n"
    )


def _listing(*folders: Path) -> dict[str, list[str]]:
    return {str(f): sorted(p.name for p in f.iterdir()) for f in folders}


@pytest.mark.parametrize("design", sorted(SENSITIVITY))
def test_a_sensitivity_design_is_refused_as_not_a_calibration_sweep(design, tmp_path, capsys):
    folder = support.write_world(tmp_path / "world")
    out = run_quietly(support.write_sweep(folder, _sensitivity_sweep(design)), tmp_path / "out")
    observed = tmp_path / "observed.csv"
    observed_from_point(out, 0, nations=10).to_csv(observed, index=False)
    before = _listing(folder, out, tmp_path)
    code, stdout, err = call(capsys, "calibrate", out, "--observed", observed)
    assert code == 2
    line = one_error_line(err)
    assert f"not a calibration sweep: its {design} design" in line, line
    assert "expects a sample of the prior, a grid or latin_hypercube design" in line, line
    assert stdout == ""
    assert _listing(folder, out, tmp_path) == before


def test_a_sweep_of_a_world_other_than_the_observed_one_is_refused(tmp_path, capsys):
    # the ten-nation world against the 165 states of the shipped observed file
    folder = support.write_world(tmp_path / "world")
    out = run_quietly(support.write_sweep(folder, CAPACITY), tmp_path / "out")
    before = _listing(folder, out)
    code, stdout, err = call(capsys, "calibrate", out)
    assert code == 2
    line = one_error_line(err)
    assert (
        "not a calibration sweep: its world has 10 nations at step 0, the observed 1990 "
        "has 165 states; calibrate expects a sweep of the world the observed figures start "
        "from (scenarios/world_1990.yaml for the default observed file"
    ) in line, line
    assert _listing(folder, out) == before


def test_runs_that_do_not_start_from_the_observed_network_are_refused(
    capacity_sweep, tmp_path, capsys
):
    out, observed = capacity_sweep
    frame = pd.read_csv(observed)
    frame.loc[frame["year"] == 1990, "max_degree"] += 1
    shifted = tmp_path / "shifted.csv"
    frame.to_csv(shifted, index=False)
    code, _, err = call(capsys, "calibrate", out, "--observed", shifted, "--out", tmp_path / "f")
    assert code == 2
    line = one_error_line(err)
    assert "not a calibration sweep: point 0 does not start from the observed network" in line
    assert "max degree" in line, line
    assert not (tmp_path / "f").exists()


def test_without_out_the_fitted_scenario_goes_into_the_sweep_folder_not_beside_its_base(
    tmp_path, capsys
):
    folder = support.write_world(tmp_path / "world")
    out = run_quietly(support.write_sweep(folder, CAPACITY), tmp_path / "out")
    observed = tmp_path / "observed.csv"
    observed_from_point(out, TARGET_POINT, nations=10).to_csv(observed, index=False)
    base_folder = _listing(folder)
    code, stdout, err = call(capsys, "calibrate", out, "--observed", observed)
    assert code == 0, err
    assert _listing(folder) == base_folder  # nothing new among the scenarios
    fitted = out / "tiny_calibrated.yaml"
    assert f"fitted scenario in {fitted};" in stdout
    assert load_scenario(fitted).name == "tiny_calibrated"
    assert (out / "calibration.csv").is_file()


@pytest.mark.parametrize(
    ("option", "target", "expected"),
    [
        ("--out", "a-folder", "is a folder; --out expects a file name"),
        ("--scores", "a-folder", "is a folder; --scores expects a file name"),
        ("--out", "a-long-name", "the name is 305 bytes"),
        ("--scores", "a-long-name", "the name is 305 bytes"),
    ],
)
def test_an_out_or_scores_file_that_cannot_be_written_is_refused_before_writing_either(
    option, target, expected, capacity_sweep, tmp_path, capsys
):
    out, observed = capacity_sweep
    (tmp_path / "a-folder").mkdir()
    path = tmp_path / ("a-folder" if target == "a-folder" else "n" * 300 + ".yaml")
    other = "--scores" if option == "--out" else "--out"
    other_path = tmp_path / "other.file"
    sweep_before = _listing(out)
    code, _, err = call(
        capsys, "calibrate", out, "--observed", observed, option, path, other, other_path
    )
    assert code == 2
    assert expected in one_error_line(err)
    assert _listing(tmp_path) == {str(tmp_path): ["a-folder"]}
    assert _listing(out) == sweep_before


def test_an_empty_observed_file_is_a_one_line_error(capacity_sweep, tmp_path, capsys):
    out, _ = capacity_sweep
    empty = tmp_path / "empty.csv"
    empty.write_text("")
    code, stdout, err = call(capsys, "calibrate", out, "--observed", empty, "--out", tmp_path / "f")
    assert code == 2
    assert one_error_line(err) == (
        f"error: {empty}: the observed file is empty; expected a CSV with the columns year, "
        "states, active_agreements, tied_dyads, density, states_with_dca, mean_degree, "
        "max_degree, transitivity"
    )
    assert stdout == ""
