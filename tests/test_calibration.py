"""Calibration by ABC-SMC (analysis.calibration, analysis.abc) and the targets check
(analysis.hindcast.check_targets).

The calibrations here run the ten-nation `tiny` world (6 steps: 1990-1996, fitted on
1991-1993 and tested on 1994-1996) against synthetic observed figures: the mean of a few
runs at known parameter values. Nothing here asserts a good fit to the real data."""

from __future__ import annotations

import math
import sys
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from analysis.abc import Distance, particle_seed, prior_of  # noqa: E402
from analysis.calibration import (  # noqa: E402
    Settings,
    calibrate,
    run_forward,
    stacked_runs,
    weighted_quantile,
)
from analysis.hindcast import (  # noqa: E402
    ALL_MEASURES,
    TARGETS,
    check_targets,
    comparable_observed,
    measures_from_model,
    rescale_observed,
)
from simulation.scenario import load_scenario  # noqa: E402
from simulation.sweeps.plan import load_sweep  # noqa: E402
from tests import sweep_support as support  # noqa: E402
from tests.cli_support import call, one_error_line  # noqa: E402

SWEEP = """\
name: tiny_calibration
scenarios: [tiny.yaml]
design: latin_hypercube
samples: 4
replicates: 1
seed: 5
parameters:
  diplomatic_capacity: {range: [1, 3]}
  negotiation_cost: {range: [0.0, 0.3]}
"""
TRUTH = {"diplomatic_capacity": 2, "negotiation_cost": 0.1}
FIT = (1991, 1993)
TEST = (1994, 1996)
SMALL = Settings(
    population=6,
    generations=2,
    replicates=1,
    fit_years=FIT,
    test_years=TEST,
    draws=3,
    check_seeds=3,
)


def synthetic_observed(folder: Path) -> Path:
    """The mean of three runs of tiny at TRUTH, as an observed file (10 states a year)."""
    scenario = load_scenario(folder / "tiny.yaml")
    data = scenario.model_dump(mode="json")
    results = [run_forward(data, "", scenario.steps, (s, TRUTH, s)) for s in (1, 2, 3)]
    model, structure = stacked_runs(results, "seed")
    runs = measures_from_model(model, 10, structure=structure)
    frame = runs.groupby("year")[list(ALL_MEASURES)].mean().reset_index()
    frame.insert(1, "states", 10)
    path = folder / "observed.csv"
    frame.to_csv(path, index=False)
    return path


@pytest.fixture(scope="module")
def world(tmp_path_factory) -> tuple[Path, Path]:
    """(the sweep file over tiny, the synthetic observed file)."""
    folder = support.write_world(tmp_path_factory.mktemp("world"))
    sweep = support.write_sweep(folder, SWEEP)
    return sweep, synthetic_observed(folder)


def run_abc(world, folder: Path, settings: Settings = SMALL, **kwargs):
    sweep, observed = world
    folder.mkdir(parents=True, exist_ok=True)
    return calibrate(sweep, settings, observed, database=folder / "abc.db", **kwargs)


# --- the pieces ----------------------------------------------------------------------------


def test_a_particle_seed_depends_on_the_values_the_replicate_and_the_seed_only():
    values = {"a": 0.1, "b": 2.0}
    assert particle_seed(5, values, 0) == particle_seed(5, dict(reversed(values.items())), 0)
    others = {
        particle_seed(5, {"a": 0.1 + 1e-12, "b": 2.0}, 0),
        particle_seed(5, values, 1),
        particle_seed(6, values, 0),
    }
    assert particle_seed(5, values, 0) not in others and len(others) == 3
    assert 0 <= particle_seed(5, values, 0) < 2**32


def test_the_distance_is_the_mean_normalised_rmse_and_a_missing_year_costs_the_scale():
    observed = {"x": np.array([2.0, 2.0]), "y": np.array([1.0, np.nan])}
    distance = Distance(observed)
    assert distance(observed, observed) == 0.0
    # x off by 1 both years (scale 2): 0.5; y's only observed year missing: 1
    simulated = {"x": np.array([3.0, 1.0]), "y": np.array([np.nan, 5.0])}
    assert distance.per_measure(simulated, observed) == {"x": 0.5, "y": 1.0}
    assert distance(simulated, observed) == 0.75


