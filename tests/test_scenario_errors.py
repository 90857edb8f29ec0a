"""Bad scenario input: one line on stderr naming the file, the field and the line, exit 2.

Every case writes a small scenario file into tmp_path and calls the CLI in-process
(`run.main`) with both `validate` and `run`. The line a problem sits on is marked
in the case's YAML with a trailing ``# <-`` comment, so each case says where the
error must point.
"""

from __future__ import annotations

import os
import subprocess
import sys
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd
import pytest

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from tests.cli_support import TINY, call, one_error_line  # noqa: E402

MARK = "# <-"


def edit(old: str, new: str) -> str:
    """TINY with one exact, unique piece of text replaced."""
    assert TINY.count(old) == 1, f"{old!r} must occur exactly once in TINY"
    return TINY.replace(old, new)


@dataclass
class Case:
    id: str
    text: str
    field: str | None  # the field path the message must name (None: no field, e.g. bad YAML)
    expect: tuple[str, ...] = ()  # what else the message must say (what was expected, the value)
    marks: list = field(default_factory=list)

    @property
    def line(self) -> int | None:
        """The line marked with `# <-`, or None when the parser cannot know one."""
        marked = [i for i, text in enumerate(self.text.splitlines(), 1) if MARK in text]
        assert len(marked) <= 1, f"{self.id}: more than one marked line"
        return marked[0] if marked else None

    def param(self):
        return pytest.param(self, id=self.id, marks=self.marks)


DUPLICATE_KEYS_ACCEPTED = pytest.mark.xfail(
    strict=True,
    reason="PyYAML safe_load keeps the last of two equal keys: `steps: 6` and a later "
    "`steps: 8` validate as steps 8 with no error",
)
BOOL_ACCEPTED_AS_INT = pytest.mark.xfail(
    strict=True,
    reason="pydantic lax mode turns `steps: true` into steps 1; the file is then "
    "rejected (or accepted) for another reason, never for the wrong type of steps",
)
GENERATED_DUPLICATE_PATH = pytest.mark.xfail(
    strict=True,
    reason="a listed nation named like a generated one ('North 2') is reported at "
    "nations[4], an index into the combined name list that does not exist in the file "
    "(only 3 nations are listed); it should point at nations[2] (or regions[0].nations)",
)

