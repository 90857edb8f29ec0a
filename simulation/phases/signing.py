"""Phase 3, signing: bilateral agreements by mutual consent, within diplomatic capacity.

Each nation proposes to the partners it values most (with decision noise), the
proposal stands if the other side values the tie too, and the pair then agrees on a
sector and on how to split the bill, or walks away.
"""

from __future__ import annotations

import numpy as np

from simulation import lifecycle
from simulation.agreements import SECTOR_EXPOSURE
from simulation.domain import MAX_DEPTH, SECTOR_BY_NAME, Kind
from simulation.mechanisms import utility
from simulation.mechanisms.choice import choose_partners
from simulation.mechanisms.funding import negotiate_funding
from simulation.mechanisms.sector_choice import choose_sector
from simulation.state import WorldState


def dialogue_value(state: WorldState) -> np.ndarray:
    """What a new agreement at the dialogue rung is worth to i with j, after the
    one-off cost of negotiating it.

    A new agreement must clear that cost; an existing one is kept while it pays at all:
    the gap between the two is what keeps ties stable. (Python floats keep the N x N
    arithmetic in single precision.)"""
    p = state.parameters
    costs = p.funding_cost * MAX_DEPTH * utility.DIALOGUE_COST + p.negotiation_cost
    value = np.multiply(state.benefit, utility.DIALOGUE_BENEFIT)
    value -= np.multiply(state.sovereignty, utility.DIALOGUE_EXPOSURE)
    value -= costs
    return value


def sign_bilateral_agreements(state: WorldState, step: int) -> None:
    p = state.parameters
    value = dialogue_value(state)
    eligible = value > 0
    eligible.ravel()[state.tie_flat] = False  # already partners
    state.estranged_until = {
        pair: until for pair, until in state.estranged_until.items() if until > step
    }
    if state.estranged_until:
        estranged = np.array(list(state.estranged_until), dtype=np.int64)
        eligible[estranged[:, 0], estranged[:, 1]] = False
        eligible[estranged[:, 1], estranged[:, 0]] = False
    np.fill_diagonal(eligible, False)
    if not state.in_system.all():  # only states sign, with states
        outside = np.flatnonzero(~state.in_system)
        eligible[outside] = False
        eligible[:, outside] = False
    proposers, targets = choose_partners(
        value, eligible, p.diplomatic_capacity, p.decision_noise, state.rng
    )
    accepted = value[targets, proposers] > 0
    proposers, targets = proposers[accepted], targets[accepted]
    order = state.rng.permutation(proposers.size)
    signed_today = np.zeros(state.size, dtype=np.int64)
    paired: set[tuple[int, int]] = set()
    sector_draws = state.rng.random((proposers.size, 4))
    for k in order:
        a, b = int(proposers[k]), int(targets[k])
        pair = (min(a, b), max(a, b))
        if pair in paired:
            continue
        if signed_today[a] >= p.diplomatic_capacity or signed_today[b] >= p.diplomatic_capacity:
            continue
        paired.add(pair)
        if sign_pair(state, pair, sector_draws[k], step):
            signed_today[a] += 1
            signed_today[b] += 1


def sign_pair(state: WorldState, pair: tuple[int, int], draws: np.ndarray, step: int) -> bool:
    """The pair settles the terms and signs; False when no funding split suits both.

    `draws`: four uniform numbers, for the general framework, the specialised sector,
    the proposed funding split and dispute-resolution provisions."""
    p = state.parameters
    a, b = pair
    sector = SECTOR_BY_NAME[
        choose_sector(
            draws[0],
            draws[1],
            threat_level=max(float(state.threat[a]), float(state.threat[b])),
            gap=abs(float(state.dominance[a, b]) - float(state.dominance[b, a])),
        )
    ]
    exposure = SECTOR_EXPOSURE[sector]
    # plain floats: this runs once a signing, on two numbers
    funding = negotiate_funding(
        (float(state.benefit[a, b]), float(state.benefit[b, a])),
        (exposure * float(state.sovereignty[a, b]), exposure * float(state.sovereignty[b, a])),
        (float(state.capability[a]), float(state.capability[b])),
        draws[2],
        proportional_share=p.proportional_funding_share,
        funding_cost=p.funding_cost,
        negotiation_cost=p.negotiation_cost,
    )
    if funding is None:
        return False
    names = state.names
    lifecycle.sign(
        state,
        step,
        kind=Kind.BILATERAL,
        name=f"{names[a]}-{names[b]}",
        sector=sector,
        depth=1,
        members=[a, b],
        dispute_resolution=bool(draws[3] < p.dispute_resolution_share),
        funding=funding,
        other=names[b],
        detail=f"{names[a]} and {names[b]} signed a {sector} agreement",
    )
    return True
