"""Capability: growth, technology transfer, upkeep and the Gini coefficient."""

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

from simulation.mechanisms.capability import gini, grow_capability, technology_transfer, upkeep

FAST = settings(max_examples=80, deadline=None)

positive = st.floats(min_value=1e-3, max_value=1e3, allow_nan=False)


# ------------------------------------------------------------------- growth


def test_grow_capability_without_shocks_grows_by_exp_growth():
    capability = np.array([1.0, 2.0, 5.0])
    grown = grow_capability(capability, np.zeros(3), growth=0.1, volatility=0.3)
    np.testing.assert_allclose(grown, capability * np.exp(0.1))


def test_grow_capability_shocks_scale_with_volatility():
    capability = np.ones(2)
    shocks = np.array([1.0, -1.0])
    grown = grow_capability(capability, shocks, growth=0.0, volatility=0.5)
    np.testing.assert_allclose(grown, [np.exp(0.5), np.exp(-0.5)])


@FAST
@given(
    hnp.arrays(np.float64, st.integers(1, 10), elements=positive),
    st.floats(-0.5, 0.5),
    st.floats(0.0, 1.0),
    st.integers(0, 2**32 - 1),
)
def test_grow_capability_keeps_capability_positive(capability, growth, volatility, seed):
    shocks = np.random.default_rng(seed).standard_normal(capability.size) * 3
    assert np.all(grow_capability(capability, shocks, growth=growth, volatility=volatility) > 0)


# -------------------------------------------------------- technology transfer


def test_technology_transfer_on_a_hand_computed_example():
    capability = np.array([1.0, 2.0, 4.0])
    depth = np.zeros((3, 3))
    depth[0, 1] = depth[1, 0] = 3
    depth[0, 2] = depth[2, 0] = 4
    transfer = technology_transfer(capability, depth, rate=0.1)
    # nation 0 is 1/2 behind nation 1 (weight 3/4) and 3/4 behind nation 2 (weight 1):
    # it grows by rate x the mean of those, as a share of its own capability
    assert transfer[0] == pytest.approx(0.1 * 1.0 * (0.75 * 0.5 + 1.0 * 0.75) / 2)
    # nation 1's only partner is behind it; nation 2 leads
    assert transfer[1] == 0.0
    assert transfer[2] == 0.0


def test_technology_transfer_grows_the_follower_by_rate_depth_and_how_far_behind_it_is():
    capability = np.array([2.0, 10.0])
    depth = np.array([[0, 3], [3, 0]])
    transfer = technology_transfer(capability, depth, rate=0.2)
    assert transfer[0] == pytest.approx(0.2 * 3 / 4 * (1 - 2 / 10) * 2.0)


def test_a_small_state_beside_a_great_power_gains_a_share_of_its_own_capability():
    capability = np.array([0.15, 40.0])
    depth = np.array([[0, 4], [4, 0]])
    transfer = technology_transfer(capability, depth, rate=0.03)
    assert transfer[0] / capability[0] < 0.03


def test_technology_transfer_narrows_gaps_and_never_hurts_the_leader():
    capability = np.array([1.0, 3.0, 9.0])
    depth = np.zeros((3, 3))
    for a, b in [(0, 1), (1, 2), (0, 2)]:
        depth[a, b] = depth[b, a] = 4
    transfer = technology_transfer(capability, depth, rate=0.5)
    after = capability + transfer
    assert transfer[2] == 0.0  # the leader gains nothing and loses nothing
    assert np.all(transfer >= 0.0)
    assert transfer[0] > 0.0
    assert transfer[1] > 0.0
    assert after[2] - after[0] < capability[2] - capability[0]
    assert after[2] - after[1] < capability[2] - capability[1]


def test_technology_transfer_needs_a_sharing_tie():
    capability = np.array([1.0, 100.0])
    assert np.all(technology_transfer(capability, np.zeros((2, 2)), rate=1.0) == 0.0)


@st.composite
def sharing_network(draw):
    n = draw(st.integers(2, 7))
    capability = draw(hnp.arrays(np.float64, n, elements=positive))
    levels = draw(hnp.arrays(np.int64, (n, n), elements=st.sampled_from([0, 3, 4])))
    depth = np.triu(levels, 1)
    return capability, (depth + depth.T).astype(np.float64)


