"""Trust dynamics: growth on tied dyads, drift to baseline, vouching, shocks and boosts."""

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

from simulation.domain import MAX_DEPTH
from simulation.mechanisms.trust import trust_boost, trust_shock, update_trust

FAST = settings(max_examples=80, deadline=None)

unit = st.floats(min_value=0.0, max_value=1.0, allow_nan=False)


def step(trust, baseline, depth, common, growth=0.1, decay=0.05, shared=0.0):
    return update_trust(
        np.asarray(trust, dtype=np.float64),
        np.asarray(baseline, dtype=np.float64),
        np.asarray(depth),
        np.asarray(common, dtype=np.float64),
        growth=growth,
        decay=decay,
        shared_partner_growth=shared,
    )


def pair(off_diagonal: float) -> np.ndarray:
    return np.array([[1.0, off_diagonal], [off_diagonal, 1.0]])


def tie(depth: int) -> np.ndarray:
    return np.array([[0, depth], [depth, 0]])


ZERO = np.zeros((2, 2))


# --------------------------------------------------------------- update_trust


def test_tied_dyad_gains_growth_times_depth_share_of_the_room_left():
    # depth 1 at trust 0.2: gain = 0.1 x (1 + 1) / 5 x 0.8 = 0.032
    updated = step(pair(0.2), pair(0.2), tie(1), ZERO, growth=0.1)
    assert updated[0, 1] == pytest.approx(0.2 + 0.1 * 2 / 5 * 0.8)
    # depth 4: the full growth rate, (4 + 1) / (MAX_DEPTH + 1) = 1
    updated = step(pair(0.2), pair(0.2), tie(MAX_DEPTH), ZERO, growth=0.1)
    assert updated[0, 1] == pytest.approx(0.2 + 0.1 * 0.8)


def test_deeper_ties_build_trust_faster():
    gains = [step(pair(0.3), pair(0.3), tie(d), ZERO)[0, 1] for d in range(1, MAX_DEPTH + 1)]
    assert all(b > a for a, b in zip(gains, gains[1:]))


def test_trust_grows_toward_one_on_tied_dyads_and_never_exceeds_it():
    trust = pair(0.1)
    history = [trust[0, 1]]
    for _ in range(300):
        trust = step(trust, pair(0.1), tie(3), ZERO, growth=0.3, decay=0.5)
        history.append(trust[0, 1])
    history = np.array(history)
    assert np.all(np.diff(history) >= 0.0)
    assert np.all(history <= 1.0)
    assert history[-1] == pytest.approx(1.0, abs=1e-6)


def test_untied_dyad_drifts_toward_its_baseline_from_either_side():
    baseline = pair(0.4)
    above = step(pair(0.8), baseline, tie(0), ZERO, decay=0.25)
    below = step(pair(0.0), baseline, tie(0), ZERO, decay=0.25)
    assert above[0, 1] == pytest.approx(0.8 - 0.25 * 0.4)
    assert below[0, 1] == pytest.approx(0.0 + 0.25 * 0.4)


def test_untied_dyad_does_not_grow_without_shared_partners():
    # at its baseline, an untied dyad stays exactly where it is
    updated = step(pair(0.3), pair(0.3), tie(0), ZERO, growth=0.9)
    assert updated[0, 1] == pytest.approx(0.3)


def test_tied_dyad_does_not_decay_toward_a_lower_baseline():
    updated = step(pair(0.9), pair(0.1), tie(2), ZERO, growth=0.0, decay=1.0)
    assert updated[0, 1] == pytest.approx(0.9)


def test_shared_partners_raise_trust_with_saturating_effect():
    def with_common(c: float) -> float:
        return step(pair(0.3), pair(0.3), tie(0), pair(c) * (1 - np.eye(2)), shared=0.2)[0, 1]

    values = [with_common(c) for c in (0, 1, 2, 5, 50)]
    assert values[0] == pytest.approx(0.3)
    assert values[1] == pytest.approx(0.3 + 0.2 * np.tanh(1.0) * 0.7)
    assert all(b > a for a, b in zip(values, values[1:-1]))
    # saturates: the 50th shared partner adds nearly nothing over the 5th
    assert values[-1] - values[-2] < 1e-3
    assert values[-1] <= 0.3 + 0.2 * 0.7 + 1e-12


def test_update_trust_sets_the_diagonal_to_one():
    trust = np.full((3, 3), 0.2)
    updated = step(trust, trust, np.zeros((3, 3), dtype=int), np.zeros((3, 3)))
    np.testing.assert_array_equal(np.diag(updated), 1.0)


def test_update_trust_does_not_modify_its_input():
    trust = pair(0.2)
    before = trust.copy()
    step(trust, pair(0.5), tie(2), ZERO, shared=0.3)
    np.testing.assert_array_equal(trust, before)


def test_update_trust_keeps_a_symmetric_matrix_symmetric():
    rng = np.random.default_rng(0)
    n = 8
    trust = rng.random((n, n))
    trust = (trust + trust.T) / 2
    baseline = rng.random((n, n))
    baseline = (baseline + baseline.T) / 2
    depth = np.triu(rng.integers(0, MAX_DEPTH + 1, (n, n)), 1)
    depth = depth + depth.T
    common = np.triu(rng.integers(0, 4, (n, n)), 1)
    common = (common + common.T).astype(float)
    updated = step(trust, baseline, depth, common, growth=0.2, decay=0.1, shared=0.1)
    np.testing.assert_allclose(updated, updated.T)


