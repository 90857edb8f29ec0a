"""The outcomes: the model-level and per-nation measures on a tiny hand-built world, and the
recorder that keeps both tables step by step."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from simulation import DefenseCooperationModel, scenario_from_dict
from simulation.outcomes import (
    COUNTED_COLUMNS,
    MODEL_COLUMNS,
    NATION_COLUMNS,
    OutcomeRecorder,
    memberships_per_nation,
    model_outcomes,
    nation_outcomes,
)

# Five nations: Avalon and Brill share a bilateral agreement at depth 2; Avalon, Corvel
# and Dorne a pact at depth 3; Elmet stands alone. The ties:
#   Avalon - Brill (2), Avalon - Corvel (3), Avalon - Dorne (3), Corvel - Dorne (3)
TINY_WORLD: dict = {
    "name": "tiny",
    "seed": 3,
    "steps": 3,
    "regions": [{"name": "Here", "threat": 0.4}, {"name": "There", "threat": 0.2}],
    "nations": [
        {"name": "Avalon", "region": "Here", "capability": 4.0},
        {"name": "Brill", "region": "Here", "capability": 1.0},
        {"name": "Corvel", "region": "Here", "capability": 2.0},
        {"name": "Dorne", "region": "There", "capability": 3.0},
        {"name": "Elmet", "region": "There", "capability": 1.0},
    ],
    "agreements": [
        {"id": "avalon-brill", "members": ["Avalon", "Brill"], "depth": 2},
        {
            "id": "pact",
            "kind": "multilateral",
            "members": ["Avalon", "Corvel", "Dorne"],
            "depth": 3,
        },
    ],
}
NAMES = ["Avalon", "Brill", "Corvel", "Dorne", "Elmet"]
REGIONS = ["Here", "Here", "Here", "There", "There"]


@pytest.fixture
def model() -> DefenseCooperationModel:
    return DefenseCooperationModel(scenario_from_dict(TINY_WORLD))


def independent_memberships(model: DefenseCooperationModel) -> list[int]:
    """Memberships counted from the agreements' member lists, one nation at a time."""
    active = model.registry.active
    return [sum(nation in agreement.members for agreement in active) for nation in range(5)]


# ------------------------------------------------------------ model outcomes


def test_active_agreements_are_counted_by_kind_with_their_mean_depth(model):
    outcomes = model_outcomes(model.state)
    assert outcomes["active_agreements"] == 2
    assert outcomes["bilateral_agreements"] == 1
    assert outcomes["multilateral_agreements"] == 1
    # the pact counts once: (2 + 3) / 2
    assert outcomes["mean_depth"] == pytest.approx(2.5)


def test_the_network_measures_of_the_tiny_world(model):
    outcomes = model_outcomes(model.state)
    # 4 tied dyads of 5 x 4 / 2 = 10
    assert outcomes["network_density"] == pytest.approx(0.4)
    # one triangle (Avalon, Corvel, Dorne); connected triples: 3 centred on Avalon,
    # 1 on Corvel, 1 on Dorne: 3 x 1 / 5
    assert outcomes["transitivity"] == pytest.approx(0.6)
    # partners 3, 1, 2, 2, 0
    assert outcomes["mean_degree"] == pytest.approx(8 / 5)
    assert outcomes["max_degree"] == 3
    assert outcomes["nations_with_agreements"] == 4
    # Elmet, alone, is not a component
    assert outcomes["components"] == 1


def test_mean_trust_leaves_out_each_nations_trust_in_itself(model):
    state = model.state
    # row i trusts every other nation 0.1 x (i + 1); the diagonal stays 1
    trust = np.repeat(0.1 * np.arange(1, 6)[:, None], 5, axis=1)
    np.fill_diagonal(trust, 1.0)
    state.trust[...] = trust
    # (0.1 + 0.2 + 0.3 + 0.4 + 0.5) / 5 = 0.3; counting the diagonal would give
    # (4 x 1.5 + 5) / 25 = 0.44
    assert model_outcomes(state)["mean_trust"] == pytest.approx(0.3)
    np.testing.assert_allclose(
        nation_outcomes(state, 0)["mean_trust"], [0.1, 0.2, 0.3, 0.4, 0.5], rtol=1e-6
    )


def test_mean_interoperability_is_taken_over_tied_dyads_only(model):
    state = model.state
    # 0.9 everywhere but 0.5 on the tied dyads
    interoperability = np.full((5, 5), 0.9)
    for i, j in ((0, 1), (0, 2), (0, 3), (2, 3)):
        interoperability[i, j] = interoperability[j, i] = 0.5
    state.interoperability[...] = interoperability
    assert model_outcomes(state)["mean_interoperability"] == pytest.approx(0.5)
    # per nation over its partners; Elmet has none
    np.testing.assert_allclose(
        nation_outcomes(state, 0)["mean_interoperability"], [0.5, 0.5, 0.5, 0.5, 0.0]
    )


