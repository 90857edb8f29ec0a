"""States born and gone, and changes scheduled over time, in whole runs."""

from __future__ import annotations

import dataclasses

import numpy as np
import pytest

from simulation import lifecycle, load_scenario
from simulation.mechanisms import capability as capability_mechanism
from simulation.model import DefenseCooperationModel
from simulation.parameters import FIXED_AT_START, Parameters
from simulation.scenario import scenario_from_dict
from simulation.state import WorldState, weighed_homophily
from simulation.tables import all_tables
from simulation.world import build_world
from tests.conftest import small_world


def model_of(data: dict) -> DefenseCooperationModel:
    return DefenseCooperationModel(scenario_from_dict(data))


def run(data: dict, steps: int | None = None) -> DefenseCooperationModel:
    model = model_of(data)
    for _ in range(steps if steps is not None else data["steps"]):
        model.step()
    return model


def listed(data: dict, name: str) -> dict:
    return next(nation for nation in data["nations"] if nation["name"] == name)


# ------------------------------------------------------------- states entering


def with_newcomer(enters: int, steps: int = 12) -> dict:
    data = small_world(steps=steps, events=[])
    data["nations"].append(
        {"name": "Newland", "region": "North", "capability": 6.0, "enters": enters}
    )
    return data


def test_a_nation_entering_at_step_3_signs_and_joins_nothing_before_3_and_does_after():
    tables = all_tables(run(with_newcomer(3)))
    events = tables["events"]
    involved = events[(events["nation"] == "Newland") | (events["other"] == "Newland")]
    assert involved["step"].min() == 3
    assert events.query("event == 'state_entered'")[["step", "nation"]].values.tolist() == [
        [3, "Newland"]
    ]
    spells = tables["memberships"].query("nation == 'Newland'")
    assert not spells.empty, "the newcomer should sign once it is a state"
    assert spells["joined_step"].min() >= 3
    nations = tables["nations"].query("nation == 'Newland'")
    assert nations["in_system"].tolist() == [step >= 3 for step in nations["step"]]
    assert (nations.query("step < 3")["degree"] == 0).all()


def test_a_newcomer_is_in_no_crisis_before_it_enters():
    data = with_newcomer(8, steps=10)
    data["rivalries"].append({"nations": ["Newland", "Atlantia"], "intensity": 1.0})
    data["parameters"] = {"crisis_rate": 1.0}
    events = all_tables(run(data))["events"]
    crises = events[
        (events["event"] == "crisis") & (events[["nation", "other"]] == "Newland").any(axis=1)
    ]
    assert not crises.empty, "full rivalry at crisis rate 1 should bring crises once in"
    assert crises["step"].min() >= 8


def test_the_baseline_is_where_an_entering_nations_trust_starts():
    model = model_of(with_newcomer(3))
    state = model.state
    newcomer = model.names.index("Newland")
    state.trust[newcomer] = 0.0  # as if something had moved it while outside
    state.trust[:, newcomer] = 0.0
    state.interoperability[newcomer, 0] = 0.5
    lifecycle.enter_system(state, newcomer, 3)
    np.testing.assert_array_equal(state.trust[newcomer], state.trust_baseline[newcomer])
    np.testing.assert_array_equal(state.trust[:, newcomer], state.trust_baseline[:, newcomer])
    assert state.interoperability[newcomer, 0] == 0.0


# ------------------------------------------------------------- states leaving


def with_leaver(successor: str | None, leaves: int = 6, steps: int = 10) -> dict:
    data = small_world(steps=steps, events=[])
    listed(data, "Borealis")["leaves"] = leaves
    if successor is not None:
        listed(data, "Borealis")["successor"] = successor
    return data


def agreements_of(model: DefenseCooperationModel, nation: str) -> list:
    return model.registry.of_nation(model.names.index(nation))


