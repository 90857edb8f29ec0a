"""Batch sweeps: the sweep file, designs, seeds, executors, the output folder, resume,
failures and sensitivity indices.

Every sweep here crosses the ten-nation `tiny` scenario (a few steps) with a handful
of design points, so a run takes a few hundredths of a second. Bad input is checked
in-process through `run.main`; Ctrl-C, Dask and a malformed scheduler address in a
real `run.py` process.
"""

from __future__ import annotations

import functools
import json
import math
import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from analysis.sensitivity import sensitivity_indices  # noqa: E402
from simulation.sweeps import orchestrator  # noqa: E402
from simulation.sweeps.design import replicate_seeds, unit_sample  # noqa: E402
from simulation.sweeps.executors import (  # noqa: E402
    DaskExecutor,
    ProcessExecutor,
    SerialExecutor,
    choose_executor,
)
from simulation.sweeps.orchestrator import run_sweep  # noqa: E402
from simulation.sweeps.plan import load_sweep  # noqa: E402
from simulation.sweeps.spec import Sweep  # noqa: E402
from tests import sweep_support as support  # noqa: E402
from tests.cli_support import call, one_error_line  # noqa: E402
from tests.sweep_support import TARGET, write_sweep, write_world  # noqa: E402

# 2 x 3 points x 2 replicates = 12 runs of 6 steps; TARGET (p2, r0) is the fifth run
GRID = """\
name: grid
scenarios: [tiny.yaml]
replicates: 2
parameters:
  crisis_rate: [0.1, 0.5]
  term: {range: [2, 8], points: 3}
"""
GRID_RUNS = 12
TARGET_INDEX = 4

SOBOL = """\
name: sobol
scenarios: [tiny.yaml]
design: sobol
samples: 4
steps: 4
parameters:
  crisis_rate: {range: [0.1, 0.6]}
  deepening_rate: {distribution: uniform, low: 0.1, high: 0.9}
"""


def cli(*argv, timeout: float = 120) -> subprocess.CompletedProcess:
    """Run `python run.py ...` from the project root as a user would."""
    return subprocess.run(
        [sys.executable, "run.py", *[str(arg) for arg in argv]],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=timeout,
    )


def quiet_run(plan, out: Path, executor=None, **options):
    return run_sweep(plan, out, executor or SerialExecutor(), progress=False, **options)


def model_files(out: Path, table: str = "model") -> dict[str, bytes]:
    return {path.name: path.read_bytes() for path in sorted((out / table).glob("*.parquet"))}


def model_dataset(out: Path) -> pd.DataFrame:
    frame = pd.read_parquet(out / "model")
    return frame.sort_values(["run_id", "step"]).reset_index(drop=True)


def partial_files(out: Path) -> list[str]:
    """Files written under a temporary name (hidden; '_' in sweeps of older versions)."""
    temporary = [p for p in out.rglob("*") if p.name.startswith((".", "_"))]
    return sorted(str(p.relative_to(out)) for p in temporary)


def line_of(text: str, needle: str) -> int:
    return next(n for n, line in enumerate(text.splitlines(), 1) if needle in line)


def closed_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture
def world(tmp_path) -> Path:
    return write_world(tmp_path / "world")


@pytest.fixture(scope="module")
def shared_world(tmp_path_factory) -> Path:
    return write_world(tmp_path_factory.mktemp("sweeps") / "world")


@pytest.fixture(scope="module")
def grid_serial(shared_world) -> tuple[Path, Path]:
    """The GRID sweep run once in this process: (sweep file, output folder)."""
    path = write_sweep(shared_world, GRID, "grid.yaml")
    out = shared_world.parent / "grid-serial"
    report = quiet_run(load_sweep(path), out)
    assert (report.ok, report.failed) == (GRID_RUNS, 0), report.failures
    return path, out


@pytest.fixture(scope="module")
def sobol_two_scenarios(shared_world) -> Path:
    """A sobol sweep crossing `tiny` and `tiny_b`, run in this process."""
    text = SOBOL.replace("name: sobol", "name: sobol2").replace(
        "[tiny.yaml]", "[tiny.yaml, tiny_b.yaml]"
    )
    out = shared_world.parent / "sobol-two"
    report = quiet_run(load_sweep(write_sweep(shared_world, text, "sobol2.yaml")), out)
    assert report.failed == 0, report.failures
    return out


# --- 1. the sweep file: one line naming file, field and line ------------------

HEAD = "name: bad\nscenarios: [tiny.yaml]\n"

BAD_SWEEPS = {
    "unknown design": (
        HEAD + "design: factorial\nparameters:\n  crisis_rate: [0.1, 0.2]\n",
        "design",
        "design:",
        "factorial",
    ),
    "sobol without samples": (
        HEAD + "design: sobol\nparameters:\n  crisis_rate:\n    range: [0.1, 0.2]\n",
        "samples",
        None,  # the field is absent, so there is no line to name
        "a sobol design needs 'samples'",
    ),
    "a list of values under sobol": (
        HEAD + "design: sobol\nsamples: 4\nparameters:\n  crisis_rate: [0.1, 0.2]\n",
        "parameters.crisis_rate",
        "crisis_rate:",
        "not a list of values",
    ),
    "range with low above high": (
        HEAD + "parameters:\n  crisis_rate:\n    range: [0.5, 0.2]\n    points: 3\n",
        "parameters.crisis_rate",
        "crisis_rate:",
        "low < high",
    ),
    "range with low equal to high": (
        HEAD + "parameters:\n  crisis_rate:\n    range: [0.5, 0.5]\n    points: 3\n",
        "parameters.crisis_rate",
        "crisis_rate:",
        "low < high",
    ),
    "points without a range": (
        HEAD + "parameters:\n  crisis_rate:\n    values: [0.1, 0.2]\n    points: 3\n",
        "parameters.crisis_rate",
        "crisis_rate:",
        "'points' goes with a 'range'",
    ),
    "normal without sd": (
        HEAD + "design: latin_hypercube\nsamples: 3\nparameters:\n"
        "  crisis_rate:\n    distribution: normal\n    mean: 0.3\n",
        "parameters.crisis_rate",
        "crisis_rate:",
        "needs 'mean' and 'sd'",
    ),
    "varying the seed": (
        HEAD + "parameters:\n  seed: [1, 2]\n",
        "parameters.seed",
        "seed:",
        "replicates set the seed",
    ),
    "varied and fixed": (
        HEAD + "parameters:\n  crisis_rate: [0.1, 0.2]\nfixed:\n  crisis_rate: 0.3\n",
        "parameters.crisis_rate",
        "crisis_rate: [",
        "also listed under 'fixed'",
    ),
    "missing scenario file": (
        "name: bad\nscenarios: [nope.yaml]\nparameters:\n  crisis_rate: [0.1, 0.2]\n",
        "scenarios[0]",
        "scenarios:",
        "no scenario file 'nope.yaml'",
    ),
    "value outside the parameter's range": (
        HEAD + "parameters:\n  crisis_rate:\n    range: [0, 2]\n    points: 3\n",
        "parameters.crisis_rate",
        "crisis_rate:",
        "the value 2.0 does not fit scenario tiny.yaml",
    ),
    "unknown parameter": (
        HEAD + "parameters:\n  crisis_rat: [0.1, 0.2]\n",
        "parameters.crisis_rat",
        "crisis_rat:",
        "unknown field",
    ),
    "unknown sweep field": (
        HEAD + "replicate: 3\nparameters:\n  crisis_rate: [0.1, 0.2]\n",
        "replicate",
        "replicate:",
        "unknown field",
    ),
}


