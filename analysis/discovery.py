"""Scenario discovery: the regions of a sweep's parameter space where an outcome of
interest occurs, found by PRIM (the Patient Rule Induction Method, from EMA Workbench).

    from analysis.discovery import discover
    found = discover("results/my-sweep", "stability_index", below=0.72)
    print(found.text())
    found.write()            # CSV, JSON and the trade-off figure (PNG) in the sweep folder

Each run is reduced to one number (`analysis.results.run_statistics`: the metric's mean
over the run, or its final value; a rate of two counts pooled), and a run is a case of
interest when that number lies below (or above) the threshold. PRIM then peels the
parameter space, one small slice at a time, towards a box where the cases of interest
are dense, and pastes back what it can. Each box is read by two numbers:

* **coverage**: the share of all the cases of interest that fall in the box;
* **density**: the share of the runs in the box that are cases of interest.

Peeling trades one for the other; the trade-off (every candidate box of the peeling
trajectory, coverage against density) is drawn, and the box chosen is the one of
greatest coverage whose density reaches `min_density` (the densest when none does).
Further boxes are sought among the runs outside the boxes already found, as EMA
Workbench does, while they reach that density. Each restricted parameter comes with
its quasi-p value (Bryant and Lempert 2010): the chance that a restriction this
effective arises by chance; large values mark restrictions to drop.
"""

from __future__ import annotations

import json
import math
import warnings
from dataclasses import dataclass, field
from importlib.metadata import version
from pathlib import Path

import numpy as np
import pandas as pd
import plotly.graph_objects as go

from analysis import figures
from analysis.measures import describe_statistic
from analysis.results import Results, ResultsError, load_results, run_statistics, unknown_metric
from simulation.atomic_write import atomic_file

MIN_DENSITY = 0.8  # EMA Workbench's long-standing default threshold for a box
MAX_BOXES = 3
# a parameter with this many values or fewer (a grid's) is shown by the values in a box
FEW_VALUES = 10
# a base scenario as a dimension of its own; EMA Workbench drops a column named
# "scenario" (its word for a point of the uncertainty space)
SCENARIO_DIMENSION = "base_scenario"


class DiscoveryError(Exception):
    """The folder or the request cannot be analysed as asked. One line for the user."""


@dataclass
class Box:
    """One box PRIM found: its statistics and the limits of the parameters it restricts."""

    number: int
    coverage: float
    density: float
    mass: float  # share of all runs in the box
    runs: int  # runs in the box
    cases: int  # cases of interest in the box
    reaches_density: bool
    # one row a restricted parameter: parameter, low, high (numbers; or values, a set
    # of a non-numeric parameter's values), sweep_low, sweep_high, qp
    limits: list[dict] = field(default_factory=list)


