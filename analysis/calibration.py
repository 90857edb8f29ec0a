"""Calibration: score every point of a sweep against the observed network, accept the best
(approximate Bayesian computation by rejection), and write the fitted scenario.

    from analysis.calibration import calibrate
    result = calibrate("results/world_1990_calibration", accept=0.05)
    result.scores      # one row a design point, best first: values, distance, per measure
    result.accepted    # the accepted points (the best `accept` share)
    result.posterior   # per parameter: prior range, accepted range and quartiles, best
    result.best        # the best point's parameter values
    result.write_scenario("scenarios/world_1990_calibrated.yaml", command="...")

`python run.py calibrate SWEEP_DIR` does all of it from the command line; it writes the
fitted scenario into SWEEP_DIR unless `--out` names another file (the presets in
`scenarios/` are only ever written when `--out` names them).

**A calibration sweep** is what `calibrate` takes, and it refuses anything else in one
line. It is a sweep
- over one base scenario, varying at least one of its parameters (or fields);
- whose design samples the prior, so that the accepted points approximate the posterior:
  `grid` or `latin_hypercube` (`CALIBRATION_DESIGNS`). Sobol and Morris designs place
  their points for sensitivity indices (`run.py sensitivity`), not as a sample;
- whose world is the one the observed figures start from: at step 0, the first observed
  year (`START_YEAR`), it has the observed number of states and every run reproduces the
  observed network on every measure, to the precision the observed file gives it (half
  a unit of its last digit: counts exactly, density to 4 decimals, mean degree to 2,
  transitivity to 3; `MEASURES`). For the shipped observed file that is the world of
  1990, `scenarios/world_1990.yaml`, as `scenarios/sweeps/world_1990_calibration.yaml`
  sweeps it; a sweep of another world needs its own observed file (`--observed`).

**Score.** A point's distance is the hindcast's (`analysis.hindcast`): per measure, the
RMSE over the years after the start of the point's mean over its replicates against the
observed value, normalised by the mean observed level; then the mean over measures. The
replicates of a sweep share their seeds across points (common random numbers), so points
differ by their parameters, not by their luck. `distance_sd` is the spread of the
single-replicate distances, a gauge of the noise in the ranking.

**Measures** (`CALIBRATION_MEASURES`): those the model can represent.

- `density`: the growth of the network. `tied_dyads` and `mean_degree` carry the same
  information once set to a common number of states (their normalised RMSE is then the
  same), so they are left out rather than counted three times.
- `states_with_dca`: how far the network reaches.
- `max_degree`: the hubs.
- `transitivity`: clustering.
- `active_agreements` is left out: the model signs at most one agreement per pair, where
  DCAD holds about 1.33 treaties per tied pair, so it cannot match both the agreements and
  the ties; the ties are what the network measures describe.

**Number of states.** The model has no births of states: its world keeps the 165 states
of 1990 while the observed system grows to 195 by 2010. `rescale_observed` sets the
observed counts to the simulated number of states, assuming the states born after 1990
are tied like the others on average: tied dyads (and agreements) scale with the number
of pairs, states with a DCA with the number of states, mean and max degree with the
number of possible partners; density and transitivity are already intensive and stay.

**Acceptance.** The best `accept` share of the scored points, at least one
(round(accept x points)), are accepted: their parameter values approximate the posterior
under the sweep's prior (uniform, or log-uniform, over each range) and a rejection kernel.
The best point is the one with the lowest distance; being the best of many noisy scores it
is flattered (winner's curse), so check it on fresh seeds with `run.py hindcast`.
"""

from __future__ import annotations

import json
import math
import os
import re
import textwrap
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import yaml

from analysis.hindcast import (
    MEASURES,
    OBSERVED_FILE,
    START_YEAR,
    HindcastError,
    compare,
    load_observed,
    measures_from_model,
    score,
)
from simulation.atomic_write import atomic_file

ROOT = Path(__file__).resolve().parent.parent
SCHEMA_FILE = ROOT / "scenarios" / "scenario.schema.json"
DEFAULT_ACCEPT = 0.05
# designs whose points are a sample of the prior (see "A calibration sweep" above)
CALIBRATION_DESIGNS = ("grid", "latin_hypercube")
CALIBRATION_MEASURES: tuple[str, ...] = (
    "density",
    "states_with_dca",
    "max_degree",
    "transitivity",
)
# top-level scenario fields written as one `key: value` line, which the fitted file can
# replace in place (anything else set by the sweep makes it write the whole mapping)
SCALAR_FIELDS = ("name", "seed", "steps")


