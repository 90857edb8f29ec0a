"""Known answers for changes phased in over several steps."""

from __future__ import annotations

import pytest

from simulation.mechanisms.schedule import phased_delta, phased_value


def test_a_shift_over_four_steps_adds_a_quarter_each_step_and_the_whole_by_the_last():
    share = phased_delta(0.4, 4)
    assert share == pytest.approx(0.1)
    assert sum(share for _ in range(4)) == pytest.approx(0.4)


def test_a_shift_over_one_step_is_the_whole_delta_exactly():
    assert phased_delta(0.37, 1) == 0.37


def test_a_float_parameter_moves_linearly_to_its_target():
    values = [phased_value(0.1, 0.5, 4, done, integer=False) for done in (1, 2, 3, 4)]
    assert values == pytest.approx([0.2, 0.3, 0.4, 0.5])
    assert values[-1] == 0.5  # exactly the target at the last step


def test_an_integer_parameter_moves_in_whole_steps_rounded_halves_up():
    assert [phased_value(2, 6, 4, done, integer=True) for done in (1, 2, 3, 4)] == [3, 4, 5, 6]
    assert [phased_value(2, 3, 4, done, integer=True) for done in (1, 2, 3, 4)] == [2, 3, 3, 3]
    assert [phased_value(6, 2, 4, done, integer=True) for done in (1, 2, 3, 4)] == [5, 4, 3, 2]
    assert all(type(phased_value(2, 6, 4, done, integer=True)) is int for done in (1, 2, 3, 4))
