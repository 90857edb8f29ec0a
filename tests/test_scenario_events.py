"""Scheduled scenario events do what the scenario format says they do."""

from __future__ import annotations

import numpy as np
import pytest

from simulation.model import DefenseCooperationModel
from simulation.scenario import scenario_from_dict
from simulation.tables import all_tables
from tests.conftest import small_world

SEEDS = (1, 2, 3, 4, 5)


def run(data: dict) -> DefenseCooperationModel:
    model = DefenseCooperationModel(scenario_from_dict(data))
    for _ in range(data["steps"]):
        model.step()
    return model


def without_events(**changes) -> dict:
    data = small_world(**changes)
    data["events"] = []
    return data


def test_a_sovereignty_shift_brings_exits_and_shallower_agreements_afterwards():
    exits_with, exits_without, depth_with, depth_without = [], [], [], []
    for seed in SEEDS:
        base = without_events(seed=seed, steps=30)
        shifted = without_events(seed=seed, steps=30)
        shifted["events"] = [
            {"step": 15, "type": "sovereignty_shift", "region": region, "delta": 0.5}
            for region in ("North", "South", "East")
        ]
        for data, exits, depth in (
            (base, exits_without, depth_without),
            (shifted, exits_with, depth_with),
        ):
            table = all_tables(run(data))["model"]
            after = table[table["step"] >= 15]
            exits.append(after["exits"].sum())
            depth.append(after["mean_depth"].iloc[-1])
    assert np.mean(exits_with) > np.mean(exits_without)
    assert np.mean(depth_with) < np.mean(depth_without)


def test_a_rising_threat_brings_more_signings():
    calm, tense = [], []
    for seed in SEEDS:
        base = without_events(seed=seed, steps=30)
        rising = without_events(seed=seed, steps=30)
        rising["events"] = [
            {"step": 5, "type": "threat_shift", "region": region, "delta": 0.4}
            for region in ("North", "South", "East")
        ]
        calm.append(all_tables(run(base))["model"]["signings"].sum())
        tense.append(all_tables(run(rising))["model"]["signings"].sum())
    assert np.mean(tense) > np.mean(calm)


def test_a_scheduled_withdrawal_removes_the_member_and_is_recorded_with_its_reason():
    data = without_events(steps=10)  # a leaver may not apply again for five steps
    data["events"] = [
        {"step": 6, "type": "leave_agreement", "nation": "Borealis", "agreement": "alliance"}
    ]
    model = run(data)
    tables = all_tables(model)
    alliance = model.registry.by_id["alliance"]
    assert model.names.index("Borealis") not in alliance.members
    exits = tables["events"].query("event == 'exited' and agreement_id == 'alliance'")
    withdrawal = exits[exits["nation"] == "Borealis"]
    assert withdrawal["reason"].tolist() == ["scheduled_withdrawal"]
    assert withdrawal["step"].tolist() == [6]
    spell = tables["memberships"].query("agreement_id == 'alliance' and nation == 'Borealis'")
    assert spell["left_step"].tolist() == [6]


def test_a_capability_surge_multiplies_the_nations_capability_at_its_step():
    base = without_events(steps=10)
    surge = without_events(steps=10)
    surge["events"] = [{"step": 5, "type": "capability_surge", "nation": "Dunmore", "factor": 3.0}]
    before = all_tables(run(base))["nations"].query("nation == 'Dunmore' and step == 5")
    after = all_tables(run(surge))["nations"].query("nation == 'Dunmore' and step == 5")
    ratio = after["capability"].iloc[0] / before["capability"].iloc[0]
    assert 2.5 < ratio < 3.5


def test_a_regional_crisis_event_breaks_out_crises_and_raises_threat_in_that_region():
    data = without_events(steps=8)
    data["parameters"] = {"crisis_rate": 0.0}  # only the scheduled crisis can happen
    data["events"] = [{"step": 4, "type": "crisis", "region": "South", "severity": 1.0}]
    tables = all_tables(run(data))
    crises = tables["events"].query("event == 'crisis'")
    assert set(crises["step"]) == {4}
    south = set(tables["nations"].query("region == 'South'")["nation"])
    assert set(crises["nation"]) <= south and set(crises["other"]) <= south
    threat = (
        tables["nations"]
        .query("step in (3, 4)")
        .pivot_table(index="region", columns="step", values="threat")
    )
    assert threat.loc["South", 4] > min(threat.loc["South", 3] + 0.5, 0.99)
    assert abs(threat.loc["North", 4] - threat.loc["North", 3]) < 0.1


def test_an_agreement_signed_before_the_run_expires_at_the_end_of_its_running_term():
    data = without_events(steps=10)
    data["agreements"].append(
        {"id": "old", "members": ["Caldera", "South 2"], "signed_step": -12, "term": 5}
    )
    model = DefenseCooperationModel(scenario_from_dict(data))
    # signed at -12 with a 5-step term: terms end at -7, -2, then 3
    assert model.registry.by_id["old"].expires_step == 3


def test_two_agreements_between_the_same_pair_tie_them_at_the_deeper_one():
    data = without_events(steps=1)
    data["agreements"].append(
        {
            "id": "second",
            "members": ["Caldera", "South 1"],
            "depth": 4,
            "sector": "basing",
            "alliance": True,
        }
    )
    model = DefenseCooperationModel(scenario_from_dict(data))
    caldera, partner = model.names.index("Caldera"), model.names.index("South 1")
    assert model.state.tie_depth[caldera, partner] == model.state.tie_depth[partner, caldera] == 4
    assert model.state.obligation[caldera, partner]
    assert model.state.training_depth[caldera, partner] == 4.0  # basing opens training fully


