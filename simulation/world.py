"""Building the initial world from a scenario: nations' attributes, rivalries, trust baselines."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from simulation.mechanisms.geography import place_around
from simulation.scenario import Scenario


@dataclass
class World:
    names: list[str]
    region_names: list[str]
    region: np.ndarray
    capability: np.ndarray
    sovereignty_sensitivity: np.ndarray
    policy_position: np.ndarray
    base_threat: np.ndarray
    rivalry: np.ndarray
    trust_baseline: np.ndarray
    # capitals in degrees, (N) each; None when the scenario gives no location at all
    latitude: np.ndarray | None = None
    longitude: np.ndarray | None = None


def build_world(scenario: Scenario, rng: np.random.Generator) -> World:
    """Listed nations as given, then each region's generated nations drawn from its
    distributions, in a fixed order so the same seed gives the same world.

    Locations are drawn last, and only when the scenario gives some, so a world without
    geography draws exactly what it drew before locations existed."""
    region_names = [r.name for r in scenario.regions]
    region_of = {name: k for k, name in enumerate(region_names)}
    names: list[str] = []
    region: list[int] = []
    capability: list[float] = []
    sensitivity: list[float] = []
    position: list[float] = []
    threat: list[float] = []
    for nation in scenario.nations:
        names.append(nation.name)
        region.append(region_of[nation.region])
        capability.append(nation.capability)
        sensitivity.append(nation.sovereignty_sensitivity)
        position.append(nation.policy_position)
        base = scenario.regions[region_of[nation.region]].threat
        threat.append(nation.threat if nation.threat is not None else base)
    listed = len(names)
    generated_names = scenario.nation_names()[listed:]
    cursor = 0
    for k, spec in enumerate(scenario.regions):
        count = spec.nations
        if count == 0:
            continue
        names.extend(generated_names[cursor : cursor + count])
        cursor += count
        region.extend([k] * count)
        capability.extend(
            spec.capability.median * np.exp(spec.capability.sigma * rng.standard_normal(count))
        )
        sensitivity.extend(
            _clipped(rng, spec.sovereignty_sensitivity.mean, spec.sovereignty_sensitivity.sd, count)
        )
        position.extend(_clipped(rng, spec.policy_position.mean, spec.policy_position.sd, count))
        threat.extend([spec.threat] * count)

    region_array = np.array(region, dtype=np.int64)
    same_region = region_array[:, None] == region_array[None, :]
    rivalry = _rivalries(scenario, names, same_region, rng)
    p = scenario.parameters
    closeness = 1.0 - np.abs(np.subtract.outer(position, position))
    baseline = np.where(same_region, p.initial_trust_within_region, p.initial_trust_across_regions)
    # like-minded states trust a little more, rivals a good deal less
    baseline = np.clip((baseline + 0.2 * (closeness - 0.5)) * (1.0 - 0.5 * rivalry), 0.0, 1.0)
    np.fill_diagonal(baseline, 1.0)
    latitude, longitude = _locations(scenario, rng) if scenario.has_geography() else (None, None)
    return World(
        names=names,
        region_names=region_names,
        region=region_array,
        capability=np.array(capability, dtype=np.float64),
        sovereignty_sensitivity=np.array(sensitivity, dtype=np.float64),
        policy_position=np.array(position, dtype=np.float64),
        base_threat=np.array(threat, dtype=np.float64),
        rivalry=rivalry,
        trust_baseline=baseline,
        latitude=latitude,
        longitude=longitude,
    )


def _locations(scenario: Scenario, rng: np.random.Generator) -> tuple[np.ndarray, np.ndarray]:
    """Capitals: a listed nation's own location, or else its region's; generated nations
    spread evenly over a disc of `spread_km` around their region's location. One draw of
    bearings and radii for all generated nations, in nation order."""
    centre = {r.name: r.location for r in scenario.regions}
    latitude: list[float] = []
    longitude: list[float] = []
    for nation in scenario.nations:
        location = nation.location if nation.location is not None else centre[nation.region]
        latitude.append(location.latitude)
        longitude.append(location.longitude)
    generated = sum(region.nations for region in scenario.regions)
    bearing_draws, radius_draws = rng.random((2, generated))
    cursor = 0
    for region in scenario.regions:
        if region.nations == 0:
            continue
        placed = slice(cursor, cursor + region.nations)
        cursor += region.nations
        lat, lon = place_around(
            region.location.latitude,
            region.location.longitude,
            region.spread_km,
            bearing_draws[placed],
            radius_draws[placed],
        )
        latitude.extend(lat)
        longitude.extend(lon)
    return np.array(latitude, dtype=np.float64), np.array(longitude, dtype=np.float64)


def _clipped(rng: np.random.Generator, mean: float, sd: float, count: int) -> np.ndarray:
    return np.clip(mean + sd * rng.standard_normal(count), 0.0, 1.0)


def _rivalries(
    scenario: Scenario, names: list[str], same_region: np.ndarray, rng: np.random.Generator
) -> np.ndarray:
    """Listed rivalries, plus random ones between neighbours: each pair of a region of m
    nations is rivals with chance rivals_per_nation / (m - 1), so a nation has that
    many rivals on average whatever the region's size."""
    n = len(names)
    draws = rng.random((n, n))
    intensity = 0.3 + 0.7 * rng.random((n, n))
    neighbours = np.maximum(same_region.sum(axis=1) - 1, 1)
    chance = np.minimum(scenario.parameters.rivals_per_nation / neighbours, 1.0)[:, None]
    random_rivals = np.triu(same_region & (draws < chance), 1)
    rivalry = np.where(random_rivals, intensity, 0.0)
    rivalry = rivalry + rivalry.T
    index = {name: i for i, name in enumerate(names)}
    for listed in scenario.rivalries:
        a, b = (index[name] for name in listed.nations)
        rivalry[a, b] = rivalry[b, a] = listed.intensity
    np.fill_diagonal(rivalry, 0.0)
    return rivalry