def assert_names_file_field_line(line: str, path: Path, text: str, field, needle, problem):
    assert line.startswith("error: "), line
    where = f" (line {line_of(text, needle)})" if needle else ""
    assert f"{path}: {field}{where}: " in line, line
    assert problem in line, line


@pytest.mark.parametrize("case", list(BAD_SWEEPS), ids=list(BAD_SWEEPS))
def test_a_bad_sweep_file_is_one_error_line_with_file_field_and_line_and_writes_nothing(
    case, world, capsys
):
    text, field, needle, problem = BAD_SWEEPS[case]
    path = write_sweep(world, text)
    out = world.parent / "out"
    code, stdout, err = call(capsys, "sweep", path, "--out", out, "--quiet")
    assert code == 2, err
    assert_names_file_field_line(one_error_line(err), path, text, field, needle, problem)
    assert stdout == ""
    assert not out.exists()


@pytest.mark.parametrize(
    "case", ["unknown design", "range with low above high", "value outside the parameter's range"]
)
def test_validate_reports_a_bad_sweep_file_the_same_way(case, world, capsys):
    text, field, needle, problem = BAD_SWEEPS[case]
    path = write_sweep(world, text)
    code, stdout, err = call(capsys, "validate", path)
    assert code == 2
    assert_names_file_field_line(one_error_line(err), path, text, field, needle, problem)
    assert stdout == ""
    assert sorted(p.name for p in world.iterdir()) == ["sweep.yaml", "tiny.yaml", "tiny_b.yaml"]


def test_validate_accepts_a_good_sweep_and_describes_its_runs(world, capsys):
    path = write_sweep(world, GRID)
    code, stdout, err = call(capsys, "validate", path, world / "tiny.yaml")
    assert (code, err) == (0, "")
    assert f"ok: {path}: sweep 'grid', {GRID_RUNS} runs (grid, 6 points)" in stdout
    assert f"ok: {world / 'tiny.yaml'}: 'tiny'" in stdout


def test_a_scenario_file_given_as_a_sweep_file_is_refused_in_one_line(world, capsys):
    out = world.parent / "out"
    code, stdout, err = call(capsys, "sweep", world / "tiny.yaml", "--out", out)
    assert code == 2
    line = one_error_line(err)
    assert line.startswith(f"error: {world / 'tiny.yaml'}: this is a scenario file"), line
    assert "scenarios:" in line
    assert not out.exists()


def test_schema_sweep_prints_the_sweep_file_json_schema(capsys):
    code, stdout, _ = call(capsys, "schema", "--sweep")
    assert code == 0
    schema = json.loads(stdout)
    assert schema["title"] == "Defense cooperation sweep"
    assert {"scenarios", "design", "parameters", "replicates"} <= set(schema["properties"])
    # parameters may be left out by a grid comparing two scenarios or more: the
    # validator, not the schema, asks for them otherwise
    assert set(schema["required"]) == {"name", "scenarios"}


# --- 2. designs -----------------------------------------------------------------


def test_grid_is_the_full_factorial_of_listed_and_ranged_values(world):
    plan = load_sweep(write_sweep(world, GRID))
    assert plan.points == [
        {"crisis_rate": rate, "term": term} for rate in (0.1, 0.5) for term in (2, 5, 8)
    ]
    assert plan.sample is None
    assert len(plan.tasks) == GRID_RUNS
    assert [(t.point, t.replicate) for t in plan.tasks] == [
        (p, r) for p in range(6) for r in range(2)
    ]
    assert all(t.values == plan.points[t.point] for t in plan.tasks)


@pytest.mark.parametrize(
    "design, axis",
    [
        ("grid", "{range: [2, 9], points: 4}"),
        ("latin_hypercube", "{range: [1, 5]}"),
        ("sobol", "{range: [1, 5]}"),
        ("morris", "{distribution: uniform, low: 1, high: 5}"),
    ],
)
def test_integer_parameters_take_whole_numbers_in_every_design(design, axis, world):
    sampled = "" if design == "grid" else "samples: 8\n"
    text = (
        f"name: ints\nscenarios: [tiny.yaml]\ndesign: {design}\n{sampled}parameters:\n"
        f"  term: {axis}\n  diplomatic_capacity: {axis}\n"
    )
    plan = load_sweep(write_sweep(world, text))
    for name in ("term", "diplomatic_capacity"):
        values = [point[name] for point in plan.points]
        assert all(type(v) is int for v in values), (name, values)
        if design == "grid":
            assert values.count(2) and sorted(set(values)) == [2, 4, 7, 9]
        else:
            assert set(values) <= {1, 2, 3, 4, 5} and len(set(values)) >= 3, values


