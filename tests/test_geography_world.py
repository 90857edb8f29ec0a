"""Geography in the built world: where nations are placed, what is drawn, what is neutral."""

from __future__ import annotations

import numpy as np
import pytest

from simulation.mechanisms import geography
from simulation.model import DefenseCooperationModel
from simulation.scenario import scenario_from_dict
from simulation.world import build_world
from tests.conftest import REGION_LOCATIONS, located_world, small_world


def world_of(data: dict):
    scenario = scenario_from_dict(data)
    return scenario, build_world(scenario, np.random.default_rng(scenario.seed))


def test_a_world_without_locations_has_no_geography():
    model = DefenseCooperationModel(scenario_from_dict(small_world()))
    state = model.state
    assert state.distance is None and state.proximity is None and state.client_distance is None


def test_locations_are_drawn_after_everything_else_so_the_rest_of_the_world_is_unchanged():
    _, plain = world_of(small_world())
    _, located = world_of(located_world())
    assert plain.latitude is None
    for field in ("capability", "sovereignty_sensitivity", "policy_position", "rivalry"):
        np.testing.assert_array_equal(getattr(located, field), getattr(plain, field))


def test_generated_nations_lie_within_the_spread_of_their_region_and_listed_ones_at_the_centre():
    scenario, world = world_of(located_world())
    for k in range(len(world.names)):
        region = world.region_names[world.region[k]]
        centre = REGION_LOCATIONS[region]
        apart = geography.great_circle_distance(
            np.array([centre["latitude"], world.latitude[k]]),
            np.array([centre["longitude"], world.longitude[k]]),
        )[0, 1]
        if k < len(scenario.nations):  # listed, with no location of their own
            assert apart == pytest.approx(0.0, abs=1e-6)
        else:
            assert apart <= 2500.0 + 1e-3


def test_a_listed_nation_keeps_its_own_capital():
    data = located_world()
    data["nations"][0]["location"] = {"latitude": 38.9, "longitude": -77.0}
    _, world = world_of(data)
    assert (world.latitude[0], world.longitude[0]) == (38.9, -77.0)


def test_the_model_holds_great_circle_distances_in_single_precision():
    model = DefenseCooperationModel(scenario_from_dict(located_world()))
    state = model.state
    assert state.distance.dtype == np.float32 and state.distance.shape == (state.size,) * 2
    np.testing.assert_array_equal(state.distance, state.distance.T)
    # North to East: the distance between the centres, give or take the two spreads
    north, east = state.region_names.index("North"), state.region_names.index("East")
    centres = geography.great_circle_distance(
        np.array([REGION_LOCATIONS["North"]["latitude"], REGION_LOCATIONS["East"]["latitude"]]),
        np.array([REGION_LOCATIONS["North"]["longitude"], REGION_LOCATIONS["East"]["longitude"]]),
    )[0, 1]
    across = state.distance[np.ix_(state.region == north, state.region == east)]
    assert across.min() >= centres - 2 * 2500.0 and across.max() <= centres + 2 * 2500.0


def test_reweighing_the_affinity_with_unchanged_parameters_changes_nothing():
    model = DefenseCooperationModel(
        scenario_from_dict(located_world(parameters={"distance_weight": 1.0}))
    )
    state = model.state
    before = (state.alignment.copy(), state.homophily.copy(), state.proximity.copy())
    state.reweigh_affinity()
    for kept, now in zip(before, (state.alignment, state.homophily, state.proximity), strict=True):
        np.testing.assert_array_equal(kept, now)
    state.parameters.distance_weight = 0.0
    state.reweigh_affinity()
    np.testing.assert_array_equal(state.homophily, np.multiply(state.alignment, 2.0 * 0.5))