def test_an_assortativity_near_zero_is_scaled_by_its_floor_not_by_itself():
    observed = {"degree_assortativity": np.array([-0.01, -0.01])}
    distance = Distance(observed)
    assert distance({"degree_assortativity": np.array([0.09, 0.09])}, observed) == (
        pytest.approx(1.0)
    )


def test_the_prior_takes_whole_numbers_as_equally_likely_and_ranges_as_uniform(world):
    plan = load_sweep(world[0])
    prior, _, bounds = prior_of(plan.sweep.parameters)
    assert bounds == {"diplomatic_capacity": (1.0, 3.0), "negotiation_cost": (0.0, 0.3)}
    capacity = prior["diplomatic_capacity"]
    assert [capacity.pmf(k) for k in (0, 1, 2, 3, 4)] == pytest.approx([0, 1 / 3, 1 / 3, 1 / 3, 0])
    assert prior["negotiation_cost"].pdf(0.15) == pytest.approx(1 / 0.3)
    assert prior["negotiation_cost"].pdf(0.31) == 0


def test_the_weighted_quantile_is_the_first_value_whose_cumulative_weight_reaches_it():
    values, weights = np.array([3.0, 1.0, 2.0]), np.array([0.2, 0.5, 0.3])
    assert weighted_quantile(values, weights, 0.5) == 1.0
    assert weighted_quantile(values, weights, 0.6) == 2.0
    assert weighted_quantile(values, weights, 0.95) == 3.0


def test_observed_counts_are_rescaled_only_for_a_world_without_state_births():
    observed = pd.DataFrame(
        {
            "year": [1990],
            "states": [20],
            "active_agreements": [38.0],
            "tied_dyads": [19.0],
            "states_with_dca": [10.0],
            "mean_degree": [1.9],
            "max_degree": [19.0],
            "density": [0.1],
            "transitivity": [0.3],
        }
    )
    as_published, rescaled = comparable_observed(pd.DataFrame({"states": [20]}), observed, 10)
    assert not rescaled and as_published is observed
    fixed, rescaled = comparable_observed(pd.DataFrame({"step": [0]}), observed, 10)
    assert rescaled
    pd.testing.assert_frame_equal(fixed, rescale_observed(observed, 10))
    # pairs x 90/380, states x 10/20, degrees x 9/19; density unchanged
    assert fixed["tied_dyads"].iloc[0] == pytest.approx(4.5)
    assert fixed["states_with_dca"].iloc[0] == 5
    assert fixed["max_degree"].iloc[0] == pytest.approx(9.0)
    assert fixed["density"].iloc[0] == 0.1


# --- the targets ---------------------------------------------------------------------------


def _table(values: dict[str, tuple[list[float], list[float]]]) -> pd.DataFrame:
    rows = []
    for measure, (simulated, observed) in values.items():
        for k, (s, o) in enumerate(zip(simulated, observed, strict=True)):
            rows.append({"year": 2009 + k, "measure": measure, "simulated_mean": s, "observed": o})
    return pd.DataFrame(rows)


