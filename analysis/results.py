"""Run and sweep folders as tidy pandas tables, one shape for both.

    from analysis import load_results
    results = load_results("results/my-sweep")      # or a single run's folder
    results.model        # one row per run and step
    results.agreements   # one row per run and agreement

Every table starts with the same identity columns, `run_id, scenario, point,
replicate, seed`, then the swept parameters' values (a sweep), then its own
columns. A single run is a sweep of one: point 0, replicate 0, its folder's name
as `run_id`. Tables a sweep did not keep (`tables:` in its file) are empty frames
with a message saying how to keep them.
"""

from __future__ import annotations

import difflib
import json
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path

import pandas as pd

from analysis.measures import POOLED_RATES

IDENTITY = ["run_id", "scenario", "point", "replicate", "seed"]
TABLES = ("model", "nations", "agreements", "memberships", "events")
# The largest manifest read: a sweep.json holds its design's unit sample, at most
# MAX_DESIGN_VALUES (simulation/sweeps/plan.py) numbers, about 25 MB as JSON.
MAX_MANIFEST_BYTES = 64_000_000
# What each kind of manifest must hold, and of what type, for the tables and the
# report to read it; other fields are optional.
REQUIRED = {
    "run": {"scenario_name": str, "seed": int, "steps": int, "nations": int},
    "sweep": {
        "name": str,
        "design": str,
        "sweep": dict,
        "scenarios": list,
        "points": int,
        "replicates": int,
    },
}
OPTIONAL = {
    "run": {"scenario": dict},
    "sweep": {"parameters": list, "runs": int, "root_seed": int, "sweep_file": str},
}


class ResultsError(Exception):
    """A folder that cannot be read as results. One line for the user."""


