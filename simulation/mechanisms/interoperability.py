"""Interoperability: forces that train together learn to operate together; unused, it fades."""

import numpy as np

from simulation.domain import MAX_DEPTH

# Share of interoperability lost per step between forces that no longer exercise together.
INTEROPERABILITY_DECAY = 0.1


def update_interoperability(
    interoperability: np.ndarray,
    exercise_depth: np.ndarray,
    *,
    gain: float,
    decay: float = INTEROPERABILITY_DECAY,
    pairs: tuple[np.ndarray, np.ndarray] | None = None,
) -> np.ndarray:
    """One step: dyads that exercise (`exercise_depth` > 0, the width of their training
    channel times depth) gain `gain` x exercise_depth/4 of the room left below 1;
    all others lose `decay` of what they had. Stays in [0, 1]. `pairs` may pass
    candidate dyads (a superset of the exercising ones, such as all tied dyads)."""
    rows, cols = np.nonzero(exercise_depth) if pairs is None else pairs  # few dyads
    # by flat position (i n + j): far faster than indexing by (row, column)
    dyads = rows * interoperability.shape[1] + cols
    kept = interoperability.ravel()[dyads]
    updated = np.multiply(interoperability, 1.0 - decay, order="C")  # its ravel is a view
    exercising = exercise_depth.ravel()[dyads]
    updated.ravel()[dyads] = np.where(
        exercising > 0, kept + gain * exercising / MAX_DEPTH * (1.0 - kept), kept * (1.0 - decay)
    )
    return np.clip(updated, 0.0, 1.0, out=updated)
