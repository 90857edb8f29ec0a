"""What one more agreement adds between two states that already cooperate.

A pair of states may hold a general framework and sector protocols beside it
(training, technology, arms ...; Kinne 2020 counts about 1.3 DCAs per tied pair).
Each agreement opens the cooperation channels of its sector (training, intelligence,
technology; `simulation.sectors`), and between the two states a channel is as wide as
the widest agreement that opens it (`simulation.ties`). So a further agreement is worth
what it opens beyond the channels already open: a training protocol beside a general
framework widens the training channel from 0.5 to 1 and adds nothing else, a second
agreement of a sector the pair already holds adds nothing at all.

An agreement's benefit is the pair's full-cooperation benefit times its *added share*,
the part of its own channel widths not yet open between them:

    added_a = Σ_c max(0, w_c(a) − o_c) / Σ_c w_c(a),   o_c = max over earlier agreements w_c

Agreements of a pair are valued in signing order: the first (the relation itself) in
full, added share 1, as a single agreement always was; each later one by what it adds
to those signed before it. The shares of a pair thus add up to the breadth of its
cooperation, and when the first lapses the next is valued in full.
"""

from __future__ import annotations

import numpy as np


def added_share(widths: np.ndarray, already_open: np.ndarray) -> np.ndarray:
    """Share of an agreement's channel widths not already open: rows of (training,
    intelligence, technology) widths against rows of the widths open before it.
    1 when nothing is open, 0 when everything it opens already is."""
    widths, already_open = np.asarray(widths, dtype=np.float64), np.asarray(already_open)
    # channel by channel, summed in the order `sum(axis=-1)` sums them: an axis of three
    # is far slower to reduce over than three whole slices are to add
    new = total = 0.0
    for channel in range(widths.shape[-1]):
        new = new + np.maximum(widths[..., channel] - already_open[..., channel], 0.0)
        total = total + widths[..., channel]
    total = np.broadcast_to(total, np.shape(new))
    return np.divide(new, total, out=np.zeros_like(new), where=total > 0)


def pair_groups(pair: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Agreements grouped by pair: (order, rank, starts). `order` sorts them by pair
    keeping their given order within a pair, `rank` is each one's place in its pair in
    that sorted order (0 for the first), `starts` the positions where each pair begins."""
    order = np.argsort(pair, kind="stable")
    sorted_pair = pair[order]
    new_group = np.ones(pair.size, dtype=bool)
    new_group[1:] = sorted_pair[1:] != sorted_pair[:-1]
    starts = np.flatnonzero(new_group)
    rank = np.arange(pair.size) - np.repeat(starts, np.diff(np.append(starts, pair.size)))
    return order, rank, starts


def added_share_in_signing_order(pair: np.ndarray, widths: np.ndarray) -> np.ndarray:
    """Each agreement's added share (see the module) given the agreements of its pair
    listed before it. `pair`: one key per agreement naming its pair; `widths`: its
    (training, intelligence, technology) channel widths; agreements in signing order.
    An agreement alone in its pair, or first in it, gets exactly 1."""
    share = np.ones(pair.size)
    if pair.size < 2:
        return share
    order, rank, _ = pair_groups(pair)
    if rank.max() == 0:
        return share
    ordered = np.asarray(widths, dtype=np.float64)[order]
    # widths open before each agreement: the running maximum within its pair, built
    # rank by rank (a pair holds a handful of agreements at most)
    before = np.zeros_like(ordered)
    for place in range(1, int(rank.max()) + 1):
        at = np.flatnonzero(rank == place)
        before[at] = np.maximum(before[at - 1], ordered[at - 1])
    later = rank > 0
    share[order[later]] = added_share(ordered[later], before[later])
    return share


def best_further_share(added: np.ndarray, held: np.ndarray) -> np.ndarray:
    """For each pair, the largest added share among the sectors it does not yet hold:
    what its most useful further agreement would add. `added`: (pairs, sectors) share
    each sector would add (`added_share` of its widths against those open); `held`:
    (pairs, sectors) bool. 0 for a pair that holds every sector."""
    if added.shape[1] == 0:
        return np.zeros(added.shape[0])
    return np.where(held, 0.0, added).max(axis=1)
