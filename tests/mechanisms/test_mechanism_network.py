"""Network structure: shared partners, degree, density, transitivity, components."""

import networkx as nx
import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from simulation.mechanisms import network

FAST = settings(max_examples=60, deadline=None)


def ties_from_edges(n: int, edges: list[tuple[int, int]]) -> np.ndarray:
    ties = np.zeros((n, n), dtype=bool)
    for a, b in edges:
        ties[a, b] = ties[b, a] = True
    return ties


def random_ties(n: int, p: float, seed: int) -> np.ndarray:
    rng = np.random.default_rng(seed)
    upper = np.triu(rng.random((n, n)) < p, 1)
    return upper | upper.T


TRIANGLE = ties_from_edges(3, [(0, 1), (1, 2), (0, 2)])
STAR = ties_from_edges(4, [(0, 1), (0, 2), (0, 3)])  # centre 0
PATH = ties_from_edges(4, [(0, 1), (1, 2), (2, 3)])


@st.composite
def symmetric_ties(draw, max_nodes: int = 12):
    n = draw(st.integers(min_value=0, max_value=max_nodes))
    bits = draw(st.lists(st.booleans(), min_size=n * n, max_size=n * n))
    upper = np.triu(np.array(bits, dtype=bool).reshape(n, n), 1)
    return upper | upper.T


# ------------------------------------------------------------- shared partners


def test_shared_partners_counts_common_neighbours_on_a_triangle():
    expected = np.array([[0, 1, 1], [1, 0, 1], [1, 1, 0]])
    np.testing.assert_array_equal(network.shared_partners(TRIANGLE), expected)


def test_shared_partners_counts_common_neighbours_on_a_star():
    # leaves share the centre; the centre shares nobody with a leaf
    expected = np.array(
        [
            [0, 0, 0, 0],
            [0, 0, 1, 1],
            [0, 1, 0, 1],
            [0, 1, 1, 0],
        ]
    )
    np.testing.assert_array_equal(network.shared_partners(STAR), expected)


def test_shared_partners_counts_common_neighbours_on_a_path():
    # 0-1-2-3: only the dyads two steps apart have a common neighbour
    expected = np.zeros((4, 4))
    expected[0, 2] = expected[2, 0] = 1
    expected[1, 3] = expected[3, 1] = 1
    np.testing.assert_array_equal(network.shared_partners(PATH), expected)


def test_shared_partners_counts_several_common_neighbours():
    # 0 and 1 both tied to 2, 3 and 4 (and to each other)
    ties = ties_from_edges(5, [(0, 1), (0, 2), (0, 3), (0, 4), (1, 2), (1, 3), (1, 4)])
    common = network.shared_partners(ties)
    assert common[0, 1] == 3
    assert common[1, 0] == 3
    assert common[2, 3] == 2  # 2 and 3 share 0 and 1


def test_shared_partners_has_an_empty_diagonal_even_for_connected_nations():
    common = network.shared_partners(STAR)
    np.testing.assert_array_equal(np.diag(common), 0)


def test_shared_partners_dense_and_sparse_branches_agree_on_the_same_graph(monkeypatch):
    ties = random_ties(60, 0.1, seed=3)
    monkeypatch.setattr(network, "DENSE_LIMIT", 10_000)
    dense = network.shared_partners(ties)
    monkeypatch.setattr(network, "DENSE_LIMIT", 0)
    sparse = network.shared_partners(ties)
    np.testing.assert_array_equal(dense, sparse)
    assert dense.shape == sparse.shape == (60, 60)
    assert dense.dtype == sparse.dtype
    assert dense.sum() > 0  # the graph is not trivial


def test_shared_partners_below_the_limit_counts_the_same_by_sparse_and_dense_products(
    monkeypatch,
):
    ties = random_ties(80, 0.08, seed=17)
    monkeypatch.setattr(network, "SPARSE_DENSITY", 0.0)  # the dense product
    dense = network.shared_partners(ties)
    monkeypatch.setattr(network, "SPARSE_DENSITY", 1.0)  # sparse ties by dense ties
    sparse_by_dense = network.shared_partners(ties)
    as_int = ties.astype(np.int64)
    expected = as_int @ as_int
    np.fill_diagonal(expected, 0)
    np.testing.assert_array_equal(dense, expected)
    np.testing.assert_array_equal(sparse_by_dense, expected)
    assert sparse_by_dense.dtype == dense.dtype == np.float32
    assert expected.sum() > 0


