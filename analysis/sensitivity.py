"""Global sensitivity of a model outcome to the parameters of a Sobol or Morris sweep.

Each run is summarised by one number (the metric's mean over its steps, or its
final value; a rate of two counts pooled, as `analysis.results.run_statistics` does);
replicates of a design point are averaged before anything else (they share seeds
across points, so the noise they leave is common to all points); SALib then computes
the indices on the unit-cube sample the sweep was drawn from, with bootstrap
confidence intervals.

The model is stochastic, and what the replicates leave of its noise in a point's
mean is variance no parameter explains. Sobol's estimators count it as the
parameters': each total index is raised by about the noise's share of the variance,
while first-order indices are not (their estimator multiplies two independent runs,
so the noise averages out), which gives small first-order indices beside large
totals. `noise_share` estimates that share from the spread between replicates, and
the warnings say when it, one replicate a point, or an index outside [0, 1] beyond
its interval make the indices unreliable.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow.parquet as pq

from analysis.measures import POOLED_RATES, describe_statistic
from analysis.results import columns_for, reduce_runs, unknown_metric
from simulation.atomic_write import atomic_file

CONFIDENCE = 0.95
RESAMPLES = 1000


class SensitivityError(Exception):
    """The folder cannot be analysed as asked. One line for the user."""


# above this share of the variance of the point means, noise visibly raises the totals
NOISE_WARNING_SHARE = 0.1


@dataclass
class SensitivityResult:
    method: str
    metric: str
    statistic: str
    scenario: str
    table: pd.DataFrame
    path: Path
    replicates: int = 1
    noise_share: float | None = None  # None with one replicate: nothing to estimate it from

    @property
    def warnings(self) -> list[str]:
        return sensitivity_warnings(self.table)

    def _reduction(self) -> str:
        if self.metric in POOLED_RATES:
            return describe_statistic(self.metric, self.statistic)
        return f"{self.statistic} over each run"

    def text(self) -> str:
        if self.method == "sobol":
            heading = (
                f"Sobol indices of {self.metric} ({self._reduction()}), "
                f"scenario {self.scenario}; +- is the {CONFIDENCE:.0%} confidence half-width"
            )
            columns = [("S1", "S1_conf", "first-order"), ("ST", "ST_conf", "total")]
        else:
            heading = (
                f"Morris elementary effects on {self.metric} ({self._reduction()}), "
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
        lines.append(describe_noise(self.replicates, self.noise_share))
        lines += [f"warning: {warning}" for warning in self.warnings]
        return "\n".join(lines)


def describe_noise(replicates: int, noise_share: float | None) -> str:
    """One line: how many replicates each point's value averages, and the noise left."""
    if noise_share is None:
        return (
            "each design point is one run (replicates: 1): the noise of single runs "
            "cannot be told from the parameters' effects"
        )
    return (
        f"each design point is the mean of {replicates} replicates; noise left in those "
        f"means: {noise_share:.0%} of their variance"
    )


def sensitivity_warnings(table: pd.DataFrame) -> list[str]:
    """What makes these indices unreliable, one sentence each: one replicate a point of
    a stochastic model, noise a large share of the variance, an index outside [0, 1]
    beyond its confidence interval. Read from the table alone (its `replicates` and
    `noise_share` columns), so the report gives the same warnings as the command."""
    warnings = []
    replicates = int(table["replicates"].iloc[0]) if "replicates" in table else 1
    noise = table["noise_share"].iloc[0] if "noise_share" in table else None
    if replicates == 1:
        warnings.append(
            "one replicate a design point of a stochastic model: each point's value "
            "carries one run's noise, which the indices count as the parameters' effect "
            "(totals are raised by the noise's share of the variance; first-order indices "
            "are not, so large totals beside small first-order indices may be noise); "
            "set replicates: 4 or more in the sweep file"
        )
    elif noise is not None and pd.notna(noise) and noise > NOISE_WARNING_SHARE:
        warnings.append(
            f"noise is {noise:.0%} of the variance of the point means: "
            + (
                f"each total index may be raised by up to about {noise:.2f}"
                if "ST" in table
                else "elementary effects carry it too"
            )
            + "; raise replicates (the share falls with 1 / replicates)"
        )
    if "ST" in table:
        for index, name in (("S1", "first-order"), ("ST", "total")):
            low = table[index] + table[f"{index}_conf"] < 0
            high = table[index] - table[f"{index}_conf"] > 1
            for row in table[low | high].itertuples(index=False):
                value, conf = getattr(row, index), getattr(row, f"{index}_conf")
                warnings.append(
                    f"{row.parameter}: {name} index {value:.3f} +- {conf:.3f} lies outside "
                    "[0, 1] beyond its interval, which a share of variance cannot: the "
                    "estimate is dominated by noise or too few samples (raise samples "
                    "and replicates)"
                )
    return warnings


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
    outcome, replicates, noise_share = point_values(
        sweep_dir, metric, statistic, scenario, manifest["points"]
    )
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
    table["replicates"] = replicates
    table["noise_share"] = noise_share if noise_share is not None else float("nan")
    stem = f"sensitivity_{metric}_{statistic}"
    if len(scenarios) > 1:
        stem += "_" + "".join(c if c.isalnum() or c in "-_." else "_" for c in scenario)
    path = sweep_dir / f"{stem}.csv"
    with atomic_file(path) as temporary:
        table.to_csv(temporary, index=False)
    return SensitivityResult(
        design, metric, statistic, scenario, table, path, replicates, noise_share
    )


