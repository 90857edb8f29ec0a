"""Phase 3, signing: bilateral agreements by mutual consent, within negotiating capacity.

Each nation proposes to the partners it values most (with decision noise), as many as
its negotiating capacity allows (uniform, or growing with capability and partners:
`mechanisms.capacity`); the proposal stands if the other side values the tie too, and
the pair then agrees on a sector and on how to split the bill, or walks away. With
`agreements_per_pair` above 1, a tied pair may also propose a further agreement, beside
the year's new partners rather than instead of one, in a sector it does not yet hold:
worth the channels it adds (`mechanisms.scope`), paying `protocol_cost_share` of the
negotiation cost and taking that share of a unit of negotiating capacity.
"""

from __future__ import annotations

from typing import NamedTuple

import numpy as np

from simulation import lifecycle
from simulation.agreements import EXPOSURE_BY_CODE, FUNDING_CODE
from simulation.domain import MAX_DEPTH, SECTORS
from simulation.mechanisms import utility
from simulation.mechanisms.capacity import (
    concluded,
    experienced_cost,
    foresees_consent,
    negotiating_capacity,
    protocol_conclusion_rate,
    reoriented_conclusion_rate,
    reorienting,
)
from simulation.mechanisms.choice import choose_partners
from simulation.mechanisms.funding import SETTLED_SPLITS, negotiate_fundings
from simulation.mechanisms.scope import best_further_share
from simulation.mechanisms.sector_choice import choose_sectors
from simulation.state import WorldState
from simulation.ties import ADDED_BY_SET, HELD_BY_SET, PairHoldings, pair_holdings


def dialogue_value(state: WorldState, negotiation: np.ndarray | None = None) -> np.ndarray:
    """What a new agreement at the dialogue rung is worth to i with j, after the
    one-off cost of negotiating it.

    A new agreement must clear that cost; an existing one is kept while it pays at all:
    the gap between the two is what keeps ties stable. (Python floats keep the N x N
    arithmetic in single precision.) `negotiation`: `negotiation_costs(state)`, when at
    hand."""
    p = state.parameters
    value = np.multiply(state.benefit, utility.DIALOGUE_BENEFIT)
    value -= np.multiply(state.sovereignty, utility.DIALOGUE_EXPOSURE)
    if p.negotiation_experience:
        # each side pays its own cost, lower the more agreements it has negotiated
        if negotiation is None:
            negotiation = negotiation_costs(state)
        costs = p.funding_cost * MAX_DEPTH * utility.DIALOGUE_COST + negotiation
        value -= costs[:, None].astype(value.dtype)
    else:
        value -= p.funding_cost * MAX_DEPTH * utility.DIALOGUE_COST + p.negotiation_cost
    return value


def negotiation_costs(state: WorldState) -> np.ndarray:
    """Each nation's cost of negotiating a first agreement with a new partner
    (`mechanisms.capacity.experienced_cost`)."""
    p = state.parameters
    return experienced_cost(p.negotiation_cost, state.dca_degree, p.negotiation_experience)


