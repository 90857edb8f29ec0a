"""The event log on its own: one row of plain values per event, with the agreement's id,
kind, sector and depth when an agreement is named, and a table of fixed columns and dtypes
even when nothing happened."""

from __future__ import annotations

import gc

import pytest

from simulation.agreements import AgreementRegistry
from simulation.domain import FundingSplit, Kind, Sector
from simulation.event_log import EVENT_COLUMNS, EventLog

TEXT_COLUMNS = [c for c in EVENT_COLUMNS if c not in ("step", "depth", "cause")]


@pytest.fixture
def pact():
    registry = AgreementRegistry()
    return registry.sign(
        agreement_id="M00004",
        name="a northern pact",
        kind=Kind.MULTILATERAL,
        sector=Sector.INTELLIGENCE,
        depth=3,
        members=[0, 1, 2],
        dispute_resolution=False,
        funding=FundingSplit.EQUAL,
        term=10,
        signed_step=2,
        expires_step=12,
    )


def test_an_event_without_an_agreement_has_empty_agreement_fields_and_depth_zero():
    log = EventLog()

    log.add(7, "crisis", nation="Atlantia", other="Borealis", outcome="prevented")

    assert log.rows == [(7, "crisis", "", "", "", 0, "Atlantia", "Borealis", "prevented", "", "")]


def test_an_event_with_an_agreement_records_its_id_kind_sector_and_depth(pact):
    log = EventLog()

    log.add(5, "joined", pact, nation="North 3", reason="threat", detail="by vote")

    assert log.rows == [
        (
            5,
            "joined",
            "M00004",
            "multilateral",
            "intelligence",
            3,
            "North 3",
            "",
            "",
            "threat",
            "by vote",
        )
    ]


def test_an_event_records_the_depth_at_the_time_it_is_added(pact):
    log = EventLog()
    log.add(2, "signed", pact)

    pact.registry.set_depth(pact, 4, step=6)
    log.add(6, "deepened", pact)

    assert [row[5] for row in log.rows] == [3, 4]


def test_a_row_holds_plain_values_only_so_the_garbage_collector_can_stop_tracking_it(pact):
    log = EventLog()
    log.add(2, "signed", pact)

    row = log.rows[0]

    assert {type(value) for value in row} == {int, str}
    assert type(row[3]) is str and type(row[4]) is str  # not the Kind and Sector enums
    gc.collect()
    assert not gc.is_tracked(row)


def test_the_table_has_the_event_columns_in_order_and_one_row_per_event(pact):
    log = EventLog()
    log.add(1, "crisis", nation="A", other="B", outcome="escalated")
    log.add(2, "signed", pact, nation="A")
    log.add(3, "ended", pact, reason="dissolved")

    table = log.table()

    assert list(table.columns) == list(EVENT_COLUMNS)
    assert table["step"].tolist() == [1, 2, 3]
    assert table["event"].tolist() == ["crisis", "signed", "ended"]
    assert table["agreement_id"].tolist() == ["", "M00004", "M00004"]
    assert table["kind"].tolist() == ["", "multilateral", "multilateral"]
    assert table["depth"].tolist() == [0, 3, 3]
    assert table["reason"].tolist() == ["", "", "dissolved"]


def test_the_table_has_integer_step_depth_and_cause_and_text_everywhere_else(pact):
    log = EventLog()
    log.add(1, "crisis", nation="A", other="B")
    log.add(2, "signed", pact)

    table = log.table()

    assert table["step"].dtype == "int64"
    assert table["depth"].dtype == "int64"
    assert str(table["cause"].dtype) == "Int64"  # empty (null) without a scheduled cause
    for column in TEXT_COLUMNS:
        assert table[column].map(type).eq(str).all(), column


def test_an_empty_log_gives_an_empty_table_with_the_same_columns_and_dtypes():
    table = EventLog().table()

    assert table.empty
    assert list(table.columns) == list(EVENT_COLUMNS)
    assert table["step"].dtype == "int64"
    assert table["depth"].dtype == "int64"
    filled = EventLog()
    filled.add(1, "crisis")
    assert table.dtypes.equals(filled.table().dtypes)
