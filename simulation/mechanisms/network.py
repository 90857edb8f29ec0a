"""Structure of the cooperation network: shared partners, degree, density, transitivity.

`ties` is a symmetric N x N boolean (or 0/1) matrix with an empty diagonal: i and j
are tied when at least one active agreement has both as members.
"""

import numpy as np
import scipy.sparse as sparse
from threadpoolctl import ThreadpoolController

DENSE_LIMIT = 300
# below DENSE_LIMIT, the tie density under which shared partners are counted by a
# sparse-by-dense product rather than a dense one
SPARSE_DENSITY = 0.15
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
    a sparse product is several times faster. Below, the product of the sparse
    adjacency with the dense one costs a pass over each tie per nation where the dense
    product costs N per pair, a third of its time at 200 nations and 4% density; only a
    dense network (`SPARSE_DENSITY` or more) takes the dense product.
    """
    n = ties.shape[0]
    if n <= DENSE_LIMIT:
        rows, cols = tied_pairs(ties)
        dense = ties.astype(np.float32)
        if rows.size < SPARSE_DENSITY * n * n:
            common = single_precision_adjacency(rows, cols, n) @ dense
        else:
            with _one_blas_thread():
                common = dense @ dense
    else:
        adjacency = sparse.csr_matrix(ties, dtype=np.float32)
        common = (adjacency @ adjacency).toarray()
    np.fill_diagonal(common, 0.0)
    return common


def shared_partners_after(
    common: np.ndarray, ties_before: np.ndarray, ties_after: np.ndarray
) -> np.ndarray:
    """Shared partners under `ties_after`, from `common` (those under `ties_before`).

    A step changes a handful of ties: with A the old adjacency and D the change,
    (A + D)^2 = A^2 + AD + DA + D^2, and D lives on the few nations whose ties
    changed, so the update costs a few thin products instead of a full one. When
    many nations are touched the full product is cheaper, and is taken instead.
    """
    changed = ties_after != ties_before
    touched = np.flatnonzero(changed.any(axis=1))
    if touched.size == 0:
        return common
    if touched.size > ties_after.shape[0] // 8:
        return shared_partners(ties_after)
    block = (touched[:, None], touched)  # the touched rows and columns (np.ix_, lighter)
    # ties are symmetric: the touched rows of A are its touched columns, transposed
    columns = ties_before[:, touched].astype(np.float32)
    change = ties_after[block].astype(np.float32) - columns[touched, :]
    updated = common.copy()
    updated[:, touched] += columns @ change
    updated[touched, :] += change @ columns.T
    updated[block] += change @ change
    updated[touched, touched] = 0.0  # no nation is its own shared partner
    return updated


def shared_partners_with_pairs(
    ties: np.ndarray,
    adjacency: sparse.csr_array | None,
    previous: tuple[np.ndarray, np.ndarray] | None = None,
) -> tuple[np.ndarray, tuple[np.ndarray, np.ndarray] | None]:
    """Shared partners as an N x N single-precision matrix, and its nonzero dyads when
    the world is large enough for sparse work downstream to pay (None below
    DENSE_LIMIT, where whole-matrix updates are cheaper than gathering dyads).

    `adjacency` (sparse, from `adjacency_matrix`) is used above DENSE_LIMIT only; below
    it may be None. Above it, None builds one from `ties`.

    `previous` may pass the ties and shared partners of the last call: below
    DENSE_LIMIT the counts are then updated for the ties that changed.
    """
    n = ties.shape[0]
    if n <= DENSE_LIMIT:
        if previous is not None and previous[0].shape == ties.shape:
            return shared_partners_after(previous[1], previous[0], ties), None
        return shared_partners(ties), None
    if adjacency is None:
        adjacency = adjacency_matrix(*tied_pairs(ties), n)
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


def single_precision_adjacency(rows: np.ndarray, cols: np.ndarray, n: int) -> sparse.csr_array:
    """Sparse 0/1 adjacency in single precision with 32-bit indices, from tied pairs
    sorted by row: its product with a single-precision dense matrix stays in single
    precision (whole counts, exact) and is twice as fast as in double."""
    offsets = np.zeros(n + 1, dtype=np.int32)
    np.cumsum(np.bincount(rows, minlength=n), out=offsets[1:])
    data = np.ones(rows.size, dtype=np.float32)
    return sparse.csr_array((data, cols.astype(np.int32), offsets), shape=(n, n))


def shared_partners_of(adjacency: sparse.csr_array) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(i, j, count) of shared partners from a sparse adjacency matrix."""
    common = (adjacency @ adjacency).tocoo()
    off_diagonal = common.row != common.col
    return (
        common.row[off_diagonal].astype(np.int64),
        common.col[off_diagonal].astype(np.int64),
        common.data[off_diagonal].astype(np.float64),
    )


