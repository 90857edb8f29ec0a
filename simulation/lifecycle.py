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

from simulation.agreements import SECTOR_CODE, Agreement
from simulation.domain import EXIT_REASON_TEXT, SECTORS, ExitReason, FundingSplit, Kind, Sector
from simulation.event_log import TEXT
from simulation.mechanisms import state_system, trust
from simulation.state import WorldState

# Steps before nations that parted ways may sign again (or a leaver rejoin a pact):
# an exit is a political decision, not reversed the next year.
REAPPROACH_DELAY = 5

# Exits that are no walk-out: no trust lost with the partners, no door closed
QUIET_EXITS = frozenset({ExitReason.NOT_RENEWED, ExitReason.LAPSED, ExitReason.STATE_ENDED})


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
    environmental: bool = False,
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
        environmental=environmental,
    )
    state.counts["signings"] += 1
    state.events.add(
        step, "signed", agreement, nation=state.names[members[0]], other=other, detail=detail
    )
    return agreement


def sign_bilateral(
    state: WorldState,
    step: int,
    *,
    names: list[str],
    first: np.ndarray,
    second: np.ndarray,
    sector: np.ndarray,
    dispute_resolution: np.ndarray,
    funding: np.ndarray,
    details: list[str],
    environmental: np.ndarray | None = None,
) -> None:
    """New bilateral agreements at the dialogue rung, signed at `step` for one term, in
    the order given: applied, counted and logged as `sign` would each in turn (the
    signing phase's dozens a step). `sector` and `funding` are codes (`SECTOR_CODE`,
    `FUNDING_CODE`); the log names `first` as the nation and `second` as the other."""
    term = state.parameters.term
    registry = state.registry
    count = len(names)
    agreement_ids = [registry.next_id(Kind.BILATERAL) for _ in range(count)]
    registry.sign_bilateral(
        agreement_ids=agreement_ids,
        names=names,
        first=first,
        second=second,
        sector=sector,
        depth=1,
        dispute_resolution=dispute_resolution,
        funding=funding,
        term=term,
        signed_step=step,
        expires_step=step + term,
        environmental=environmental,
    )
    state.counts["signings"] += count
    nations = state.names
    state.events.rows.extend(
        zip(
            repeat(step, count),
            repeat("signed", count),
            agreement_ids,
            repeat(TEXT[Kind.BILATERAL], count),
            [TEXT[SECTORS[code]] for code in np.asarray(sector).tolist()],
            repeat(1, count),
            [nations[a] for a in np.asarray(first).tolist()],
            [nations[b] for b in np.asarray(second).tolist()],
            repeat("", count),
            repeat("", count),
            details,
        )
    )


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
    walked_out = reason not in QUIET_EXITS
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
        state.reoriented_at[member] = step  # its alignment is gone: it seeks partners anew
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


def lapse_many(state: WorldState, slots: np.ndarray, step: int) -> None:
    """Bilateral agreements that reach the end of their term and lapse, all at once: the
    commonest exit. Each is a quiet exit by its first member (no trust lost, no door
    closed), logged in the same rows `leave` writes, one agreement after another."""
    count = int(slots.size)
    if not count:
        return
    state.counts["exits"] += count
    registry = state.registry
    names = state.names
    reason = ExitReason.LAPSED
    text = EXIT_REASON_TEXT[reason]
    rows = state.events.rows
    for slot, depth in zip(slots.tolist(), registry.depth[slots].tolist()):
        agreement = registry.by_slot[slot]
        first, second = names[agreement.members[0]], names[agreement.members[1]]
        ident, kind, sector = agreement.agreement_id, TEXT[agreement.kind], TEXT[agreement.sector]
        rows.append(
            (
                step,
                "exited",
                ident,
                kind,
                sector,
                depth,
                first,
                second,
                "",
                reason.value,
                f"{first} left {agreement.name}: {text}",
            )
        )
        registry.end(agreement, step, reason)
        rows.append(
            (
                step,
                "ended",
                ident,
                kind,
                sector,
                depth,
                "",
                "",
                "",
                reason.value,
                f"{agreement.name} ended: {text}",
            )
        )


def enter_system(state: WorldState, nation: int, step: int) -> None:
    """A state is born: it enters the state system with trust at the baseline, no
    interoperability and no agreements."""
    state.trust[nation] = state.trust_baseline[nation]
    state.trust[:, nation] = state.trust_baseline[:, nation]
    state.interoperability[nation] = 0.0
    state.interoperability[:, nation] = 0.0
    state.in_system[nation] = True
    name = state.names[nation]
    state.events.add(step, "state_entered", nation=name, detail=f"{name} entered the state system")


def leave_system(state: WorldState, nation: int, step: int, successor: int | None) -> None:
    """A state is gone. With a `successor`, each of its agreements passes to it
    (`state_system.inherited_agreements`; those that cannot pass end with reason
    `state_ended`), and the successor takes over its trust and interoperability where
    they exceed its own; without one, its bilateral agreements end and it leaves its
    pacts, with reason `state_ended`."""
    names = state.names
    registry = state.registry
    agreements = registry.of_nation(nation)
    bilateral = [a for a in agreements if a.kind is Kind.BILATERAL]
    passes = np.zeros(len(bilateral), dtype=bool)
    if successor is not None and bilateral:
        held = {
            (other, SECTOR_CODE[a.sector])
            for a in registry.of_nation(successor)
            if a.kind is Kind.BILATERAL
            for other in a.members
            if other != successor
        }
        partner = np.array([a.members[0] + a.members[1] - nation for a in bilateral])
        sector = np.array([SECTOR_CODE[a.sector] for a in bilateral])
        passes = state_system.inherited_agreements(partner, sector, successor, held)
    for agreement, inherited in zip(bilateral, passes.tolist()):
        if inherited:
            _inherit(state, agreement, nation, successor, step)
        else:
            leave(state, agreement, nation, step, ExitReason.STATE_ENDED)
    for pact in (a for a in agreements if a.kind is Kind.MULTILATERAL):
        if successor is not None and successor not in pact.members:
            _inherit(state, pact, nation, successor, step)
        else:
            leave(state, pact, nation, step, ExitReason.STATE_ENDED)
    if successor is not None:
        for matrix in (state.trust, state.interoperability):
            row, column = state_system.inherited_relations(matrix, nation, successor)
            matrix[successor] = row
            matrix[:, successor] = column
    state.in_system[nation] = False
    state.ties_stale = True
    heir = names[successor] if successor is not None else ""
    state.events.add(
        step,
        "state_left",
        nation=names[nation],
        other=heir,
        detail=f"{names[nation]} left the state system" + (f"; {heir} succeeds it" if heir else ""),
    )


def _inherit(
    state: WorldState, agreement: Agreement, leaver: int, successor: int, step: int
) -> None:
    """The successor takes the leaving state's place in an agreement."""
    state.registry.replace_member(agreement, leaver, successor, step)
    wording = state.renewal_wording
    if agreement.slot < len(wording[3]):  # renewals name the first member
        wording[3][agreement.slot] = state.names[agreement.members[0]]
    names = state.names
    state.events.add(
        step,
        "inherited",
        agreement,
        nation=names[successor],
        other=names[leaver],
        detail=f"{names[successor]} took over the place of {names[leaver]} in {agreement.name}",
    )