@pytest.mark.parametrize("samples", [5, 17])
def test_latin_hypercube_puts_exactly_one_sample_in_each_stratum_of_every_axis(samples, world):
    text = (
        f"name: lhs\nscenarios: [tiny.yaml]\ndesign: latin_hypercube\nsamples: {samples}\n"
        "parameters:\n"
        "  crisis_rate: {range: [0.1, 0.6]}\n"
        "  deepening_rate: {distribution: uniform, low: 0.2, high: 0.7}\n"
        "  negotiation_cost: {distribution: loguniform, low: 0.01, high: 1.0}\n"
    )
    plan = load_sweep(write_sweep(world, text))
    assert len(plan.points) == samples
    strata = {
        "crisis_rate": lambda v: (v - 0.1) / 0.5,
        "deepening_rate": lambda v: (v - 0.2) / 0.5,
        "negotiation_cost": lambda v: math.log(v / 0.01) / math.log(100),  # in log space
    }
    for name, to_unit in strata.items():
        cells = sorted(math.floor(to_unit(p[name]) * samples) for p in plan.points)
        assert cells == list(range(samples)), (name, cells)


@pytest.mark.parametrize(
    "design, second_order, expected",
    [("sobol", False, 4 * (3 + 2)), ("sobol", True, 4 * (2 * 3 + 2)), ("morris", False, 4 * 4)],
)
def test_sobol_and_morris_design_sizes(design, second_order, expected, world):
    text = (
        f"name: sized\nscenarios: [tiny.yaml]\ndesign: {design}\nsamples: 4\n"
        f"second_order: {str(second_order).lower()}\nreplicates: 2\nparameters:\n"
        "  crisis_rate: {range: [0.1, 0.6]}\n"
        "  deepening_rate: {range: [0.1, 0.6]}\n"
        "  term: {range: [2, 8]}\n"
    )
    plan = load_sweep(write_sweep(world, text))
    assert len(plan.points) == expected
    assert plan.sample.shape == (expected, 3)
    assert len(plan.tasks) == 2 * expected


@pytest.mark.parametrize("design", ["latin_hypercube", "sobol", "morris"])
def test_every_sampled_value_lies_within_its_bounds(design, world):
    text = (
        f"name: bounded\nscenarios: [tiny.yaml]\ndesign: {design}\nsamples: 16\nparameters:\n"
        "  crisis_rate: {range: [0.15, 0.35]}\n"
        "  deepening_rate: {distribution: uniform, low: 0.4, high: 0.5}\n"
        "  negotiation_cost: {distribution: loguniform, low: 0.02, high: 0.2}\n"
        "  exit_patience: {range: [2, 6]}\n"
    )
    plan = load_sweep(write_sweep(world, text))
    bounds = {
        "crisis_rate": (0.15, 0.35),
        "deepening_rate": (0.4, 0.5),
        "negotiation_cost": (0.02, 0.2),
        "exit_patience": (2, 6),
    }
    for name, (low, high) in bounds.items():
        values = np.array([p[name] for p in plan.points], dtype=float)
        assert values.min() >= low and values.max() <= high, (name, values)
        assert len(set(values)) > 1, name
    # the loguniform axis spreads evenly in log space, not in linear space
    logs = np.log10([p["negotiation_cost"] for p in plan.points])
    assert np.mean(logs < math.log10(math.sqrt(0.02 * 0.2))) == pytest.approx(0.5, abs=0.2)


def test_an_axis_ending_at_a_parameters_limit_runs_at_that_limit(world, tmp_path):
    # exp(log(0.01) + log(5) - log(0.01)) is 5.000000000000001: over threat_weight's limit
    text = (
        "name: limit\nscenarios: [tiny.yaml]\ndesign: morris\nsamples: 2\nsteps: 4\nparameters:\n"
        "  threat_weight: {distribution: loguniform, low: 0.01, high: 5}\n"
    )
    plan = load_sweep(write_sweep(world, text))
    assert max(p["threat_weight"] for p in plan.points) == 5.0
    assert min(p["threat_weight"] for p in plan.points) == pytest.approx(0.01)
    report = quiet_run(plan, tmp_path / "out")
    assert report.failures == []


def test_a_normal_axis_is_centred_on_its_mean_with_its_spread(world):
    text = (
        "name: normal\nscenarios: [tiny.yaml]\ndesign: latin_hypercube\nsamples: 200\n"
        "parameters:\n  crisis_rate: {distribution: normal, mean: 0.4, sd: 0.05}\n"
    )
    values = np.array([p["crisis_rate"] for p in load_sweep(write_sweep(world, text)).points])
    assert values.mean() == pytest.approx(0.4, abs=0.005)
    assert values.std() == pytest.approx(0.05, rel=0.1)


@pytest.mark.parametrize("design", ["latin_hypercube", "sobol", "morris"])
def test_the_same_root_seed_gives_the_same_design_and_another_seed_another(design, world):
    def points(seed: int):
        text = (
            f"name: seeded\nscenarios: [tiny.yaml]\ndesign: {design}\nsamples: 4\nseed: {seed}\n"
            "parameters:\n  crisis_rate: {range: [0.1, 0.6]}\n  term: {range: [2, 8]}\n"
        )
        plan = load_sweep(write_sweep(world, text, f"seed{seed}.yaml"))
        return plan.points, plan.fingerprint()

    first, again, other = points(11), points(11), points(12)
    assert first == again
    assert first[0] != other[0]
    assert first[1] != other[1]


# --- 3. seeds ---------------------------------------------------------------------


def test_replicate_k_has_the_same_seed_at_every_design_point_and_scenario(world):
    text = (
        "name: crn\nscenarios: [tiny.yaml, tiny_b.yaml]\nreplicates: 3\n"
        "parameters:\n  crisis_rate: [0.1, 0.3, 0.5]\n"
    )
    plan = load_sweep(write_sweep(world, text))
    assert plan.root_seed == 7  # the first scenario's seed when the sweep names none
    assert len(plan.tasks) == 2 * 3 * 3
    assert plan.seeds == replicate_seeds(7, 3)
    by_replicate: dict[int, set[int]] = {}
    for task in plan.tasks:
        by_replicate.setdefault(task.replicate, set()).add(task.seed)
    assert by_replicate == {k: {plan.seeds[k]} for k in range(3)}
    assert len(set(plan.seeds)) == 3