def test_a_leaving_states_agreements_pass_to_its_successor_with_event_rows():
    data = with_leaver("Atlantia")
    model = run(data, steps=5)
    before = {a.agreement_id: list(a.members) for a in agreements_of(model, "Borealis")}
    atlantia_before = {a.agreement_id for a in agreements_of(model, "Atlantia")}
    borealis, atlantia = model.names.index("Borealis"), model.names.index("Atlantia")
    model.step()  # step 6: Borealis is gone
    tables = all_tables(model)
    events = tables["events"].query("step == 6")
    inherited = events.query("event == 'inherited'")
    ended = events.query("event == 'exited' and nation == 'Borealis'")
    assert set(inherited["agreement_id"]) | set(ended["agreement_id"]) == set(before)
    assert not inherited.empty and (inherited["nation"] == "Atlantia").all()
    assert (inherited["other"] == "Borealis").all()
    assert (ended["reason"] == "state_ended").all()
    for agreement_id in inherited["agreement_id"]:
        agreement = model.registry.by_id[agreement_id]
        assert agreement.active
        assert atlantia in agreement.members and borealis not in agreement.members
        spells = tables["memberships"].query(f"agreement_id == '{agreement_id}'")
        assert spells.query("nation == 'Borealis'")["left_step"].tolist() == [6]
        assert 6 in spells.query("nation == 'Atlantia'")["joined_step"].tolist()
    # an agreement with the successor itself, or one it already holds, ends
    for agreement_id in ended["agreement_id"]:
        partners = set(before[agreement_id]) - {borealis}
        duplicate = any(
            set(model.registry.by_id[other].members) >= partners | {atlantia}
            and model.registry.by_id[other].sector == model.registry.by_id[agreement_id].sector
            for other in atlantia_before
        )
        assert atlantia in partners or duplicate or agreement_id == "alliance"
    assert events.query("event == 'state_left'")[["nation", "other"]].values.tolist() == [
        ["Borealis", "Atlantia"]
    ]
    assert not agreements_of(model, "Borealis")


def test_the_successor_takes_over_the_leavers_trust_where_it_exceeds_its_own():
    model = run(with_leaver("Atlantia"), steps=5)
    state = model.state
    borealis, atlantia = model.names.index("Borealis"), model.names.index("Atlantia")
    expected = np.maximum(state.trust[atlantia], state.trust[borealis])
    lifecycle.leave_system(state, borealis, 6, atlantia)
    others = [k for k in range(state.size) if k not in (borealis, atlantia)]
    np.testing.assert_array_equal(state.trust[atlantia, others], expected[others])
    assert not state.in_system[borealis]


def test_without_a_successor_a_leaving_states_agreements_end_state_ended():
    model = run(with_leaver(None), steps=5)
    held = {a.agreement_id: a.kind.value for a in agreements_of(model, "Borealis")}
    assert "alliance" in held
    model.step()
    events = all_tables(model)["events"].query("step == 6")
    exits = events.query("event == 'exited' and nation == 'Borealis'")
    assert set(exits["agreement_id"]) == set(held)
    assert (exits["reason"] == "state_ended").all()
    assert events.query("event == 'inherited'").empty
    for agreement_id, kind in held.items():
        agreement = model.registry.by_id[agreement_id]
        if kind == "bilateral":
            assert agreement.end_reason.value == "state_ended"
        else:  # it leaves the pact, which goes on with the others
            assert agreement.active and model.names.index("Borealis") not in agreement.members
    assert not agreements_of(model, "Borealis")


def test_a_gone_state_signs_nothing_and_has_no_crisis_after_it_leaves():
    data = with_leaver(None, leaves=4, steps=12)
    data["rivalries"].append({"nations": ["Borealis", "Caldera"], "intensity": 1.0})
    events = all_tables(run(data))["events"]
    after = events[(events["step"] > 4) & (events[["nation", "other"]] == "Borealis").any(axis=1)]
    assert after.empty, after


