"""Partner choice: top-k by value plus Gumbel taste, within eligibility and capacity."""

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from simulation.mechanisms.choice import choose_partners, standard_gumbel

FAST = settings(max_examples=60, deadline=None)


def random_problem(n: int, seed: int, p_eligible: float = 0.5):
    rng = np.random.default_rng(seed)
    value = rng.normal(size=(n, n))
    eligible = rng.random((n, n)) < p_eligible
    np.fill_diagonal(eligible, False)
    return value, eligible


@FAST
@given(
    st.integers(2, 25),
    st.integers(0, 10),
    st.floats(0.01, 2.0),
    st.floats(0.0, 1.0),
    st.integers(0, 2**32 - 1),
)
def test_choose_partners_never_picks_ineligible_and_respects_capacity(
    n, capacity, noise, p_eligible, seed
):
    value, eligible = random_problem(n, seed, p_eligible)
    proposers, targets = choose_partners(
        value, eligible, capacity, noise, np.random.default_rng(seed)
    )
    assert proposers.shape == targets.shape
    assert np.all(eligible[proposers, targets])
    assert np.all(proposers != targets)
    pairs = list(zip(proposers.tolist(), targets.tolist()))
    assert len(pairs) == len(set(pairs))  # no partner chosen twice by one nation
    counts = np.bincount(proposers, minlength=n)
    # every nation approaches as many partners as it can, up to its capacity
    np.testing.assert_array_equal(counts, np.minimum(eligible.sum(axis=1), capacity))


def test_choose_partners_is_reproducible_for_a_seed():
    value, eligible = random_problem(40, seed=1)
    first = choose_partners(value, eligible, 3, 0.5, np.random.default_rng(42))
    second = choose_partners(value, eligible, 3, 0.5, np.random.default_rng(42))
    other = choose_partners(value, eligible, 3, 0.5, np.random.default_rng(43))
    np.testing.assert_array_equal(first[0], second[0])
    np.testing.assert_array_equal(first[1], second[1])
    # a different seed gives different taste, hence (almost surely) other choices
    assert not np.array_equal(first[1], other[1])


def test_choose_partners_with_negligible_noise_takes_the_best_eligible_by_value():
    n = 6
    value = np.tile(np.arange(n, dtype=np.float64), (n, 1))  # higher index, higher value
    eligible = ~np.eye(n, dtype=bool)
    eligible[:, n - 1] = False  # the best is out of reach for everyone
    proposers, targets = choose_partners(value, eligible, 2, 1e-6, np.random.default_rng(0))
    chosen = {i: set(targets[proposers == i].tolist()) for i in range(n)}
    for i in range(n):
        best = [j for j in range(n - 2, -1, -1) if j != i][:2]
        assert chosen[i] == set(best)


def test_choose_partners_follows_multinomial_logit_probabilities():
    # two eligible options per nation, values 0 and noise x ln 3: odds 3 to 1
    n = 2000
    noise = 0.5
    value = np.zeros((n, n))
    value[:, 1] = noise * np.log(3.0)
    eligible = np.zeros((n, n), dtype=bool)
    eligible[2:, 0] = eligible[2:, 1] = True
    proposers, targets = choose_partners(value, eligible, 1, noise, np.random.default_rng(7))
    assert proposers.size == n - 2
    share = np.mean(targets == 1)
    assert abs(share - 0.75) < 0.04  # about 4 standard errors


def test_choose_partners_without_replacement_follows_gumbel_top_k():
    # three options with equal value, capacity 2: each pair of options equally likely
    n = 3000
    value = np.zeros((n, n))
    eligible = np.zeros((n, n), dtype=bool)
    eligible[3:, :3] = True
    proposers, targets = choose_partners(value, eligible, 2, 1.0, np.random.default_rng(3))
    assert proposers.size == 2 * (n - 3)
    np.testing.assert_array_equal(proposers, np.repeat(np.arange(3, n), 2))
    picked = targets.reshape(n - 3, 2)
    assert np.all(picked[:, 0] != picked[:, 1])
    left_out = 3 - picked.sum(axis=1)  # options 0 + 1 + 2 = 3
    for option in range(3):
        assert abs(np.mean(left_out == option) - 1 / 3) < 0.04


def test_choose_partners_returns_nothing_without_capacity_or_partners():
    rng = np.random.default_rng(0)
    value, eligible = random_problem(5, seed=0, p_eligible=1.0)
    proposers, targets = choose_partners(value, eligible, 0, 0.5, rng)
    assert proposers.size == 0
    assert targets.size == 0
    proposers, targets = choose_partners(np.zeros((1, 1)), np.ones((1, 1), bool), 3, 0.5, rng)
    assert proposers.size == 0
    assert targets.size == 0
    proposers, targets = choose_partners(value, np.zeros((5, 5), bool), 3, 0.5, rng)
    assert proposers.size == 0
    assert targets.size == 0


