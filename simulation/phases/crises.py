"""Phase 8, crises: disputes break out; each is kept from the use of force or comes to
it; once force is used the parties call on their allies, and the crisis turns fatal
(escalates) or not.

Disputes arise between rivals, between partners (cooperation brings its own
frictions: basing, burden-sharing), and, at a background rate, between neighbours and
pairs with a major power (`simulation.mechanisms.crises.neighbourhood`). The two
stages follow `crises.use_of_force_probability` and `crises.fatality_probability`.
Fatal disputes breed rivalry and fear, for the parties and for the allies drawn in;
force without deaths leaves half the mark; crises kept from force, a little trust.
"""

from __future__ import annotations

import numpy as np

from simulation.mechanisms import crises, reputation, trust
from simulation.phases.environment import add_rival_pairs, rival_pairs
from simulation.state import WorldState

# Trust an ally who honours a call gains with the caller, and two parties who kept a
# crisis from escalating gain with each other
HONOUR_TRUST_GAIN = 0.1
PREVENTED_TRUST_GAIN = 0.05
# Rivalry a fatal dispute adds between the two parties
ESCALATION_RIVALRY = 0.1
# The share of a fatal dispute's loss of trust and added rivalry that force without
# deaths leaves
MILITARISED_SHARE = 0.5


def run_crises(state: WorldState, step: int) -> None:
    p = state.parameters
    n = state.size
    outbreaks = crisis_outbreaks(state)
    first, second = np.divmod(outbreaks, n)
    pairs = sorted(set(zip(first.tolist(), second.tolist())) | set(state.forced_crises))
    if not pairs:
        return
    first = np.array([a for a, _ in pairs])
    second = np.array([b for _, b in pairs])
    linear, transposed = first * n + second, second * n + first
    # early warning: either side has an open intelligence channel with someone
    informed = (state.intelligence_depth[first] > 0).any(axis=1) | (
        state.intelligence_depth[second] > 0
    ).any(axis=1)
    dispute = state.dispute_channel
    force_chance = crises.use_of_force_probability(
        base=p.escalation_base,
        channel=state.ties.ravel()[linear].astype(np.float64),
        dispute_resolution=crises.dispute_resolution_cover(
            dispute[first, second], dispute[first].any(axis=1), dispute[second].any(axis=1)
        ),
        common_partners=state.common_partners.ravel()[linear],
        trust=0.5 * (state.trust.ravel()[linear] + state.trust.ravel()[transposed]),
        early_warning=informed.astype(np.float64),
        dialogue_effect=p.dialogue_effect,
        dispute_resolution_effect=p.dispute_resolution_effect,
        mediation_effect=p.mediation_effect,
        trust_effect=p.trust_effect,
        early_warning_effect=p.early_warning_effect,
        defusing_ceiling=p.defusing_ceiling,
    )
    militarised = state.rng.random(len(pairs)) < force_chance
    # allies are called only once force is used, crisis by crisis in dyad order
    bound = state.obligation.any(axis=1).tolist()
    deterrence = np.zeros(len(pairs))
    drawn_in: list[list[tuple[int, int]]] = [[] for _ in pairs]
    # a crisis a scenario event forced, and the ally calls it brings, are put down to it
    causes = [state.forced_crises.get(pair) for pair in pairs]
    for k in np.flatnonzero(militarised).tolist():
        deterrence[k], drawn_in[k] = call_allies(
            state, pairs[k][0], pairs[k][1], step, bound, causes[k]
        )
    fatal_chance = crises.fatality_probability(p.fatality_base, deterrence, p.deterrence_effect)
    escalated = np.zeros(len(pairs), dtype=bool)
    escalated[militarised] = state.rng.random(int(militarised.sum())) < fatal_chance[militarised]
    state.counts["crises"] += len(pairs)
    state.counts["crises_militarised"] += int(militarised.sum())
    state.counts["conflicts_escalated"] += int(escalated.sum())
    state.counts["conflicts_prevented"] += int((~escalated).sum())
    wounded = militarised & ~escalated
    # a fatal dispute: trust falls, fear rises and a rivalry deepens, for the parties
    # and for the allies it drew in against the other side
    up, down, allies_in = at_odds(first, second, escalated, drawn_in)
    state.counts["allies_in_fatal_crises"] += allies_in
    trust.trust_shock(state.trust, up, down, p.escalation_trust_penalty)
    np.add.at(state.threat_shock, up, p.escalation_threat_shock)
    np.add.at(state.threat_shock, down, p.escalation_threat_shock)
    deepen_rivalry(state, up, down, ESCALATION_RIVALRY)
    # force without deaths leaves half the mark, on the parties and the allies drawn in
    up, down, _ = at_odds(first, second, wounded, drawn_in)
    trust.trust_shock(state.trust, up, down, MILITARISED_SHARE * p.escalation_trust_penalty)
    deepen_rivalry(state, up, down, MILITARISED_SHARE * ESCALATION_RIVALRY)
    trust.trust_boost(state.trust, first[~militarised], second[~militarised], PREVENTED_TRUST_GAIN)
    names = state.names
    for a, b, forced, went_up, chance, lethal, cause in zip(
        first.tolist(),
        second.tolist(),
        militarised.tolist(),
        escalated.tolist(),
        force_chance.tolist(),
        fatal_chance.tolist(),
        causes,
    ):
        if went_up:
            outcome, detail = "escalated", "came to force and turned fatal"
        elif forced:
            outcome, detail = "militarised", "came to force without deaths"
        else:
            outcome, detail = "prevented", "was kept from the use of force"
        state.events.add(
            step,
            "crisis",
            nation=names[a],
            other=names[b],
            outcome=outcome,
            detail=f"crisis between {names[a]} and {names[b]} {detail} "
            f"(chance of force {chance:.2f}"
            + (f", of deaths once force was used {lethal:.2f})" if forced else ")"),
            cause=cause,
        )