@dataclass
class Discovery:
    path: Path
    sweep: str
    metric: str
    statistic: str
    direction: str  # "below" or "above"
    threshold: float
    runs: int
    cases: int
    undefined: int  # runs whose value is undefined (a rate without its events): left out
    min_density: float
    boxes: list[Box]
    trajectories: list[pd.DataFrame]  # each box's peeling trajectory (ema_workbench's)
    chosen: list[int]  # the candidate chosen on each trajectory
    scenarios: list[str]

    @property
    def stem(self) -> str:
        return f"discovery_{self.metric}_{self.direction}_{self.threshold:g}"

    def question(self) -> str:
        return (
            f"where is {self.metric} ({describe_statistic(self.metric, self.statistic)}) "
            f"{self.direction} {self.threshold:g}?"
        )

    def text(self) -> str:
        lines = [
            f"scenario discovery (PRIM, ema_workbench {_ema_version()}) in sweep "
            f"{self.sweep}: {self.question()}",
            f"  {self.cases} of {self.runs} runs ({self.cases / self.runs:.0%}) are cases of "
            f"interest; a box should reach density {self.min_density:g} (--min-density)",
        ]
        if self.undefined:
            lines.append(
                f"  {self.undefined} run(s) left out: {self.metric} is undefined there "
                "(no events to make a rate of)"
            )
        for box in self.boxes:
            lines.append(
                f"box {box.number}: coverage {box.coverage:.2f} ({box.cases} of the "
                f"{self.cases}), density {box.density:.2f} ({box.cases} of the {box.runs} "
                f"runs in it), {box.mass:.0%} of all runs"
                + ("" if box.reaches_density else f"; below density {self.min_density:g}")
            )
            if not box.limits:
                lines.append("  restricts no parameter: the cases are spread over the whole sweep")
                continue
            width = max(len("parameter"), *(len(row["parameter"]) for row in box.limits))
            box_width = max(
                len("of the sweep"),
                *(len(_limits(r["low"], r["high"], r.get("values"))) for r in box.limits),
                *(len(_limits(r["sweep_low"], r["sweep_high"])) for r in box.limits),
            )
            lines.append(
                f"  {'parameter':<{width}}  {'box':<{box_width}}  {'of the sweep':<{box_width}}  qp"
            )
            for row in box.limits:
                inside = _limits(row["low"], row["high"], row.get("values"))
                whole = _limits(row["sweep_low"], row["sweep_high"])
                lines.append(
                    f"  {row['parameter']:<{width}}  {inside:<{box_width}}  {whole:<{box_width}}  "
                    f"{_qp(row['qp'])}"
                )
        if len(self.boxes) > 1:
            covered = sum(box.cases for box in self.boxes)
            lines.append(
                f"together: coverage {covered / self.cases:.2f} ({covered} of the {self.cases})"
            )
        if not self.boxes[0].reaches_density:
            lines.append(
                f"no box reaches density {self.min_density:g}: the outcome is not confined to "
                "a region of these parameters (noise, or parameters the sweep did not vary); "
                "the densest box is shown"
            )
        return "\n".join(lines)

    def table(self) -> pd.DataFrame:
        """One row a box and restricted parameter (a box restricting none: one row)."""
        rows = []
        for box in self.boxes:
            head = {
                "metric": self.metric,
                "statistic": self.statistic,
                "direction": self.direction,
                "threshold": self.threshold,
                "box": box.number,
                "coverage": box.coverage,
                "density": box.density,
                "mass": box.mass,
                "runs": box.runs,
                "cases": box.cases,
            }
            for row in box.limits or [{"parameter": ""}]:
                rows.append(
                    {
                        **head,
                        "parameter": row["parameter"],
                        "low": _cell(row.get("low")),
                        "high": _cell(row.get("high")),
                        "sweep_low": _cell(row.get("sweep_low")),
                        "sweep_high": _cell(row.get("sweep_high")),
                        "values_in_box": " ".join(f"{v:g}" for v in row.get("values") or []),
                        "qp": row.get("qp"),
                    }
                )
        return pd.DataFrame(rows)

    def figure(self) -> go.Figure:
        return figures.prim_tradeoff(
            self.trajectories,
            self.chosen,
            self.min_density,
            f"PRIM peeling trade-off: {self.question()}<br><sup>each point a candidate box; "
            "peeling raises density and loses coverage</sup>",
        )

    def as_json(self) -> dict:
        return {
            "sweep": self.sweep,
            "metric": self.metric,
            "statistic": self.statistic,
            "direction": self.direction,
            "threshold": self.threshold,
            "runs": self.runs,
            "cases": self.cases,
            "undefined": self.undefined,
            "min_density": self.min_density,
            "scenarios": self.scenarios,
            "boxes": [
                {
                    **{k: v for k, v in vars(box).items() if k != "limits"},
                    "limits": [{k: _cell(v) for k, v in row.items()} for row in box.limits],
                }
                for box in self.boxes
            ],
            "chosen": self.chosen,
            "trajectories": [
                t[["coverage", "density", "res_dim", "mass", "n"]].to_dict(orient="list")
                for t in self.trajectories
            ],
            "ema_workbench": _ema_version(),
        }

    def write(self, folder: str | Path | None = None) -> dict[str, Path | str]:
        """The boxes as CSV, everything as JSON (what the report reads) and the trade-off
        figure as PNG, in `folder` (default: the sweep folder). The PNG needs Chromium
        (kaleido): when it cannot be drawn the others are still written, and the value
        under "png" is the reason, not a path."""
        folder = Path(folder) if folder is not None else self.path
        written: dict[str, Path | str] = {}
        try:
            with atomic_file(folder / f"{self.stem}.csv") as temporary:
                self.table().to_csv(temporary, index=False)
            written["csv"] = folder / f"{self.stem}.csv"
            with atomic_file(folder / f"{self.stem}.json") as temporary:
                temporary.write_text(json.dumps(self.as_json(), indent=2) + "\n")
            written["json"] = folder / f"{self.stem}.json"
        except OSError as error:
            raise DiscoveryError(f"{folder}: cannot write the results ({error})") from None
        try:
            written["png"] = figures.export(self.figure(), folder / f"{self.stem}.png")
        except Exception as error:  # noqa: BLE001 - the renderer's failure is reported, not raised
            written["png"] = f"not drawn: {type(error).__name__}: {error}".replace("\n", " ")
        return written


