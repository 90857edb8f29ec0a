"""The record of what happened, in words: signings, deepenings, renewals, exits, crises,
and which scenario event caused what."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from simulation.domain import Kind, Sector

if TYPE_CHECKING:
    from simulation.agreements import Agreement

# the plain text of each agreement kind and sector (they are str enums)
TEXT: dict[str, str] = {member: member.value for member in (*Kind, *Sector)}

# a row of the log, as `EventLog.rows` holds it (the lifecycle appends such tuples
# itself when it logs many at once)
ROW_COLUMNS: tuple[str, ...] = (
    "step",
    "event",
    "agreement_id",
    "kind",
    "sector",
    "depth",
    "nation",
    "other",
    "outcome",
    "reason",
    "detail",
)
# the table's columns: a row's, with `cause` before the words
EVENT_COLUMNS: tuple[str, ...] = (*ROW_COLUMNS[:-1], "cause", ROW_COLUMNS[-1])

# event: what happened
#   signed, joined, deepened, renewed, exited, ended  -- agreement lifecycle
#   crisis (outcome: prevented / escalated), ally_call (outcome: honoured / reneged)
#   scheduled -- a scenario event took effect (reason: its type)
# cause: the scenario event behind the row (its index in the run's `events` list) on the
#   `scheduled` row itself and on every row that follows directly from it: the exits,
#   endings and joinings a leave_agreement or join_agreement makes, and the crises a
#   scheduled crisis forces with the ally calls they bring; empty otherwise
#   state_entered, state_left -- a nation entered or left the state system
#     (other: the successor of a leaving state, if any)
#   inherited -- a successor took over a leaving state's place in an agreement
#     (nation: the successor, other: the state it succeeds)


class EventLog:
    """Append-only list of events; one row each, every field a plain value.

    Causes are few (a handful of scheduled events against thousands of rows), so they
    are kept apart from the rows, by row number, and the rows stay plain tuples that
    the lifecycle may extend in bulk.
    """

    def __init__(self) -> None:
        self.rows: list[tuple] = []
        self.causes: dict[int, int] = {}  # row number -> scenario event index

    def add(
        self,
        step: int,
        event: str,
        agreement: Agreement | None = None,
        *,
        nation: str = "",
        other: str = "",
        outcome: str = "",
        reason: str = "",
        detail: str = "",
        cause: int | None = None,
    ) -> None:
        if cause is not None:
            self.causes[len(self.rows)] = cause
        if agreement is None:
            self.rows.append((step, event, "", "", "", 0, nation, other, outcome, reason, detail))
            return
        # kind and sector go in as plain text: a row of plain values is one the garbage
        # collector stops tracking, and the log grows by hundreds of rows a step
        self.rows.append(
            (
                step,
                event,
                agreement.agreement_id,
                TEXT[agreement.kind],
                TEXT[agreement.sector],
                agreement.depth,
                nation,
                other,
                outcome,
                reason,
                detail,
            )
        )

    @contextmanager
    def caused_by(self, cause: int) -> Iterator[None]:
        """Every row logged inside the block, by `add` or appended in bulk, and not
        given a cause of its own, is put down to scenario event `cause`."""
        first = len(self.rows)
        try:
            yield
        finally:
            for row in range(first, len(self.rows)):
                self.causes.setdefault(row, cause)

    def table(self) -> pd.DataFrame:
        frame = pd.DataFrame(self.rows, columns=list(ROW_COLUMNS))
        text = {column: str for column in ROW_COLUMNS if column not in ("step", "depth")}
        frame = frame.astype({"step": "int64", "depth": "int64", **text})
        causes = np.zeros(len(self.rows), dtype=np.int64)
        caused = np.zeros(len(self.rows), dtype=bool)
        if self.causes:
            rows = np.fromiter(self.causes, dtype=np.int64, count=len(self.causes))
            causes[rows] = np.fromiter(self.causes.values(), np.int64, len(self.causes))
            caused[rows] = True
        frame.insert(len(ROW_COLUMNS) - 1, "cause", pd.arrays.IntegerArray(causes, mask=~caused))
        return frame
