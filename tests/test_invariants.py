"""Invariants that must hold in any run, checked over random scenarios with hypothesis."""

from __future__ import annotations

import numpy as np
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from simulation.agreements import depth_ceiling
from simulation.domain import MAX_DEPTH, MIN_DEPTH, Kind
from simulation.mechanisms import network
from simulation.model import DefenseCooperationModel
from simulation.scenario import scenario_from_dict
from simulation.tables import all_tables
from tests.conftest import small_world

parameter_values = st.fixed_dictionaries(
    {
        "sovereignty_weight": st.floats(0, 3),
        "funding_cost": st.floats(0, 0.6),
        "crisis_rate": st.floats(0, 1),
        "trust_growth": st.floats(0, 0.5),
        "trust_decay": st.floats(0, 0.5),
        "reneging_penalty": st.floats(0, 1),
        "escalation_trust_penalty": st.floats(0, 1),
        "deepening_rate": st.floats(0, 1),
        "deepening_trust_threshold": st.floats(0, 1),
        "multilateralisation_rate": st.floats(0, 1),
        "diplomatic_capacity": st.integers(0, 5),
        "exit_patience": st.integers(1, 4),
        "term": st.integers(1, 8),
        "capability_volatility": st.floats(0, 0.5),
        "technology_transfer_rate": st.floats(0, 1),
        "rivals_per_nation": st.floats(0, 5),
        "capacity_capability_elasticity": st.floats(0, 2),
        "capacity_network_elasticity": st.floats(0, 2),
        "agreements_per_pair": st.integers(1, 4),
        "lapse_rate": st.floats(0, 1),
        "conclusion_rate": st.floats(0.01, 1),
        "protocol_cost_share": st.floats(0, 1),
        "consent_foresight": st.floats(0, 1),
        "influence_weight": st.floats(0, 3),
        "influence_reach_exponent": st.floats(0, 1),
        "influence_exclusivity": st.floats(0, 2),
        "negotiation_experience": st.floats(0, 2),
        "closure_hub_discount": st.floats(0, 2),
        "reorientation_years": st.integers(0, 10),
        "reorientation_effort": st.floats(0, 20),
    }
)


def check_invariants(model: DefenseCooperationModel) -> None:
    n = len(model.names)
    assert np.all((model.state.trust >= 0) & (model.state.trust <= 1)), "trust left [0, 1]"
    assert np.all(np.isfinite(model.state.trust))
    assert np.all((model.state.interoperability >= 0) & (model.state.interoperability <= 1))
    assert np.all(model.state.capability > 0) and np.all(np.isfinite(model.state.capability))
    assert np.all((model.state.threat >= 0) & (model.state.threat <= 1))
    active = model.registry.active
    for agreement in active:
        assert MIN_DEPTH <= agreement.depth <= MAX_DEPTH, "depth left the ladder"
        # a DCA stays below mutual defence, within its sector; an alliance stays at it
        if agreement.alliance:
            assert agreement.depth == MAX_DEPTH, "an alliance left mutual defence"
        else:
            assert agreement.depth <= depth_ceiling(agreement.sector, False), (
                "a DCA climbed past its sector's rung"
            )
        assert len(agreement.members) >= 2, "an agreement with fewer than two members"
        assert len(set(agreement.members)) == len(agreement.members)
        if agreement.kind is Kind.BILATERAL:
            assert len(agreement.members) == 2
    for agreement in model.registry.by_slot:
        if not agreement.active:
            assert agreement.end_reason is not None
    # a nation that left is no longer a member; memberships match agreements
    open_spells = {
        (m.agreement_id, m.nation) for m in model.registry.memberships if m.left_step is None
    }
    current = {(a.agreement_id, nation) for a in active for nation in a.members}
    assert open_spells == current
    for membership in model.registry.memberships:
        agreement = model.registry.by_id[membership.agreement_id]
        if membership.left_step is not None and agreement.active:
            assert (membership.agreement_id, membership.nation) not in open_spells or any(
                m.nation == membership.nation and m.joined_step >= membership.left_step
                for m in model.registry.memberships
                if m.agreement_id == membership.agreement_id
            ), "a nation that left is still listed as a member"
    # the tie views kept up step by step agree with ones rebuilt from the agreements
    tied = np.zeros((n, n), dtype=bool)
    for agreement in active:
        members = np.array(agreement.members)
        tied[np.ix_(members, members)] = True
    np.fill_diagonal(tied, False)
    np.testing.assert_array_equal(model.state.ties, tied)
    np.testing.assert_array_equal(model.state.common_partners, network.shared_partners(tied))
    check_channels(model)
    registry = model.registry
    np.testing.assert_array_equal(
        registry.active_slots(), np.flatnonzero(registry.is_active[: registry.size])
    )
    assert model.outcomes["components"] == network.count_components(
        tied, adjacency=network.adjacency_matrix(*np.nonzero(tied), n)
    )
    # the log holds plain values (kind and sector as plain text, not enum members)
    assert all(type(row[3]) is str and type(row[4]) is str for row in model.events.rows)
    outcomes = model.outcomes
    assert outcomes["conflicts_prevented"] + outcomes["conflicts_escalated"] == outcomes["crises"]
    assert outcomes["active_agreements"] == len(active)
    assert outcomes["bilateral_agreements"] + outcomes["multilateral_agreements"] == len(active)
    assert 0 <= outcomes["stability_index"] <= 1
    assert 0 <= outcomes["conflict_prevention_rate"] <= 1
    assert 0 <= outcomes["network_density"] <= 1
    assert 0 <= outcomes["transitivity"] <= 1
    assert 0 <= outcomes["sovereignty_tension"] <= 1
    assert outcomes["max_degree"] <= n - 1
    # a pair's bilateral agreements signed in the run: within the limit, each sector once
    held: dict[tuple[int, int], list] = {}
    for agreement in active:
        if agreement.kind is Kind.BILATERAL:
            held.setdefault(tuple(sorted(agreement.members)), []).append(agreement)
    for agreements in held.values():
        signed = [a for a in agreements if a.signed_step > 0]
        if signed:
            assert len(agreements) <= model.parameters.agreements_per_pair
            assert len({a.sector for a in agreements}) == len(agreements)
    for name, value in outcomes.items():
        assert np.isfinite(value), f"{name} is not finite"


