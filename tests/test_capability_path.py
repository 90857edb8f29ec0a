"""A nation's capability follows an observed path (`NationSpec.capability_path`), as the
real worlds' capabilities follow NMC's CINC year by year, and grows as usual after it."""

from __future__ import annotations

from pathlib import Path

import numpy as np

from simulation import load_scenario
from simulation.model import DefenseCooperationModel
from simulation.scenario import scenario_from_dict
from tests.conftest import small_world

PATH = [2.5, 3.0, 0.75]


def with_path(path: list[float], steps: int = 6) -> dict:
    data = small_world(steps=steps, events=[])
    data["nations"][0]["capability_path"] = path
    return data


def capabilities(data: dict) -> list[np.ndarray]:
    model = DefenseCooperationModel(scenario_from_dict(data))
    seen = [model.state.capability.copy()]
    for _ in range(data["steps"]):
        model.step()
        seen.append(model.state.capability.copy())
    return seen


def test_capability_is_the_paths_value_at_each_step_it_covers():
    seen = capabilities(with_path(PATH))
    first = small_world()["nations"][0]["capability"]
    assert seen[0][0] == first  # the path starts at step 1: step 0 is the listed value
    for step, value in enumerate(PATH, start=1):
        assert seen[step][0] == value


def test_after_the_path_capability_grows_from_its_last_value():
    seen = capabilities(with_path(PATH, steps=6))
    after = [seen[step][0] for step in range(len(PATH), 7)]
    # growth goes on from 0.75 (log-normal shocks): moving, and not jumping back
    assert len(set(after)) == len(after)
    assert all(0.5 < value < 1.2 for value in after)


def test_a_path_leaves_the_other_nations_and_every_draw_as_they_were():
    plain = capabilities(with_path([]))
    followed = capabilities(with_path(PATH))
    # other nations' capability moves with trade-offs of the partners they sign with,
    # so compare the first step, before any agreement differs
    np.testing.assert_array_equal(plain[1][1:], followed[1][1:])


def test_a_scenario_without_paths_has_nothing_scheduled():
    model = DefenseCooperationModel(scenario_from_dict(small_world()))
    assert model.state.observed_capability == {}


def test_the_real_worlds_follow_the_observed_cinc_year_by_year():
    scenario = load_scenario(Path(__file__).resolve().parent.parent / "scenarios/world_1990.yaml")
    usa = next(nation for nation in scenario.nations if nation.name == "USA")
    china = next(nation for nation in scenario.nations if nation.name == "CHN")
    assert len(usa.capability_path) == scenario.steps
    # NMC: China's CINC, below the United States' in 1990, passes it in 1995
    assert china.capability < usa.capability
    assert china.capability_path[4] > usa.capability_path[4]  # 1995
    assert china.capability_path[3] < usa.capability_path[3]  # 1994
