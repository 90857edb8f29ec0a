"""Ties: the dyadic view of the agreements in force, rebuilt whenever they change.

`tie_depth[i, j]` is the deepest agreement i and j share (0 when none); the channel
matrices say how wide each cooperation channel (training, intelligence, technology)
is open between them; `dispute_channel` and `obligation` mark shared
dispute-resolution provisions and mutual-defense obligations. From the ties follow
each nation's partners (`degree`), the partners each pair shares and each nation's
running bill (`funding_load`).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from simulation.agreements import CHANNELS_BY_CODE, SECTOR_CODE
from simulation.domain import MAX_DEPTH, SECTORS, Kind
from simulation.mechanisms import network, scope, utility
from simulation.mechanisms.funding import bilateral_funding_shares
from simulation.state import DYADIC, WorldState

# How wide each channel is open between members of an agreement, by sector and depth
# (index: sector code x (MAX_DEPTH + 1) + depth): the sector's width times the depth,
# from the rung that opens the channel (training at 2, intelligence and technology at 3).
_RUNG_OPENING = np.array([2, 3, 3])
_LEVELS = np.arange(MAX_DEPTH + 1)
CHANNEL_WIDTH = np.ascontiguousarray(
    (
        CHANNELS_BY_CODE[:, None, :]
        * (_LEVELS[None, :, None] >= _RUNG_OPENING)
        * _LEVELS[None, :, None]
    )
    .astype(DYADIC)
    .reshape(-1, 3)
    .T
)


def bilateral_shares(state: WorldState, slots: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Both members' funding shares of the bilateral agreements in `slots`."""
    registry = state.registry
    first, second = registry.first[slots], registry.second[slots]
    return bilateral_funding_shares(
        state.capability[first], state.capability[second], registry.funding_code[slots] == 1
    )


def pair_key(state: WorldState, slots: np.ndarray) -> np.ndarray:
    """One number per bilateral agreement in `slots` naming its pair, the same whichever
    member is listed first: the flat position i N + j of the pair with i < j."""
    first, second = state.registry.first[slots], state.registry.second[slots]
    return np.minimum(first, second) * state.size + np.maximum(first, second)


def added_shares(state: WorldState, slots: np.ndarray) -> np.ndarray:
    """What each bilateral agreement in `slots` (in signing order) adds to the channels
    its pair had open before it (`mechanisms.scope.added_share_in_signing_order`): 1 for
    the first agreement of a pair."""
    widths = CHANNELS_BY_CODE[state.registry.sector[slots]]
    return scope.added_share_in_signing_order(pair_key(state, slots), widths)


# What a pair holds is one of 2^S sets of sectors (a bit a sector code); the channels
# open between them and what a further agreement of each sector would add depend on
# that set alone, so they are worked out once a set, not once a pair and step.
_SETS = np.arange(2 ** len(SECTORS))
HELD_BY_SET = ((_SETS[:, None] >> np.arange(len(SECTORS))) & 1).astype(bool)  # (sets, sectors)
OPEN_BY_SET = np.where(HELD_BY_SET[:, :, None], CHANNELS_BY_CODE[None, :, :], 0.0).max(axis=1)
ADDED_BY_SET = scope.added_share(CHANNELS_BY_CODE[None, :, :], OPEN_BY_SET[:, None, :])


@dataclass(frozen=True, slots=True)
class PairHoldings:
    """The bilateral agreements each tied pair holds: one row a pair, by `key`
    (`pair_key`, ascending)."""

    key: np.ndarray
    count: np.ndarray  # bilateral agreements in force
    sets: np.ndarray  # the sectors it holds, as its row of `HELD_BY_SET` and `ADDED_BY_SET`

    def rows_of(self, keys: np.ndarray) -> np.ndarray:
        """The row of each pair key (`pair_key`), -1 for a pair holding no agreement."""
        if not self.key.size:
            return np.full(keys.size, -1)
        row = np.minimum(np.searchsorted(self.key, keys), self.key.size - 1)
        return np.where(self.key[row] == keys, row, -1)


def pair_holdings(state: WorldState) -> PairHoldings:
    """What each pair holds in bilateral agreements in force (what a further agreement
    of each sector would add to it: `ADDED_BY_SET`, by `mechanisms.scope.added_share`).
    A bilateral alliance is no DCA: allies hold no DCA by it, and sign none beside it."""
    slots = state.registry.active_slots(Kind.BILATERAL)
    allied = state.registry.alliance[slots]
    if allied.any():
        slots = slots[~allied]
    keys = pair_key(state, slots)
    order, _, starts = scope.pair_groups(keys)
    count = np.diff(np.append(starts, keys.size))
    bits = np.left_shift(1, state.registry.sector[slots][order])
    sets = np.bitwise_or.reduceat(bits, starts) if starts.size else np.zeros(0, dtype=np.int64)
    return PairHoldings(keys[order][starts], count, sets)


