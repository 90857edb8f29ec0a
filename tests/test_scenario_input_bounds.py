"""Hostile scenario and sweep files: bounded before they are expanded, refused in one line.

A file may be huge, not a file at all, an alias bomb, nested thousands deep, or ask for
more nations, longer names or larger numbers than the model can hold. Each is refused
with one line on stderr naming the file (and the field), exit status 2, within a
couple of seconds and a few hundred megabytes, and `validate` goes on to the next file.

The resource checks run `tests/input_bounds_probe.py` as a child process with a
timeout, so that a file which hangs the reader fails its test instead of the run.
"""

from __future__ import annotations

import io
import json
import math
import os
import resource
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
import yaml

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from simulation import scenario_files  # noqa: E402
from simulation.scenario import (  # noqa: E402
    MAX_CAPABILITY,
    MAX_NAME_LENGTH,
    MAX_NATIONS,
    MAX_REGIONS,
    MAX_SPREAD_SD,
    scenario_from_dict,
)
from simulation.scenario_files import (  # noqa: E402
    MAX_FILE_BYTES,
    MAX_NESTING_DEPTH,
    MAX_YAML_VALUES,
    ScenarioError,
    parse_yaml,
    read_yaml_file,
)
from simulation.world import build_world  # noqa: E402
from tests.cli_support import TINY, call, one_error_line  # noqa: E402

# What "bounded" means for one hostile file (issue 12): refused within this much CPU
# time and this much memory.
MOST_SECONDS = 2.0
MOST_BYTES = 300 * 2**20

BILLION_LAUGHS = (
    "name: bomb\nlol: &a0 [lol, lol, lol, lol, lol, lol, lol, lol, lol]\n"
    + "".join(f"l{k}: &a{k} [{', '.join([f'*a{k - 1}'] * 9)}]\n" for k in range(1, 9))
    + "regions: [{name: R, nations: 3}]\n"
)