def test_shared_partners_sparse_branch_is_used_above_the_limit_and_is_correct():
    n = network.DENSE_LIMIT + 20
    ties = random_ties(n, 0.02, seed=11)
    common = network.shared_partners(ties)
    as_int = ties.astype(np.int64)
    expected = as_int @ as_int
    np.fill_diagonal(expected, 0)
    np.testing.assert_array_equal(common, expected)
    assert common.sum() > 0


def test_shared_partners_matches_networkx_common_neighbours():
    ties = random_ties(25, 0.25, seed=5)
    graph = nx.from_numpy_array(ties.astype(int))
    common = network.shared_partners(ties)
    for i in range(25):
        for j in range(25):
            if i != j:
                assert common[i, j] == len(list(nx.common_neighbors(graph, i, j)))


def test_shared_partners_accepts_zero_one_integer_ties():
    np.testing.assert_array_equal(
        network.shared_partners(STAR.astype(np.int64)), network.shared_partners(STAR)
    )


# ------------------------------------------------------------- degree, density


def vouching(ties: np.ndarray, discount: float) -> np.ndarray:
    n = ties.shape[0]
    return network.vouching_partners(network.tied_pairs(ties), network.degree(ties), discount, n)[0]


def test_a_hub_vouches_for_each_of_its_partners_by_its_degree():
    # the star's centre has 3 partners: it counts (3 / 2)^-1 between two leaves
    expected = np.array(
        [
            [0, 0, 0, 0],
            [0, 0, 2 / 3, 2 / 3],
            [0, 2 / 3, 0, 2 / 3],
            [0, 2 / 3, 2 / 3, 0],
        ]
    )
    np.testing.assert_allclose(vouching(STAR, 1.0), expected, rtol=1e-6)
    # on a path, the middle nations have two partners: each vouches in full
    np.testing.assert_array_equal(vouching(PATH, 1.0), network.shared_partners(PATH))


@FAST
@given(symmetric_ties(), st.floats(0.0, 2.0))
def test_vouching_is_the_shared_partner_count_at_discount_zero_and_never_above(ties, discount):
    if ties.shape[0] == 0:
        return
    plain = network.shared_partners(ties)
    np.testing.assert_array_equal(vouching(ties, 0.0), plain)
    weighted = vouching(ties, discount)
    assert np.all(weighted <= plain + 1e-6)
    # a pair has vouching exactly where it has a shared partner
    np.testing.assert_array_equal(weighted > 0, plain > 0)


def test_degree_counts_partners_on_a_star_and_path():
    np.testing.assert_array_equal(network.degree(STAR), [3, 1, 1, 1])
    np.testing.assert_array_equal(network.degree(PATH), [1, 2, 2, 1])
    assert network.degree(STAR).dtype == np.int64


def test_density_of_complete_graph_is_one_and_of_empty_graph_is_zero():
    assert network.density(TRIANGLE) == 1.0
    assert network.density(np.zeros((5, 5), dtype=bool)) == 0.0


def test_density_counts_each_dyad_once():
    # a 4-node star has 3 of 6 possible dyads; a 4-node path also 3 of 6
    assert network.density(STAR) == pytest.approx(0.5)
    assert network.density(PATH) == pytest.approx(0.5)


def test_density_among_the_states_counts_only_their_possible_dyads():
    # the star's 3 ties among 4 nations of 6: 3 of 4 x 3 / 2 dyads = 0.5; counted
    # among 4 states of 6 nations (two outside, untied) it is still 0.5
    ties = np.zeros((6, 6), dtype=bool)
    ties[:4, :4] = STAR
    assert network.density(ties, nations=4) == pytest.approx(0.5)
    assert network.density(ties) == pytest.approx(3 / 15)


def test_density_is_zero_with_fewer_than_two_nations():
    assert network.density(np.zeros((1, 1), dtype=bool)) == 0.0
    assert network.density(np.zeros((0, 0), dtype=bool)) == 0.0


@FAST
@given(symmetric_ties())
def test_density_matches_networkx_and_is_in_unit_interval(ties):
    value = network.density(ties)
    assert 0.0 <= value <= 1.0
    if ties.shape[0] >= 2:
        assert value == pytest.approx(nx.density(nx.from_numpy_array(ties.astype(int))))


