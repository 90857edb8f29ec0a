"""The terminal summary of a run explains its headline figures (`simulation.summary`)."""

from __future__ import annotations

import re

import pytest

from simulation.outcomes import stability_index, stability_parts
from simulation.scenario import scenario_from_dict
from simulation.single_run import run_scenario
from simulation.summary import summarise, what_moved_stability
from tests.conftest import small_world


def test_the_stability_parts_add_up_to_the_index():
    for escalated, nations, trust, tension in ((0, 40, 0.4, 0.2), (3, 20, 0.9, 0.7)):
        parts = stability_parts(escalated, nations, trust, tension)
        assert sum(parts.values()) == pytest.approx(
            stability_index(escalated, nations, trust, tension)
        )
        assert set(parts) == {"peace", "trust", "sovereignty tension"}


def test_what_moved_the_index_adds_up_to_its_change_from_start_to_end():
    result = run_scenario(scenario_from_dict(small_world(seed=3)))
    frame = result.model.recorder.model_table()
    told = what_moved_stability(frame)
    changes = [float(x) for x in re.findall(r"(?:peace|trust|tension) ([+-]\d\.\d{3})", told)]
    assert len(changes) == 3
    change = frame["stability_index"].iloc[-1] - frame["stability_index"].iloc[0]
    assert sum(changes) == pytest.approx(change, abs=2e-3)  # three roundings to 0.001
    # largest first
    assert [abs(c) for c in changes] == sorted((abs(c) for c in changes), reverse=True)


def test_the_summary_gives_start_end_and_change_of_the_headline_figures():
    result = run_scenario(scenario_from_dict(small_world(seed=3)))
    text = summarise(result)
    frame = result.model.recorder.model_table()
    start, end = frame["stability_index"].iloc[0], frame["stability_index"].iloc[-1]
    assert f"{start:.3f} at the start, {end:.3f} at the end ({end - start:+.3f};" in text
    assert "what moved it" in text
    assert re.search(r"agreements in force    \d+ at the start, \d+ at the end", text)
    assert re.search(r"mean trust \d\.\d{3} -> \d\.\d{3}", text)
