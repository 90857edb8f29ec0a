"""Who pays what: funding shares of bilateral agreements and pacts, and how a pair settles
the split of a new agreement's bill.

A share of 1 is an even split; shares are scaled so an even split gives every member 1.
"""

from __future__ import annotations

import numpy as np

from simulation.domain import MAX_DEPTH, FundingSplit
from simulation.mechanisms import utility


def bilateral_funding_shares(
    capability_first: np.ndarray, capability_second: np.ndarray, proportional: np.ndarray
) -> tuple[np.ndarray, np.ndarray]:
    """Each side's share of bilateral bills; `proportional` marks agreements split by
    capability (the others split evenly). A bilateral lead-nation split has the stronger
    pay half: the same as even."""
    by_capability = 2.0 * capability_first / (capability_first + capability_second)
    first_share = np.where(proportional, by_capability, 1.0)
    return first_share, 2.0 - first_share


def pact_funding_shares(
    capability: np.ndarray, members: np.ndarray, split: FundingSplit
) -> np.ndarray:
    """Every nation's share of a pact's bill: members' shares as they stand, an
    outsider's as it would be in the pact enlarged by it."""
    caps = capability[members]
    enlarged = members.size + 1
    if split is FundingSplit.PROPORTIONAL:
        shares = enlarged * capability / (caps.sum() + capability)
    elif split is FundingSplit.LEAD_NATION:
        shares = np.where(capability > caps.max(), 0.5 * enlarged, 0.5 * enlarged / members.size)
    else:
        shares = np.ones(capability.size)
    shares[members] = utility.funding_shares(caps, split)
    return shares


def negotiate_funding(
    benefit: tuple[float, float],
    sovereignty: tuple[float, float],
    capability: tuple[float, float],
    draw: float,
    *,
    proportional_share: float,
    funding_cost: float,
    negotiation_cost: float,
) -> FundingSplit | None:
    """The split a pair settles on for a new agreement (at the dialogue rung), or None.

    `benefit` and `sovereignty` are each side's full-depth benefit and sovereignty cost
    of the agreement (its sector's exposure applied). The split proposed is proportional
    with chance `proportional_share` (`draw` below it), else equal; if it leaves either
    side no better off than without the agreement (after `negotiation_cost`), the other
    split is tried; None when neither suits both. One pair, plain Python: the rule as
    written; `negotiate_fundings` applies it to many pairs at once.
    """
    preferred, fallback = (
        (FundingSplit.PROPORTIONAL, FundingSplit.EQUAL)
        if draw < proportional_share
        else (FundingSplit.EQUAL, FundingSplit.PROPORTIONAL)
    )
    share_first = 2.0 * capability[0] / (capability[0] + capability[1])
    gain = (utility.DIALOGUE_BENEFIT * benefit[0], utility.DIALOGUE_BENEFIT * benefit[1])
    full_funding = funding_cost * MAX_DEPTH
    for split in (preferred, fallback):
        shares = (
            (share_first, 2.0 - share_first) if split is FundingSplit.PROPORTIONAL else (1.0, 1.0)
        )
        # each side must come out ahead at the dialogue rung, net of negotiating
        cost_first = (
            sovereignty[0] * utility.DIALOGUE_EXPOSURE
            + full_funding * shares[0] * utility.DIALOGUE_COST
            + negotiation_cost
        )
        cost_second = (
            sovereignty[1] * utility.DIALOGUE_EXPOSURE
            + full_funding * shares[1] * utility.DIALOGUE_COST
            + negotiation_cost
        )
        if gain[0] > cost_first and gain[1] > cost_second:
            return split
    return None


# what `negotiate_fundings` returns, by position: a new agreement is never lead-nation
SETTLED_SPLITS: tuple[FundingSplit, FundingSplit] = (FundingSplit.EQUAL, FundingSplit.PROPORTIONAL)


def negotiate_fundings(
    benefit_first: np.ndarray,
    benefit_second: np.ndarray,
    sovereignty_first: np.ndarray,
    sovereignty_second: np.ndarray,
    capability_first: np.ndarray,
    capability_second: np.ndarray,
    draw: np.ndarray,
    *,
    proportional_share: float,
    funding_cost: float,
    negotiation_cost: np.ndarray,
    negotiation_cost_second: np.ndarray | None = None,
) -> np.ndarray:
    """The split each of many pairs settles on, by the rule of `negotiate_funding`: its
    position in `SETTLED_SPLITS` (0 equal, 1 proportional), -1 when none suits both.
    One element of each array a pair; `negotiation_cost` is each pair's own, or the
    first side's when `negotiation_cost_second` gives the second side's."""
    if negotiation_cost_second is None:
        negotiation_cost_second = negotiation_cost
    share_first = 2.0 * capability_first / (capability_first + capability_second)
    gain_first = utility.DIALOGUE_BENEFIT * benefit_first
    gain_second = utility.DIALOGUE_BENEFIT * benefit_second
    full_funding = funding_cost * MAX_DEPTH
    suits = []
    for shares in ((1.0, 1.0), (share_first, 2.0 - share_first)):  # SETTLED_SPLITS order
        # each side must come out ahead at the dialogue rung, net of negotiating
        cost_first = (
            sovereignty_first * utility.DIALOGUE_EXPOSURE
            + full_funding * shares[0] * utility.DIALOGUE_COST
            + negotiation_cost
        )
        cost_second = (
            sovereignty_second * utility.DIALOGUE_EXPOSURE
            + full_funding * shares[1] * utility.DIALOGUE_COST
            + negotiation_cost_second
        )
        suits.append((gain_first > cost_first) & (gain_second > cost_second))
    equal, proportional = suits
    # the proposed split if it suits both, else the other one
    proposed_proportional = draw < proportional_share
    return np.where(
        proposed_proportional,
        np.where(proportional, 1, np.where(equal, 0, -1)),
        np.where(equal, 0, np.where(proportional, 1, -1)),
    )