# ---------------------------------------------------------------- transitivity


def test_transitivity_of_a_triangle_is_one_and_of_a_star_is_zero():
    assert network.transitivity(TRIANGLE) == pytest.approx(1.0)
    assert network.transitivity(STAR) == 0.0


def test_transitivity_of_a_path_is_zero_and_of_an_empty_graph_is_zero():
    assert network.transitivity(PATH) == 0.0
    assert network.transitivity(np.zeros((4, 4), dtype=bool)) == 0.0


def test_transitivity_of_a_triangle_with_a_pendant_is_three_fifths():
    # triangle 0-1-2 plus pendant 3 on 2: 1 triangle, triples 1 + 1 + 3 = 5
    ties = ties_from_edges(4, [(0, 1), (1, 2), (0, 2), (2, 3)])
    assert network.transitivity(ties) == pytest.approx(3 / 5)


def test_transitivity_uses_precomputed_common_partners_when_given():
    ties = random_ties(30, 0.2, seed=9)
    common = network.shared_partners(ties)
    assert network.transitivity(ties, common) == pytest.approx(network.transitivity(ties))
    # and it really reads the matrix it is given
    assert network.transitivity(ties, np.zeros_like(common)) == 0.0


@FAST
@given(symmetric_ties())
def test_transitivity_matches_networkx_and_is_in_unit_interval(ties):
    value = network.transitivity(ties)
    assert 0.0 <= value <= 1.0 + 1e-12
    expected = nx.transitivity(nx.from_numpy_array(ties.astype(int))) if ties.size else 0.0
    assert value == pytest.approx(expected)


# ------------------------------------------------------------------ components


def test_count_components_ignores_isolated_nations():
    # two separate dyads and two nations with no ties at all
    ties = ties_from_edges(6, [(0, 1), (2, 3)])
    assert network.count_components(ties) == 2


def test_count_components_is_zero_with_no_ties_and_one_for_a_connected_graph():
    assert network.count_components(np.zeros((5, 5), dtype=bool)) == 0
    assert network.count_components(PATH) == 1
    assert network.count_components(STAR) == 1


@FAST
@given(symmetric_ties())
def test_count_components_matches_networkx_on_nations_with_ties(ties):
    graph = nx.from_numpy_array(ties.astype(int))
    graph.remove_nodes_from([node for node, d in dict(graph.degree()).items() if d == 0])
    expected = nx.number_connected_components(graph) if graph.number_of_nodes() else 0
    assert network.count_components(ties) == expected


@FAST
@given(symmetric_ties(max_nodes=20), st.integers(0, 2**32 - 1))
def test_count_components_by_propagation_and_by_sparse_search_agree(ties, seed):
    # label propagation (no adjacency at hand) against scipy's search on an adjacency,
    # with the pairs in row order and shuffled
    rows, cols = np.nonzero(ties)
    n = ties.shape[0]
    searched = network.count_components(
        ties, pairs=(rows, cols), adjacency=network.adjacency_matrix(rows, cols, n)
    )
    assert network.count_components(ties, pairs=(rows, cols)) == searched
    order = np.random.default_rng(seed).permutation(rows.size)
    assert network.count_components(ties, pairs=(rows[order], cols[order])) == searched


def test_count_components_by_propagation_on_long_paths_in_reverse_order():
    # the lowest label has to travel the whole path
    n = 300
    edges = [(i, i + 1) for i in range(n - 1)]
    ties = ties_from_edges(n, edges)
    assert network.count_components(ties) == 1
    ties[100, 101] = ties[101, 100] = False
    assert network.count_components(ties) == 2


# ------------------------------------------------ shared partners, updated


def flip(ties: np.ndarray, pairs: list[tuple[int, int]]) -> np.ndarray:
    flipped = ties.copy()
    for a, b in pairs:
        if a != b:
            flipped[a, b] = flipped[b, a] = not ties[a, b]
    return flipped