def test_outcomes_count_only_the_states_in_the_system():
    data = with_leaver(None, leaves=4, steps=8)
    data["nations"].append({"name": "Newland", "region": "East", "capability": 3.0, "enters": 6})
    tables = all_tables(run(data))
    model, nations = tables["model"], tables["nations"]
    total = nations["nation"].nunique()
    expected_states = [total - 1] * 4 + [total - 2] * 2 + [total - 1] * 3
    assert model["states"].tolist() == expected_states
    for step, rows in nations.groupby("step"):
        states = rows[rows["in_system"]]
        m = len(states)
        row = model.set_index("step").loc[step]
        assert row["states"] == m
        assert row["mean_degree"] == pytest.approx(states["degree"].mean())
        assert row["network_density"] == pytest.approx(states["degree"].sum() / (m * (m - 1)))
        assert row["capability_gini"] == pytest.approx(
            capability_mechanism.gini(states["capability"].to_numpy())
        )
        assert states["capability_share"].sum() == pytest.approx(1.0)
        assert (rows[~rows["in_system"]]["capability_share"] == 0).all()


def test_with_every_nation_a_state_the_states_column_is_the_number_of_nations():
    tables = all_tables(run(small_world(steps=3, events=[])))
    assert (tables["model"]["states"] == 32).all()
    assert tables["nations"]["in_system"].all()


# ------------------------------------------------------------- changes over time


def with_events(*events: dict, steps: int = 12) -> dict:
    data = small_world(steps=steps)
    data["events"] = list(events)
    return data


def test_a_threat_shift_over_four_steps_reaches_the_full_delta_at_step_s_plus_3():
    data = with_events(
        {
            "step": 3,
            "type": "threat_shift",
            "nations": ["Dunmore", "North 2"],
            "delta": 0.4,
            "over": 4,
        }
    )
    model = model_of(data)
    targets = [model.names.index("Dunmore"), model.names.index("North 2")]
    start = model.state.base_threat[targets].copy()
    seen = []
    for _ in range(8):
        model.step()
        seen.append(model.state.base_threat[targets] - start)
    expected = [0.0, 0.0, 0.1, 0.2, 0.3, 0.4, 0.4, 0.4]  # steps 1 .. 8
    for step, shift in enumerate(seen, start=1):
        np.testing.assert_allclose(shift, expected[step - 1], atol=1e-12, err_msg=f"step {step}")


def test_a_sovereignty_shift_over_four_steps_is_phased_in_the_nations_table():
    data = with_events(
        {"step": 2, "type": "sovereignty_shift", "region": "East", "delta": -0.2, "over": 4}
    )
    nations = all_tables(run(data, steps=7))["nations"]
    east = nations[nations["region"] == "East"].pivot(
        index="step", columns="nation", values="sovereignty_sensitivity"
    )
    # clipped at 0 where a nation has less to lose; the others move 0.05 a step
    change = east.diff().dropna()
    moving = east.columns[(east.loc[0] >= 0.2)]
    assert len(moving) > 0
    np.testing.assert_allclose(change.loc[[2, 3, 4, 5], moving], -0.05, atol=1e-12)
    np.testing.assert_allclose(change.loc[[1, 6, 7], moving], 0.0)


def test_a_parameter_change_of_an_integer_parameter_phases_in_whole_numbers():
    data = with_events(
        {
            "step": 3,
            "type": "parameter_change",
            "parameter": "diplomatic_capacity",
            "value": 6,
            "over": 4,
        }
    )
    model = model_of(data)
    seen = []
    for _ in range(8):
        model.step()
        seen.append(model.parameters.diplomatic_capacity)
    assert seen == [2, 2, 3, 4, 5, 6, 6, 6]
    assert all(type(value) is int for value in seen)
    assert model.state.scenario.parameters.diplomatic_capacity == 2  # not shared
    logged = all_tables(model)["events"].query("reason == 'parameter_change'")
    assert logged["step"].tolist() == [3]