CASES = [
    # --- malformed YAML and wrong top-level shape --------------------------
    Case("malformed_flow_sequence", f"name: [tiny\nsteps: 6  {MARK}\n", None, ("YAML",)),
    Case("tab_indentation", f"name: tiny\n\tsteps: 6  {MARK}\n", None, ("YAML",)),
    Case("empty_file", "", None, ("mapping",)),
    Case("top_level_list", "- name: tiny\n- steps: 6\n", None, ("mapping", "list")),
    Case(
        "duplicate_yaml_key",
        TINY + f"steps: 8  {MARK}\n",
        "steps",
        ("duplicate",),
    ),
    # --- unknown keys -------------------------------------------------------
    Case("unknown_top_level_key", TINY + f"colour: red  {MARK}\n", "colour", ("unknown field",)),
    Case(
        "unknown_region_key",
        edit("    threat: 0.4\n", f"    thret: 0.4  {MARK}\n"),
        "regions[0].thret",
        ("unknown field",),
    ),
    Case(
        "unknown_parameter",
        TINY + f"parameters:\n  deepning_rate: 0.2  {MARK}\n",
        "parameters.deepning_rate",
        ("unknown field",),
    ),
    Case(
        "unknown_event_field",
        edit("    type: crisis\n", f"    type: crisis\n    severty: 0.3  {MARK}\n"),
        "events[0].severty",
        ("unknown field",),
    ),
    # --- missing fields -----------------------------------------------------
    Case("missing_name", edit("name: tiny\n", ""), "name", ("missing",)),
    Case(
        "missing_nation_capability",
        edit(
            "  - name: Gamma\n    region: South\n    capability: 0.5\n",
            f"  - name: Gamma  {MARK}\n    region: South\n",
        ),
        "nations[2].capability",
        ("missing",),
    ),
    Case(
        "event_without_type",
        edit("    type: capability_surge\n", "").replace("  - step: 4", f"  - step: 4  {MARK}"),
        "events[2]",
        ("type",),
    ),
    # --- wrong types --------------------------------------------------------
    Case(
        "steps_not_integer",
        edit("steps: 6", f"steps: many  {MARK}"),
        "steps",
        ("integer", "'many'"),
    ),
    Case("steps_fractional", edit("steps: 6", f"steps: 2.5  {MARK}"), "steps", ("integer", "2.5")),
    Case(
        "steps_boolean",
        edit("steps: 6", f"steps: true  {MARK}"),
        "steps",
        ("integer",),
    ),
    Case(
        "threat_not_number",
        edit("    threat: 0.4\n", f"    threat: high  {MARK}\n"),
        "regions[0].threat",
        ("number", "'high'"),
    ),
    Case(
        "members_not_list",
        edit("members: [Alpha, Beta]", f"members: Alpha  {MARK}"),
        "agreements[0].members",
        ("list",),
    ),
    Case(
        "rivalries_not_list",
        edit("rivalries:\n  - nations: [Alpha, Beta]\n", f"rivalries: Alpha-Beta  {MARK}\n"),
        "rivalries",
        ("list",),
    ),
    Case(
        "unknown_agreement_kind",
        edit("kind: bilateral", f"kind: trilateral  {MARK}"),
        "agreements[0].kind",
        ("bilateral", "multilateral", "'trilateral'"),
    ),
    # --- out-of-range values ------------------------------------------------
    Case(
        "steps_zero",
        edit("steps: 6", f"steps: 0  {MARK}"),
        "steps",
        ("greater than or equal to 1",),
    ),
    Case(
        "steps_too_many",
        edit("steps: 6", f"steps: 10001  {MARK}"),
        "steps",
        ("less than or equal to",),
    ),
    Case(
        "seed_negative",
        edit("seed: 7", f"seed: -1  {MARK}"),
        "seed",
        ("greater than or equal to 0",),
    ),
    Case(
        "region_threat_above_one",
        edit("    threat: 0.4\n", f"    threat: 1.5  {MARK}\n"),
        "regions[0].threat",
        ("less than or equal to 1", "1.5"),
    ),
    Case(
        "region_nation_count_negative",
        edit("    nations: 4\n", f"    nations: -4  {MARK}\n"),
        "regions[0].nations",
        ("greater than or equal to 0",),
    ),
    Case(
        "region_spread_mean_outside_unit_interval",
        edit(
            "    nations: 3\n",
            f"    nations: 3\n    policy_position: {{mean: 2, sd: 0.1}}  {MARK}\n",
        ),
        "regions[1].policy_position",
        ("between 0 and 1",),
    ),
    Case(
        "parameter_out_of_range",
        TINY + f"parameters:\n  deepening_rate: 2  {MARK}\n",
        "parameters.deepening_rate",
        ("less than or equal to 1",),
    ),
    Case(
        "nation_capability_negative",
        edit("capability: 0.5", f"capability: -0.5  {MARK}"),
        "nations[2].capability",
        ("greater than or equal to 0.000000000001",),
    ),
    Case(
        "capability_path_value_not_positive",
        edit("capability: 0.5", f"capability: 0.5\n    capability_path: [0.5, 0.0]  {MARK}"),
        "nations[2].capability_path[1]",
        ("greater than or equal to 0.000000000001",),
    ),
    Case(
        "capability_path_not_a_list",
        edit("capability: 0.5", f"capability: 0.5\n    capability_path: rising  {MARK}"),
        "nations[2].capability_path",
        ("list",),
    ),
    Case(
        # shares of capabilities this small divide to NaN: refused before the run
        "nation_capability_below_the_floor",
        edit("capability: 0.5", f"capability: 1.0e-300  {MARK}"),
        "nations[2].capability",
        ("greater than or equal to 0.000000000001", "1e-300"),
    ),
    Case(
        "agreement_depth_above_ladder",
        edit("depth: 2", f"depth: 9  {MARK}"),
        "agreements[0].depth",
        ("less than or equal to 4",),
    ),
    Case(
        "agreement_signed_in_the_future",
        edit("    depth: 2\n", f"    depth: 2\n    signed_step: 3  {MARK}\n"),
        "agreements[0].signed_step",
        ("less than or equal to 0",),
    ),
    Case(
        "agreement_id_with_space",
        edit("id: AB", f"id: A B  {MARK}"),
        "agreements[0].id",
        ("letters, digits", "'A B'"),
    ),
    Case(
        "event_factor_zero",
        edit("factor: 2.0", f"factor: 0  {MARK}"),
        "events[2].factor",
        ("greater than 0",),
    ),
    # --- events at steps outside the run -----------------------------------
    Case(
        "event_after_last_step",
        edit("  - step: 4\n", f"  - step: 99  {MARK}\n"),
        "events[2].step",
        ("99", "1 to 6"),
    ),
    Case(
        "event_at_step_zero",
        edit("  - step: 2\n", f"  - step: 0  {MARK}\n"),
        "events[0].step",
        ("greater than or equal to 1",),
    ),
    # --- names: duplicates and references to things that do not exist ------
    Case(
        "duplicate_listed_nation",
        edit("  - name: Gamma\n", f"  - name: Beta  {MARK}\n"),
        "nations[2]",
        ("duplicate", "'Beta'"),
    ),
    Case(
        "listed_nation_clashes_with_generated_name",
        edit("  - name: Gamma\n", f"  - name: North 2  {MARK}\n"),
        "nations[2]",
        ("duplicate", "'North 2'"),
    ),
    Case(
        "duplicate_region",
        edit("  - name: South\n", f"  - name: North  {MARK}\n"),
        "regions[1]",
        ("duplicate", "'North'"),
    ),
    Case(
        "nation_in_unknown_region",
        edit(
            "    region: South\n    capability: 0.5",
            f"    region: East  {MARK}\n    capability: 0.5",
        ),
        "nations[2].region",
        ("'East'", "North", "South"),
    ),
    Case(
        "agreement_names_unknown_nation",
        edit("members: [Alpha, Beta]", f"members: [Alpha, Zeta]  {MARK}"),
        "agreements[0].members[1]",
        ("unknown nation", "'Zeta'"),
    ),
    Case(
        "agreement_names_unknown_region",
        edit("regions: [North]", f"regions: [West]  {MARK}"),
        "agreements[1].regions[0]",
        ("unknown region", "'West'"),
    ),
    Case(
        "bilateral_agreement_with_three_members",
        edit("members: [Alpha, Beta]", f"members: [Alpha, Beta, Gamma]  {MARK}"),
        "agreements[0].members",
        ("two members", "3"),
    ),
    Case(
        "agreement_with_one_member",
        edit("    regions: [North]\n", f"    members: [Gamma]  {MARK}\n"),
        "agreements[1].members",
        ("at least two",),
    ),
    Case(
        "duplicate_agreement_id",
        edit("  - id: MULTI\n", f"  - id: AB  {MARK}\n"),
        "agreements[1]",
        ("duplicate", "'AB'"),
    ),
    Case(
        "rivalry_names_unknown_nation",
        edit("  - nations: [Alpha, Beta]\n", f"  - nations: [Alpha, Omega]  {MARK}\n"),
        "rivalries[0].nations[1]",
        ("unknown nation", "'Omega'"),
    ),
    Case(
        "nation_rival_of_itself",
        edit("  - nations: [Alpha, Beta]\n", f"  - nations: [Alpha, Alpha]  {MARK}\n"),
        "rivalries[0].nations",
        ("own rival",),
    ),
    Case(
        "event_names_unknown_nation",
        edit("nation: Gamma", f"nation: Delta  {MARK}"),
        "events[2].nation",
        ("unknown nation", "'Delta'"),
    ),
    Case(
        "event_names_unknown_region",
        edit(
            "    nations: [Alpha, Beta]\n  - step: 3", f"    region: Atlantis  {MARK}\n  - step: 3"
        ),
        "events[0].region",
        ("unknown region", "'Atlantis'"),
    ),
    Case(
        "event_names_unknown_agreement",
        edit("agreement: AB", f"agreement: XY  {MARK}"),
        "events[1].agreement",
        ("unknown agreement", "'XY'"),
    ),
    Case(
        "accession_to_a_bilateral_agreement",
        edit(
            "type: leave_agreement\n    nation: Alpha\n    agreement: AB",
            f"type: join_agreement\n    nation: Gamma\n    agreement: AB  {MARK}",
        ),
        "events[1].agreement",
        ("'AB' is bilateral", "multilateral pact"),
    ),
    Case(
        "accession_of_a_nation_not_yet_a_state",
        edit(
            "  - name: Gamma\n    region: South\n    capability: 0.5",
            "  - name: Gamma\n    region: South\n    capability: 0.5\n    enters: 5",
        ).replace(
            "type: leave_agreement\n    nation: Alpha\n    agreement: AB",
            f"type: join_agreement\n    nation: Gamma  {MARK}\n    agreement: MULTI",
        ),
        "events[1].nation",
        ("an accession", "step 3", "enters at step 5"),
    ),
    Case(
        "exogenous_bilateral_agreement",
        edit(
            "    members: [Alpha, Beta]\n    depth: 2",
            f"    members: [Alpha, Beta]\n    depth: 2\n    exogenous: true  {MARK}",
        ),
        "agreements[0].exogenous",
        ("only a multilateral pact", "expected false"),
    ),
    Case(
        "alliance_short_of_mutual_defence",
        edit(
            "    members: [Alpha, Beta]\n    depth: 2",
            f"    members: [Alpha, Beta]\n    depth: 2  {MARK}\n    alliance: true",
        ),
        "agreements[0].depth",
        ("an alliance is a mutual-defence commitment, rung 4", "got depth 2"),
    ),
    Case(
        "dca_at_mutual_defence",
        edit(
            "    members: [Alpha, Beta]\n    depth: 2",
            f"    members: [Alpha, Beta]\n    depth: 4  {MARK}",
        ),
        "agreements[0].depth",
        ("beyond what a DCA of sector general reaches", "expected 3 at most", "alliance: true"),
    ),
    Case(
        "training_dca_above_its_rung",
        edit(
            "    members: [Alpha, Beta]\n    depth: 2",
            f"    members: [Alpha, Beta]\n    depth: 3  {MARK}\n    sector: training",
        ),
        "agreements[0].depth",
        ("beyond what a DCA of sector training reaches", "expected 2 at most"),
    ),
    Case(
        "unknown_event_type",
        edit("type: capability_surge", "type: earthquake").replace(
            "  - step: 4", f"  - step: 4  {MARK}"
        ),
        "events[2]",
        ("'earthquake'", "crisis"),
    ),
    Case(
        "crisis_with_region_and_nations",
        edit(
            "    nations: [Alpha, Beta]\n  - step: 3",
            "    region: North\n    nations: [Alpha, Beta]\n  - step: 3",
        ).replace("  - step: 2", f"  - step: 2  {MARK}"),
        "events[0]",
        ("region", "nations"),
    ),
    # --- the state system and changes over time -----------------------------
    Case(
        "nation_leaves_before_it_enters",
        edit(
            "    capability: 0.5\n", f"    capability: 0.5\n    enters: 3\n    leaves: 2  {MARK}\n"
        ),
        "nations[2].leaves",
        ("after enters",),
    ),
    Case(
        "successor_without_leaves",
        edit("    capability: 0.5\n", f"    capability: 0.5\n    successor: Beta  {MARK}\n"),
        "nations[2].successor",
        ("needs leaves",),
    ),
    Case(
        "successor_of_itself",
        edit(
            "    capability: 0.5\n",
            f"    capability: 0.5\n    leaves: 5\n    successor: Gamma  {MARK}\n",
        ),
        "nations[2].successor",
        ("own successor",),
    ),
    Case(
        "successor_not_listed",
        edit(
            "    capability: 0.5\n",
            f"    capability: 0.5\n    leaves: 5\n    successor: North 1  {MARK}\n",
        ),
        "nations[2].successor",
        ("listed nation", "'North 1'"),
    ),
    Case(
        "successor_gone_when_it_should_take_over",
        edit(
            "    capability: 1.0\n  - name: Gamma\n    region: South\n    capability: 0.5\n",
            "    capability: 1.0\n    leaves: 5\n  - name: Gamma\n    region: South\n"
            f"    capability: 0.5\n    leaves: 5\n    successor: Beta  {MARK}\n",
        ),
        "nations[2].successor",
        ("not in the state system at step 5",),
    ),
    Case(
        "agreement_in_force_with_a_state_not_yet_born",
        edit("    capability: 2.0\n", "    capability: 2.0\n    enters: 2\n").replace(
            "    members: [Alpha, Beta]\n", f"    members: [Alpha, Beta]  {MARK}\n"
        ),
        "agreements[0].members[0]",
        ("not in the state system", "'Alpha'"),
    ),
    Case(
        "crisis_with_a_state_not_yet_born",
        edit("    capability: 0.5\n", "    capability: 0.5\n    enters: 3\n").replace(
            "    nations: [Alpha, Beta]\n  - step: 3",
            f"    nations: [Alpha, Gamma]  {MARK}\n  - step: 3",
        ),
        "events[0].nations[1]",
        ("crisis", "not in the state system", "'Gamma'"),
    ),
    Case(
        "withdrawal_by_a_state_that_is_gone",
        edit("    capability: 2.0\n", "    capability: 2.0\n    leaves: 3\n").replace(
            "    nation: Alpha\n", f"    nation: Alpha  {MARK}\n"
        ),
        "events[1].nation",
        ("withdrawal", "not in the state system"),
    ),
    Case(
        "threat_shift_with_region_and_nations",
        TINY + f"  - step: 5  {MARK}\n    type: threat_shift\n    region: North\n"
        "    nations: [Alpha]\n    delta: 0.1\n",
        "events[3]",
        ("region", "nations"),
    ),
    Case(
        "phase_in_over_zero_steps",
        TINY + f"  - step: 5\n    type: threat_shift\n    region: North\n    delta: 0.1\n"
        f"    over: 0  {MARK}\n",
        "events[3].over",
        ("greater than or equal to 1",),
    ),
    Case(
        "parameter_change_of_an_unknown_parameter",
        TINY + f"  - step: 5\n    type: parameter_change\n    parameter: crisis_rat  {MARK}\n"
        "    value: 0.5\n",
        "events[3].parameter",
        ("unknown numeric parameter", "'crisis_rat'", "crisis_rate"),
    ),
    Case(
        "parameter_change_of_a_parameter_fixed_at_the_start",
        TINY + "  - step: 5\n    type: parameter_change\n"
        f"    parameter: rivals_per_nation  {MARK}\n    value: 2\n",
        "events[3].parameter",
        ("fixed at the start",),
    ),
    Case(
        "parameter_change_outside_the_parameters_bounds",
        TINY + "  - step: 5\n    type: parameter_change\n    parameter: crisis_rate\n"
        f"    value: 1.5  {MARK}\n",
        "events[3].value",
        ("crisis_rate", "less than or equal to 1"),
    ),
    Case(
        "parameter_change_of_an_integer_parameter_to_a_fraction",
        TINY + "  - step: 5\n    type: parameter_change\n    parameter: diplomatic_capacity\n"
        f"    value: 2.5  {MARK}\n",
        "events[3].value",
        ("whole number",),
    ),
    # --- locations: all or nothing ---------------------------------------------
    Case(
        "listed_nation_without_location_in_a_located_world",
        edit(
            "    threat: 0.4\n", "    threat: 0.4\n    location: {latitude: 50, longitude: 5}\n"
        ).replace("  - name: Beta\n", f"  - name: Beta  {MARK}\n"),
        "nations[1].location",
        ("'Beta'", "no location", "'South'"),
    ),
    Case(
        "region_generating_nations_without_location",
        edit("    threat: 0.4\n", "    threat: 0.4\n    location: {latitude: 50, longitude: 5}\n")
        .replace(
            "    region: South\n",
            "    region: South\n    location: {latitude: 10, longitude: 20}\n",
        )
        .replace("  - name: South\n", f"  - name: South  {MARK}\n"),
        "regions[1].location",
        ("'South'", "generates nations", "no location"),
    ),
    Case(
        "latitude_out_of_range",
        edit(
            "    threat: 0.4\n",
            f"    threat: 0.4\n    location: {{latitude: 95, longitude: 5}}  {MARK}\n",
        ),
        "regions[0].location.latitude",
        ("90",),
    ),
    Case(
        "fewer_than_two_nations",
        f"name: lonely\nregions:  {MARK}\n  - name: Island\n    nations: 1\n",
        "regions",
        ("two nations",),
    ),
]


