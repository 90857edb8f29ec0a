"""Fuzzing the sweep file: valid sweeps, mutated (keys deleted, types swapped, extreme
numbers, deep nesting, huge sizes), are planned or refused with one `ScenarioError`
line, never another exception and never a hang (each plan is bounded by an alarm)."""

from __future__ import annotations

import copy
import signal
import sys
from pathlib import Path

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from simulation.scenario_files import ScenarioError  # noqa: E402
from simulation.sweeps.plan import load_sweep  # noqa: E402
from tests.sweep_support import write_world  # noqa: E402

# a plan that takes longer than this is taken for a hang (a refusal takes milliseconds)
SECONDS_PER_PLAN = 30

VALID = [
    {
        "name": "grid",
        "scenarios": ["tiny.yaml", "tiny_b.yaml"],
        "replicates": 2,
        "fixed": {"steps": 4, "deepening_rate": 0.2},
        "parameters": {"crisis_rate": [0.1, 0.5], "term": {"range": [2, 8], "points": 3}},
    },
    {
        "name": "lhs",
        "scenarios": ["tiny.yaml"],
        "design": "latin_hypercube",
        "samples": 5,
        "parameters": {
            "crisis_rate": {"distribution": "normal", "mean": 0.4, "sd": 0.02},
            "negotiation_cost": {"distribution": "loguniform", "low": 0.01, "high": 0.3},
        },
    },
    {
        "name": "sobol",
        "scenarios": ["tiny.yaml"],
        "design": "sobol",
        "samples": 4,
        "second_order": True,
        "parameters": {"crisis_rate": {"range": [0.1, 0.6]}, "term": {"range": [2, 8]}},
    },
    {
        "name": "morris",
        "scenarios": ["tiny.yaml"],
        "design": "morris",
        "samples": 3,
        "levels": 4,
        "parameters": {"deepening_rate": {"distribution": "uniform", "low": 0.1, "high": 0.9}},
    },
]

EXTREMES = [
    None,
    True,
    "",
    "text",
    "../../outside.yaml",
    "/dev/zero",
    ".",
    "a\x00b.yaml",
    "x" * 5000,
    0,
    -1,
    2**31,
    2**63,
    10**30,
    1e308,
    -1e308,
    float("inf"),
    float("-inf"),
    float("nan"),
    1e-320,
    [],
    {},
    [0.1] * 1000,
    {"range": [0, 10**9], "points": 10_000},
    {"distribution": "normal", "mean": 0.5, "sd": 1e300},
]


def nested(depth: int) -> object:
    value: object = 0.1
    for _ in range(depth):
        value = [value]
    return value


def paths(value: object, prefix: tuple = ()) -> list[tuple]:
    """Every place in a sweep mapping a mutation can hit."""
    found = [prefix] if prefix else []
    if isinstance(value, dict):
        for key, item in value.items():
            found += paths(item, (*prefix, key))
    elif isinstance(value, list):
        for index, item in enumerate(value):
            found += paths(item, (*prefix, index))
    return found


def mutate(sweep: dict, path: tuple, kind: str, replacement: object) -> dict:
    sweep = copy.deepcopy(sweep)
    parent = sweep
    for step in path[:-1]:
        parent = parent[step]
    last = path[-1]
    if kind == "delete":
        del parent[last]
    elif kind == "nest":
        parent[last] = nested(60)
    elif kind == "wrap":
        parent[last] = [parent[last]] if not isinstance(parent[last], list) else {"x": 1}
    else:
        parent[last] = replacement
    return sweep


@st.composite
def mutated_sweeps(draw) -> dict:
    sweep = copy.deepcopy(draw(st.sampled_from(VALID)))
    for _ in range(draw(st.integers(1, 3))):
        places = paths(sweep)
        if not places:
            break
        path = draw(st.sampled_from(places))
        kind = draw(st.sampled_from(["delete", "replace", "replace", "nest", "wrap"]))
        sweep = mutate(sweep, path, kind, draw(st.sampled_from(EXTREMES)))
    return sweep


@pytest.fixture(scope="module")
def world(tmp_path_factory) -> Path:
    return write_world(tmp_path_factory.mktemp("fuzz") / "world")


def _hang(signum, frame):
    raise TimeoutError(f"planning took over {SECONDS_PER_PLAN} s")


@settings(
    max_examples=150,
    deadline=None,  # bounded by the alarm below, not by a machine's load
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(sweep=mutated_sweeps())
def test_a_mutated_sweep_is_planned_or_refused_in_one_line(sweep, world):
    path = world / "fuzzed.yaml"
    path.write_text(yaml.safe_dump(sweep, width=10**9))
    previous = signal.signal(signal.SIGALRM, _hang)
    signal.alarm(SECONDS_PER_PLAN)
    try:
        plan = load_sweep(path)
    except ScenarioError as error:
        message = str(error)
        assert "\n" not in message and message.strip(), message
        assert message.startswith(str(world)), message  # it names the file at fault
        return
    finally:
        signal.alarm(0)
        signal.signal(signal.SIGALRM, previous)
    assert plan.tasks, sweep
    assert len({task.run_id for task in plan.tasks}) == len(plan.tasks)


def test_the_unmutated_sweeps_are_planned(world):
    for sweep in VALID:
        path = world / f"{sweep['name']}.yaml"
        path.write_text(yaml.safe_dump(sweep))
        assert load_sweep(path).tasks