def test_the_targets_pass_and_miss_by_their_rules():
    table = _table(
        {
            "density": ([0.044, 0.055], [0.0449, 0.0478]),  # 2010: +15.06%: miss
            "states_with_dca": ([140, 160], [148, 154]),  # within 15%: pass
            "mean_degree": ([8.0, 9.0], [8.71, 9.27]),
            "max_degree": ([40, 55], [68, 72]),  # 2010 only: 55/72 = -23.6%: pass
            "agreements_per_tied_pair": ([1.2, 1.1], [np.nan, np.nan]),  # 1.1: miss
            "cross_region_share_new": ([0.3, 0.5], [np.nan, np.nan]),  # mean 0.4: pass
            "degree_assortativity": ([-0.1, 0.01], [np.nan, np.nan]),  # 2010 > 0: miss
            "transitivity": ([0.35, 0.30], [0.282, 0.289]),  # within 0.1: pass
            "disputes": ([50.0, 80.0], [np.nan, np.nan]),  # 80 > 74: miss
            "fatal_disputes": ([6.0, 36.0], [np.nan, np.nan]),  # the range's ends: pass
        }
    )
    targets = check_targets(table, [2009, 2010]).set_index("measure")
    assert len(targets) == len(TARGETS)
    passed = targets["passed"].to_dict()
    assert passed == {
        "density": False,
        "states_with_dca": True,
        "mean_degree": True,
        "max_degree": True,
        "agreements_per_tied_pair": False,
        "cross_region_share_new": True,
        "degree_assortativity": False,
        "transitivity": True,
        "disputes": False,
        "fatal_disputes": True,
    }
    assert targets.loc["disputes", "worst_year"] == 2010
    assert targets.loc["density", "worst_year"] == 2010
    assert targets.loc["agreements_per_tied_pair", "simulated"] == 1.1
    assert targets.loc["cross_region_share_new", "simulated"] == pytest.approx(0.4)
    assert targets.loc["max_degree", "observed"] == 72


def test_a_target_without_simulated_values_misses():
    table = _table({"density": ([0.04], [0.04])})
    targets = check_targets(table, [2009]).set_index("measure")
    assert targets.loc["density", "passed"]
    assert not targets.loc["degree_assortativity", "passed"]
    assert math.isnan(targets.loc["degree_assortativity", "simulated"])


# --- the calibration -----------------------------------------------------------------------


def test_abc_smc_runs_its_generations_and_reports_fit_and_test_apart(world, tmp_path):
    result = run_abc(world, tmp_path / "a")
    assert result.generations["t"].tolist() == [0, 1]
    assert (result.generations["particles"] == SMALL.population).all()
    # each generation's threshold is no larger than the last one's
    assert result.generations["epsilon"].is_monotonic_decreasing
    assert len(result.posterior) == SMALL.population
    assert result.posterior["weight"].sum() == pytest.approx(1.0)
    assert (result.posterior["distance"] <= result.generations["epsilon"].iloc[-1]).all()
    assert set(result.fitted) == {"diplomatic_capacity", "negotiation_cost"}
    assert isinstance(result.fitted["diplomatic_capacity"], int)
    periods = set(result.check.period_scores["period"])
    assert periods == {"fit", "test"}
    assert result.predictive.seeds == list(range(SMALL.draws))
    assert len(result.check.targets) == len(TARGETS)
    text = result.text()
    assert "fitted on 1991-1993; tested on 1994-1996" in text
    assert "test" in text and "targets of issues 13 and 14" in text


def test_the_same_seed_gives_the_same_posterior(world, tmp_path):
    first = run_abc(world, tmp_path / "a")
    second = run_abc(world, tmp_path / "b")
    pd.testing.assert_frame_equal(first.posterior, second.posterior)
    pd.testing.assert_frame_equal(first.generations, second.generations)
    pd.testing.assert_frame_equal(first.predictive.table, second.predictive.table)
    assert first.fitted == second.fitted


@pytest.mark.slow
def test_another_seed_gives_another_posterior(world, tmp_path):
    first = run_abc(world, tmp_path / "a")
    other = run_abc(world, tmp_path / "c", Settings(**{**SMALL.__dict__, "seed": 6}))
    assert not first.posterior.equals(other.posterior)


@pytest.mark.slow
def test_worker_processes_give_the_same_posterior_as_this_process(world, tmp_path):
    import multiprocessing

    serial = run_abc(world, tmp_path / "a")
    with multiprocessing.get_context("forkserver").Pool(2) as pool:
        parallel = run_abc(world, tmp_path / "b", map_=pool.map)
    pd.testing.assert_frame_equal(serial.posterior, parallel.posterior)
    pd.testing.assert_frame_equal(serial.generations, parallel.generations)