class CalibrationError(ValueError):
    """Bad calibration input (not a sweep folder, no runs to score, a bad fraction).
    The message is one line for the user."""


# --- scoring -------------------------------------------------------------------------------


def rescale_observed(observed: pd.DataFrame, nations: int) -> pd.DataFrame:
    """The observed figures set to a system of `nations` states (see the module notes):
    counts of pairs x pairs(nations) / pairs(states), counts of states x nations / states,
    degrees x (nations - 1) / (states - 1); density and transitivity unchanged."""
    if nations < 2:
        raise CalibrationError(f"nations: expected at least 2, got {nations}")
    frame = observed.copy()
    states = frame["states"].astype(float)
    pairs = nations * (nations - 1) / (states * (states - 1))
    for column in ("active_agreements", "tied_dyads"):
        frame[column] = frame[column] * pairs
    frame["states_with_dca"] = frame["states_with_dca"] * nations / states
    for column in ("mean_degree", "max_degree"):
        frame[column] = frame[column] * (nations - 1) / (states - 1)
    frame["states"] = nations
    return frame


def score_points(
    runs: pd.DataFrame,
    observed: pd.DataFrame,
    measures: Sequence[str] = CALIBRATION_MEASURES,
    keys: Sequence[str] = ("point",),
    replicate: str = "replicate",
    skip_years: Iterable[int] = (START_YEAR,),
) -> pd.DataFrame:
    """`analysis.hindcast.score` for many groups of runs at once: one row per group
    (`keys`), with `nrmse_<measure>` and `bias_<measure>` for the mean over the group's
    runs (told apart by `replicate`) and their mean, `distance`.

    `runs` is `measures_from_model` output. The same numbers as `compare` then `score`
    on each group (tests/test_calibration.py checks it), vectorised: a sweep of
    thousands of runs scores in a second."""
    measures = list(measures)
    keys = list(keys)
    unknown = [m for m in measures if m not in MEASURES]
    if unknown:
        raise CalibrationError(
            f"unknown measure {unknown[0]!r}; expected one of {', '.join(MEASURES)}"
        )
    if not measures:
        raise CalibrationError("no measures to score")
    years = sorted((set(runs["year"]) & set(observed["year"])) - set(skip_years))
    if not years:
        raise CalibrationError(
            f"no year to score: simulated {runs['year'].min()}-{runs['year'].max()}, "
            f"observed {observed['year'].min()}-{observed['year'].max()}, start year left out"
        )
    rows = runs[runs["year"].isin(years)]
    grouped = rows.groupby([*keys, "year"], sort=True)
    counts = grouped[replicate].nunique()
    per_group = counts.groupby(level=keys).agg(["min", "max", "size"])
    if ((per_group["min"] != per_group["max"]) | (per_group["size"] != len(years))).any():
        raise CalibrationError("the runs of a point do not all cover the same years")
    means = grouped[measures].mean()
    target = observed.set_index("year").loc[means.index.get_level_values("year"), measures]
    error = means - target.to_numpy()
    scale = observed.loc[observed["year"].isin(years), measures].abs().mean()
    scale = scale.where(scale != 0, 1.0)
    by = error.groupby(level=keys, sort=True)
    nrmse = np.sqrt((error**2).groupby(level=keys, sort=True).mean()) / scale
    bias = by.mean() / scale
    table = pd.concat([nrmse.add_prefix("nrmse_"), bias.add_prefix("bias_")], axis=1).reset_index()
    table.insert(len(keys), "distance", nrmse.mean(axis=1).to_numpy())
    table.insert(len(keys) + 1, "replicates", per_group["max"].to_numpy())
    return table


# --- the calibration ----------------------------------------------------------------------


