"""What a run may not become: bounds that keep every number it reports finite.

Capabilities compound (`mechanisms.capability.grow_capability`), and the model holds
its N x N matrices in single precision, whose range ends near 3.4e38. Two guards keep
a run inside that range:

- before the run, `capability_outlook` refuses a scenario whose capabilities would
  compound past `CAPABILITY_CEILING` on their mean growth alone (the input makes the
  overflow inevitable: the scenario is refused, exit status 2);
- during the run, `check_capability` and `check_finite` stop a run whose numbers
  leave that range anyway (a run of unlucky shocks): a `SimulationError` names the
  quantity, the nation or column, and the step.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping

import numpy as np

# The largest capability a run may reach. Capabilities are in arbitrary units (only
# ratios and shares matter), so a world that reaches it has compounded growth far past
# anything the model's year-by-year reading could mean; well inside single precision,
# so pair sums and shares stay exact enough.
CAPABILITY_CEILING = 1e30
# Generated capabilities are lognormal: the largest of a region's draws is taken to lie
# within this many spreads (sigma) of the median (1 in 3.5 million beyond).
LOGNORMAL_TAIL = 5.0


class SimulationError(RuntimeError):
    """A run cannot go on: one line for the user, naming the quantity and the step."""


def capability_outlook(
    largest: float,
    steps: int,
    growth: float,
    surges: Iterable[float] = (),
) -> str | None:
    """Why a world whose largest capability is `largest` cannot run `steps` steps at
    mean log growth `growth` a step (with the scheduled capability surges' factors
    `surges`) without passing `CAPABILITY_CEILING`; None when it can.

    Only the mean growth counts: it alone makes the overflow inevitable. Technology
    transfer and random shocks add to it run by run, and are caught as they happen
    (`check_capability`).
    """
    rise = sum(math.log(factor) for factor in surges if factor > 1)
    log_end = math.log(largest) + rise + steps * max(growth, 0.0)
    if log_end <= math.log(CAPABILITY_CEILING):
        return None
    room = math.log(CAPABILITY_CEILING) - math.log(largest) - rise
    most = max(int(room / growth), 0) if growth > 0 else 0
    return (
        f"{steps} steps at capability_growth {growth:g} would compound the largest "
        f"capability to about 1e{log_end / math.log(10):.0f}, past the model's ceiling of "
        f"{CAPABILITY_CEILING:g}; at most {most} steps with these values, or a lower "
        "capability_growth"
    )


def check_capability(capability: np.ndarray, names: list[str], step: int) -> None:
    """Stop the run when a capability has left the range the model can represent."""
    largest = int(np.argmax(capability))
    value = capability[largest]
    if not value <= CAPABILITY_CEILING:  # also catches NaN
        raise SimulationError(
            f"step {step}: the capability of {names[largest]} reached {value:.3g}, past the "
            f"model's ceiling of {CAPABILITY_CEILING:g}: its growth compounded beyond what "
            "the model can represent (lower capability_growth, technology_transfer_rate or "
            "steps)"
        )


def check_finite(
    outcomes: Mapping[str, float | int],
    nation_columns: Mapping[str, np.ndarray],
    names: list[str],
    step: int,
) -> None:
    """Stop the run before it records a number that is not finite."""
    for column, value in outcomes.items():
        if not math.isfinite(value):
            raise SimulationError(
                f"step {step}: the outcome {column} is {value}, not a finite number"
            )
    for column, values in nation_columns.items():
        finite = np.isfinite(values)
        if not finite.all():
            where = int(np.flatnonzero(~finite)[0])
            raise SimulationError(
                f"step {step}: {column} of {names[where]} is {values[where]}, not a finite number"
            )
