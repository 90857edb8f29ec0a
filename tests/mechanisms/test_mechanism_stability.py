"""The composite stability index: peace, trust and low sovereignty tension."""

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from simulation.outcomes import ESCALATION_HALF_POINT, STABILITY_WEIGHTS, stability_index

FAST = settings(max_examples=100, deadline=None)

unit = st.floats(min_value=0.0, max_value=1.0, allow_nan=False)


def test_stability_is_one_with_peace_full_trust_and_no_tension():
    assert stability_index(0, 50, 1.0, 0.0) == pytest.approx(1.0)


def test_stability_on_hand_computed_examples():
    # no escalation, no trust, full tension: only the peace component, 0.5
    assert stability_index(0, 50, 0.0, 1.0) == pytest.approx(0.5)
    # 2 escalations among 100 nations halves peace: 0.5 x 0.5 + 0.3 x 0.5 + 0.2 x 0.5
    assert stability_index(2, 100, 0.5, 0.5) == pytest.approx(0.25 + 0.15 + 0.1)
    # 6 among 100: peace = 1 / (1 + 3) = 0.25
    assert stability_index(6, 100, 0.2, 0.1) == pytest.approx(0.5 * 0.25 + 0.3 * 0.2 + 0.2 * 0.9)


def test_stability_weights_and_half_point_are_as_documented():
    assert STABILITY_WEIGHTS == (0.5, 0.3, 0.2)
    assert sum(STABILITY_WEIGHTS) == pytest.approx(1.0)
    assert ESCALATION_HALF_POINT == 0.02


def test_stability_falls_with_escalations_and_tension_and_rises_with_trust():
    values = [stability_index(k, 100, 0.4, 0.3) for k in range(0, 10)]
    assert all(b < a for a, b in zip(values, values[1:]))
    assert stability_index(1, 100, 0.6, 0.3) > stability_index(1, 100, 0.4, 0.3)
    assert stability_index(1, 100, 0.4, 0.6) < stability_index(1, 100, 0.4, 0.3)


def test_the_same_escalations_weigh_less_in_a_larger_world():
    assert stability_index(2, 200, 0.4, 0.3) > stability_index(2, 100, 0.4, 0.3)


def test_stability_handles_an_empty_world():
    assert stability_index(0, 0, 0.5, 0.5) == pytest.approx(0.5 + 0.15 + 0.1)
    assert 0.0 <= stability_index(3, 0, 0.5, 0.5) <= 1.0


def test_stability_is_clipped_for_out_of_range_inputs():
    assert stability_index(0, 10, 5.0, -3.0) == 1.0
    assert stability_index(10**6, 10, -5.0, 4.0) == 0.0


@FAST
@given(st.integers(0, 10_000), st.integers(0, 10_000), unit, unit)
def test_stability_index_is_in_unit_interval(escalated, nations, trust, tension):
    value = stability_index(escalated, nations, trust, tension)
    assert isinstance(value, float)
    assert 0.0 <= value <= 1.0
    # the trust and tension components alone bound it from below
    assert value >= 0.3 * trust + 0.2 * (1.0 - tension) - 1e-12
