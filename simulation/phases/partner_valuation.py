"""Phase 2, partner valuation: what full cooperation with every other nation, and with
every pact, would be worth to each nation this step.

All matrices are read row to column: entry [i, j] is the value to i of cooperating
with j. The equations are in `simulation.mechanisms.utility` (`partner_benefit`, with
the plain `partner_benefit_reference` beside it) and `simulation.mechanisms.pacts`.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from simulation.agreements import Agreement
from simulation.mechanisms import network, utility
from simulation.mechanisms.funding import pact_funding_shares
from simulation.mechanisms.pacts import collective_security, shared_threat_value
from simulation.phases.environment import rival_pairs
from simulation.state import DYADIC, WorldState


def value_partners(state: WorldState) -> None:
    """Dominance, absorptive capacity, and the benefit and sovereignty matrices.

    Who values whom by alignment and distance is fixed for the run and weighed once
    (`WorldState.homophily`, `proximity`, `client_distance`); only capability, threat,
    trust and the network move the benefit from step to step."""
    p = state.parameters
    state.pact_terms_cache = None
    share = utility.relative_share(state.capability.astype(DYADIC))
    state.dominance = utility.dominance(state.capability, share)
    # the median state and the mean degree are those of the states in the system
    states = state.states_if_not_all()
    state.absorptive_capacity = utility.absorptive_capacity(
        state.capability, None if states is None else state.capability[states]
    )
    # a nation weighs its DCA partners, not its allies (`Agreement.alliance`)
    common_partners, common_pairs = state.dca_common_partners, state.dca_common_pairs
    if p.closure_hub_discount:
        # a hub vouches less for each of its many partners
        common_partners, common_pairs = network.vouching_partners(
            state.dca_tie_pairs, state.dca_degree, p.closure_hub_discount, state.size
        )
    state.benefit = utility.partner_benefit(
        state.capability,
        state.threat,
        state.reputation,
        state.trust,
        state.alignment,
        common_partners,
        state.dca_degree,
        state.dca_ties,
        state.interoperability,
        threat_weight=p.threat_weight,
        technology_weight=p.technology_weight,
        status_weight=p.status_weight,
        homophily_weight=p.homophily_weight,
        triadic_closure_weight=p.triadic_closure_weight,
        preferential_attachment_weight=p.preferential_attachment_weight,
        partner_saturation=p.partner_saturation,
        share=share,
        dominance_matrix=state.dominance,
        common_pairs=common_pairs,
        rivalry=state.rivalry,
        capacity=state.absorptive_capacity,
        homophily=state.homophily,
        states=states,
        distance_weight=p.distance_weight,
        influence_weight=p.influence_weight,
        proximity=state.proximity,
        client_distance=state.client_distance,
        influence_reach_exponent=p.influence_reach_exponent,
        influence_exclusivity=p.influence_exclusivity,
        tie_flat=state.dca_tie_flat,
        redundancy_weight=p.redundancy_weight,
        shared_partners=state.dca_common_partners,
    )
    if p.transnational_threat:
        # a threat shared across states: every partner helps meet it (a pair: half of it)
        state.benefit += shared_threat_value(p.transnational_threat, 2.0).astype(
            state.benefit.dtype
        )
        np.fill_diagonal(state.benefit, 0.0)
    if p.rival_alignment_weight:
        discount_for_rivals(state, p.rival_alignment_weight)
    state.sovereignty = utility.sovereignty_cost(
        state.sovereignty_sensitivity[:, None].astype(DYADIC),
        state.dominance,
        sovereignty_weight=p.sovereignty_weight,
        asymmetry_weight=p.asymmetry_weight,
    )


def discount_for_rivals(state: WorldState, weight: float) -> None:
    """A partner is worth less the closer it stands to one's rivals (threat-directed
    alignment, `utility.rival_closeness`): `weight` x closeness off the benefit, in the
    rows of the nations that have a rival."""
    first, second = rival_pairs(state)
    if not first.size:
        return
    rows = np.unique(np.concatenate([first, second]))
    closeness = utility.rival_closeness(
        first, second, state.rivalry[first, second], state.tie_depth, rows
    )
    state.benefit[rows] -= (weight * closeness).astype(state.benefit.dtype)
    state.benefit[rows, rows] = 0.0


@dataclass(frozen=True, slots=True)
class PactTerms:
    """What each pact would be worth to every nation at full depth: N x pacts arrays,
    one column a pact (`column` maps a pact's slot to it)."""

    column: dict[int, int]
    benefit: np.ndarray
    sovereignty: np.ndarray
    funding: np.ndarray
    dominated: np.ndarray  # dominance of the pact's strongest other member
    near: np.ndarray  # outsiders tied to at least one member: the pact's applicants


def pact_terms(state: WorldState, pacts: list[Agreement]) -> PactTerms:
    """The terms of `pacts` (see `value_pacts`), kept between refreshes of the
    valuations and ties (which clear the cache): only a pact's membership moves its
    terms, so the same pacts and sizes have the same terms."""
    key = tuple((pact.slot, len(pact.members)) for pact in pacts)
    if state.pact_terms_cache is not None and state.pact_terms_cache[0] == key:
        return state.pact_terms_cache[1]
    terms = value_pacts(state, pacts)
    state.pact_terms_cache = (key, terms)
    return terms


def value_pacts(state: WorldState, pacts: list[Agreement]) -> PactTerms:
    """Full-depth benefit, sovereignty and funding of each pact to every nation
    (member or not), and the dominance of its strongest other member.

    Benefit is the mean over the other members of the dyadic benefit, plus
    collective security: a share of the pact's capability behind the nation.
    An outsider takes on every member it is not yet tied to at once, so its gains
    saturate as if all of them were added (a member's own valuation already counts
    them). Sovereignty cost takes dominance from the pact's strongest other member;
    funding follows the pact's split as it would be with the nation in it.

    All pacts at once: sums over members are products with the membership matrix,
    so the cost hardly grows with the number of pacts.
    """
    p = state.parameters
    n = state.size
    membership = np.zeros((n, len(pacts)), dtype=DYADIC)
    for column, pact in enumerate(pacts):
        membership[pact.members, column] = 1.0
    is_member = membership > 0
    # members each nation is tied to, pact by pact: whole counts, gathered from the
    # members' columns of `ties` rather than by a product over every nation
    everyone = [member for pact in pacts for member in pact.members]
    starts = np.cumsum([0] + [len(pact.members) for pact in pacts[:-1]])
    tied_members = np.add.reduceat(state.ties[:, everyone], starts, axis=1, dtype=np.int64).astype(
        DYADIC
    )
    others = membership.sum(axis=0) - is_member
    # a nation's own entry is 0 in the benefit and dominance matrices and untied in
    # `ties`, so sums over all members need no correction for it
    benefit = (state.benefit @ membership) / np.maximum(others, 1)
    new_partners = others - tied_members
    capacity = p.partner_saturation * state.absorptive_capacity + state.dca_degree
    held = capacity[:, None]
    crowding = held / (held + np.maximum(new_partners - 1, 0))
    benefit = np.where(benefit > 0, benefit * crowding, benefit)
    own = state.capability[:, None]
    others_capability = state.capability @ membership.astype(np.float64) - own * is_member
    collective = collective_security(p.threat_weight, state.threat[:, None], others_capability, own)
    if p.transnational_threat:
        # met together: the more members with the nation, the more of it is covered (the
        # mean dyadic benefit above already holds a pair's share of it)
        collective = collective + (
            shared_threat_value(p.transnational_threat, others + 1.0)
            - shared_threat_value(p.transnational_threat, 2.0)
        )
    dominated = np.zeros(membership.shape, dtype=DYADIC)
    funding_share = np.ones(membership.shape)
    exposure = np.ones(len(pacts))
    for column, pact in enumerate(pacts):
        members = np.array(pact.members)
        dominated[:, column] = state.dominance[:, members].max(axis=1)
        funding_share[:, column] = pact_funding_shares(state.capability, members, pact.funding)
        exposure[column] = pact.exposure
    sovereignty = exposure * utility.sovereignty_cost(
        state.sovereignty_sensitivity[:, None],
        dominated,
        sovereignty_weight=p.sovereignty_weight,
        asymmetry_weight=p.asymmetry_weight,
    )
    funding = utility.funding_burden(funding_share, funding_cost=p.funding_cost)
    return PactTerms(
        column={pact.slot: column for column, pact in enumerate(pacts)},
        benefit=benefit + collective,
        sovereignty=sovereignty,
        funding=funding,
        dominated=dominated,
        near=(tied_members > 0) & ~is_member,
    )
