"""Alliances (`alliance: true` pacts) tie their members but are not DCAs: a nation does
not count its allies among its DCA partners when it values DCAs."""

from __future__ import annotations

import numpy as np
import pandas as pd

from simulation.model import DefenseCooperationModel
from simulation.scenario import scenario_from_dict
from simulation.tables import all_tables
from tests.conftest import small_world

ALLIES = ["Atlantia", "Borealis", "North 1", "North 2", "North 3"]


def world(alliance: bool | None, **changes) -> dict:
    """The small world with its five-member pact an alliance (True; mutual defence,
    depth 4), an ordinary pact (False; a DCA at its highest rung, 3) or gone (None)."""
    data = small_world(events=[], **changes)
    pact = next(a for a in data["agreements"] if a["id"] == "alliance")
    if alliance is None:
        data["agreements"].remove(pact)
    else:
        pact["alliance"] = alliance
        pact["depth"] = 4 if alliance else 3
    return data


def model_of(data: dict) -> DefenseCooperationModel:
    return DefenseCooperationModel(scenario_from_dict(data))


def run(data: dict) -> DefenseCooperationModel:
    model = model_of(data)
    for _ in range(data["steps"]):
        model.step()
    return model


def test_allies_are_tied_but_are_not_one_anothers_dca_partners():
    model = model_of(world(alliance=True))
    state, index = model.state, [model.names.index(name) for name in ALLIES]
    block = np.ix_(index, index)
    off_diagonal = ~np.eye(len(index), dtype=bool)
    assert state.ties[block][off_diagonal].all()  # channels, obligations, no first DCA
    assert not state.dca_ties[block][off_diagonal].any()
    assert (state.degree[index] - state.dca_degree[index] == len(index) - 1).all()
    # Borealis and North 1 share three allies, but no DCA partner
    b, n1 = index[1], index[2]
    assert state.common_partners[b, n1] == 3 and state.dca_common_partners[b, n1] == 0


def test_an_ordinary_pact_makes_its_members_dca_partners_and_shares_the_arrays():
    state = model_of(world(alliance=False)).state
    assert state.dca_ties is state.ties and state.dca_degree is state.degree
    assert state.dca_common_partners is state.common_partners


def test_a_nation_values_dcas_as_if_its_alliance_were_not_there():
    """Benefit from partners outside the pact: an ally values them as it would without
    the alliance; a member of an ordinary pact, crowded by its pact partners, less.
    (Reputation counts every tie, alliances too (7.10): partners whose reputation the
    pact moves are left out of the comparison.)"""
    models = {kind: model_of(world(alliance=kind)) for kind in (True, False, None)}
    benefit = {kind: model.state.benefit for kind, model in models.items()}
    names = models[None].names
    members = [names.index(name) for name in ALLIES]
    same_reputation = np.isclose(models[True].state.reputation, models[None].state.reputation)
    outside = [k for k in range(len(names)) if k not in members and same_reputation[k]]
    assert len(outside) >= 20
    rows = np.ix_(members, outside)
    np.testing.assert_allclose(benefit[True][rows], benefit[None][rows], rtol=1e-6)
    positive = benefit[None][rows] > 0
    assert (benefit[False][rows][positive] < benefit[None][rows][positive]).all()


def test_joining_an_alliance_leaves_a_nations_dcas_with_its_new_allies_standing():
    """An accession changes nothing in what a nation's DCAs are worth to it (DCAD: the
    treaties of 2004's new NATO members with the old ones lasted as others did), where
    joining an ordinary pact crowds its DCAs with the members out (saturation kept low
    so crowding shows in a small world)."""
    held, ended = {True: 0, False: 0}, {True: 0, False: 0}
    for seed in (1, 2, 3, 4):
        for alliance in (True, False):
            data = world(alliance=alliance, seed=seed, steps=20)
            pact = next(a for a in data["agreements"] if a["id"] == "alliance")
            pact["exogenous"] = True
            data["parameters"] = {"funding_cost": 0.0, "partner_saturation": 0.5}
            data["events"] = [
                {"step": 10, "type": "join_agreement", "nation": "North 4", "agreement": "alliance"}
            ]
            agreements = all_tables(run(data))["agreements"].query("kind == 'bilateral'")
            pairs = agreements["members"].str.split("; ")
            with_allies = pairs.map(lambda p: "North 4" in p and bool(set(p) & set(ALLIES)))
            before = agreements[with_allies & (agreements["signed_step"] < 10)]
            held[alliance] += len(before)
            ended[alliance] += int(before["ended_step"].notna().sum())
    assert held[True] > 0 and held[False] > 0
    assert ended[False] > 0  # the crowding the alliance is spared
    assert ended[True] / held[True] < ended[False] / held[False]


def bilateral_alliance_world(**changes) -> dict:
    """The small world with Caldera and South 1 bound by a bilateral alliance."""
    data = world(alliance=None, **changes)
    pair = next(a for a in data["agreements"] if a["id"] == "caldera-south")
    pair.update(alliance=True, depth=4, sector="general")
    return data


