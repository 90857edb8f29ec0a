"""One scenario over several seeds (simulation/sweeps/seeds.py): the stacked model tables
are exactly those of running each seed by hand, in the order of the seeds."""

from __future__ import annotations

import pandas as pd
import pytest

from simulation import run_scenario, scenario_from_dict
from simulation.sweeps.seeds import run_seeds, seeds_of
from simulation.tables import model_table
from tests.conftest import small_world


def short_world(seed: int = 7, steps: int = 4) -> dict:
    """The test world for a few steps: its scheduled events come later, so they go."""
    return small_world(seed=seed, steps=steps, events=[])


def build(seed: int = 7, steps: int = 4):
    return scenario_from_dict(short_world(seed, steps))


def test_the_seeds_are_the_scenarios_own_and_the_next_ones():
    assert seeds_of(build(seed=41), 3) == [41, 42, 43]


def test_the_stacked_tables_are_those_of_each_seed_run_by_hand():
    scenario = build(seed=41, steps=4)
    stacked = run_seeds(scenario, 3)
    by_hand = []
    for seed in (41, 42, 43):
        table = model_table(run_scenario(scenario_from_dict(short_world(seed))).model)
        by_hand.append(table.assign(seed=seed)[["seed", *table.columns]])
    pd.testing.assert_frame_equal(stacked, pd.concat(by_hand, ignore_index=True))


def test_the_seeds_give_different_runs():
    stacked = run_seeds(build(steps=6), 2)
    first, second = (part.drop(columns="seed") for _, part in stacked.groupby("seed"))
    assert not first.reset_index(drop=True).equals(second.reset_index(drop=True))


def test_progress_is_called_after_each_run_with_its_count():
    calls: list[int] = []
    run_seeds(build(steps=2), 3, progress=calls.append)
    assert calls == [1, 2, 3]


def test_fewer_than_one_seed_is_refused():
    with pytest.raises(ValueError, match="seeds: expected at least 1, got 0"):
        run_seeds(build(steps=2), 0)
