"""Choosing whom to approach: value plus idiosyncratic taste, within a diplomatic capacity."""

import numpy as np


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
    taste = value + noise * rng.gumbel(size=value.shape)
    taste = np.where(eligible, taste, -np.inf)
    k = min(capacity, n - 1)
    top = np.argpartition(-taste, k - 1, axis=1)[:, :k]
    proposers = np.repeat(np.arange(n), k)
    targets = top.ravel()
    keep = np.isfinite(taste[proposers, targets])
    return proposers[keep], targets[keep]