def test_a_bilateral_alliance_ties_its_pair_with_obligations_but_is_no_dca():
    model = model_of(bilateral_alliance_world())
    state = model.state
    c, s = model.names.index("Caldera"), model.names.index("South 1")
    assert state.ties[c, s] and state.obligation[c, s] and state.obligation[s, c]
    assert not state.dca_ties[c, s] and not state.dca_ties[s, c]
    assert state.degree[c] - state.dca_degree[c] == 1


def test_a_bilateral_alliance_neither_lapses_deepens_nor_steps_down():
    """Every DCA lapses at its first term end (lapse_rate 1); the alliance is renewed,
    and South 1, which left it for dominance when alliances were valued like DCAs,
    stays."""
    data = bilateral_alliance_world(seed=3, steps=12)
    data["parameters"] = {"lapse_rate": 1.0, "term": 2}
    agreements = all_tables(run(data))["agreements"]
    alliance = agreements.set_index("agreement_id").loc["caldera-south"]
    assert bool(alliance["alliance"])
    # renewed at every term end (steps 2, 4, ..., 12), never left by the valuation that
    # decides DCAs: its members change by the scenario's events only
    assert pd.isna(alliance["ended_step"])
    assert alliance["renewals"] == 6
    assert alliance["depth_history"] == "0:4"  # it stayed at mutual defence
    dcas = agreements[~agreements["alliance"].astype(bool)]
    assert len(dcas) > 0 and (dcas["end_reason"] == "lapsed").sum() > 0


def test_allies_by_a_bilateral_alliance_sign_no_dca_beside_it():
    data = bilateral_alliance_world(seed=5, steps=15)
    data["parameters"] = {"agreements_per_pair": 3}
    # the alliance ends when South 1 leaves it, by the scenario's event
    data["events"] = [
        {"step": 6, "type": "leave_agreement", "nation": "South 1", "agreement": "caldera-south"}
    ]
    agreements = all_tables(run(data))["agreements"]
    pairs = agreements["members"].str.split("; ").map(frozenset)
    caldera_south = agreements[pairs == frozenset({"Caldera", "South 1"})].set_index("agreement_id")
    alliance_ended = caldera_south.loc["caldera-south", "ended_step"]
    assert alliance_ended == 6  # the pair was left to sign after it, and did
    signed = caldera_south.drop(index="caldera-south")["signed_step"]
    assert len(signed) > 0 and (signed >= alliance_ended).all()


def test_the_dca_network_is_the_same_counted_densely_or_sparsely(monkeypatch):
    from simulation.mechanisms import network

    states = {}
    for limit in (10_000, 10):  # the small world dense, then as a large world
        monkeypatch.setattr(network, "DENSE_LIMIT", limit)
        model = run(world(alliance=True, steps=6))
        states[limit] = model.state
    dense, sparse = states[10_000], states[10]
    assert sparse.dca_common_pairs is not None  # the sparse branch ran
    np.testing.assert_array_equal(dense.dca_ties, sparse.dca_ties)
    np.testing.assert_array_equal(dense.dca_degree, sparse.dca_degree)
    np.testing.assert_array_equal(dense.dca_common_partners, sparse.dca_common_partners)
    assert (dense.dca_ties != dense.ties).any()  # the alliance was there to leave out


def test_a_rival_of_a_member_never_joins_a_pact():
    """Dunmore, Caldera's rival, courts the open pact (no funding cost, a pull to join);
    without the rivalry it joins in some seed, with it in none."""
    joined = {True: 0, False: 0}
    for seed in (1, 2, 3, 4, 5, 6):
        for rivals in (True, False):
            data = small_world(events=[], seed=seed, steps=12)
            pact = next(a for a in data["agreements"] if a["id"] == "alliance")
            pact.update(alliance=False, depth=1, members=["Atlantia", "Borealis", "Caldera"])
            if not rivals:
                data["rivalries"] = [
                    r for r in data["rivalries"] if set(r["nations"]) != {"Caldera", "Dunmore"}
                ]
            data["parameters"] = {"funding_cost": 0.0, "sovereignty_weight": 0.0}
            memberships = all_tables(run(data))["memberships"]
            joined[rivals] += int(
                (
                    (memberships["agreement_id"] == "alliance")
                    & (memberships["nation"] == "Dunmore")
                ).sum()
            )
    assert joined[False] > 0  # it would join, were it not a rival of a member
    assert joined[True] == 0


def test_no_member_leaves_an_alliance_and_no_one_joins_it_but_by_the_scenarios_events():
    """Whatever the valuation says (sovereignty weighing four times its default), the
    alliance keeps its five members; a leave_agreement event still takes one out."""
    data = world(True, seed=4, steps=25, parameters={"sovereignty_weight": 4.0})
    spells = all_tables(run(data))["memberships"]
    alliance = spells[spells["agreement_id"] == "alliance"]
    assert len(alliance) == 5 and alliance["left_step"].isna().all()

    data = world(True, seed=4, steps=25, parameters={"sovereignty_weight": 4.0})
    data["events"] = [
        {"step": 6, "type": "leave_agreement", "nation": "North 2", "agreement": "alliance"}
    ]
    spells = all_tables(run(data))["memberships"]
    alliance = spells[spells["agreement_id"] == "alliance"]
    assert alliance.set_index("nation").loc["North 2", "left_step"] == 6
    assert len(alliance) == 5
