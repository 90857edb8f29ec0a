"""What each model outcome is, for the statistics and figures that read it: the range
it can take (docs/MODEL.md 9.1), and which columns are rates of two counts.

A rate of two counts (`conflict_prevention_rate` = `conflicts_prevented / crises`) is
recorded per step, and a step without a crisis records 1. Averaging that column over
steps counts every quiet step as a crisis prevented, so wherever one number stands for
a run, a replicate or a group, the analysis pools the counts instead: prevented over
crises summed over the same steps.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np


@dataclass(frozen=True)
class PooledRate:
    """A model column that is `numerator / denominator` of two counted columns."""

    numerator: str
    denominator: str


POOLED_RATES: dict[str, PooledRate] = {
    "conflict_prevention_rate": PooledRate("conflicts_prevented", "crises"),
}

UNIT = (0.0, 1.0)
COUNT = (0.0, math.inf)
# The range of each model column (docs/MODEL.md 9.1): a band or an interval drawn for
# it is clipped to this, since the measure cannot leave it whatever the noise.
MEASURE_BOUNDS: dict[str, tuple[float, float]] = {
    "stability_index": UNIT,
    "conflict_prevention_rate": UNIT,
    "network_density": UNIT,
    "transitivity": UNIT,
    "mean_trust": UNIT,
    "capability_gini": UNIT,
    "sovereignty_tension": UNIT,
    "mean_interoperability": UNIT,
    "mean_reputation": UNIT,
    "mean_depth": (0.0, 4.0),
    **dict.fromkeys(
        (
            "states",
            "crises",
            "crises_militarised",
            "conflicts_prevented",
            "conflicts_escalated",
            "active_agreements",
            "bilateral_agreements",
            "multilateral_agreements",
            "signings",
            "joinings",
            "deepenings",
            "downgrades",
            "renewals",
            "exits",
            "mean_degree",
            "max_degree",
            "nations_with_agreements",
            "components",
            "allies_called",
            "allies_honoured",
            "allies_reneged",
            "allies_in_fatal_crises",
            "environmental_agreements",
        ),
        COUNT,
    ),
}
# The outcomes a report and `run.py compare` show first, each with how a run is reduced
# to one number: its mean over the steps (a rate pooled), or its final value
KEY_OUTCOMES: tuple[tuple[str, str], ...] = (
    ("stability_index", "mean"),
    ("conflict_prevention_rate", "mean"),
    ("conflicts_escalated", "mean"),
    ("active_agreements", "final"),
    ("mean_depth", "final"),
    ("network_density", "final"),
    ("exits", "mean"),
)
# Sensitivity indices are shares of variance; Morris' effects are not bounded above
INDEX_BOUNDS = UNIT


def bounds(metric: str) -> tuple[float, float]:
    """The range `metric` can take; (-inf, inf) for a column this table does not know."""
    return MEASURE_BOUNDS.get(metric, (-math.inf, math.inf))


def clip_to(values: np.ndarray, limits: tuple[float, float]) -> np.ndarray:
    """`values` clipped to `limits`, NaN kept (an undefined value stays undefined)."""
    return np.clip(np.asarray(values, dtype=float), limits[0], limits[1])


def describe_statistic(metric: str, statistic: str, short: bool = False) -> str:
    """How a run is reduced to one number, in words for headings (`short`: for a
    table's column heads)."""
    if metric in POOLED_RATES and short:
        return "pooled over a run" if statistic == "mean" else "pooled, final step"
    if metric in POOLED_RATES:
        rate = POOLED_RATES[metric]
        over = "over a run" if statistic == "mean" else "in the final step"
        return f"{rate.numerator} / {rate.denominator} {over}"
    return "mean over a run" if statistic == "mean" else "final value"
