"""The record of every event of a run, as the dashboard shows it: filtered by event
type, nation, agreement, reason and outcome, a page at a time, as an HTML table.

The rows are the events table (`EventLog.table`, the `events` file of a run folder),
whatever columns it has: a column added to it is shown without a change here.
"""

from __future__ import annotations

import html
from dataclasses import dataclass, replace

import pandas as pd

# the columns shown first, in this order, under these headings; any other column of
# the table follows them, and `detail` (the event in words) comes last
LEADING_COLUMNS: dict[str, str] = {
    "step": "step",
    "event": "event",
    "agreement_id": "agreement",
    "kind": "kind",
    "sector": "sector",
    "depth": "depth",
    "nation": "nation",
    "other": "other",
    "outcome": "outcome",
    "reason": "reason",
}
LAST_COLUMN = "detail"
ROWS_A_PAGE = 50


@dataclass(frozen=True)
class EventFilter:
    """Which events to show: each field empty shows all. `nation` matches either party
    of an event (`nation` or `other`)."""

    events: tuple[str, ...] = ()
    nation: str = ""
    agreement: str = ""
    reasons: tuple[str, ...] = ()
    outcomes: tuple[str, ...] = ()
    newest_first: bool = True

    def changed(self, **fields) -> EventFilter:
        return replace(self, **fields)

    @property
    def active(self) -> bool:
        return bool(self.events or self.nation or self.agreement or self.reasons or self.outcomes)


def filter_events(table: pd.DataFrame, chosen: EventFilter) -> pd.DataFrame:
    """The rows of `table` that `chosen` lets through, newest or oldest first."""
    keep = pd.Series(True, index=table.index)
    if chosen.events:
        keep &= table["event"].isin(chosen.events)
    if chosen.nation:
        keep &= (table["nation"] == chosen.nation) | (table["other"] == chosen.nation)
    if chosen.agreement:
        keep &= table["agreement_id"] == chosen.agreement
    if chosen.reasons:
        keep &= table["reason"].isin(chosen.reasons)
    if chosen.outcomes:
        keep &= table["outcome"].isin(chosen.outcomes)
    shown = table[keep]
    # the log is in the order things happened: reversing it puts the newest first and
    # keeps a step's events in their order within it, read bottom up
    return shown.iloc[::-1] if chosen.newest_first else shown


def choices(table: pd.DataFrame) -> dict[str, list[str]]:
    """What each filter can choose from: the values the run's events hold, sorted."""

    def present(column: str) -> list[str]:
        return sorted(value for value in table[column].unique().tolist() if value)

    return {
        "events": present("event"),
        "nations": sorted(set(present("nation")) | set(present("other"))),
        "agreements": present("agreement_id"),
        "reasons": present("reason"),
        "outcomes": present("outcome"),
    }


def page_count(rows: int, size: int = ROWS_A_PAGE) -> int:
    return max(1, -(-rows // size))


def page_of(table: pd.DataFrame, page: int, size: int = ROWS_A_PAGE) -> pd.DataFrame:
    """Page `page` (0 first; clamped to the last) of `table`."""
    page = min(max(page, 0), page_count(len(table), size) - 1)
    return table.iloc[page * size : (page + 1) * size]


def shown_columns(table: pd.DataFrame) -> list[str]:
    """The table's columns in the order shown: the known ones, any other, the words."""
    leading = [column for column in LEADING_COLUMNS if column in table.columns]
    others = [c for c in table.columns if c not in LEADING_COLUMNS and c != LAST_COLUMN]
    return leading + others + ([LAST_COLUMN] if LAST_COLUMN in table.columns else [])


def _cell(column: str, value) -> str:
    if value is None or value is pd.NA or (isinstance(value, float) and value != value):
        return ""
    if column == "depth" and value == 0:  # an event with no agreement has no depth
        return ""
    text = str(value)
    if column in ("reason", "outcome", "event"):
        text = text.replace("_", " ")
    return html.escape(text)


def events_html(rows: pd.DataFrame) -> str:
    """`rows` as an HTML table (every value escaped), one row an event."""
    columns = shown_columns(rows)
    head = "".join(
        f'<th class="col-{column}">{html.escape(LEADING_COLUMNS.get(column, column))}</th>'
        for column in columns
    )
    body = []
    for values in zip(*(rows[column].tolist() for column in columns)):
        cells = "".join(
            f'<td class="col-{column}">{_cell(column, value)}</td>'
            for column, value in zip(columns, values)
        )
        body.append(f"<tr>{cells}</tr>")
    return (
        '<table class="event-record"><thead><tr>'
        + head
        + "</tr></thead><tbody>"
        + "".join(body)
        + "</tbody></table>"
    )