def vouching_partners(
    tie_pairs: tuple[np.ndarray, np.ndarray], degree: np.ndarray, discount: float, n: int
) -> tuple[np.ndarray, tuple[np.ndarray, np.ndarray]]:
    """Shared partners weighted by how well each knows the pair: C_ij = Σ_k A_ik A_kj
    (k_k / 2)^-discount, an N x N single-precision matrix and its nonzero dyads.

    A shared partner vouches for j from what it knows of j; a partner with only the two
    of them (degree 2) counts 1, a hub with 70 partners counts 35^-discount (0.17 at
    0.5), as in link prediction's Adamic-Adar and resource-allocation indices, where a
    common neighbour of high degree says less about a missing tie. At discount 0 it is
    the plain count of shared partners."""
    rows, cols = tie_pairs
    weight = (np.maximum(np.asarray(degree, dtype=np.float64), 2.0) / 2.0) ** -discount
    adjacency = adjacency_matrix(rows, cols, n)
    weighted = adjacency.copy()
    weighted.data = weight[weighted.indices]  # A_ik w_k, column k
    product = (weighted @ adjacency).tocoo()
    off_diagonal = product.row != product.col
    first = product.row[off_diagonal].astype(np.int64)
    second = product.col[off_diagonal].astype(np.int64)
    common = np.zeros((n, n), dtype=np.float32)
    common[first, second] = product.data[off_diagonal]
    return common, (first, second)


def tied_pairs(matrix: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """(rows, cols) of the nonzero entries, in row-major order like `np.nonzero`.

    Through the flat index: `np.nonzero` on a 2-D array takes a general path that is
    several times slower, and this runs every step."""
    flat = np.flatnonzero(matrix)
    return np.divmod(flat, matrix.shape[1])


def degree(ties: np.ndarray, pairs: tuple | None = None) -> np.ndarray:
    """Partners per nation; `pairs` may pass `np.nonzero(ties)` when at hand."""
    if pairs is None:
        return ties.sum(axis=1).astype(np.int64)
    return np.bincount(pairs[0], minlength=ties.shape[0]).astype(np.int64)


def density(ties: np.ndarray, pairs: tuple | None = None, nations: int | None = None) -> float:
    """Tied dyads over possible dyads, in [0, 1]; `pairs` as for `degree`. `nations`:
    how many nations the possible dyads are among (the states in the system), if not
    all of `ties`' (the others then hold no tie)."""
    n = ties.shape[0] if nations is None else nations
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
    rows, cols = tied_pairs(ties) if pairs is None else pairs
    # each triangle counted 6 times; by flat position, far faster than by (row, column)
    closed = float(common.ravel()[rows * common.shape[1] + cols].sum())
    degrees = np.bincount(rows, minlength=ties.shape[0]).astype(np.float64)
    triples = float((degrees * (degrees - 1)).sum())  # each triple counted twice
    return closed / triples if triples > 0 else 0.0


def count_components(
    ties: np.ndarray, pairs: tuple | None = None, adjacency: sparse.csr_array | None = None
) -> int:
    """Connected components among nations that have at least one tie.

    `pairs` (the nonzero entries of `ties`) or a sparse `adjacency` may be passed when
    already at hand. Without an adjacency the components are found by label propagation
    over the pairs, which at a few hundred nations costs less than building one."""
    rows, cols = tied_pairs(ties) if pairs is None else pairs
    if rows.size == 0:
        return 0
    n = ties.shape[0]
    if adjacency is None:
        return _components_by_propagation(rows, cols, n)
    # ties are symmetric, so strongly connected components are the connected ones; the
    # undirected search transposes the matrix first, several times slower at this size
    count, _ = sparse.csgraph.connected_components(adjacency, directed=True, connection="strong")
    tied = np.count_nonzero(np.bincount(rows, minlength=n))
    isolated = n - tied  # each untied nation is a component of its own
    return int(count) - isolated


def _components_by_propagation(rows: np.ndarray, cols: np.ndarray, n: int) -> int:
    """Components of the graph of symmetric pairs (rows, cols): every nation takes the
    lowest label among itself and its partners, then the label of its label (pointer
    jumping), until nothing changes; each component is left labelled by its lowest
    member, so the count is the number of nations that are their own label."""
    if np.any(rows[1:] < rows[:-1]):
        order = np.argsort(rows, kind="stable")
        rows, cols = rows[order], cols[order]
    starts = np.flatnonzero(np.concatenate(([True], rows[1:] != rows[:-1])))
    tied = rows[starts]
    labels = np.arange(n)
    while True:
        lowest = np.minimum(labels[tied], np.minimum.reduceat(labels[cols], starts))
        updated = labels.copy()
        updated[tied] = lowest
        updated = updated[updated]
        if (updated == labels).all():
            return int(np.count_nonzero(labels[tied] == tied))
        labels = updated
