"""Interoperability: grows with joint exercise toward 1, fades without it."""

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

from simulation.domain import MAX_DEPTH
from simulation.mechanisms.interoperability import (
    INTEROPERABILITY_DECAY,
    update_interoperability,
)

FAST = settings(max_examples=80, deadline=None)

unit = st.floats(min_value=0.0, max_value=1.0, allow_nan=False)


def pair(value: float) -> np.ndarray:
    return np.array([[0.0, value], [value, 0.0]])


def test_exercising_dyads_gain_a_depth_share_of_the_room_left():
    updated = update_interoperability(pair(0.2), pair(2.0), gain=0.3)
    assert updated[0, 1] == pytest.approx(0.2 + 0.3 * 2 / MAX_DEPTH * 0.8)
    assert updated[1, 0] == pytest.approx(updated[0, 1])


def test_interoperability_fades_without_exercise():
    updated = update_interoperability(pair(0.5), pair(0.0), gain=0.3)
    assert updated[0, 1] == pytest.approx(0.5 * (1.0 - INTEROPERABILITY_DECAY))
    custom = update_interoperability(pair(0.5), pair(0.0), gain=0.3, decay=0.4)
    assert custom[0, 1] == pytest.approx(0.3)


def test_interoperability_grows_toward_one_with_steady_exercise():
    level = pair(0.0)
    history = []
    for _ in range(200):
        level = update_interoperability(level, pair(4.0), gain=0.2)
        history.append(level[0, 1])
    assert np.all(np.diff(history) >= 0)
    assert history[-1] == pytest.approx(1.0, abs=1e-6)
    assert max(history) <= 1.0


def test_deeper_exercise_builds_interoperability_faster():
    gains = [update_interoperability(pair(0.1), pair(d), gain=0.3)[0, 1] for d in (1, 2, 3, 4)]
    assert all(b > a for a, b in zip(gains, gains[1:]))


def test_update_interoperability_does_not_modify_its_input():
    level = pair(0.4)
    before = level.copy()
    update_interoperability(level, pair(3.0), gain=0.5)
    update_interoperability(level, pair(0.0), gain=0.5)
    np.testing.assert_array_equal(level, before)


@st.composite
def interoperability_world(draw):
    n = draw(st.integers(1, 6))
    level = draw(hnp.arrays(np.float64, (n, n), elements=unit))
    depth = draw(hnp.arrays(np.float64, (n, n), elements=st.sampled_from([0.0, 1.0, 2.5, 4.0])))
    return level, depth


@FAST
@given(interoperability_world(), unit, unit)
def test_update_interoperability_stays_in_unit_interval(world, gain, decay):
    level, depth = world
    updated = update_interoperability(level, depth, gain=gain, decay=decay)
    assert np.all((updated >= 0.0) & (updated <= 1.0))
    exercising = depth > 0
    assert np.all(updated[exercising] >= level[exercising] - 1e-12)
    assert np.all(updated[~exercising] <= level[~exercising] + 1e-12)


@FAST
@given(interoperability_world(), unit, unit, st.integers(0, 2**32 - 1))
def test_update_interoperability_with_a_superset_of_pairs_matches_the_default(
    world, gain, decay, seed
):
    level, depth = world
    rng = np.random.default_rng(seed)
    candidates = (depth > 0) | (rng.random(depth.shape) < 0.5)
    default = update_interoperability(level, depth, gain=gain, decay=decay)
    fast = update_interoperability(
        level, depth, gain=gain, decay=decay, pairs=np.nonzero(candidates)
    )
    np.testing.assert_allclose(fast, default)
