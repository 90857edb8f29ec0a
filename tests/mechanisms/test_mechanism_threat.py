"""Threat perception: regional baseline, rivals' capability, shocks."""

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

from simulation.mechanisms.threat import perceived_threat

FAST = settings(max_examples=80, deadline=None)


def rivals(intensity: float) -> np.ndarray:
    return np.array([[0.0, intensity], [intensity, 0.0]])


def test_threat_without_rivals_is_region_baseline_plus_shock():
    threat = perceived_threat(
        np.array([0.2, 0.3, 0.1]),
        np.zeros((3, 3)),
        np.array([1.0, 2.0, 3.0]),
        np.array([0.0, 0.1, 0.4]),
    )
    np.testing.assert_allclose(threat, [0.2, 0.4, 0.5])


def test_threat_from_an_equal_rival_on_a_hand_computed_example():
    # equal capability: share 1/2; pressure = 1 - exp(-1 x 0.5); half of it is added
    threat = perceived_threat(np.array([0.2, 0.2]), rivals(1.0), np.ones(2), np.zeros(2))
    expected = 0.2 + 0.5 * (1.0 - np.exp(-0.5))
    np.testing.assert_allclose(threat, [expected, expected])


def test_threat_rises_with_rival_capability_and_rivalry_intensity():
    base = np.array([0.1, 0.1])
    weak = perceived_threat(base, rivals(0.5), np.array([1.0, 1.0]), np.zeros(2))[0]
    strong = perceived_threat(base, rivals(0.5), np.array([1.0, 4.0]), np.zeros(2))[0]
    intense = perceived_threat(base, rivals(1.0), np.array([1.0, 4.0]), np.zeros(2))[0]
    assert weak < strong < intense


def test_the_weaker_rival_feels_more_threatened():
    threat = perceived_threat(np.zeros(2), rivals(1.0), np.array([1.0, 9.0]), np.zeros(2))
    assert threat[0] > threat[1]
    # shares 0.9 and 0.1
    np.testing.assert_allclose(threat, 0.5 * (1 - np.exp(-np.array([0.9, 0.1]))))


def test_more_rivals_add_threat_with_diminishing_returns():
    capability = np.ones(4)
    base = np.zeros(4)
    values = []
    for k in range(1, 4):
        rivalry = np.zeros((4, 4))
        rivalry[0, 1 : k + 1] = rivalry[1 : k + 1, 0] = 1.0
        values.append(perceived_threat(base, rivalry, capability, np.zeros(4))[0])
    increments = np.diff([0.0, *values])
    assert np.all(increments > 0)
    assert np.all(np.diff(increments) < 0)
    assert values[-1] < 0.5  # rivals alone never exceed half the scale


def test_threat_is_clipped_to_one_under_large_shocks():
    threat = perceived_threat(np.array([0.6, 0.6]), rivals(1.0), np.ones(2), np.array([2.0, 0.0]))
    assert threat[0] == 1.0
    assert threat[1] < 1.0


@FAST
@given(
    st.integers(1, 6).flatmap(
        lambda n: st.tuples(
            hnp.arrays(np.float64, n, elements=st.floats(0, 1)),
            hnp.arrays(np.float64, (n, n), elements=st.floats(0, 1)),
            hnp.arrays(np.float64, n, elements=st.floats(1e-3, 1e3)),
            hnp.arrays(np.float64, n, elements=st.floats(0, 2)),
        )
    )
)
def test_perceived_threat_is_in_unit_interval(inputs):
    region, rivalry, capability, shock = inputs
    threat = perceived_threat(region, rivalry, capability, shock)
    assert threat.shape == region.shape
    assert np.all((threat >= 0.0) & (threat <= 1.0))
    assert np.all(threat >= np.minimum(region + shock, 1.0) - 1e-12)


@pytest.mark.parametrize("shock", [0.0, 0.3])
def test_threat_is_monotone_in_region_baseline(shock):
    low = perceived_threat(np.array([0.1, 0.1]), rivals(0.5), np.ones(2), np.full(2, shock))
    high = perceived_threat(np.array([0.3, 0.1]), rivals(0.5), np.ones(2), np.full(2, shock))
    assert high[0] == pytest.approx(low[0] + 0.2)
    assert high[1] == pytest.approx(low[1])


@st.composite
def symmetric_rivalry_world(draw):
    n = draw(st.integers(1, 7))
    region = draw(hnp.arrays(np.float64, n, elements=st.floats(0, 0.5)))
    upper = draw(hnp.arrays(np.float64, (n, n), elements=st.sampled_from([0.0, 0.3, 0.6, 1.0])))
    upper = np.triu(upper, 1)
    capability = draw(hnp.arrays(np.float64, n, elements=st.floats(1e-3, 1e3)))
    return region, upper + upper.T, capability


@FAST
@given(symmetric_rivalry_world())
def test_perceived_threat_sums_every_rival_weighted_by_its_share(world):
    region, rivalry, capability = world
    threat = perceived_threat(region, rivalry, capability, np.zeros_like(region))
    share = capability[None, :] / (capability[:, None] + capability[None, :])
    expected = region + 0.5 * (1.0 - np.exp(-(rivalry * share).sum(axis=1)))
    np.testing.assert_allclose(threat, np.clip(expected, 0.0, 1.0))
    fast = perceived_threat(
        region,
        rivalry,
        capability,
        np.zeros_like(region),
        rival_pairs=np.nonzero(np.triu(rivalry, 1)),
    )
    np.testing.assert_allclose(fast, threat)
