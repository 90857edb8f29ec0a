"""The pieces pyabc's ABC-SMC needs, made for this model: the prior from a sweep file's
parameter ranges, the simulator, the distance, and a sampler whose output depends only
on the seed (analysis.calibration puts them together).

**Reproducibility.** pyabc draws every proposal from numpy's global random state, and its
parallel samplers reseed that state from the operating system in each worker, so two
runs differ. `SeededSampler` instead gives the k-th particle of the c-th sampling round
its own seed, derived from the calibration seed, c and k (numpy.random.SeedSequence),
and samples that particle (proposals until one is accepted) from that seed alone; the
particles come back in order of k. The model's seed is derived from the particle's
parameter values, its replicate and the calibration seed (`particle_seed`), so a
simulation does not depend on where or when it runs. Hence: the same sweep file, seed
and options give the same generations, particles, weights, distances and thresholds
whether the particles run in this process, in local worker processes or on a Dask
cluster. What differs between runs is only what pyabc records about time (the
database's timestamps and durations).
"""

from __future__ import annotations

import functools
import math
import random
from collections.abc import Callable, Sequence
from typing import Any

import numpy as np
import pandas as pd

from analysis.hindcast import ALL_MEASURES, SCALE_FLOOR, START_YEAR, measures_from_model
from analysis.network import structure_measures

# a seed for the model: below 2**32, which every backend and the scenario schema take
SEED_BITS = 32


class PriorError(ValueError):
    """A sweep axis that cannot be a prior for ABC-SMC; one line for the user."""


# --- the prior -----------------------------------------------------------------------------


def prior_of(axes: dict[str, Any]) -> tuple[Any, Any, dict[str, tuple[float, float]]]:
    """pyabc's prior and perturbation kernel for the sweep's axes, and each parameter's
    bounds (low, high) for reports.

    - `range: [a, b]` or `distribution: uniform`: uniform on [a, b];
    - `distribution: loguniform`: log-uniform on [low, high];
    - `distribution: normal`: normal(mean, sd);
    - a whole-number axis (a range of an integer parameter, `integer: true`): equally
      likely whole numbers from low to high, perturbed by discrete jumps;
    - `values: [...]` of whole numbers: equally likely among them, discrete jumps.
    Continuous parameters share one multivariate normal kernel (pyabc's default)."""
    import pyabc

    priors, discrete, bounds = {}, {}, {}
    for name, axis in axes.items():
        if axis.values is not None:
            numbers = [v for v in axis.values if isinstance(v, int) and not isinstance(v, bool)]
            if len(numbers) != len(axis.values):
                raise PriorError(
                    f"parameter {name}: calibrate takes a list of whole numbers, a range or a "
                    "distribution as a prior, not a list of other values"
                )
            domain = np.array(sorted(set(numbers)), dtype=float)
            probabilities = np.full(len(domain), 1 / len(domain))
            priors[name] = pyabc.RV("rv_discrete", values=(domain, probabilities))
            discrete[name] = domain
            bounds[name] = (float(domain[0]), float(domain[-1]))
        elif axis.integer:
            low, high = (int(math.ceil(b)) for b in axis.bounds) if axis.bounds else (None, None)
            if low is None:
                raise PriorError(f"parameter {name}: a whole-number prior needs a range")
            low, high = int(math.ceil(axis.bounds[0])), int(math.floor(axis.bounds[1]))
            priors[name] = pyabc.RV("randint", low, high + 1)
            discrete[name] = np.arange(low, high + 1, dtype=float)
            bounds[name] = (float(low), float(high))
        elif axis.distribution == "loguniform":
            priors[name] = pyabc.RV("loguniform", axis.low, axis.high)
            bounds[name] = (axis.low, axis.high)
        elif axis.distribution == "normal":
            priors[name] = pyabc.RV("norm", axis.mean, axis.sd)
            bounds[name] = (axis.mean - 3 * axis.sd, axis.mean + 3 * axis.sd)
        else:
            low, high = axis.bounds
            priors[name] = pyabc.RV("uniform", low, high - low)
            bounds[name] = (low, high)
    mapping: dict = {
        name: pyabc.DiscreteJumpTransition(domain) for name, domain in discrete.items()
    }
    continuous = tuple(name for name in axes if name not in discrete)
    if continuous:
        mapping[continuous] = pyabc.MultivariateNormalTransition()
    return pyabc.Distribution(**priors), pyabc.AggregatedTransition(mapping), bounds