@dataclass
class Results:
    """The outputs of one run or one sweep. Tables load on first use."""

    path: Path
    kind: str  # "run" or "sweep"
    manifest: dict
    parameters: list[str] = field(default_factory=list)

    # ------------------------------------------------------------------ tables

    @cached_property
    def model(self) -> pd.DataFrame:
        """Per-step outcomes: identity, parameters, `step`, then every outcome column."""
        return self._table("model")

    @cached_property
    def nations(self) -> pd.DataFrame:
        return self._table("nations")

    @cached_property
    def agreements(self) -> pd.DataFrame:
        return self._table("agreements")

    @cached_property
    def memberships(self) -> pd.DataFrame:
        return self._table("memberships")

    @cached_property
    def events(self) -> pd.DataFrame:
        return self._table("events")

    @cached_property
    def runs(self) -> pd.DataFrame:
        """One row per run: identity, parameter values, status and wall time."""
        if self.kind == "sweep":
            table = self.path / "runs.parquet"
            if not table.is_file():  # written when a sweep ends; a killed one has none
                sweep_file = self.manifest.get("sweep_file") or "SWEEP_FILE"
                raise ResultsError(
                    f"{self.path}: no runs.parquet (the sweep did not finish); finish it with "
                    f"python run.py sweep {sweep_file} --out {self.path} --resume"
                )
            runs = _read_parquet(table)
            status = runs.attrs.get("sweep_status")
            runs = runs.sort_values(["scenario", "point", "replicate"], ignore_index=True)
            runs.attrs = {"sweep_status": status} if status is not None else {}
            return runs
        return pd.DataFrame(
            [
                {
                    **self._run_identity(),
                    "status": "ok",
                    "error": "",
                    "wall_seconds": self.manifest.get("wall_seconds"),
                }
            ]
        )

    # ------------------------------------------------------------ descriptions

    @property
    def status(self) -> dict | None:
        """How far a sweep got (None for a single run): `complete` when every run of its
        design finished ok, and the counts of runs, ok, failed and not_run. Read from
        runs.parquet (`attrs["sweep_status"]`), or counted for folders written before it."""
        if self.kind == "run":
            return None
        recorded = self.runs.attrs.get("sweep_status")
        if isinstance(recorded, dict) and {"runs", "ok", "failed", "not_run"} <= set(recorded):
            return recorded
        manifest, runs = self.manifest, self.runs
        total = manifest.get("runs") or (
            len(manifest["scenarios"]) * manifest["points"] * manifest["replicates"]
        )
        ok = int((runs["status"] == "ok").sum())
        return {
            "complete": ok == total,
            "runs": total,
            "ok": ok,
            "failed": len(runs) - ok,
            "not_run": max(total - len(runs), 0),
        }

    def incomplete_warning(self) -> str | None:
        """One line when a sweep is not complete: what is there, and how to finish it."""
        status = self.status
        if status is None or status["complete"]:
            return None
        sweep_file = self.manifest.get("sweep_file") or "SWEEP_FILE"
        finish = f"python run.py sweep {sweep_file} --out {self.path} --resume"
        name, total = self.manifest["name"], status["runs"]
        failed = f", {status['failed']} failed" if status["failed"] else ""
        if status["not_run"]:
            return (
                f"warning: sweep {name} is incomplete: {total - status['not_run']} of its "
                f"{total} runs are here ({status['not_run']} not run{failed}); "
                f"finish it with: {finish}"
            )
        return (
            f"warning: sweep {name}: {status['failed']} of its {total} runs failed "
            f"(see runs.parquet); run them again with: {finish}"
        )

    @property
    def scenarios(self) -> list[str]:
        return sorted(self.runs["scenario"].unique())

    @property
    def outcomes(self) -> list[str]:
        """The model outcome columns (what can be summarised and compared)."""
        columns = list(self.model.columns)
        return columns[columns.index("step") + 1 :]

    @property
    def steps(self) -> int:
        return int(self.model["step"].max())

    def describe(self) -> str:
        runs = self.runs
        ok = int((runs["status"] == "ok").sum())
        if self.kind == "run":
            return (
                f"run of {self.manifest['scenario_name']}: seed {self.manifest['seed']}, "
                f"{self.manifest['steps']} steps, {self.manifest['nations']} nations"
            )
        swept = ", ".join(self.parameters) or "no parameters"
        return (
            f"sweep {self.manifest['name']}: {len(runs)} runs ({ok} ok), "
            f"{len(self.scenarios)} scenario(s) x {self.manifest['points']} point(s) x "
            f"{self.manifest['replicates']} replicate(s); {self.manifest['design']} over {swept}"
        )

    # ----------------------------------------------------------------- helpers

    def _table(self, name: str) -> pd.DataFrame:
        if self.kind == "run":
            path = self.path / f"{name}.parquet"
            csv = self.path / f"{name}.csv"
            if path.is_file():
                table = _read_parquet(path)
            elif csv.is_file():
                table = pd.read_csv(csv)
            else:
                raise ResultsError(f"{self.path}: no {name} table ({path.name} is missing)")
            for column, value in reversed(self._run_identity().items()):
                table.insert(0, column, value)
            return table
        folder = self.path / name
        # hidden files are temporaries a kill left (or a user's): never results
        finished = (p for p in folder.glob("*.parquet") if not p.name.startswith((".", "_")))
        if not folder.is_dir() or not any(finished):
            if name in self.manifest["sweep"].get("tables", ["model"]):
                raise ResultsError(f"{self.path}: no finished runs in {folder}")
            raise ResultsError(
                f"{self.path}: the sweep did not keep its {name} table "
                f"(add `tables: [model, {name}]` to the sweep file to keep it)"
            )
        table = _read_parquet(folder)
        order = ["scenario", "point", "replicate"] + (["step"] if "step" in table else [])
        return table.sort_values(order, kind="stable", ignore_index=True)

    def _run_identity(self) -> dict:
        return {
            "run_id": self.path.name,
            "scenario": self.manifest["scenario_name"],
            "point": 0,
            "replicate": 0,
            "seed": int(self.manifest["seed"]),
        }


def _read_parquet(path: Path) -> pd.DataFrame:
    try:
        return pd.read_parquet(path)
    except (OSError, ValueError) as error:  # pyarrow's ArrowInvalid is a ValueError
        raise ResultsError(f"{path}: unreadable Parquet ({error})") from None


def load_results(path: str | Path) -> Results:
    """Open a run folder (`run.py run`) or a sweep folder (`run.py sweep`)."""
    path = Path(path)
    if not path.is_dir():
        raise ResultsError(f"{path}: no such folder")
    for kind, name in (("sweep", "sweep.json"), ("run", "manifest.json")):
        file = path / name
        if file.is_file():
            manifest = read_manifest(file, kind)
            parameters = list(manifest.get("parameters", [])) if kind == "sweep" else []
            return Results(path, kind, manifest, parameters)
    raise ResultsError(
        f"{path}: not a results folder (expected manifest.json from run.py run "
        "or sweep.json from run.py sweep)"
    )