def refresh_ties(state: WorldState) -> None:
    """Rebuild every tie field of `state` from the agreements in force."""
    n = state.size
    # the matrices are kept from one refresh to the next and cleared where they were
    # set, on last time's ties (every entry they set lies on one): far less memory to
    # touch than six fresh N x N matrices
    depth, training, intelligence, technology = (
        state.tie_depth,
        state.training_depth,
        state.intelligence_depth,
        state.technology_depth,
    )
    dispute, obligation = state.dispute_channel, state.obligation
    for matrix in (depth, training, intelligence, technology, dispute, obligation):
        matrix.ravel()[state.tie_flat] = 0
    funding_load = np.zeros(n)
    registry = state.registry
    slots = registry.active_slots(Kind.BILATERAL)
    # the pairs of bilateral DCAs, for the DCA network when an alliance is in force
    dca_pairs = None
    if slots.size:
        first, second = registry.first[slots], registry.second[slots]
        level = registry.depth[slots]
        # flat positions of both directions of each pair: indexing a raveled matrix
        # is several times faster than indexing by (row, column)
        forward, backward = first * n + second, second * n + first
        where = np.concatenate([forward, backward])
        pair = np.minimum(forward, backward)
        pair.sort()
        repeats = bool((pair[1:] == pair[:-1]).any())
        rung = level.astype(np.int8)
        _scatter_max(depth, where, np.concatenate([rung, rung]), repeats)
        code = registry.sector[slots] * (MAX_DEPTH + 1) + level
        for matrix, widths in zip((training, intelligence, technology), CHANNEL_WIDTH):
            width = widths[code]
            _scatter_max(matrix, where, np.concatenate([width, width]), repeats)
        provisions = registry.dispute[slots]
        dispute.ravel()[forward[provisions]] = True
        dispute.ravel()[backward[provisions]] = True
        deep = level >= MAX_DEPTH
        obligation.ravel()[forward[deep]] = True
        obligation.ravel()[backward[deep]] = True
        share_first, share_second = bilateral_shares(state, slots)
        funding_load += np.bincount(first, share_first * level / MAX_DEPTH, minlength=n)
        funding_load += np.bincount(second, share_second * level / MAX_DEPTH, minlength=n)
        allied = registry.alliance[slots]
        if allied.any():  # bilateral alliances: ties, but not DCAs
            dca_pairs = np.concatenate([forward[~allied], backward[~allied]])
    pacts = registry.active_pacts()
    # DCAs first, so the DCA network can be read off before the alliances join in
    pacts = [pact for pact in pacts if not pact.alliance] + [
        pact for pact in pacts if pact.alliance
    ]
    first_alliance = next((k for k, pact in enumerate(pacts) if pact.alliance), None)
    dca_ties = None
    if dca_pairs is not None:
        dca_ties = np.zeros((n, n), dtype=bool)
        dca_ties.ravel()[dca_pairs] = True
    if pacts:
        # every pact's block at once: its members' pairs (a nation's own entry aside)
        blocks, sizes, codes, provisions = [], [], [], []
        for pact in pacts:
            members = np.array(pact.members)
            block = members[:, None] * n + members[None, :]
            blocks.append(block[~np.eye(members.size, dtype=bool)])
            sizes.append(blocks[-1].size)
            codes.append(SECTOR_CODE[pact.sector] * (MAX_DEPTH + 1) + pact.depth)
            provisions.append(pact.dispute_resolution)
            shares = utility.funding_shares(state.capability[members], pact.funding)
            funding_load[members] += shares * pact.depth / MAX_DEPTH
        where = np.concatenate(blocks)
        code = np.repeat(codes, sizes)
        level = code % (MAX_DEPTH + 1)
        if first_alliance is not None or dca_ties is not None:
            if dca_ties is None:
                dca_ties = depth > 0
            dca_end = int(np.sum(sizes[:first_alliance]))  # every pact, if none is one
            dca_ties.ravel()[where[:dca_end]] = True
        # pacts may overlap one another and the bilateral agreements: deepest wins
        np.maximum.at(depth.ravel(), where, level.astype(np.int8))
        for matrix, widths in zip((training, intelligence, technology), CHANNEL_WIDTH):
            np.maximum.at(matrix.ravel(), where, widths[code])
        dispute.ravel()[where[np.repeat(provisions, sizes)]] = True
        obligation.ravel()[where[level >= MAX_DEPTH]] = True  # mutual-defense obligations
    previous = (state.ties, state.common_partners)
    state.ties = depth > 0
    state.tie_flat = np.flatnonzero(state.ties)
    state.tie_pairs = np.divmod(state.tie_flat, n)
    state.funding_load = funding_load
    # a sparse adjacency serves the sparse products of a large world; below that the
    # components are counted without one
    state.adjacency = (
        network.adjacency_matrix(*state.tie_pairs, n) if n > network.DENSE_LIMIT else None
    )
    state.common_partners, state.common_pairs = network.shared_partners_with_pairs(
        state.ties, state.adjacency, previous
    )
    state.degree = network.degree(state.ties, pairs=state.tie_pairs)
    if dca_ties is None:  # no alliance in force: the DCA network is the whole of it
        state.dca_ties, state.dca_tie_flat, state.dca_tie_pairs = (
            state.ties,
            state.tie_flat,
            state.tie_pairs,
        )
        state.dca_common_partners, state.dca_common_pairs = (
            state.common_partners,
            state.common_pairs,
        )
        state.dca_degree = state.degree
    else:
        state.dca_ties = dca_ties
        state.dca_tie_flat = np.flatnonzero(dca_ties)
        state.dca_tie_pairs = np.divmod(state.dca_tie_flat, n)
        dca_adjacency = (
            network.adjacency_matrix(*state.dca_tie_pairs, n) if n > network.DENSE_LIMIT else None
        )
        state.dca_common_partners, state.dca_common_pairs = network.shared_partners_with_pairs(
            dca_ties, dca_adjacency
        )
        state.dca_degree = network.degree(dca_ties, pairs=state.dca_tie_pairs)
    state.ties_stale = False
    state.pact_terms_cache = None


def _scatter_max(matrix: np.ndarray, where: np.ndarray, values: np.ndarray, repeats: bool) -> None:
    """The flat positions `where` of a fresh (all-zero) matrix take the largest of their
    `values`, never negative. A pair repeats only when a scenario lists two agreements
    between the same nations; without repeats a plain assignment does it, far faster
    than `np.maximum.at`."""
    if repeats:
        np.maximum.at(matrix.ravel(), where, values)
    else:
        matrix.ravel()[where] = values
