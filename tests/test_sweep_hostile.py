"""Sweeps given hostile or faulty input, and the faults a sweep meets on disk: refused in
one line before anything is built or written, or recovered without losing or
miscounting a run.

- names that make the same file, plans too big to hold, Sobol sizes SALib cannot use,
  normal axes that reach past their parameter's bounds, fixed values that do not fit;
- a damaged run file on resume, temporaries left by a kill, a sweep stopped by Ctrl-C
  and reported on, a results folder whose manifest is not one.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from simulation.sweeps import plan as plan_module  # noqa: E402
from simulation.sweeps.executors import SerialExecutor  # noqa: E402
from simulation.sweeps.orchestrator import run_sweep  # noqa: E402
from simulation.sweeps.plan import load_sweep  # noqa: E402
from tests import sweep_support as support  # noqa: E402
from tests.cli_support import TINY, call, one_error_line  # noqa: E402
from tests.sweep_support import write_sweep, write_world  # noqa: E402

GRID = """\
name: grid
scenarios: [tiny.yaml]
replicates: 2
parameters:
  crisis_rate: [0.1, 0.5]
  term: {range: [2, 8], points: 3}
"""
GRID_RUNS = 12
TARGET_INDEX = 4  # support.TARGET is the fifth run of GRID


@pytest.fixture
def world(tmp_path) -> Path:
    return write_world(tmp_path / "world")


def quiet_run(plan, out: Path, **options):
    return run_sweep(plan, out, SerialExecutor(), progress=False, **options)


def model_files(out: Path) -> dict[str, bytes]:
    return {path.name: path.read_bytes() for path in sorted((out / "model").glob("*.parquet"))}


def refusal(capsys, *argv) -> str:
    """The one error line of a command that must exit 2."""
    code, _, err = call(capsys, *argv)
    assert code == 2, err
    return one_error_line(err)


def dead_pid() -> int:
    """The id of a process that has ended (and, for the moment, is no other's)."""
    finished = subprocess.run(
        [sys.executable, "-c", "import os; print(os.getpid())"],
        check=True,
        capture_output=True,
        text=True,
    )
    return int(finished.stdout)


# --- names that make the same file --------------------------------------------------------


def test_two_scenarios_whose_names_make_the_same_file_name_are_refused_naming_both(world, capsys):
    (world / "a.yaml").write_text(TINY.replace("name: tiny\n", "name: x y\n", 1))
    (world / "b.yaml").write_text(TINY.replace("name: tiny\n", "name: x_y\n", 1))
    path = write_sweep(
        world, "name: clash\nscenarios: [a.yaml, b.yaml]\nparameters:\n  crisis_rate: [0.1, 0.2]\n"
    )
    out = world.parent / "out"
    line = refusal(capsys, "sweep", path, "--out", out, "--quiet")
    assert f"{path}: scenarios[1] (line 2): " in line
    assert "'x_y' (b.yaml)" in line and "'x y' (a.yaml)" in line
    assert "same file name 'x_y'" in line
    assert not out.exists()


def test_names_that_differ_only_in_case_are_refused_too(world, capsys):
    # a case-insensitive file system (macOS, Windows) would merge their files
    (world / "upper.yaml").write_text(TINY.replace("name: tiny\n", "name: TINY\n", 1))
    path = write_sweep(
        world, "name: case\nscenarios: [tiny.yaml, upper.yaml]\nparameters:\n  crisis_rate: [0.1]\n"
    )
    assert "make the same file name" in refusal(capsys, "validate", path)


@pytest.mark.parametrize(
    "entry, reason",
    [("x" * 5000 + ".yaml", "File name too long"), ("a\\0b.yaml", "embedded null byte")],
)
def test_a_scenario_path_that_cannot_be_a_file_name_is_one_line(entry, reason, world, capsys):
    path = write_sweep(
        world, f'name: s\nscenarios: ["{entry}"]\nparameters:\n  crisis_rate: [0.1]\n'
    )
    line = refusal(capsys, "validate", path)
    assert f"{path}: scenarios[0] (line 2): " in line and "cannot be a file name" in line
    assert reason in line and len(line) < 400


@pytest.mark.parametrize("entry", ["\\x1e", "a\\u2028b.yaml", "tab\\tname.yaml"])
def test_a_missing_scenario_whose_name_holds_a_line_break_is_still_one_line(entry, world, capsys):
    # Python counts the record separator and the Unicode line separator as line breaks
    path = write_sweep(
        world, f'name: s\nscenarios: ["{entry}"]\nparameters:\n  crisis_rate: [0.1]\n'
    )
    line = refusal(capsys, "validate", path)
    assert f"{path}: scenarios[0] (line 2): no scenario file " in line


def test_run_ids_start_with_the_scenarios_safe_name(world):
    (world / "spaced.yaml").write_text(TINY.replace("name: tiny\n", "name: North and South\n", 1))
    path = write_sweep(
        world, "name: s\nscenarios: [spaced.yaml]\nparameters:\n  crisis_rate: [0.1]\n"
    )
    assert [task.run_id for task in load_sweep(path).tasks] == ["North_and_South-p00000-r000"]


# --- plans too big to hold ------------------------------------------------------------------


@pytest.fixture
def nothing_expanded(monkeypatch):
    """Fail the test if the design is drawn or listed: a refusal must come before."""

    def expanded(*args, **kwargs):
        raise AssertionError("the design was expanded before the sweep's size was checked")

    monkeypatch.setattr(plan_module, "design_points", expanded)
    monkeypatch.setattr(plan_module, "unit_sample", expanded)


def test_a_grid_of_a_billion_runs_is_refused_before_it_is_built(world, capsys, nothing_expanded):
    path = write_sweep(
        world,
        "name: huge\nscenarios: [tiny.yaml]\nreplicates: 100000\nparameters:\n"
        "  crisis_rate: {range: [0.1, 0.2], points: 10000}\n",
    )
    line = refusal(capsys, "validate", path)
    assert (
        "1,000,000,000 runs (1 scenario(s) x 10,000 design point(s) x 100,000 replicate(s))" in line
    )
    assert "over the limit of 100,000 runs" in line
    assert "raise MAX_SWEEP_RUNS in simulation/sweeps/plan.py" in line


@pytest.mark.parametrize(
    "design, samples", [("latin_hypercube", 1_000_000), ("sobol", 2**19), ("morris", 1_000_000)]
)
def test_a_sample_count_past_the_run_limit_is_refused_before_sampling(
    design, samples, world, capsys, nothing_expanded
):
    path = write_sweep(
        world,
        f"name: huge\nscenarios: [tiny.yaml]\ndesign: {design}\nsamples: {samples}\n"
        "parameters:\n  crisis_rate: {range: [0.1, 0.2]}\n",
    )
    assert "over the limit of 100,000 runs" in refusal(capsys, "validate", path)


def test_a_design_of_too_many_values_is_refused_before_sampling(world, capsys, nothing_expanded):
    # 60,000 points is within the run limit; 60,000 x 20 parameters is not a plan to hold
    names = [
        "homophily_weight", "triadic_closure_weight", "preferential_attachment_weight",
        "status_weight", "technology_weight", "sovereignty_weight", "asymmetry_weight",
        "funding_cost", "negotiation_cost", "deepening_rate", "crisis_rate", "dialogue_effect",
        "mediation_effect", "trust_effect", "early_warning_effect", "deterrence_effect",
        "honour_probability", "trust_growth", "trust_decay", "shared_partner_trust",
    ]  # fmt: skip
    axes = "".join(f"  {name}: {{range: [0.01, 0.1]}}\n" for name in names)
    path = write_sweep(
        world,
        "name: wide\nscenarios: [tiny.yaml]\ndesign: latin_hypercube\nsamples: 60000\n"
        f"parameters:\n{axes}",
    )
    line = refusal(capsys, "validate", path)
    assert "1,200,000 values (60,000 design point(s) x 20 parameter(s))" in line
    assert "over the limit of 1,000,000" in line
    assert "raise MAX_DESIGN_VALUES" in line


def test_a_sweep_at_the_run_limit_is_planned_and_one_past_it_is_not(world, monkeypatch):
    path = write_sweep(world, GRID)
    monkeypatch.setattr(plan_module, "MAX_SWEEP_RUNS", GRID_RUNS)
    assert len(load_sweep(path).tasks) == GRID_RUNS
    monkeypatch.setattr(plan_module, "MAX_SWEEP_RUNS", GRID_RUNS - 1)
    with pytest.raises(plan_module.ScenarioError, match="12 runs .* over the limit of 11 runs"):
        load_sweep(path)


# --- sobol sizes, normal axes, fixed values -----------------------------------------------

SOBOL = "name: s\nscenarios: [tiny.yaml]\ndesign: sobol\nsamples: {}\nparameters:\n" \
    "  crisis_rate: {{range: [0.1, 0.6]}}\n"  # fmt: skip


@pytest.mark.parametrize("samples, nearest", [(10, "8 or 16"), (100, "64 or 128"), (2, "4")])
def test_a_sobol_sample_that_is_not_a_power_of_two_of_at_least_4_is_refused(
    samples, nearest, world, capsys
):
    path = write_sweep(world, SOBOL.format(samples))
    line = refusal(capsys, "validate", path)
    assert f"{path}: samples (line 4): a sobol design needs a power of two, at least 4" in line
    assert f"got {samples}" in line and f"use {nearest}" in line


def test_a_sobol_sample_of_a_power_of_two_is_planned(world):
    assert len(load_sweep(write_sweep(world, SOBOL.format(8))).points) == 8 * 3


def test_a_normal_axis_reaching_past_its_parameters_bounds_is_refused_before_any_run(world, capsys):
    # at its mean 0.5 fits; 0.5 +- 7 x 0.2 reaches below 0 and above 1
    path = write_sweep(
        world,
        "name: n\nscenarios: [tiny.yaml]\ndesign: latin_hypercube\nsamples: 50\nparameters:\n"
        "  crisis_rate: {distribution: normal, mean: 0.5, sd: 0.2}\n",
    )
    out = world.parent / "out"
    line = refusal(capsys, "sweep", path, "--out", out, "--quiet")
    assert f"{path}: parameters.crisis_rate (line 6): the value -0.9" in line
    assert "a normal axis draws anywhere from -0.9" in line and "give a smaller 'sd'" in line
    assert not out.exists()


def test_a_normal_axis_within_its_bounds_at_seven_sd_is_planned(world):
    path = write_sweep(
        world,
        "name: n\nscenarios: [tiny.yaml]\ndesign: latin_hypercube\nsamples: 50\nparameters:\n"
        "  crisis_rate: {distribution: normal, mean: 0.5, sd: 0.07}\n",
    )
    values = [point["crisis_rate"] for point in load_sweep(path).points]
    assert 0 < min(values) < 0.5 < max(values) < 1


@pytest.mark.parametrize(
    "fixed, field, problem",
    [
        ("fixed: {steps: 0}", "fixed.steps (line 5)", "the value 0 does not fit"),
        ("fixed:\n  crisis_rate: 7", "fixed.crisis_rate (line 6)", "the value 7 does not fit"),
        ("fixed:\n  crisis_rat: 0.1", "fixed.crisis_rat (line 6)", "unknown field"),
    ],
)
def test_a_fixed_value_that_does_not_fit_is_reported_against_the_sweep_file_and_its_field(
    fixed, field, problem, world, capsys
):
    path = write_sweep(
        world, f"name: f\nscenarios: [tiny.yaml]\nparameters:\n  term: [2, 3]\n{fixed}\n"
    )
    line = refusal(capsys, "validate", path)
    assert line.startswith(f"error: {path}: {field}: "), line
    assert problem in line


def test_a_scenario_files_own_problem_is_reported_against_it_with_its_line(world, capsys):
    (world / "bad.yaml").write_text(TINY.replace("threat: 0.4", "threat: 3", 1))
    path = write_sweep(
        world, "name: f\nscenarios: [bad.yaml]\nparameters:\n  term: [2, 3]\nfixed: {steps: 5}\n"
    )
    line = refusal(capsys, "validate", path)
    assert line.startswith(f"error: {world / 'bad.yaml'}: regions[0].threat (line 7): "), line


# --- a damaged run file on resume ---------------------------------------------------------


@pytest.mark.parametrize("damage", ["truncated", "not parquet", "empty"])
def test_resume_runs_again_a_run_whose_file_is_damaged(damage, world, tmp_path):
    path = write_sweep(world, GRID)
    out = tmp_path / "out"
    quiet_run(load_sweep(path), out)
    finished = model_files(out)
    victim = out / "model" / support.TARGET
    victim = victim.with_name(f"{support.TARGET}.parquet")
    damaged = {
        "truncated": finished[victim.name][: len(finished[victim.name]) // 2],
        "not parquet": b"PAR1 this is not a Parquet file PAR1",
        "empty": b"",
    }[damage]
    victim.write_bytes(damaged)

    report = quiet_run(load_sweep(path), out, resume=True)
    assert (report.skipped, report.ok, report.failed) == (GRID_RUNS - 1, 1, 0)
    assert model_files(out) == finished  # the run made again, to the byte
    assert len(pd.read_parquet(out / "model")) > 0
    assert (pd.read_parquet(out / "runs.parquet")["status"] == "ok").sum() == GRID_RUNS


def test_a_damaged_run_that_fails_again_leaves_no_unreadable_file(world, tmp_path):
    path = write_sweep(world, GRID)
    out = tmp_path / "out"
    quiet_run(load_sweep(path), out)
    (out / "model" / f"{support.TARGET}.parquet").write_bytes(b"garbage")
    report = quiet_run(load_sweep(path), out, resume=True, function=support.failed_target)
    assert report.failed == 1
    assert not (out / "model" / f"{support.TARGET}.parquet").exists()
    assert pd.read_parquet(out / "model")["run_id"].nunique() == GRID_RUNS - 1


def test_a_run_whose_damaged_files_were_removed_is_not_listed_ok_when_stopped_again(
    world, tmp_path
):
    path = write_sweep(world, GRID)
    out = tmp_path / "out"
    quiet_run(load_sweep(path), out)
    (out / "model" / f"{support.TARGET}.parquet").write_bytes(b"garbage")
    with pytest.raises(KeyboardInterrupt):  # Ctrl-C while the damaged run runs again
        quiet_run(load_sweep(path), out, resume=True, function=support.interrupt_on_target)
    runs = pd.read_parquet(out / "runs.parquet")
    assert support.TARGET not in set(runs["run_id"])
    assert runs.attrs["sweep_status"]["not_run"] == 1


def test_a_damaged_journal_does_not_stop_the_runs_table(world, tmp_path):
    path = write_sweep(world, GRID)
    out = tmp_path / "out"
    quiet_run(load_sweep(path), out, function=support.failed_target)
    with open(out / "runs.jsonl", "ab") as journal:
        journal.write(b'\xff\xfe\x00binary\n[1, 2]\n{"status": "ok"}\n{"run_id": 3}\n')
        journal.write(b'{"run_id": "x", "status": "ok", "wall_seconds": "slow"}\n{"run_id": "cut')
    report = quiet_run(load_sweep(path), out, resume=True)
    assert (report.skipped, report.ok, report.failed) == (GRID_RUNS - 1, 1, 0)
    runs = pd.read_parquet(out / "runs.parquet")
    assert len(runs) == GRID_RUNS and (runs["status"] == "ok").all()


@pytest.mark.parametrize("content", [b"\x89PNG\r\n\x00\xff", b"[1, 2]", b"nul", b"[" * 100_000])
def test_resume_into_a_folder_whose_sweep_json_is_not_one_is_one_line(
    content, world, tmp_path, capsys
):
    path = write_sweep(world, GRID)
    out = tmp_path / "out"
    out.mkdir()
    (out / "sweep.json").write_bytes(content)
    line = refusal(capsys, "sweep", path, "--out", out, "--resume", "--quiet")
    assert f"{out / 'sweep.json'}: not the manifest of a sweep" in line
    assert sorted(p.name for p in out.iterdir()) == ["sweep.json"]


def test_resume_refuses_a_folder_holding_run_files_its_plan_does_not_name(world, tmp_path, capsys):
    path = write_sweep(world, GRID)
    out = tmp_path / "out"
    quiet_run(load_sweep(path), out)
    stray = out / "model" / "tiny_-p00000-r000.parquet"  # as another naming rule made it
    stray.write_bytes((out / "model" / "tiny-p00000-r000.parquet").read_bytes())
    line = refusal(capsys, "sweep", path, "--out", out, "--resume", "--quiet")
    assert f"{out / 'model'}: holds 1 run file(s) this sweep does not plan" in line
    assert "tiny_-p00000-r000.parquet" in line
    assert stray.exists()


def test_report_on_a_killed_sweep_names_its_file_and_folder_in_the_resume_hint(
    world, tmp_path, capsys
):
    path = write_sweep(world, GRID)
    out = tmp_path / "out"
    quiet_run(load_sweep(path), out)
    (out / "runs.parquet").unlink()  # killed before the runs table was written
    line = refusal(capsys, "report", out)
    assert f"finish it with python run.py sweep {path} --out {out} --resume" in line


# --- temporaries left by a kill -----------------------------------------------------------


def test_resume_removes_every_temporary_a_kill_left_and_runs_what_they_were(world, tmp_path):
    path = write_sweep(world, GRID + "tables: [model, events]\n")
    out = tmp_path / "out"
    quiet_run(load_sweep(path), out)
    (out / "model" / f"{support.TARGET}.parquet").unlink()
    pid = dead_pid()
    leftovers = [
        out / "model" / f".{support.TARGET}.parquet.partial-{pid}",  # a run being written
        out / "events" / f".{support.TARGET}.parquet.partial-{pid}",
        out / f".runs.parquet.partial-{pid}",  # the runs table being written
        out / f".sweep.json.partial-{pid}",
    ]
    for leftover in leftovers:
        leftover.write_bytes(b"half a file")
    staging = out / "model" / f".staged.partial-{pid}"  # a folder being staged
    staging.mkdir()
    (staging / "model.parquet").write_bytes(b"half")

    report = quiet_run(load_sweep(path), out, resume=True)
    assert (report.skipped, report.ok) == (GRID_RUNS - 1, 1)
    assert [p for p in [*leftovers, staging] if p.exists()] == []
    assert (out / "model" / f"{support.TARGET}.parquet").is_file()


def test_a_temporary_whose_writer_still_runs_is_left_to_it(world, tmp_path):
    path = write_sweep(world, GRID)
    out = tmp_path / "out"
    quiet_run(load_sweep(path), out)
    writer = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(60)"])
    try:
        busy = out / "model" / f".{support.TARGET}.parquet.partial-{writer.pid}"
        busy.write_bytes(b"being written")
        quiet_run(load_sweep(path), out, resume=True)
        assert busy.exists()
    finally:
        writer.kill()
        writer.wait()


def test_a_new_sweep_may_start_in_a_folder_holding_only_what_a_killed_start_left(world, tmp_path):
    out = tmp_path / "out"
    (out / "model").mkdir(parents=True)
    (out / f".design.parquet.partial-{dead_pid()}").write_bytes(b"half")
    report = quiet_run(load_sweep(write_sweep(world, GRID)), out)
    assert report.ok == GRID_RUNS
    assert sorted(p.name for p in out.iterdir() if p.name.startswith(".")) == []


def test_a_new_sweep_into_a_folder_of_other_things_touches_none_of_them(world, tmp_path, capsys):
    out = tmp_path / "mine"
    (out / "notes").mkdir(parents=True)
    kept = [out / f".draft.partial-{dead_pid()}", out / "notes" / "_chapter.partial"]
    kept += [out / "notes" / f".chapter.partial-{dead_pid()}"]
    for path in kept:
        path.write_text("my work")
    line = refusal(capsys, "sweep", write_sweep(world, GRID), "--out", out, "--quiet")
    assert "already exists and is not empty" in line
    assert all(path.read_text() == "my work" for path in kept)


# --- a sweep stopped by Ctrl-C --------------------------------------------------------------


def test_a_stopped_sweeps_runs_table_says_it_is_incomplete(world, tmp_path):
    path = write_sweep(world, GRID)
    out = tmp_path / "out"
    with pytest.raises(KeyboardInterrupt):
        quiet_run(load_sweep(path), out, function=support.interrupt_on_target)
    status = pd.read_parquet(out / "runs.parquet").attrs["sweep_status"]
    assert status == {
        "complete": False,
        "runs": GRID_RUNS,
        "ok": TARGET_INDEX,
        "failed": 0,
        "not_run": GRID_RUNS - TARGET_INDEX,
    }
    quiet_run(load_sweep(path), out, resume=True)
    status = pd.read_parquet(out / "runs.parquet").attrs["sweep_status"]
    assert status["complete"] and status["ok"] == GRID_RUNS and status["not_run"] == 0


def test_report_on_a_stopped_sweep_warns_in_one_line_how_much_is_there_and_how_to_resume(
    world, tmp_path, capsys
):
    path = write_sweep(world, GRID)
    out = tmp_path / "out"
    with pytest.raises(KeyboardInterrupt):
        quiet_run(load_sweep(path), out, function=support.interrupt_on_target)
    code, _, err = call(capsys, "report", out)
    assert code == 0, err
    warning = one_error_line(err)
    assert warning.startswith("warning: sweep grid is incomplete: 4 of its 12 runs are here")
    assert f"finish it with: python run.py sweep {path} --out {out} --resume" in warning
    assert "is incomplete: 4 of its 12 runs" in (out / "report.html").read_text()

    quiet_run(load_sweep(path), out, resume=True)
    code, _, err = call(capsys, "report", out)
    assert code == 0 and "warning" not in err


def test_report_on_a_sweep_with_failed_runs_warns_how_to_run_them_again(world, tmp_path, capsys):
    path = write_sweep(world, GRID)
    out = tmp_path / "out"
    quiet_run(load_sweep(path), out, function=support.failed_target)
    code, _, err = call(capsys, "report", out)
    assert code == 0, err
    assert one_error_line(err).startswith("warning: sweep grid: 1 of its 12 runs failed")


def test_a_stopped_sweep_written_before_the_status_was_recorded_is_warned_about_too(
    world, tmp_path, capsys
):
    path = write_sweep(world, GRID)
    out = tmp_path / "out"
    with pytest.raises(KeyboardInterrupt):
        quiet_run(load_sweep(path), out, function=support.interrupt_on_target)
    runs = pd.read_parquet(out / "runs.parquet")
    runs.attrs = {}
    runs.to_parquet(out / "runs.parquet", index=False)
    code, _, err = call(capsys, "report", out)
    assert "4 of its 12 runs are here" in one_error_line(err)


def test_a_sweep_folder_whose_table_holds_only_hidden_files_has_no_finished_runs(
    world, tmp_path, capsys
):
    out = tmp_path / "out"
    quiet_run(load_sweep(write_sweep(world, GRID)), out)
    for path in (out / "model").glob("*.parquet"):
        path.rename(path.with_name(f".{path.name}"))  # as a copying tool's temporaries
    assert "no finished runs" in refusal(capsys, "report", out)


# --- a results folder whose manifest is not one --------------------------------------------

MANIFESTS = {
    "binary": (b"\x89PNG\r\n\x1a\n\x00\x00\xff\xfe", "not UTF-8 text"),
    "not json": (b"{scenario_name: tiny", "not JSON"),
    "a list": (b"[1, 2, 3]", "expected a JSON object (the run's manifest), got a list"),
    "a number": (b"42", "expected a JSON object (the run's manifest), got a int"),
    "null": (b"null", "got a NoneType"),
    "empty object": (b"{}", "'scenario_name' is missing: not a run manifest"),
    "wrong type": (
        b'{"scenario_name": "t", "seed": "seven", "steps": 6, "nations": 10}',
        "'seed': expected a whole number, got \"seven\"",
    ),
    "deeply nested": (b"[" * 100_000 + b"]" * 100_000, "nested too deeply"),
}


@pytest.mark.parametrize("case", list(MANIFESTS), ids=list(MANIFESTS))
def test_report_on_a_folder_whose_manifest_is_not_a_manifest_is_one_line(case, tmp_path, capsys):
    content, problem = MANIFESTS[case]
    folder = tmp_path / "run"
    folder.mkdir()
    (folder / "manifest.json").write_bytes(content)
    line = refusal(capsys, "report", folder)
    assert line.startswith(f"error: {folder / 'manifest.json'}: "), line
    assert problem in line
    assert not (folder / "report.html").exists()


def test_report_on_a_sweep_whose_manifest_lacks_its_design_is_one_line(world, tmp_path, capsys):
    out = tmp_path / "out"
    quiet_run(load_sweep(write_sweep(world, GRID)), out)
    manifest = json.loads((out / "sweep.json").read_text())
    del manifest["design"]
    (out / "sweep.json").write_text(json.dumps(manifest))
    assert "'design' is missing: not a sweep manifest" in refusal(capsys, "report", out)
