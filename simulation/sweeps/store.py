"""A sweep's output folder, written as runs finish so memory stays flat.

    OUT/
      sweep.json           the resolved sweep, its fingerprint, seeds, versions
      design.parquet       one row a design point: `point` and the parameter values
      model/<run_id>.parquet       per-step outcomes of each run (and nations/,
                                   agreements/, ... when the sweep keeps them)
      runs.jsonl           journal: one line a finished run (ok or failed), appended
      runs.parquet         one row a finished run: identity, values, status, error, time;
                           its `attrs["sweep_status"]` says whether the sweep is complete
                           (pd.read_parquet(OUT / "runs.parquet").attrs["sweep_status"])

Each file is written under a hidden name (which Parquet readers skip) and renamed
when complete (`simulation.atomic_write`), so `pd.read_parquet(OUT / "model")` only
ever sees whole runs. A run counts as done when each table it keeps has its file; a
kill can leave hidden temporaries (`.NAME.partial-PID`), which the next sweep or
resume in the folder removes. `--resume` also removes the files of a run whose Parquet
footer does not read (a damaged file), so that run is run again, and then runs the rest.
"""

from __future__ import annotations

import fnmatch
import json
import os
import platform
import shutil
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING

import pandas as pd
import pyarrow.parquet as pq

from simulation.atomic_write import LEFTOVER_PATTERN, atomic_file
from simulation.run_folder import OutputError, git_revision, package_versions
from simulation.sweeps.spec import TABLES
from simulation.sweeps.task import RunOutcome, RunTask

if TYPE_CHECKING:  # the plan (and scipy) stay out of the worker processes
    from simulation.sweeps.plan import SweepPlan

RUN_COLUMNS = ("run_id", "scenario", "point", "replicate", "seed")


