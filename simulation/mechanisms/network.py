"""Structure of the cooperation network: shared partners, degree, density, transitivity.

`ties` is a symmetric N x N boolean (or 0/1) matrix with an empty diagonal: i and j
are tied when at least one active agreement has both as members.
"""

import numpy as np
import scipy.sparse as sparse
from threadpoolctl import ThreadpoolController

DENSE_LIMIT = 300
_blas: ThreadpoolController | None = None


def _one_blas_thread():
    """A single BLAS thread for small products: worker threads only wait on each
    other at this size, and stall badly when the machine is busy."""
    global _blas
    if _blas is None:
        _blas = ThreadpoolController()
    return _blas.limit(limits=1, user_api="blas")


def shared_partners(ties: np.ndarray) -> np.ndarray:
    """Number of partners i and j have in common (the triadic-closure signal).

    Real networks are sparse (DCA density is about 1%): past a few hundred nations
    a sparse product is several times faster; below, a dense one has less overhead.
    """
    if ties.shape[0] <= DENSE_LIMIT:
        adjacency = ties.astype(np.float32)
        with _one_blas_thread():
            common = adjacency @ adjacency
    else:
        adjacency = sparse.csr_matrix(ties, dtype=np.float32)
        common = (adjacency @ adjacency).toarray()
    np.fill_diagonal(common, 0.0)
    return common


def shared_partners_with_pairs(
    ties: np.ndarray, adjacency: sparse.csr_array
) -> tuple[np.ndarray, tuple[np.ndarray, np.ndarray] | None]:
    """Shared partners as an N x N single-precision matrix, and its nonzero dyads when
    the world is large enough for sparse work downstream to pay (None below
    DENSE_LIMIT, where whole-matrix updates are cheaper than gathering dyads)."""
    n = ties.shape[0]
    if n <= DENSE_LIMIT:
        return shared_partners(ties), None
    rows, cols, counts = shared_partners_of(adjacency)
    common = np.zeros((n, n), dtype=np.float32)
    common[rows, cols] = counts
    return common, (rows, cols)


def shared_partner_pairs(
    rows: np.ndarray, cols: np.ndarray, n: int
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Shared partners as a sparse list (i, j, count) from the tied pairs (both directions).

    The same counts as `shared_partners`, without touching an N x N matrix (and
    without BLAS, whose worker threads stall when the machine is busy).
    """
    return shared_partners_of(adjacency_matrix(rows, cols, n))


def adjacency_matrix(rows: np.ndarray, cols: np.ndarray, n: int) -> sparse.csr_array:
    """Sparse adjacency from tied pairs; built straight from row offsets when the pairs
    come sorted by row (as `np.nonzero` gives them)."""
    if rows.size and np.all(rows[1:] >= rows[:-1]):
        offsets = np.zeros(n + 1, dtype=np.int64)
        np.cumsum(np.bincount(rows, minlength=n), out=offsets[1:])
        data = np.ones(rows.size, dtype=np.float64)
        return sparse.csr_array((data, cols.astype(np.int64), offsets), shape=(n, n))
    return sparse.csr_array((np.ones(rows.size, dtype=np.float64), (rows, cols)), shape=(n, n))


def shared_partners_of(adjacency: sparse.csr_array) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(i, j, count) of shared partners from a sparse adjacency matrix."""
    common = (adjacency @ adjacency).tocoo()
    off_diagonal = common.row != common.col
    return (
        common.row[off_diagonal].astype(np.int64),
        common.col[off_diagonal].astype(np.int64),
        common.data[off_diagonal].astype(np.float64),
    )


def degree(ties: np.ndarray, pairs: tuple | None = None) -> np.ndarray:
    """Partners per nation; `pairs` may pass `np.nonzero(ties)` when at hand."""
    if pairs is None:
        return ties.sum(axis=1).astype(np.int64)
    return np.bincount(pairs[0], minlength=ties.shape[0]).astype(np.int64)


def density(ties: np.ndarray, pairs: tuple | None = None) -> float:
    """Tied dyads over possible dyads, in [0, 1]; `pairs` as for `degree`."""
    n = ties.shape[0]
    if n < 2:
        return 0.0
    tied = np.count_nonzero(ties) if pairs is None else pairs[0].size
    return float(tied / (n * (n - 1)))


def transitivity(
    ties: np.ndarray, common: np.ndarray | None = None, pairs: tuple | None = None
) -> float:
    """Global clustering: 3 x triangles / connected triples, in [0, 1]; 0 with no triples.

    `pairs` may pass `np.nonzero(ties)` when it is already at hand.
    """
    if common is None:
        common = shared_partners(ties)
    rows, cols = np.nonzero(ties) if pairs is None else pairs
    closed = float(common[rows, cols].sum())  # each triangle counted 6 times
    degrees = np.bincount(rows, minlength=ties.shape[0]).astype(np.float64)
    triples = float((degrees * (degrees - 1)).sum())  # each triple counted twice
    return closed / triples if triples > 0 else 0.0


def count_components(
    ties: np.ndarray, pairs: tuple | None = None, adjacency: sparse.csr_array | None = None
) -> int:
    """Connected components among nations that have at least one tie.

    `pairs` (the nonzero entries of `ties`) or a sparse `adjacency` may be passed when
    already at hand."""
    rows, cols = np.nonzero(ties) if pairs is None else pairs
    if rows.size == 0:
        return 0
    n = ties.shape[0]
    if adjacency is None:
        adjacency = adjacency_matrix(rows, cols, n)
    count, _ = sparse.csgraph.connected_components(adjacency, directed=False)
    isolated = n - np.unique(rows).size  # each untied nation is a component of its own
    return int(count) - isolated