def command_for(name: str, path: Path, tmp_path: Path) -> list:
    if name == "validate":
        return ["validate", path]
    return ["run", path, "--out", tmp_path / "out", "--quiet"]


@pytest.fixture(params=["validate", "run"])
def command(request):
    return request.param


def test_tiny_scenario_used_by_the_cases_is_valid(tmp_path, capsys):
    path = tmp_path / "tiny.yaml"
    path.write_text(TINY)
    code, out, err = call(capsys, "validate", path)
    assert (code, err) == (0, "")
    assert "10 nations" in out


@pytest.mark.parametrize("case", [case.param() for case in CASES])
def test_bad_scenario_gives_one_line_naming_file_field_and_line_with_exit_2(
    case, command, tmp_path, capsys
):
    path = tmp_path / f"{case.id}.yaml"
    path.write_text(case.text)
    code, out, err = call(capsys, *command_for(command, path, tmp_path))
    assert code == 2, f"exit {code}, stdout {out!r}, stderr {err!r}"
    line = one_error_line(err)
    assert str(path) in line
    if case.field is not None:
        assert f": {case.field}" in line, f"field {case.field!r} not named in {line!r}"
    if case.line is not None:
        assert f"line {case.line})" in line, f"line {case.line} not named in {line!r}"
    for needle in case.expect:
        assert needle.lower() in line.lower(), f"{needle!r} missing from {line!r}"
    assert not (tmp_path / "out").exists()