def test_sovereignty_tension_is_the_cost_share_of_cost_and_benefit(model):
    state = model.state
    state.sovereignty_cost_borne[:] = [1.0, 0.0, 0.0, 0.0, 0.0]
    state.benefit_received[:] = [1.0, 1.0, 1.0, 0.0, 0.0]
    outcomes = model_outcomes(state)
    # 1 / (1 + 3)
    assert outcomes["sovereignty_tension"] == pytest.approx(0.25)
    # tension is a column of its own, not part of the stability index
    assert outcomes["stability_index"] == 1.0
    # a net loss counts as no benefit: 1 / (1 + 0)
    state.benefit_received[:] = [-1.0, 0.0, 0.0, 0.0, 0.0]
    assert model_outcomes(state)["sovereignty_tension"] == pytest.approx(1.0)
    # no cost, no tension
    state.sovereignty_cost_borne[:] = 0.0
    assert model_outcomes(state)["sovereignty_tension"] == 0.0


def test_counted_events_are_reported_as_counted_and_no_crisis_means_full_prevention(model):
    state = model.state
    outcomes = model_outcomes(state)
    assert all(outcomes[column] == 0 for column in COUNTED_COLUMNS)
    assert outcomes["conflict_prevention_rate"] == 1.0
    state.counts.update(crises=4, conflicts_prevented=3, conflicts_escalated=1, signings=2)
    outcomes = model_outcomes(state)
    assert outcomes["conflict_prevention_rate"] == pytest.approx(0.75)
    assert (outcomes["crises"], outcomes["signings"], outcomes["conflicts_escalated"]) == (4, 2, 1)


# ---------------------------------------------------------- nation outcomes


def test_memberships_per_nation_count_bilateral_agreements_and_pacts(model):
    counts = memberships_per_nation(model.registry, 5)
    # Avalon: the bilateral and the pact; Brill, Corvel, Dorne one each; Elmet none
    np.testing.assert_array_equal(counts, [2, 1, 1, 1, 0])
    assert counts.tolist() == independent_memberships(model)


def test_memberships_per_nation_follow_the_registry_as_the_world_moves():
    # new bilateral agreements are signed in the first steps; Dorne walks out of the
    # pact at step 2
    data = {
        **TINY_WORLD,
        "events": [{"step": 2, "type": "leave_agreement", "nation": "Dorne", "agreement": "pact"}],
    }
    model = DefenseCooperationModel(scenario_from_dict(data))
    for _ in range(TINY_WORLD["steps"]):
        model.step()
        counts = memberships_per_nation(model.registry, 5)
        assert counts.tolist() == independent_memberships(model)
        np.testing.assert_array_equal(nation_outcomes(model.state, 0)["agreements"], counts)
    assert 3 not in model.registry.by_id["pact"].members
    assert model.registry.active_slots().size > 2


def test_nation_outcomes_of_the_tiny_world(model):
    rows = nation_outcomes(model.state, 7)
    assert set(rows) == set(NATION_COLUMNS) - {"nation", "region"}
    np.testing.assert_array_equal(rows["step"], [7] * 5)
    np.testing.assert_array_equal(rows["degree"], [3, 1, 2, 2, 0])
    np.testing.assert_array_equal(rows["agreements"], [2, 1, 1, 1, 0])
    # deepest tie: Avalon, Corvel and Dorne through the pact (3), Brill the bilateral (2)
    np.testing.assert_array_equal(rows["max_depth"], [3, 2, 3, 3, 0])
    # capabilities 4, 1, 2, 3, 1 of 11
    np.testing.assert_allclose(rows["capability_share"], np.array([4, 1, 2, 3, 1]) / 11)
    assert all(rows[column].size == 5 for column in rows)


