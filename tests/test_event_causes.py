"""The events table's `cause`: a scheduled event is linked to the crises, ally calls,
exits and accessions it brings about, and nothing else is put down to it."""

from __future__ import annotations

from simulation.event_log import EVENT_COLUMNS, EventLog
from simulation.model import DefenseCooperationModel
from simulation.scenario import scenario_from_dict
from simulation.tables import all_tables
from tests.conftest import small_world

# force is used in every crisis, and allies always answer: a forced crisis calls them
CERTAIN_FORCE = {"escalation_base": 0.99, "honour_probability": 1.0, "entrapment_aversion": 0.0}


def events_of(data: dict):
    model = DefenseCooperationModel(scenario_from_dict(data))
    for _ in range(data["steps"]):
        model.step()
    return all_tables(model)["events"]


def test_a_forced_crisis_and_the_allies_it_calls_carry_the_index_of_the_event_that_forced_it():
    data = small_world(steps=6, parameters=CERTAIN_FORCE)
    data["events"] = [
        {"step": 2, "type": "capability_surge", "nation": "Dunmore", "factor": 1.1},
        {"step": 4, "type": "crisis", "nations": ["Borealis", "Dunmore"]},
    ]
    events = events_of(data)
    at_4 = events[events["step"] == 4]
    forced = at_4[(at_4["event"] == "crisis") & at_4["nation"].isin(["Borealis", "Dunmore"])]
    forced = forced[forced["other"].isin(["Borealis", "Dunmore"])]
    assert forced["cause"].tolist() == [1]
    # Borealis, the weaker party, calls its allies of the alliance
    calls = at_4[(at_4["event"] == "ally_call") & (at_4["other"] == "Borealis")]
    assert len(calls) >= 3
    assert calls["cause"].tolist() == [1] * len(calls)  # (NA == 1 would pass .all())
    scheduled = events[events["event"] == "scheduled"]
    assert scheduled["cause"].tolist() == [0, 1]
    # every other crisis and call of the run is nobody's scheduled doing
    others = events.drop(forced.index.union(calls.index).union(scheduled.index))
    assert len(others[others["event"] == "crisis"]) > 0
    assert others["cause"].isna().all()


def test_a_regional_crisis_event_is_the_cause_of_every_crisis_it_breaks_out():
    data = small_world(steps=6, parameters={"crisis_rate": 0.0})
    data["events"] = [{"step": 3, "type": "crisis", "region": "South", "severity": 1.0}]
    events = events_of(data)
    crises = events[events["event"] == "crisis"]
    assert len(crises) >= 1 and set(crises["step"]) == {3}
    assert crises["cause"].tolist() == [0] * len(crises)


def test_a_scheduled_withdrawal_puts_the_exit_and_the_agreements_end_down_to_the_event():
    data = small_world(steps=6)
    data["events"] = [
        {"step": 2, "type": "threat_shift", "region": "North", "delta": 0.1},
        {"step": 3, "type": "leave_agreement", "nation": "Caldera", "agreement": "caldera-south"},
    ]
    events = events_of(data)
    ending = events[events["agreement_id"] == "caldera-south"]
    ending = ending[ending["event"].isin(["exited", "ended"])]
    assert ending["event"].tolist() == ["exited", "ended"]
    assert ending["reason"].tolist() == ["scheduled_withdrawal", "scheduled_withdrawal"]
    assert ending["cause"].tolist() == [1, 1]
    # nothing but the two scheduled rows and what the withdrawal did has a cause
    assert events["cause"].notna().sum() == 2 + len(ending)


def test_a_scheduled_accession_puts_the_joining_down_to_the_event():
    data = small_world(steps=5)
    alliance = next(a for a in data["agreements"] if a["id"] == "alliance")
    alliance["exogenous"] = True
    data["events"] = [
        {"step": 3, "type": "join_agreement", "nation": "Dunmore", "agreement": "alliance"}
    ]
    events = events_of(data)
    joined = events[(events["event"] == "joined") & (events["nation"] == "Dunmore")]
    assert joined["cause"].tolist() == [0]


def test_the_cause_column_sits_before_the_words_and_is_a_nullable_whole_number():
    log = EventLog()
    log.add(1, "crisis", nation="A", other="B")
    log.add(2, "crisis", nation="A", other="B", cause=4)
    table = log.table()
    assert list(table.columns) == list(EVENT_COLUMNS)
    assert list(table.columns)[-2:] == ["cause", "detail"]
    assert str(table["cause"].dtype) == "Int64"
    assert table["cause"].isna().tolist() == [True, False]
    assert table["cause"].iloc[1] == 4


def test_rows_logged_inside_caused_by_are_put_down_to_it_even_when_appended_in_bulk():
    log = EventLog()
    log.add(1, "signed")
    with log.caused_by(2):
        log.add(3, "exited")
        log.rows.append((3, "ended", "", "", "", 0, "", "", "", "", ""))  # as the lifecycle does
        log.add(3, "crisis", cause=5)  # a cause of its own stands
    log.add(4, "signed")
    assert log.table()["cause"].tolist()[1:4] == [2, 2, 5]
    assert log.table()["cause"].isna().tolist() == [True, False, False, False, True]
