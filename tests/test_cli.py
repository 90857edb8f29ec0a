"""The command line as a user meets it: `run`, `validate`, overrides, output folders.

End-to-end cases start `run.py` as a real process from the project root; the many
bad-input cases call `run.main` in-process. All runs use the baseline scenario cut
to a few steps, so the whole file takes seconds.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from tests.cli_support import TINY, call, one_error_line  # noqa: E402

BASELINE = ROOT / "scenarios" / "baseline.yaml"
STEPS = 5
TABLES = ("model", "nations", "agreements", "memberships", "events")


def cli(*argv, env: dict | None = None) -> subprocess.CompletedProcess:
    """Run `python run.py ...` from the project root as a user would."""
    return subprocess.run(
        [sys.executable, "run.py", *[str(arg) for arg in argv]],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=300,
        env={**os.environ, **(env or {})},
    )


def leftovers(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir()) if folder.exists() else []


@pytest.fixture(scope="module")
def baseline_run(tmp_path_factory) -> tuple[subprocess.CompletedProcess, Path]:
    out = tmp_path_factory.mktemp("cli") / "baseline-run"
    done = cli("run", BASELINE, "--steps", STEPS, "--out", out)
    return done, out


# --- run ---------------------------------------------------------------------


def test_run_writes_a_run_folder_with_every_table_and_a_manifest(baseline_run):
    done, out = baseline_run
    assert done.returncode == 0, done.stderr
    assert "Traceback" not in done.stderr
    assert leftovers(out) == sorted([f"{t}.parquet" for t in TABLES] + ["manifest.json"])
    for table in TABLES:
        assert isinstance(pd.read_parquet(out / f"{table}.parquet"), pd.DataFrame)
    # nothing else (no staging folder) next to the run folder
    assert leftovers(out.parent) == [out.name]


def test_run_ends_with_a_short_summary_of_stability_prevention_agreements_and_exits(
    baseline_run,
):
    done, out = baseline_run
    summary = done.stdout.strip().splitlines()
    assert 3 <= len(summary) <= 15, done.stdout
    text = done.stdout
    model = pd.read_parquet(out / "model.parquet")
    events = pd.read_parquet(out / "events.parquet")
    last = model.iloc[-1]

    stability = next(line for line in summary if "stability" in line)
    assert f"{last['stability_index']:.3f}" in stability

    prevented, crises = int(model["conflicts_prevented"].sum()), int(model["crises"].sum())
    prevention = next(line for line in summary if "prevent" in line)
    assert f"{prevented}/{crises}" in prevention

    agreements = next(line for line in summary if "agreements" in line)
    assert re.search(rf"\b{int(last['active_agreements'])}\b", agreements)

    exits = events[events["event"] == "exited"]["reason"].value_counts()
    assert len(exits) > 0, "the baseline run should have some exits to summarise"
    by_reason = next(line for line in summary if "exit" in line and "reason" in line)
    for reason, count in exits.items():
        assert f"{reason} {count}" in by_reason, (reason, count, by_reason)
    assert str(out) in text


def test_the_summary_says_when_its_network_figures_count_ties_through_pacts(
    baseline_run, tmp_path, capsys
):
    done, _ = baseline_run  # no pacts: the plain label
    assert re.search(r"^  network +density", done.stdout, re.M), done.stdout
    path = tmp_path / "tiny.yaml"
    path.write_text(TINY)  # a pact of the North region
    code, stdout, err = call(capsys, "run", path, "--out", tmp_path / "out")
    assert code == 0, err
    assert re.search(r"^  network \(pacts too\) +density", stdout, re.M), stdout


@pytest.mark.slow
def test_steps_seed_and_set_overrides_are_applied_and_recorded_in_the_manifest(tmp_path):
    out = tmp_path / "run"
    done = cli(
        "run",
        BASELINE,
        "--steps",
        "3",
        "--seed",
        "11",
        "--set",
        "crisis_rate=0.35",
        "--set",
        "regions.0.threat=0.6",
        "--out",
        out,
    )
    assert done.returncode == 0, done.stderr
    model = pd.read_parquet(out / "model.parquet")
    assert model["step"].iloc[-1] == 3
    manifest = json.loads((out / "manifest.json").read_text())
    assert manifest["seed"] == 11
    scenario = manifest["scenario"]
    assert scenario["steps"] == 3 and scenario["seed"] == 11
    assert scenario["parameters"]["crisis_rate"] == 0.35
    assert scenario["regions"][0]["threat"] == 0.6


@pytest.mark.slow
def test_format_csv_writes_csv_tables_with_the_same_content_as_parquet(baseline_run, tmp_path):
    _, parquet_out = baseline_run
    out = tmp_path / "csv-run"
    done = cli("run", BASELINE, "--steps", STEPS, "--out", out, "--format", "csv")
    assert done.returncode == 0, done.stderr
    assert leftovers(out) == sorted([f"{t}.csv" for t in TABLES] + ["manifest.json"])
    for table in TABLES:
        from_csv = pd.read_csv(out / f"{table}.csv", keep_default_na=False)
        from_parquet = pd.read_parquet(parquet_out / f"{table}.parquet")
        assert list(from_csv.columns) == list(from_parquet.columns)
        assert len(from_csv) == len(from_parquet)
    model_csv = pd.read_csv(out / "model.csv")
    model_parquet = pd.read_parquet(parquet_out / "model.parquet")
    pd.testing.assert_frame_equal(model_csv, model_parquet, check_dtype=False)


@pytest.mark.slow
def test_same_scenario_and_seed_give_byte_identical_parquet_files(baseline_run, tmp_path):
    # a different hash seed too: results must not hang on set or dict order of strings
    _, first = baseline_run
    second = tmp_path / "again"
    done = cli("run", BASELINE, "--steps", STEPS, "--out", second, env={"PYTHONHASHSEED": "12345"})
    assert done.returncode == 0, done.stderr
    for table in TABLES:
        name = f"{table}.parquet"
        assert (first / name).read_bytes() == (second / name).read_bytes(), f"{name} differs"


@pytest.mark.slow
def test_a_different_seed_gives_different_results(baseline_run, tmp_path):
    _, first = baseline_run
    other = tmp_path / "other-seed"
    done = cli("run", BASELINE, "--steps", STEPS, "--seed", "4242", "--out", other)
    assert done.returncode == 0, done.stderr
    a = pd.read_parquet(first / "model.parquet")
    b = pd.read_parquet(other / "model.parquet")
    assert not a.equals(b)
    assert (first / "nations.parquet").read_bytes() != (other / "nations.parquet").read_bytes()


def test_run_without_out_creates_a_new_folder_under_results(tmp_path, monkeypatch, capsys):
    monkeypatch.chdir(tmp_path)
    code, out, err = call(capsys, "run", BASELINE, "--steps", "2", "--quiet")
    assert code == 0, err
    folders = leftovers(tmp_path / "results")
    assert len(folders) == 1 and folders[0].startswith("baseline")
    assert (tmp_path / "results" / folders[0] / "manifest.json").is_file()
    assert folders[0] in out


# --- output folder: refusing, failing, interrupting -------------------------


def test_existing_non_empty_out_folder_is_refused_and_left_untouched(tmp_path, capsys):
    out = tmp_path / "taken"
    out.mkdir()
    (out / "notes.txt").write_text("mine")
    code, stdout, err = call(capsys, "run", BASELINE, "--steps", "2", "--out", out, "--quiet")
    assert code == 2
    line = one_error_line(err)
    assert str(out) in line and "not empty" in line
    assert leftovers(out) == ["notes.txt"]
    assert (out / "notes.txt").read_text() == "mine"
    assert stdout == ""


def test_existing_empty_out_folder_is_used(tmp_path, capsys):
    out = tmp_path / "empty"
    out.mkdir()
    code, _, err = call(capsys, "run", BASELINE, "--steps", "2", "--out", out, "--quiet")
    assert code == 0, err
    assert "manifest.json" in leftovers(out)


def test_out_folder_is_refused_before_the_simulation_runs(tmp_path, capsys, monkeypatch):
    out = tmp_path / "taken"
    out.mkdir()
    (out / "x").write_text("")

    def must_not_run(*args, **kwargs):
        raise AssertionError("the simulation ran although the output folder was refused")

    monkeypatch.setattr("simulation.single_run.run_scenario", must_not_run)
    code, _, err = call(capsys, "run", BASELINE, "--steps", "2", "--out", out, "--quiet")
    assert code == 2
    one_error_line(err)


def test_out_folder_inside_a_file_is_one_line_not_a_traceback(tmp_path, capsys):
    blocker = tmp_path / "file.txt"
    blocker.write_text("")
    out = blocker / "run"
    code, _, err = call(capsys, "run", BASELINE, "--steps", "2", "--out", out, "--quiet")
    assert code == 2
    assert str(out) in one_error_line(err)


def _write_two_tables_then(exception: BaseException):
    from simulation import run_folder

    real = run_folder.write_tables

    def failing(tables, folder, fmt):
        first_two = dict(list(tables.items())[:2])
        real(first_two, folder, fmt)
        raise exception

    return failing


def test_a_run_that_fails_while_writing_leaves_no_folder_and_no_partial(
    tmp_path, capsys, monkeypatch
):
    results = tmp_path / "results"
    out = results / "run"
    monkeypatch.setattr(
        "simulation.run_folder.write_tables", _write_two_tables_then(OSError("disk full"))
    )
    code, stdout, err = call(capsys, "run", BASELINE, "--steps", "2", "--out", out, "--quiet")
    assert code == 2
    assert "Traceback" not in err
    assert len([line for line in err.splitlines() if line.strip()]) == 1
    assert "disk full" in err
    assert not out.exists()
    assert leftovers(results) == [], "a staging folder was left behind"


def test_a_run_interrupted_while_writing_exits_130_and_leaves_nothing(
    tmp_path, capsys, monkeypatch
):
    results = tmp_path / "results"
    out = results / "run"
    monkeypatch.setattr(
        "simulation.run_folder.write_tables", _write_two_tables_then(KeyboardInterrupt())
    )
    code, stdout, err = call(capsys, "run", BASELINE, "--steps", "2", "--out", out, "--quiet")
    assert code == 130
    assert "Traceback" not in err
    assert len([line for line in err.splitlines() if line.strip()]) == 1
    assert "interrupted" in err
    assert not out.exists()
    assert leftovers(results) == []
    assert stdout == ""


def test_a_run_interrupted_while_simulating_writes_nothing(tmp_path, capsys, monkeypatch):
    from simulation.model import DefenseCooperationModel

    real_step = DefenseCooperationModel.step
    calls = []

    def step_then_interrupt(self):
        calls.append(1)
        if len(calls) == 2:
            raise KeyboardInterrupt
        real_step(self)

    monkeypatch.setattr(DefenseCooperationModel, "step", step_then_interrupt)
    out = tmp_path / "results" / "run"
    code, _, err = call(capsys, "run", BASELINE, "--steps", "4", "--out", out, "--quiet")
    assert code == 130
    assert "Traceback" not in err
    assert not out.exists()
    assert leftovers(tmp_path / "results") == []


# --- bad --set, --steps, --seed ----------------------------------------------


@pytest.mark.parametrize(
    ("argv", "needles"),
    [
        (["--set", "crisis_rate"], ["--set", "crisis_rate", "name=value"]),
        (["--set", "=0.3"], ["--set", "name=value"]),
        (["--set", "no_such_parameter=1"], ["no_such_parameter", "unknown"]),
        (["--set", "crisis_rate=5"], ["crisis_rate", "less than or equal to"]),
        (["--set", "crisis_rate=-0.1"], ["crisis_rate", "greater than or equal to"]),
        (["--set", "crisis_rate=often"], ["crisis_rate", "number"]),
        (["--set", "crisis_rate=[0.1, 0.2]"], ["--set crisis_rate=[0.1, 0.2]", "valid number"]),
        (["--set", "regions.9.threat=0.2"], ["regions.9.threat", "'9'"]),
        (["--set", "regions.0.threat=3"], ["--set regions.0.threat=3", "less than or equal to 1"]),
        (["--set", "name.first=x"], ["name.first", "not a mapping"]),
        (["--steps", "0"], ["error: --steps: ", "whole number of at least 1, got 0"]),
        (["--seed", "-1"], ["error: --seed: ", "whole number of at least 0, got -1"]),
    ],
    ids=[
        "no-equals",
        "no-name",
        "unknown-parameter",
        "above-range",
        "below-range",
        "not-a-number",
        "a-list",
        "no-such-list-item",
        "nested-out-of-range",
        "path-through-a-scalar",
        "steps-zero",
        "seed-negative",
    ],
)
def test_bad_override_exits_2_with_one_line_naming_it(argv, needles, tmp_path, capsys):
    out = tmp_path / "out"
    code, stdout, err = call(capsys, "run", BASELINE, *argv, "--out", out, "--quiet")
    assert code == 2
    line = one_error_line(err)
    for needle in needles:
        assert needle in line, f"{needle!r} missing from {line!r}"
    assert not out.exists()
    assert stdout == ""


@pytest.mark.parametrize(
    "argv", [["--steps", "many"], ["--seed", "1.5"], ["--format", "xlsx"]], ids=str
)
def test_malformed_option_value_exits_2_without_traceback(argv, tmp_path, capsys):
    code, _, err = call(capsys, "run", BASELINE, *argv, "--out", tmp_path / "out", "--quiet")
    assert code == 2
    assert "Traceback" not in err
    assert argv[0] in err and argv[1] in err
    assert not (tmp_path / "out").exists()


# --- validate ------------------------------------------------------------------


@pytest.mark.slow
def test_validate_accepts_the_baseline_in_a_real_process():
    done = cli("validate", "scenarios/baseline.yaml")
    assert done.returncode == 0, done.stderr
    assert done.stderr == ""
    assert "scenarios/baseline.yaml" in done.stdout and "60 nations" in done.stdout


def test_validate_checks_files_without_running_or_writing(tmp_path, capsys, monkeypatch):
    def must_not_run(*args, **kwargs):
        raise AssertionError("validate ran the simulation")

    monkeypatch.setattr("simulation.single_run.run_scenario", must_not_run)
    monkeypatch.setattr("simulation.model.DefenseCooperationModel.step", must_not_run)
    monkeypatch.chdir(tmp_path)
    code, out, err = call(capsys, "validate", BASELINE, BASELINE)
    assert code == 0, err
    assert len(out.splitlines()) == 2
    assert leftovers(tmp_path) == []


@pytest.mark.slow
def test_bad_file_in_a_real_process_gives_one_line_and_exit_2(tmp_path):
    bad = tmp_path / "broken.yaml"
    bad.write_text("name: broken\nsteps: [1, 2\nregions: []\n")
    missing = tmp_path / "missing.yaml"
    for command in (["validate", bad], ["run", missing]):
        done = cli(*command, "--out", tmp_path / "out") if command[0] == "run" else cli(*command)
        assert done.returncode == 2, (command, done.stderr)
        assert str(command[1]) in one_error_line(done.stderr)
        assert done.stdout == ""
    assert not (tmp_path / "out").exists()


# --- hostile names and paths: nothing outside the chosen folder, one line for the rest --


def _files_under(folder: Path) -> list[str]:
    return sorted(str(p.relative_to(folder)) for p in folder.rglob("*"))


@pytest.mark.parametrize(
    "name",
    ["../../../somewhere", "x/y", "..", "/tmp/absolute", "a b", "x\\y"],
    ids=["parent-steps", "nested", "dot-dot", "absolute", "space", "backslash"],
)
def test_a_scenario_name_never_makes_a_run_write_outside_results(
    name, tmp_path, capsys, monkeypatch
):
    from simulation.names import safe_name

    project = tmp_path / "a" / "b" / "c" / "project"
    project.mkdir(parents=True)
    monkeypatch.chdir(project)
    code, out, err = call(
        capsys, "run", BASELINE, "--steps", "1", "--set", f"name={name}", "--quiet"
    )
    assert code == 0, err
    folders = leftovers(project / "results")
    assert len(folders) == 1, folders
    assert folders[0].startswith(f"{safe_name(name)}-"), folders
    assert "manifest.json" in leftovers(project / "results" / folders[0])
    # the project holds the one run folder and nothing else; nothing above it either
    assert [p for p in _files_under(tmp_path) if "results" not in p] == [
        "a",
        "a/b",
        "a/b/c",
        "a/b/c/project",
    ]


def test_a_name_in_the_scenario_file_that_climbs_out_stays_inside_results(
    tmp_path, capsys, monkeypatch
):
    project = tmp_path / "project"
    project.mkdir()
    scenario = tmp_path / "climbing.yaml"
    scenario.write_text(BASELINE.read_text().replace("name: baseline", "name: ../../out", 1))
    monkeypatch.chdir(project)
    code, _, err = call(capsys, "run", scenario, "--steps", "1", "--quiet")
    assert code == 0, err
    assert sorted(p.name for p in tmp_path.iterdir()) == ["climbing.yaml", "project"]
    (folder,) = (project / "results").iterdir()
    assert folder.name.startswith("_.._out-")


def test_a_name_too_long_for_the_file_system_is_cut_to_a_safe_length(tmp_path, capsys, monkeypatch):
    from simulation.names import MAX_SAFE_NAME_LENGTH

    monkeypatch.chdir(tmp_path)
    name = "\u00e9" * 200  # 200 characters, 400 bytes: more than a file name may have
    code, _, err = call(capsys, "run", BASELINE, "--steps", "1", "--set", f"name={name}")
    assert code == 0, err
    (folder,) = (tmp_path / "results").iterdir()
    assert len(folder.name) <= MAX_SAFE_NAME_LENGTH + len("-20260101-000000")


def test_the_writer_refuses_a_folder_that_resolves_outside_its_root(tmp_path):
    from simulation.run_folder import OutputError, write_run_folder
    from simulation.scenario import load_scenario
    from simulation.single_run import run_scenario

    root = tmp_path / "results"
    root.mkdir()
    (root / "link").symlink_to(tmp_path / "elsewhere", target_is_directory=True)
    result = run_scenario(load_scenario(BASELINE, {"steps": 1}))
    for out in (root / ".." / "escaped", root / "link" / "run", root):
        with pytest.raises(OutputError, match="outside"):
            write_run_folder(result, out, root=root)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["results"]
    write_run_folder(result, root / "run", root=root)  # inside: written
    assert (root / "run" / "manifest.json").is_file()


@pytest.mark.parametrize("command", ["run", "sweep", "hindcast"])
@pytest.mark.parametrize(
    "shape", ["name-over-255-bytes", "name-without-room-for-its-temporary", "long-parent"]
)
def test_an_out_path_too_long_for_the_file_system_is_one_line_before_any_run(
    command, shape, tmp_path, capsys, monkeypatch
):
    def must_not_run(*args, **kwargs):
        raise AssertionError("the simulation ran although the output path was refused")

    for runner in (
        "simulation.single_run.run_scenario",
        "simulation.sweeps.seeds.run_seeds",
        "simulation.sweeps.orchestrator.run_sweep",
    ):
        monkeypatch.setattr(runner, must_not_run)
    out = {
        "name-over-255-bytes": tmp_path / ("o" * 300),
        "name-without-room-for-its-temporary": tmp_path / ("o" * 250),
        "long-parent": tmp_path / ("o" * 300) / "run",
    }[shape]
    source = {
        "run": [BASELINE, "--steps", "1"],
        "sweep": [ROOT / "scenarios" / "sweeps" / "sovereignty_and_dispute_resolution.yaml"],
        "hindcast": ["--seeds", "1", "--set", "steps=1"],
    }[command]
    extra = ["--workers", "1"] if command == "sweep" else []
    code, stdout, err = call(capsys, command, *source, *extra, "--out", out, "--quiet")
    assert code == 2, err
    line = one_error_line(err)
    assert str(out) in line
    assert "bytes" in line or "File name too long" in line, line
    assert stdout == ""
    assert leftovers(tmp_path) == []


@pytest.mark.parametrize(
    ("where", "expected"),
    [
        ("a-folder", "is a folder"),
        ("inside-a-file", "cannot write the schema"),
        ("unwritable", "cannot write the schema"),
        ("name-too-long", "File name too long"),
    ],
)
def test_schema_out_that_cannot_be_written_is_one_line_and_leaves_nothing(
    where, expected, tmp_path, capsys
):
    folder = tmp_path / "box"
    folder.mkdir()
    (folder / "file.txt").write_text("mine")
    out = {
        "a-folder": folder,
        "inside-a-file": folder / "file.txt" / "schema.json",
        "unwritable": Path("/proc/schema.json"),  # not even root may create files there
        "name-too-long": folder / ("s" * 300),
    }[where]
    code, stdout, err = call(capsys, "schema", "--out", out)
    assert code == 2
    line = one_error_line(err)
    assert str(out) in line and expected in line, line
    assert stdout == ""
    assert sorted(p.name for p in folder.iterdir()) == ["file.txt"]
    assert (folder / "file.txt").read_text() == "mine"


@pytest.mark.parametrize("port", ["99999", "-1", "0", "65536"])
def test_a_dashboard_port_outside_1_to_65535_is_one_line_before_the_server_starts(
    port, capsys, monkeypatch
):
    def must_not_start(*args, **kwargs):
        raise AssertionError("the server was started with a bad port")

    monkeypatch.setattr(os, "execve", must_not_start)
    code, stdout, err = call(capsys, "dashboard", "--port", port)
    assert code == 2
    assert one_error_line(err) == (
        f"error: --port: expected a port number from 1 to 65535, got {port}"
    )
    assert stdout == ""


def test_a_dashboard_port_in_range_starts_the_server_on_it(capsys, monkeypatch):
    started = []
    monkeypatch.setattr(os, "execve", lambda program, argv, env: started.append(argv))
    code, _, err = call(capsys, "dashboard", "--port", "65535")
    assert code == 0, err
    assert started and started[0][started[0].index("--port") + 1] == "65535"