def read_manifest(file: Path, kind: str) -> dict:
    """A run's manifest.json or a sweep's sweep.json: a JSON object with the fields
    `REQUIRED[kind]` of their types; anything else is one `ResultsError` line."""
    try:
        size = file.stat().st_size
        if size > MAX_MANIFEST_BYTES:
            raise ResultsError(
                f"{file}: {size:,} bytes, over the limit of {MAX_MANIFEST_BYTES:,} for a "
                "manifest (raise MAX_MANIFEST_BYTES in analysis/results.py to allow more)"
            )
        text = file.read_bytes().decode("utf-8")
        manifest = json.loads(text)
    except OSError as error:
        raise ResultsError(f"{file}: unreadable ({error.strerror or error})") from None
    except UnicodeDecodeError:
        raise ResultsError(f"{file}: unreadable (not UTF-8 text: a binary file?)") from None
    except json.JSONDecodeError as error:
        raise ResultsError(f"{file}: unreadable (not JSON: {error})") from None
    except RecursionError:
        raise ResultsError(f"{file}: unreadable (JSON nested too deeply)") from None
    if not isinstance(manifest, dict):
        raise ResultsError(
            f"{file}: expected a JSON object (the {kind}'s manifest), "
            f"got a {type(manifest).__name__}"
        )
    for key in REQUIRED[kind]:
        if key not in manifest:
            raise ResultsError(f"{file}: {key!r} is missing: not a {kind} manifest")
    for key, expected in {**REQUIRED[kind], **OPTIONAL[kind]}.items():
        value = manifest.get(key)
        if key in manifest and not _is_a(value, expected):
            raise ResultsError(
                f"{file}: {key!r}: expected {_NAMES[expected]}, got {json.dumps(value)[:40]}"
            )
    return manifest


_NAMES = {str: "text", int: "a whole number", dict: "a JSON object", list: "a JSON list"}


def _is_a(value: object, expected: type) -> bool:
    if expected is int:
        return isinstance(value, int) and not isinstance(value, bool)
    return isinstance(value, expected)


def run_statistics(results: Results, metric: str, statistic: str = "mean") -> pd.DataFrame:
    """One row per run: identity, parameters and the metric summarised over the run
    (`mean` over its steps, or its `final` value).

    A rate of two counts (`analysis.measures.POOLED_RATES`: `conflict_prevention_rate`)
    is pooled instead: `mean` is its numerator over its denominator summed over the
    run's steps (prevented / crises over the run), `final` the same over the last step;
    NaN when the denominator is 0 (no crisis), since a rate of nothing is undefined."""
    if metric not in results.outcomes:
        raise ResultsError(
            f"metric: {metric!r} is not a model outcome; expected one of "
            + ", ".join(results.outcomes)
        )
    if statistic not in ("mean", "final"):
        raise ResultsError(f"statistic: expected mean or final, got {statistic!r}")
    keys = IDENTITY + results.parameters
    return reduce_runs(results.model, metric, statistic, keys)


def reduce_runs(model: pd.DataFrame, metric: str, statistic: str, keys: list[str]) -> pd.DataFrame:
    """The rows of `model` (one a run and step) reduced to one row a run (`keys`), with
    the metric summarised as `run_statistics` says. `model` needs `step`, the metric and,
    for a pooled rate, its two counts."""
    model = model.sort_values([*keys, "step"])
    grouped = model.groupby(keys, sort=True, dropna=False)
    rate = POOLED_RATES.get(metric)
    if rate is not None:
        counts = grouped[[rate.numerator, rate.denominator]]
        totals = counts.sum() if statistic == "mean" else counts.last()
        denominator = totals[rate.denominator].astype(float)
        summary = totals[rate.numerator].astype(float) / denominator.where(denominator > 0)
    else:
        values = grouped[metric]
        summary = values.mean() if statistic == "mean" else values.last()
    return summary.rename(metric).reset_index()


def unknown_metric(metric: str, outcomes: list[str], option: str = "--metric") -> str:
    """The one line for a metric that is not a model outcome: a close match if there is
    one, then every outcome."""
    close = difflib.get_close_matches(metric, outcomes, n=1)
    hint = f" (did you mean {close[0]!r}?)" if close else ""
    return f"{option}: {metric!r} is not a model outcome{hint}; expected one of " + ", ".join(
        outcomes
    )


def columns_for(metric: str) -> list[str]:
    """The model columns `reduce_runs` reads for `metric`."""
    rate = POOLED_RATES.get(metric)
    return [metric] if rate is None else [metric, rate.numerator, rate.denominator]
