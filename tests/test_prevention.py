"""Conflict prevention owed to agreements: the same seeds with the agreements' crisis
channels switched off (`simulation.counterfactuals`, `run.py prevention`)."""

from __future__ import annotations

import yaml

from simulation.counterfactuals import (
    AGREEMENT_CHANNELS,
    ARMS,
    paired_runs,
    without_agreement_channels,
)
from simulation.scenario import scenario_from_dict
from tests.cli_support import call, one_error_line
from tests.conftest import small_world


def test_switching_the_channels_off_zeroes_the_five_effects_and_nothing_else():
    scenario = scenario_from_dict(small_world(parameters={"trust_effect": 1.5}))
    switched = without_agreement_channels(scenario)
    for name in AGREEMENT_CHANNELS:
        assert getattr(switched.parameters, name) == 0.0
        assert getattr(scenario.parameters, name) > 0.0  # the original is untouched
    kept = set(type(scenario.parameters).model_fields) - set(AGREEMENT_CHANNELS)
    assert all(getattr(switched.parameters, n) == getattr(scenario.parameters, n) for n in kept)
    assert switched.parameters.trust_effect == 1.5
    assert switched.seed == scenario.seed and switched.agreements == scenario.agreements


def test_paired_runs_share_seeds_and_the_channels_prevent_crises_on_average():
    scenario = scenario_from_dict(small_world(steps=20, parameters={"crisis_rate": 0.6}))
    runs = paired_runs(scenario, 4)
    assert list(runs["arm"].unique()) == list(ARMS)
    seeds = {arm: runs[runs["arm"] == arm]["seed"].tolist() for arm in ARMS}
    assert seeds[ARMS[0]] == seeds[ARMS[1]] == [scenario.seed + k for k in range(4)]
    mean = runs.groupby("arm")["prevention_rate"].mean()
    assert mean["as_is"] > mean["without_agreement_channels"]
    assert (runs["prevented"] + runs["escalated"] == runs["crises"]).all()


def test_the_command_prints_the_paired_differences_with_their_interval(capsys, tmp_path):
    path = tmp_path / "small.yaml"
    path.write_text(yaml.safe_dump(small_world()))
    code, out, err = call(capsys, "prevention", path, "--seeds", 3, "--quiet")
    assert code == 0, err
    assert "3 paired seeds" in out
    for label in ("prevention rate", "crises escalated", "final stability index"):
        line = next(line for line in out.splitlines() if line.strip().startswith(label))
        assert "[" in line and "]" in line  # the difference's interval
    assert "dialogue_effect" in out and "direct part" in out


def test_the_command_refuses_fewer_than_two_seeds_in_one_line(capsys, tmp_path):
    path = tmp_path / "small.yaml"
    path.write_text(yaml.safe_dump(small_world()))
    code, out, err = call(capsys, "prevention", path, "--seeds", 1)
    assert code == 2
    assert "--seeds: expected at least 2" in one_error_line(err)
    code, out, err = call(capsys, "prevention", tmp_path / "missing.yaml")
    assert code == 2 and "missing.yaml" in one_error_line(err)


def test_the_shipped_arm_without_channels_is_the_baseline_with_the_same_effects_at_zero():
    """The sweep form of `run.py prevention` switches off exactly what the command does."""
    from pathlib import Path

    from simulation.counterfactuals import without_agreement_channels
    from simulation.scenario import load_scenario

    root = Path(__file__).resolve().parent.parent / "scenarios"
    baseline = load_scenario(root / "baseline.yaml")
    arm = load_scenario(root / "baseline_without_channels.yaml")
    assert arm.parameters == without_agreement_channels(baseline).parameters
    assert (
        arm.model_copy(
            update={
                "name": baseline.name,
                "description": baseline.description,
                "parameters": baseline.parameters,
            }
        )
        == baseline
    )