class SweepStore:
    def __init__(self, out: Path):
        self.out = out

    # ---------------------------------------------------------------- opening

    def create(self, plan: SweepPlan) -> None:
        """Start a fresh sweep folder (it must not exist, or be empty)."""
        out = self.out
        if out.exists() and not out.is_dir():
            raise OutputError(f"{out}: --out names a file, expected a folder")
        if out.exists() and _holds_results(out):
            raise OutputError(
                f"{out}: output folder already exists and is not empty "
                "(add --resume to finish the sweep in it)"
            )
        if out.exists():
            self.clear_partials()  # all a sweep killed as it started here can have left
        try:
            for table in plan.sweep.tables:
                (out / table).mkdir(parents=True, exist_ok=True)
            with atomic_file(out / "design.parquet") as temporary:
                design_table(plan).to_parquet(temporary)
            with atomic_file(out / "sweep.json") as temporary:
                temporary.write_text(json.dumps(describe(plan), indent=2) + "\n")
        except OSError as error:
            raise OutputError(f"{out}: cannot create the sweep folder ({error})") from None

    def reopen(self, plan: SweepPlan) -> None:
        """Check that the folder holds this same sweep, to be finished."""
        manifest = self.out / "sweep.json"
        if not manifest.is_file():
            raise OutputError(
                f"{self.out}: nothing to resume here (no sweep.json); run without --resume"
            )
        try:
            recorded = json.loads(manifest.read_bytes().decode("utf-8"))
        except OSError as error:
            raise OutputError(f"{manifest}: unreadable ({error.strerror or error})") from None
        except (ValueError, RecursionError):  # not UTF-8, not JSON, nested too deep
            recorded = None
        if not isinstance(recorded, dict):
            raise OutputError(
                f"{manifest}: not the manifest of a sweep (expected the JSON object "
                "run.py sweep writes); resume only a folder run.py sweep made"
            )
        if recorded.get("fingerprint") != plan.fingerprint():
            raise OutputError(
                f"{self.out}: holds a different sweep ({recorded.get('name')!r}, made from "
                "other settings or scenarios); resume it with the file that made it, "
                "or choose another --out"
            )
        for table in plan.sweep.tables:
            (self.out / table).mkdir(exist_ok=True)

    # ---------------------------------------------------------------- progress

    def done(self, tables: tuple[str, ...] | list[str] = ("model",)) -> set[str]:
        """Runs whose results are complete on disk: a file in each of `tables`."""
        finished = _run_files(self.out / "model")
        for table in tables:
            if table != "model":
                finished &= _run_files(self.out / table)
        return finished

    def check_only_planned_runs(self, plan: SweepPlan) -> None:
        """Refuse to resume into a folder holding run files its plan does not name (put
        there by hand, or by a version that named runs otherwise): finishing the sweep
        would mix them into its dataset."""
        planned = {task.run_id for task in plan.tasks}
        for table in plan.sweep.tables:
            strays = sorted(_run_files(self.out / table) - planned)
            if strays:
                raise OutputError(
                    f"{self.out / table}: holds {len(strays)} run file(s) this sweep does not "
                    f"plan (such as {strays[0]}.parquet), put there by hand or by another "
                    "version; move them out, or choose another --out"
                )

    def discard_unreadable(self, tables: tuple[str, ...] | list[str]) -> list[str]:
        """Remove every file of each run that has a file whose Parquet footer does not
        read (damaged, cut short by a full disk, or not Parquet at all): such a run is
        not done, and removing it keeps `pd.read_parquet(OUT / "model")` readable if
        running it again fails. Returns the runs removed, sorted."""
        damaged = set()
        for table in tables:
            for run, path in _run_files(self.out / table, paths=True).items():
                try:
                    pq.read_metadata(path)
                except (OSError, ValueError):  # ArrowInvalid is a ValueError
                    damaged.add(run)
        for run in damaged:
            for table in tables:
                (self.out / table / f"{run}.parquet").unlink(missing_ok=True)
        return sorted(damaged)

    def record(self, outcome: RunOutcome) -> None:
        """Write a finished run's tables (unless its worker already did), then its
        journal line."""
        write_run_tables(self.out, outcome)
        line = {
            "run_id": outcome.run_id,
            "status": outcome.status,
            "error": outcome.error,
            "wall_seconds": round(outcome.wall_seconds, 4),
        }
        with open(self.out / "runs.jsonl", "a", encoding="utf-8") as journal:
            journal.write(json.dumps(line) + "\n")

    def write_runs_table(self, plan: SweepPlan) -> pd.DataFrame:
        """runs.parquet from the journal and the files: a run is ok when its files are
        there, failed when its latest record says so and they are not, else not run
        (an ok record without files is a run whose damaged files were removed)."""
        journal = read_journal(self.out / "runs.jsonl")
        done = self.done(plan.sweep.tables)
        rows = []
        for task in plan.tasks:
            entry = journal.get(task.run_id)
            if task.run_id in done:
                status, error = "ok", ""
                wall = entry["wall_seconds"] if entry and entry["status"] == "ok" else None
            elif entry is not None and entry["status"] == "failed":
                status, error, wall = "failed", entry["error"], entry["wall_seconds"]
            else:
                continue  # not run yet
            rows.append({**identity(task), "status": status, "error": error, "wall_seconds": wall})
        columns = [*RUN_COLUMNS, *plan.parameters, "status", "error", "wall_seconds"]
        frame = pd.DataFrame(rows, columns=columns).astype({"wall_seconds": "float64"})
        frame.attrs["sweep_status"] = sweep_status(frame, len(plan.tasks))
        with atomic_file(self.out / "runs.parquet") as temporary:
            frame.to_parquet(temporary, index=False)
        return frame

    # ---------------------------------------------------------------- helpers

    def clear_partials(self) -> None:
        """Remove the temporaries of writes a kill cut short, in the folder and its table
        folders (and the '_'-named ones of sweep folders written before
        `simulation.atomic_write`). A temporary whose writer is still running (another
        process on this machine, by the id in its name) is left to it."""
        for pattern in (LEFTOVER_PATTERN, f"*/{LEFTOVER_PATTERN}", "*/_*.partial"):
            for partial in self.out.glob(pattern):
                if not _writer_running(partial):
                    _remove(partial)


def read_journal(path: Path) -> dict[str, dict]:
    """The latest record of each run in runs.jsonl. A line that is not a whole record
    (cut short by a crash, or damaged) is skipped: the run's files decide."""
    journal: dict[str, dict] = {}
    if not path.exists():
        return journal
    with open(path, encoding="utf-8", errors="replace") as lines:
        for text in lines:
            try:
                entry = json.loads(text)
            except (ValueError, RecursionError):
                continue
            if not isinstance(entry, dict) or not isinstance(entry.get("run_id"), str):
                continue
            if entry.get("status") not in ("ok", "failed"):
                continue
            wall = entry.get("wall_seconds")
            is_number = isinstance(wall, int | float) and not isinstance(wall, bool)
            journal[entry["run_id"]] = {
                "status": entry["status"],
                "error": str(entry.get("error") or ""),
                "wall_seconds": wall if is_number else None,
            }
    return journal