def sign_bilateral_agreements(state: WorldState, step: int) -> None:
    p = state.parameters
    # each nation's cost of a first agreement, for screening, protocols and the terms
    negotiation = negotiation_costs(state)
    value = dialogue_value(state, negotiation)
    eligible = value > 0
    if p.consent_foresight > 0:
        # a nation that looks ahead proposes only to partners that value it back
        looks_ahead = foresees_consent(state.size, p.consent_foresight, state.rng)
        eligible[looks_ahead] &= value.T[looks_ahead] > 0
    eligible.ravel()[state.tie_flat] = False  # already partners
    state.estranged_until = {
        pair: until for pair, until in state.estranged_until.items() if until > step
    }
    estranged = None
    if state.estranged_until:
        estranged = np.array(list(state.estranged_until), dtype=np.int64)
        eligible[estranged[:, 0], estranged[:, 1]] = False
        eligible[estranged[:, 1], estranged[:, 0]] = False
    np.fill_diagonal(eligible, False)
    if not state.in_system.all():  # only states sign, with states
        outside = np.flatnonzero(~state.in_system)
        eligible[outside] = False
        eligible[:, outside] = False
    capacity = negotiating_capacity(
        state.capability,
        state.dca_degree,
        p.diplomatic_capacity,
        p.capacity_capability_elasticity,
        p.capacity_network_elasticity,
    )
    uniform = p.capacity_capability_elasticity == 0 and p.capacity_network_elasticity == 0
    proposers, targets = choose_partners(
        value, eligible, p.diplomatic_capacity if uniform else capacity, p.decision_noise, state.rng
    )
    accepted = value[targets, proposers] > 0
    holdings = None
    further_count = 0
    if p.agreements_per_pair > 1:
        # partners already tied talk through the channels they have: a further
        # agreement is proposed beside the year's new partners, not instead of one
        holdings = pair_holdings(state)
        proposing, partner = further_agreement_proposals(state, holdings, estranged, negotiation)
        proposers = np.concatenate([proposers, proposing])
        targets = np.concatenate([targets, partner])
        accepted = np.concatenate([accepted, np.ones(proposing.size, dtype=bool)])
        further_count = proposing.size
    if p.conclusion_rate < 1:
        # drawn only when negotiations can drag on, so a rate of 1 leaves every later
        # draw where it was; a further agreement concludes sooner than a first
        rate = np.full(proposers.size, p.conclusion_rate)
        rate[accepted.size - further_count :] = protocol_conclusion_rate(
            p.conclusion_rate, p.protocol_cost_share
        )
        if p.reorientation_years and p.reorientation_effort:
            # a new state, or one whose pact is gone, puts its diplomacy behind it
            anew = reorienting(state.reoriented_at, step, p.reorientation_years)
            either = anew[proposers] | anew[targets]
            rate[either] = reoriented_conclusion_rate(rate[either], p.reorientation_effort)
        accepted &= concluded(state.rng.random(proposers.size), rate)
    proposers, targets = proposers[accepted], targets[accepted]
    order = state.rng.permutation(proposers.size)
    draws = state.rng.random((proposers.size, 4))
    # the terms a pair would settle on do not depend on what is signed before it this
    # step: settled for every proposal at once, so the signing order decides only who
    # still has capacity
    terms = settle_terms(state, proposers, targets, draws, holdings, negotiation)
    # a pair talks once, at its first proposal in the signing order: a later one the
    # other way round finds it has talked, or one side's capacity still used up
    lower, upper = np.minimum(proposers, targets), np.maximum(proposers, targets)
    _, first = np.unique((lower * state.size + upper)[order], return_index=True)
    talks = np.zeros(proposers.size, dtype=bool)
    talks[order[first]] = True
    settled = talks & (terms.funding >= 0)
    # in the signing order, a settled pair signs while both sides have capacity left:
    # one pair after another, in plain Python numbers
    pairs = list(zip(lower.tolist(), upper.tolist()))
    capacity = capacity.tolist()
    # capacity spent this year: a first agreement takes a whole unit, a further one
    # under it the share of the negotiation it needs (its legal basis is reused)
    protocol_effort = float(p.protocol_cost_share)
    further = terms.further.tolist()
    signed_today = [0.0] * state.size
    signing = []
    for k in order[settled[order]].tolist():
        a, b = pairs[k]
        if signed_today[a] < capacity[a] and signed_today[b] < capacity[b]:
            effort = protocol_effort if further[k] else 1.0
            signed_today[a] += effort
            signed_today[b] += effort
            signing.append(k)
    if signing:
        sign_pairs(state, terms, lower[signing], upper[signing], signing, step)


def further_agreement_proposals(
    state: WorldState,
    holdings: PairHoldings,
    estranged: np.ndarray | None = None,
    negotiation: np.ndarray | None = None,
) -> tuple[np.ndarray, np.ndarray]:
    """The tied pairs that propose a further agreement this year, as (lower, upper)
    nation indices: those holding fewer than `agreements_per_pair` bilateral agreements
    for which a further one is worth signing to both sides. Its screening value is that
    of a new agreement whose benefit is the largest share of channels a sector they do
    not yet hold would add (`mechanisms.scope.best_further_share`), and whose
    negotiation cost is `protocol_cost_share` of a first agreement's (`negotiation`:
    `negotiation_costs(state)`, when at hand). `estranged`: pairs
    (rows i, j) that may not sign this year."""
    p = state.parameters
    room = holdings.count < p.agreements_per_pair
    if not room.any():
        empty = np.empty(0, dtype=np.int64)
        return empty, empty
    # what a pair's most useful further agreement adds depends on the sectors it holds
    share = best_further_share(ADDED_BY_SET, HELD_BY_SET)[holdings.sets[room]]
    lower, upper = np.divmod(holdings.key[room], state.size)
    if negotiation is None:
        negotiation = negotiation_costs(state)
    negotiation = negotiation * p.protocol_cost_share
    funding = p.funding_cost * MAX_DEPTH * utility.DIALOGUE_COST
    wanted = np.ones(lower.size, dtype=bool)
    for side, where in ((lower, lower * state.size + upper), (upper, upper * state.size + lower)):
        further = (
            share * utility.DIALOGUE_BENEFIT * state.benefit.ravel()[where]
            - utility.DIALOGUE_EXPOSURE * state.sovereignty.ravel()[where]
            - (funding + negotiation[side])
        )
        wanted &= further > 0
    wanted &= state.in_system[lower] & state.in_system[upper]
    if estranged is not None and estranged.size:
        blocked = np.concatenate(
            [
                estranged[:, 0] * state.size + estranged[:, 1],
                estranged[:, 1] * state.size + estranged[:, 0],
            ]
        )
        wanted &= ~np.isin(lower * state.size + upper, blocked)
    return lower[wanted], upper[wanted]


