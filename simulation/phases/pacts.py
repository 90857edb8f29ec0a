"""Phase 4, multilateral pacts: members vote on keeping a member that a crisis has made
the rival of another; outsiders apply and members vote them in (never a rival of a
member); closed triangles of deep, trusting bilateral ties found new pacts (never with
rivals among them: multilateralisation)."""

from __future__ import annotations

import numpy as np

from simulation import lifecycle
from simulation.domain import ExitReason, FundingSplit, Kind, Sector
from simulation.mechanisms import utility
from simulation.mechanisms.choice import standard_gumbel
from simulation.mechanisms.pacts import approves_applicant, expels_member, rival_of_members
from simulation.phases.partner_valuation import pact_terms
from simulation.phases.signing import environmental_provisions
from simulation.state import WorldState

# Depth at which a pact is founded: its founders already train together
FOUNDING_DEPTH = 2


def join_and_found_pacts(state: WorldState, step: int) -> None:
    vote_out_rivals(state, step)
    join_pacts(state, step)
    found_pacts(state, step)


def vote_out_rivals(state: WorldState, step: int) -> None:
    """Where a crisis has made two members of a pact rivals (rivalry above what the
    scenario placed), the other members vote on expelling each, the weaker first
    (`expels_member`); one voted out
    leaves with reason `voted_out`, and the stronger is then no longer at odds with
    anyone there. Alliances and exogenous pacts change by scenario events only, as
    their accessions do."""
    made = state.rivalry - state.lasting_rivalry
    for pact in state.registry.active_pacts():
        if pact.exogenous or pact.alliance:
            continue
        members = np.array(pact.members)
        at_odds = members[(made[np.ix_(members, members)] > 0).any(axis=1)]
        # weaker first: the pact weighs its members by capability; ties by index
        for member in at_odds[np.lexsort((at_odds, state.capability[at_odds]))].tolist():
            others = np.array([m for m in pact.members if m != member])
            if not pact.active or member not in pact.members:
                continue
            if not (made[member, others] > 0).any():
                continue  # its adversary has gone
            if expels_member(state.capability[others], state.rivalry[others, member]):
                lifecycle.leave(state, pact, member, step, ExitReason.VOTED_OUT)


def join_pacts(state: WorldState, step: int) -> None:
    """Applicants come from each pact's neighbourhood (nations tied to a member) and
    apply when membership is worth its cost; the pact considers the most eager first,
    as many as its members can handle within their diplomatic capacity."""
    p = state.parameters
    pacts = state.registry.active_pacts()
    # joining one pact leaves the others' terms as they were: value all at once
    terms = pact_terms(state, pacts) if pacts else None
    for column, pact in enumerate(pacts):
        # an exogenous pact's accessions, and an alliance's, are the scenario's events
        if pact.exogenous or pact.alliance:
            continue
        near = terms.near[:, column] & state.in_system  # only states apply
        for barred, until in pact.barred_until.items():
            if until > step:
                near[barred] = False
        outsiders = np.flatnonzero(near)
        if outsiders.size == 0 or p.diplomatic_capacity == 0:
            continue
        values = (
            utility.net_value(
                terms.benefit[outsiders, column],
                terms.sovereignty[outsiders, column],
                terms.funding[outsiders, column],
                pact.depth,
            )
            - p.negotiation_cost
        )
        keen = values > 0
        if not keen.any():
            continue
        taste = values[keen] + p.decision_noise * standard_gumbel(state.rng, int(keen.sum()))
        applicants = outsiders[keen][np.argsort(-taste)][: p.diplomatic_capacity]
        for applicant in applicants.tolist():
            members = np.array(pact.members)
            if rival_of_members(state.rivalry[applicant, members]):
                continue  # the rival's adversary vetoes it
            if approves_applicant(
                state.capability[members],
                state.threat[members],
                state.capability[applicant],
                state.benefit[members, applicant],
                state.sovereignty[members, applicant] * pact.exposure,
                depth=pact.depth,
                threat_weight=p.threat_weight,
                funding_cost=p.funding_cost,
            ):
                lifecycle.join(state, pact, applicant, step)


def found_pacts(state: WorldState, step: int) -> None:
    """Closed triangles of deep (depth 2 or more), mutually trusting bilateral ties may
    found a pact together, each with chance `multilateralisation_rate`; a triangle
    already inside one pact founds no other, and a nation founds one pact a step."""
    p = state.parameters
    if p.multilateralisation_rate <= 0:
        return
    threshold = p.deepening_trust_threshold
    registry = state.registry
    slots = registry.active_slots(Kind.BILATERAL)
    deep = slots[registry.depth[slots] >= 2]
    first = np.minimum(registry.first[deep], registry.second[deep])
    second = np.maximum(registry.first[deep], registry.second[deep])
    trusting = (state.trust[first, second] >= threshold) & (state.trust[second, first] >= threshold)
    # only states found pacts (a bilateral agreement's members are states; kept explicit)
    trusting &= state.in_system[first] & state.in_system[second]
    # strong ties as flat positions a n + b (a < b), sorted: (a, b) in lexicographic order
    n = state.size
    edges = np.unique(first[trusting] * n + second[trusting])
    if edges.size < 3:
        return
    a, b = np.divmod(edges, n)
    strong = np.zeros((n, n), dtype=bool)
    strong.ravel()[edges] = True
    strong.ravel()[b * n + a] = True
    # each triangle once, as (a, b, c) with a < b < c, in (a, b) then c order
    edge, c = np.divmod(np.flatnonzero(strong[a] & strong[b]), n)
    third = c > b[edge]
    a, b, c = a[edge[third]], b[edge[third]], c[third]
    pacts = registry.active_pacts()
    if pacts:
        # a triangle already inside one pact (each pair shares one) founds no other
        membership = np.zeros((n, len(pacts)), dtype=bool)
        for column, pact in enumerate(pacts):
            membership[pact.members, column] = True
        inside = (
            (membership[a] & membership[b]).any(axis=1)
            & (membership[a] & membership[c]).any(axis=1)
            & (membership[b] & membership[c]).any(axis=1)
        )
        a, b, c = a[~inside], b[~inside], c[~inside]
    founded: set[int] = set()
    for x, y, z in zip(a.tolist(), b.tolist(), c.tolist()):
        if x in founded or y in founded or z in founded:
            continue
        if state.rivalry[x, y] > 0 or state.rivalry[x, z] > 0 or state.rivalry[y, z] > 0:
            continue  # rivals never share a pact
        if state.rng.random() >= p.multilateralisation_rate:
            continue
        founded.update((x, y, z))
        found_pact(state, [x, y, z], step)


def found_pact(state: WorldState, founders: list[int], step: int) -> None:
    p = state.parameters
    draws = state.rng.random(2)
    provisions = environmental_provisions(state, 1)
    name = "Pact of " + ", ".join(state.names[i] for i in founders)
    lifecycle.sign(
        state,
        step,
        kind=Kind.MULTILATERAL,
        name=name,
        sector=Sector.GENERAL,
        depth=FOUNDING_DEPTH,
        members=list(founders),
        dispute_resolution=bool(draws[0] < p.dispute_resolution_share),
        funding=(
            FundingSplit.PROPORTIONAL
            if draws[1] < p.proportional_funding_share
            else FundingSplit.EQUAL
        ),
        detail=f"{name} founded a multilateral pact",
        environmental=bool(provisions[0]) if provisions is not None else False,
    )