# --- seeds ---------------------------------------------------------------------------------


def particle_seed(seed: int, parameters: dict[str, float], replicate: int) -> int:
    """The model's seed for one replicate of one particle: a function of the calibration
    seed, the replicate and the exact parameter values (their 64 bits, by name), so the
    same particle gets the same run wherever and whenever it is simulated."""
    bits = [int(np.float64(parameters[name]).view(np.uint64)) for name in sorted(parameters)]
    words = [seed, replicate]
    for value in bits:  # SeedSequence takes nonnegative integers: split into 32-bit words
        words += [value & 0xFFFFFFFF, value >> 32]
    return int(np.random.SeedSequence(words).generate_state(1, np.uint32)[0])


def round_seed(seed: int, round_index: int, item: int) -> int:
    """The seed of the `item`-th task of sampling round `round_index` (item -1: the main
    process's state after the round)."""
    sequence = np.random.SeedSequence([seed, round_index, item + 1])
    return int(sequence.generate_state(1, np.uint32)[0])


# --- the simulator -------------------------------------------------------------------------


def run_tables(
    scenario_data: dict, values: dict[str, Any], seed: int, steps: int, source: str = ""
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """One run of the scenario with `values` set (dotted paths as for --set), the seed
    and the number of steps: its model table and its structure measures."""
    from simulation.scenario import apply_scenario_overrides, scenario_from_dict
    from simulation.single_run import run_scenario
    from simulation.tables import agreements_table, model_table, nations_table

    overrides = {**values, "seed": int(seed), "steps": int(steps)}
    scenario = scenario_from_dict(
        apply_scenario_overrides(scenario_data, overrides, source), source or "<calibration>"
    )
    model = run_scenario(scenario).model
    structure = structure_measures(
        agreements_table(model), nations_table(model), steps=int(steps), start_year=START_YEAR
    )
    return model_table(model), structure


class Simulator:
    """The model as pyabc's simulator: a particle's parameters in, the measures over the
    fit years out (the mean over `replicates` runs, NaN values left out), as
    {measure: array over the years}. Picklable, so it runs in any worker."""

    def __init__(
        self,
        scenario_data: dict,
        source: str,
        seed: int,
        steps: int,
        replicates: int,
        nations: int,
        integers: Sequence[str],
        measures: Sequence[str],
        years: Sequence[int],
    ):
        self.scenario_data = scenario_data
        self.source = source
        self.seed = seed
        self.steps = steps
        self.replicates = replicates
        self.nations = nations
        self.integers = set(integers)
        self.measures = list(measures)
        self.years = list(years)

    def values(self, parameters: dict[str, float]) -> dict[str, Any]:
        return {
            name: int(round(value)) if name in self.integers else float(value)
            for name, value in parameters.items()
        }

    def __call__(self, parameters: dict[str, float]) -> dict[str, np.ndarray]:
        parameters = dict(parameters)
        values = self.values(parameters)
        frames = []
        for replicate in range(self.replicates):
            seed = particle_seed(self.seed, parameters, replicate)
            model, structure = run_tables(self.scenario_data, values, seed, self.steps, self.source)
            model.insert(0, "replicate", replicate)
            structure.insert(0, "replicate", replicate)
            frames.append(
                measures_from_model(model, self.nations, structure=structure.drop(columns="year"))
            )
        runs = pd.concat(frames, ignore_index=True)
        means = runs[runs["year"].isin(self.years)].groupby("year")[self.measures].mean()
        means = means.reindex(self.years)
        return {measure: means[measure].to_numpy(dtype=float) for measure in self.measures}


# --- the distance --------------------------------------------------------------------------


class Distance:
    """The hindcast distance on the fit years (analysis.hindcast.score): per measure, the
    RMSE over the years with an observed value, normalised by the mean observed level
    (floored by SCALE_FLOOR); a year without a simulated value counts as an error of the
    whole scale; then the mean over measures."""

    def __init__(self, observed: dict[str, np.ndarray]):
        self.scales = {}
        for measure, values in observed.items():
            known = values[~np.isnan(values)]
            scale = max(
                float(np.abs(known).mean()) if len(known) else 0.0, SCALE_FLOOR.get(measure, 0.0)
            )
            self.scales[measure] = scale or 1.0

    def per_measure(self, simulated: dict, observed: dict) -> dict[str, float]:
        result = {}
        for measure, scale in self.scales.items():
            target = np.asarray(observed[measure], dtype=float)
            known = ~np.isnan(target)
            if not known.any():
                continue
            error = np.asarray(simulated[measure], dtype=float)[known] - target[known]
            error = np.where(np.isnan(error), scale, error)
            result[measure] = float(np.sqrt(np.mean(error**2)) / scale)
        return result

    def __call__(self, simulated: dict, observed: dict) -> float:
        return float(np.mean(list(self.per_measure(simulated, observed).values())))


def observed_summary(
    observed: pd.DataFrame, measures: Sequence[str], years: Sequence[int]
) -> dict[str, np.ndarray]:
    """The observed measures over the fit years, as the simulator returns them."""
    frame = observed.set_index("year").reindex(list(years))
    return {m: frame[m].to_numpy(dtype=float) for m in measures if m in ALL_MEASURES}


# --- a sampler whose output depends only on the seed ---------------------------------------


def _sample_one(simulate_one: bytes, seed: int):
    """One task: proposals from `seed` alone until one particle is accepted."""
    import cloudpickle
    from pyabc.population import Sample

    simulate = cloudpickle.loads(simulate_one)
    np.random.seed(seed)  # noqa: NPY002 - pyabc draws from the global state
    random.seed(seed)
    sample = Sample(record_rejected=False)
    evaluations = 0
    while True:
        particle = simulate()
        evaluations += 1
        sample.append(particle)
        if particle.accepted:
            return sample, evaluations


def _make_seeded_sampler():
    from pyabc.sampler import Sampler

    class SeededSampler(Sampler):
        """pyabc sampler: task k of round c gets seed `round_seed(seed, c, k)` and
        samples until it has one accepted particle; tasks run through `map_` (the
        built-in map, a process pool's map, a Dask client's map) and come back in order,
        so the population does not depend on where they ran (module notes)."""

        def __init__(self, seed: int, map_: Callable = map):
            super().__init__()
            self.seed = seed
            self.map_ = map_
            self.rounds = 0

        def sample_until_n_accepted(
            self, n, simulate_one, t, *, max_eval=np.inf, all_accepted=False, ana_vars=None
        ):
            import cloudpickle

            round_index = self.rounds
            self.rounds += 1
            packed = cloudpickle.dumps(simulate_one)
            seeds = [round_seed(self.seed, round_index, k) for k in range(n)]
            results = list(self.map_(functools.partial(_sample_one, packed), seeds))
            sample = self._create_empty_sample()
            evaluations = 0
            for part, count in results:
                sample += part
                evaluations += count
            self.nr_evaluations_ = evaluations
            # the main process's own draws, if any, do not depend on where tasks ran
            np.random.seed(round_seed(self.seed, round_index, -1))  # noqa: NPY002
            random.seed(round_seed(self.seed, round_index, -1))
            return sample

    return SeededSampler


def seeded_sampler(seed: int, map_: Callable = map):
    return _make_seeded_sampler()(seed, map_)
