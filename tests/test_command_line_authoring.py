"""Authoring on the command line: a run shorter than its schedule, `--set` with lists
and mappings, "did you mean" for misspelt names, errors that name the option, and
`--quiet`. All in-process on the ten-nation `tiny` scenario (steps 6, events at steps
2, 3 and 4), so the file takes seconds."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import pandas as pd
import pytest

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from tests.cli_support import TINY, call, one_error_line  # noqa: E402


@pytest.fixture
def tiny(tmp_path) -> Path:
    path = tmp_path / "tiny.yaml"
    path.write_text(TINY)
    return path


def manifest(out: Path) -> dict:
    return json.loads((out / "manifest.json").read_text())


def notes(err: str) -> list[str]:
    return [line for line in err.splitlines() if line.startswith("note: ")]


# --- a run shorter than the schedule ------------------------------------------


def test_a_run_shorter_than_its_schedule_runs_and_says_in_one_line_which_events_it_leaves_out(
    tiny, tmp_path, capsys
):
    out = tmp_path / "out"
    code, stdout, err = call(capsys, "run", tiny, "--steps", "3", "--out", out)
    assert code == 0, err
    assert notes(err) == ["note: 1 scheduled event after step 3 not run: capability_surge at 4"]
    assert pd.read_parquet(out / "model.parquet")["step"].max() == 3
    assert [event["type"] for event in manifest(out)["scenario"]["events"]] == [
        "crisis",
        "leave_agreement",
    ]
    assert f"results in {out}/" in stdout


def test_a_run_that_reaches_every_event_gives_no_note(tiny, tmp_path, capsys):
    code, _, err = call(capsys, "run", tiny, "--steps", "4", "--out", tmp_path / "out")
    assert code == 0, err
    assert notes(err) == []


def test_set_steps_shortens_a_run_as_steps_does(tiny, tmp_path, capsys):
    code, _, err = call(capsys, "run", tiny, "--set", "steps=1", "--out", tmp_path / "out")
    assert code == 0, err
    assert notes(err) == [
        "note: 3 scheduled events after step 1 not run: crisis at 2, leave_agreement at 3, "
        "capability_surge at 4"
    ]


def test_the_note_names_the_first_events_by_step_and_counts_the_rest():
    from simulation.scenario import unreached_events_note

    events = [{"step": step, "type": "threat_shift"} for step in (40, 31, 36, 33, 35, 32, 34)]
    assert unreached_events_note(events, 30) == (
        "7 scheduled events after step 30 not run: threat_shift at 31, threat_shift at 32, "
        "threat_shift at 33, threat_shift at 34, threat_shift at 35 and 2 more, to step 40"
    )


def test_prevention_shorter_than_the_schedule_notes_the_events_it_leaves_out(
    tiny, capsys, tmp_path
):
    out = tmp_path / "runs.csv"
    code, stdout, err = call(
        capsys, "prevention", tiny, "--steps", "3", "--seeds", "2", "--out", out, "--quiet"
    )
    assert code == 0, err
    assert notes(err) == ["note: 1 scheduled event after step 3 not run: capability_surge at 4"]
    assert stdout == f"results in {out}\n"
    runs = pd.read_csv(out)
    assert sorted(set(runs["seed"])) == [7, 8] and len(runs) == 4


def test_a_sweep_whose_steps_cut_a_scenarios_schedule_notes_it_for_that_scenario(
    tiny, tmp_path, capsys
):
    sweep = tmp_path / "sweep.yaml"
    sweep.write_text(
        "name: cut\nscenarios: [tiny.yaml]\nreplicates: 1\nsteps: 2\n"
        "parameters:\n  crisis_rate: [0.1, 0.2]\n"
    )
    code, _, err = call(capsys, "sweep", sweep, "--out", tmp_path / "out", "--workers", "1")
    assert code == 0, err
    assert notes(err) == [
        "note: tiny: 2 scheduled events after step 2 not run: leave_agreement at 3, "
        "capability_surge at 4"
    ]


# --- --set with lists and mappings -----------------------------------------------


def test_set_events_to_an_empty_list_runs_without_scheduled_events(tiny, tmp_path, capsys):
    out = tmp_path / "out"
    code, _, err = call(capsys, "run", tiny, "--set", "events=[]", "--out", out, "--quiet")
    assert code == 0, err
    assert manifest(out)["scenario"]["events"] == []
    events = pd.read_parquet(out / "events.parquet")
    assert not (events["event"] == "scheduled").any()


def test_set_a_mapping_merges_into_the_scenarios_own_and_keeps_its_other_values(
    tiny, tmp_path, capsys
):
    tiny.write_text(TINY + "parameters:\n  crisis_rate: 0.27\n")
    out = tmp_path / "out"
    code, _, err = call(
        capsys,
        "run",
        tiny,
        "--set",
        "parameters={lapse_rate: 0.1}",
        "--set",
        "regions.0.capability={median: 2.5}",
        "--out",
        out,
        "--quiet",
    )
    assert code == 0, err
    scenario = manifest(out)["scenario"]
    assert scenario["parameters"]["lapse_rate"] == 0.1
    assert scenario["parameters"]["crisis_rate"] == 0.27  # the file's, kept
    assert scenario["regions"][0]["capability"] == {"median": 2.5, "sigma": 1.0}


def test_set_a_list_item_by_index_and_a_field_inside_one(tiny, tmp_path, capsys):
    out = tmp_path / "out"
    code, _, err = call(
        capsys,
        "run",
        tiny,
        "--set",
        "events.0={step: 5}",
        "--set",
        "regions.0.nations=5",
        "--out",
        out,
        "--quiet",
    )
    assert code == 0, err
    scenario = manifest(out)["scenario"]
    assert scenario["events"][0]["step"] == 5
    assert scenario["events"][0]["nations"] == ["Alpha", "Beta"]  # merged into the item
    assert scenario["regions"][0]["nations"] == 5


def test_a_malformed_list_in_set_is_one_line_naming_the_option(tiny, tmp_path, capsys):
    code, stdout, err = call(
        capsys, "run", tiny, "--set", "events=[{step: 2", "--out", tmp_path / "out"
    )
    assert code == 2
    line = one_error_line(err)
    assert line.startswith("error: --set events=[{step: 2: malformed YAML")
    assert stdout == "" and not (tmp_path / "out").exists()


# --- errors that name the option -------------------------------------------------


@pytest.mark.parametrize(
    ("argv", "expected"),
    [
        (["--steps", "x"], "error: --steps: expected a whole number of at least 1, got 'x'"),
        (["--steps", "0"], "error: --steps: expected a whole number of at least 1, got 0"),
        (["--steps", "20000"], "error: --steps: input should be less than or equal to 10000"),
        (["--seed", "1.5"], "error: --seed: expected a whole number of at least 0, got '1.5'"),
        (["--set", "steps=x"], "error: --set steps=x: input should be a valid integer"),
        (["--set", "crisis_rate=5"], "error: --set crisis_rate=5: input should be less than"),
        (
            ["--set", "events=[{step: 0}]"],
            "error: --set events=[{step: 0}]: events[0]: an event needs a 'type'",
        ),
    ],
    ids=[
        "steps-text",
        "steps-zero",
        "steps-too-many",
        "seed-fraction",
        "set-steps",
        "set-rate",
        "set-list",
    ],
)
def test_a_bad_command_line_value_is_reported_against_its_option_not_the_file(
    argv, expected, tiny, tmp_path, capsys
):
    code, stdout, err = call(capsys, "run", tiny, *argv, "--out", tmp_path / "out")
    assert code == 2
    line = one_error_line(err)
    assert line.startswith(expected), line
    assert str(tiny) not in line and "(line " not in line
    assert stdout == "" and not (tmp_path / "out").exists()


def test_a_problem_of_the_file_itself_is_still_reported_against_the_file(tiny, tmp_path, capsys):
    tiny.write_text(TINY.replace("factor: 2.0", "factor: -2.0"))
    code, _, err = call(capsys, "run", tiny, "--steps", "5", "--out", tmp_path / "out")
    assert code == 2
    assert one_error_line(err).startswith(f"error: {tiny}: events[2].factor (line ")


# --- did you mean ------------------------------------------------------------------


@pytest.mark.parametrize(
    ("argv", "expected"),
    [
        (["rn"], "error: unknown command 'rn'; did you mean 'run'?"),
        (["run", "TINY", "--stpes", "3"], "error: unknown option '--stpes'; did you mean '--steps'?"),
        (["run", "TINY", "--format", "parqet"], "error: --format: unknown choice 'parqet'; did you mean 'parquet'?"),
        (["run", "TINY", "--set", "crisis_rat=0.2"], "error: --set crisis_rat=0.2: unknown field; did you mean 'crisis_rate'?"),
        (["run", "TINY", "--set", "regions.0.thret=0.2"], "error: --set regions.0.thret=0.2: unknown field; did you mean 'threat'?"),
        (["run", "TINY", "--set", "regoins.0.threat=0.2"], "error: --set regoins.0.threat=0.2: unknown field; did you mean 'regions'?"),
        (["run", "TINY", "--set", "parameters={lapse_rat: 0.1}"], "error: --set parameters={lapse_rat: 0.1}: parameters.lapse_rat: unknown field; did you mean 'lapse_rate'?"),
        (["run", "TINY", "--set", "events.0.type=crises"], "error: --set events.0.type=crises: unknown event type 'crises'; did you mean 'crisis'?"),
    ],
    ids=["command", "option", "choice", "parameter", "nested-key", "path-key", "mapping-key", "event-type"],
)  # fmt: skip
def test_a_misspelt_command_option_or_name_on_the_command_line_gets_a_suggestion(
    argv, expected, tiny, tmp_path, capsys
):
    argv = [str(tiny) if arg == "TINY" else arg for arg in argv]
    code, stdout, err = (
        call(capsys, *argv, "--out", tmp_path / "out") if len(argv) > 1 else call(capsys, *argv)
    )
    assert code == 2
    assert one_error_line(err).startswith(expected), err
    assert stdout == ""


@pytest.mark.parametrize(
    ("change", "field", "suggestion"),
    [
        (("steps: 6", "stpes: 6"), "stpes", "'steps'"),
        (("steps: 6", "steps: 6\ncrisis_rate: 0.3"), "crisis_rate", "'parameters.crisis_rate'"),
        (("threat: 0.4", "thret: 0.4"), "regions[0].thret", "'threat'"),
        (("steps: 6", "steps: 6\nparameters:\n  crisis_rat: 0.2"), "parameters.crisis_rat", "'crisis_rate'"),
        (("factor: 2.0", "factr: 2.0"), "events[2].factr", "'factor'"),
        (("type: capability_surge", "type: capability_surg"), "events[2]", "'capability_surge'"),
        (("depth: 2", "depth: 2\n    sector: traning"), "agreements[0].sector", "'training'"),
        (("nation: Gamma", "nation: Gama"), "events[2].nation", "'Gamma'"),
        (("region: North", "region: Nort"), "nations[0].region", "'North'"),
    ],
    ids=["top-key", "parameter-at-top", "region-key", "parameter", "event-field", "event-type", "sector", "nation", "region"],
)  # fmt: skip
def test_a_misspelt_name_in_a_scenario_file_gets_a_suggestion_with_its_file_and_line(
    change, field, suggestion, tiny, capsys
):
    tiny.write_text(TINY.replace(*change, 1))
    code, _, err = call(capsys, "validate", tiny)
    assert code == 2
    line = one_error_line(err)
    assert line.startswith(f"error: {tiny}: {field} (line "), line
    assert line.endswith(f"did you mean {suggestion}?"), line


@pytest.mark.parametrize(
    ("text", "suggestion"),
    [
        ("replicate: 2\nparameters:\n  crisis_rate: [0.1, 0.2]\n", "'replicates'"),
        ("parameters:\n  crisis_rat: [0.1, 0.2]\n", "'crisis_rate'"),
        ("parameters:\n  crisis_rate: {rang: [0.1, 0.2], points: 2}\n", "'range'"),
    ],
    ids=["sweep-key", "sweep-parameter", "axis-key"],
)
def test_a_misspelt_name_in_a_sweep_file_gets_a_suggestion(text, suggestion, tiny, capsys):
    sweep = tiny.parent / "sweep.yaml"
    sweep.write_text(f"name: s\nscenarios: [tiny.yaml]\n{text}")
    code, _, err = call(capsys, "validate", sweep)
    assert code == 2
    line = one_error_line(err)
    assert line.startswith(f"error: {sweep}: "), line
    assert line.endswith(f"did you mean {suggestion}?"), line


def test_an_unknown_key_with_nothing_close_lists_what_is_allowed(tiny, capsys):
    tiny.write_text(TINY.replace("steps: 6", "steps: 6\nzzqqxx: 1"))
    code, _, err = call(capsys, "validate", tiny)
    assert code == 2
    assert one_error_line(err).endswith(
        "zzqqxx (line 4): unknown field; expected one of name, description, seed, steps, "
        "regions, nations, rivalries, agreements, parameters, events"
    )


# --- --quiet ---------------------------------------------------------------------------


def test_run_quiet_prints_only_where_the_results_are(tiny, tmp_path, capsys):
    out = tmp_path / "out"
    code, stdout, err = call(capsys, "run", tiny, "--out", out, "--quiet")
    assert code == 0, err
    assert stdout == f"results in {out}/\n"
    assert err == ""


def test_sweep_quiet_prints_only_where_the_results_are(tiny, tmp_path, capsys):
    sweep = tmp_path / "sweep.yaml"
    sweep.write_text(
        "name: q\nscenarios: [tiny.yaml]\nreplicates: 1\nparameters:\n  crisis_rate: [0.1, 0.2]\n"
    )
    out = tmp_path / "out"
    code, stdout, err = call(capsys, "sweep", sweep, "--out", out, "--workers", "1", "--quiet")
    assert code == 0, err
    assert stdout == f"results in {out}/\n"
    assert err == ""


def test_prevention_quiet_without_out_still_prints_its_table_which_is_its_result(tiny, capsys):
    code, stdout, err = call(capsys, "prevention", tiny, "--seeds", "2", "--quiet")
    assert code == 0, err
    assert "2 paired seeds" in stdout and "prevention rate" in stdout
    assert err == ""


def test_prevention_out_refuses_a_file_that_exists_before_running(tiny, tmp_path, capsys):
    out = tmp_path / "runs.csv"
    out.write_text("mine")
    code, stdout, err = call(capsys, "prevention", tiny, "--seeds", "2", "--out", out)
    assert code == 2
    assert one_error_line(err) == f"error: {out}: already exists; --out writes a new file"
    assert out.read_text() == "mine" and stdout == ""


# --- the format's table of event types ------------------------------------------------


def test_schema_markdown_prints_the_table_of_event_types(capsys):
    from simulation.format_reference import events_table

    code, stdout, err = call(capsys, "schema", "--markdown")
    assert code == 0, err
    assert stdout == events_table()


def test_a_set_value_is_read_within_the_bounds_of_a_file_so_an_alias_bomb_is_refused(
    tiny, tmp_path, capsys
):
    levels = ["&a [" + ", ".join(["1"] * 10) + "]"]
    for name, previous in zip("bcd", "abc", strict=True):
        levels.append(f"&{name} [" + ", ".join([f"*{previous}"] * 10) + "]")
    bomb = "[" + ", ".join([*levels, "[" + ", ".join(["*d"] * 10) + "]"]) + "]"
    code, stdout, err = call(
        capsys, "run", tiny, "--set", f"events={bomb}", "--out", tmp_path / "o"
    )
    assert code == 2
    line = one_error_line(err)
    assert line.startswith("error: --set events=") and "the value holds more than 50,000" in line
    assert stdout == "" and not (tmp_path / "o").exists()
