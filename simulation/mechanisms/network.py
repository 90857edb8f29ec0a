"""Structure of the cooperation network: shared partners, degree, density, transitivity.

`ties` is a symmetric N x N boolean (or 0/1) matrix with an empty diagonal: i and j
are tied when at least one active agreement has both as members.
"""

import numpy as np
import scipy.sparse as sparse

DENSE_LIMIT = 300


def shared_partners(ties: np.ndarray) -> np.ndarray:
    """Number of partners i and j have in common (the triadic-closure signal).

    Real networks are sparse (DCA density is about 1%): past a few hundred nations
    a sparse product is several times faster; below, a dense one has less overhead.
    """
    if ties.shape[0] <= DENSE_LIMIT:
        adjacency = ties.astype(np.float32)
        common = adjacency @ adjacency
    else:
        adjacency = sparse.csr_matrix(ties, dtype=np.float32)
        common = (adjacency @ adjacency).toarray()
    np.fill_diagonal(common, 0.0)
    return common


def degree(ties: np.ndarray) -> np.ndarray:
    return ties.sum(axis=1).astype(np.int64)


def density(ties: np.ndarray) -> float:
    """Tied dyads over possible dyads, in [0, 1]."""
    n = ties.shape[0]
    if n < 2:
        return 0.0
    return float(np.count_nonzero(np.triu(ties, 1)) / (n * (n - 1) / 2))


def transitivity(ties: np.ndarray, common: np.ndarray | None = None) -> float:
    """Global clustering: 3 x triangles / connected triples, in [0, 1]; 0 with no triples."""
    if common is None:
        common = shared_partners(ties)
    tied = ties.astype(bool)
    closed = float(common[tied].sum())  # each triangle counted 6 times
    degrees = tied.sum(axis=1).astype(np.float64)
    triples = float((degrees * (degrees - 1)).sum())  # each triple counted twice
    return closed / triples if triples > 0 else 0.0


def count_components(ties: np.ndarray) -> int:
    """Connected components among nations that have at least one tie."""
    active = ties.any(axis=1)
    if not active.any():
        return 0
    sub = sparse.csr_matrix(ties[np.ix_(active, active)])
    count, _ = sparse.csgraph.connected_components(sub, directed=False)
    return int(count)