@dataclass
class Calibration:
    """Every point of a sweep scored, the accepted ones and the best."""

    sweep_dir: Path
    manifest: dict
    plan: Any  # simulation.sweeps.plan.SweepPlan
    base_file: Path
    nations: int
    measures: list[str]
    accept: float
    observed_file: str
    scores: pd.DataFrame  # one row a point, best first
    best_table: pd.DataFrame  # hindcast.compare of the best point, rescaled observed
    best_scores: pd.DataFrame  # hindcast.score of the best point over every measure
    best_hindcast_distance: float  # over every measure against the observed as published
    failed_points: list[int] = field(default_factory=list)

    # ------------------------------------------------------------ the results

    @property
    def parameters(self) -> list[str]:
        return list(self.plan.parameters)

    @property
    def accepted(self) -> pd.DataFrame:
        return self.scores[self.scores["accepted"]].reset_index(drop=True)

    @property
    def best_row(self) -> pd.Series:
        return self.scores.iloc[0]

    @property
    def best(self) -> dict[str, Any]:
        """The best point's values, as the sweep ran them (whole numbers stay whole)."""
        return dict(self.plan.points[int(self.best_row["point"])])

    @property
    def distance(self) -> float:
        return float(self.best_row["distance"])

    @property
    def threshold(self) -> float:
        """The largest accepted distance (the rejection kernel's width)."""
        return float(self.accepted["distance"].max())

    @property
    def posterior(self) -> pd.DataFrame:
        """Per parameter: its prior range, the accepted points' min, quartiles and max,
        the share of the prior range they span, the best value, and the rank correlation
        of the parameter with the distance over every scored point."""
        accepted = self.accepted
        records = []
        for name in self.parameters:
            low, high = prior_bounds(self.plan.sweep.parameters[name])
            values = accepted[name].astype(float)
            spread = (values.max() - values.min()) / (high - low) if high > low else math.nan
            records.append(
                {
                    "parameter": name,
                    "prior_low": low,
                    "prior_high": high,
                    "accepted_min": values.min(),
                    "accepted_q25": values.quantile(0.25),
                    "accepted_median": values.median(),
                    "accepted_q75": values.quantile(0.75),
                    "accepted_max": values.max(),
                    "share_of_prior": spread,
                    "best": self.best[name],
                    "rank_correlation": _spearman(self.scores[name], self.scores["distance"]),
                }
            )
        return pd.DataFrame(records)

    def text(self, top: int = 10) -> str:
        sweep = self.plan.sweep
        scores = self.scores
        n_points = len(scores)
        runs = int(scores["replicates"].sum())
        measures = ", ".join(MEASURES[m][0] for m in self.measures)
        lines = [
            f"{sweep.name}: {n_points} points x {sweep.replicates} replicates ({runs} runs) of "
            f"{self.plan.scenario_names[0]}, {sweep.design} over {len(self.parameters)} "
            "parameters",
            f"scored on {measures}",
            f"  (mean normalised RMSE of the replicate mean over the years after {START_YEAR}; "
            f"observed counts rescaled to the {self.nations} simulated states)",
        ]
        if self.failed_points:
            lines.append(
                f"left out {len(self.failed_points)} point(s) with a failed or missing run: "
                + ", ".join(map(str, self.failed_points[:10]))
                + (" ..." if len(self.failed_points) > 10 else "")
            )
        lines.append(f"best {min(top, n_points)} points (distance: mean; sd over replicates):")
        lines.append("  rank  point  distance     sd")
        for row in scores.head(top).itertuples(index=False):
            lines.append(
                f"  {row.rank:>4}  {row.point:>5}  {row.distance:8.3f}  {row.distance_sd:5.3f}"
            )
        accepted = self.accepted
        lines.append(
            f"accepted: the best {self.accept:g} = {len(accepted)} of {n_points} points "
            f"(distance <= {self.threshold:.3f}; median over all points "
            f"{scores['distance'].median():.3f})"
        )
        posterior = self.posterior
        lines.append("posterior (the accepted points) against the prior; rho: rank correlation")
        lines.append(
            "of the parameter with the distance over all points (-: higher values fit better)"
        )
        lines.append(
            f"  {'parameter':<30} {'prior':>9}  {'middle half':>13}  {'range':>14}  "
            f"{'median':>6}  {'best':>6}  {'rho':>5}"
        )
        for row in posterior.itertuples(index=False):
            prior = f"{_short(row.prior_low)}-{_short(row.prior_high)}"
            middle = f"{_short(row.accepted_q25)}-{_short(row.accepted_q75)}"
            spread = f"{_short(row.accepted_min)}-{_short(row.accepted_max)}"
            lines.append(
                f"  {row.parameter:<30} {prior:>9}  {middle:>13}  {spread:>14}  "
                f"{_short(row.accepted_median):>6}  {_short(row.best):>6}  "
                f"{row.rank_correlation:+5.2f}"
            )
        for name in self.parameters:
            axis = self.plan.sweep.parameters[name]
            if axis.integer or axis.values is not None:
                counts = accepted[name].value_counts().sort_index()
                listed = ", ".join(f"{_short(v)}: {n}" for v, n in counts.items())
                lines.append(f"  {name} among the accepted: {listed}")
        best = self.best_row
        lines.append(
            f"best point {int(best['point'])}: distance {best['distance']:.3f} "
            f"(sd {best['distance_sd']:.3f} over {int(best['replicates'])} replicates)"
        )
        for row in self.best_scores.itertuples(index=False):
            mark = "*" if row.measure in self.measures else " "
            lines.append(
                f"  {mark} {MEASURES[row.measure][0]:<18} {row.nrmse:6.3f}   bias {row.bias:+7.3f}"
            )
        lines.append("  (* scored; every measure here against the rescaled observed figures)")
        lines.append(
            "  over all seven measures against the published figures (as run.py hindcast "
            f"scores it): distance {self.best_hindcast_distance:.3f}"
        )
        return "\n".join(lines)

    # ---------------------------------------------------------------- writing

    def write_scores(self, path: str | Path) -> Path:
        """The scores, one row a point, best first (CSV)."""
        path = Path(path)
        with atomic_file(path) as temporary:
            self.scores.to_csv(temporary, index=False, lineterminator="\n")
        return path

    def fitted_data(self) -> dict:
        """The base scenario's mapping with the sweep's fixed values and the best point's
        values, renamed `<base>_calibrated`."""
        from simulation.scenario import apply_scenario_overrides

        data = apply_scenario_overrides(self.plan.scenario_data[0], self.best, str(self.base_file))
        data["name"] = f"{self.plan.scenario_names[0]}_calibrated"
        return data

    def write_scenario(self, path: str | Path, command: str) -> Path:
        """Write the fitted scenario: the base file with the fitted values under
        `parameters:` (its layout kept) and a header saying how it was fitted. It is read
        back and validated before it replaces anything."""
        from simulation.scenario import scenario_from_dict
        from simulation.scenario_files import ScenarioError, parse_yaml

        path = Path(path)
        if path.resolve() == self.base_file.resolve():
            raise CalibrationError(f"{path}: is the base scenario itself; choose another --out")
        if path.is_dir():
            raise CalibrationError(f"{path}: is a folder, expected a scenario file name")
        expected = self.fitted_data()
        header = self.header(command, path)
        body = self._body_in_place(expected)
        texts = [body] if body is not None else []
        texts.append(_dumped(expected))
        for text in texts:
            full = header + text
            try:
                data, _ = parse_yaml(full, str(path))
            except ScenarioError:
                continue
            if _normal(data) == _normal(expected):
                break
        else:  # pragma: no cover - the dump always reads back as the mapping
            raise CalibrationError(f"{path}: the fitted scenario did not read back as written")
        try:
            scenario_from_dict(data, str(path))
        except ScenarioError as error:
            raise CalibrationError(str(error)) from None
        with atomic_file(path) as temporary:
            temporary.write_text(full, encoding="utf-8")
        return path

    def header(self, command: str, path: Path) -> str:
        sweep = self.plan.sweep
        base = _relative(self.base_file)
        best = self.best_row
        revision = self.manifest.get("git_revision") or "unknown"
        accepted = self.accepted
        measures = ", ".join(self.measures)
        paragraphs = [
            f"{self.plan.scenario_names[0]}, calibrated: {base} with its parameters fitted to "
            "the observed DCA network (under `parameters:`, each with its prior and accepted "
            "ranges); everything else is the base scenario's, whose header and "
            "scenarios/data/SOURCES.md give the data and their sources.",
            f"FITTED on {datetime.now(UTC).date().isoformat()} by",
            f"  {command}",
            f"from the sweep {_relative(self.plan.source)} ({sweep.design}, {len(self.scores)} points x "
            f"{sweep.replicates} replicates with seeds common to every point, run with the "
            f"code at git {revision}). Each point is scored by the hindcast distance "
            "(analysis/hindcast.py: per measure, the RMSE of the replicate mean over "
            f"{START_YEAR + 1}-{START_YEAR + int(self.best_table['step'].max())} normalised "
            "by the mean observed level; then the mean over measures) on "
            f"{measures}, with the observed counts rescaled to the {self.nations} simulated "
            "states (analysis/calibration.py).",
            f"Best point {int(best['point'])}: distance {best['distance']:.3f} (sd "
            f"{best['distance_sd']:.3f} over replicates); over all seven measures, as "
            f"`run.py hindcast` scores them, {self.best_hindcast_distance:.3f}. Approximate "
            f"Bayesian computation by rejection: the best {self.accept:g} ({len(accepted)} of "
            f"{len(self.scores)} points, distance <= {self.threshold:.3f}) accepted.",
            "Do not edit by hand: rerun the sweep and the command above. Check the fit on "
            "fresh seeds with",
            f"  python run.py hindcast --scenario {_relative(path)} --seeds 10",
        ]
        folder = path.resolve().parent
        inside = folder == ROOT or ROOT in folder.parents
        schema = os.path.relpath(SCHEMA_FILE, folder) if inside else str(SCHEMA_FILE)
        lines = [f"# yaml-language-server: $schema={schema}"]
        for k, paragraph in enumerate(paragraphs):
            if paragraph.startswith("  "):  # a command, kept whole on its own line
                lines.append(f"# {paragraph}")
                continue
            follows = paragraphs[k - 1] if k else ""
            if k and not follows.endswith((" by", " with")) and not follows.startswith(" "):
                lines.append("#")
            lines.extend(f"# {line}" for line in textwrap.wrap(paragraph, 86))
        return "\n".join(lines) + "\n"

    def _body_in_place(self, expected: dict) -> str | None:
        """The base file's text without its header, with `name`, `seed`, `steps` and the
        `parameters:` block replaced; None when the fitted mapping differs from the base
        in anything else (a dotted path into regions or nations, say)."""
        from simulation.scenario_files import read_yaml_file

        base, _ = read_yaml_file(self.base_file)
        changed = {k for k in set(base) | set(expected) if base.get(k) != expected.get(k)}
        if not changed <= {*SCALAR_FIELDS, "parameters"}:
            return None
        lines = self.base_file.read_text(encoding="utf-8").splitlines()
        start = 0
        while start < len(lines) and (not lines[start].strip() or lines[start].startswith("#")):
            start += 1
        lines = lines[start:]
        for key in SCALAR_FIELDS:
            if key not in changed:
                continue
            text = f"{key}: {_scalar(expected[key])}"
            index = _top_level_line(lines, key)
            if index is None:
                lines.insert(0, text)
            elif re.fullmatch(rf"{key}:\s*[^\s>|{{\[].*", lines[index]):
                lines[index] = text
            else:
                return None
        if "parameters" in changed:
            block = ["parameters:"] + [
                f"  {name}: {_scalar(value)}{self._note(name)}"
                for name, value in expected.get("parameters", {}).items()
            ]
            index = _top_level_line(lines, "parameters")
            if index is None:
                while lines and not lines[-1].strip():
                    lines.pop()
                lines += ["", *block]
            else:
                end = index + 1
                while end < len(lines) and (not lines[end] or lines[end][0] in " \t#"):
                    end += 1
                while end > index + 1 and not lines[end - 1].strip():
                    end -= 1
                lines[index:end] = block
        return "\n".join(lines) + "\n"

    def _note(self, name: str) -> str:
        if name not in self.plan.sweep.parameters:
            return ""
        row = self.posterior.set_index("parameter").loc[name]
        return (
            f"  # fitted; prior {_short(row['prior_low'])}-{_short(row['prior_high'])}, "
            f"accepted {_short(row['accepted_min'])}-{_short(row['accepted_max'])} "
            f"(middle half {_short(row['accepted_q25'])}-{_short(row['accepted_q75'])})"
        )