def discover(
    results: Results | str | Path,
    metric: str,
    below: float | None = None,
    above: float | None = None,
    statistic: str = "mean",
    scenario: str | None = None,
    min_density: float = MIN_DENSITY,
    max_boxes: int = MAX_BOXES,
) -> Discovery:
    """Find the boxes of parameter values where the metric's run summary lies `below`
    (or `above`, strictly) a threshold. `scenario` keeps one base scenario of a sweep
    that crossed several; otherwise the base scenario is a dimension of its own."""
    results = _sweep(results)
    if (below is None) == (above is None):
        raise DiscoveryError(
            "--below, --above: give exactly one threshold, e.g. --below 0.7 (the runs whose "
            "metric lies below it are the cases of interest)"
        )
    direction, threshold = ("below", below) if below is not None else ("above", above)
    if not math.isfinite(threshold):
        raise DiscoveryError(f"--{direction}: expected a finite number, got {threshold}")
    if not 0 < min_density <= 1:
        raise DiscoveryError(f"--min-density: expected a share in (0, 1], got {min_density}")
    if max_boxes < 1:
        raise DiscoveryError(f"--boxes: expected at least 1, got {max_boxes}")
    if metric not in results.outcomes:
        raise DiscoveryError(unknown_metric(metric, results.outcomes))
    if statistic not in ("mean", "final"):
        raise DiscoveryError(f"--statistic: expected mean or final, got {statistic!r}")
    if not results.parameters:
        raise DiscoveryError(
            f"{results.path}: the sweep varies no parameter (it compares scenarios): "
            "there is no parameter space to find boxes in"
        )
    per_run = run_statistics(results, metric, statistic)
    if scenario is not None:
        if scenario not in results.scenarios:
            raise DiscoveryError(
                f"--scenario: {scenario!r} is not in this sweep ({', '.join(results.scenarios)})"
            )
        per_run = per_run[per_run["scenario"] == scenario]
    undefined = int(per_run[metric].isna().sum())
    per_run = per_run.dropna(subset=[metric]).reset_index(drop=True)
    values = per_run[metric].to_numpy(dtype=float)
    interest = values < threshold if direction == "below" else values > threshold
    cases = int(interest.sum())
    described = f"{metric} ({describe_statistic(metric, statistic)})"
    if cases == 0 or cases == len(values):
        which = "no run" if cases == 0 else "every run"
        raise DiscoveryError(
            f"--{direction} {threshold:g}: {which} of the {len(values)} has {described} "
            f"{direction} it (the runs range from {values.min():.4g} to {values.max():.4g}); "
            "choose a threshold inside that range"
        )
    scenarios = sorted(per_run["scenario"].unique())
    x = _experiments(per_run, results.parameters, scenarios)
    trajectories, chosen, boxes = _find_boxes(x, interest, min_density, max_boxes)
    return Discovery(
        path=results.path,
        sweep=results.manifest["name"],
        metric=metric,
        statistic=statistic,
        direction=direction,
        threshold=float(threshold),
        runs=len(values),
        cases=cases,
        undefined=undefined,
        min_density=min_density,
        boxes=boxes,
        trajectories=trajectories,
        chosen=chosen,
        scenarios=scenarios,
    )


def _sweep(results: Results | str | Path) -> Results:
    if isinstance(results, Results):
        loaded = results
    else:
        path = Path(results)
        if not path.is_dir():
            raise DiscoveryError(f"{path}: no such folder")
        if not (path / "sweep.json").is_file():
            raise DiscoveryError(
                f"{path}: not a sweep folder (no sweep.json): discover reads the output of "
                "run.py sweep"
            )
        loaded = load_results(path)
    if loaded.kind != "sweep":
        raise DiscoveryError(
            f"{loaded.path}: a single run's folder; discover reads a sweep folder (run.py sweep)"
        )
    return loaded


def _experiments(
    per_run: pd.DataFrame, parameters: list[str], scenarios: list[str]
) -> pd.DataFrame:
    """The runs' parameter values as PRIM takes them: numbers as floats (ema_workbench
    3.0's pasting fails on integer columns under pandas 3), yes/no and names as
    categories, and the base scenario as a dimension when the sweep crossed several."""
    x = pd.DataFrame(index=per_run.index)
    for parameter in parameters:
        column = per_run[parameter]
        if pd.api.types.is_bool_dtype(column) or not pd.api.types.is_numeric_dtype(column):
            x[parameter] = column.map(figures.value_label).astype("category")
        else:
            x[parameter] = column.astype("float64")
    if len(scenarios) > 1:
        x[SCENARIO_DIMENSION] = per_run["scenario"].astype(str).astype("category")
    return x


