"""Running a sweep: skip what is done, execute the rest, record each run as it ends."""

from __future__ import annotations

import sys
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from simulation.sweeps.executors import Executor, RunFunction
from simulation.sweeps.plan import SweepPlan
from simulation.sweeps.store import SweepStore, WritingWorker
from simulation.sweeps.task import execute_run


@dataclass
class SweepReport:
    out: Path
    total: int
    skipped: int  # already done before this call (resume)
    ok: int
    failed: int
    failures: list[tuple[str, str]]  # (run_id, error), in the order they happened
    wall_seconds: float

    @property
    def complete(self) -> bool:
        return self.skipped + self.ok == self.total


def run_sweep(
    plan: SweepPlan,
    out: Path,
    executor: Executor,
    *,
    resume: bool = False,
    progress: bool = True,
    function: RunFunction = execute_run,
    on_start: Callable[[int, int], None] | None = None,
) -> SweepReport:
    """Run every (scenario, point, replicate) of `plan` not yet done in `out`.

    `on_start(total, to_run)` is called once the output folder is ready (a folder
    that cannot take the sweep is refused before it)."""
    store = SweepStore(out)
    if resume:
        store.reopen(plan)
        store.clear_partials()
        store.check_only_planned_runs(plan)
        store.discard_unreadable(plan.sweep.tables)  # a damaged run is not done: run it again
    else:
        store.create(plan)
    if executor.shares_files:
        function = WritingWorker(function, out)
    done = store.done(plan.sweep.tables)
    todo = [task for task in plan.tasks if task.run_id not in done]
    skipped = len(plan.tasks) - len(todo)
    if on_start is not None:
        on_start(len(plan.tasks), len(todo))
    report = SweepReport(out, len(plan.tasks), skipped, 0, 0, [], 0.0)
    started = time.perf_counter()
    from tqdm import tqdm

    bar = tqdm(
        total=len(plan.tasks),
        initial=skipped,
        desc=plan.sweep.name,
        unit="run",
        disable=not progress or None,
        file=sys.stderr,
        dynamic_ncols=True,
    )
    try:
        for _task, outcome in executor.results(function, todo):
            store.record(outcome)
            if outcome.status == "ok":
                report.ok += 1
            else:
                report.failed += 1
                report.failures.append((outcome.run_id, outcome.error))
            bar.set_postfix_str(f"failed={report.failed}", refresh=False)
            bar.update(1)
    finally:
        bar.close()
        store.clear_partials()
        report.wall_seconds = time.perf_counter() - started
        store.write_runs_table(plan)
    return report