@pytest.mark.parametrize("root", [0, 7, 2**63 - 1])
def test_a_replicates_seed_depends_only_on_the_root_and_its_index(root):
    five = replicate_seeds(root, 5)
    assert five[:3] == replicate_seeds(root, 3)
    assert len(set(five)) == 5
    assert all(isinstance(s, int) and 0 <= s < 2**63 for s in five)
    assert replicate_seeds(root + 1, 5) != five


def test_a_sweep_seed_replaces_the_scenarios_as_root(world):
    text = GRID.replace("replicates: 2", "replicates: 2\nseed: 99")
    plan = load_sweep(write_sweep(world, text))
    assert plan.root_seed == 99
    assert plan.seeds == replicate_seeds(99, 2)


# --- 4. determinism across executors -------------------------------------------------


def test_serial_and_process_executors_write_byte_identical_model_files(grid_serial, tmp_path):
    path, serial_out = grid_serial
    out = tmp_path / "processes"
    report = quiet_run(load_sweep(path), out, ProcessExecutor(2))
    assert (report.ok, report.failed) == (GRID_RUNS, 0), report.failures
    serial = model_files(serial_out)
    assert len(serial) == GRID_RUNS
    assert model_files(out) == serial
    pd.testing.assert_frame_equal(model_dataset(out), model_dataset(serial_out))


def test_replicates_differ_and_each_runs_file_records_its_seed(grid_serial):
    path, out = grid_serial
    plan = load_sweep(path)
    frame = model_dataset(out)
    for task in plan.tasks:
        rows = frame[frame["run_id"] == task.run_id]
        assert set(rows["seed"]) == {task.seed}
    first = frame[frame["run_id"] == "tiny-p00000-r000"]["mean_trust"].to_numpy()
    second = frame[frame["run_id"] == "tiny-p00000-r001"]["mean_trust"].to_numpy()
    assert not np.array_equal(first, second)


# --- 5. Dask ------------------------------------------------------------------------


@pytest.fixture(scope="module")
def dask_cluster():
    distributed = pytest.importorskip("distributed")
    cluster = distributed.LocalCluster(
        n_workers=1,
        threads_per_worker=1,
        processes=True,
        host="127.0.0.1",
        dashboard_address=None,
    )
    yield cluster
    cluster.close()


@pytest.mark.slow
def test_a_sweep_on_a_dask_cluster_writes_the_same_model_files_as_a_serial_run(
    dask_cluster, grid_serial, tmp_path
):
    path, serial_out = grid_serial
    out = tmp_path / "dask"
    # not --quiet: the line that says where the runs go is the point
    done = cli("sweep", path, "--scheduler", dask_cluster.scheduler_address, "--out", out)
    assert done.returncode == 0, done.stderr
    assert "Traceback" not in done.stderr
    assert f"Dask cluster at {dask_cluster.scheduler_address} (1 workers)" in done.stderr
    assert model_files(out) == model_files(serial_out)
    runs = pd.read_parquet(out / "runs.parquet")
    assert (runs["status"] == "ok").all() and len(runs) == GRID_RUNS


@pytest.mark.slow
def test_the_dask_scheduler_address_can_come_from_the_environment(dask_cluster, monkeypatch):
    address = dask_cluster.scheduler_address
    monkeypatch.setenv("DASK_SCHEDULER_ADDRESS", address)
    executor = choose_executor(4, None)
    try:
        assert isinstance(executor, DaskExecutor)
        assert address in executor.description
    finally:
        executor.client.close()


def test_without_a_scheduler_one_worker_runs_in_process_and_more_in_worker_processes(
    monkeypatch,
):
    monkeypatch.delenv("DASK_SCHEDULER_ADDRESS", raising=False)
    assert isinstance(choose_executor(1, None), SerialExecutor)
    several = choose_executor(3, None)
    assert isinstance(several, ProcessExecutor) and several.workers == 3


def test_an_unreachable_scheduler_is_one_line_and_exit_2(world, capsys, monkeypatch):
    # the CLI waits 10 s for a scheduler; a closed local port fails the same way, sooner
    monkeypatch.setattr(DaskExecutor.__init__, "__defaults__", (0.5,))
    address = f"tcp://127.0.0.1:{closed_port()}"
    out = world.parent / "out"
    code, _, err = call(
        capsys, "sweep", write_sweep(world, GRID), "--scheduler", address, "--out", out
    )
    assert code == 2
    line = one_error_line(err)
    assert line.startswith(f"error: --scheduler {address}: cannot reach a Dask scheduler"), line
    assert not out.exists()


def test_without_dask_installed_the_scheduler_option_says_how_to_install_it(
    world, capsys, monkeypatch
):
    monkeypatch.setitem(sys.modules, "distributed", None)  # import distributed fails
    out = world.parent / "out"
    code, _, err = call(
        capsys, "sweep", write_sweep(world, GRID), "--scheduler", "tcp://127.0.0.1:8786"
    )
    assert code == 2
    line = one_error_line(err)
    assert "--scheduler needs Dask" in line and "pip install -e '.[dask]'" in line, line
    assert not out.exists()


@pytest.mark.slow
def test_a_malformed_scheduler_address_is_one_line_and_exit_2_without_a_hang(world):
    # `localhost` has no port: distributed raises ValueError (once a traceback, exit 1,
    # and a 20 s wait at exit while the half-made client closed on a stopped loop)
    out = world.parent / "out"
    started = time.monotonic()
    done = cli("sweep", write_sweep(world, GRID), "--scheduler", "localhost", "--out", out)
    assert done.returncode == 2, done.stderr
    line = one_error_line(done.stderr)
    assert line.startswith("error: --scheduler localhost: "), line
    assert "port" in line
    assert time.monotonic() - started < 15
    assert not out.exists()


