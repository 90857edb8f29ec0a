"""Property: whatever a scenario or sweep file holds, the command line keeps its contract.

Valid files (the shipped presets, `SMALL_WORLD`, the shipped sweeps) are mutated the
way a careless script or an attacker would: keys deleted, values swapped for other
types, extreme numbers (1e308, infinity, NaN, huge and negative integers), wrong enum
words, huge strings and NUL bytes, deep nesting, shared values written as YAML
aliases (loops included), alias bombs, truncated text. Then:

- `run.py validate FILE` exits 0, or exits 2 with exactly one line on stderr;
- a scenario that validates, run for 3 steps, exits 2 with one line, or exits 0 with
  a complete run folder whose tables hold only finite numbers;
- never a traceback, never a hang: each call is bounded by `CALL_SECONDS`.

Everything runs in this process (`run.main`), as tests/cli_support.py does.
"""

from __future__ import annotations

import contextlib
import copy
import io
import json
import math
import signal
import sys
import tempfile
from pathlib import Path
from typing import Any

import pandas as pd
import pytest
import yaml
from hypothesis import HealthCheck, event, example, given, settings
from hypothesis import strategies as st

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

import run  # noqa: E402
from tests.conftest import SMALL_WORLD  # noqa: E402

# The most one validate or 3-step run may take before it counts as a hang.
CALL_SECONDS = 30
RUN_STEPS = 3


def _scenario_bases() -> dict[str, dict]:
    """Every preset and SMALL_WORLD, shortened to `RUN_STEPS` steps (events moved
    inside), so that `--steps 3` leaves them valid."""
    bases = {path.stem: yaml.safe_load(path.read_text()) for path in ROOT.glob("scenarios/*.yaml")}
    bases["small_world"] = copy.deepcopy(SMALL_WORLD)
    for data in bases.values():
        data["steps"] = RUN_STEPS
        for scheduled in data.get("events", []):
            scheduled["step"] = min(scheduled["step"], RUN_STEPS)
    return bases


def _sweep_bases() -> dict[str, dict]:
    """The shipped sweeps, their scenario paths made absolute (the mutated copy is
    written elsewhere)."""
    bases = {}
    for path in ROOT.glob("scenarios/sweeps/*.yaml"):
        data = yaml.safe_load(path.read_text())
        data["scenarios"] = [str((path.parent / name).resolve()) for name in data["scenarios"]]
        bases[path.stem] = data
    return bases


SCENARIOS = _scenario_bases()
SWEEPS = _sweep_bases()

EXTREME_VALUES = [
    1e308,
    -1e308,
    math.inf,
    -math.inf,
    math.nan,
    10**400,
    -(10**400),
    2**63,
    2**64,
    -1,
    0,
    -0.0,
    5e-324,
    True,
    None,
    "",
    "bogus",
    "bilateral",
    "sobol",
    "crisis",
    "sovereignty_shift",
    "x" * 300,
    "a\x00b",
    "line\nbreak",
    "../../escape",
    [],
    {},
    [1, "two", None],
    {"unknown": 1},
]

EDGE_NUMBERS = [0, 0.0, 1, 1.0, 5, 100, 1e6, 1e-300, 0.999999, 10_000, 2**63 - 1, -0.5]

hostile_values = st.one_of(
    st.sampled_from(EXTREME_VALUES),
    st.integers(),
    st.floats(allow_nan=True, allow_infinity=True),
    st.text(max_size=12),
    st.booleans(),
)


def _paths(data: Any, prefix: tuple = (), seen: set | None = None) -> list[tuple]:
    """Every place in the tree a mutation can reach (the root excluded), each shared
    or looping list and mapping entered once."""
    seen = set() if seen is None else seen
    if not isinstance(data, dict | list) or id(data) in seen:
        return []
    seen.add(id(data))
    found = []
    for key, value in data.items() if isinstance(data, dict) else enumerate(data):
        found.append((*prefix, key))
        found.extend(_paths(value, (*prefix, key), seen))
    return found


def _parent(data: Any, path: tuple) -> Any:
    for part in path[:-1]:
        data = data[part]
    return data


@st.composite
def mutated_data(draw, data: dict) -> dict:
    """`data` with one to three mutations of its tree."""
    data = copy.deepcopy(data)
    for _ in range(draw(st.integers(1, 3))):
        paths = _paths(data)
        if not paths:
            break
        path = draw(st.sampled_from(paths))
        parent, key = _parent(data, path), path[-1]
        kind = draw(
            st.sampled_from(
                ["delete", "replace", "nest", "share", "loop", "unknown_key", "edge", "edge"]
            )
        )
        if kind == "edge" and isinstance(parent[key], int | float):
            # a number pushed to an edge its field may still accept: the values most
            # likely to validate and then overflow in the run
            parent[key] = draw(st.sampled_from(EDGE_NUMBERS))
        elif kind == "edge":
            continue
        elif kind == "delete":
            del parent[key]
        elif kind == "replace":
            parent[key] = draw(hostile_values)
        elif kind == "nest":
            value = parent[key]
            for _ in range(draw(st.sampled_from([3, 40, 200]))):
                value = [value]
            parent[key] = value
        elif kind == "share":
            # the same object in two places: written as an anchor and an alias
            other = draw(st.sampled_from(paths))
            target = _parent(data, other)
            with contextlib.suppress(TypeError, KeyError, IndexError):
                parent[key] = target[other[-1]]
        elif kind == "loop":
            if isinstance(parent[key], dict | list):
                container = parent[key]
                if isinstance(container, dict):
                    container["self"] = container
                else:
                    container.append(container)
        else:
            if isinstance(parent[key], dict):
                parent[key][draw(st.sampled_from(["colour", "1", "x" * 2_000]))] = 1
    return data