def test_a_parameter_change_of_a_float_parameter_moves_it_and_its_effect():
    data = with_events(
        {"step": 2, "type": "parameter_change", "parameter": "crisis_rate", "value": 1.0}
    )
    model = run(data, steps=8)
    assert model.parameters.crisis_rate == 1.0
    quiet = run(with_events(steps=8), steps=8)
    crises = all_tables(model)["model"]["crises"].sum()
    assert crises > all_tables(quiet)["model"]["crises"].sum()


def test_a_later_change_of_the_same_parameter_takes_over_from_the_unfinished_one():
    data = with_events(
        {
            "step": 2,
            "type": "parameter_change",
            "parameter": "deepening_rate",
            "value": 0.7,
            "over": 4,
        },
        {"step": 3, "type": "parameter_change", "parameter": "deepening_rate", "value": 0.1},
    )
    model = run(data, steps=8)
    assert model.parameters.deepening_rate == pytest.approx(0.1)


def test_runs_of_one_scenario_do_not_share_their_parameters():
    scenario = scenario_from_dict(
        with_events(
            {"step": 1, "type": "parameter_change", "parameter": "negotiation_cost", "value": 1.0}
        )
    )
    first = DefenseCooperationModel(scenario)
    first.step()
    second = DefenseCooperationModel(scenario)
    assert first.parameters.negotiation_cost == 1.0
    assert second.parameters.negotiation_cost == scenario.parameters.negotiation_cost == 0.05


def test_a_homophily_weight_change_reweighs_the_cached_homophily():
    data = with_events(
        {"step": 2, "type": "parameter_change", "parameter": "homophily_weight", "value": 3.0}
    )
    model = run(data, steps=2)
    state = model.state
    np.testing.assert_array_equal(state.homophily, weighed_homophily(state.alignment, 3.0))


def numeric_parameters() -> list[str]:
    fields = Parameters.model_fields
    return [name for name, info in fields.items() if info.annotation in (int, float)]


def other_value(name: str) -> float | int:
    """A value of the parameter within its bounds, other than its default."""
    default = Parameters.model_fields[name].default
    integer = Parameters.model_fields[name].annotation is int
    for candidate in (default * 1.5 + 0.1, default * 0.5, default + 1, default - 1, 0.0):
        value = round(candidate) if integer else candidate
        if value == default:
            continue
        try:
            Parameters(**{name: value})
        except ValueError:
            continue
        return value
    raise AssertionError(f"no other value found for {name}")


MOVABLE = [name for name in numeric_parameters() if name not in FIXED_AT_START]


@pytest.mark.parametrize("name", MOVABLE)
def test_every_cache_a_parameter_feeds_is_refreshed_when_it_changes(name):
    """What `WorldState.from_world` derives from a parameter matches, after a change of
    it during the run, what a run started with the new value derives."""
    value = other_value(name)
    before = scenario_from_dict(small_world())
    after = scenario_from_dict(small_world(parameters={name: value}))
    changed = WorldState.from_world(
        before, build_world(before, np.random.default_rng(1)), np.random.default_rng(1)
    )
    setattr(changed.parameters, name, value)
    changed.refresh_parameter_caches()
    fresh = WorldState.from_world(
        after, build_world(after, np.random.default_rng(1)), np.random.default_rng(1)
    )
    for field in dataclasses.fields(WorldState):
        mine, theirs = getattr(changed, field.name), getattr(fresh, field.name)
        if isinstance(mine, np.ndarray):
            np.testing.assert_array_equal(mine, theirs, err_msg=field.name)


class RecordingParameters:
    """Parameters that note which of them are read."""

    def __init__(self, parameters: Parameters, read: set[str]):
        object.__setattr__(self, "_parameters", parameters)
        object.__setattr__(self, "_read", read)

    def __getattr__(self, name: str):
        self._read.add(name)
        return getattr(self._parameters, name)

    def __setattr__(self, name: str, value) -> None:
        setattr(self._parameters, name, value)


