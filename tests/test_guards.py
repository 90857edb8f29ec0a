"""Runs never report a number that is not finite: scenarios whose capabilities must
compound past the ceiling are refused, and a run that gets there anyway stops with one
line naming the quantity, the nation and the step."""

from __future__ import annotations

import math

import numpy as np
import pytest
from cli_support import ROOT, call, one_error_line
from conftest import small_world

from simulation import guards, run_scenario, scenario_from_dict
from simulation.guards import (
    CAPABILITY_CEILING,
    SimulationError,
    capability_outlook,
    check_capability,
    check_finite,
)


def test_a_world_that_stays_under_the_ceiling_has_no_objection():
    assert capability_outlook(largest=0.14, steps=50, growth=0.02) is None
    assert capability_outlook(largest=1e6, steps=10_000, growth=0.0) is None
    assert capability_outlook(largest=1e6, steps=10_000, growth=-0.5) is None


def test_mean_growth_that_must_pass_the_ceiling_is_refused_with_the_steps_that_fit():
    # the 1990 world (largest CINC 0.14) at 2% a year: ln(1e30 / 0.14) / 0.02 = 3552 steps
    why = capability_outlook(largest=0.14, steps=10_000, growth=0.02)
    assert why is not None
    assert "at most 3552 steps" in why
    assert "1e+30" in why and "capability_growth 0.02" in why
    assert capability_outlook(largest=0.14, steps=3552, growth=0.02) is None


def test_scheduled_surges_count_toward_the_ceiling():
    assert capability_outlook(largest=1e20, steps=1, growth=0.0, surges=[100.0] * 4) is None
    assert capability_outlook(largest=1e20, steps=1, growth=0.0, surges=[100.0] * 6)
    # a collapse (factor below 1) never helps a world over the ceiling
    assert capability_outlook(largest=1e20, steps=1, growth=0.0, surges=[0.5]) is None


def test_a_capability_past_the_ceiling_or_not_a_number_stops_the_run():
    names = ["Atlantia", "Borealis"]
    check_capability(np.array([1.0, CAPABILITY_CEILING]), names, 3)
    with pytest.raises(SimulationError, match=r"^step 7: the capability of Borealis"):
        check_capability(np.array([1.0, 2 * CAPABILITY_CEILING]), names, 7)
    with pytest.raises(SimulationError, match="Atlantia"):
        check_capability(np.array([math.nan, 1.0]), names, 1)


def test_an_outcome_that_is_not_finite_is_named_with_its_step():
    names = ["Atlantia", "Borealis"]
    check_finite({"mean_trust": 0.5}, {"threat": np.array([0.1, 0.2])}, names, 2)
    with pytest.raises(SimulationError, match=r"^step 4: the outcome mean_trust is nan"):
        check_finite({"mean_trust": math.nan}, {}, names, 4)
    with pytest.raises(SimulationError, match=r"^step 5: threat of Borealis is inf"):
        check_finite({}, {"threat": np.array([0.1, math.inf])}, names, 5)


def test_a_run_whose_capabilities_outgrow_the_ceiling_stops_at_that_step(monkeypatch):
    # a ceiling of 50 is reached within a few steps at 50% growth a step (set after the
    # scenario is validated, which would refuse it outright)
    scenario = scenario_from_dict(small_world(steps=30, parameters={"capability_growth": 0.5}))
    monkeypatch.setattr(guards, "CAPABILITY_CEILING", 50.0)
    with pytest.raises(SimulationError, match=r"^step \d+: the capability of .* past the"):
        run_scenario(scenario)


def test_every_recorded_number_of_a_long_run_is_finite():
    scenario = scenario_from_dict(small_world(steps=120, parameters={"capability_growth": 0.2}))
    tables = run_scenario(scenario).tables()
    for name in ("model", "nations"):
        numbers = tables[name].select_dtypes("number").to_numpy(dtype=float)
        assert np.isfinite(numbers).all(), name


def test_the_command_line_reports_a_stopped_run_in_one_line_and_writes_nothing(
    monkeypatch, tmp_path, capsys
):
    # no mean growth, so the scenario passes; its shocks carry a capability past 50
    monkeypatch.setattr(guards, "CAPABILITY_CEILING", 50.0)
    scenario = tmp_path / "growing.yaml"
    scenario.write_text(
        "name: growing\nsteps: 30\n"
        "regions: [{name: North, nations: 6, capability: {median: 1, sigma: 0}}]\n"
        "parameters: {capability_growth: 0.0, capability_volatility: 1.0}\n"
    )
    out = tmp_path / "out"
    status, _, err = call(capsys, "run", str(scenario), "--out", str(out), "--quiet")
    assert status == 1
    line = one_error_line(err)
    assert line.startswith("error: step ") and "no results were written" in line
    assert not out.exists()
    assert not list(tmp_path.glob(".*partial*"))


def test_a_scenario_whose_growth_must_pass_the_ceiling_is_refused_before_it_runs(capsys, tmp_path):
    # the shipped 1990 world at 2% a year for 10,000 steps compounds to about 1e86
    out = tmp_path / "out"
    status, _, err = call(
        capsys, "run", ROOT / "scenarios" / "world_1990.yaml", "--steps", "10000", "--out", out
    )
    assert status == 2
    line = one_error_line(err)
    # the steps came from the command line, so the error names the option
    assert line.startswith("error: --steps: 10000 steps") and "at most 3551 steps" in line
    assert not out.exists()