def point_outcomes(
    sweep_dir: Path, metric: str, statistic: str, scenario: str, points: int
) -> np.ndarray:
    """The metric summarised per run, then averaged over replicates, one value a point."""
    return point_values(sweep_dir, metric, statistic, scenario, points)[0]


def point_values(
    sweep_dir: Path, metric: str, statistic: str, scenario: str, points: int
) -> tuple[np.ndarray, int, float | None]:
    """The metric of each design point (its runs summarised, then averaged over the
    replicates), the replicates a point, and the share of the variance of the point
    means that is noise (None with one replicate)."""
    folder = sweep_dir / "model"
    files = sorted(p for p in folder.glob("*.parquet") if not p.name.startswith((".", "_")))
    if not files:
        raise SensitivityError(f"{sweep_dir}: no finished runs (no files in {folder})")
    columns = pq.read_schema(files[0]).names
    outcomes = columns[columns.index("step") + 1 :]  # identity and parameters come first
    if metric not in outcomes:
        raise SensitivityError(unknown_metric(metric, outcomes))
    frame = pd.read_parquet(
        folder,
        columns=["scenario", "point", "replicate", "step", *columns_for(metric)],
        filters=[("scenario", "==", scenario)],
    )
    per_run = reduce_runs(frame, metric, statistic, ["point", "replicate"])
    grouped = per_run.groupby("point")[metric]
    per_point = grouped.mean().reindex(range(points))
    missing = int(per_point.isna().sum())
    if missing:
        finished = set(per_run["point"])
        if len(finished) == points:  # every point ran: its value is undefined
            raise SensitivityError(
                f"--metric: {metric} is undefined at {missing} of {points} design points "
                f"(no {POOLED_RATES[metric].denominator} in any of their runs)"
                if metric in POOLED_RATES
                else f"--metric: {metric} is undefined at {missing} of {points} design points"
            )
        raise SensitivityError(
            f"{sweep_dir}: {missing} of {points} design points have no finished run "
            "for this scenario; finish it first (run.py sweep ... --resume)"
        )
    replicates = int(grouped.size().max())
    noise_share = None
    if replicates > 1:
        noise_share = _noise_share(per_run, metric, per_point)
    return per_point.to_numpy(dtype=float), replicates, noise_share


def _noise_share(per_run: pd.DataFrame, metric: str, per_point: pd.Series) -> float:
    """The share of the variance of the point means that is run noise. Replicate k runs
    on the same seed at every point, so part of its noise is common to all points and
    moves no index: only the rest counts, the residual of an additive fit of point and
    replicate (a two-way layout without interaction); with points missing replicates,
    the whole spread within each point."""
    table = per_run.pivot(index="point", columns="replicate", values=metric)
    points, replicates = table.shape
    spread = float(per_point.var(ddof=1))
    if spread <= 0:
        return 1.0
    if table.isna().any().any() or points < 2:
        grouped = per_run.groupby("point")[metric]
        noise = float((grouped.var(ddof=1) / grouped.count()).mean())
    else:
        values = table.to_numpy(dtype=float)
        residual = (
            values
            - values.mean(axis=1, keepdims=True)
            - values.mean(axis=0, keepdims=True)
            + values.mean()
        )
        variance = float((residual**2).sum() / ((points - 1) * (replicates - 1)))
        noise = variance / replicates
    return min(noise / spread, 1.0)


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