# `FUNDING_CODE` of each split a pair can settle on, by its place in `SETTLED_SPLITS`
FUNDING_CODES = np.array([FUNDING_CODE[split] for split in SETTLED_SPLITS])


class Terms(NamedTuple):
    """What each proposing pair would settle on, one element a proposal."""

    sector: np.ndarray  # sector code, -1 when no sector suits the pair
    funding: np.ndarray  # place in `SETTLED_SPLITS`, -1 when nothing is settled
    dispute_resolution: np.ndarray  # bool
    further: np.ndarray  # bool: the pair already holds an agreement


def settle_terms(
    state: WorldState,
    proposers: np.ndarray,
    targets: np.ndarray,
    draws: np.ndarray,
    holdings: PairHoldings | None,
    negotiation: np.ndarray | None = None,
) -> Terms:
    """The sector and the split of the bill each proposing pair would agree on, or
    that it walks away (funding -1) when no sector or no split suits both.

    `draws`: four uniform numbers a proposal, for the general framework, the specialised
    sector, the proposed funding split and dispute-resolution provisions. A pair that
    already holds agreements (`holdings`) chooses among the sectors it does not hold,
    values the agreement by the share of channels it adds and pays `protocol_cost_share`
    of the negotiation cost (`negotiation`: each side's, `negotiation_costs(state)`)."""
    p = state.parameters
    n = state.size
    lower, upper = np.minimum(proposers, targets), np.maximum(proposers, targets)
    forward, backward = lower * n + upper, upper * n + lower  # flat positions
    held = np.zeros((lower.size, len(SECTORS)), dtype=bool)
    row = np.full(lower.size, -1)
    if holdings is not None:
        row = holdings.rows_of(forward)
        held[row >= 0] = HELD_BY_SET[holdings.sets[row[row >= 0]]]
    further = row >= 0
    # the dyadic matrices are single precision; a pair's numbers are weighed in double
    dominance = state.dominance.ravel()
    looming = dominance[forward].astype(np.float64), dominance[backward].astype(np.float64)
    sector = choose_sectors(
        draws[:, 0],
        draws[:, 1],
        threat_level=np.maximum(state.threat[lower], state.threat[upper]),
        gap=np.abs(looming[0] - looming[1]),
        held=held,
        emerging=p.emerging_technology_interest,
    )
    # a further agreement is worth the share of channels it adds
    share = np.ones(lower.size)
    adds = further & (sector >= 0)
    if adds.any():
        share[adds] = ADDED_BY_SET[holdings.sets[row[adds]], sector[adds]]
    exposure = EXPOSURE_BY_CODE[sector]
    benefit, sovereignty = state.benefit.ravel(), state.sovereignty.ravel()
    if negotiation is None:
        negotiation = negotiation_costs(state)
    funding = negotiate_fundings(
        share * benefit[forward].astype(np.float64),
        share * benefit[backward].astype(np.float64),
        exposure * sovereignty[forward].astype(np.float64),
        exposure * sovereignty[backward].astype(np.float64),
        state.capability[lower].astype(np.float64),
        state.capability[upper].astype(np.float64),
        draws[:, 2],
        proportional_share=p.proportional_funding_share,
        funding_cost=p.funding_cost,
        # a protocol beside an agreement already held pays its share of the cost
        negotiation_cost=np.where(further, p.protocol_cost_share, 1.0) * negotiation[lower],
        negotiation_cost_second=np.where(further, p.protocol_cost_share, 1.0) * negotiation[upper],
    )
    return Terms(
        sector,
        np.where(sector >= 0, funding, -1),
        draws[:, 3] < p.dispute_resolution_share,
        further,
    )


def sign_pairs(
    state: WorldState,
    terms: Terms,
    lower: np.ndarray,
    upper: np.ndarray,
    signing: list[int],
    step: int,
) -> None:
    """The pairs (lower, upper) of proposals `signing` sign, in that order, on the terms
    they settled (`settle_terms`)."""
    names = state.names
    sector = terms.sector[signing]
    details = [
        f"{names[a]} and {names[b]} signed a {'further ' if further else ''}"
        f"{SECTORS[code]} agreement"
        for a, b, code, further in zip(
            lower.tolist(), upper.tolist(), sector.tolist(), terms.further[signing].tolist()
        )
    ]
    lifecycle.sign_bilateral(
        state,
        step,
        names=[f"{names[a]}-{names[b]}" for a, b in zip(lower.tolist(), upper.tolist())],
        first=lower,
        second=upper,
        sector=sector,
        dispute_resolution=terms.dispute_resolution[signing],
        funding=FUNDING_CODES[terms.funding[signing]],
        details=details,
        environmental=environmental_provisions(state, len(signing)),
    )


def environmental_provisions(state: WorldState, count: int) -> np.ndarray | None:
    """Which of `count` new agreements carry environmental provisions, each with chance
    `environmental_share`; None (and no draw) while the share is 0."""
    share = state.parameters.environmental_share
    return state.rng.random(count) < share if share else None
