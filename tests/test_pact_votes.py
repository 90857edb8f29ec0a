"""The vote on a member a crisis has made the rival of another (`phases.pacts.
vote_out_rivals`): a pact its adversary dominates expels it; a pact split between the
two, an alliance, and rivals the scenario placed together keep both."""

from __future__ import annotations

import numpy as np

from simulation.model import DefenseCooperationModel
from simulation.phases.pacts import vote_out_rivals
from simulation.scenario import scenario_from_dict
from tests.conftest import small_world

MEMBERS = ["Atlantia", "Borealis", "North 1", "North 2", "North 3"]
# Atlantia outweighs the other four together; the Norths weigh alike
CAPABILITY = {"Atlantia": 8.0, "Borealis": 1.5, "North 1": 1.0, "North 2": 1.0, "North 3": 1.0}


def pact_model(alliance: bool = False) -> DefenseCooperationModel:
    """The small world with its five-member pact an ordinary pact (a DCA at depth 3) or
    an alliance, no rivalry among the members, and set capabilities."""
    data = small_world(events=[], steps=5)
    pact = next(a for a in data["agreements"] if a["id"] == "alliance")
    pact.update(alliance=alliance, depth=4 if alliance else 3)
    data["rivalries"] = [r for r in data["rivalries"] if not set(r["nations"]) & set(MEMBERS)]
    model = DefenseCooperationModel(scenario_from_dict(data))
    state = model.state
    members = [state.names.index(name) for name in MEMBERS]
    # the generator draws rivalries at random too: none among the members here
    state.rivalry[np.ix_(members, members)] = 0.0
    state.lasting_rivalry[np.ix_(members, members)] = 0.0
    for name, value in CAPABILITY.items():
        state.capability[state.names.index(name)] = value
    return model


def make_rivals(model: DefenseCooperationModel, first: str, second: str, lasting: bool = False):
    state = model.state
    i, j = state.names.index(first), state.names.index(second)
    state.rivalry[i, j] = state.rivalry[j, i] = 0.3
    if lasting:
        state.lasting_rivalry[i, j] = state.lasting_rivalry[j, i] = 0.3


def members_after_vote(model: DefenseCooperationModel) -> list[str]:
    vote_out_rivals(model.state, 1)
    pact = model.state.registry.by_id["alliance"]
    return sorted(model.state.names[m] for m in pact.members)


def test_a_pact_its_adversary_dominates_votes_the_weaker_rival_out():
    model = pact_model()
    make_rivals(model, "Atlantia", "Borealis")
    assert members_after_vote(model) == sorted(set(MEMBERS) - {"Borealis"})
    exits = model.events.table().query("event == 'exited'")
    assert exits[["nation", "reason"]].values.tolist() == [["Borealis", "voted_out"]]
    # walking out by vote closes the door, as any walk-out does
    pact = model.state.registry.by_id["alliance"]
    assert pact.barred_until[model.state.names.index("Borealis")] > 1


def test_a_pact_split_between_two_rivals_keeps_both():
    model = pact_model()
    make_rivals(model, "North 2", "North 3")
    assert members_after_vote(model) == sorted(MEMBERS)


def test_the_weaker_rivals_go_first_and_a_pact_left_with_one_member_ends():
    # Atlantia at odds with all four others, its 8 two thirds or more of the others'
    # capability each time: the weaker go first (Borealis, the strongest of them, last),
    # and the pact, left with Atlantia alone, is dissolved
    model = pact_model()
    for other in ("Borealis", "North 1", "North 2", "North 3"):
        make_rivals(model, "Atlantia", other)
    vote_out_rivals(model.state, 1)
    events = model.events.table()
    expelled = events.query("reason == 'voted_out'")["nation"].tolist()
    assert expelled == ["North 1", "North 2", "North 3", "Borealis"]
    pact = model.state.registry.by_id["alliance"]
    assert not pact.active and pact.end_reason.value == "dissolved"


def test_a_stronger_member_goes_when_its_adversaries_outweigh_the_rest():
    # Atlantia (4) at odds with the four others (3 each): each of them is voted on
    # first and kept (4 of 13 against), then Atlantia is voted out by all (12 of 12)
    model = pact_model()
    for name in ("Borealis", "North 1", "North 2", "North 3"):
        model.state.capability[model.state.names.index(name)] = 3.0
        make_rivals(model, "Atlantia", name)
    model.state.capability[model.state.names.index("Atlantia")] = 4.0
    assert members_after_vote(model) == sorted(set(MEMBERS) - {"Atlantia"})


def test_rivals_the_scenario_placed_in_one_pact_face_no_vote():
    model = pact_model()
    make_rivals(model, "Atlantia", "Borealis", lasting=True)
    assert members_after_vote(model) == sorted(MEMBERS)


def test_an_alliance_keeps_a_member_its_leader_is_at_odds_with():
    model = pact_model(alliance=True)
    make_rivals(model, "Atlantia", "Borealis")
    assert members_after_vote(model) == sorted(MEMBERS)
    assert np.all(model.events.table()["event"] != "exited")