def calibrate(
    sweep_dir: str | Path,
    accept: float = DEFAULT_ACCEPT,
    measures: Sequence[str] | None = None,
    observed: str | Path | pd.DataFrame = OBSERVED_FILE,
) -> Calibration:
    """Score every point of the sweep in `sweep_dir` against `observed` and accept the best
    `accept` share. The sweep file that made it must still be where it was, unchanged, with
    its base scenario: the fitted scenario is built from them."""
    from analysis.results import ResultsError, load_results

    if not (isinstance(accept, int | float) and 0 < accept <= 1):
        raise CalibrationError(f"accept: expected a fraction in (0, 1], got {accept}")
    measures = list(CALIBRATION_MEASURES if measures is None else measures)
    sweep_dir = Path(sweep_dir)
    try:
        results = load_results(sweep_dir)
    except ResultsError as error:
        raise CalibrationError(str(error)) from None
    if results.kind != "sweep":
        raise CalibrationError(
            f"{sweep_dir}: a single run's folder; calibrate takes a sweep's folder"
        )
    manifest = results.manifest
    plan = _plan_of(sweep_dir, manifest)
    if len(plan.scenario_names) != 1:
        raise CalibrationError(
            f"{sweep_dir}: the sweep crossed {len(plan.scenario_names)} scenarios; "
            "calibrate takes a sweep over one"
        )
    if not plan.parameters:
        raise CalibrationError(f"{sweep_dir}: the sweep varies no parameter")
    if plan.sweep.design not in CALIBRATION_DESIGNS:
        raise CalibrationError(
            f"{sweep_dir}: not a calibration sweep: its {plan.sweep.design} design places "
            "points for sensitivity indices (run.py sensitivity); calibrate expects a "
            f"sample of the prior, a {' or '.join(CALIBRATION_DESIGNS)} design"
        )
    try:
        observed_frame = (
            observed.copy() if isinstance(observed, pd.DataFrame) else load_observed(observed)
        )
    except HindcastError as error:
        raise CalibrationError(str(error)) from None
    from simulation.scenario import scenario_from_dict

    nations = len(scenario_from_dict(plan.scenario_data[0]).nation_names())
    rescaled = rescale_observed(observed_frame, nations)

    try:
        model = results.model
        runs_table = results.runs
    except ResultsError as error:
        raise CalibrationError(str(error)) from None
    failed = sorted(
        set(runs_table.loc[runs_table["status"] != "ok", "point"].astype(int))
        | (set(range(len(plan.points))) - set(model["point"].astype(int)))
    )
    complete = model.groupby("point")["replicate"].nunique()
    failed = sorted(set(failed) | set(complete[complete < plan.sweep.replicates].index))
    model = model[~model["point"].isin(failed)]
    if model.empty:
        raise CalibrationError(f"{sweep_dir}: no design point has all its runs finished")
    try:
        runs = measures_from_model(model, nations)
    except HindcastError as error:
        raise CalibrationError(f"{sweep_dir}: {error}") from None

    scores = score_points(runs, rescaled, measures)
    _check_start(sweep_dir, runs, observed_frame, nations)
    single = score_points(runs, rescaled, measures, keys=("point", "replicate"))
    spread = single.groupby("point")["distance"].std(ddof=1).fillna(0.0)
    scores.insert(2, "distance_sd", scores["point"].map(spread).to_numpy())
    design = pd.DataFrame(plan.points, columns=plan.parameters)
    design.insert(0, "point", range(len(design)))
    scores = design.merge(scores, on="point", how="inner")
    scores = scores.sort_values(["distance", "point"], kind="stable", ignore_index=True)
    scores.insert(0, "rank", range(1, len(scores) + 1))
    count = accepted_count(accept, len(scores))
    scores["accepted"] = scores["rank"] <= count

    best_point = int(scores.iloc[0]["point"])
    best_runs = runs[runs["point"] == best_point]
    best_table = compare(best_runs, rescaled, run_column="replicate")
    best_scores = score(best_table)
    raw_table = compare(best_runs, observed_frame, run_column="replicate")
    return Calibration(
        sweep_dir=sweep_dir,
        manifest=manifest,
        plan=plan,
        base_file=(plan.source.parent / plan.sweep.scenarios[0]).resolve(),
        nations=nations,
        measures=measures,
        accept=float(accept),
        observed_file=str(observed) if not isinstance(observed, pd.DataFrame) else "<frame>",
        scores=scores,
        best_table=best_table,
        best_scores=best_scores,
        best_hindcast_distance=float(score(raw_table)["nrmse"].mean()),
        failed_points=failed,
    )


