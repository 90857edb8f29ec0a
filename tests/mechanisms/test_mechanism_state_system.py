"""Known answers for the state system: who is a state at a step, what a successor inherits."""

from __future__ import annotations

import numpy as np

from simulation.mechanisms import state_system
from simulation.mechanisms.state_system import NEVER


def test_a_nation_is_a_state_from_the_step_it_enters_until_the_step_it_leaves():
    enters = np.array([0, 3, 0, 2])
    leaves = np.array([NEVER, NEVER, 4, 5])
    states = [state_system.in_system(enters, leaves, step).tolist() for step in range(7)]
    assert states == [
        [True, False, True, False],
        [True, False, True, False],
        [True, False, True, True],
        [True, True, True, True],
        [True, True, False, True],  # gone from step 4
        [True, True, False, False],
        [True, True, False, False],
    ]


def test_agreements_pass_to_the_successor_unless_with_itself_or_already_held():
    successor = 7
    partner = np.array([1, 7, 2, 3, 3, 4])
    sector = np.array([0, 0, 0, 0, 1, 2])
    held = {(2, 0), (4, 1)}  # the successor already has a sector-0 agreement with 2
    passes = state_system.inherited_agreements(partner, sector, successor, held)
    # with 1: passes; with the successor itself: ends; with 2 in sector 0: held, ends;
    # with 3 in sectors 0 and 1: both pass; with 4 in sector 2 (it holds sector 1): passes
    assert passes.tolist() == [True, False, False, True, True, True]


def test_of_two_agreements_of_one_sector_with_one_partner_only_the_first_passes():
    passes = state_system.inherited_agreements(np.array([5, 5]), np.array([3, 3]), 9, set())
    assert passes.tolist() == [True, False]


def test_the_held_set_of_the_caller_is_left_as_it_was():
    held = {(1, 0)}
    state_system.inherited_agreements(np.array([2]), np.array([0]), 9, held)
    assert held == {(1, 0)}


def test_the_successor_keeps_the_larger_of_its_own_and_the_leavers_relations():
    trust = np.array(
        [
            [1.0, 0.2, 0.9, 0.1],
            [0.3, 1.0, 0.6, 0.5],  # 1 leaves
            [0.8, 0.7, 1.0, 0.4],
            [0.2, 0.9, 0.3, 1.0],  # 3 succeeds
        ]
    )
    row, column = state_system.inherited_relations(trust, leaver=1, successor=3)
    # toward 0 and 2: the larger of 3's own and 1's; toward 1 and itself: its own
    assert row.tolist() == [0.3, 0.9, 0.6, 1.0]
    assert column.tolist() == [0.2, 0.5, 0.7, 1.0]