def at_odds(
    first: np.ndarray,
    second: np.ndarray,
    chosen: np.ndarray,
    drawn_in: list[list[tuple[int, int]]],
) -> tuple[np.ndarray, np.ndarray, int]:
    """The pairs set at odds by the `chosen` crises (a mask over them): their parties,
    then every ally drawn in with the opponent it faced; and how many allies those are."""
    allies = [pair for k in np.flatnonzero(chosen).tolist() for pair in drawn_in[k]]
    ally = foe = first[:0]
    if allies:
        ally, foe = np.array(allies, dtype=first.dtype).T
    return np.concatenate([first[chosen], ally]), np.concatenate([second[chosen], foe]), len(allies)


def dispute_exposure(state: WorldState, linear: np.ndarray, major: np.ndarray) -> np.ndarray:
    """The exposure to disputes of the dyads at flat positions `linear`, by place and by
    the reach of the major powers (`major`, a mask over nations; `crises.reach`),
    weighed by the gap in policy (`crises.POLICY_GAP_WEIGHT`)."""
    first, second = np.divmod(linear, state.size)
    exposure = crises.reach(state.neighbourhood.ravel()[linear], major[first] | major[second])
    gap = np.abs(state.policy_position[first] - state.policy_position[second])
    return exposure * (1.0 + crises.POLICY_GAP_WEIGHT * gap)


def crisis_outbreaks(state: WorldState) -> np.ndarray:
    """The dyads (flat positions i n + j, i < j, sorted) where a crisis breaks out this
    step: one uniform draw `U` for each candidate (`candidate_dyads`, in order), and a
    crisis where `U < h` (`crises.crisis_hazard`).

    Most candidates are pairs exposed only by where they are, whose hazard is at most
    `crisis_rate x dispute_background x exposure` (trust, parity and threat only lower
    it): their hazard is worked out only where the draw falls below that bound, a few
    in a hundred. The outbreaks are exactly those of working out every hazard."""
    p = state.parameters
    close = close_dyads(state)
    if not p.dispute_background:
        return close[state.rng.random(close.size) < dyad_hazards(state, close, 0.0, None)]
    exposed, exposure, same_region = exposed_pairs(state)
    known, extra, where, linear = merged(exposed, close)
    draws = state.rng.random(linear.size)
    # the draws of the exposed pairs and of the rest, in the candidates' order
    from_extra = np.zeros(linear.size, dtype=bool)
    from_extra[where + np.arange(extra.size)] = True
    exposed_draws, extra_draws = draws[~from_extra], draws[from_extra]
    # rivals and partners among the exposed pairs are weighed in full
    bound = p.crisis_rate * p.dispute_background * exposure
    bound[np.searchsorted(exposed, close[known])] = np.inf
    maybe = np.flatnonzero(exposed_draws < bound)
    hazard = dyad_hazards(state, exposed[maybe], exposure[maybe], same_region[maybe])
    broke = maybe[exposed_draws[maybe] < hazard]
    major = crises.major_powers(state.capability, state.states_if_not_all())
    extra_exposure = dispute_exposure(state, extra, major)
    extra_broke = extra_draws < dyad_hazards(state, extra, extra_exposure, None)
    return np.sort(np.concatenate([exposed[broke], extra[extra_broke]]))