# --- 6. failures ------------------------------------------------------------------------


@pytest.mark.parametrize("function", [support.fail_target, support.failed_target])
def test_a_failing_run_is_recorded_failed_and_the_sweep_goes_on(function, world, tmp_path):
    plan = load_sweep(write_sweep(world, GRID))
    out = tmp_path / "out"
    report = quiet_run(plan, out, function=function)
    assert (report.total, report.ok, report.failed) == (GRID_RUNS, GRID_RUNS - 1, 1)
    assert [run_id for run_id, _ in report.failures] == [TARGET]
    runs = pd.read_parquet(out / "runs.parquet").set_index("run_id")
    assert len(runs) == GRID_RUNS
    assert runs.loc[TARGET, "status"] == "failed"
    assert runs.loc[TARGET, "error"].startswith("RuntimeError: deliberate failure")
    assert "\n" not in runs.loc[TARGET, "error"]
    others = runs.drop(index=TARGET)
    assert (others["status"] == "ok").all() and (others["error"] == "").all()
    assert sorted(model_files(out)) == sorted(f"{i}.parquet" for i in others.index)


def test_a_run_function_that_raises_in_a_worker_process_fails_only_its_run(world, tmp_path):
    plan = load_sweep(write_sweep(world, GRID))
    out = tmp_path / "out"
    report = quiet_run(plan, out, ProcessExecutor(2), function=support.fail_target)
    assert (report.ok, report.failed) == (GRID_RUNS - 1, 1), report.failures
    assert report.failures[0][0] == TARGET
    assert "deliberate failure" in report.failures[0][1]


def test_a_worker_process_that_dies_fails_its_run_and_the_others_finish_ok(world, tmp_path):
    plan = load_sweep(write_sweep(world, GRID))
    out = tmp_path / "out"
    report = quiet_run(plan, out, ProcessExecutor(2), function=support.kill_worker_on_target)
    assert report.failures == [(TARGET, "worker process died while running it")]
    assert report.ok == GRID_RUNS - 1
    runs = pd.read_parquet(out / "runs.parquet").set_index("run_id")
    assert runs.loc[TARGET, "status"] == "failed"
    assert (runs.drop(index=TARGET)["status"] == "ok").all()
    assert len(model_files(out)) == GRID_RUNS - 1


def test_a_run_that_fails_for_real_gives_exit_1_and_names_the_run(world, capsys):
    # each axis fits the scenario alone; 4 steps with the crisis at step 5 does not
    text = "name: combo\nscenarios: [tiny.yaml]\nparameters:\n  steps: [4, 6]\n  events.0.step: [2, 5]\n"
    out = world.parent / "out"
    code, stdout, err = call(
        capsys, "sweep", write_sweep(world, text), "--out", out, "--workers", 1
    )
    assert code == 1, err
    assert "Traceback" not in err
    assert "4 runs: 3 ok, 1 failed" in stdout
    assert "failed tiny-p00001-r000: ScenarioError" in stdout
    runs = pd.read_parquet(out / "runs.parquet").set_index("run_id")
    assert runs.loc["tiny-p00001-r000", "status"] == "failed"
    assert "step 5 is outside the run" in runs.loc["tiny-p00001-r000", "error"]
    assert (runs.drop(index="tiny-p00001-r000")["status"] == "ok").all()


# --- 7. interruption and resume ---------------------------------------------------------


def test_an_interrupted_sweep_resumes_with_only_the_missing_runs(grid_serial, world, tmp_path):
    path = write_sweep(world, GRID)
    plan = load_sweep(path)
    out = tmp_path / "out"
    with pytest.raises(KeyboardInterrupt):
        quiet_run(plan, out, function=support.interrupt_on_target)
    assert len(model_files(out)) == TARGET_INDEX
    assert partial_files(out) == []
    assert len(pd.read_parquet(out / "runs.parquet")) == TARGET_INDEX

    report = quiet_run(load_sweep(path), out, resume=True)
    assert (report.skipped, report.ok, report.failed) == (
        TARGET_INDEX,
        GRID_RUNS - TARGET_INDEX,
        0,
    )
    assert report.complete
    assert model_files(out) == model_files(grid_serial[1])
    runs = pd.read_parquet(out / "runs.parquet")
    assert len(runs) == GRID_RUNS and (runs["status"] == "ok").all()


def test_ctrl_c_through_the_cli_exits_130_with_a_resume_hint(world, capsys, monkeypatch):
    monkeypatch.setattr(
        orchestrator,
        "run_sweep",
        functools.partial(run_sweep, function=support.interrupt_on_target),
    )
    path = write_sweep(world, GRID)
    out = world.parent / "out"
    code, _, err = call(capsys, "sweep", path, "--out", out, "--workers", 1, "--quiet")
    assert code == 130
    assert "Traceback" not in err
    assert f"python run.py sweep {path} --out {out} --resume" in err
    assert len(model_files(out)) == TARGET_INDEX


def test_a_run_cut_short_between_its_tables_is_run_again_on_resume(world, tmp_path):
    text = GRID + "tables: [model, events]\n"
    path = write_sweep(world, text)
    out = tmp_path / "out"
    with pytest.raises(KeyboardInterrupt):
        quiet_run(load_sweep(path), out, function=support.interrupt_writing_events)
    assert partial_files(out) == []
    report = quiet_run(load_sweep(path), out, resume=True)
    assert (report.skipped, report.ok) == (TARGET_INDEX, GRID_RUNS - TARGET_INDEX)
    assert sorted(model_files(out)) == sorted(model_files(out, "events"))
    assert len(model_files(out, "events")) == GRID_RUNS


