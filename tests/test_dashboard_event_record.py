"""The dashboard's record of every event: filters by type, nation, agreement, reason
and outcome, pages, and the table as HTML (every column the events table has)."""

from __future__ import annotations

import pandas as pd
import pytest

from simulation.dashboard.event_record import (
    ROWS_A_PAGE,
    EventFilter,
    choices,
    events_html,
    filter_events,
    page_count,
    page_of,
    shown_columns,
)
from simulation.dashboard.explorer import ExplorerModel


@pytest.fixture(scope="module")
def events() -> pd.DataFrame:
    model = ExplorerModel("baseline", "")
    for _ in range(20):
        model.step()
    return model.events_table()


def test_every_event_of_the_run_is_kept_not_only_the_newest(events):
    shown = filter_events(events, EventFilter())
    assert len(shown) == len(events) > 1000
    assert shown["step"].iloc[0] == events["step"].max()  # newest first
    oldest = filter_events(events, EventFilter(newest_first=False))
    assert oldest["step"].iloc[0] == events["step"].min()


def test_the_type_filter_keeps_only_the_chosen_event_types(events):
    shown = filter_events(events, EventFilter(events=("exited", "signed")))
    assert set(shown["event"]) == {"exited", "signed"}
    assert len(shown) == events["event"].isin(["exited", "signed"]).sum()


def test_the_nation_filter_keeps_the_events_either_party_of_which_it_is(events):
    shown = filter_events(events, EventFilter(nation="Europe 1"))
    assert len(shown) and ((shown["nation"] == "Europe 1") | (shown["other"] == "Europe 1")).all()
    assert (shown["other"] == "Europe 1").any() and (shown["nation"] == "Europe 1").any()


def test_the_agreement_filter_gives_one_agreements_whole_history(events):
    exited = events[events["event"] == "exited"]["agreement_id"].iloc[0]
    shown = filter_events(events, EventFilter(agreement=exited, newest_first=False))
    assert set(shown["agreement_id"]) == {exited}
    assert shown["event"].iloc[0] == "signed" and "exited" in set(shown["event"])


def test_exit_reasons_are_a_filter_and_answer_why_agreements_ended(events):
    options = choices(events)
    assert {"lapsed", "funding_burden"} <= set(options["reasons"])
    shown = filter_events(events, EventFilter(events=("exited",), reasons=("funding_burden",)))
    assert len(shown) and set(shown["reason"]) == {"funding_burden"}
    assert set(shown["event"]) == {"exited"}


def test_the_outcome_filter_keeps_crises_of_that_outcome(events):
    shown = filter_events(events, EventFilter(outcomes=("escalated",)))
    assert len(shown) and set(shown["event"]) == {"crisis"}
    assert set(shown["outcome"]) == {"escalated"}


def test_the_filters_offer_what_the_run_holds_and_nothing_blank(events):
    options = choices(events)
    assert "crisis" in options["events"] and "" not in options["reasons"]
    assert set(options["nations"]) >= set(events["nation"]) - {""}
    assert options["agreements"] == sorted(set(events["agreement_id"]) - {""})


def test_pages_cover_every_row_once(events):
    pages = page_count(len(events))
    rows = pd.concat([page_of(events, page) for page in range(pages)])
    assert len(rows) == len(events) and page_count(0) == 1
    assert len(page_of(events, pages + 5)) == len(events) - (pages - 1) * ROWS_A_PAGE


def test_the_html_table_shows_each_row_escaped_with_empty_cells_for_no_value():
    rows = pd.DataFrame(
        {
            "step": [3],
            "event": ["crisis"],
            "agreement_id": [""],
            "depth": [0],
            "nation": ["<Atlantis>"],
            "other": ["B & C"],
            "reason": ["funding_burden"],
            "detail": ["crisis between <Atlantis> and B & C"],
        }
    )
    text = events_html(rows)
    assert "&lt;Atlantis&gt;" in text and "B &amp; C" in text and "<Atlantis>" not in text
    assert '<td class="col-depth"></td>' in text  # no agreement, no depth
    assert "funding burden" in text


def test_a_column_the_events_table_gains_is_shown_before_the_words():
    rows = pd.DataFrame(
        {
            "step": [1, 2],
            "event": ["scheduled", "crisis"],
            "detail": ["a crisis forced", "crisis between A and B"],
            "cause": pd.array([0, None], dtype="Int64"),
        }
    )
    assert shown_columns(rows) == ["step", "event", "cause", "detail"]
    text = events_html(rows)
    assert '<th class="col-cause">cause</th>' in text
    assert '<td class="col-cause">0</td>' in text and '<td class="col-cause"></td>' in text
