"""Shared pieces of the sweep tests: a tiny world on disk, and run functions that fail,
crash or are interrupted on cue. The run functions live at module level so that
worker processes can import them."""

from __future__ import annotations

import os
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from simulation.sweeps.task import (  # noqa: E402
    RunOutcome,
    RunTask,  # noqa: E402
    execute_run,
)
from tests.cli_support import TINY  # noqa: E402

# the run the functions below single out: a design point in the middle of a sweep
TARGET = "tiny-p00002-r000"


def write_world(folder: Path) -> Path:
    """The ten-nation scenario `tiny` (6 steps, seed 7) and a copy named `tiny_b`."""
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "tiny.yaml").write_text(TINY)
    (folder / "tiny_b.yaml").write_text(TINY.replace("name: tiny\n", "name: tiny_b\n", 1))
    return folder


def write_sweep(folder: Path, text: str, name: str = "sweep.yaml") -> Path:
    path = folder / name
    path.write_text(text)
    return path


def fail_target(task: RunTask) -> RunOutcome:
    """execute_run, except that the target run raises."""
    if task.run_id == TARGET:
        raise RuntimeError(f"deliberate failure in {task.run_id}")
    return execute_run(task)


def failed_target(task: RunTask) -> RunOutcome:
    """execute_run, except that the target run comes back failed (as execute_run reports)."""
    if task.run_id == TARGET:
        return RunOutcome(task.run_id, "failed", "RuntimeError: deliberate failure", 0.0)
    return execute_run(task)


def kill_worker_on_target(task: RunTask) -> RunOutcome:
    """execute_run, except that the worker process running the target run dies at once."""
    if task.run_id == TARGET:
        os._exit(1)
    return execute_run(task)


def interrupt_on_target(task: RunTask) -> RunOutcome:
    """execute_run, except that Ctrl-C arrives while the target run is running."""
    if task.run_id == TARGET:
        raise KeyboardInterrupt
    return execute_run(task)


class _InterruptedWrite:
    """A table whose writing is cut short by Ctrl-C (the writer reads its schema first)."""

    def __init__(self, table):
        self.table = table

    @property
    def schema(self):
        raise KeyboardInterrupt


def interrupt_writing_events(task: RunTask) -> RunOutcome:
    """execute_run, except that Ctrl-C arrives while the target run's events are written."""
    outcome = execute_run(task)
    if task.run_id == TARGET:
        outcome.tables["events"] = _InterruptedWrite(outcome.tables["events"])
    return outcome
