"""Geography: where capitals lie, how far apart they are, and what distance does to affinity.

Distances are great-circle (haversine) distances between capitals on a sphere of the
Earth's mean radius, in km. Interaction between states falls with distance: gravity
models of trade, alliance and cooperation find it again and again. So proximity is
`exp(-distance / scale)`: 1 between neighbours, halving every `scale · ln 2` km.
"""

from __future__ import annotations

import numpy as np

EARTH_RADIUS_KM = 6371.0088  # mean radius (IUGG)

# A client next door is worth this share of a client far away to a great power's
# influence: basing, power projection and arms markets are worth most far from home,
# where the power has no other foothold.
NEAR_CLIENT_SHARE = 0.5


def great_circle_distance(latitude: np.ndarray, longitude: np.ndarray) -> np.ndarray:
    """[i, j] = great-circle distance in km between points i and j (degrees in).

    The haversine form: accurate for points close together as well as far apart.
    Symmetric, 0 on the diagonal.
    """
    phi = np.radians(np.asarray(latitude, dtype=np.float64))
    lam = np.radians(np.asarray(longitude, dtype=np.float64))
    half_dphi = 0.5 * (phi[:, None] - phi[None, :])
    half_dlam = 0.5 * (lam[:, None] - lam[None, :])
    haversine = np.sin(half_dphi) ** 2 + np.cos(phi)[:, None] * np.cos(phi)[None, :] * (
        np.sin(half_dlam) ** 2
    )
    distance = 2.0 * EARTH_RADIUS_KM * np.arcsin(np.sqrt(np.clip(haversine, 0.0, 1.0)))
    np.fill_diagonal(distance, 0.0)
    return distance


def destination(
    latitude: np.ndarray | float,
    longitude: np.ndarray | float,
    bearing: np.ndarray,
    distance_km: np.ndarray,
) -> tuple[np.ndarray, np.ndarray]:
    """The point reached from (latitude, longitude) going `distance_km` along a great
    circle at `bearing` (radians clockwise from north); degrees in and out, longitude
    in [-180, 180)."""
    phi = np.radians(latitude)
    lam = np.radians(longitude)
    angle = np.asarray(distance_km, dtype=np.float64) / EARTH_RADIUS_KM
    bearing = np.asarray(bearing, dtype=np.float64)
    sin_phi2 = np.sin(phi) * np.cos(angle) + np.cos(phi) * np.sin(angle) * np.cos(bearing)
    phi2 = np.arcsin(np.clip(sin_phi2, -1.0, 1.0))
    lam2 = lam + np.arctan2(
        np.sin(bearing) * np.sin(angle) * np.cos(phi), np.cos(angle) - np.sin(phi) * sin_phi2
    )
    longitude2 = (np.degrees(lam2) + 180.0) % 360.0 - 180.0
    return np.degrees(phi2), longitude2


def place_around(
    latitude: float,
    longitude: float,
    spread_km: float,
    bearing_draws: np.ndarray,
    radius_draws: np.ndarray,
) -> tuple[np.ndarray, np.ndarray]:
    """Points spread evenly over a disc of radius `spread_km` around a centre, from
    uniform draws in [0, 1): the bearing is 2π u, the distance spread · sqrt(v) (the
    square root makes the density even over the disc, not heaped at its centre)."""
    bearing = 2.0 * np.pi * np.asarray(bearing_draws, dtype=np.float64)
    distance = spread_km * np.sqrt(np.asarray(radius_draws, dtype=np.float64))
    return destination(latitude, longitude, bearing, distance)


def proximity(distance: np.ndarray, scale_km: float) -> np.ndarray:
    """exp(-distance / scale), in (0, 1]: 1 at distance 0, 1/e at `scale_km`."""
    return np.exp(-np.asarray(distance) / scale_km)


def client_distance_value(proximity_matrix: np.ndarray) -> np.ndarray:
    """[i, j] = what a client at j's distance is worth to i's influence, relative to a
    client far away: NEAR_CLIENT_SHARE next door, rising to 1 with distance."""
    return 1.0 - (1.0 - NEAR_CLIENT_SHARE) * proximity_matrix