def test_outcomes_are_taken_over_the_states_in_the_system():
    # Elmet (untied, capability 1) is not yet a state: four states remain
    data = {**TINY_WORLD, "nations": [dict(n) for n in TINY_WORLD["nations"]]}
    data["nations"][4]["enters"] = 2
    state = DefenseCooperationModel(scenario_from_dict(data)).state
    trust = np.repeat(0.1 * np.arange(1, 6)[:, None], 5, axis=1)
    np.fill_diagonal(trust, 1.0)
    state.trust[...] = trust
    state.reputation[:] = [0.2, 0.4, 0.6, 0.8, 0.0]
    outcomes = model_outcomes(state)
    assert outcomes["states"] == 4
    # 4 tied dyads of 4 x 3 / 2 = 6; partners 3, 1, 2, 2
    assert outcomes["network_density"] == pytest.approx(4 / 6)
    assert outcomes["mean_degree"] == pytest.approx(2.0)
    # (0.1 + 0.2 + 0.3 + 0.4) / 4 among the states; Elmet's 0.5 left out
    assert outcomes["mean_trust"] == pytest.approx(0.25)
    assert outcomes["mean_reputation"] == pytest.approx(0.5)
    rows = nation_outcomes(state, 0)
    np.testing.assert_array_equal(rows["in_system"], [True, True, True, True, False])
    # capabilities 4, 1, 2, 3 of the states' 10; Elmet holds no share
    np.testing.assert_allclose(rows["capability_share"], [0.4, 0.1, 0.2, 0.3, 0.0])
    # mean trust in the other states (three for a state, four for Elmet)
    np.testing.assert_allclose(rows["mean_trust"], [0.1, 0.2, 0.3, 0.4, 0.5], rtol=1e-6)


# ------------------------------------------------------------------- recorder


def test_recording_returns_the_steps_model_outcomes(model):
    recorder = OutcomeRecorder()
    outcomes = recorder.record(model.state, 4)
    assert outcomes == model_outcomes(model.state)
    assert list(outcomes) == list(MODEL_COLUMNS[1:])
    assert len(recorder) == 1


def test_the_model_table_has_one_row_a_record_with_its_step(model):
    recorder = OutcomeRecorder()
    returned = []
    # the step is the caller's word, not a count of records
    for step in (3, 4, 9):
        returned.append(recorder.record(model.state, step))
        model.step()
    table = recorder.model_table()
    assert list(table.columns) == list(MODEL_COLUMNS)
    assert len(table) == len(recorder) == 3
    assert table["step"].tolist() == [3, 4, 9]
    for row, outcomes in zip(table.to_dict("records"), returned):
        assert row == {"step": row["step"], **outcomes}


def test_model_table_columns_are_whole_numbers_for_counts_and_floats_for_measures(model):
    recorder = OutcomeRecorder()
    recorder.record(model.state, 0)
    table = recorder.model_table()
    whole = {
        "step",
        "states",
        *COUNTED_COLUMNS,
        "active_agreements",
        "bilateral_agreements",
        "multilateral_agreements",
        "max_degree",
        "environmental_agreements",
        "nations_with_agreements",
        "components",
    }
    for column in MODEL_COLUMNS:
        expected = np.int64 if column in whole else np.float64
        assert table[column].dtype == expected, column


def test_the_nations_table_has_one_row_a_recorded_step_and_nation(model):
    recorder = OutcomeRecorder()
    for step in (2, 5):
        recorder.record(model.state, step)
        model.step()
    table = recorder.nations_table(NAMES, REGIONS)
    assert list(table.columns) == list(NATION_COLUMNS)
    assert table.shape == (2 * 5, len(NATION_COLUMNS))
    assert table["step"].tolist() == [2] * 5 + [5] * 5
    assert table["nation"].tolist() == NAMES * 2
    assert table["region"].tolist() == REGIONS * 2
    assert pd.api.types.is_string_dtype(table["nation"])
    assert table["degree"].dtype == np.int64
    assert table["capability"].dtype == np.float64


def test_a_recorded_step_keeps_its_values_when_the_state_changes_later(model):
    recorder = OutcomeRecorder()
    state = model.state
    recorder.record(state, 0)
    before = state.capability.copy()
    state.capability *= 2.0
    state.reputation[:] = 0.0
    state.threat[:] = 1.0
    recorder.record(state, 1)
    table = recorder.nations_table(NAMES, REGIONS)
    first = table[table["step"] == 0]
    np.testing.assert_array_equal(first["capability"], before)
    assert (first["reputation"] > 0).all()
    assert (first["threat"] < 1).all()
    np.testing.assert_array_equal(table[table["step"] == 1]["capability"], 2.0 * before)


def test_an_empty_recorder_gives_empty_tables_with_every_column():
    recorder = OutcomeRecorder()
    assert len(recorder) == 0
    model_table = recorder.model_table()
    nations_table = recorder.nations_table(NAMES, REGIONS)
    assert model_table.empty
    assert list(model_table.columns) == list(MODEL_COLUMNS)
    assert nations_table.empty
    assert list(nations_table.columns) == list(NATION_COLUMNS)


def test_the_model_records_its_initial_state_as_step_zero(model):
    assert len(model.recorder) == 1
    assert model.recorder.model_table()["step"].tolist() == [0]
    assert model.outcomes == model_outcomes(model.state)
