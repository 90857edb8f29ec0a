"""Phase 6, renewal, stepping down and exit.

Members who find an agreement not worth its cost for `exit_patience` steps leave
early; at term end any member who finds it negative declines to renew, and a
bilateral agreement both would renew still lapses with chance `lapse_rate`. Rather
than break, an agreement steps down a rung when its unhappy members would be content
with the rung below. Each exit is given its reason. The rules are in
`simulation.mechanisms.renewal`; bilateral agreements are handled all at once,
pacts one by one with capability-weighted votes.
"""

from __future__ import annotations

import numpy as np

from simulation import lifecycle
from simulation.domain import ExitReason, Kind
from simulation.mechanisms import utility
from simulation.mechanisms.pacts import capability_vote
from simulation.mechanisms.renewal import (
    discontent_streak,
    exit_reason,
    fed_up,
    lapses,
    settles_lower,
)
from simulation.phases.member_evaluation import MemberValues
from simulation.state import WorldState


def renew_step_down_or_exit(
    state: WorldState, step: int, values: MemberValues, value: np.ndarray, below: np.ndarray
) -> None:
    """`value` and `below`: each row's net value at its depth and one rung down."""
    renew_bilateral(state, step, values, value, below)
    renew_pacts(state, step, values, value, below)


def renew_bilateral(
    state: WorldState, step: int, values: MemberValues, value: np.ndarray, below: np.ndarray
) -> None:
    p = state.parameters
    registry = state.registry
    count = values.bilateral
    slots = registry.active_slots(Kind.BILATERAL)
    term_ends = registry.expires[slots] <= step
    value_first, value_second = value[:count], value[count : 2 * count]
    streak_first = discontent_streak(value_first, registry.discontent_first[slots])
    streak_second = discontent_streak(value_second, registry.discontent_second[slots])
    registry.discontent_first[slots] = streak_first
    registry.discontent_second[slots] = streak_second
    allied = registry.alliance[slots]
    # an alliance is kept: its members change by the scenario's events (and states
    # leaving the system), not by the valuation that decides DCAs
    quits_first = fed_up(streak_first, p.exit_patience, term_ends) & ~allied
    quits_second = fed_up(streak_second, p.exit_patience, term_ends) & ~allied
    # an alliance is a mutual-defence commitment or nothing: it never steps down
    lower = (
        settles_lower(
            registry.depth[slots],
            quits_first | quits_second,
            (below[:count] > 0) & (below[count : 2 * count] > 0),
        )
        & ~allied
    )
    for slot in slots[lower].tolist():
        lifecycle.step_down(state, registry.by_slot[slot], step)
    registry.discontent_first[slots[lower]] = 0
    registry.discontent_second[slots[lower]] = 0
    quits_first &= ~lower
    quits_second &= ~lower
    # when both would go, the one worse off leaves first and ends it
    first_leaves = quits_first & (~quits_second | (value_first <= value_second))
    for k in np.flatnonzero(quits_first | quits_second).tolist():
        row = k if first_leaves[k] else count + k
        streak = streak_first[k] if first_leaves[k] else streak_second[k]
        lifecycle.leave(
            state,
            registry.by_slot[slots[k]],
            int(values.nation[row]),
            step,
            leaving_reason(state, values, row, streak, term_ends[k]),
        )
    renewing = slots[term_ends & ~(quits_first | quits_second)]
    # alliances do not lapse: their members leave them, or stay
    lapsable = renewing[~registry.alliance[renewing]] if allied.any() else renewing
    if p.lapse_rate > 0 and lapsable.size:
        # drawn only when lapses can happen, so runs without them keep their draws
        lapsing = lapses(state.rng.random(lapsable.size), p.lapse_rate)
        lifecycle.lapse_many(state, lapsable[lapsing], step)
        renewing = np.setdiff1d(renewing, lapsable[lapsing], assume_unique=True)
    lifecycle.renew_many(state, renewing, step)


def renew_pacts(
    state: WorldState, step: int, values: MemberValues, value: np.ndarray, below: np.ndarray
) -> None:
    p = state.parameters
    registry = state.registry
    rows_by_pact: dict[int, list[int]] = {}
    for row in range(2 * values.bilateral, values.slot.size):
        rows_by_pact.setdefault(int(values.slot[row]), []).append(row)
    for slot, rows in rows_by_pact.items():
        pact = registry.by_slot[slot]
        term_end = pact.expires_step <= step
        # an exogenous pact's members, and an alliance's, leave by the scenario's events only
        if pact.exogenous or pact.alliance:
            if term_end:
                lifecycle.renew(state, pact, step)
            continue
        members = values.nation[rows].tolist()
        streak = discontent_streak(
            value[rows], np.array([pact.discontent.get(member, 0) for member in members])
        ).tolist()
        streaks = dict(zip(rows, streak))
        for member, count in zip(members, streak):
            if count:
                pact.discontent[member] = count
            else:
                pact.discontent.pop(member, None)
        weight = state.capability[values.nation[rows]]
        unhappy = fed_up(np.array(streak), p.exit_patience, term_end)
        if not pact.alliance and settles_lower(
            pact.depth,
            capability_vote(weight, unhappy),
            capability_vote(weight, below[rows] > 0),
        ):
            lifecycle.step_down(state, pact, step)
            for row in rows:  # those the lower rung satisfies start afresh
                if below[row] > 0:
                    pact.discontent.pop(int(values.nation[row]), None)
            if term_end:
                lifecycle.renew(state, pact, step)
            continue
        for row, leaves in zip(rows, unhappy.tolist()):
            if leaves and pact.active:
                member = int(values.nation[row])
                reason = leaving_reason(state, values, row, streaks[row], term_end)
                lifecycle.leave(state, pact, member, step, reason)
        if pact.active and term_end:
            lifecycle.renew(state, pact, step)


def leaving_reason(
    state: WorldState, values: MemberValues, row: int, streak: int, term_end: bool
) -> ExitReason:
    """Why the member of row `row` leaves, from the costs it bears at the agreement's
    current depth (see `simulation.mechanisms.renewal.exit_reason`)."""
    level = values.level[row]
    return exit_reason(
        streak=streak,
        patience=state.parameters.exit_patience,
        term_end=bool(term_end),
        trust=values.trust[row],
        dominated=values.dominated[row],
        sovereignty=float(values.sovereignty[row] * utility.sovereignty_exposure(level)),
        funding=float(values.funding[row] * utility.depth_cost(level)),
        asymmetry_weight=state.parameters.asymmetry_weight,
    )
