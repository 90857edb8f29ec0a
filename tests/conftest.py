"""Shared scenario builders for the tests: small, fast worlds with every mechanism in play."""

from __future__ import annotations

import copy

import pytest

from simulation.scenario import Scenario, scenario_from_dict

SMALL_WORLD: dict = {
    "name": "test-world",
    "description": "Three generated regions, a few listed nations, one deep pact.",
    "seed": 7,
    "steps": 30,
    "regions": [
        {"name": "North", "nations": 10, "threat": 0.35},
        {
            "name": "South",
            "nations": 10,
            "threat": 0.5,
            "sovereignty_sensitivity": {"mean": 0.55, "sd": 0.15},
        },
        {"name": "East", "nations": 8, "threat": 0.4},
    ],
    "nations": [
        {"name": "Atlantia", "region": "North", "capability": 8.0, "sovereignty_sensitivity": 0.2},
        {"name": "Borealis", "region": "North", "capability": 1.5},
        {"name": "Caldera", "region": "South", "capability": 3.0, "sovereignty_sensitivity": 0.7},
        {"name": "Dunmore", "region": "East", "capability": 4.0},
    ],
    "rivalries": [
        {"nations": ["Caldera", "Dunmore"], "intensity": 0.9},
        {"nations": ["North 1", "North 5"], "intensity": 0.9},
        {"nations": ["Borealis", "North 6"], "intensity": 0.8},
    ],
    "agreements": [
        {
            "id": "alliance",
            "kind": "multilateral",
            "depth": 4,
            "alliance": True,
            "dispute_resolution": True,
            "members": ["Atlantia", "Borealis", "North 1", "North 2", "North 3"],
        },
        {
            "id": "caldera-south",
            "members": ["Caldera", "South 1"],
            "depth": 2,
            "sector": "training",
        },
    ],
    "events": [
        {"step": 10, "type": "crisis", "region": "South", "severity": 0.6},
        {"step": 15, "type": "capability_surge", "nation": "Dunmore", "factor": 2.0},
    ],
}


def small_world(**changes) -> dict:
    """A copy of SMALL_WORLD; keyword `parameters` merges into its parameters."""
    data = copy.deepcopy(SMALL_WORLD)
    parameters = changes.pop("parameters", None)
    data.update(changes)
    if parameters:
        data.setdefault("parameters", {}).update(parameters)
    return data


# region centres for a world with geography: North and South a continent apart, East
# across the world (capitals of listed nations default to their region's centre)
REGION_LOCATIONS = {
    "North": {"latitude": 52.0, "longitude": 10.0},
    "South": {"latitude": 5.0, "longitude": 20.0},
    "East": {"latitude": 30.0, "longitude": 105.0},
}


def located_world(**changes) -> dict:
    """SMALL_WORLD with its regions placed on the map (`REGION_LOCATIONS`, nations spread
    over 2,500 km around each centre); keyword `parameters` merges as in `small_world`."""
    data = small_world(**changes)
    for region in data["regions"]:
        region.setdefault("location", REGION_LOCATIONS[region["name"]])
        region.setdefault("spread_km", 2500.0)
    return data


def build(**changes) -> Scenario:
    return scenario_from_dict(small_world(**changes))


@pytest.fixture
def small_scenario() -> Scenario:
    return build()
