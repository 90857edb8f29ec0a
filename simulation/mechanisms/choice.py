"""Choosing whom to approach: value plus idiosyncratic taste, within a diplomatic capacity."""

import numpy as np

SMALL_CAPACITY = 4


def standard_gumbel(rng: np.random.Generator, size: int) -> np.ndarray:
    """`rng.gumbel(size=size)`, the same numbers from the same stream, at a third of the
    cost: numpy draws each one in a scalar loop as -log(-log(1 - u)) for the next
    uniform u, skipping u = 0; here the uniforms come in one block and the logarithms
    run over the array. The generator is left where `rng.gumbel` leaves it."""
    uniform = rng.random(size)
    if not uniform.all():  # a zero is skipped and the stream read on (odds 2^-53 each)
        uniform = uniform[uniform != 0]
        while uniform.size < size:
            more = rng.random(size - uniform.size)
            uniform = np.concatenate([uniform, more[more != 0]])
    return 0.0 - np.log(-np.log(1.0 - uniform))


def choose_partners(
    value: np.ndarray,
    eligible: np.ndarray,
    capacity: int | np.ndarray,
    noise: float,
    rng: np.random.Generator,
) -> tuple[np.ndarray, np.ndarray]:
    """Each nation's top `capacity` eligible partners by value plus Gumbel taste.

    Adding Gumbel noise with scale `noise` and taking the top k draws partners
    without replacement with probability proportional to exp(value / noise): a
    multinomial-logit choice, vectorised. `capacity` is one number for every nation
    or one per nation (`simulation.mechanisms.capacity.negotiating_capacity`); the
    draws are the same either way, one per eligible dyad. Returns (proposer, target)
    index arrays, proposers in ascending order.
    """
    n = value.shape[0]
    per_nation = np.ndim(capacity) > 0
    if per_nation:
        capacity = np.asarray(capacity)
        if capacity.size and capacity.min() == capacity.max():
            # the same for everyone: today's choice, to the draw and the order
            per_nation, capacity = False, int(capacity[0])
        else:
            widest = int(capacity.max()) if capacity.size else 0
    if not per_nation:
        widest = capacity
    if widest <= 0 or n < 2:
        empty = np.empty(0, dtype=np.int64)
        return empty, empty
    # only the eligible dyads (a few percent once the network has formed) get a draw
    candidates = np.flatnonzero(eligible)
    taste = np.full(value.shape, -np.inf, dtype=np.float32)
    taste.ravel()[candidates] = value.ravel()[candidates] + noise * standard_gumbel(
        rng, candidates.size
    )
    k = min(widest, n - 1)
    if per_nation:
        return _top_per_nation(taste, np.minimum(capacity, k))
    if k <= SMALL_CAPACITY:
        top, found = _best_by_argmax(taste, k)
        keep = found.ravel()
    else:
        top = np.argpartition(-taste, k - 1, axis=1)[:, :k]
        keep = None
    proposers = np.repeat(np.arange(n), k)
    targets = top.ravel()
    if keep is None:
        keep = np.isfinite(taste[proposers, targets])
    return proposers[keep], targets[keep]


def _best_by_argmax(taste: np.ndarray, k: int, rows: np.ndarray | None = None):
    """The k best columns of each row (of `rows`, or all), best first, by k passes of
    argmax (a few passes beat a partition of every row when k is small), and whether
    each was eligible (a row may run out). Marks the chosen entries -inf in `taste`."""
    block = taste if rows is None else taste[rows]
    count, width = block.shape
    top = np.empty((count, k), dtype=np.int64)
    found = np.empty((count, k), dtype=bool)
    row_starts = np.arange(count) * width  # flat positions: faster than (row, column) pairs
    flat = block.ravel()
    for rank in range(k):
        best = np.argmax(block, axis=1)
        top[:, rank] = best
        chosen = row_starts + best
        found[:, rank] = np.isfinite(flat[chosen])
        flat[chosen] = -np.inf
    if rows is not None:
        taste[rows] = block
    return top, found


def _top_per_nation(taste: np.ndarray, capacity: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Each row's best `capacity[row]` columns, best first. Every row takes a few passes
    of argmax; only the rows of large capacity (the hubs) are partitioned for the rest."""
    n = taste.shape[0]
    first = min(int(capacity.max()), SMALL_CAPACITY)
    top, found = _best_by_argmax(taste, first)
    found &= np.arange(first)[None, :] < capacity[:, None]
    proposers = [np.repeat(np.arange(n), first)[found.ravel()]]
    targets = [top.ravel()[found.ravel()]]
    hubs = np.flatnonzero(capacity > first)
    if hubs.size:
        more = int(capacity[hubs].max()) - first
        block = taste[hubs]
        more = min(more, block.shape[1])
        part = np.argpartition(-block, more - 1, axis=1)[:, :more]
        # best first within the partition, so a hub takes only its own number of them
        order = np.argsort(-np.take_along_axis(block, part, axis=1), axis=1, kind="stable")
        part = np.take_along_axis(part, order, axis=1)
        rank = np.arange(more)[None, :]
        chosen = (rank < (capacity[hubs] - first)[:, None]) & np.isfinite(
            np.take_along_axis(block, part, axis=1)
        )
        proposers.append(np.repeat(hubs, more)[chosen.ravel()])
        targets.append(part.ravel()[chosen.ravel()])
    proposers, targets = np.concatenate(proposers), np.concatenate(targets)
    # proposers in ascending order, each one's targets best first
    order = np.argsort(proposers, kind="stable")
    return proposers[order], targets[order]
