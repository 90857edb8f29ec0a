"""The crisis phase (`simulation.phases.crises`): who quarrels, when allies are called,
who calls, and what honouring a call draws an ally into."""

from __future__ import annotations

import numpy as np
import pytest

from simulation.mechanisms.crises import major_powers
from simulation.model import DefenseCooperationModel
from simulation.phases import crises
from simulation.scenario import scenario_from_dict
from tests.conftest import small_world

# crises only where the test forces them; every channel and deterrence off
QUIET = {
    "crisis_rate": 0.0,
    "dispute_background": 0.0,
    "dialogue_effect": 0.0,
    "dispute_resolution_effect": 0.0,
    "mediation_effect": 0.0,
    "trust_effect": 0.0,
    "early_warning_effect": 0.0,
    "deterrence_effect": 0.0,
    "honour_probability": 1.0,
    "entrapment_aversion": 0.0,
}


def forced_crisis(first: str, second: str, **parameters):
    """A small world at step 0, one crisis forced between two nations, and the events of
    the crisis phase that ran it."""
    scenario = scenario_from_dict(small_world(parameters={**QUIET, **parameters}))
    model = DefenseCooperationModel(scenario)
    state = model.state
    a, b = state.names.index(first), state.names.index(second)
    state.forced_crises = {(min(a, b), max(a, b)): 0}
    before = len(state.events.rows)
    crises.run_crises(state, 1)
    return model, state.events.table().iloc[before:]


ALLIES_OF_BOREALIS = ["Atlantia", "North 1", "North 2", "North 3"]


def test_the_weaker_partys_allies_honour_and_are_drawn_into_a_fatal_crisis():
    model, events = forced_crisis(
        "Borealis", "Dunmore", escalation_base=0.9999, fatality_base=0.9999
    )
    state, index = model.state, model.state.names.index
    calls = events[events["event"] == "ally_call"]
    assert sorted(calls["nation"]) == ALLIES_OF_BOREALIS
    assert set(calls["other"]) == {"Borealis"} and set(calls["outcome"]) == {"honoured"}
    assert events[events["event"] == "crisis"]["outcome"].tolist() == ["escalated"]
    dunmore = index("Dunmore")
    for ally in ALLIES_OF_BOREALIS:
        # a rivalry with the opponent, fear, and trust lost toward it
        assert state.rivalry[index(ally), dunmore] == pytest.approx(crises.ESCALATION_RIVALRY)
        assert state.threat_shock[index(ally)] == pytest.approx(
            state.parameters.escalation_threat_shock
        )
    # nations not drawn in are untouched
    assert state.rivalry[index("North 4"), dunmore] == 0.0
    assert state.threat_shock[index("North 4")] == 0.0


def test_force_without_deaths_leaves_half_the_mark_on_the_allies_drawn_in():
    model, events = forced_crisis(
        "Borealis", "Dunmore", escalation_base=0.9999, fatality_base=0.0001
    )
    state, index = model.state, model.state.names.index
    assert events[events["event"] == "crisis"]["outcome"].tolist() == ["militarised"]
    half = crises.MILITARISED_SHARE * crises.ESCALATION_RIVALRY
    for ally in ALLIES_OF_BOREALIS:
        assert state.rivalry[index(ally), index("Dunmore")] == pytest.approx(half)
        assert state.threat_shock[index(ally)] == 0.0
    assert state.rivalry[index("Borealis"), index("Dunmore")] == pytest.approx(half)


def test_an_ally_bound_to_the_opponent_too_takes_neither_side():
    data = small_world(parameters={**QUIET, "escalation_base": 0.9999})
    data["agreements"].append(
        {"id": "north1-dunmore", "members": ["North 1", "Dunmore"], "depth": 4, "alliance": True}
    )
    scenario = scenario_from_dict(data)
    model = DefenseCooperationModel(scenario)
    state = model.state
    a, b = state.names.index("Borealis"), state.names.index("Dunmore")
    state.forced_crises = {(min(a, b), max(a, b)): 0}
    before = len(state.events.rows)
    crises.run_crises(state, 1)
    events = state.events.table().iloc[before:]
    calls = events[events["event"] == "ally_call"]
    assert sorted(calls["nation"]) == ["Atlantia", "North 2", "North 3"]
    assert state.rivalry[state.names.index("North 1"), b] == 0.0


