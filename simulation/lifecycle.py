"""Changes to agreements as the phases make them: each applied to the registry,
counted in the step's outcomes and written to the event log, in one place.

Signing, deepening, stepping down, renewing and leaving happen in several phases
(a scheduled withdrawal is an event of the environment; pacts are founded beside
bilateral signings); whichever phase makes a change, it is recorded the same way.
"""

from __future__ import annotations

from itertools import repeat
from operator import itemgetter

import numpy as np

from simulation.agreements import Agreement
from simulation.domain import EXIT_REASON_TEXT, ExitReason, FundingSplit, Kind, Sector
from simulation.event_log import TEXT
from simulation.mechanisms import trust
from simulation.state import WorldState

# Steps before nations that parted ways may sign again (or a leaver rejoin a pact):
# an exit is a political decision, not reversed the next year.
REAPPROACH_DELAY = 5


def sign(
    state: WorldState,
    step: int,
    *,
    kind: Kind,
    name: str,
    sector: Sector,
    depth: int,
    members: list[int],
    dispute_resolution: bool,
    funding: FundingSplit,
    detail: str,
    other: str = "",
) -> Agreement:
    """A new agreement, signed at `step` for one term."""
    term = state.parameters.term
    agreement = state.registry.sign(
        agreement_id=state.registry.next_id(kind),
        name=name,
        kind=kind,
        sector=sector,
        depth=depth,
        members=members,
        dispute_resolution=dispute_resolution,
        funding=funding,
        term=term,
        signed_step=step,
        expires_step=step + term,
    )
    state.counts["signings"] += 1
    state.events.add(
        step, "signed", agreement, nation=state.names[members[0]], other=other, detail=detail
    )
    return agreement


def join(state: WorldState, pact: Agreement, nation: int, step: int) -> None:
    state.registry.join(pact, nation, step)
    state.counts["joinings"] += 1
    state.events.add(
        step,
        "joined",
        pact,
        nation=state.names[nation],
        detail=f"{state.names[nation]} joined {pact.name}",
    )


def climb(state: WorldState, agreement: Agreement, step: int) -> None:
    """One rung deeper."""
    state.registry.set_depth(agreement, agreement.depth + 1, step)
    state.counts["deepenings"] += 1
    state.events.add(
        step,
        "deepened",
        agreement,
        nation=state.names[agreement.members[0]],
        detail=f"{agreement.name} deepened to depth {agreement.depth}",
    )


def step_down(state: WorldState, agreement: Agreement, step: int) -> None:
    """One rung shallower: the deeper rung no longer paid."""
    state.registry.set_depth(agreement, agreement.depth - 1, step)
    state.counts["downgrades"] += 1
    state.events.add(
        step,
        "downgraded",
        agreement,
        nation=state.names[agreement.members[0]],
        detail=f"{agreement.name} stepped down to depth {agreement.depth}: "
        "the deeper rung no longer paid",
    )


def renew(state: WorldState, agreement: Agreement, step: int) -> None:
    state.registry.renew(agreement)
    state.counts["renewals"] += 1
    state.events.add(
        step,
        "renewed",
        agreement,
        nation=state.names[agreement.members[0]],
        detail=f"{agreement.name} renewed for {agreement.term} steps",
    )


def renew_many(state: WorldState, slots: np.ndarray, step: int) -> None:
    """Renew many agreements at once: the commonest event of all. Their log rows are
    the same as `renew` would write, one by one."""
    registry = state.registry
    registry.renew_many(slots)
    count = int(slots.size)
    state.counts["renewals"] += count
    if not count:
        return
    # what a renewal says never changes for an agreement: word it once, by slot, and
    # build the rows in C (zip), the log's commonest entry by far
    wording = state.renewal_wording
    for slot in range(len(wording[0]), registry.size):  # agreements signed since
        agreement = registry.by_slot[slot]
        said = (
            agreement.agreement_id,
            TEXT[agreement.kind],
            TEXT[agreement.sector],
            state.names[agreement.members[0]],
            f"{agreement.name} renewed for {agreement.term} steps",
        )
        for column, text in zip(wording, said, strict=True):
            column.append(text)
    pick = itemgetter(*slots.tolist())
    ident, kind, sector, nation, detail = (
        pick(column) if count > 1 else (pick(column),) for column in wording
    )
    state.events.rows.extend(
        zip(
            repeat(step, count),
            repeat("renewed", count),
            ident,
            kind,
            sector,
            registry.depth[slots].tolist(),
            nation,
            repeat("", count),
            repeat("", count),
            repeat("", count),
            detail,
        )
    )


def leave(
    state: WorldState, agreement: Agreement, member: int, step: int, reason: ExitReason
) -> None:
    """A member leaves; a bilateral agreement (or a pact left with one member) ends.

    Walking out (anything but declining to renew, or letting the agreement lapse) costs
    trust with those left behind and closes the door for `REAPPROACH_DELAY` steps."""
    state.counts["exits"] += 1
    others = [m for m in agreement.members if m != member]
    walked_out = reason is not ExitReason.NOT_RENEWED and reason is not ExitReason.LAPSED
    if walked_out:
        trust.trust_shock(
            state.trust,
            np.full(len(others), member),
            np.array(others, dtype=np.int64),
            state.parameters.exit_trust_penalty,
        )
        if agreement.kind is Kind.MULTILATERAL:
            agreement.barred_until[member] = step + REAPPROACH_DELAY
    for partner in others if agreement.kind is Kind.BILATERAL and walked_out else ():
        state.estranged_until[(min(member, partner), max(member, partner))] = (
            step + REAPPROACH_DELAY
        )
    names = state.names
    state.events.add(
        step,
        "exited",
        agreement,
        nation=names[member],
        other=names[others[0]] if len(others) == 1 else "",
        reason=reason.value,
        detail=f"{names[member]} left {agreement.name}: {EXIT_REASON_TEXT[reason]}",
    )
    registry = state.registry
    if agreement.kind is Kind.BILATERAL:
        registry.end(agreement, step, reason)
    else:
        registry.leave(agreement, member, step)
        state.pacts_left.add(agreement.slot)
        if len(agreement.members) >= 2:
            return
        registry.end(agreement, step, ExitReason.DISSOLVED)
    state.events.add(
        step,
        "ended",
        agreement,
        reason=agreement.end_reason.value,
        detail=f"{agreement.name} ended: {EXIT_REASON_TEXT[agreement.end_reason]}",
    )
