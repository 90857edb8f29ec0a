"""Pacts: collective security, capability-weighted votes, the vote on an applicant and
the vote on a member a crisis has made a rival."""

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from simulation.mechanisms.pacts import (
    approves_applicant,
    capability_vote,
    collective_security,
    expels_member,
    rival_of_members,
)

FAST = settings(max_examples=100, deadline=None)

capability = st.floats(min_value=1e-2, max_value=1e2, allow_nan=False)
unit = st.floats(min_value=0.0, max_value=1.0, allow_nan=False)


def security(threat_weight, threat, added, already) -> float:
    return float(
        collective_security(threat_weight, np.array([threat]), np.array([added]), already)[0]
    )


# ---------------------------------------------------------- collective security


def test_collective_security_is_half_the_threat_term_times_the_added_share():
    # 0.5 x 1 x 0.8 x 3 / (3 + 1) = 0.3
    assert security(1.0, 0.8, 3.0, 1.0) == pytest.approx(0.3)
    # 0.5 x 2 x 0.5 x 1 / (1 + 4) = 0.1
    assert security(2.0, 0.5, 1.0, 4.0) == pytest.approx(0.1)


def test_an_outsider_and_a_member_value_collective_security_by_the_same_formula():
    # an outsider of capability 2 valuing a pact holding 6: 0.5 x 1 x 0.6 x 6/8 = 0.225
    outsider = security(1.0, 0.6, added=6.0, already=2.0)
    # a pact holding 6 valuing an applicant of capability 2: 0.5 x 1 x 0.6 x 2/8 = 0.075
    member = security(1.0, 0.6, added=2.0, already=6.0)
    assert outsider == pytest.approx(0.225)
    assert member == pytest.approx(0.075)
    # the two views split the full half threat term between them
    assert outsider + member == pytest.approx(0.5 * 0.6)


def test_collective_security_broadcasts_a_column_of_threats_against_pacts():
    # rows: nations (threat 0.2, 1.0); columns: two pacts' capability behind each
    threat = np.array([[0.2], [1.0]])
    added = np.array([[1.0, 3.0], [1.0, 3.0]])
    already = np.array([[1.0], [3.0]])
    values = collective_security(1.0, threat, added, already)
    expected = [[0.5 * 0.2 * 1 / 2, 0.5 * 0.2 * 3 / 4], [0.5 * 1 / 4, 0.5 * 3 / 6]]
    np.testing.assert_allclose(values, expected)


@FAST
@given(st.floats(0.0, 5.0), unit, capability, capability, capability)
def test_collective_security_grows_with_the_capability_added_and_stays_below_half_the_threat(
    weight, threat, added, more, already
):
    value = security(weight, threat, added, already)
    assert 0.0 <= value <= 0.5 * weight * threat
    assert security(weight, threat, added + more, already) >= value
    assert security(weight, threat, added, already + more) <= value


# ----------------------------------------------------------------------- votes


def test_capability_vote_passes_when_supporters_hold_exactly_half():
    # 2 of 4
    assert capability_vote(np.array([2.0, 1.0, 1.0]), np.array([True, False, False]))


def test_capability_vote_fails_just_short_of_half():
    # 1 of 3
    assert not capability_vote(np.array([1.0, 1.0, 1.0]), np.array([True, False, False]))
    # 2 of 4.001
    assert not capability_vote(np.array([2.0, 1.0, 1.001]), np.array([True, False, False]))


def test_a_strong_minority_outvotes_a_weak_majority():
    weights = np.array([5.0, 1.0, 1.0, 1.0])
    # one member holding 5 of 8 carries the vote against three holding 3
    assert capability_vote(weights, np.array([True, False, False, False]))
    assert not capability_vote(weights, np.array([False, True, True, True]))


def test_capability_vote_with_nobody_or_everybody_in_favour():
    weights = np.array([1.0, 2.0])
    assert not capability_vote(weights, np.array([False, False]))
    assert capability_vote(weights, np.array([True, True]))


weights_strategy = st.lists(st.integers(1, 1000), min_size=1, max_size=12)


@FAST
@given(weights_strategy, st.data())
def test_one_side_or_the_other_always_holds_half(weights, data):
    weights = np.array(weights, dtype=np.float64)  # whole numbers: exact sums
    in_favour = np.array(
        data.draw(st.lists(st.booleans(), min_size=weights.size, max_size=weights.size))
    )
    assert capability_vote(weights, in_favour) or capability_vote(weights, ~in_favour)