def dyad_hazards(
    state: WorldState,
    linear: np.ndarray,
    exposure: np.ndarray | float,
    same_region: np.ndarray | None,
) -> np.ndarray:
    """`crises.crisis_hazard` of the dyads at flat positions `linear`, with their
    exposure to disputes by place already weighed by the gap in policy."""
    p = state.parameters
    n = state.size
    first, second = np.divmod(linear, n)
    trust = state.trust.ravel()
    return crises.crisis_hazard(
        state.rivalry.ravel()[linear] + crises.PARTNER_FRICTION * state.ties.ravel()[linear],
        state.same_region.ravel()[linear] if same_region is None else same_region,
        0.5 * (trust[linear] + trust[second * n + first]),
        state.capability[first],
        state.capability[second],
        np.maximum(state.threat[first], state.threat[second]),
        rate=p.crisis_rate,
        exposure=exposure,
        background=p.dispute_background,
    )


def candidate_dyads(state: WorldState) -> np.ndarray:
    """The dyads (flat positions i n + j, i < j, sorted, without repeats) where a crisis
    can break out: rivals, partners, and, when disputes have a background rate,
    neighbours and pairs with a major power (`crises.neighbourhood`, `crises.reach`).
    Every other pair is left quiet: its hazard is below 1 in 3,000 a year."""
    close = close_dyads(state)
    if not state.parameters.dispute_background:
        return close
    return merged(exposed_pairs(state)[0], close)[3]