BOMB = "lol: &a0 [lol, lol, lol, lol, lol, lol, lol, lol, lol]\n" + "".join(
    f"l{k}: &a{k} [{', '.join([f'*a{k - 1}'] * 9)}]\n" for k in range(1, 9)
)


@st.composite
def rendered(draw, data: dict) -> str:
    """`data` as YAML, sometimes with the text itself broken."""
    text = yaml.safe_dump(data, sort_keys=False, allow_unicode=True)
    kind = draw(
        st.sampled_from(["none"] * 6 + ["bomb", "deep", "nul", "truncate", "huge", "repeat"])
    )
    if kind == "bomb":
        text = BOMB + text
    elif kind == "deep":
        depth = draw(st.sampled_from([40, 100_000]))
        text += "deep: " + "[" * depth + "]" * depth + "\n"
    elif kind == "nul":
        at = draw(st.integers(0, len(text)))
        text = text[:at] + "\x00" + text[at:]
    elif kind == "truncate":
        text = text[: draw(st.integers(0, len(text)))]
    elif kind == "huge":
        text += "description: " + "x" * draw(st.sampled_from([20_000, 1_100_000])) + "\n"
    elif kind == "repeat":
        lines = text.splitlines(keepends=True)
        at = draw(st.integers(0, len(lines) - 1))
        text = "".join(lines[: at + 1] + lines[at:])
    return text


def _scenario_texts():
    return st.sampled_from(sorted(SCENARIOS)).flatmap(
        lambda name: mutated_data(SCENARIOS[name]).flatmap(rendered)
    )


def _sweep_texts():
    return st.sampled_from(sorted(SWEEPS)).flatmap(
        lambda name: mutated_data(SWEEPS[name]).flatmap(rendered)
    )


# --- the contract ----------------------------------------------------------------


class Hung(BaseException):
    """A call ran past CALL_SECONDS (a BaseException: no handler in run.py takes it)."""


def _on_alarm(signum, frame):
    raise Hung(f"no answer within {CALL_SECONDS} s")


def invoke(*argv: str) -> tuple[int, str, str]:
    """run.main in this process, bounded in time; (exit status, stdout, stderr)."""
    out, err = io.StringIO(), io.StringIO()
    previous = signal.signal(signal.SIGALRM, _on_alarm)
    signal.alarm(CALL_SECONDS)
    try:
        with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
            try:
                code = run.main(list(argv))
            except SystemExit as stop:
                code = stop.code
    finally:
        signal.alarm(0)
        signal.signal(signal.SIGALRM, previous)
    return code, out.getvalue(), err.getvalue()


def assert_refused_in_one_line(code: int, err: str, what: str) -> None:
    assert code == 2, f"{what}: exit {code}\n{err[-3000:]}"
    assert "Traceback" not in err, f"{what}:\n{err[-3000:]}"
    lines = err.splitlines()
    assert len(lines) == 1 and lines[0].strip(), f"{what}: {len(lines)} lines\n{err[-3000:]}"


def assert_complete_and_finite(folder: Path) -> None:
    manifest = json.loads((folder / "manifest.json").read_text())
    assert manifest["files"], manifest
    for name in manifest["files"]:
        table = pd.read_parquet(folder / name)
        assert len(table) == manifest["rows"][name.split(".")[0]], name
        floats = table.select_dtypes("floating")
        bad = [column for column in floats if not floats[column].map(math.isfinite).all()]
        assert not bad, f"{name}: non-finite values in {bad}"


def check_scenario_text(text: str, folder: Path) -> None:
    path = folder / "scenario.yaml"
    path.write_text(text, encoding="utf-8", errors="surrogatepass")
    code, _, err = invoke("validate", str(path))
    if code != 0:
        assert_refused_in_one_line(code, err, "validate")
        event("scenario refused by validate")
        return
    out = folder / "run"
    code, _, err = invoke("run", str(path), "--steps", str(RUN_STEPS), "--out", str(out), "--quiet")
    if code != 0:
        assert_refused_in_one_line(code, err, "run")
        assert not out.exists(), "a refused run left its output folder"
        event("scenario refused by run")
        return
    assert_complete_and_finite(out)
    event("scenario ran")


def check_sweep_text(text: str, folder: Path) -> None:
    path = folder / "sweep.yaml"
    path.write_text(text, encoding="utf-8", errors="surrogatepass")
    code, _, err = invoke("validate", str(path))
    if code != 0:
        assert_refused_in_one_line(code, err, "validate")
    event("sweep valid" if code == 0 else "sweep refused")


FUZZ = settings(
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)


@settings(FUZZ, max_examples=12, derandomize=True)
@given(text=_scenario_texts())
@example(text=yaml.safe_dump(SCENARIOS["small_world"], sort_keys=False))  # one that runs
def test_a_few_mutated_scenario_files_keep_the_contract(text):
    with tempfile.TemporaryDirectory() as folder:
        check_scenario_text(text, Path(folder))


@settings(FUZZ, max_examples=6, derandomize=True)
@given(text=_sweep_texts())
def test_a_few_mutated_sweep_files_keep_the_contract(text):
    with tempfile.TemporaryDirectory() as folder:
        check_sweep_text(text, Path(folder))


@pytest.mark.slow
@settings(FUZZ, max_examples=300)
@given(text=_scenario_texts())
def test_mutated_scenario_files_keep_the_contract(text):
    with tempfile.TemporaryDirectory() as folder:
        check_scenario_text(text, Path(folder))


@pytest.mark.slow
@settings(FUZZ, max_examples=60)
@given(text=_sweep_texts())
def test_mutated_sweep_files_keep_the_contract(text):
    with tempfile.TemporaryDirectory() as folder:
        check_sweep_text(text, Path(folder))
