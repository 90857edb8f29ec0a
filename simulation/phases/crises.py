"""Phase 8, crises: disputes break out, parties call on their allies, and each crisis
escalates or is prevented.

Disputes arise between rivals, and between partners (cooperation brings its own
frictions: basing, burden-sharing); every other dyad is left quiet. Escalation
follows `simulation.mechanisms.crises.escalation_probability`; escalations breed
rivalry and fear, prevented crises a little trust.
"""

from __future__ import annotations

import numpy as np

from simulation.mechanisms import crises, reputation, trust
from simulation.phases.environment import rival_pairs
from simulation.state import WorldState

# Trust an ally who honours a call gains with the caller, and two parties who kept a
# crisis from escalating gain with each other
HONOUR_TRUST_GAIN = 0.1
PREVENTED_TRUST_GAIN = 0.05
# Rivalry an escalation adds between the two parties
ESCALATION_RIVALRY = 0.1


def run_crises(state: WorldState, step: int) -> None:
    p = state.parameters
    n = state.size
    rivals_first, rivals_second = rival_pairs(state)
    tie_rows, tie_cols = state.tie_pairs
    # dyads by flat position (i n + j): gathering from raveled matrices is several
    # times faster than indexing by (row, column)
    linear = np.concatenate([rivals_first * n + rivals_second, state.tie_flat[tie_rows < tie_cols]])
    linear.sort()  # sorted and without repeats (a rival may also be a partner)
    if linear.size:
        linear = linear[np.concatenate([[True], linear[1:] != linear[:-1]])]
    first, second = np.divmod(linear, n)
    mutual_trust = 0.5 * (state.trust.ravel()[linear] + state.trust.ravel()[second * n + first])
    hazard = crises.crisis_hazard(
        state.rivalry.ravel()[linear] + crises.PARTNER_FRICTION * state.ties.ravel()[linear],
        state.same_region.ravel()[linear],
        mutual_trust,
        state.capability[first],
        state.capability[second],
        np.maximum(state.threat[first], state.threat[second]),
        rate=p.crisis_rate,
    )
    broke_out = state.rng.random(hazard.size) < hazard
    pairs = sorted(
        set(zip(first[broke_out].tolist(), second[broke_out].tolist())) | set(state.forced_crises)
    )
    if not pairs:
        return
    first = np.array([a for a, _ in pairs])
    second = np.array([b for _, b in pairs])
    # only nations bound by mutual-defense obligations have allies to call
    bound = state.obligation.any(axis=1).tolist()
    deterrence = np.array([call_allies(state, a, b, step, bound) for a, b in pairs])
    linear, transposed = first * n + second, second * n + first
    # early warning: either side has an open intelligence channel with someone
    informed = (state.intelligence_depth[first] > 0).any(axis=1) | (
        state.intelligence_depth[second] > 0
    ).any(axis=1)
    dispute = state.dispute_channel
    probability = crises.escalation_probability(
        base=p.escalation_base,
        channel=state.ties.ravel()[linear].astype(np.float64),
        dispute_resolution=crises.dispute_resolution_cover(
            dispute[first, second], dispute[first].any(axis=1), dispute[second].any(axis=1)
        ),
        common_partners=state.common_partners.ravel()[linear],
        trust=0.5 * (state.trust.ravel()[linear] + state.trust.ravel()[transposed]),
        early_warning=informed.astype(np.float64),
        deterrence=deterrence,
        dialogue_effect=p.dialogue_effect,
        dispute_resolution_effect=p.dispute_resolution_effect,
        mediation_effect=p.mediation_effect,
        trust_effect=p.trust_effect,
        early_warning_effect=p.early_warning_effect,
        deterrence_effect=p.deterrence_effect,
        defusing_ceiling=p.defusing_ceiling,
    )
    escalated = state.rng.random(len(pairs)) < probability
    state.counts["crises"] += len(pairs)
    state.counts["conflicts_escalated"] += int(escalated.sum())
    state.counts["conflicts_prevented"] += int((~escalated).sum())
    up, down = first[escalated], second[escalated]
    trust.trust_shock(state.trust, up, down, p.escalation_trust_penalty)
    np.add.at(state.threat_shock, up, p.escalation_threat_shock)
    np.add.at(state.threat_shock, down, p.escalation_threat_shock)
    if up.size and (state.rivalry[up, down] == 0).any():
        state.rival_pairs_cache = None  # an escalation between non-rivals makes new rivals
    state.rivalry[up, down] = np.minimum(1.0, state.rivalry[up, down] + ESCALATION_RIVALRY)
    state.rivalry[down, up] = state.rivalry[up, down]
    trust.trust_boost(state.trust, first[~escalated], second[~escalated], PREVENTED_TRUST_GAIN)
    names = state.names
    for a, b, went_up, chance in zip(
        first.tolist(), second.tolist(), escalated.tolist(), probability.tolist()
    ):
        outcome = "escalated" if went_up else "prevented"
        state.events.add(
            step,
            "crisis",
            nation=names[a],
            other=names[b],
            outcome=outcome,
            detail=f"crisis between {names[a]} and {names[b]} {outcome} "
            f"(escalation chance {chance:.2f})",
        )


def call_allies(state: WorldState, a: int, b: int, step: int, bound: list[bool]) -> float:
    """Both parties call on allies bound by mutual-defense obligations (`bound`: who
    has any); each ally honours or reneges (`crises.honour_probability`), and trust and
    reputation follow. Returns the deterrence the weaker party gains
    (`crises.deterrence`)."""
    p = state.parameters
    weaker, stronger = (a, b) if state.capability[a] <= state.capability[b] else (b, a)
    backing = {weaker: 0.0, stronger: 0.0}
    for party in (weaker, stronger):
        if not bound[party]:
            continue
        allies = np.flatnonzero(state.obligation[party])
        allies = allies[(allies != a) & (allies != b)]
        if allies.size == 0:
            continue
        chance = crises.honour_probability(
            p.honour_probability, state.trust[allies, party], state.reputation[allies]
        )
        honoured = crises.allies_honour(chance, state.rng.random(allies.size))
        state.counts["allies_called"] += int(allies.size)
        state.counts["allies_honoured"] += int(honoured.sum())
        state.counts["allies_reneged"] += int((~honoured).sum())
        backing[party] = float(state.capability[allies[honoured]].sum())
        trust.trust_boost(
            state.trust, allies[honoured], np.full(int(honoured.sum()), party), HONOUR_TRUST_GAIN
        )
        reneged = allies[~honoured]
        trust.trust_shock(state.trust, reneged, np.full(reneged.size, party), p.reneging_penalty)
        state.reputation = reputation.reputation_after_call(
            state.reputation, allies[honoured], reneged, p.reneging_penalty
        )
        for ally, kept in zip(allies.tolist(), honoured.tolist()):
            outcome = "honoured" if kept else "reneged"
            state.events.add(
                step,
                "ally_call",
                nation=state.names[ally],
                other=state.names[party],
                outcome=outcome,
                detail=f"{state.names[ally]} {outcome} its obligation to {state.names[party]}",
            )
    return crises.deterrence(backing[weaker], backing[stronger], state.capability[stronger])
