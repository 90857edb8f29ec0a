"""One run of a sweep, as a worker executes it: never raises, always reports.

Each table a run keeps gets the run's identity and design values as leading
columns, so the per-run files concatenate into one tidy dataset.
"""

from __future__ import annotations

import time
import traceback
from dataclasses import dataclass, field
from typing import Any

import pandas as pd
import pyarrow as pa

from simulation.scenario import scenario_from_dict
from simulation.single_run import run_scenario
from simulation.sweeps.values import apply_sweep_values
from simulation.tables import TABLE_BUILDERS

IDENTITY = ("run_id", "scenario", "point", "replicate", "seed")


@dataclass(frozen=True)
class RunTask:
    """One run, self-contained and small enough to send to any worker: the base
    scenario as a raw mapping, the design point's values, the replicate's seed."""

    run_id: str
    scenario: str
    point: int
    replicate: int
    seed: int
    values: dict[str, Any]
    scenario_data: dict = field(repr=False)
    source: str = ""
    tables: tuple[str, ...] = ("model",)


@dataclass
class RunOutcome:
    run_id: str
    status: str  # "ok" or "failed"
    error: str
    wall_seconds: float
    # Arrow tables: converted in the worker, so the process writing files does less
    tables: dict[str, pa.Table] = field(default_factory=dict, repr=False)


def execute_run(task: RunTask) -> RunOutcome:
    """Run one (scenario, design point, replicate); a failure comes back as a record."""
    started = time.perf_counter()
    try:
        overrides = {**task.values, "seed": task.seed}
        scenario = scenario_from_dict(
            apply_sweep_values(task.scenario_data, overrides, task.source), task.source
        )
        # the same build-and-step loop as `run.py run`, so a sweep's run is that run
        model = run_scenario(scenario).model
        tables = {
            name: pa.Table.from_pandas(
                identified(TABLE_BUILDERS[name](model), task), preserve_index=False
            )
            for name in task.tables
        }
    except Exception as error:  # noqa: BLE001 - a failed run is data, not a crash
        return RunOutcome(
            task.run_id, "failed", describe_failure(error), time.perf_counter() - started
        )
    return RunOutcome(task.run_id, "ok", "", time.perf_counter() - started, tables)


def identified(frame: pd.DataFrame, task: RunTask) -> pd.DataFrame:
    """`frame` with the run's identity and design values as leading columns."""
    leading = {
        "run_id": task.run_id,
        "scenario": task.scenario,
        "point": task.point,
        "replicate": task.replicate,
        "seed": task.seed,
        **task.values,
    }
    identity = pd.DataFrame({key: [value] * len(frame) for key, value in leading.items()})
    return pd.concat([identity, frame.reset_index(drop=True)], axis=1)


def describe_failure(error: BaseException) -> str:
    """One line: the exception, and where in the project it was raised."""
    frames = [f for f in traceback.extract_tb(error.__traceback__) if "/simulation/" in f.filename]
    where = f" (at {frames[-1].filename.rsplit('/', 1)[-1]}:{frames[-1].lineno})" if frames else ""
    return f"{type(error).__name__}: {error}{where}".replace("\n", " ")
