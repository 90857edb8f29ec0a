"""Renewal, stepping down and exit: terms, discontent, patience, and why members leave."""

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from simulation.domain import ExitReason
from simulation.mechanisms.renewal import (
    TRUST_COLLAPSE_LEVEL,
    discontent_streak,
    exit_reason,
    fed_up,
    first_expiry,
    lapses,
    settles_lower,
)

FAST = settings(max_examples=100, deadline=None)

# ---------------------------------------------------------------------- terms


def test_an_agreement_signed_at_step_zero_first_expires_after_one_term():
    assert first_expiry(0, 5) == 5


def test_an_older_agreement_expires_when_its_running_term_ends():
    # signed 3 steps before the start, term 5: 2 steps of the first term remain
    assert first_expiry(-3, 5) == 2
    # signed 7 before, term 5: one term done, 2 steps into the second, 3 remain
    assert first_expiry(-7, 5) == 3


def test_a_term_ending_exactly_at_the_start_has_renewed_for_a_full_term():
    # signed 5 (or 12 with term 4: three terms) before the start
    assert first_expiry(-5, 5) == 5
    assert first_expiry(-12, 4) == 4


@FAST
@given(st.integers(-500, 0), st.integers(1, 50))
def test_the_first_expiry_lies_within_one_term_on_a_term_boundary(signed_step, term):
    expiry = first_expiry(signed_step, term)
    assert 1 <= expiry <= term
    assert (expiry - signed_step) % term == 0


# ----------------------------------------------------------------- discontent


def test_a_negative_value_lengthens_the_streak_and_anything_else_resets_it():
    streak = discontent_streak(np.array([-0.1, 0.0, 0.2, -1.0]), np.array([2, 3, 1, 0]))
    # -0.1: 2 + 1; exactly 0 is not discontent; 0.2 resets; -1 starts a streak
    np.testing.assert_array_equal(streak, [3, 0, 0, 1])


def test_a_member_is_fed_up_once_its_streak_reaches_patience():
    streak = np.array([0, 1, 2, 3])
    np.testing.assert_array_equal(fed_up(streak, 2, False), [False, False, True, True])


def test_at_term_end_any_discontented_member_declines_to_renew():
    streak = np.array([0, 1, 2, 3])
    np.testing.assert_array_equal(fed_up(streak, 2, True), [False, True, True, True])
    # term ends are per agreement
    np.testing.assert_array_equal(
        fed_up(np.array([1, 1]), 5, np.array([True, False])), [True, False]
    )


@pytest.mark.parametrize("patience", [1, 3])
def test_fed_up_never_fires_without_discontent(patience):
    np.testing.assert_array_equal(fed_up(np.zeros(3, dtype=int), patience, True), [False] * 3)


def test_an_agreement_steps_down_only_with_a_rung_below_unhappy_members_and_content_below():
    depth = np.array([1, 2, 3, 4])
    np.testing.assert_array_equal(settles_lower(depth, True, True), [False, True, True, True])
    np.testing.assert_array_equal(settles_lower(depth, False, True), [False] * 4)
    np.testing.assert_array_equal(settles_lower(depth, True, False), [False] * 4)
    # elementwise over agreements
    np.testing.assert_array_equal(
        settles_lower(
            np.array([2, 2, 3]), np.array([True, True, False]), np.array([True, False, True])
        ),
        [True, False, False],
    )
    assert settles_lower(2, True, True)
    assert not settles_lower(1, True, True)


# ---------------------------------------------------------------------- reasons


def reason(
    streak=3,
    patience=2,
    term_end=False,
    trust=0.5,
    dominated=0.0,
    sovereignty=1.0,
    funding=0.4,
    asymmetry_weight=1.0,
):
    return exit_reason(
        streak=streak,
        patience=patience,
        term_end=term_end,
        trust=trust,
        dominated=dominated,
        sovereignty=sovereignty,
        funding=funding,
        asymmetry_weight=asymmetry_weight,
    )


def test_the_trust_collapse_level_is_a_fifth():
    assert TRUST_COLLAPSE_LEVEL == 0.2


