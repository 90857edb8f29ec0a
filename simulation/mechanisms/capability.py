"""Capability: random growth, the cost of obligations, gains from technology sharing; inequality.

Capabilities are in arbitrary positive units; only ratios and shares matter, as
with COW's CINC, which is a share of the world total.
"""

import numpy as np

from simulation.domain import MAX_DEPTH


def grow_capability(
    capability: np.ndarray, shocks: np.ndarray, *, growth: float, volatility: float
) -> np.ndarray:
    """Multiplicative (log-normal) growth: `shocks` are standard normal draws, one a nation.

    Multiplicative noise is what makes real capability lognormal, and it widens
    inequality over time unless something closes gaps.
    """
    return capability * np.exp(growth + volatility * shocks)


def technology_transfer(
    capability: np.ndarray,
    sharing_depth: np.ndarray,
    *,
    rate: float,
    pairs: tuple[np.ndarray, np.ndarray] | None = None,
) -> np.ndarray:
    """Capability gained by each nation from partners ahead of it.

    `sharing_depth[i, j]` is the depth of i and j's technology-sharing tie (0 when
    none, counted only at depth 3 or more by the caller). Technology is non-rival:
    the leader loses nothing. A follower grows by `rate` x depth/4 x (how far behind
    it is, as a share of the leader's capability) of its *own* capability: what it
    can absorb scales with what it has, so a small state next to a great power
    gains a few per cent a year, not the great power's scale. Averaged over its
    sharing partners ahead of it, so a tie with a weaker nation does not dilute it.
    """
    # sharing ties are few: work on them only (`pairs` may pass a superset, e.g. all ties)
    rows, cols = np.nonzero(sharing_depth) if pairs is None else pairs
    depth = sharing_depth.ravel()[rows * sharing_depth.shape[1] + cols]  # flat: faster
    sharing = depth > 0
    rows, cols, depth = rows[sharing], cols[sharing], depth[sharing]
    behind = np.maximum(1.0 - capability[rows] / capability[cols], 0.0)
    gained = np.bincount(rows, weights=depth / MAX_DEPTH * behind, minlength=capability.size)
    ahead = np.maximum(np.bincount(rows, weights=behind > 0, minlength=capability.size), 1)
    return rate * capability * gained / ahead


def upkeep(capability: np.ndarray, funding_load: np.ndarray, *, funding_cost: float) -> np.ndarray:
    """Capability spent on running agreements: a small share, growing with the load carried."""
    return capability * np.minimum(np.maximum(0.02 * funding_cost * funding_load, 0.0), 0.5)


def gini(values: np.ndarray) -> float:
    """Gini coefficient in [0, 1): 0 when all are equal."""
    values = np.sort(np.asarray(values, dtype=np.float64))
    n = values.size
    total = values.sum()
    if n == 0 or total <= 0:
        return 0.0
    ranks = np.arange(1, n + 1)
    # rounding can leave -1e-16 for equal values: the coefficient is never negative
    return max(0.0, float((2.0 * (ranks * values).sum()) / (n * total) - (n + 1) / n))
