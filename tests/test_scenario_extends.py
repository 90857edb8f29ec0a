"""A scenario file may extend another (`extends:`): a variant names its base and gives
only what it changes; a grid sweep may compare scenarios without varying a parameter."""

from __future__ import annotations

import textwrap
from pathlib import Path

import pytest

from simulation.scenario import load_scenario
from simulation.scenario_files import ScenarioError
from simulation.sweeps.plan import load_sweep

BASE = """\
name: base
seed: 3
steps: 12
parameters: {crisis_rate: 0.4, sovereignty_weight: 1.5}
regions:
  - {name: North, nations: 6}
  - {name: South, nations: 5}
events:
  - {step: 4, type: threat_shift, region: North, delta: 0.2}
  - {step: 9, type: threat_shift, region: South, delta: 0.1}
"""


def write(folder: Path, name: str, text: str) -> Path:
    path = folder / name
    path.write_text(textwrap.dedent(text))
    return path


def test_a_variant_takes_the_base_and_replaces_what_it_lists(tmp_path):
    write(tmp_path, "base.yaml", BASE)
    variant = write(
        tmp_path,
        "variant.yaml",
        """\
        extends: base.yaml
        name: variant
        parameters: {crisis_rate: 0.1}
        events:
          - {step: 4, type: threat_shift, region: North, delta: 0.2}
        """,
    )
    scenario = load_scenario(variant)
    assert scenario.name == "variant"
    assert scenario.seed == 3 and scenario.steps == 12  # the base's
    assert [region.name for region in scenario.regions] == ["North", "South"]
    # parameters merged name by name; other lists replaced whole
    assert scenario.parameters.crisis_rate == 0.1
    assert scenario.parameters.sovereignty_weight == 1.5
    assert len(scenario.events) == 1
    # overrides apply on top, as to any file
    assert load_scenario(variant, {"steps": 8}).steps == 8


def test_a_chain_of_variants_resolves_in_order(tmp_path):
    write(tmp_path, "base.yaml", BASE)
    write(tmp_path, "middle.yaml", "extends: base.yaml\nname: middle\nseed: 5\n")
    sub = tmp_path / "sub"
    sub.mkdir()
    last = write(sub, "last.yaml", "extends: ../middle.yaml\nname: last\nsteps: 10\n")
    scenario = load_scenario(last)
    assert (scenario.name, scenario.seed, scenario.steps) == ("last", 5, 10)


@pytest.mark.parametrize(
    ("text", "message"),
    [
        (
            "extends: missing.yaml\nname: v\n",
            r"variant\.yaml: extends \(line 1\): no scenario file 'missing\.yaml'",
        ),
        ("extends: 7\nname: v\n", r"extends \(line 1\): expected the path of a scenario file"),
        (
            "extends: variant.yaml\nname: v\n",
            r"extends \(line 1\): variant\.yaml extends this file in turn",
        ),
    ],
)
def test_a_bad_extends_is_a_one_line_error_naming_the_file_and_field(tmp_path, text, message):
    variant = write(tmp_path, "variant.yaml", text)
    with pytest.raises(ScenarioError, match=message) as caught:
        load_scenario(variant)
    assert "\n" not in str(caught.value)


def test_an_error_in_the_base_is_reported_against_the_base_file(tmp_path):
    write(tmp_path, "base.yaml", BASE.replace("steps: 12", "steps: -1"))
    variant = write(tmp_path, "variant.yaml", "extends: base.yaml\nname: variant\nsteps: 12\n")
    with pytest.raises(ScenarioError, match=r"base\.yaml: steps \(line 3\)"):
        load_scenario(variant)


def test_a_grid_may_compare_two_scenarios_without_varying_a_parameter(tmp_path):
    write(tmp_path, "base.yaml", BASE)
    write(tmp_path, "variant.yaml", "extends: base.yaml\nname: variant\nevents: []\n")
    sweep = write(
        tmp_path,
        "sweep.yaml",
        "name: compare\nscenarios: [base.yaml, variant.yaml]\nreplicates: 3\nseed: 11\n",
    )
    plan = load_sweep(sweep)
    assert len(plan.tasks) == 6
    by_scenario = {}
    for task in plan.tasks:
        by_scenario.setdefault(task.scenario, []).append(task.seed)
    # replicate by replicate the two share their seeds: the runs pair
    assert by_scenario["base"] == by_scenario["variant"]


def test_one_scenario_without_a_parameter_to_vary_is_refused(tmp_path):
    write(tmp_path, "base.yaml", BASE)
    sweep = write(tmp_path, "sweep.yaml", "name: one\nscenarios: [base.yaml]\n")
    with pytest.raises(ScenarioError, match=r"parameters: required: at least one parameter"):
        load_sweep(sweep)


def test_the_shipped_counterfactual_differs_from_its_base_only_in_natos_accessions():
    root = Path(__file__).resolve().parent.parent / "scenarios"
    base = load_scenario(root / "world_1990_calibrated.yaml")
    variant = load_scenario(root / "world_1990_no_enlargement.yaml")
    assert variant.parameters == base.parameters and variant.seed == base.seed
    assert variant.nations == base.nations and variant.agreements == base.agreements
    kept = [event for event in base.events if event.type != "join_agreement"]
    assert variant.events == kept
    assert {event.agreement for event in base.events if event.type == "join_agreement"} == {
        "ATOP-3180"
    }
