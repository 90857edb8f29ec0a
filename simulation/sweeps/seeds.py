"""One scenario over several seeds, serially: the model tables of the runs, stacked.

    from simulation import load_scenario
    from simulation.sweeps.seeds import run_seeds
    model_runs = run_seeds(load_scenario("scenarios/world_1990.yaml"), seeds=5)

The runs are the scenario's seed, seed + 1, ..., each run by `run_scenario`, the same
loop as `run.py run`; the result is their `model` tables with a leading `seed` column.
A full sweep (design points, replicates, parallel workers, an output folder) is
`simulation.sweeps.orchestrator`; this is the small case the hindcast needs.
"""

from __future__ import annotations

from collections.abc import Callable

import pandas as pd

from simulation import run_scenario
from simulation.scenario import Scenario, scenario_from_dict
from simulation.tables import model_table


def seeds_of(scenario: Scenario, seeds: int) -> list[int]:
    """The seeds of `seeds` runs: the scenario's own, then the next ones."""
    return [scenario.seed + k for k in range(seeds)]


def run_seeds(
    scenario: Scenario, seeds: int, progress: Callable[[int], None] | None = None
) -> pd.DataFrame:
    """Run `scenario` once for each of `seeds` seeds (see `seeds_of`) and return the runs'
    model tables stacked, each row keyed by its run's `seed`. `progress(k)` is called
    after run k (1, 2, ...)."""
    if seeds < 1:
        raise ValueError(f"seeds: expected at least 1, got {seeds}")
    frames = []
    for k, seed in enumerate(seeds_of(scenario, seeds)):
        # rebuilt from its mapping, as a scenario file with this seed would be
        data = scenario.model_dump(mode="json")
        data["seed"] = seed
        result = run_scenario(scenario_from_dict(data, f"<{scenario.name}, seed {seed}>"))
        frame = model_table(result.model)
        frame.insert(0, "seed", seed)
        frames.append(frame)
        if progress is not None:
            progress(k + 1)
    return pd.concat(frames, ignore_index=True)