def hostile_files(tmp_path: Path) -> dict[str, Path]:
    """One file per way of asking the reader for too much."""
    files: dict[str, Path] = {}

    def write(name: str, text: str) -> None:
        files[name] = tmp_path / f"{name}.yaml"
        files[name].write_text(text)

    write("alias_bomb", BILLION_LAUGHS)
    write("alias_loop", "name: loop\nregions: &r [{name: R, nations: 3, extra: *r}]\n")
    write("deep_flow_nesting", "name: deep\nregions: " + "[" * 100_000 + "]" * 100_000 + "\n")
    write(
        "deep_block_nesting",
        "name: deep\nregions:\n"
        + "".join("  " * k + f"- k{k}:\n" for k in range(1, 900))
        + "  " * 900
        + "- leaf\n",
    )
    # a valid scenario padded with comments past the size limit
    write("over_size_limit", TINY + ("# padding" + " " * 90 + "\n") * (MAX_FILE_BYTES // 100))
    per_region = MAX_NATIONS  # each within its own field's limit
    write(
        "too_many_nations",
        f"name: crowd\nregions:\n  - {{name: A, nations: {per_region}}}\n"
        f"  - {{name: B, nations: {per_region}}}\n",
    )
    write("huge_region_name", f"name: long\nregions: [{{name: {'x' * 500_000}, nations: 1000}}]\n")
    files["device"] = Path("/dev/zero")
    fifo = tmp_path / "fifo.yaml"
    os.mkfifo(fifo)
    files["fifo"] = fifo
    return files


def _limit_memory() -> None:
    # a reader that does expand the input fails with MemoryError, not the machine
    resource.setrlimit(resource.RLIMIT_AS, (4 * 2**30, 4 * 2**30))


def probe(commands: list[list[str]], timeout: float = 60) -> list[dict]:
    """`run.py` with each argument list in one child process (tests/input_bounds_probe.py)."""
    completed = subprocess.run(
        [sys.executable, str(ROOT / "tests" / "input_bounds_probe.py"), json.dumps(commands)],
        capture_output=True,
        text=True,
        timeout=timeout,
        cwd=ROOT,
        preexec_fn=_limit_memory,
    )
    assert completed.returncode == 0, completed.stderr[-2000:]
    return json.loads(completed.stdout)


@pytest.fixture(scope="module")
def refusals(tmp_path_factory) -> dict[str, tuple[Path, dict]]:
    """Each hostile file, validated; and the alias bomb as a sweep, swept."""
    folder = tmp_path_factory.mktemp("hostile")
    files = hostile_files(folder)
    sweep = folder / "bomb_sweep.yaml"
    sweep.write_text(BILLION_LAUGHS.replace("regions: [{name: R, nations: 3}]", "scenarios: [x]"))
    commands = [["validate", str(path)] for path in files.values()]
    commands.append(["sweep", str(sweep), "--workers", "1", "--out", str(folder / "out")])
    results = probe(commands)
    return dict(zip([*files, "sweep_alias_bomb"], zip([*files.values(), sweep], results)))


def test_every_hostile_file_is_refused_in_one_line_quickly_and_in_little_memory(refusals):
    for name, (path, result) in refusals.items():
        assert result["code"] == 2, f"{name}: {result}"
        line = one_error_line(result["stderr"])
        assert str(path) in line, f"{name}: {line}"
        assert len(line) < 500, f"{name}: a line of {len(line)} characters"
        assert result["cpu_seconds"] < MOST_SECONDS, f"{name}: {result['cpu_seconds']:.2f} s"
        assert result["peak_bytes"] < MOST_BYTES, f"{name}: {result['peak_bytes'] / 2**20:.0f} MB"


@pytest.mark.parametrize(
    ("name", "says"),
    [
        ("alias_bomb", f"more than {MAX_YAML_VALUES:,} values"),
        ("alias_loop", "contains it"),
        ("deep_flow_nesting", f"nested more than {MAX_NESTING_DEPTH} deep"),
        ("deep_block_nesting", f"nested more than {MAX_NESTING_DEPTH} deep"),
        ("over_size_limit", f"larger than {MAX_FILE_BYTES:,} bytes"),
        ("too_many_nations", f"more than {MAX_NATIONS:,} nations"),
        ("huge_region_name", f"at most {MAX_NAME_LENGTH} characters"),
        ("device", "not a regular file"),
        ("fifo", "not a regular file"),
        ("sweep_alias_bomb", f"more than {MAX_YAML_VALUES:,} values"),
    ],
)
def test_refusal_says_which_limit_and_how_to_raise_it(name, says, refusals):
    line = one_error_line(refusals[name][1]["stderr"])
    assert says in line, line
    if "values" in says or "deep" in says or "bytes" in says or "nations" in says:
        assert "raise it in simulation/" in line, line


def test_a_refused_sweep_writes_nothing(refusals):
    assert not (refusals["sweep_alias_bomb"][0].parent / "out").exists()


def test_validate_goes_on_to_the_next_file_after_one_nested_too_deep(tmp_path, capsys):
    deep = hostile_files(tmp_path)["deep_flow_nesting"]
    good = tmp_path / "good.yaml"
    good.write_text(TINY)
    code, out, err = call(capsys, "validate", deep, good)
    assert code == 2
    assert str(deep) in one_error_line(err)
    assert f"ok: {good}" in out


def test_a_device_is_refused_from_its_metadata_without_being_opened(monkeypatch):
    # opening some devices does something (a watchdog starts counting, a tape rewinds)
    def no_opening(*args, **kwargs):
        raise AssertionError(f"opened {args[0]!r}")

    monkeypatch.setattr(os, "open", no_opening)
    monkeypatch.setattr(io, "open", no_opening)
    with pytest.raises(ScenarioError, match="not a regular file"):
        read_yaml_file(Path("/dev/zero"))


def test_a_path_holding_a_nul_is_one_line():
    with pytest.raises(ScenarioError, match="cannot read file"):
        read_yaml_file(Path("scenario\x00.yaml"))


def test_a_nul_byte_in_the_file_is_one_line_naming_its_line(tmp_path, capsys):
    path = tmp_path / "nul.yaml"
    path.write_text(TINY.replace("name: tiny", "name: ti\x00ny"))
    code, _, err = call(capsys, "validate", path)
    assert code == 2
    line = one_error_line(err)
    assert "(line 1)" in line and "#x0000" in line


def test_a_long_unknown_key_is_quoted_short(tmp_path, capsys):
    path = tmp_path / "key.yaml"
    path.write_text(TINY + "? " + "k" * 100_000 + "\n: 1\n")  # explicit: YAML caps plain keys
    code, _, err = call(capsys, "validate", path)
    assert code == 2
    line = one_error_line(err)
    assert "unknown field" in line and "100,000 characters" in line and len(line) < 300


READERS = [
    pytest.param(scenario_files._PythonLoader, id="pure_python"),
    pytest.param(
        getattr(scenario_files, "_FastLoader", None),
        id="libyaml",
        marks=pytest.mark.skipif(scenario_files._FastParser is None, reason="no libyaml"),
    ),
]


@pytest.mark.parametrize("reader", READERS)
def test_both_yaml_readers_keep_the_bounds(reader, monkeypatch):
    monkeypatch.setattr(scenario_files, "LOADER", reader)
    hostile = {
        BILLION_LAUGHS: f"more than {MAX_YAML_VALUES:,} values",
        "a: " + "[" * 5_000 + "]" * 5_000 + "\n": "nested more than",
        "a: &x [1, *x]\n": "contains it",
    }
    for text, says in hostile.items():
        with pytest.raises(ScenarioError, match=says):
            parse_yaml(text, "hostile.yaml")


@pytest.mark.parametrize("reader", READERS)
def test_both_yaml_readers_read_every_shipped_file_as_pyyaml_does(reader, monkeypatch):
    monkeypatch.setattr(scenario_files, "LOADER", reader)
    for path in [*ROOT.glob("scenarios/*.yaml"), *ROOT.glob("scenarios/sweeps/*.yaml")]:
        text = path.read_text()
        data, _ = parse_yaml(text, str(path))
        assert data == yaml.safe_load(text), path


def yaml_values(data) -> int:
    """Values as the reader counts them: scalars, lists and mappings, keys included."""
    if isinstance(data, dict):
        return 1 + sum(yaml_values(key) + yaml_values(value) for key, value in data.items())
    if isinstance(data, list):
        return 1 + sum(yaml_values(value) for value in data)
    return 1


@pytest.mark.parametrize("name", ["world_1990.yaml", "world_2000.yaml", "baseline.yaml"])
def test_the_shipped_worlds_leave_room_inside_the_reader_bounds(name):
    # room for a user's larger world: twice the values of the largest real world (2000:
    # 804 agreements in force and ten years of observed capabilities), five times its
    # bytes, ten times its nations
    text = (ROOT / "scenarios" / name).read_text()
    assert len(text.encode()) * 5 < MAX_FILE_BYTES
    data, _ = parse_yaml(text, name)
    assert yaml_values(data) * 2 < MAX_YAML_VALUES
    assert len(data.get("nations", [])) * 10 < MAX_NATIONS


# --- names ---------------------------------------------------------------------


@pytest.mark.parametrize(
    ("old", "new", "field"),
    [
        ("name: tiny", 'name: "ti\\0ny"', "name"),
        ("  - name: North", '  - name: "No\\nrth"', "regions[0].name"),
        ("  - name: Alpha", '  - name: "Al\\tpha"', "nations[0].name"),
        ("  - id: AB", '  - id: AB\n    name: "A\\x1bB"', "agreements[0].name"),
        ("name: tiny", f"name: {'t' * (MAX_NAME_LENGTH + 1)}", "name"),
        ("  - name: North", f"  - name: {'N' * (MAX_NAME_LENGTH + 1)}", "regions[0].name"),
    ],
    ids=["nul", "line_break", "tab", "escape", "long_scenario_name", "long_region_name"],
)
def test_names_are_short_and_free_of_control_characters(old, new, field, tmp_path, capsys):
    path = tmp_path / "names.yaml"
    path.write_text(TINY.replace(old, new, 1))
    code, _, err = call(capsys, "validate", path)
    assert code == 2
    assert f": {field} (line" in one_error_line(err)


def test_a_description_may_span_lines_but_hold_no_nul(tmp_path, capsys):
    path = tmp_path / "described.yaml"
    path.write_text(TINY + "description: |\n  first line\n  \tsecond line\n")
    assert call(capsys, "validate", path)[0] == 0
    path.write_text(TINY + 'description: "a\\0b"\n')
    code, _, err = call(capsys, "validate", path)
    assert code == 2
    assert ": description (line" in one_error_line(err)


def test_regions_past_their_limit_are_refused_before_each_is_validated(tmp_path, capsys):
    path = tmp_path / "regions.yaml"
    regions = "".join(f"  - {{name: R{k}}}\n" for k in range(MAX_REGIONS + 1))
    path.write_text(f"name: many\nregions:\n{regions}")
    code, _, err = call(capsys, "validate", path)
    assert code == 2
    line = one_error_line(err)
    assert f"more than the limit of {MAX_REGIONS}" in line and "MAX_REGIONS" in line


# --- numbers -------------------------------------------------------------------

NON_FINITE = [
    ("    capability: 2.0", "    capability: .inf", "nations[0].capability"),
    ("    capability: 2.0", "    capability: 1e308", "nations[0].capability"),
    (
        "    threat: 0.4",
        "    threat: 0.4\n    capability: {median: 1e308}",
        "regions[0].capability.median",
    ),
    (
        "    threat: 0.4",
        "    threat: 0.4\n    capability: {median: .inf}",
        "regions[0].capability.median",
    ),
    (
        "    threat: 0.4",
        "    threat: 0.4\n    sovereignty_sensitivity: {mean: 0.5, sd: .inf}",
        "regions[0].sovereignty_sensitivity.sd",
    ),
    (
        "    threat: 0.4",
        "    threat: 0.4\n    policy_position: {mean: 0.5, sd: 1e308}",
        "regions[0].policy_position.sd",
    ),
]


@pytest.mark.parametrize(("old", "new", "field"), NON_FINITE)
def test_no_field_takes_a_non_finite_or_absurdly_large_number(old, new, field, tmp_path, capsys):
    path = tmp_path / "numbers.yaml"
    assert TINY.count(old) == 1
    path.write_text(TINY.replace(old, new))
    code, _, err = call(capsys, "validate", path)
    assert code == 2
    line = one_error_line(err)
    assert f": {field} (line" in line, line


@pytest.mark.parametrize(
    "setting",
    ["nations.0.capability=.inf", "regions.0.capability.median=1e308"],
)
def test_set_values_are_held_to_the_same_bounds(setting, tmp_path, capsys):
    path = tmp_path / "tiny.yaml"
    path.write_text(TINY)
    out = tmp_path / "out"
    code, _, err = call(capsys, "run", path, "--set", setting, "--out", out, "--quiet")
    assert code == 2
    assert setting.split("=")[0].split(".")[-1] in one_error_line(err)
    assert not out.exists()


def test_the_largest_allowed_spreads_and_capabilities_build_a_finite_world():
    scenario = scenario_from_dict(
        {
            "name": "extremes",
            "regions": [
                {
                    "name": "R",
                    "nations": MAX_NATIONS,
                    "capability": {"median": MAX_CAPABILITY, "sigma": 5},
                    "sovereignty_sensitivity": {"mean": 1, "sd": MAX_SPREAD_SD},
                    "policy_position": {"mean": 0, "sd": MAX_SPREAD_SD},
                }
            ],
        }
    )
    world = build_world(scenario, np.random.default_rng(1))
    for values in (world.capability, world.sovereignty_sensitivity, world.policy_position):
        assert np.isfinite(values).all()
    assert world.capability.max() < 1e30  # guards.CAPABILITY_CEILING
    assert math.isfinite(float(world.trust_baseline.sum()))


# --- events and overrides ------------------------------------------------------

SHIFT = "  - step: 5\n    type: sovereignty_shift\n    delta: 0.2\n"


@pytest.mark.parametrize(
    ("target", "where"),
    [
        ("    nations: []\n", "events[3].nations (line 45)"),
        ("", "events[3] (line 42)"),
        ("    region: North\n    nations: [Alpha]\n", "events[3] (line 42)"),
    ],
    ids=["empty_nations", "neither", "both"],
)
def test_a_sovereignty_shift_names_a_region_or_some_nations(target, where, tmp_path, capsys):
    path = tmp_path / "shift.yaml"
    path.write_text(TINY + SHIFT + target)
    code, _, err = call(capsys, "validate", path)
    assert code == 2
    assert f": {where}: " in one_error_line(err)


@pytest.mark.parametrize("index", ["-1", "7", "+0", "0x0", "٠"])
def test_set_list_index_must_be_an_existing_position_counted_from_zero(index, tmp_path, capsys):
    path = tmp_path / "tiny.yaml"
    path.write_text(TINY)
    out = tmp_path / "out"
    setting = f"regions.{index}.threat=0.9"
    code, _, err = call(capsys, "run", path, "--set", setting, "--out", out, "--quiet")
    assert code == 2
    line = one_error_line(err)
    assert "no item" in line and "from 0 to 1" in line, line
    assert not out.exists()


@pytest.mark.parametrize(
    ("first", "second"),
    [("1", "'1'"), ("1", "01"), ("1", "1.0"), ("true", "yes"), (".nan", ".NaN")],
)
def test_keys_equal_once_read_are_duplicates(first, second):
    text = TINY + f"parameters:\n  {first}: 0.1\n  {second}: 0.2\n"
    with pytest.raises(ScenarioError, match=r"parameters\.\S+ \(line 44\): duplicate key"):
        parse_yaml(text, "keys.yaml")