def test_choose_partners_with_capacity_above_n_picks_every_eligible_partner():
    value, eligible = random_problem(7, seed=2, p_eligible=0.6)
    proposers, targets = choose_partners(value, eligible, 50, 0.3, np.random.default_rng(1))
    chosen = np.zeros_like(eligible)
    chosen[proposers, targets] = True
    np.testing.assert_array_equal(chosen, eligible)


def test_choose_partners_returns_integer_index_arrays():
    value, eligible = random_problem(10, seed=4)
    proposers, targets = choose_partners(value, eligible, 2, 0.3, np.random.default_rng(0))
    assert np.issubdtype(proposers.dtype, np.integer)
    assert np.issubdtype(targets.dtype, np.integer)


def test_choose_partners_lists_proposers_in_order_and_each_ones_targets_best_first():
    value, eligible = random_problem(30, seed=6)
    proposers, targets = choose_partners(value, eligible, 4, 1e-6, np.random.default_rng(1))
    assert np.all(np.diff(proposers) >= 0)
    for proposer in np.unique(proposers):
        chosen = targets[proposers == proposer]
        assert np.all(np.diff(value[proposer, chosen]) <= 0)


# ---------------------------------------------------------- capacity by nation


@FAST
@given(st.integers(2, 25), st.integers(0, 10), st.integers(0, 2**32 - 1))
def test_a_uniform_capacity_array_chooses_exactly_as_the_number(n, capacity, seed):
    value, eligible = random_problem(n, seed)
    rng_number, rng_array = np.random.default_rng(seed), np.random.default_rng(seed)
    by_number = choose_partners(value, eligible, capacity, 0.3, rng_number)
    by_array = choose_partners(value, eligible, np.full(n, capacity), 0.3, rng_array)
    np.testing.assert_array_equal(by_number[0], by_array[0])
    np.testing.assert_array_equal(by_number[1], by_array[1])
    # the same draws, so the rest of the run is the same too
    assert rng_number.random() == rng_array.random()


@FAST
@given(
    st.integers(2, 30),
    st.lists(st.integers(0, 12), min_size=30, max_size=30),
    st.floats(0.0, 1.0),
    st.integers(0, 2**32 - 1),
)
def test_each_nation_approaches_up_to_its_own_capacity(n, capacities, p_eligible, seed):
    value, eligible = random_problem(n, seed, p_eligible)
    capacity = np.array(capacities[:n])
    proposers, targets = choose_partners(
        value, eligible, capacity, 0.4, np.random.default_rng(seed)
    )
    assert np.all(eligible[proposers, targets])
    assert np.all(np.diff(proposers) >= 0)
    pairs = list(zip(proposers.tolist(), targets.tolist()))
    assert len(pairs) == len(set(pairs))
    counts = np.bincount(proposers, minlength=n)
    np.testing.assert_array_equal(counts, np.minimum(eligible.sum(axis=1), capacity))


def test_with_capacity_by_nation_each_takes_its_best_partners_best_first():
    n = 12
    value = np.tile(np.arange(n, dtype=np.float64), (n, 1))  # higher index, higher value
    eligible = ~np.eye(n, dtype=bool)
    capacity = np.array([1, 2, 3, 4, 5, 6, 7, 8, 0, 1, 9, 2])  # hubs beyond the fast passes
    proposers, targets = choose_partners(value, eligible, capacity, 1e-6, np.random.default_rng(0))
    for i in range(n):
        best = [j for j in range(n - 1, -1, -1) if j != i][: capacity[i]]
        assert targets[proposers == i].tolist() == best


def test_standard_gumbel_draws_what_rng_gumbel_draws_and_leaves_the_stream_in_step():
    numpy_side, ours = np.random.default_rng(7), np.random.default_rng(7)
    expected = numpy_side.gumbel(size=4000)
    drawn = standard_gumbel(ours, 4000)
    # vectorised logarithms may differ from the scalar ones in the last places
    np.testing.assert_allclose(drawn, expected, rtol=1e-12, atol=1e-14)
    assert numpy_side.random() == ours.random()


class ZerosFirst:
    """A generator whose stream opens with zeros, then the uniforms of a real one."""

    def __init__(self, zeros: int, seed: int):
        self.zeros, self.rng = zeros, np.random.default_rng(seed)

    def random(self, size: int) -> np.ndarray:
        skipped = min(self.zeros, size)
        self.zeros -= skipped
        return np.concatenate([np.zeros(skipped), self.rng.random(size - skipped)])


def test_standard_gumbel_skips_a_zero_uniform_and_reads_on_as_numpy_does():
    drawn = standard_gumbel(ZerosFirst(zeros=3, seed=2), 5)
    uniforms = np.random.default_rng(2).random(5)  # the stream after the zeros
    np.testing.assert_allclose(drawn, -np.log(-np.log(1.0 - uniforms)), rtol=1e-12)
    assert drawn.size == 5 and np.isfinite(drawn).all()