def test_every_parameter_a_change_may_move_is_read_during_the_steps():
    """A parameter read only at the start would ignore a `parameter_change`: those are
    refused (`FIXED_AT_START`); every other one is read by the step."""
    read: set[str] = set()
    for preset in ("baseline", "pact_exit"):
        scenario = load_scenario(f"scenarios/{preset}.yaml")
        model = DefenseCooperationModel(scenario)
        model.state.parameters = RecordingParameters(model.state.parameters, read)
        for _ in range(scenario.steps):
            model.step()
        # what is weighed once and kept (the affinity matrices) is rebuilt on a change
        model.state.refresh_parameter_caches()
    # where negotiations drag on (no preset has them), reorientation is read too: at a
    # conclusion rate of 1 every proposal concludes, however hard a state negotiates
    scenario = load_scenario(
        "scenarios/baseline.yaml", {"steps": 3, "conclusion_rate": 0.5, "reorientation_years": 3}
    )
    model = DefenseCooperationModel(scenario)
    model.state.parameters = RecordingParameters(model.state.parameters, read)
    for _ in range(scenario.steps):
        model.step()
    # in a world with locations, the distance parameters too (no preset has them yet)
    from simulation.scenario import Location

    scenario = load_scenario("scenarios/baseline.yaml", {"steps": 1})
    located = scenario.model_copy(
        update={
            "regions": [
                region.model_copy(update={"location": Location(latitude=10.0 * k, longitude=0.0)})
                for k, region in enumerate(scenario.regions)
            ]
        }
    )
    model = DefenseCooperationModel(located)
    model.state.parameters = RecordingParameters(model.state.parameters, read)
    model.state.refresh_parameter_caches()
    assert set(MOVABLE) - read == set()
    assert FIXED_AT_START & read == set()


def test_a_regions_agreement_in_force_leaves_out_its_nations_not_yet_states():
    data = small_world(steps=3, events=[])
    data["nations"].append({"name": "Newland", "region": "East", "capability": 1.0, "enters": 2})
    data["agreements"].append({"id": "east-forum", "kind": "multilateral", "regions": ["East"]})
    model = model_of(data)
    forum = model.registry.by_id["east-forum"]
    assert model.names.index("Newland") not in forum.members
    assert len(forum.members) == 9  # Dunmore and the eight generated nations of East


def test_two_states_uniting_into_a_new_one_leave_it_their_agreements_but_not_their_own():
    # North and South Yemen unite: both leave at step 4 with Yemen, born at 4, succeeding
    data = small_world(steps=6, events=[])
    data["nations"] += [
        {
            "name": "North Yemen",
            "region": "South",
            "capability": 1.0,
            "leaves": 4,
            "successor": "Yemen",
        },
        {
            "name": "South Yemen",
            "region": "South",
            "capability": 1.0,
            "leaves": 4,
            "successor": "Yemen",
        },
        {"name": "Yemen", "region": "South", "capability": 2.0, "enters": 4},
    ]
    data["agreements"] += [
        {"id": "yemeni", "members": ["North Yemen", "South Yemen"]},
        {"id": "north-caldera", "members": ["North Yemen", "Caldera"], "sector": "training"},
        {"id": "south-caldera", "members": ["South Yemen", "Caldera"], "sector": "training"},
    ]
    model = run(data, steps=4)
    registry, yemen = model.registry, model.names.index("Yemen")
    # the agreement between the two parts: it passes to Yemen from the first, and then
    # would be an agreement of Yemen with itself: it ends
    assert registry.by_id["yemeni"].end_reason.value == "state_ended"
    # Caldera's: the first passes, the second would duplicate it (same sector): it ends
    assert registry.by_id["north-caldera"].active
    assert yemen in registry.by_id["north-caldera"].members
    assert registry.by_id["south-caldera"].end_reason.value == "state_ended"
    left = all_tables(model)["events"].query("event == 'state_left'")
    assert left[["nation", "other"]].values.tolist() == [
        ["North Yemen", "Yemen"],
        ["South Yemen", "Yemen"],
    ]