@pytest.mark.parametrize(
    "tag",
    [
        '!!python/object/apply:os.system ["touch {marker}"]',
        '!!python/object/apply:subprocess.call [["touch", "{marker}"]]',
        "!!python/object/new:os.system [touch {marker}]",
    ],
    ids=["apply-os.system", "apply-subprocess.call", "new-os.system"],
)
def test_python_object_tag_is_an_error_and_never_executed(tag, command, tmp_path, capsys):
    marker = tmp_path / "PWNED"
    path = tmp_path / "evil.yaml"
    path.write_text(edit("name: tiny", "name: " + tag.format(marker=marker)))
    code, _, err = call(capsys, *command_for(command, path, tmp_path))
    assert not marker.exists(), "the YAML tag was executed"
    assert code == 2
    line = one_error_line(err)
    assert str(path) in line
    assert "line 1" in line
    assert "python/object" in line


@pytest.mark.slow
def test_python_object_tag_in_a_real_process_is_one_line_and_not_executed(tmp_path):
    marker = tmp_path / "PWNED"
    path = tmp_path / "evil.yaml"
    path.write_text(TINY + f'description: !!python/object/apply:os.system ["touch {marker}"]\n')
    done = subprocess.run(
        [sys.executable, "run.py", "run", str(path), "--out", str(tmp_path / "out")],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert not marker.exists()
    assert done.returncode == 2
    assert str(path) in one_error_line(done.stderr)
    assert done.stdout == ""
    assert not (tmp_path / "out").exists()


def test_missing_file_is_named_in_one_line(command, tmp_path, capsys):
    path = tmp_path / "nowhere.yaml"
    code, _, err = call(capsys, *command_for(command, path, tmp_path))
    assert code == 2
    line = one_error_line(err)
    assert str(path) in line and "not found" in line


def test_directory_instead_of_file_is_named_in_one_line(command, tmp_path, capsys):
    folder = tmp_path / "scenarios.yaml"
    folder.mkdir()
    code, _, err = call(capsys, *command_for(command, folder, tmp_path))
    assert code == 2
    line = one_error_line(err)
    assert str(folder) in line and "directory" in line


def test_file_that_is_not_utf8_text_is_named_in_one_line(command, tmp_path, capsys):
    path = tmp_path / "binary.yaml"
    path.write_bytes(b"name: \xff\xfe tiny\nsteps: 6\n")
    code, _, err = call(capsys, *command_for(command, path, tmp_path))
    assert code == 2
    line = one_error_line(err)
    assert str(path) in line and "read" in line


@pytest.mark.skipif(
    not hasattr(os, "geteuid") or os.geteuid() == 0, reason="root can read any file"
)
def test_unreadable_file_is_named_in_one_line(command, tmp_path, capsys):
    path = tmp_path / "secret.yaml"
    path.write_text(TINY)
    path.chmod(0)
    try:
        code, _, err = call(capsys, *command_for(command, path, tmp_path))
    finally:
        path.chmod(0o644)
    assert code == 2
    line = one_error_line(err)
    assert str(path) in line and "read" in line


def test_a_run_shortened_by_steps_does_not_reach_the_events_after_its_end(tmp_path, capsys):
    """TINY's events fall at steps 2, 3 and 4 of 6: run for 3 steps, the one at step 4 is
    never reached, and that is no error (a real world's history run for its first years)."""
    path = tmp_path / "tiny.yaml"
    path.write_text(TINY)
    out = tmp_path / "out"
    code, _, err = call(capsys, "run", path, "--steps", "3", "--out", out, "--quiet")
    assert code == 0, err
    events = pd.read_parquet(out / "events.parquet").query("event == 'scheduled'")
    assert sorted(events["step"]) == [2, 3]


def test_an_event_after_the_files_own_steps_is_an_error_whatever_the_override(tmp_path, capsys):
    path = tmp_path / "tiny.yaml"
    path.write_text(edit("steps: 6", "steps: 3"))  # the file's own event at step 4
    for override in ([], ["--steps", "2"]):
        code, _, err = call(capsys, "run", path, *override, "--out", tmp_path / "o", "--quiet")
        assert code == 2, override
        line = one_error_line(err)
        # the first event outside the run, at its place in the file
        assert (
            str(path) in line
            and ("events[1].step" if override == ["--steps", "2"] else "events[2].step") in line
        )
    assert not (tmp_path / "o").exists()


def test_validate_reports_every_bad_file_once_and_still_accepts_the_good_one(tmp_path, capsys):
    good = tmp_path / "good.yaml"
    good.write_text(TINY)
    bad_steps = tmp_path / "bad_steps.yaml"
    bad_steps.write_text(edit("steps: 6", "steps: 0"))
    bad_member = tmp_path / "bad_member.yaml"
    bad_member.write_text(edit("members: [Alpha, Beta]", "members: [Alpha, Zeta]"))
    code, out, err = call(capsys, "validate", bad_steps, good, bad_member)
    assert code == 2
    assert "Traceback" not in err
    lines = err.splitlines()
    assert len(lines) == 2, err
    assert str(bad_steps) in lines[0] and "steps" in lines[0]
    assert str(bad_member) in lines[1] and "agreements[0].members[1]" in lines[1]
    assert str(good) in out and str(bad_steps) not in out