@pytest.mark.slow
def test_sigint_to_a_sweep_with_workers_exits_130_and_resume_finishes_it(world, capsys):
    # 40 runs of 40 steps keep two workers busy for a few seconds: on a loaded machine
    # (load average 25 seen) 16 runs once all finished before the signal landed
    runs = 40
    text = (
        "name: slow\nscenarios: [tiny.yaml]\nsteps: 40\nreplicates: 10\n"
        "parameters:\n  crisis_rate: [0.1, 0.3, 0.5, 0.7]\n"
    )
    path = write_sweep(world, text)
    out = world.parent / "out"
    process = subprocess.Popen(
        [sys.executable, "run.py", "sweep", str(path), "--workers", "2", "--out", str(out)],
        cwd=ROOT,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        start_new_session=True,  # its own process group, as a terminal's Ctrl-C reaches it
    )
    try:
        deadline = time.monotonic() + 60
        while len(list((out / "model").glob("*.parquet"))) < 2:
            assert process.poll() is None, process.communicate()
            assert time.monotonic() < deadline, "no runs finished within a minute"
            time.sleep(0.01)
        os.killpg(process.pid, signal.SIGINT)
        _, err = process.communicate(timeout=60)
    finally:
        if process.poll() is None:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait()
    assert process.returncode == 130, err
    assert "Traceback" not in err
    assert "--resume" in err and f"--out {out}" in err
    assert partial_files(out) == []
    finished = len(model_files(out))
    assert 2 <= finished < runs

    code, stdout, err = call(capsys, "sweep", path, "--out", out, "--resume", "--workers", 2)
    assert code == 0, err
    assert f"{runs} runs: {runs} ok, 0 failed ({finished} done before, {runs - finished} now)" in (
        stdout
    )
    reference = world.parent / "reference"
    quiet_run(load_sweep(path), reference, ProcessExecutor(2))
    assert model_files(out) == model_files(reference)
    pd.testing.assert_frame_equal(model_dataset(out), model_dataset(reference))


def test_resume_retries_failed_runs(world, tmp_path, capsys):
    path = write_sweep(world, GRID)
    out = tmp_path / "out"
    quiet_run(load_sweep(path), out, function=support.failed_target)
    code, stdout, err = call(capsys, "sweep", path, "--out", out, "--resume", "--workers", 1)
    assert code == 0, err
    assert f"{GRID_RUNS} runs: {GRID_RUNS} ok, 0 failed ({GRID_RUNS - 1} done before, 1 now)" in (
        stdout
    )
    runs = pd.read_parquet(out / "runs.parquet").set_index("run_id")
    assert (runs["status"] == "ok").all() and (runs["error"] == "").all()
    assert len(model_files(out)) == GRID_RUNS


def test_resume_refuses_a_folder_made_by_a_different_sweep(grid_serial, world, capsys):
    _, out = grid_serial
    before = model_files(out)
    other = write_sweep(world, GRID.replace("[0.1, 0.5]", "[0.1, 0.4]"), "other.yaml")
    code, stdout, err = call(capsys, "sweep", other, "--out", out, "--resume", "--workers", 1)
    assert code == 2
    line = one_error_line(err)  # refused before the header line
    assert line.startswith(f"error: {out}: holds a different sweep ('grid'"), line
    assert stdout == ""
    assert model_files(out) == before


def test_resume_needs_out(world, capsys):
    code, _, err = call(capsys, "sweep", write_sweep(world, GRID), "--resume")
    assert code == 2
    assert (
        one_error_line(err) == "error: --resume needs --out DIR: the folder of the sweep to finish"
    )


def test_resume_of_a_folder_without_a_sweep_is_refused(world, tmp_path, capsys):
    out = tmp_path / "empty"
    out.mkdir()
    code, _, err = call(capsys, "sweep", write_sweep(world, GRID), "--out", out, "--resume")
    assert code == 2
    assert "nothing to resume here" in one_error_line(err)


def test_a_new_sweep_into_a_non_empty_folder_is_refused(world, tmp_path, capsys):
    out = tmp_path / "out"
    out.mkdir()
    (out / "notes.txt").write_text("keep me")
    code, stdout, err = call(capsys, "sweep", write_sweep(world, GRID), "--out", out)
    assert code == 2
    line = one_error_line(err)
    assert line.startswith(f"error: {out}: output folder already exists and is not empty"), line
    assert "--resume" in line
    assert sorted(p.name for p in out.iterdir()) == ["notes.txt"]


# --- 8. the output folder -----------------------------------------------------------------


def test_sweep_json_describes_the_sweep(grid_serial):
    path, out = grid_serial
    plan = load_sweep(path)
    manifest = json.loads((out / "sweep.json").read_text())
    assert manifest["name"] == "grid"
    assert manifest["fingerprint"] == plan.fingerprint()
    assert manifest["replicate_seeds"] == plan.seeds == replicate_seeds(7, 2)
    assert {"pandas", "pyarrow"} <= set(manifest["packages"])
    assert manifest["parameters"] == ["crisis_rate", "term"]
    assert (manifest["points"], manifest["runs"], manifest["design"]) == (6, GRID_RUNS, "grid")
    assert manifest["scenarios"] == ["tiny"]


def test_design_parquet_has_one_row_per_point(grid_serial):
    path, out = grid_serial
    design = pd.read_parquet(out / "design.parquet")
    assert list(design.columns) == ["point", "crisis_rate", "term"]
    assert design.to_dict("records") == [
        {"point": i, **point} for i, point in enumerate(load_sweep(path).points)
    ]
    assert design["term"].dtype.kind == "i"


def test_runs_parquet_has_one_row_per_run_with_identity_values_and_status(grid_serial):
    path, out = grid_serial
    runs = pd.read_parquet(out / "runs.parquet")
    assert list(runs.columns) == [
        "run_id",
        "scenario",
        "point",
        "replicate",
        "seed",
        "crisis_rate",
        "term",
        "status",
        "error",
        "wall_seconds",
    ]
    plan = load_sweep(path)
    assert list(runs["run_id"]) == [t.run_id for t in plan.tasks]
    assert list(runs["seed"]) == [t.seed for t in plan.tasks]
    assert (runs["status"] == "ok").all() and (runs["wall_seconds"] > 0).all()
    journal = [json.loads(x) for x in (out / "runs.jsonl").read_text().splitlines()]
    assert sorted(entry["run_id"] for entry in journal) == sorted(runs["run_id"])


