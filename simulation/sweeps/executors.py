"""Where runs execute: in this process, in local worker processes, or on a Dask cluster.

Each executor takes the run function and the tasks and yields (task, outcome)
pairs as runs finish, in whatever order they finish. Only a bounded window of
runs is in flight at a time, so memory stays flat however long the sweep. A
worker that dies (a crash, the out-of-memory killer) costs the runs it held,
which are reported as failed; the sweep goes on.
"""

from __future__ import annotations

import gc
import multiprocessing
import os
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import FIRST_COMPLETED, Future, ProcessPoolExecutor, wait
from concurrent.futures.process import BrokenProcessPool
from typing import Protocol

from simulation.sweeps.task import RunOutcome, RunTask

RunFunction = Callable[[RunTask], RunOutcome]
# runs in flight per worker: enough to keep workers busy while results are written
IN_FLIGHT_PER_WORKER = 2


class ExecutorError(Exception):
    """The executor cannot start (no Dask, no scheduler). One line for the user."""


class Executor(Protocol):
    description: str
    shares_files: bool  # runs can write the sweep folder themselves

    def results(
        self, function: RunFunction, tasks: Iterable[RunTask]
    ) -> Iterator[tuple[RunTask, RunOutcome]]: ...


def lost(task: RunTask, why: str) -> RunOutcome:
    return RunOutcome(task.run_id, "failed", why, 0.0)


def raised(task: RunTask, error: Exception) -> RunOutcome:
    """The run function raised (execute_run never does; another function may): its run
    fails, the sweep goes on, as on Dask."""
    return lost(task, f"{type(error).__name__}: {error}".replace("\n", " "))


class SerialExecutor:
    """Runs one after another in this process (workers=1: simplest to debug)."""

    description = "in this process"
    shares_files = True

    def results(self, function, tasks):
        for task in tasks:
            try:
                outcome = function(task)
            except Exception as error:  # noqa: BLE001 - a failed run is data, not a crash
                outcome = raised(task, error)
            yield task, outcome


class ProcessExecutor:
    """Local worker processes. They start from a fork server with the model already
    imported, so each starts in milliseconds, and nothing is changed for the rest
    of the program (unlike a global start method)."""

    shares_files = True

    def __init__(self, workers: int):
        self.workers = workers
        self.description = f"{workers} local worker processes"
        if "forkserver" in multiprocessing.get_all_start_methods():
            self._context = multiprocessing.get_context("forkserver")
            self._context.set_forkserver_preload(
                ["simulation.sweeps.task", "simulation.sweeps.store"]
            )
            # start the server now: it imports the model (seconds) while the sweep is planned
            from multiprocessing import forkserver

            forkserver.ensure_running()
        else:  # pragma: no cover - Windows and friends
            self._context = multiprocessing.get_context("spawn")

    def _pool(self) -> ProcessPoolExecutor:
        return ProcessPoolExecutor(max_workers=self.workers, mp_context=self._context)

    def results(self, function, tasks):
        pending = iter(tasks)
        window = self.workers * IN_FLIGHT_PER_WORKER
        # runs a broken pool held, run again one at a time: only a run that kills its
        # worker while running alone is reported failed, not the runs that shared the pool
        suspects: list[RunTask] = []
        pool = self._pool()
        running: dict[Future, RunTask] = {}
        try:
            while True:
                while len(running) < (1 if suspects else window):
                    task = suspects[0] if suspects else next(pending, None)
                    if task is None:
                        break
                    try:
                        running[pool.submit(function, task)] = task
                    except BrokenProcessPool:
                        pool = self._replace(pool)
                        running[pool.submit(function, task)] = task
                if not running:
                    return
                finished, _ = wait(running, return_when=FIRST_COMPLETED)
                held: list[RunTask] = []
                for future in finished:
                    task = running.pop(future)
                    try:
                        outcome = future.result()
                    except BrokenProcessPool:
                        held.append(task)
                        continue
                    except Exception as error:  # noqa: BLE001 - a failed run is data, not a crash
                        outcome = raised(task, error)
                    if suspects and task is suspects[0]:
                        suspects.pop(0)
                    yield task, outcome
                if held:
                    # every run the dead pool still held is lost with it
                    held.extend(running.values())
                    running.clear()
                    pool = self._replace(pool)
                    if len(held) == 1:
                        if suspects and held[0] is suspects[0]:
                            suspects.pop(0)
                        yield held[0], lost(held[0], "worker process died while running it")
                    else:
                        suspects = held + suspects
        finally:
            _stop(pool, running)

    def _replace(self, pool: ProcessPoolExecutor) -> ProcessPoolExecutor:
        pool.shutdown(wait=False, cancel_futures=True)
        return self._pool()


def _stop(pool: ProcessPoolExecutor, running: dict) -> None:
    """Shut the pool down now, killing workers still busy (after Ctrl-C, say)."""
    processes = list(getattr(pool, "_processes", {}).values())
    pool.shutdown(wait=False, cancel_futures=True)
    if running:
        for process in processes:
            if process.is_alive():
                process.kill()
    for process in processes:
        process.join(timeout=5)


class DaskExecutor:
    """Runs on an existing Dask distributed cluster, reached at `address`. Workers may
    be on other machines: results come back to this process, which writes them."""

    shares_files = False

    def __init__(self, address: str, connect_timeout: float = 10.0):
        try:
            from distributed import Client
        except ImportError:
            raise ExecutorError(
                "--scheduler needs Dask: install it with  pip install -e '.[dask]'"
            ) from None
        try:
            self.client = Client(address, timeout=connect_timeout, set_as_default=False)
        except (OSError, TimeoutError, ValueError) as error:  # ValueError: a malformed address
            problem = f"--scheduler {address}: cannot reach a Dask scheduler there ({error})"
        else:
            problem = None
        if problem is not None:
            # the half-made Client sits in a reference cycle with the error's traceback; left
            # to interpreter exit, its __del__ waits 20 s on a stopped loop and prints a traceback
            gc.collect()
            raise ExecutorError(problem)
        workers = len(self.client.scheduler_info().get("workers", {}))
        self.window = max(workers, 1) * IN_FLIGHT_PER_WORKER * 2
        self.description = f"Dask cluster at {address} ({workers} workers)"

    def results(self, function, tasks):
        from distributed import as_completed

        pending = iter(tasks)
        running = {}
        queue = as_completed(loop=self.client.loop)
        try:
            for task in pending:
                future = self.client.submit(function, task, key=f"run-{task.run_id}", pure=False)
                running[future.key] = task
                queue.add(future)
                if len(running) >= self.window:
                    break
            for future in queue:
                task = running.pop(future.key)
                try:
                    outcome = future.result()
                except Exception as error:  # noqa: BLE001 - a lost worker, a killed task
                    outcome = lost(task, f"Dask: {type(error).__name__}: {error}")
                future.release()
                yield task, outcome
                following = next(pending, None)
                if following is not None:
                    submitted = self.client.submit(
                        function, following, key=f"run-{following.run_id}", pure=False
                    )
                    running[submitted.key] = following
                    queue.add(submitted)
        finally:
            # futures still held are released with the client; the cluster drops them
            self.client.close()


def choose_executor(workers: int | None, scheduler: str | None) -> Executor:
    """Dask when a scheduler address is given (or set in DASK_SCHEDULER_ADDRESS),
    else local processes; one worker runs in this process."""
    address = scheduler or os.environ.get("DASK_SCHEDULER_ADDRESS")
    if address:
        return DaskExecutor(address)
    workers = workers or os.cpu_count() or 1
    return SerialExecutor() if workers == 1 else ProcessExecutor(workers)
