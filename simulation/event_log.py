"""The record of what happened, in words: signings, deepenings, renewals, exits, crises."""

from __future__ import annotations

from typing import TYPE_CHECKING

import pandas as pd

from simulation.domain import Kind, Sector

if TYPE_CHECKING:
    from simulation.agreements import Agreement

# the plain text of each agreement kind and sector (they are str enums)
TEXT: dict[str, str] = {member: member.value for member in (*Kind, *Sector)}

EVENT_COLUMNS: tuple[str, ...] = (
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

# event: what happened
#   signed, joined, deepened, renewed, exited, ended  -- agreement lifecycle
#   crisis (outcome: prevented / escalated), ally_call (outcome: honoured / reneged)
#   scheduled -- a scenario event took effect (reason: its type)
#   state_entered, state_left -- a nation entered or left the state system
#     (other: the successor of a leaving state, if any)
#   inherited -- a successor took over a leaving state's place in an agreement
#     (nation: the successor, other: the state it succeeds)


class EventLog:
    """Append-only list of events; one row each, every field a plain value."""

    def __init__(self) -> None:
        self.rows: list[tuple] = []

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
    ) -> None:
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

    def table(self) -> pd.DataFrame:
        frame = pd.DataFrame(self.rows, columns=list(EVENT_COLUMNS))
        text = {column: str for column in EVENT_COLUMNS if column not in ("step", "depth")}
        return frame.astype({"step": "int64", "depth": "int64", **text})