def _check_start(sweep_dir: Path, runs: pd.DataFrame, observed: pd.DataFrame, nations: int) -> None:
    """Refuse a sweep whose world is not the one the observed figures start from (see
    "A calibration sweep" in the module notes): at step 0, the first observed year, the
    observed number of states and, in every run, the observed network."""
    expected = (
        "calibrate expects a sweep of the world the observed figures start from "
        f"({_relative(ROOT / 'scenarios' / 'world_1990.yaml')} for the default observed "
        "file; another world needs its own --observed)"
    )
    first = observed[observed["year"] == START_YEAR]
    if first.empty:
        raise CalibrationError(
            f"{sweep_dir}: the observed figures have no {START_YEAR}, the year of step 0, "
            "to check that the runs start from the observed network"
        )
    first = first.iloc[0]
    if int(first["states"]) != nations:
        raise CalibrationError(
            f"{sweep_dir}: not a calibration sweep: its world has {nations} nations at "
            f"step 0, the observed {START_YEAR} has {int(first['states'])} states; {expected}"
        )
    start = runs[runs["year"] == START_YEAR]
    for measure, (label, _, digits) in MEASURES.items():
        tolerance = 0.5 * 10.0**-digits + 1e-9  # half a unit of the observed file's last digit
        off = (start[measure] - first[measure]).abs() > tolerance
        if off.any():
            row = start[off].iloc[0]
            raise CalibrationError(
                f"{sweep_dir}: not a calibration sweep: point {int(row['point'])} does not "
                f"start from the observed network ({label} {row[measure]:.{digits}f} at step "
                f"0 against {first[measure]:.{digits}f} observed in {START_YEAR}); {expected}"
            )