def test_model_files_carry_run_id_step_and_the_parameter_values(grid_serial):
    path, out = grid_serial
    plan = load_sweep(path)
    assert sorted(model_files(out)) == sorted(f"{t.run_id}.parquet" for t in plan.tasks)
    for task in plan.tasks[:3] + plan.tasks[-1:]:
        frame = pd.read_parquet(out / "model" / f"{task.run_id}.parquet")
        assert list(frame.columns[:8]) == [
            "run_id",
            "scenario",
            "point",
            "replicate",
            "seed",
            "crisis_rate",
            "term",
            "step",
        ]
        assert list(frame["step"]) == list(range(7))  # step 0 and six steps
        assert set(frame["run_id"]) == {task.run_id}
        assert set(frame["crisis_rate"]) == {task.values["crisis_rate"]}
        assert set(frame["term"]) == {task.values["term"]}
    assert "stability_index" in frame.columns


def test_kept_tables_are_written_per_run_next_to_the_model(world, tmp_path):
    text = GRID.replace("replicates: 2", "replicates: 1") + "tables: [events]\n"
    plan = load_sweep(write_sweep(world, text))
    assert plan.sweep.tables == ["model", "events"]
    out = tmp_path / "out"
    quiet_run(plan, out)
    assert sorted(p.name for p in out.iterdir()) == [
        "design.parquet",
        "events",
        "model",
        "runs.jsonl",
        "runs.parquet",
        "sweep.json",
    ]
    ids = sorted(t.run_id for t in plan.tasks)
    assert sorted(p.stem for p in (out / "events").glob("*.parquet")) == ids
    events = pd.read_parquet(out / "events")
    assert set(events["run_id"]) == set(ids)
    assert {"step", "event", "crisis_rate", "term"} <= set(events.columns)


def test_two_scenarios_crossed_give_runs_for_both_with_distinct_ids(sobol_two_scenarios):
    out = sobol_two_scenarios
    runs = pd.read_parquet(out / "runs.parquet")
    points = 4 * (2 + 2)
    assert len(runs) == 2 * points and runs["run_id"].is_unique
    assert runs.groupby("scenario").size().to_dict() == {"tiny": points, "tiny_b": points}
    assert runs["run_id"].str.startswith("tiny_b-").sum() == points
    model = pd.read_parquet(out / "model")
    assert set(model["scenario"]) == {"tiny", "tiny_b"}
    assert model["run_id"].nunique() == 2 * points


# --- 9. sensitivity -----------------------------------------------------------------------


@pytest.fixture(scope="module")
def sobol_sweep(shared_world) -> Path:
    out = shared_world.parent / "sobol"
    report = quiet_run(load_sweep(write_sweep(shared_world, SOBOL, "sobol.yaml")), out)
    assert report.failed == 0, report.failures
    return out


def test_sensitivity_of_a_sobol_sweep_prints_a_row_per_parameter_and_writes_a_csv(
    sobol_sweep, capsys
):
    code, stdout, err = call(capsys, "sensitivity", sobol_sweep, "--metric", "stability_index")
    assert code == 0, err
    lines = stdout.splitlines()
    assert lines[0].startswith("Sobol indices of stability_index (mean over each run)")
    assert [line.split()[0] for line in lines[2:4]] == ["crisis_rate", "deepening_rate"]
    # one replicate a point (the SOBOL sweep's): said, with what it does to the indices
    assert lines[4].startswith("each design point is one run (replicates: 1)")
    assert any(line.startswith("warning: one replicate a design point") for line in lines)
    csv = sobol_sweep / "sensitivity_stability_index_mean.csv"
    assert lines[-1] == f"written to {csv}"
    table = pd.read_csv(csv)
    assert list(table["parameter"]) == ["crisis_rate", "deepening_rate"]
    assert {"S1", "S1_conf", "ST", "ST_conf"} <= set(table.columns)
    assert table[["S1", "ST"]].notna().all().all()


def test_sensitivity_of_a_grid_sweep_is_refused_in_one_line(grid_serial, capsys):
    _, out = grid_serial
    code, _, err = call(capsys, "sensitivity", out, "--metric", "stability_index")
    assert code == 2
    line = one_error_line(err)
    assert "grid design has no sensitivity indices" in line and "sobol" in line


def test_sensitivity_of_an_unknown_metric_names_the_valid_ones(sobol_sweep, capsys):
    code, _, err = call(capsys, "sensitivity", sobol_sweep, "--metric", "stability")
    assert code == 2
    line = one_error_line(err)
    assert "'stability' is not a model outcome" in line
    valid = line.split("expected one of ", 1)[1].split(", ")
    assert "stability_index" in valid and "mean_trust" in valid
    assert not {"run_id", "seed", "step", "crisis_rate"} & set(valid)


def test_sensitivity_to_a_parameter_or_identity_column_is_refused(sobol_sweep, capsys):
    for column in ("seed", "step", "crisis_rate"):
        code, _, err = call(capsys, "sensitivity", sobol_sweep, "--metric", column)
        assert code == 2
        assert f"{column!r} is not a model outcome" in one_error_line(err)


def test_sensitivity_of_two_scenarios_needs_scenario(sobol_two_scenarios, capsys):
    out = sobol_two_scenarios
    code, _, err = call(capsys, "sensitivity", out, "--metric", "mean_trust")
    assert code == 2
    line = one_error_line(err)
    assert "--scenario" in line and "tiny, tiny_b" in line
    code, stdout, err = call(
        capsys, "sensitivity", out, "--metric", "mean_trust", "--scenario", "tiny_b"
    )
    assert code == 0, err
    assert (out / "sensitivity_mean_trust_mean_tiny_b.csv").is_file()
    code, _, err = call(capsys, "sensitivity", out, "--metric", "mean_trust", "--scenario", "nope")
    assert code == 2 and "'nope' is not in this sweep" in one_error_line(err)


def test_sensitivity_of_an_unfinished_sweep_is_refused(world, tmp_path, capsys):
    out = tmp_path / "out"
    quiet_run(load_sweep(write_sweep(world, SOBOL)), out)
    (out / "model" / "tiny-p00003-r000.parquet").unlink()
    code, _, err = call(capsys, "sensitivity", out, "--metric", "stability_index")
    assert code == 2
    assert "1 of 16 design points have no finished run" in one_error_line(err)


