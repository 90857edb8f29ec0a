"""Negotiating capacity: base x capability and network factors, whole, within bounds."""

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from simulation.mechanisms.capacity import (
    MAX_NEGOTIATING_CAPACITY,
    _median,
    concluded,
    experienced_cost,
    foresees_consent,
    negotiating_capacity,
    protocol_conclusion_rate,
    reoriented_conclusion_rate,
    reorienting,
)

FAST = settings(max_examples=100, deadline=None)


def test_without_elasticities_every_nation_has_the_base_capacity():
    capability = np.array([0.1, 1.0, 50.0])
    degree = np.array([0, 3, 40])
    capacity = negotiating_capacity(capability, degree, 2, 0.0, 0.0)
    np.testing.assert_array_equal(capacity, [2, 2, 2])
    assert capacity.dtype == np.int64


def test_capacity_grows_with_capability_relative_to_the_median():
    # median capability 1; square roots of the ratios 0.5, 0.71, 1, 4, 10, times 2
    capability = np.array([0.25, 0.5, 1.0, 16.0, 100.0])
    capacity = negotiating_capacity(capability, np.zeros(5), 2, 0.5, 0.0)
    np.testing.assert_array_equal(capacity, [1, 1, 2, 8, 20])


def test_capacity_grows_with_partners_relative_to_the_median_nation():
    # 1 + partners: 1, 4, 4, 16, 36; median 4; square root of the ratio 0.5, 1, 1, 2, 3
    degree = np.array([0, 3, 3, 15, 35])
    capacity = negotiating_capacity(np.ones(5), degree, 3, 0.0, 0.5)
    np.testing.assert_array_equal(capacity, [2, 3, 3, 6, 9])  # 1.5 rounds half up to 2


def test_the_two_factors_multiply():
    capability = np.array([1.0, 1.0, 4.0])  # median 1
    degree = np.array([0, 0, 3])  # 1 + partners: 1, 1, 4; median 1
    capacity = negotiating_capacity(capability, degree, 1, 1.0, 1.0)
    np.testing.assert_array_equal(capacity, [1, 1, 16])


def test_capacity_is_at_least_one_and_at_most_the_ceiling():
    capability = np.array([1e-6, 1.0, 1e6])
    capacity = negotiating_capacity(capability, np.zeros(3), 2, 2.0, 0.0)
    np.testing.assert_array_equal(capacity, [1, 2, MAX_NEGOTIATING_CAPACITY])


def test_a_base_of_zero_means_nobody_negotiates():
    capacity = negotiating_capacity(np.array([1.0, 100.0]), np.array([0, 9]), 0, 1.0, 1.0)
    np.testing.assert_array_equal(capacity, [0, 0])


@FAST
@given(
    st.lists(st.floats(0.01, 1000.0), min_size=1, max_size=30),
    st.integers(1, 20),
    st.floats(0.0, 2.0),
    st.floats(0.0, 2.0),
)
def test_capacity_never_falls_as_capability_rises(capabilities, base, elasticity, network):
    capability = np.sort(np.array(capabilities))
    capacity = negotiating_capacity(
        capability, np.full(capability.size, 2), base, elasticity, network
    )
    assert np.all(np.diff(capacity) >= 0)
    assert capacity.min() >= 1
    assert capacity.max() <= max(base, MAX_NEGOTIATING_CAPACITY)


def test_a_proposal_is_concluded_exactly_when_its_draw_falls_below_the_rate():
    draws = np.array([0.0, 0.29, 0.3, 0.31, 0.99])
    assert concluded(draws, 0.3).tolist() == [True, True, False, False, False]
    assert concluded(draws, 1.0).all()


def test_foresight_picks_each_nation_with_its_chance_and_draws_nothing_at_zero_or_one():
    rng = np.random.default_rng(5)
    picked = foresees_consent(20_000, 0.3, rng)
    assert abs(picked.mean() - 0.3) < 0.02
    before = rng.bit_generator.state
    assert foresees_consent(7, 1.0, rng).all()
    assert not foresees_consent(7, 0.0, rng).any()
    assert rng.bit_generator.state == before


@FAST
@given(
    st.lists(
        st.one_of(
            st.floats(min_value=1e-3, max_value=1e3, allow_nan=False),
            st.integers(min_value=1, max_value=40).map(float),
        ),
        min_size=1,
        max_size=60,
    )
)
def test_the_median_capacity_is_scaled_by_is_numpys_median_to_the_last_bit(values):
    values = np.array(values)
    assert _median(values) == np.median(values)


def test_experience_lowers_the_negotiation_cost_by_a_power_of_one_plus_the_partners():
    cost = experienced_cost(0.3, np.array([0, 1, 3, 24]), 0.5)
    np.testing.assert_allclose(cost, [0.3, 0.3 / 2**0.5, 0.15, 0.3 / 5])
    # without experience every state pays the same, whatever its partners
    np.testing.assert_array_equal(experienced_cost(0.3, np.array([0, 7, 50]), 0.0), [0.3] * 3)


@settings(max_examples=100, deadline=None)
@given(
    st.lists(st.integers(0, 300), min_size=2, max_size=20),
    st.floats(0.0, 1.0),
    st.floats(0.0, 2.0),
)
def test_a_state_with_more_partners_never_pays_more_to_negotiate(partners, cost, experience):
    partners = np.sort(np.array(partners))
    paid = experienced_cost(cost, partners, experience)
    assert np.all(np.diff(paid) <= 1e-15)
    assert np.all((paid >= 0) & (paid <= cost))


def test_a_protocol_concludes_at_the_rate_to_the_power_of_its_cost_share():
    assert protocol_conclusion_rate(0.1, 0.5) == 0.1**0.5
    # a protocol as costly as a first agreement concludes as slowly; a free one at once
    assert protocol_conclusion_rate(0.1, 1.0) == 0.1
    assert protocol_conclusion_rate(0.1, 0.0) == 1.0
    # never slower than a first agreement
    assert protocol_conclusion_rate(0.2, 0.3) > 0.2


def test_a_state_reorients_for_its_years_from_the_step_it_entered_or_left_a_pact():
    reoriented_at = np.array([-(1 << 40), 3, 5])
    assert list(reorienting(reoriented_at, 2, 4)) == [False, False, False]
    assert list(reorienting(reoriented_at, 3, 4)) == [False, True, False]
    assert list(reorienting(reoriented_at, 6, 4)) == [False, True, True]
    assert list(reorienting(reoriented_at, 7, 4)) == [False, False, True]
    assert not reorienting(reoriented_at, 5, 0).any()  # no years: nobody reorients


def test_a_reorienting_state_concludes_as_if_it_negotiated_one_plus_effort_rounds():
    assert reoriented_conclusion_rate(0.08, 0.0) == pytest.approx(0.08)
    assert reoriented_conclusion_rate(0.08, 5.0) == pytest.approx(1 - 0.92**6)
    assert reoriented_conclusion_rate(1.0, 3.0) == 1.0
    rates = reoriented_conclusion_rate(np.array([0.05, 0.3]), 2.0)
    np.testing.assert_allclose(rates, [1 - 0.95**3, 1 - 0.7**3])