def accepted_count(accept: float, points: int) -> int:
    """Points accepted out of `points` at fraction `accept`: round(accept x points),
    halves up, at least one."""
    return min(points, max(1, math.floor(accept * points + 0.5 + 1e-9)))


def prior_bounds(axis: Any) -> tuple[float, float]:
    """An axis's range (or its listed values' min and max; a normal's mean +/- 3 sd)."""
    if axis.bounds is not None:
        return float(axis.bounds[0]), float(axis.bounds[1])
    if axis.values is not None:
        numbers = [float(v) for v in axis.values if isinstance(v, int | float)]
        return (min(numbers), max(numbers)) if numbers else (math.nan, math.nan)
    return float(axis.mean - 3 * axis.sd), float(axis.mean + 3 * axis.sd)


# --- helpers ------------------------------------------------------------------------------


def _plan_of(sweep_dir: Path, manifest: dict):
    """The sweep's plan from its file, checked to be the one that made the folder."""
    from simulation.scenario_files import ScenarioError
    from simulation.sweeps.plan import load_sweep

    recorded = manifest.get("sweep_file")
    if not recorded:
        raise CalibrationError(f"{sweep_dir}/sweep.json: does not name its sweep file")
    candidates = [Path(recorded)]
    if not Path(recorded).is_absolute():
        candidates.append(ROOT / recorded)
    source = next((c for c in candidates if c.is_file()), None)
    if source is None:
        raise CalibrationError(
            f"{sweep_dir}: its sweep file {recorded} is gone; calibrate needs it (and its "
            "base scenario) to write the fitted scenario"
        )
    try:
        plan = load_sweep(source)
    except ScenarioError as error:
        raise CalibrationError(str(error)) from None
    if plan.fingerprint() != manifest.get("fingerprint"):
        raise CalibrationError(
            f"{sweep_dir}: {recorded} or its scenario has changed since the sweep ran "
            "(fingerprints differ); rerun the sweep"
        )
    return plan