def test_a_name_with_a_semicolon_is_refused_because_member_lists_use_it(tmp_path):
    import pytest

    from simulation.scenario import load_scenario
    from simulation.scenario_files import ScenarioError

    path = tmp_path / "semicolon.yaml"
    path.write_text(
        "name: t\nregions:\n  - name: North\n    nations: 2\nnations:\n"
        "  - name: 'A;B'\n    region: North\n    capability: 1\n"
    )
    with pytest.raises(
        ScenarioError, match=r"nations\[0\]\.name \(line 6\): expected a name without ';'"
    ):
        load_scenario(path)


def exogenous_alliance(data: dict) -> dict:
    """`data` with its alliance an input: members change only by events."""
    alliance = next(a for a in data["agreements"] if a["id"] == "alliance")
    alliance["exogenous"] = True
    return data


def dca_pact(data: dict) -> dict:
    """`data` with its alliance an ordinary DCA pact at its highest rung (3)."""
    alliance = next(a for a in data["agreements"] if a["id"] == "alliance")
    alliance.update(alliance=False, depth=3)
    return data


def alliance_history(model: DefenseCooperationModel) -> tuple[list, list, list]:
    """The alliance's members at the end, and its join and exit events."""
    events = all_tables(model)["events"].query("agreement_id == 'alliance'")
    alliance = model.registry.by_id["alliance"]
    joined = events.query("event == 'joined'")[["step", "nation"]].values.tolist()
    exited = events.query("event == 'exited'")[["step", "nation", "reason"]].values.tolist()
    return sorted(model.names[m] for m in alliance.members), joined, exited


def accession(step: int, nation: str) -> dict:
    return {"step": step, "type": "join_agreement", "nation": nation, "agreement": "alliance"}


def test_a_scheduled_accession_makes_the_nation_a_member_from_its_step():
    data = exogenous_alliance(without_events(steps=8))
    data["events"] = [accession(4, "Dunmore")]
    model = run(data)
    members, joined, exited = alliance_history(model)
    assert "Dunmore" in members
    assert joined == [[4, "Dunmore"]]
    spell = all_tables(model)["memberships"].query(
        "agreement_id == 'alliance' and nation == 'Dunmore'"
    )
    assert spell["joined_step"].tolist() == [4]
    assert spell["left_step"].isna().all()
    # from its step the new member is tied to every other member
    index = model.names.index("Dunmore")
    others = [m for m in model.registry.by_id["alliance"].members if m != index]
    assert model.state.ties[index, others].all()


def test_an_accession_by_a_member_changes_nothing_and_says_so():
    data = exogenous_alliance(without_events(steps=6))
    data["events"] = [accession(3, "Borealis")]
    model = run(data)
    _, joined, _ = alliance_history(model)
    assert joined == []
    scheduled = all_tables(model)["events"].query("event == 'scheduled' and step == 3")
    assert scheduled["detail"].str.contains("already a member").all() and len(scheduled) == 1


@pytest.mark.parametrize(
    ("funding_cost", "moves"),
    [(0.0, "joined"), (0.9, "exited")],
    ids=["free membership draws applicants", "costly membership drives members out"],
)
def test_an_exogenous_pact_keeps_its_members_when_the_model_would_change_them(funding_cost, moves):
    """Free membership brings outsiders into an ordinary pact, costly membership drives
    its members out; an exogenous pact keeps exactly its listed members either way. (The
    pact is a DCA pact here: an alliance keeps its members whether exogenous or not.)"""
    start = sorted(["Atlantia", "Borealis", "North 1", "North 2", "North 3"])
    moved = 0
    for seed in SEEDS[:3]:
        changes = {"seed": seed, "steps": 15, "parameters": {"funding_cost": funding_cost}}
        _, joined, exited = alliance_history(run(dca_pact(without_events(**changes))))
        moved += len(joined if moves == "joined" else exited)
        members, joined, exited = alliance_history(
            run(exogenous_alliance(dca_pact(without_events(**changes))))
        )
        assert members == start and joined == [] and exited == []
    assert moved > 0  # the rules would have changed the ordinary pact


def test_an_exogenous_pact_is_neither_deepened_nor_stepped_down():
    depths_ordinary, depths_exogenous = set(), set()
    for seed in SEEDS[:3]:
        for data, depths in (
            (without_events(seed=seed, steps=15), depths_ordinary),
            (exogenous_alliance(without_events(seed=seed, steps=15)), depths_exogenous),
        ):
            alliance = next(a for a in data["agreements"] if a["id"] == "alliance")
            alliance.update(depth=2, alliance=False)  # a DCA pact, with rungs to climb
            data["parameters"] = {"deepening_rate": 1.0, "deepening_trust_threshold": 0.0}
            model = run(data)
            depths |= {depth for _, depth in model.registry.by_id["alliance"].depth_history}
    assert depths_exogenous == {2}
    assert depths_ordinary != {2}


def test_a_state_leaving_the_system_leaves_an_exogenous_pact_too():
    data = exogenous_alliance(without_events(steps=8))
    borealis = next(n for n in data["nations"] if n["name"] == "Borealis")
    borealis["leaves"] = 5
    members, _, exited = alliance_history(run(data))
    assert "Borealis" not in members
    assert exited == [[5, "Borealis", "state_ended"]]