@st.composite
def trust_inputs(draw):
    n = draw(st.integers(min_value=1, max_value=6))
    shape = (n, n)
    trust = draw(hnp.arrays(np.float64, shape, elements=unit))
    baseline = draw(hnp.arrays(np.float64, shape, elements=unit))
    depth = draw(hnp.arrays(np.int64, shape, elements=st.integers(0, MAX_DEPTH)))
    common = draw(hnp.arrays(np.float64, shape, elements=st.floats(0, 50)))
    return trust, baseline, depth, common


@FAST
@given(trust_inputs(), unit, unit, unit)
def test_update_trust_keeps_every_entry_in_unit_interval(inputs, growth, decay, shared):
    trust, baseline, depth, common = inputs
    updated = step(trust, baseline, depth, common, growth=growth, decay=decay, shared=shared)
    assert np.all(updated >= 0.0)
    assert np.all(updated <= 1.0)
    assert not np.any(np.isnan(updated))


@FAST
@given(trust_inputs(), unit, unit, unit)
def test_update_trust_never_lowers_trust_on_a_tied_dyad(inputs, growth, decay, shared):
    trust, baseline, depth, common = inputs
    updated = step(trust, baseline, depth, common, growth=growth, decay=decay, shared=shared)
    tied = depth > 0
    assert np.all(updated[tied] >= trust[tied] - 1e-12)


@FAST
@given(trust_inputs(), unit, unit)
def test_untied_trust_without_shared_partners_stays_between_start_and_baseline(
    inputs, growth, decay
):
    trust, baseline, depth, _ = inputs
    updated = step(trust, baseline, depth, np.zeros_like(trust), growth=growth, decay=decay)
    untied = (depth == 0) & ~np.eye(trust.shape[0], dtype=bool)
    low = np.minimum(trust, baseline)[untied]
    high = np.maximum(trust, baseline)[untied]
    assert np.all(updated[untied] >= low - 1e-12)
    assert np.all(updated[untied] <= high + 1e-12)


# ------------------------------------------------------------ shocks and boosts


def test_trust_shock_lowers_both_directions_of_the_named_dyads_only():
    trust = np.full((3, 3), 0.6)
    trust[1, 0] = 0.5
    trust_shock(trust, np.array([0]), np.array([1]), 0.2)
    assert trust[0, 1] == pytest.approx(0.4)
    assert trust[1, 0] == pytest.approx(0.3)
    untouched = np.ones((3, 3), dtype=bool)
    untouched[0, 1] = untouched[1, 0] = False
    np.testing.assert_array_equal(trust[untouched], 0.6)


def test_trust_shock_clips_at_zero():
    trust = pair(0.1)
    trust_shock(trust, np.array([0]), np.array([1]), 0.5)
    assert trust[0, 1] == 0.0
    assert trust[1, 0] == 0.0


def test_trust_boost_moves_both_directions_toward_one_by_a_share_of_the_room():
    trust = np.full((3, 3), 0.2)
    trust[2, 0] = 0.6
    trust_boost(trust, np.array([0]), np.array([2]), 0.25)
    assert trust[0, 2] == pytest.approx(0.2 + 0.25 * 0.8)
    assert trust[2, 0] == pytest.approx(0.6 + 0.25 * 0.4)
    assert trust[0, 1] == pytest.approx(0.2)
    assert trust[1, 2] == pytest.approx(0.2)


@FAST
@given(
    hnp.arrays(np.float64, (4, 4), elements=unit),
    unit,
    st.lists(st.tuples(st.integers(0, 3), st.integers(0, 3)), min_size=1, max_size=3, unique=True),
)
def test_trust_shock_and_boost_keep_trust_in_unit_interval(trust, amount, dyads):
    dyads = [(a, b) for a, b in dyads if a != b]
    rows = np.array([a for a, _ in dyads], dtype=np.int64)
    columns = np.array([b for _, b in dyads], dtype=np.int64)
    shocked = trust.copy()
    trust_shock(shocked, rows, columns, amount)
    assert np.all((shocked >= 0.0) & (shocked <= 1.0))
    assert np.all(shocked <= trust)
    boosted = trust.copy()
    trust_boost(boosted, rows, columns, amount)
    assert np.all((boosted >= 0.0) & (boosted <= 1.0))
    assert np.all(boosted >= trust)


@FAST
@given(trust_inputs(), unit, unit, unit)
def test_update_trust_with_precomputed_pairs_matches_the_default(inputs, growth, decay, shared):
    trust, baseline, depth, common = inputs
    kwargs = {"growth": growth, "decay": decay, "shared_partner_growth": shared}
    default = update_trust(trust, baseline, depth, common, **kwargs)
    fast = update_trust(
        trust,
        baseline,
        depth,
        common,
        tied_pairs=np.nonzero(depth),
        common_pairs=np.nonzero(common),
        **kwargs,
    )
    np.testing.assert_allclose(fast, default)
