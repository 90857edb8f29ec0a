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

    The baseline of its region (or the nation's override), plus half the pressure
    of its rivals, plus shocks (escalated and scheduled crises) until they fade.
    Rival pressure is 1 - exp(-sum over rivals of intensity x the rival's share of
    the pair's capability): a stronger rival weighs more, an equal one still counts.
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
    return np.minimum(np.maximum(region_threat + 0.5 * rival_pressure + shock, 0.0), 1.0)
