"""Reputation: the target it drifts to, the drift, and what honoured and reneged calls do."""

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

from simulation.mechanisms.reputation import (
    HONOUR_GAIN,
    REPUTATION_DRIFT,
    drift_reputation,
    reputation_after_call,
    reputation_target,
)

FAST = settings(max_examples=100, deadline=None)

unit = st.floats(min_value=0.0, max_value=1.0, allow_nan=False)


def test_the_drift_and_honour_gain_are_as_documented():
    assert REPUTATION_DRIFT == 0.1
    assert HONOUR_GAIN == 0.05


def test_reputation_target_on_a_hand_computed_example():
    # degrees 0, 2, 4 (mean 2): hub = d / (d + 2 + 1) = 0, 0.4, 4/7
    # capabilities 1, 2, 4 against the largest: 0.25, 0.5, 1
    target = reputation_target(np.array([0, 2, 4]), np.array([1.0, 2.0, 4.0]))
    expected = [
        0.25 + 0.5 * 0.0 + 0.25 * 0.25,  # 0.3125
        0.25 + 0.5 * 0.4 + 0.25 * 0.5,  # 0.575
        0.25 + 0.5 * 4 / 7 + 0.25 * 1.0,  # 0.786
    ]
    np.testing.assert_allclose(target, expected)


def test_reputation_target_measures_against_the_states_in_the_system_only():
    # a fourth nation outside the system (degree 0, capability 8) changes no yardstick:
    # the mean degree stays 2 and the strongest capability 4
    states = np.array([True, True, True, False])
    target = reputation_target(np.array([0, 2, 4, 0]), np.array([1.0, 2.0, 4.0, 8.0]), states)
    alone = reputation_target(np.array([0, 2, 4]), np.array([1.0, 2.0, 4.0]))
    np.testing.assert_allclose(target[:3], alone)


def test_an_isolated_weak_nation_keeps_a_quarter_and_capability_counts_against_the_strongest():
    # nobody has partners: the hub term is 0 for all
    target = reputation_target(np.zeros(2, dtype=np.int64), np.array([1e-9, 10.0]))
    np.testing.assert_allclose(target, [0.25, 0.5])


def test_reputation_target_does_not_modify_its_inputs():
    degree, capability = np.array([1, 3]), np.array([2.0, 5.0])
    reputation_target(degree, capability)
    assert degree.dtype.kind == "i"
    np.testing.assert_array_equal(degree, [1, 3])
    np.testing.assert_array_equal(capability, [2.0, 5.0])


@FAST
@given(
    hnp.arrays(np.int64, st.integers(1, 20), elements=st.integers(0, 50)),
    st.data(),
)
def test_reputation_target_lies_between_a_quarter_and_one(degree, data):
    capability = data.draw(hnp.arrays(np.float64, degree.size, elements=st.floats(1e-3, 1e3)))
    target = reputation_target(degree, capability)
    assert np.all(target >= 0.25)
    assert np.all(target < 1.0)
    # more partners and more capability never mean a lower target
    ahead = (degree[:, None] >= degree[None, :]) & (capability[:, None] >= capability[None, :])
    assert np.all((target[:, None] >= target[None, :])[ahead])


def test_reputation_drifts_a_tenth_of_the_way_to_its_target():
    # 0.5 toward 1: 0.5 + 0.1 x 0.5 = 0.55; 0.8 toward 0.3: 0.8 - 0.1 x 0.5 = 0.75;
    # at its target it stays
    drifted = drift_reputation(np.array([0.5, 0.8, 0.2]), np.array([1.0, 0.3, 0.2]))
    np.testing.assert_allclose(drifted, [0.55, 0.75, 0.2])


@FAST
@given(unit, unit)
def test_drift_closes_a_tenth_of_the_gap_and_never_overshoots(reputation, target):
    after = drift_reputation(np.array([reputation]), np.array([target]))[0]
    assert abs(after - target) == pytest.approx(0.9 * abs(reputation - target), abs=1e-12)
    assert min(reputation, target) - 1e-12 <= after <= max(reputation, target) + 1e-12


def test_honouring_a_call_gains_standing_and_reneging_loses_a_share_of_it():
    reputation = np.array([0.5, 0.8, 0.6, 0.4])
    after = reputation_after_call(reputation, np.array([0, 1]), np.array([2]), 0.3)
    expected = [
        0.5 + 0.05 * (1 - 0.5),  # 0.525
        0.8 + 0.05 * (1 - 0.8),  # 0.81
        0.6 * (1 - 0.3),  # 0.42
        0.4,  # not called
    ]
    np.testing.assert_allclose(after, expected)


def test_reputation_after_a_call_leaves_its_input_untouched():
    reputation = np.array([0.5, 0.8, 0.6])
    before = reputation.copy()
    after = reputation_after_call(reputation, np.array([0]), np.array([1]), 0.5)
    np.testing.assert_array_equal(reputation, before)
    assert after is not reputation
    # nobody called: the same values in a new array
    unchanged = reputation_after_call(
        reputation, np.array([], dtype=np.int64), np.array([], dtype=np.int64), 0.5
    )
    np.testing.assert_array_equal(unchanged, before)
    assert unchanged is not reputation


@FAST
@given(unit, unit)
def test_reputation_after_a_call_stays_in_the_unit_interval(reputation, penalty):
    honoured = reputation_after_call(
        np.array([reputation]), np.array([0]), np.array([], dtype=np.int64), penalty
    )[0]
    reneged = reputation_after_call(
        np.array([reputation]), np.array([], dtype=np.int64), np.array([0]), penalty
    )[0]
    assert reputation <= honoured <= 1.0
    assert 0.0 <= reneged <= reputation
