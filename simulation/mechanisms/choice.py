"""Choosing whom to approach: value plus idiosyncratic taste, within a diplomatic capacity."""

import numpy as np

SMALL_CAPACITY = 4


def choose_partners(
    value: np.ndarray, eligible: np.ndarray, capacity: int, noise: float, rng: np.random.Generator
) -> tuple[np.ndarray, np.ndarray]:
    """Each nation's top `capacity` eligible partners by value plus Gumbel taste.

    Adding Gumbel noise with scale `noise` and taking the top k draws partners
    without replacement with probability proportional to exp(value / noise): a
    multinomial-logit choice, vectorised. Returns (proposer, target) index arrays.
    """
    n = value.shape[0]
    if capacity <= 0 or n < 2:
        empty = np.empty(0, dtype=np.int64)
        return empty, empty
    # Gumbel draws as -log(-log U) in single precision: the same distribution as
    # rng.gumbel at a third of the cost on the N x N matrix
    uniform = rng.random(value.shape, dtype=np.float32)
    np.maximum(uniform, np.float32(1e-30), out=uniform)
    gumbel = -np.log(-np.log(uniform))
    taste = value + noise * gumbel
    taste = np.where(eligible, taste, -np.inf)
    k = min(capacity, n - 1)
    if k <= SMALL_CAPACITY:
        # a few passes of argmax beat a partition of every row when k is small
        top = np.empty((n, k), dtype=np.int64)
        found = np.empty((n, k), dtype=bool)
        remaining = taste.copy()
        rows = np.arange(n)
        for rank in range(k):
            best = np.argmax(remaining, axis=1)
            top[:, rank] = best
            found[:, rank] = np.isfinite(remaining[rows, best])  # a row may run out
            remaining[rows, best] = -np.inf
        keep = found.ravel()
    else:
        top = np.argpartition(-taste, k - 1, axis=1)[:, :k]
        keep = None
    proposers = np.repeat(np.arange(n), k)
    targets = top.ravel()
    if keep is None:
        keep = np.isfinite(taste[proposers, targets])
    return proposers[keep], targets[keep]