def _spearman(x: pd.Series, y: pd.Series) -> float:
    x, y = x.astype(float).rank(), y.astype(float).rank()
    if x.nunique() < 2 or y.nunique() < 2:
        return math.nan
    return float(np.corrcoef(x, y)[0, 1])


def _short(value: Any) -> str:
    if isinstance(value, bool) or not isinstance(value, int | float | np.number):
        return str(value)
    value = float(value)
    if math.isnan(value):
        return "-"
    if value == int(value) and abs(value) < 1e6:
        return str(int(value))
    return f"{value:.2g}" if abs(value) < 0.1 else f"{value:.3g}"


def _scalar(value: Any) -> str:
    return yaml.safe_dump(value, default_flow_style=True, width=1000).strip().removesuffix("\n...")


def _top_level_line(lines: list[str], key: str) -> int | None:
    for index, line in enumerate(lines):
        if re.match(rf"{re.escape(key)}:(\s|$)", line):
            return index
    return None


def _dumped(data: dict) -> str:
    return yaml.safe_dump(data, sort_keys=False, width=100, allow_unicode=True)


def _normal(data: Any) -> Any:
    return json.loads(json.dumps(data, default=str))


def _relative(path: Path) -> str:
    try:
        return str(Path(path).resolve().relative_to(ROOT))
    except ValueError:
        return str(path)