@FAST
@given(
    st.integers(16, 60),
    st.floats(0.0, 0.4),
    st.lists(st.tuples(st.integers(0, 59), st.integers(0, 59)), max_size=3),
    st.integers(0, 2**32 - 1),
)
def test_shared_partners_after_a_few_changed_ties_equal_a_full_recount(n, p, changes, seed):
    before = random_ties(n, p, seed)
    after = flip(before, [(a % n, b % n) for a, b in changes])
    updated = network.shared_partners_after(network.shared_partners(before), before, after)
    np.testing.assert_array_equal(updated, network.shared_partners(after))


def test_shared_partners_after_many_changed_ties_equal_a_full_recount():
    before = random_ties(40, 0.1, seed=3)
    after = random_ties(40, 0.1, seed=4)  # most nations touched: the full product path
    updated = network.shared_partners_after(network.shared_partners(before), before, after)
    np.testing.assert_array_equal(updated, network.shared_partners(after))


def test_shared_partners_after_no_change_leave_the_counts_alone():
    ties = random_ties(30, 0.2, seed=5)
    common = network.shared_partners(ties)
    assert network.shared_partners_after(common, ties, ties.copy()) is common


def test_shared_partners_after_a_new_tie_do_not_modify_the_counts_passed_in():
    before = ties_from_edges(20, [(0, 1), (1, 2)])
    common = network.shared_partners(before)
    kept = common.copy()
    after = flip(before, [(0, 2)])
    updated = network.shared_partners_after(common, before, after)
    np.testing.assert_array_equal(common, kept)
    assert updated[0, 1] == updated[1, 2] == updated[0, 2] == 1


# ------------------------------------------------- sparse pair-list fast paths


def test_shared_partner_pairs_lists_the_nonzero_entries_of_shared_partners():
    ties = random_ties(40, 0.12, seed=21)
    rows, cols, counts = network.shared_partner_pairs(*np.nonzero(ties), 40)
    dense = network.shared_partners(ties)
    rebuilt = np.zeros((40, 40))
    rebuilt[rows, cols] = counts
    np.testing.assert_array_equal(rebuilt, dense)
    assert np.all(rows != cols)
    assert np.all(counts > 0)
    assert len(set(zip(rows.tolist(), cols.tolist()))) == rows.size  # each dyad once
    assert rows.dtype == cols.dtype == np.int64


def test_shared_partner_pairs_on_a_star_lists_only_leaf_pairs():
    rows, cols, counts = network.shared_partner_pairs(*np.nonzero(STAR), 4)
    listed = {(int(r), int(c)): float(k) for r, c, k in zip(rows, cols, counts)}
    expected = {(a, b): 1.0 for a in (1, 2, 3) for b in (1, 2, 3) if a != b}
    assert listed == expected


def test_shared_partner_pairs_is_empty_without_ties():
    empty = np.empty(0, dtype=np.int64)
    rows, cols, counts = network.shared_partner_pairs(empty, empty, 5)
    assert rows.size == cols.size == counts.size == 0


@FAST
@given(symmetric_ties())
def test_transitivity_and_components_agree_with_and_without_precomputed_pairs(ties):
    pairs = np.nonzero(ties)
    common = network.shared_partners(ties)
    assert network.transitivity(ties, common, pairs=pairs) == pytest.approx(
        network.transitivity(ties)
    )
    assert network.count_components(ties, pairs=pairs) == network.count_components(ties)


def test_degree_and_density_from_pairs_match_the_matrix_versions():
    pairs = np.nonzero(STAR)
    np.testing.assert_array_equal(network.degree(STAR, pairs=pairs), network.degree(STAR))
    assert network.density(STAR, pairs=pairs) == network.density(STAR) == 0.5


def test_shared_partners_with_pairs_agrees_across_the_dense_limit(monkeypatch):
    rng = np.random.default_rng(5)
    upper = np.triu(rng.random((40, 40)) < 0.15, 1)
    ties = upper | upper.T
    adjacency = network.adjacency_matrix(*np.nonzero(ties), 40)
    dense, no_pairs = network.shared_partners_with_pairs(ties, adjacency)
    monkeypatch.setattr(network, "DENSE_LIMIT", 10)
    sparse_matrix, pairs = network.shared_partners_with_pairs(ties, adjacency)
    assert no_pairs is None and pairs is not None
    np.testing.assert_array_equal(dense, sparse_matrix)
    listed = np.zeros_like(dense, dtype=bool)
    listed[pairs] = True
    np.testing.assert_array_equal(listed, dense > 0)
