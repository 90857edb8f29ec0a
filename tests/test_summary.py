"""The terminal summary of a run explains its headline figures (`simulation.summary`)."""

from __future__ import annotations

import re

import pytest

from simulation.outcomes import STABILITY_WINDOW, conflict_load, stability_index
from simulation.scenario import scenario_from_dict
from simulation.single_run import run_scenario
from simulation.summary import conflict_windows, records, summarise, what_moved_stability
from tests.conftest import small_world


def test_what_moved_the_index_adds_up_to_the_change_of_the_weighted_conflict():
    result = run_scenario(scenario_from_dict(small_world(seed=3)))
    frame = result.model.recorder.model_table()
    told = what_moved_stability(frame)
    loads = re.search(r"a year (\d\.\d{3}) -> (\d\.\d{3}):", told)
    changes = [float(x) for x in re.findall(r"\(([+-]\d\.\d{3})\)", told)]
    assert loads and len(changes) == 3
    before, after = float(loads[1]), float(loads[2])
    assert sum(changes) == pytest.approx(after - before, abs=4e-3)  # five roundings
    # largest first
    assert [abs(c) for c in changes] == sorted((abs(c) for c in changes), reverse=True)
    # the index over each window is the one the table holds at the window's last step
    first, last = conflict_windows(frame)
    assert stability_index(records(last)) == pytest.approx(frame["stability_index"].iloc[-1])
    assert stability_index(records(first)) == pytest.approx(
        frame["stability_index"].iloc[STABILITY_WINDOW]
    )
    assert after == pytest.approx(sum(conflict_load(records(last)).values()), abs=1e-3)


def test_the_summary_gives_start_end_and_change_of_the_headline_figures():
    result = run_scenario(scenario_from_dict(small_world(seed=3)))
    text = summarise(result)
    frame = result.model.recorder.model_table()
    start, end = frame["stability_index"].iloc[5], frame["stability_index"].iloc[-1]
    assert f"{start:.3f} over steps 1-5, {end:.3f} over steps 26-30 ({end - start:+.3f}; " in text
    assert "what moved it" in text
    prevented, crises = int(frame["conflicts_prevented"].sum()), int(frame["crises"].sum())
    force = int(frame["crises_militarised"].sum())
    assert f"{prevented}/{crises} crises prevented from turning fatal" in text
    assert f"; {force} came to force, {crises - prevented} turned fatal" in text
    assert re.search(r"agreements in force    \d+ at the start, \d+ at the end", text)
    assert re.search(r"mean trust \d\.\d{3} -> \d\.\d{3}", text)
