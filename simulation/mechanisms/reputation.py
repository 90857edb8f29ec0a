"""Soft power: standing earned through partners and capability, and kept promises."""

from __future__ import annotations

import numpy as np

# Share of the gap to its target that reputation closes each step
REPUTATION_DRIFT = 0.1
# Share of the gap to 1 an ally's reputation gains by honouring a call
HONOUR_GAIN = 0.05


def reputation_target(
    degree: np.ndarray, capability: np.ndarray, states: np.ndarray | None = None
) -> np.ndarray:
    """Where reputation drifts: a quarter for everyone, up to a half more for being a
    hub (partners against the mean, saturating), up to a quarter for capability
    (against the strongest). `states` (N bool): the states in the system, whose mean
    degree and strongest capability are the yardsticks, when not all nations are."""
    degree = degree.astype(np.float64)
    if states is None:
        mean_degree, strongest = degree.mean(), capability.max()
    else:
        mean_degree, strongest = degree[states].mean(), capability[states].max()
    hub = degree / (degree + mean_degree + 1.0)
    return 0.25 + 0.5 * hub + 0.25 * capability / strongest


def drift_reputation(reputation: np.ndarray, target: np.ndarray) -> np.ndarray:
    return reputation + REPUTATION_DRIFT * (target - reputation)


def reputation_after_call(
    reputation: np.ndarray, honoured: np.ndarray, reneged: np.ndarray, reneging_penalty: float
) -> np.ndarray:
    """Allies who honoured a call (indices `honoured`) gain standing; those who reneged
    (`reneged`) lose the share `reneging_penalty` of theirs."""
    after = reputation.copy()
    after[honoured] += HONOUR_GAIN * (1.0 - after[honoured])
    after[reneged] *= 1.0 - reneging_penalty
    return after
