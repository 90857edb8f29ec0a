"""A sweep's values applied to its base scenarios: wildcards over lists
(`regions.*.threat`) and world-level multipliers (`multiply.threat`,
`multiply.sovereignty_sensitivity`), and the one-line errors of bad ones."""

from __future__ import annotations

import pandas as pd
import pytest

from simulation.scenario import read_scenario_file, scenario_from_dict
from simulation.scenario_files import ScenarioError
from simulation.sweeps.executors import SerialExecutor
from simulation.sweeps.orchestrator import run_sweep
from simulation.sweeps.plan import load_sweep
from simulation.sweeps.values import apply_sweep_values
from tests.cli_support import call, one_error_line
from tests.sweep_support import write_sweep, write_world


@pytest.fixture
def world(tmp_path):
    return write_world(tmp_path / "world")


def tiny(world):
    raw, _ = read_scenario_file(world / "tiny.yaml")
    return raw


def test_a_wildcard_sets_the_field_of_every_item_of_the_list(world):
    raw = tiny(world)
    scenario = scenario_from_dict(apply_sweep_values(raw, {"regions.*.threat": 0.8}, "tiny"))
    assert [region.threat for region in scenario.regions] == [0.8, 0.8]
    listed = apply_sweep_values(raw, {"nations.*.sovereignty_sensitivity": 0.9}, "tiny")
    assert [n.sovereignty_sensitivity for n in scenario_from_dict(listed).nations] == [0.9] * 3
    assert raw == tiny(world)  # the base scenario is untouched


def test_multiply_scales_every_region_and_listed_nation_and_clips_to_one(world):
    raw = tiny(world)
    raw["nations"][0]["threat"] = 0.3  # Alpha's own threat; Beta and Gamma take their region's
    raw["nations"][1]["sovereignty_sensitivity"] = 0.7
    changed = apply_sweep_values(
        raw, {"multiply.threat": 2.0, "multiply.sovereignty_sensitivity": 1.5}, "tiny"
    )
    scenario = scenario_from_dict(changed)
    # North's threat 0.4 and South's default 0.3 doubled; Alpha's own 0.3 doubled too
    assert [region.threat for region in scenario.regions] == [0.8, 0.6]
    assert [n.threat for n in scenario.nations] == [0.6, None, None]
    # the regions' generated nations: the default mean 0.4 scaled, its spread kept
    assert [r.sovereignty_sensitivity.mean for r in scenario.regions] == pytest.approx([0.6, 0.6])
    assert [r.sovereignty_sensitivity.sd for r in scenario.regions] == [0.15, 0.15]
    # listed nations: the default 0.4 and Beta's 0.7 scaled, the latter clipped to 1
    assert [n.sovereignty_sensitivity for n in scenario.nations] == pytest.approx([0.6, 1.0, 0.6])


def test_multipliers_apply_after_the_other_values_of_the_point(world):
    changed = apply_sweep_values(
        tiny(world), {"multiply.threat": 0.5, "regions.*.threat": 0.6}, "tiny"
    )
    assert [region["threat"] for region in changed["regions"]] == [0.3, 0.3]


def test_a_sweep_over_a_wildcard_and_a_multiplier_runs_with_them_as_columns(world, tmp_path):
    sweep = write_sweep(
        world,
        "name: world\nscenarios: [tiny.yaml]\nsteps: 2\ntables: [model, nations]\n"
        "parameters:\n  regions.*.threat: [0.1, 0.9]\n  multiply.sovereignty_sensitivity: [0.5]\n",
    )
    report = run_sweep(load_sweep(sweep), tmp_path / "out", SerialExecutor(), progress=False)
    assert report.failed == 0, report.failures
    nations = pd.read_parquet(tmp_path / "out" / "nations")
    assert {"regions.*.threat", "multiply.sovereignty_sensitivity"} <= set(nations.columns)
    start = nations[nations["step"] == 0]
    generated = start[start["nation"].str.startswith(("North", "South"))]
    # every generated nation starts from its region's threat, the swept value in both
    # regions (rivalries and crises add to it, never take from it)
    for value, rows in generated.groupby("regions.*.threat"):
        assert rows["threat"].min() == pytest.approx(value)
        assert (rows["threat"] >= value - 1e-9).all()
    listed = start[start["nation"].isin(["Alpha", "Beta", "Gamma"])]
    assert listed["sovereignty_sensitivity"].to_numpy() == pytest.approx(0.2)  # 0.4 x 0.5


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("regions.*threat", "a wildcard stands alone between dots"),
        ("*.threat", "a wildcard stands for the index of a list"),
        ("regions.*", "a wildcard stands for the index of a list"),
        ("multiply.trust", "expected multiply.threat or multiply.sovereignty_sensitivity"),
        ("regions.0.*.threat", "'regions.0' is not a list"),
        ("nations.*.threat", "this scenario has no 'nations'"),
        ("regions.*.threats", "regions[0].threats: unknown field"),
    ],
)
def test_a_bad_wildcard_or_multiplier_is_one_error_line_naming_the_parameter(
    world, capsys, name, expected
):
    base = "tiny.yaml"
    if name == "nations.*.threat":  # a world with no listed nations
        text = (world / "tiny.yaml").read_text()
        (world / "bare.yaml").write_text(text[: text.index("nations:\n  - name: Alpha")])
        base = "bare.yaml"
    sweep = write_sweep(world, f"name: bad\nscenarios: [{base}]\nparameters:\n  '{name}': [0.5]\n")
    code, _, err = call(capsys, "validate", sweep)
    assert code == 2
    line = one_error_line(err)
    assert f"parameters.{name} (line 4)" in line
    assert expected in line


def test_a_negative_factor_is_refused_before_anything_runs(world):
    sweep = write_sweep(
        world, "name: bad\nscenarios: [tiny.yaml]\nparameters:\n  multiply.threat: [-1, 2]\n"
    )
    with pytest.raises(ScenarioError, match="expected a factor of 0 or more, got -1"):
        load_sweep(sweep)


def test_a_range_too_wide_for_its_points_is_one_error_line(world, capsys):
    sweep = write_sweep(
        world,
        "name: wide\nscenarios: [tiny.yaml]\nparameters:\n"
        "  term: {range: [-1e+308, 1e+308], points: 3}\n",
    )
    code, _, err = call(capsys, "validate", sweep)
    assert code == 2
    assert "parameters.term (line 4): from -1e+308 to 1e+308 is wider than a number" in (
        one_error_line(err)
    )
