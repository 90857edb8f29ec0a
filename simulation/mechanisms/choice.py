"""Choosing whom to approach: value plus idiosyncratic taste, within a diplomatic capacity."""

import numpy as np

SMALL_CAPACITY = 4


def choose_partners(
    value: np.ndarray, eligible: np.ndarray, capacity: int, noise: float, rng: np.random.Generator
) -> tuple[np.ndarray, np.ndarray]:
    """Each nation's top `capacity` eligible partners by value plus Gumbel taste.

    Adding Gumbel noise with scale `noise` and taking the top k draws partners
    without replacement with probability proportional to exp(value / noise): a
    multinomial-logit choice, vectorised. Returns (proposer, target) index arrays,
    proposers in ascending order.
    """
    n = value.shape[0]
    if capacity <= 0 or n < 2:
        empty = np.empty(0, dtype=np.int64)
        return empty, empty
    # only the eligible dyads (a few percent once the network has formed) get a draw
    candidates = np.flatnonzero(eligible)
    taste = np.full(value.shape, -np.inf, dtype=np.float32)
    taste.ravel()[candidates] = value.ravel()[candidates] + noise * rng.gumbel(size=candidates.size)
    k = min(capacity, n - 1)
    if k <= SMALL_CAPACITY:
        # a few passes of argmax beat a partition of every row when k is small
        top = np.empty((n, k), dtype=np.int64)
        found = np.empty((n, k), dtype=bool)
        row_starts = np.arange(n) * n  # flat positions: faster than (row, column) pairs
        flat = taste.ravel()
        for rank in range(k):
            best = np.argmax(taste, axis=1)
            top[:, rank] = best
            chosen = row_starts + best
            found[:, rank] = np.isfinite(flat[chosen])  # a row may run out
            flat[chosen] = -np.inf
        keep = found.ravel()
    else:
        top = np.argpartition(-taste, k - 1, axis=1)[:, :k]
        keep = None
    proposers = np.repeat(np.arange(n), k)
    targets = top.ravel()
    if keep is None:
        keep = np.isfinite(taste[proposers, targets])
    return proposers[keep], targets[keep]