@FAST
@given(weights_strategy, st.data())
def test_winning_more_members_over_never_loses_a_vote(weights, data):
    weights = np.array(weights, dtype=np.float64)
    size = weights.size
    in_favour = np.array(data.draw(st.lists(st.booleans(), min_size=size, max_size=size)))
    convert = data.draw(st.integers(0, size - 1))
    more = in_favour.copy()
    more[convert] = True
    assert capability_vote(weights, more) >= capability_vote(weights, in_favour)


# ------------------------------------------------------------------ applicants

# Members of capability 3, 1 and 1 (5 in all) vote on an applicant of capability 5, at
# depth 4 where benefit, sovereignty and funding count in full:
#   V_m = benefit_m + collective_m - sovereignty_m - 4 x funding_cost
# collective_m = 0.5 x 1 x 0.4 x 5 / (5 + 5) = 0.1 and 4 x 0.05 = 0.2.
MEMBERS = np.array([3.0, 1.0, 1.0])
THREAT = np.array([0.4, 0.4, 0.4])
SOVEREIGNTY = np.array([0.2, 0.2, 0.2])


def approves(benefit, depth=4, threat=THREAT, members=MEMBERS, applicant=5.0):
    return approves_applicant(
        members,
        threat,
        applicant,
        np.asarray(benefit, dtype=np.float64),
        SOVEREIGNTY[: members.size],
        depth=depth,
        threat_weight=1.0,
        funding_cost=0.05,
    )


def test_a_pact_admits_an_applicant_when_members_holding_half_the_capability_gain():
    # capabilities 2, 1, 1 (4 in all): collective = 0.5 x 0.4 x 5/(5 + 4) = 0.111;
    # the member gaining (V = 0.5 + 0.111 - 0.4 = 0.211) holds exactly half, 2 of 4,
    # against those losing (V = 0.2 + 0.111 - 0.4 = -0.089)
    members = np.array([2.0, 1.0, 1.0])
    assert approves([0.5, 0.2, 0.2], members=members)
    assert not approves([0.2, 0.5, 0.2], members=members)


def test_a_strong_member_admits_an_applicant_over_weak_objectors():
    # V = 0.5 + 0.1 - 0.4 = 0.2 for the member holding 3 of 5; -0.1 for the others
    assert approves([0.5, 0.2, 0.2])


def test_weak_members_cannot_admit_an_applicant_over_a_strong_objector():
    # the two gaining members hold 2 of 5
    assert not approves([0.2, 0.5, 0.5])


def test_the_applicants_capability_added_to_collective_security_can_tip_the_vote():
    # V = 0.31 + 0.1 - 0.4 = +0.01 for all: admitted; without the collective term -0.09
    assert approves([0.31, 0.31, 0.31])
    # V = 0.29 + 0.1 - 0.4 = -0.01 for all: refused; with the share 5/5 instead of
    # 5/(5 + 5) it would be +0.09
    assert not approves([0.29, 0.29, 0.29])
    # without threat there is no collective security: V = 0.31 - 0.4 < 0
    assert not approves([0.31, 0.31, 0.31], threat=np.zeros(3))


def test_an_applicant_is_judged_at_the_pacts_depth():
    # at depth 1: (0.29 + 0.1) x 0.3789 - 0.2 x 0.125 - 0.05 x 4 x 0.25 = 0.0728 > 0,
    # where depth 4 gives -0.01
    assert approves([0.29, 0.29, 0.29], depth=1)
    assert not approves([0.29, 0.29, 0.29], depth=4)


def test_a_rival_of_any_member_is_vetoed_and_others_are_not():
    assert rival_of_members(np.array([0.0, 0.0, 0.3]))
    assert rival_of_members(np.array([1.0]))
    assert not rival_of_members(np.array([0.0, 0.0]))
    assert not rival_of_members(np.array([]))


def test_a_member_goes_when_its_rivals_hold_two_thirds_of_the_others_capability():
    # the others: its adversary (6) and two bystanders (2 and 1): 6 of 9 is two thirds
    assert expels_member(np.array([6.0, 2.0, 1.0]), np.array([0.4, 0.0, 0.0]))
    # 5.9 of 8.9 falls just short
    assert not expels_member(np.array([5.9, 2.0, 1.0]), np.array([0.4, 0.0, 0.0]))
    # two rivals together reach it where neither would alone
    assert expels_member(np.array([3.5, 3.0, 3.0]), np.array([0.2, 0.1, 0.0]))
    assert not expels_member(np.array([3.5, 3.0, 3.0]), np.array([0.2, 0.0, 0.0]))


def test_a_member_without_a_rival_among_the_others_stays():
    assert not expels_member(np.array([6.0, 2.0, 1.0]), np.zeros(3))