@pytest.mark.slow
def test_a_dask_cluster_gives_the_same_posterior_as_this_process(world, tmp_path):
    from distributed import Client, LocalCluster

    serial = run_abc(world, tmp_path / "a")
    with (
        LocalCluster(
            n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None
        ) as cluster,
        Client(cluster) as client,
    ):

        def dask_map(function, items):
            return client.gather(client.map(function, list(items), pure=False))

        on_dask = run_abc(world, tmp_path / "b", map_=dask_map)
    pd.testing.assert_frame_equal(serial.posterior, on_dask.posterior)
    pd.testing.assert_frame_equal(serial.generations, on_dask.generations)
    pd.testing.assert_frame_equal(serial.predictive.table, on_dask.predictive.table)


def test_the_command_writes_the_database_posterior_figure_targets_and_fitted_scenario(
    world, tmp_path, capsys
):
    sweep, observed = world
    out = tmp_path / "abc"
    fitted = tmp_path / "fitted.yaml"
    code, stdout, err = call(
        capsys,
        "calibrate",
        sweep,
        "--population",
        "6",
        "--generations",
        "2",
        "--fit-years",
        "1991-1993",
        "--test-years",
        "1994-1996",
        "--draws",
        "3",
        "--seeds",
        "3",
        "--workers",
        "1",
        "--observed",
        observed,
        "--out",
        out,
        "--fitted",
        fitted,
    )
    assert code == 0, err
    assert "ABC-SMC" in stdout and "targets of issues 13 and 14" in stdout
    names = {p.name for p in out.iterdir()}
    assert {
        "abc.db",
        "posterior.csv",
        "posterior_summary.csv",
        "generations.csv",
        "predictive.csv",
        "predictive.html",
        "targets.csv",
        "calibration.json",
        "tiny_calibrated.yaml",
    } <= names
    targets = pd.read_csv(out / "targets.csv")
    assert len(targets) == len(TARGETS)
    scenario = load_scenario(fitted)
    assert scenario.name == "tiny_calibrated"
    header = fitted.read_text()
    assert "FIT on 1991-1993" in header and "TEST on 1994-1996, out of sample" in header
    assert "posterior 90%" in header
    assert str(out) in (out / "tiny_calibrated.yaml").read_text()


@pytest.mark.parametrize(
    ("arguments", "expected"),
    [
        (["--fit-years", "2000-1991"], "--fit-years"),
        (["--fit-years", "1990-1993"], "must start after 1990"),
        (["--test-years", "1994-2003"], "no 1997"),
        (["--test-years", "1992-1996"], "must come after the fit years"),
        (["--population", "1"], "population"),
        (["--measures", "density,nonsense"], "unknown measure 'nonsense'"),
        (["--workers", "0"], "--workers"),
    ],
)
def test_bad_options_are_one_line_errors(world, tmp_path, capsys, arguments, expected):
    sweep, observed = world
    base = ["--fit-years", "1991-1993", "--test-years", "1994-1996"]
    code, _, err = call(
        capsys,
        "calibrate",
        sweep,
        "--workers",
        "1",
        *base,
        *arguments,
        "--observed",
        observed,
        "--out",
        tmp_path / "out",
    )
    line = one_error_line(err)
    assert code == 2 and expected in line, line
    assert not (tmp_path / "out").exists() or not any((tmp_path / "out").iterdir())


def test_a_world_that_does_not_start_from_the_observed_network_is_refused(world, tmp_path, capsys):
    sweep, observed = world
    frame = pd.read_csv(observed)
    frame.loc[frame["year"] == 1990, "max_degree"] += 1
    frame.to_csv(tmp_path / "other.csv", index=False)
    code, _, err = call(
        capsys,
        "calibrate",
        sweep,
        "--fit-years",
        "1991-1993",
        "--test-years",
        "1994-1996",
        "--workers",
        "1",
        "--observed",
        tmp_path / "other.csv",
        "--out",
        tmp_path / "out",
    )
    assert code == 2 and "does not start from the observed network" in one_error_line(err)


def test_a_missing_sweep_file_and_a_non_empty_out_are_one_line_errors(world, tmp_path, capsys):
    code, _, err = call(capsys, "calibrate", tmp_path / "none.yaml", "--workers", "1")
    assert code == 2 and "none.yaml" in one_error_line(err)
    (tmp_path / "full").mkdir()
    (tmp_path / "full" / "x").write_text("x")
    code, _, err = call(capsys, "calibrate", world[0], "--out", tmp_path / "full")
    assert code == 2 and "not empty" in one_error_line(err)


