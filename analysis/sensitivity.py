"""Global sensitivity of a model outcome to the parameters of a Sobol or Morris sweep.

Each run is summarised by one number (the metric's mean over its steps, or its
final value); replicates of a design point are averaged (they share seeds across
points, so the noise they leave is common to all points); SALib then computes the
indices on the unit-cube sample the sweep was drawn from, with bootstrap
confidence intervals.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow.parquet as pq

from simulation.atomic_write import atomic_file

CONFIDENCE = 0.95
RESAMPLES = 1000


class SensitivityError(Exception):
    """The folder cannot be analysed as asked. One line for the user."""


@dataclass
class SensitivityResult:
    method: str
    metric: str
    statistic: str
    scenario: str
    table: pd.DataFrame
    path: Path

    def text(self) -> str:
        if self.method == "sobol":
            heading = (
                f"Sobol indices of {self.metric} ({self.statistic} over each run), "
                f"scenario {self.scenario}; +- is the {CONFIDENCE:.0%} confidence half-width"
            )
            columns = [("S1", "S1_conf", "first-order"), ("ST", "ST_conf", "total")]
        else:
            heading = (
                f"Morris elementary effects on {self.metric} ({self.statistic} over each run), "
                f"scenario {self.scenario}; per whole range of each parameter"
            )
            columns = [("mu_star", "mu_star_conf", "mu*"), ("sigma", None, "sigma")]
        width = max(len("parameter"), *(len(p) for p in self.table["parameter"]))
        lines = [heading, f"{'parameter':<{width}}  " + "  ".join(f"{t:>17}" for *_, t in columns)]
        for row in self.table.itertuples(index=False):
            cells = []
            for value, conf, _ in columns:
                figure = f"{getattr(row, value):8.3f}"
                figure += f" +- {getattr(row, conf):5.3f}" if conf else " " * 9
                cells.append(f"{figure:>17}")
            lines.append(f"{row.parameter:<{width}}  " + "  ".join(cells))
        return "\n".join(lines)


def sensitivity_indices(
    sweep_dir: Path, metric: str, statistic: str = "mean", scenario: str | None = None
) -> SensitivityResult:
    """Compute, write (as CSV in the sweep folder) and return the indices."""
    manifest = _manifest(sweep_dir)
    design = manifest["design"]
    if design not in ("sobol", "morris"):
        raise SensitivityError(
            f"{sweep_dir}: a {design} design has no sensitivity indices; "
            "use design: sobol or design: morris in the sweep file"
        )
    if statistic not in ("mean", "final"):
        raise SensitivityError(f"--statistic: expected mean or final, got {statistic!r}")
    scenarios = manifest["scenarios"]
    if scenario is None:
        if len(scenarios) > 1:
            raise SensitivityError(
                f"{sweep_dir}: the sweep crossed {len(scenarios)} scenarios; "
                f"choose one with --scenario ({', '.join(scenarios)})"
            )
        scenario = scenarios[0]
    elif scenario not in scenarios:
        raise SensitivityError(
            f"--scenario: {scenario!r} is not in this sweep ({', '.join(scenarios)})"
        )
    outcome = point_outcomes(sweep_dir, metric, statistic, scenario, manifest["points"])
    names = manifest["parameters"]
    problem = {"num_vars": len(names), "names": names, "bounds": [[0.0, 1.0]] * len(names)}
    sweep = manifest["sweep"]
    seed = manifest["root_seed"] % 2**32
    if design == "sobol":
        from SALib.analyze import sobol

        indices = sobol.analyze(
            problem,
            outcome,
            calc_second_order=sweep["second_order"],
            num_resamples=RESAMPLES,
            conf_level=CONFIDENCE,
            seed=seed,
        )
        keys = ("S1", "S1_conf", "ST", "ST_conf")
    else:
        from SALib.analyze import morris

        indices = morris.analyze(
            problem,
            np.asarray(manifest["unit_sample"]),
            outcome,
            num_resamples=RESAMPLES,
            conf_level=CONFIDENCE,
            num_levels=sweep["levels"],
            seed=seed,
        )
        keys = ("mu", "mu_star", "mu_star_conf", "sigma")
    table = pd.DataFrame({"parameter": names, **{k: np.asarray(indices[k]) for k in keys}})
    table.insert(1, "metric", metric)
    table.insert(2, "statistic", statistic)
    table.insert(3, "scenario", scenario)
    stem = f"sensitivity_{metric}_{statistic}"
    if len(scenarios) > 1:
        stem += "_" + "".join(c if c.isalnum() or c in "-_." else "_" for c in scenario)
    path = sweep_dir / f"{stem}.csv"
    with atomic_file(path) as temporary:
        table.to_csv(temporary, index=False)
    return SensitivityResult(design, metric, statistic, scenario, table, path)


def point_outcomes(
    sweep_dir: Path, metric: str, statistic: str, scenario: str, points: int
) -> np.ndarray:
    """The metric summarised per run, then averaged over replicates, one value a point."""
    folder = sweep_dir / "model"
    files = sorted(folder.glob("*.parquet"))
    if not files:
        raise SensitivityError(f"{sweep_dir}: no finished runs (no files in {folder})")
    columns = pq.read_schema(files[0]).names
    outcomes = columns[columns.index("step") + 1 :]  # identity and parameters come first
    if metric not in outcomes:
        raise SensitivityError(
            f"--metric: {metric!r} is not a model outcome; expected one of {', '.join(outcomes)}"
        )
    frame = pd.read_parquet(
        folder,
        columns=["scenario", "point", "replicate", "step", metric],
        filters=[("scenario", "==", scenario)],
    )
    per_run = frame.sort_values("step").groupby(["point", "replicate"])[metric]
    summary = per_run.mean() if statistic == "mean" else per_run.last()
    per_point = summary.groupby("point").mean().reindex(range(points))
    missing = int(per_point.isna().sum())
    if missing:
        raise SensitivityError(
            f"{sweep_dir}: {missing} of {points} design points have no finished run "
            "for this scenario; finish the sweep first (run.py sweep ... --resume)"
        )
    return per_point.to_numpy(dtype=float)


def _manifest(sweep_dir: Path) -> dict:
    path = sweep_dir / "sweep.json"
    if not sweep_dir.is_dir():
        raise SensitivityError(f"{sweep_dir}: no such folder")
    if not path.is_file():
        raise SensitivityError(f"{sweep_dir}: not a sweep folder (no sweep.json)")
    try:
        return json.loads(path.read_text())
    except (OSError, json.JSONDecodeError) as error:
        raise SensitivityError(f"{path}: unreadable ({error})") from None
