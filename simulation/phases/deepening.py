"""Phase 5, deepening: agreements climb the depth ladder when the next rung pays and
the members trust each other enough, with chance `deepening_rate` a step, up to their
own rung (`Agreement.ceiling`): a DCA's sector's, short of mutual defence, which is the
alliances' rung (an alliance is there from the start and stays).

Bilateral agreements need both members to gain; pacts decide by capability-weighted
vote (the stronger side dominates decisions). Either way every pair of members must
trust each other at `deepening_trust_threshold` or more, and an agreement climbs at
most one rung a step.
"""

from __future__ import annotations

import numpy as np

from simulation import lifecycle
from simulation.domain import Kind
from simulation.mechanisms.pacts import capability_vote
from simulation.phases.member_evaluation import MemberValues
from simulation.state import WorldState


def deepen(state: WorldState, step: int, now: MemberValues, gain: np.ndarray) -> None:
    """`gain`: what climbing one rung adds to each row of `now`."""
    p = state.parameters
    registry = state.registry
    count = now.bilateral
    slots = registry.active_slots(Kind.BILATERAL)
    draws = state.rng.random(slots.size)
    both_gain = (gain[:count] > 0) & (gain[count : 2 * count] > 0)
    first, second = now.nation[:count], now.nation[count : 2 * count]
    n, trust = state.size, state.trust.ravel()
    threshold = p.deepening_trust_threshold
    trusting = (trust[first * n + second] >= threshold) & (trust[second * n + first] >= threshold)
    # each climbs to its own rung at most: a DCA's sector's, short of mutual defence
    ready = (registry.depth[slots] < registry.ceiling[slots]) & (registry.last_change[slots] < step)
    for slot in slots[ready & both_gain & trusting & (draws < p.deepening_rate)].tolist():
        lifecycle.climb(state, registry.by_slot[slot], step)
    pact_rows = slice(2 * count, None)
    weight = state.capability[now.nation[pact_rows]]
    for pact in registry.active_pacts():
        rows = now.slot[pact_rows] == pact.slot
        if pact.exogenous or pact.depth >= pact.ceiling or registry.last_change[pact.slot] >= step:
            continue
        if state.rng.random() >= p.deepening_rate:
            continue
        if not capability_vote(weight[rows], gain[pact_rows][rows] > 0):
            continue
        members = np.array(pact.members)
        block = state.trust[np.ix_(members, members)]
        if block[~np.eye(members.size, dtype=bool)].min() < threshold:
            continue
        lifecycle.climb(state, pact, step)
