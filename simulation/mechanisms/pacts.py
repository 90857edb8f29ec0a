"""Rules of multilateral pacts: collective security, and votes weighted by capability."""

from __future__ import annotations

import numpy as np

from simulation.mechanisms import utility


def collective_security(
    threat_weight: float, threat: np.ndarray, added: np.ndarray, already: np.ndarray
) -> np.ndarray:
    """The security a nation gains from capability `added` to its side, where `already`
    stands: `0.5 x threat_weight x threat x added / (added + already)`. Half the
    dyadic threat term's weight, since a pact's strength is shared among its members.

    Used both ways round: an outsider valuing a pact (added: the members' capability;
    already: its own) and a member valuing an applicant (added: the applicant's
    capability; already: the pact's).
    """
    return 0.5 * threat_weight * threat * added / (added + already)


def shared_threat_value(transnational_threat: float, members: np.ndarray | float) -> np.ndarray:
    """What meeting a threat shared across states (terrorism, cyber attack) together is
    worth to each of `members` states: `transnational_threat x (1 - 1/members)`. No one
    state covers such a threat alone; each further state sharing intelligence, borders
    and networks closes a gap, with diminishing returns. A bilateral agreement gives half
    the threat; a large pact nearly all of it."""
    return transnational_threat * (1.0 - 1.0 / np.maximum(members, 1.0))


# Share of the other members' capability needed to expel a member: two thirds, as the
# OAS Charter (art. 9) and the Arab League require to suspend one.
EXPULSION_MAJORITY = 2.0 / 3.0


def capability_vote(weights: np.ndarray, in_favour: np.ndarray) -> bool:
    """A pact decides by capability-weighted majority: the stronger members dominate
    decisions. True when those in favour hold at least half of the members' weight."""
    return bool(weights[in_favour].sum() >= 0.5 * weights.sum())


def member_value(
    member_capability: np.ndarray,
    member_threat: np.ndarray,
    capability: float,
    benefit: np.ndarray,
    sovereignty: np.ndarray,
    *,
    depth: int,
    threat_weight: float,
    funding_cost: float,
) -> np.ndarray:
    """What a nation of `capability` is worth to each member at the pact's depth: the
    dyadic benefit (`benefit`, full depth) plus its capability added to their collective
    security, less the sovereignty cost (`sovereignty`, the pact's exposure applied) and
    an even share of the running cost."""
    collective = collective_security(
        threat_weight, member_threat, capability, member_capability.sum()
    )
    return utility.net_value(
        benefit + collective,
        sovereignty,
        utility.funding_burden(np.ones(1), funding_cost=funding_cost),
        depth,
    )


def approves_applicant(
    member_capability: np.ndarray,
    member_threat: np.ndarray,
    applicant_capability: float,
    benefit: np.ndarray,
    sovereignty: np.ndarray,
    *,
    depth: int,
    threat_weight: float,
    funding_cost: float,
) -> bool:
    """Members vote on an applicant, each on what it brings them (`member_value`)."""
    value = member_value(
        member_capability,
        member_threat,
        applicant_capability,
        benefit,
        sovereignty,
        depth=depth,
        threat_weight=threat_weight,
        funding_cost=funding_cost,
    )
    return capability_vote(member_capability, value > 0)


def expels_member(member_capability: np.ndarray, member_rivalry: np.ndarray) -> bool:
    """Whether the other members vote out a member that a crisis has made the rival of
    one of them. Its rivals among them (`member_rivalry` above 0) vote it out; the rest,
    tied to both sides by the pact, keep it. It goes when its rivals hold
    `EXPULSION_MAJORITY` of the others' capability (`member_capability`): a pact whose
    other members outweigh the quarrel keeps both (NATO kept Greece and Turkey, ASEAN
    Thailand and Cambodia), one its adversary dominates expels it (the Cominform,
    led by Moscow, expelled Yugoslavia in 1948)."""
    against = np.asarray(member_rivalry) > 0
    return bool(member_capability[against].sum() >= EXPULSION_MAJORITY * member_capability.sum())


def rival_of_members(rivalry_with_members: np.ndarray) -> bool:
    """Whether a nation is a rival of any member (`rivalry_with_members`: its rivalry
    with each, 0-1). A state does not join the pact of its rival (Walt 1987: states
    align against the source of their threat, not with it): the rival's adversary
    vetoes it. Members that a crisis makes rivals face a vote on staying
    (`expels_member`), which keeps both where the pact is split between them
    (Greece and Turkey in NATO, Thailand and Cambodia in ASEAN: docs/MODEL.md 7.6)."""
    return bool(np.any(np.asarray(rivalry_with_members) > 0))