def sweep_status(runs: pd.DataFrame, total: int) -> dict:
    """How far the sweep got: `complete` when every run of the design finished ok."""
    ok = int((runs["status"] == "ok").sum())
    failed = len(runs) - ok
    return {
        "complete": ok == total,
        "runs": total,
        "ok": ok,
        "failed": failed,
        "not_run": total - len(runs),
    }


def _run_files(folder: Path, paths: bool = False) -> set[str] | dict[str, Path]:
    # hidden names are temporaries (atomic_write) or a user's: never results
    found = {path.stem: path for path in folder.glob("*.parquet") if not path.name.startswith(".")}
    return found if paths else set(found)


def _holds_results(folder: Path) -> bool:
    """Anything in `folder` but what a sweep killed as it started leaves: temporaries
    and empty table folders. Only such a folder is cleared for a new sweep: nothing
    in a folder of anything else is touched."""
    for entry in folder.iterdir():
        if fnmatch.fnmatchcase(entry.name, LEFTOVER_PATTERN):
            continue
        if entry.name in TABLES and entry.is_dir() and not any(entry.iterdir()):
            continue
        return True
    return False


def _writer_running(partial: Path) -> bool:
    """Whether the process named in a temporary's name (`.NAME.partial-PID`) still runs
    here. This process's own are not: nothing of it writes while it clears them."""
    try:
        pid = int(partial.name.rsplit("-", 1)[1])
    except (IndexError, ValueError):
        return False  # an old '_*.partial' name: its writer is long gone
    if pid == os.getpid() or pid <= 0:
        return False
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except OSError:
        return True  # exists, owned by another user
    return True


def _remove(path: Path) -> None:
    if path.is_dir() and not path.is_symlink():
        shutil.rmtree(path, ignore_errors=True)
    else:
        path.unlink(missing_ok=True)


def write_run_tables(out: Path, outcome: RunOutcome) -> None:
    """Write a run's tables into the sweep folder `out` and empty `outcome.tables`."""
    # the model file marks the run done, so it is written last: a run cut short
    # between its tables is not taken for finished by --resume
    tables = sorted(outcome.tables.items(), key=lambda item: item[0] == "model")
    for name, table in tables:
        with atomic_file(out / name / f"{outcome.run_id}.parquet") as temporary:
            pq.write_table(table, temporary, compression="zstd")
    outcome.tables = {}


@dataclass(frozen=True)
class WritingWorker:
    """Runs `function` and writes the run's tables where it runs: local workers share
    the sweep folder, so their results need not travel back through one process."""

    function: Callable[[RunTask], RunOutcome]
    out: Path

    def __call__(self, task: RunTask) -> RunOutcome:
        outcome = self.function(task)
        write_run_tables(self.out, outcome)
        return outcome


def identity(task: RunTask) -> dict:
    return {
        "run_id": task.run_id,
        "scenario": task.scenario,
        "point": task.point,
        "replicate": task.replicate,
        "seed": task.seed,
        **task.values,
    }


def design_table(plan: SweepPlan) -> pd.DataFrame:
    frame = pd.DataFrame(plan.points, columns=plan.parameters)
    frame.insert(0, "point", range(len(frame)))
    return frame


def describe(plan: SweepPlan) -> dict:
    sweep = plan.sweep
    return {
        "name": sweep.name,
        "sweep_file": str(plan.source),
        "fingerprint": plan.fingerprint(),
        "sweep": sweep.model_dump(mode="json"),
        "scenarios": plan.scenario_names,
        "parameters": plan.parameters,
        "design": sweep.design,
        "points": len(plan.points),
        "replicates": sweep.replicates,
        "runs": len(plan.tasks),
        "root_seed": plan.root_seed,
        "replicate_seeds": plan.seeds,
        # the unit-cube sample the design drew (sobol, morris: what sensitivity needs)
        "unit_sample": plan.sample.tolist() if plan.sample is not None else None,
        "created_utc": datetime.now(UTC).isoformat(timespec="seconds"),
        "git_revision": git_revision(),
        "python": platform.python_version(),
        "packages": package_versions(),
    }