def merged(
    exposed: np.ndarray, close: np.ndarray
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """The rivals and partners (`close`) merged into the sorted exposed pairs without a
    sort: which of them are exposed already, the others (`extra`), where those go, and
    the merged candidates."""
    known = np.isin(close, exposed, assume_unique=True)
    extra = close[~known]
    where = np.searchsorted(exposed, extra)
    return known, extra, where, np.insert(exposed, where, extra)


def close_dyads(state: WorldState) -> np.ndarray:
    """Rivals and partners (flat positions i n + j, i < j, sorted, without repeats)."""
    n = state.size
    rivals_first, rivals_second = rival_pairs(state)
    tie_rows, tie_cols = state.tie_pairs
    # gathering from raveled matrices is several times faster than by (row, column)
    linear = np.concatenate([rivals_first * n + rivals_second, state.tie_flat[tie_rows < tie_cols]])
    linear.sort()  # a rival may also be a partner
    if linear.size:
        linear = linear[np.concatenate([[True], linear[1:] != linear[:-1]])]
    return linear


def exposed_pairs(state: WorldState) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Neighbours (`neighbour_pairs`) and every pair with a major power, as flat
    positions i n + j, i < j, sorted and without repeats, with what does not change of
    their hazard: the exposure by place and reach weighed by the gap in policy
    (`crises.reach`, `crises.POLICY_GAP_WEIGHT`), and whether they share a region. Kept
    while the major powers and the states in the system stay the same."""
    n = state.size
    states = state.states_if_not_all()
    major = crises.major_powers(state.capability, states)
    key = np.flatnonzero(major).tobytes()
    cached = state.exposed_pairs_cache
    if cached is not None and cached[0] == key and state.neighbour_pairs_cache is not None:
        return cached[1]
    parts = [neighbour_pairs(state)]
    majors = np.flatnonzero(major)
    if majors.size:
        others = np.arange(n) if states is None else np.flatnonzero(states)
        low = np.minimum.outer(majors, others).ravel()
        high = np.maximum.outer(majors, others).ravel()
        keep = low != high
        parts.append(low[keep] * n + high[keep])
    exposed = np.unique(np.concatenate(parts))
    built = (exposed, dispute_exposure(state, exposed, major), state.same_region.ravel()[exposed])
    state.exposed_pairs_cache = (key, built)
    return built


def neighbour_pairs(state: WorldState) -> np.ndarray:
    """The pairs (flat positions, i < j) of states in the system close enough to quarrel
    (`neighbourhood` at least `crises.NEIGHBOURHOOD_CUTOFF`), cached: they change only
    when a state enters or leaves the system (which clears the cache)."""
    if state.neighbour_pairs_cache is None:
        first, second = np.nonzero(np.triu(state.neighbourhood >= crises.NEIGHBOURHOOD_CUTOFF, 1))
        if not state.in_system.all():
            states = state.in_system[first] & state.in_system[second]
            first, second = first[states], second[states]
        state.neighbour_pairs_cache = first * state.size + second
    return state.neighbour_pairs_cache


def deepen_rivalry(state: WorldState, up: np.ndarray, down: np.ndarray, amount: float) -> None:
    """Rivalry between each pair (`up[k]`, `down[k]`) rises by `amount`, up to 1; a pair
    that was not rivals becomes rivals (and joins the cached rival pairs)."""
    if not up.size:
        return
    fresh = state.rivalry[up, down] == 0
    state.rivalry[up, down] = np.minimum(1.0, state.rivalry[up, down] + amount)
    state.rivalry[down, up] = state.rivalry[up, down]
    if fresh.any():
        low, high = np.minimum(up[fresh], down[fresh]), np.maximum(up[fresh], down[fresh])
        add_rival_pairs(state, low, high)


def call_allies(
    state: WorldState, a: int, b: int, step: int, bound: list[bool], cause: int | None = None
) -> tuple[float, list[tuple[int, int]]]:
    """The weaker party of a crisis that came to force calls on its allies bound by
    mutual-defense obligations (`bound`: who has any): a defence pact is a promise of
    help against a stronger opponent, and the stronger party asks for none. An ally
    bound to the opponent as well takes neither side and is not called. Each ally
    honours or reneges (`crises.honour_probability`: less willing against a strong
    opponent or one it holds an agreement with), and trust and reputation follow.
    Returns the deterrence the weaker party gains (`crises.deterrence`) and the allies
    drawn in, each with the opponent it now faces. `cause`: the scenario event that
    forced the crisis, if one did (its calls are put down to it)."""
    p = state.parameters
    weaker, stronger = (a, b) if state.capability[a] <= state.capability[b] else (b, a)
    if not bound[weaker]:
        return 0.0, []
    allies = np.flatnonzero(state.obligation[weaker])
    # an ally bound to the opponent too takes neither side
    allies = allies[(allies != stronger) & ~state.obligation[allies, stronger]]
    if allies.size == 0:
        return 0.0, []
    foe = state.capability[stronger]
    chance = crises.honour_probability(
        p.honour_probability,
        state.trust[allies, weaker],
        state.reputation[allies],
        risk=foe / (foe + state.capability[allies]),
        entrapment_aversion=p.entrapment_aversion,
        tied_to_opponent=state.ties[allies, stronger],
    )
    honoured = crises.allies_honour(chance, state.rng.random(allies.size))
    state.counts["allies_called"] += int(allies.size)
    state.counts["allies_honoured"] += int(honoured.sum())
    state.counts["allies_reneged"] += int((~honoured).sum())
    trust.trust_boost(
        state.trust, allies[honoured], np.full(int(honoured.sum()), weaker), HONOUR_TRUST_GAIN
    )
    reneged = allies[~honoured]
    trust.trust_shock(state.trust, reneged, np.full(reneged.size, weaker), p.reneging_penalty)
    state.reputation = reputation.reputation_after_call(
        state.reputation, allies[honoured], reneged, p.reneging_penalty
    )
    names = state.names
    for ally, kept in zip(allies.tolist(), honoured.tolist()):
        outcome = "honoured" if kept else "reneged"
        state.events.add(
            step,
            "ally_call",
            nation=names[ally],
            other=names[weaker],
            outcome=outcome,
            detail=f"{names[ally]} {outcome} its obligation to {names[weaker]}"
            + (f" and faces {names[stronger]}" if kept else f" against {names[stronger]}"),
            cause=cause,
        )
    backing = float(state.capability[allies[honoured]].sum())
    drawn_in = [(ally, stronger) for ally in allies[honoured].tolist()]
    return crises.deterrence(backing, 0.0, foe), drawn_in