def fake_sweep(folder: Path, design: str, samples: int, outcome) -> np.ndarray:
    """A sweep folder made by hand: the unit sample of a two-parameter design and, for
    each point, two replicates of two steps whose metric is `outcome(x, step)` plus a
    replicate offset (common to every point, so it cancels out of the indices). The
    model rows go in one file per replicate: the analysis reads the folder as a whole."""
    sweep = Sweep.model_validate(
        {
            "name": "fake",
            "scenarios": ["none.yaml"],
            "design": design,
            "samples": samples,
            "parameters": {"x0": {"range": [0, 1]}, "x1": {"range": [0, 1]}},
        }
    )
    root = 5
    sample = unit_sample(sweep, root)
    manifest = {
        "name": "fake",
        "design": design,
        "sweep": sweep.model_dump(mode="json"),
        "scenarios": ["world"],
        "parameters": ["x0", "x1"],
        "points": len(sample),
        "root_seed": root,
        "unit_sample": sample.tolist(),
    }
    (folder / "model").mkdir(parents=True)
    (folder / "sweep.json").write_text(json.dumps(manifest))
    for replicate, offset in enumerate((1.0, -1.0)):
        rows = [
            {
                "run_id": f"world-p{point:05d}-r{replicate:03d}",
                "scenario": "world",
                "point": point,
                "replicate": replicate,
                "seed": replicate,
                "x0": x[0],
                "x1": x[1],
                "step": step,
                "metric": outcome(x, step) + offset,
            }
            for point, x in enumerate(sample)
            for step in (0, 1)
        ]
        pd.DataFrame(rows).to_parquet(folder / "model" / f"r{replicate}.parquet", index=False)
    return sample


def by_parameter(table: pd.DataFrame) -> pd.DataFrame:
    return table.set_index("parameter")


def test_sobol_indices_recover_a_known_linear_model(tmp_path):
    # final value 4 x0; mean over the two steps 4 x1 (step 0 is 8 x1 - 4 x0)
    def outcome(x, step):
        return 4 * x[0] if step == 1 else 8 * x[1] - 4 * x[0]

    fake_sweep(tmp_path, "sobol", 64, outcome)
    final = by_parameter(sensitivity_indices(tmp_path, "metric", "final").table)
    assert final.loc["x0", "S1"] == pytest.approx(1, abs=0.15)
    assert final.loc["x0", "ST"] == pytest.approx(1, abs=0.15)
    assert final.loc["x1", "S1"] == pytest.approx(0, abs=0.05)
    assert final.loc["x1", "ST"] == pytest.approx(0, abs=0.05)
    mean = by_parameter(sensitivity_indices(tmp_path, "metric", "mean").table)
    assert mean.loc["x1", "S1"] == pytest.approx(1, abs=0.15)
    assert mean.loc["x0", "ST"] == pytest.approx(0, abs=0.05)
    assert (tmp_path / "sensitivity_metric_final.csv").is_file()
    assert (tmp_path / "sensitivity_metric_mean.csv").is_file()


def test_morris_elementary_effects_recover_a_known_linear_model(tmp_path):
    fake_sweep(tmp_path, "morris", 20, lambda x, step: 4 * x[0])
    result = sensitivity_indices(tmp_path, "metric", "final")
    assert result.method == "morris"
    table = by_parameter(result.table)
    assert table.loc["x0", "mu_star"] == pytest.approx(4, abs=1e-6)
    assert table.loc["x0", "mu"] == pytest.approx(4, abs=1e-6)
    assert table.loc["x0", "sigma"] == pytest.approx(0, abs=1e-6)
    assert table.loc["x1", "mu_star"] == pytest.approx(0, abs=1e-6)
    assert "Morris elementary effects on metric" in result.text()


def test_sensitivity_counts_as_noise_only_what_the_replicates_do_not_share(tmp_path):
    # fake_sweep's replicate offsets (+1, -1) are the same at every point, as common
    # random numbers make a seed's luck: they move no index, so no noise is left
    sample = fake_sweep(tmp_path, "sobol", 16, lambda x, step: 4 * x[0])
    result = sensitivity_indices(tmp_path, "metric", "final")
    assert result.replicates == 2
    assert result.noise_share == pytest.approx(0.0, abs=1e-12)
    assert "noise left in those means: 0% of their variance" in result.text()
    # noise of each run of its own, in the second replicate: half of it in each mean
    noise = np.random.default_rng(1).normal(0.0, 1.0, len(sample))
    second = pd.read_parquet(tmp_path / "model" / "r1.parquet")
    second["metric"] += second["point"].map(dict(enumerate(noise)))
    second.to_parquet(tmp_path / "model" / "r1.parquet", index=False)
    result = sensitivity_indices(tmp_path, "metric", "final")
    means = 4 * sample[:, 0] + noise / 2
    expected = (noise.var(ddof=1) / 4) / means.var(ddof=1)
    assert result.noise_share == pytest.approx(expected)
    assert result.table["noise_share"].iloc[0] == pytest.approx(expected)
    assert any(w.startswith(f"noise is {expected:.0%} of the variance") for w in result.warnings)


def test_an_index_outside_zero_to_one_beyond_its_interval_is_a_warning():
    from analysis.sensitivity import sensitivity_warnings

    table = pd.DataFrame(
        {
            "parameter": ["a", "b", "c"],
            "S1": [-0.3, -0.05, 0.5],
            "S1_conf": [0.1, 0.1, 0.1],
            "ST": [0.2, 1.3, 1.05],
            "ST_conf": [0.1, 0.1, 0.1],
            "replicates": 4,
            "noise_share": 0.01,
        }
    )
    warnings = sensitivity_warnings(table)
    assert len(warnings) == 2  # b's S1 and c's ST are within their intervals of [0, 1]
    assert warnings[0].startswith("a: first-order index -0.300 +- 0.100 lies outside [0, 1]")
    assert warnings[1].startswith("b: total index 1.300 +- 0.100 lies outside [0, 1]")