def check_channels(model: DefenseCooperationModel) -> None:
    """The tie depth, cooperation channels, provisions and obligations the model keeps
    match a plain rebuild, agreement by agreement, from the agreements in force."""
    n = len(model.names)
    depth = np.zeros((n, n), dtype=np.int8)
    channels = [np.zeros((n, n), dtype=np.float32) for _ in range(3)]
    dispute = np.zeros((n, n), dtype=bool)
    obligation = np.zeros((n, n), dtype=bool)
    for agreement in model.registry.active:
        block = np.ix_(agreement.members, agreement.members)
        level = agreement.depth
        depth[block] = np.maximum(depth[block], level)
        for matrix, width, rung in zip(channels, agreement.scope, (2, 3, 3), strict=True):
            matrix[block] = np.maximum(matrix[block], np.float32(width * level * (level >= rung)))
        if agreement.dispute_resolution:
            dispute[block] = True
        if agreement.mutual_defense:
            obligation[block] = True
    for matrix in (depth, *channels, dispute, obligation):
        np.fill_diagonal(matrix, 0)
    np.testing.assert_array_equal(model.state.tie_depth, depth)
    np.testing.assert_array_equal(model.state.training_depth, channels[0])
    np.testing.assert_array_equal(model.state.intelligence_depth, channels[1])
    np.testing.assert_array_equal(model.state.technology_depth, channels[2])
    np.testing.assert_array_equal(model.state.dispute_channel, dispute)
    np.testing.assert_array_equal(model.state.obligation, obligation)


@settings(
    max_examples=40,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow],
)
@given(
    parameters=parameter_values,
    seed=st.integers(0, 2**32 - 1),
    north=st.integers(6, 12),  # the rivalries name North 1, 5 and 6
    south=st.integers(0, 12),
)
def test_invariants_hold_every_step_for_random_scenarios(parameters, seed, north, south):
    data = small_world(seed=seed, steps=16, parameters=parameters)
    data["regions"][0]["nations"] = north
    data["regions"][1]["nations"] = south
    data["agreements"] = [a for a in data["agreements"] if a["id"] != "alliance"] + [
        {
            "id": "alliance",
            "kind": "multilateral",
            "depth": 4,
            "alliance": True,
            "members": ["Atlantia", "Borealis", "Caldera"],
        },
        # a DCA pact with rungs to climb, up to its sector's
        {
            "id": "forum",
            "kind": "multilateral",
            "sector": "training",
            "depth": 1,
            "members": ["Atlantia", "Caldera", "Dunmore"],
        },
    ]
    if south == 0:
        data["agreements"] = [a for a in data["agreements"] if a["id"] != "caldera-south"]
    model = DefenseCooperationModel(scenario_from_dict(data))
    check_invariants(model)
    for _ in range(data["steps"]):
        model.step()
        check_invariants(model)
    tables = all_tables(model)
    numeric = tables["model"].select_dtypes("number")
    assert np.isfinite(numeric.to_numpy()).all()
    assert np.isfinite(tables["nations"].select_dtypes("number").to_numpy()).all()


def test_the_same_seed_gives_identical_tables_and_another_seed_does_not(small_scenario):
    def run(scenario):
        model = DefenseCooperationModel(scenario)
        for _ in range(scenario.steps):
            model.step()
        return all_tables(model)

    first, second = run(small_scenario), run(small_scenario)
    for name in first:
        assert first[name].equals(second[name]), f"{name} differs between identical runs"
    other = run(small_scenario.model_copy(update={"seed": small_scenario.seed + 1}))
    assert not first["events"].equals(other["events"])
