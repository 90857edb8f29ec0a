"""Where each nation sits in the network picture: a seeded layout that never moves.

Regions sit on a circle; each region's nations form a disc around its centre, the
strongest nearest the middle. The positions depend only on the regions, the
capabilities at the start and the seed, so nothing jumps between steps, and the
layout costs microseconds even at a thousand nations (a spring layout takes
seconds at a few hundred and moves every time it is recomputed).
"""

from __future__ import annotations

import numpy as np


def region_layout(region: np.ndarray, capability: np.ndarray, seed: int) -> np.ndarray:
    """(N, 2) positions in [-1, 1]^2: nations clustered by region code `region`."""
    rng = np.random.default_rng(seed)
    n = region.size
    positions = np.zeros((n, 2))
    codes = np.unique(region)
    count = codes.size
    ring = 0.0 if count == 1 else 0.62
    spread = 0.35 if count == 1 else min(0.33, 2.2 / count)
    for k, code in enumerate(codes):
        angle = 2 * np.pi * k / count + np.pi / 2
        centre = ring * np.array([np.cos(angle), np.sin(angle)])
        members = np.flatnonzero(region == code)
        # strongest first, placed on a sunflower spiral: evenly spread, never overlapping
        order = members[np.argsort(-capability[members], kind="stable")]
        index = np.arange(order.size)
        radius = spread * np.sqrt((index + 0.5) / order.size)
        theta = index * np.pi * (3 - np.sqrt(5)) + rng.uniform(0, 2 * np.pi)
        positions[order, 0] = centre[0] + radius * np.cos(theta)
        positions[order, 1] = centre[1] + radius * np.sin(theta)
    return positions