def _find_boxes(
    x: pd.DataFrame, interest: np.ndarray, min_density: float, max_boxes: int
) -> tuple[list[pd.DataFrame], list[int], list[Box]]:
    with warnings.catch_warnings():
        # the package's notices on import and pandas' deprecations inside it: not the
        # user's business, and they would break the one-screen output
        warnings.simplefilter("ignore")
        from ema_workbench.analysis import prim

        finder = prim.Prim(x, interest.copy())
        trajectories, chosen, boxes = [], [], []
        while len(boxes) < max_boxes:
            box = finder.find_box()
            if box is None:
                break
            trajectory = box.peeling_trajectory.reset_index(drop=True)
            pick = _choose(trajectory, min_density)
            reaches = bool(trajectory.loc[pick, "density"] >= min_density)
            if boxes and not reaches:
                break  # later boxes only while they are worth reading
            box.select(pick)
            trajectories.append(trajectory)
            chosen.append(pick)
            boxes.append(_box(len(boxes) + 1, box, pick, finder, reaches))
            if boxes[-1].cases == 0 or not boxes[-1].limits:
                break
            remaining = np.ones(len(interest), dtype=bool)
            for found in finder._boxes:  # noqa: SLF001 - what find_box will peel next
                remaining[found.yi] = False
            if interest[remaining].sum() == 0:
                break
    return trajectories, chosen, boxes


def _choose(trajectory: pd.DataFrame, min_density: float) -> int:
    """The candidate of greatest coverage that reaches the density (fewest restricted
    parameters, then densest, on a tie); the densest when none does."""
    dense = trajectory[trajectory["density"] >= min_density]
    if dense.empty:
        return int(trajectory["density"].idxmax())
    ranked = dense.sort_values(
        ["coverage", "res_dim", "density"], ascending=[False, True, False], kind="stable"
    )
    return int(ranked.index[0])


def _box(number: int, box, pick: int, finder, reaches: bool) -> Box:
    row = box.peeling_trajectory.iloc[pick]
    limits = box.box_lims[pick]
    initial = finder.box_init
    p_values = box.p_values[pick]
    rows = []
    for parameter in initial.columns:
        low, high = limits[parameter].iloc[0], limits[parameter].iloc[1]
        sweep_low, sweep_high = initial[parameter].iloc[0], initial[parameter].iloc[1]
        if isinstance(low, set):
            if low == sweep_low:
                continue
            low, high = sorted(low), None
            sweep_low, sweep_high = sorted(sweep_low), None
        elif low == sweep_low and high == sweep_high:
            continue
        quasi = [q for q in p_values.get(parameter, []) if q is not None and q >= 0]
        taken = np.unique(finder.x[parameter].to_numpy())
        values = None
        if not isinstance(low, list) and taken.size <= FEW_VALUES:
            values = [float(v) for v in taken if low <= v <= high]
        rows.append(
            {
                "parameter": parameter,
                "values": values,
                "low": low,
                "high": high,
                "sweep_low": sweep_low,
                "sweep_high": sweep_high,
                "qp": float(max(quasi)) if quasi else float("nan"),
            }
        )
    return Box(
        number=number,
        coverage=float(row["coverage"]),
        density=float(row["density"]),
        mass=float(row["mass"]),
        runs=int(row["n"]),
        cases=int(row["k"]),
        reaches_density=reaches,
        limits=rows,
    )


def _limits(low, high, values: list | None = None) -> str:
    if isinstance(low, list):
        return "{" + ", ".join(str(v) for v in low) + "}"
    if values:
        return ", ".join(f"{v:g}" for v in values)
    return f"{low:.4g} to {high:.4g}"


def _qp(value: float) -> str:
    return "" if value is None or not math.isfinite(value) else f"{value:.1g}"


def _cell(value):
    """A value JSON and CSV can hold: a set of names as a list, numbers as floats."""
    if isinstance(value, list | set | tuple):
        if all(isinstance(v, int | float) and not isinstance(v, bool) for v in value):
            return sorted(float(v) for v in value)
        return sorted(str(v) for v in value)
    if isinstance(value, np.generic):
        return value.item()
    return value


def _ema_version() -> str:
    try:
        return version("ema_workbench")
    except Exception:  # noqa: BLE001 - a version is a courtesy
        return "?"


def saved_discoveries(folder: Path) -> list[dict]:
    """The discoveries `run.py discover` wrote into a sweep folder (their JSON), for the
    report. A file that does not read is skipped: the report says so."""
    found = []
    for path in sorted(folder.glob("discovery_*.json")):
        try:
            found.append({**json.loads(path.read_text(encoding="utf-8")), "file": path.name})
        except (OSError, ValueError) as error:
            found.append({"file": path.name, "error": str(error)})
    return found


__all__ = ["Box", "Discovery", "DiscoveryError", "ResultsError", "discover", "saved_discoveries"]