@FAST
@given(sharing_network(), st.floats(0.0, 1.0))
def test_technology_transfer_never_lifts_a_nation_past_its_strongest_partner(network, rate):
    capability, depth = network
    transfer = technology_transfer(capability, depth, rate=rate)
    assert np.all(transfer >= 0.0)
    for i in range(capability.size):
        partners = depth[i] > 0
        if not partners.any():
            assert transfer[i] == 0.0
            continue
        ceiling = max(capability[partners].max(), capability[i])
        assert capability[i] + transfer[i] <= ceiling * (1 + 1e-9)
    # the strongest nation overall never gains
    assert transfer[np.argmax(capability)] == 0.0


# ------------------------------------------------------------------- upkeep


def test_upkeep_is_two_percent_of_capability_per_unit_of_cost_and_load():
    capability = np.array([10.0, 20.0, 30.0])
    load = np.array([0.0, 1.0, 2.0])
    spent = upkeep(capability, load, funding_cost=0.5)
    np.testing.assert_allclose(spent, [0.0, 20.0 * 0.02 * 0.5, 30.0 * 0.02 * 0.5 * 2])


def test_upkeep_never_takes_more_than_half_of_capability():
    capability = np.array([10.0, 4.0])
    spent = upkeep(capability, np.array([1e6, 1e3]), funding_cost=2.0)
    np.testing.assert_allclose(spent, capability * 0.5)


# --------------------------------------------------------------------- gini


def test_gini_is_zero_for_equal_and_near_one_for_concentrated():
    assert gini(np.full(10, 3.0)) == pytest.approx(0.0, abs=1e-12)
    concentrated = np.zeros(1000)
    concentrated[0] = 1.0
    assert gini(concentrated) == pytest.approx(999 / 1000)


def test_gini_on_hand_computed_examples():
    # [1, 3]: mean absolute difference 2 over all ordered pairs / (2 x mean 2) = 0.25
    assert gini(np.array([1.0, 3.0])) == pytest.approx(0.25)
    # [1, 2, 3]: sum |xi - xj| over ordered pairs = 8, / (2 n^2 mean) = 8 / 36
    assert gini(np.array([3.0, 1.0, 2.0])) == pytest.approx(8 / 36)


def test_gini_is_zero_for_empty_or_all_zero_input():
    assert gini(np.array([])) == 0.0
    assert gini(np.zeros(4)) == 0.0


def test_gini_is_scale_invariant_and_order_invariant():
    values = np.array([5.0, 1.0, 2.0, 9.0])
    assert gini(values * 7.5) == pytest.approx(gini(values))
    assert gini(values[::-1]) == pytest.approx(gini(values))


@FAST
@given(hnp.arrays(np.float64, st.integers(1, 30), elements=positive))
def test_gini_is_in_unit_interval_and_matches_mean_absolute_difference(values):
    value = gini(values)
    assert 0.0 <= value < 1.0
    n = values.size
    expected = np.abs(values[:, None] - values[None, :]).sum() / (2 * n * n * values.mean())
    assert value == pytest.approx(expected, abs=1e-9)


def test_gini_of_equal_values_is_never_negative():
    for value in (0.1, 0.3, 0.7, 1 / 3, 123.456):
        for n in (2, 3, 5, 7, 10, 100):
            assert gini(np.full(n, value)) >= 0.0


@FAST
@given(sharing_network(), st.floats(0.0, 1.0), st.integers(0, 2**32 - 1))
def test_technology_transfer_with_a_superset_of_pairs_matches_the_default(network, rate, seed):
    capability, depth = network
    # all ties, including ones without technology sharing, as the model passes them
    rng = np.random.default_rng(seed)
    other = np.triu(rng.random(depth.shape) < 0.5, 1)
    ties = (depth > 0) | other | other.T
    default = technology_transfer(capability, depth, rate=rate)
    fast = technology_transfer(capability, depth, rate=rate, pairs=np.nonzero(ties))
    np.testing.assert_allclose(fast, default)


def test_a_sharing_tie_with_a_weaker_nation_does_not_dilute_transfer_from_a_stronger_one():
    capability = np.array([1.0, 10.0, 0.5])
    with_leader = np.zeros((3, 3))
    with_leader[0, 1] = with_leader[1, 0] = 4
    also_weaker = with_leader.copy()
    also_weaker[0, 2] = also_weaker[2, 0] = 4
    alone = technology_transfer(capability, with_leader, rate=0.1)
    both = technology_transfer(capability, also_weaker, rate=0.1)
    assert both[0] == pytest.approx(alone[0]) == pytest.approx(0.1 * 0.9)
