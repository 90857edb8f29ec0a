"""Threat perception: the region's threat environment, rivals' capability, and shocks."""

import numpy as np


def perceived_threat(
    region_threat: np.ndarray,
    rivalry: np.ndarray,
    capability: np.ndarray,
    shock: np.ndarray,
) -> np.ndarray:
    """Each nation's threat perception in [0, 1].

    Half comes from the baseline of its region (and any overrides), a rival adds
    in proportion to its intensity and to how far it outweighs the nation, and
    shocks (escalated crises, scheduled crises) add on top until they fade.
    """
    share = capability[None, :] / (capability[:, None] + capability[None, :])
    rival_pressure = 1.0 - np.exp(-(rivalry * share).sum(axis=1))
    return np.clip(region_threat + 0.5 * rival_pressure + shock, 0.0, 1.0)
