"""What a further agreement adds: the share of its channel widths not already open."""

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from simulation.agreements import CHANNELS_BY_CODE, SECTOR_CODE
from simulation.domain import Sector
from simulation.mechanisms.scope import (
    added_share,
    added_share_in_signing_order,
    best_further_share,
    pair_groups,
)

FAST = settings(max_examples=100, deadline=None)
GENERAL, TRAINING, INTELLIGENCE, TECHNOLOGY, ARMS, BASING = (
    SECTOR_CODE[Sector(name)]
    for name in ("general", "training", "intelligence", "technology", "arms", "basing")
)


def widths(*codes):
    return CHANNELS_BY_CODE[list(codes)]


def test_added_share_of_known_agreements():
    framework = CHANNELS_BY_CODE[GENERAL]  # 0.5, 0.5, 0.5
    # training (1, 0, 0) beside a framework widens training from 0.5 to 1: half of it
    assert added_share(CHANNELS_BY_CODE[TRAINING], framework) == 0.5
    # a framework beside training opens intelligence and technology halfway: 1 of 1.5
    assert np.isclose(added_share(framework, CHANNELS_BY_CODE[TRAINING]), 2 / 3)
    # technology (0, 0, 1) beside arms (0.3, 0, 0.7): 0.3 of 1
    assert np.isclose(added_share(CHANNELS_BY_CODE[TECHNOLOGY], CHANNELS_BY_CODE[ARMS]), 0.3)
    # nothing open: all of it; everything open: none of it
    assert added_share(framework, np.zeros(3)) == 1.0
    assert added_share(framework, np.ones(3)) == 0.0


def test_agreements_are_valued_in_signing_order_within_their_pair():
    pair = np.array([5, 3, 5, 5, 3, 9, 5])
    codes = [GENERAL, TRAINING, TRAINING, INTELLIGENCE, GENERAL, TECHNOLOGY, TRAINING]
    share = added_share_in_signing_order(pair, widths(*codes))
    # pair 5: framework 1; training 0.5; intelligence 0.5 (0.5 of its 1 already open);
    # a second training protocol adds nothing
    # pair 3: training first, 1; the framework after it 2/3; pair 9 alone: 1
    np.testing.assert_allclose(share, [1, 1, 0.5, 0.5, 2 / 3, 1, 0])


def test_a_first_or_lone_agreement_is_valued_in_full_exactly():
    pair = np.array([7, 8, 9])
    share = added_share_in_signing_order(pair, widths(TRAINING, BASING, GENERAL))
    assert share.tolist() == [1.0, 1.0, 1.0]
    assert added_share_in_signing_order(np.array([4]), widths(ARMS)).tolist() == [1.0]


def test_pair_groups_rank_agreements_within_each_pair_in_given_order():
    order, rank, starts = pair_groups(np.array([5, 3, 5, 5, 3]))
    np.testing.assert_array_equal(order, [1, 4, 0, 2, 3])
    np.testing.assert_array_equal(rank, [0, 1, 0, 1, 2])
    np.testing.assert_array_equal(starts, [0, 2])


def test_best_further_share_takes_the_most_useful_sector_not_held():
    held = np.zeros((3, len(CHANNELS_BY_CODE)), dtype=bool)
    held[0, GENERAL] = (
        True  # framework only: a training, intelligence or technology protocol adds 0.5
    )
    held[1, TRAINING] = True  # training only: intelligence (0, 1, 0) adds all of itself
    held[2, :] = True  # every sector held: nothing more to sign
    open_widths = np.array([CHANNELS_BY_CODE[GENERAL], CHANNELS_BY_CODE[TRAINING], np.ones(3)])
    added = added_share(CHANNELS_BY_CODE[None, :, :], open_widths[:, None, :])
    np.testing.assert_allclose(best_further_share(added, held), [0.5, 1.0, 0.0])


@FAST
@given(st.lists(st.tuples(st.integers(0, 3), st.integers(0, 5)), min_size=1, max_size=25))
def test_shares_lie_in_zero_one_and_a_pair_adds_up_to_at_least_its_widest_agreement(rows):
    pair = np.array([p for p, _ in rows])
    codes = [c for _, c in rows]
    share = added_share_in_signing_order(pair, widths(*codes))
    assert np.all((share >= 0) & (share <= 1))
    for key in np.unique(pair):
        at = pair == key
        assert share[np.flatnonzero(at)[0]] == 1.0
        # a sector repeated within a pair adds nothing the second time
        seen = set()
        for position in np.flatnonzero(at):
            if codes[position] in seen:
                assert share[position] == 0.0
            seen.add(codes[position])
