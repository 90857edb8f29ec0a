"""Running a scenario: build the model, step it, hand back the model with its tables."""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass

import pandas as pd

from simulation.model import DefenseCooperationModel
from simulation.scenario import Scenario
from simulation.tables import all_tables


@dataclass
class RunResult:
    scenario: Scenario
    model: DefenseCooperationModel
    wall_seconds: float

    def tables(self) -> dict[str, pd.DataFrame]:
        return all_tables(self.model)


def run_scenario(scenario: Scenario, progress: Callable[[int], None] | None = None) -> RunResult:
    """Run `scenario.steps` steps; `progress(step)` is called after each one."""
    started = time.perf_counter()
    model = DefenseCooperationModel(scenario)
    for _ in range(scenario.steps):
        model.step()
        if progress is not None:
            progress(model.steps)
    return RunResult(scenario, model, time.perf_counter() - started)