def test_allies_are_not_called_in_a_crisis_kept_from_force():
    model, events = forced_crisis("Borealis", "Dunmore", escalation_base=0.0001)
    assert events[events["event"] == "crisis"]["outcome"].tolist() == ["prevented"]
    assert (events["event"] == "ally_call").sum() == 0
    assert model.state.counts["allies_called"] == 0


def test_the_stronger_party_calls_no_ally():
    # Atlantia (8.0) against Dunmore (4.0): Atlantia's allies are not called, and
    # Dunmore has none
    model, events = forced_crisis("Atlantia", "Dunmore", escalation_base=0.9999)
    assert events[events["event"] == "crisis"]["outcome"].isin(["militarised", "escalated"]).all()
    assert (events["event"] == "ally_call").sum() == 0


def test_an_ally_facing_a_far_stronger_opponent_honours_less_often():
    def honoured(aversion: float) -> float:
        kept = called = 0
        for seed in range(20):
            scenario = scenario_from_dict(
                small_world(
                    seed=seed,
                    parameters={
                        **QUIET,
                        "escalation_base": 0.9999,
                        "honour_probability": 0.75,
                        "entrapment_aversion": aversion,
                    },
                )
            )
            model = DefenseCooperationModel(scenario)
            state = model.state
            a, b = state.names.index("Borealis"), state.names.index("Dunmore")
            state.capability[b] = 100.0  # far stronger than any of Borealis's allies
            state.forced_crises = {(min(a, b), max(a, b)): 0}
            crises.run_crises(state, 1)
            kept += state.counts["allies_honoured"]
            called += state.counts["allies_called"]
        return kept / called

    assert honoured(1.0) < honoured(0.0) - 0.2


def test_without_a_background_only_rivals_and_partners_are_candidates():
    scenario = scenario_from_dict(small_world(parameters={"dispute_background": 0.0}))
    state = DefenseCooperationModel(scenario).state
    n = state.size
    first, second = np.divmod(crises.candidate_dyads(state), n)
    assert (first < second).all()
    assert ((state.rivalry[first, second] > 0) | state.ties[first, second]).all()


def test_with_a_background_neighbours_and_major_powers_are_candidates_too():
    scenario = scenario_from_dict(small_world())
    state = DefenseCooperationModel(scenario).state
    n = state.size
    linear = crises.candidate_dyads(state)
    assert (np.diff(linear) > 0).all()  # sorted, without repeats
    first, second = np.divmod(linear, n)
    plain = (state.rivalry[first, second] == 0) & ~state.ties[first, second]
    assert plain.any()
    major = major_powers(state.capability)
    # a plain candidate is a pair of one region or a pair with a major power
    assert (state.same_region[first, second] | major[first] | major[second])[plain].all()
    # and every pair of one region is a candidate (the region's neighbourhood is 0.125)
    same = np.triu(state.same_region, 1).nonzero()
    assert set((same[0] * n + same[1]).tolist()) <= set(linear.tolist())


def test_outbreaks_are_those_of_weighing_every_candidates_hazard():
    """Only the exposed pairs whose draw falls below their bound are weighed in full; the
    outbreaks are exactly those of weighing every candidate."""
    import copy

    scenario = scenario_from_dict(small_world(seed=9, parameters={"dispute_background": 2.0}))
    model = DefenseCooperationModel(scenario)
    for _ in range(6):
        model.step()
    state = model.state
    n = state.size
    twin_rng = copy.deepcopy(state.rng)
    fast = crises.crisis_outbreaks(state)
    linear = crises.candidate_dyads(state)
    first, second = np.divmod(linear, n)
    major = major_powers(state.capability)
    exposure = crises.crises.reach(
        state.neighbourhood.ravel()[linear], major[first] | major[second]
    ) * (
        1
        + crises.crises.POLICY_GAP_WEIGHT
        * np.abs(state.policy_position[first] - state.policy_position[second])
    )
    hazard = crises.dyad_hazards(state, linear, exposure, None)
    slow = linear[twin_rng.random(linear.size) < hazard]
    assert slow.size > 0
    np.testing.assert_array_equal(fast, slow)