# --- the observed structure file -----------------------------------------------------------


def test_the_structure_file_fills_the_structure_measures_of_its_years(tmp_path):
    from analysis.hindcast import OBSERVED_FILE, STRUCTURE, load_observed

    # the shape of scenarios/data/dca_network_structure_1990_2000.csv (the data branch
    # writes the real one): year and the nine measures, empty cells allowed
    structure = tmp_path / "structure.csv"
    structure.write_text(
        "year,agreements_per_tied_pair,max_degree,cross_region_share_new,"
        "degree_assortativity,share_start_in_force,closing_share_new,newcomer_share_new,"
        "shared_partners_new,smaller_degree_new\n"
        "1990,1.18,16,0.6,-0.2,1.0,0.3,0.1,0.4,1.5\n"
        "1991,1.17,19,,-0.21,0.95,0.25,,1.5,2.5\n"
    )
    observed = load_observed(OBSERVED_FILE, structure).set_index("year")
    assert observed.loc[1990, "degree_assortativity"] == -0.2
    assert math.isnan(observed.loc[1991, "cross_region_share_new"])
    assert observed.loc[1991, "share_start_in_force"] == 0.95
    assert observed.loc[1991, "closing_share_new"] == 0.25
    assert math.isnan(observed.loc[1991, "newcomer_share_new"])
    assert observed.loc[1991, "shared_partners_new"] == 1.5
    assert observed.loc[1991, "smaller_degree_new"] == 2.5
    # the yearly figures keep their own max degree; agreements per tied pair comes from
    # the structure file where it has the year, from the figures' ratio elsewhere
    assert observed.loc[1991, "max_degree"] == 19
    assert observed.loc[1991, "agreements_per_tied_pair"] == 1.17
    assert observed.loc[2010, "agreements_per_tied_pair"] == pytest.approx(1200 / 904)
    assert observed.loc[2010, list(STRUCTURE)].drop("agreements_per_tied_pair").isna().all()


def test_a_structure_file_without_its_columns_is_a_one_line_error(tmp_path):
    from analysis.hindcast import OBSERVED_FILE, HindcastError, load_observed

    structure = tmp_path / "structure.csv"
    structure.write_text("year,max_degree\n1990,16\n")
    with pytest.raises(HindcastError, match="missing column"):
        load_observed(OBSERVED_FILE, structure)


def test_the_fitted_header_names_the_code_the_particles_ran_not_the_code_at_writing(
    world, tmp_path, monkeypatch
):
    revisions = iter(["a" * 40 + "+dirty", "b" * 40])
    monkeypatch.setattr("simulation.run_folder.git_revision", lambda: next(revisions))
    result = run_abc(world, tmp_path / "a")
    # a commit made while the calibration ran does not change what the header says
    path = result.write_scenario(tmp_path / "fitted.yaml", "python run.py calibrate ...")
    header = path.read_text()
    assert "with the code at git aaaaaaaaaaaa+dirty:" in header
    assert "bbbb" not in header


@pytest.mark.slow
def test_the_command_with_quiet_prints_only_where_the_results_are(world, tmp_path, capsys):
    sweep, observed = world
    out = tmp_path / "abc"
    code, stdout, err = call(
        capsys,
        "calibrate",
        sweep,
        "--population",
        "6",
        "--generations",
        "1",
        "--fit-years",
        "1991-1993",
        "--test-years",
        "1994-1996",
        "--draws",
        "2",
        "--seeds",
        "2",
        "--workers",
        "1",
        "--observed",
        observed,
        "--out",
        out,
        "--quiet",
    )
    assert code == 0, err
    lines = stdout.splitlines()
    assert len(lines) == 1, stdout
    assert lines[0].startswith(f"results in {out}/") and "tiny_calibrated.yaml" in lines[0]
    assert (out / "posterior.csv").is_file()
