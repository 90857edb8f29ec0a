"""Changes scheduled over time, phased in linearly: a shift of threat or sovereignty
sensitivity, or a new value of a model parameter, spread over `over` steps.

Real shifts take years (the end of the Cold War reshaped threat perceptions from
1989 to the mid-1990s); a change spread over several steps represents that instead
of a jump.
"""

from __future__ import annotations

import math


def phased_delta(delta: float, over: int) -> float:
    """The share of a shift applied at each of its `over` steps: delta / over, so the
    steps S .. S + over - 1 together add the whole delta."""
    return delta / over


def phased_value(start: float, target: float, over: int, done: int, integer: bool) -> float | int:
    """A parameter's value after `done` of the `over` steps of its change (1 at the
    change's first step, `over` at its last, when it reaches `target`): linear from
    `start`, rounded to the nearest whole number (halves up) for an integer parameter."""
    value = target if done >= over else start + (target - start) * done / over
    return math.floor(value + 0.5) if integer else value
