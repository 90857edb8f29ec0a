"""Design points and replicate seeds: pure functions of the sweep and its root seed.

Every design maps a unit sample (one row a point, one column a parameter, values
in [0, 1]) through each axis: a range or uniform draw linearly, a loguniform one
in log space, a normal one through its quantile function, a list of values by
index. Sobol and Morris samples come from SALib on the unit cube, so sensitivity
indices are computed on the same matrix the runs were made from.
"""

from __future__ import annotations

import itertools
import math
from typing import Any

import numpy as np
from scipy import stats
from scipy.stats import qmc

from simulation.sweeps.spec import Axis, Sweep

# a normal axis maps u through its quantile function: keep u off 0 and 1
_OPEN_UNIT = 1e-12


def replicate_seeds(root: int, replicates: int) -> list[int]:
    """Seed of each replicate, the same for every design point and scenario (common
    random numbers). Replicate k's seed depends only on the root seed and k."""
    children = np.random.SeedSequence(root).spawn(2)[1].spawn(replicates)
    # 63 bits: a scenario seed is a non-negative 64-bit signed integer
    return [int(child.generate_state(1, np.uint64)[0] >> np.uint64(1)) for child in children]


def design_seed(root: int) -> int:
    """Seed of the design's own sampling (latin hypercube, Sobol scrambling, Morris)."""
    child = np.random.SeedSequence(root).spawn(2)[0]
    return int(child.generate_state(1, np.uint64)[0] >> np.uint64(1))


def unit_sample(sweep: Sweep, root: int) -> np.ndarray | None:
    """The design's sample on the unit cube (None for a grid, which has none)."""
    names = list(sweep.parameters)
    seed = design_seed(root)
    if sweep.design == "grid":
        return None
    if sweep.design == "latin_hypercube":
        return qmc.LatinHypercube(d=len(names), seed=np.random.default_rng(seed)).random(
            sweep.samples
        )
    problem = unit_problem(names)
    if sweep.design == "sobol":
        from SALib.sample import sobol

        return sobol.sample(problem, sweep.samples, calc_second_order=sweep.second_order, seed=seed)
    from SALib.sample import morris

    return morris.sample(problem, sweep.samples, num_levels=sweep.levels, seed=seed)


def unit_problem(names: list[str]) -> dict[str, Any]:
    """SALib's problem definition on the unit cube."""
    return {"num_vars": len(names), "names": names, "bounds": [[0.0, 1.0]] * len(names)}


def design_size(sweep: Sweep) -> int:
    """How many points the design has, counted without drawing or listing them, so a
    design too big to hold can be refused before it is built."""
    dimensions = len(sweep.parameters)
    if sweep.design == "grid":
        return math.prod(len(grid_values(axis)) for axis in sweep.parameters.values())
    if sweep.design == "latin_hypercube":
        return sweep.samples
    if sweep.design == "sobol":
        return sweep.samples * (2 * dimensions + 2 if sweep.second_order else dimensions + 2)
    return sweep.samples * (dimensions + 1)  # morris: trajectories of D + 1 points


def reach(axis: Axis) -> list[Any]:
    """The values at the ends of what the axis can produce, to check against the
    scenario before anything runs. A normal axis reaches as far as its quantile
    function goes on the open unit interval the design uses (about 7 sd either side
    of its mean), not only its mean: every draw lies between those two values."""
    if axis.distribution == "normal":
        return [from_unit(axis, 0.0), from_unit(axis, 1.0)]
    return axis.representatives()


def design_points(sweep: Sweep, root: int) -> list[dict[str, Any]]:
    """Every design point as {parameter: value}, in design order."""
    names = list(sweep.parameters)
    if sweep.design == "grid":
        levels = [grid_values(sweep.parameters[name]) for name in names]
        return [dict(zip(names, combination)) for combination in itertools.product(*levels)]
    sample = unit_sample(sweep, root)
    return [
        {name: from_unit(sweep.parameters[name], u) for name, u in zip(names, row)}
        for row in sample
    ]


def grid_values(axis: Axis) -> list[Any]:
    if axis.values is not None:
        return [listed(axis, value) for value in axis.values]
    low, high = axis.range
    values = [axis.cast(v) for v in np.linspace(low, high, axis.points).tolist()]
    return list(dict.fromkeys(values))  # rounding to integers may repeat a value


def from_unit(axis: Axis, u: float) -> Any:
    """The axis value at quantile `u` of its range, distribution or list."""
    u = float(u)
    if axis.values is not None:
        return listed(axis, axis.values[min(int(u * len(axis.values)), len(axis.values) - 1)])
    if axis.distribution == "normal":
        u = min(max(u, _OPEN_UNIT), 1.0 - _OPEN_UNIT)
        return axis.cast(axis.mean + axis.sd * float(stats.norm.ppf(u)))
    low, high = axis.bounds
    if axis.integer and axis.distribution != "loguniform":
        # every whole number in [low, high] equally likely (rounding would halve the ends)
        first, last = math.ceil(low), math.floor(high)
        return int(min(first + math.floor(u * (last - first + 1)), last))
    if axis.distribution == "loguniform":
        value = math.exp(math.log(low) + u * (math.log(high) - math.log(low)))
    else:
        value = low + u * (high - low)
    # rounding can step a hair past an end (exp(log(5)) > 5), and past the parameter's limit
    return axis.cast(min(max(value, low), high))


def listed(axis: Axis, value: Any) -> Any:
    """A listed value as given (rounded on an integer axis)."""
    is_number = isinstance(value, int | float) and not isinstance(value, bool)
    return axis.cast(value) if axis.integer and is_number else value
