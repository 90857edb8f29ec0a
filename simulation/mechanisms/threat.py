"""Threat perception: the region's threat environment, rivals' capability, and shocks."""

import numpy as np


def perceived_threat(
    region_threat: np.ndarray,
    rivalry: np.ndarray,
    capability: np.ndarray,
    shock: np.ndarray,
    rival_pairs: tuple[np.ndarray, np.ndarray] | None = None,
) -> np.ndarray:
    """Each nation's threat perception in [0, 1].

    Half comes from the baseline of its region (and any overrides), a rival adds
    in proportion to its intensity and to how far it outweighs the nation, and
    shocks (escalated crises, scheduled crises) add on top until they fade.
    `rival_pairs` may pass the rival dyads (i < j) when already at hand.
    """
    first, second = np.nonzero(np.triu(rivalry, 1)) if rival_pairs is None else rival_pairs
    intensity = rivalry[first, second]
    total = capability[first] + capability[second]
    pressure = np.bincount(first, intensity * capability[second] / total, minlength=capability.size)
    pressure += np.bincount(
        second, intensity * capability[first] / total, minlength=capability.size
    )
    rival_pressure = 1.0 - np.exp(-pressure)
    return np.clip(region_threat + 0.5 * rival_pressure + shock, 0.0, 1.0)