def test_a_member_leaving_at_term_end_before_its_patience_ran_out_simply_does_not_renew():
    # even with no trust left: not renewing comes first
    assert reason(streak=1, patience=2, term_end=True, trust=0.0) is ExitReason.NOT_RENEWED


def test_a_member_leaving_at_term_end_with_patience_run_out_walks_out_for_a_cause():
    assert reason(streak=2, patience=2, term_end=True) is ExitReason.SOVEREIGNTY_BACKLASH
    assert reason(streak=2, patience=2, term_end=True, trust=0.1) is ExitReason.TRUST_COLLAPSE


def test_trust_below_a_fifth_is_a_trust_collapse_whatever_the_costs():
    assert reason(trust=0.19, dominated=0.9, funding=0.0) is ExitReason.TRUST_COLLAPSE
    assert reason(trust=0.19, sovereignty=0.0, funding=1.0) is ExitReason.TRUST_COLLAPSE
    # at exactly a fifth trust has not collapsed
    assert reason(trust=0.2) is ExitReason.SOVEREIGNTY_BACKLASH


def test_a_dominated_member_leaves_for_dominance_when_asymmetrys_part_outweighs_funding():
    # dominated 0.6, asymmetry weight 1: asymmetry's part of the sovereignty cost is
    # 1 x 0.6 / (1 + 0.6) = 0.375 of it
    assert reason(dominated=0.6, sovereignty=1.0, funding=0.3) is ExitReason.DOMINANCE
    # 0.375 < 0.4: the larger cost names it
    assert reason(dominated=0.6, sovereignty=1.0, funding=0.4) is ExitReason.SOVEREIGNTY_BACKLASH
    # asymmetry weight 2: 2 x 0.6 / 2.2 = 0.545 > 0.5
    assert (
        reason(dominated=0.6, sovereignty=1.0, funding=0.5, asymmetry_weight=2.0)
        is ExitReason.DOMINANCE
    )


def test_dominance_needs_a_partner_over_three_times_stronger():
    # dominated 0.5 (exactly three times stronger) is not enough, though asymmetry's
    # part, 0.5 / 1.5 = 0.333, outweighs the funding of 0.3
    assert reason(dominated=0.5, sovereignty=1.0, funding=0.3) is ExitReason.SOVEREIGNTY_BACKLASH
    # without an asymmetry weight there is no dominance part at all
    assert (
        reason(dominated=0.9, funding=0.0, asymmetry_weight=0.0) is ExitReason.SOVEREIGNTY_BACKLASH
    )


def test_otherwise_the_larger_of_sovereignty_and_funding_names_the_exit():
    assert reason(sovereignty=0.5, funding=0.4) is ExitReason.SOVEREIGNTY_BACKLASH
    assert reason(sovereignty=0.4, funding=0.5) is ExitReason.FUNDING_BURDEN
    # a tie goes to sovereignty
    assert reason(sovereignty=0.4, funding=0.4) is ExitReason.SOVEREIGNTY_BACKLASH


@FAST
@given(
    st.integers(0, 10),
    st.integers(1, 10),
    st.booleans(),
    st.floats(0.0, 1.0),
    st.floats(0.0, 0.999),
    st.floats(0.0, 10.0),
    st.floats(0.0, 10.0),
    st.floats(0.0, 5.0),
)
def test_not_renewed_is_the_reason_exactly_when_the_term_ended_before_patience_ran_out(
    streak, patience, term_end, trust, dominated, sovereignty, funding, asymmetry_weight
):
    value = reason(
        streak, patience, term_end, trust, dominated, sovereignty, funding, asymmetry_weight
    )
    assert (value is ExitReason.NOT_RENEWED) == (term_end and streak < patience)
    assert value not in (ExitReason.SCHEDULED_WITHDRAWAL, ExitReason.DISSOLVED)
    if value is ExitReason.DOMINANCE:
        assert dominated > 0.5


def test_an_agreement_lapses_exactly_when_its_draw_falls_below_the_lapse_rate():
    draws = np.array([0.0, 0.1, 0.15, 0.5, 0.99])
    np.testing.assert_array_equal(lapses(draws, 0.15), [True, True, False, False, False])
    assert not lapses(draws, 0.0).any()
    assert lapses(draws, 1.0).all()
