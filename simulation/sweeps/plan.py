"""From a sweep file to the list of runs: scenarios x design points x replicates.

Everything a run needs travels in its `RunTask` (see task.py), so a run's result
depends only on its parameters and its replicate index, wherever it executes.
"""

from __future__ import annotations

import hashlib
import json
import typing
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from simulation.names import clashing_names, safe_name
from simulation.parameters import Parameters
from simulation.scenario import read_scenario_file, scenario_from_dict
from simulation.scenario_files import ScenarioError, read_yaml_file, validate_mapping
from simulation.sweeps.design import design_points, design_size, reach, replicate_seeds, unit_sample
from simulation.sweeps.spec import Sweep
from simulation.sweeps.task import RunTask
from simulation.sweeps.values import apply_sweep_values

# The most runs one sweep may plan (scenarios x design points x replicates): its plan
# alone (a task per run, the design, the manifest) stays within a few hundred MB and a
# few seconds. Raise it here for bigger sweeps, with memory to match.
MAX_SWEEP_RUNS = 100_000
# The most values one design may hold (design points x parameters): each is a Python
# object in the plan, a number in sweep.json, and a step of SALib's Sobol' loop.
MAX_DESIGN_VALUES = 1_000_000
_RAISE_IT = "raise {name} in simulation/sweeps/plan.py to allow more"


@dataclass
class SweepPlan:
    sweep: Sweep
    source: Path
    scenario_names: list[str]
    scenario_data: list[dict]
    root_seed: int
    seeds: list[int]
    points: list[dict[str, Any]]
    sample: np.ndarray | None
    tasks: list[RunTask]

    @property
    def parameters(self) -> list[str]:
        return list(self.sweep.parameters)

    def fingerprint(self) -> str:
        """Changes whenever any run would change: the sweep, the scenarios, the seeds."""
        text = json.dumps(
            {
                "sweep": self.sweep.model_dump(mode="json"),
                "scenarios": self.scenario_data,
                "seeds": self.seeds,
                "points": self.points,
            },
            sort_keys=True,
            default=str,
        )
        return hashlib.sha256(text.encode()).hexdigest()[:16]


def load_sweep(path: str | Path) -> SweepPlan:
    """Read and validate a sweep file and every scenario it names; plan its runs."""
    path = Path(path)
    data, lines = read_yaml_file(path, what="sweep")
    if "regions" in data and "scenarios" not in data:
        raise ScenarioError(
            f"{path}: this is a scenario file; a sweep file names its base scenarios "
            "under 'scenarios:' (see scenarios/sweeps/)"
        )
    sweep = validate_mapping(Sweep, data, str(path), lines)
    sweep = _integer_axes(sweep)
    _check_size(sweep, path)
    base: dict[str, Any] = dict(sweep.fixed)
    # where each fixed value comes from in the sweep file, to report it there
    fields = {name: f"fixed.{name}" for name in sweep.fixed}
    if sweep.steps is not None:
        base["steps"] = sweep.steps
        fields["steps"] = "steps"
    names, datas = [], []
    for index, relative in enumerate(sweep.scenarios):
        where = _line(lines, ("scenarios", index))
        try:
            scenario_path = (path.parent / relative).resolve()
            found = scenario_path.is_file()
        except (OSError, ValueError) as error:  # a name too long, a NUL in it
            reason = getattr(error, "strerror", None) or str(error)
            raise ScenarioError(
                f"{path}: scenarios[{index}]{where}: {_shown(relative)} cannot be a file "
                f"name ({reason})"
            ) from None
        if not found:
            # a name with a control character in it would break the line: quoted, escaped
            looked = str(scenario_path)
            raise ScenarioError(
                f"{path}: scenarios[{index}]{where}: no scenario file {relative!r} "
                f"(looked for {looked if looked.isprintable() else repr(looked)})"
            )
        raw, scenario_lines = read_scenario_file(scenario_path)
        raw, scenario = _with_fixed_values(
            raw, scenario_lines, base, fields, scenario_path, path, lines
        )
        if scenario.name in names:
            raise ScenarioError(
                f"{path}: scenarios[{index}]{where}: a second scenario named {scenario.name!r}"
            )
        _check_distinct_files(names, scenario.name, sweep, path, lines, index)
        _check_axes(sweep, raw, scenario_path, path, lines)
        names.append(scenario.name)
        datas.append(raw)
    root = sweep.seed if sweep.seed is not None else scenario_from_dict(datas[0]).seed
    seeds = replicate_seeds(root, sweep.replicates)
    points = design_points(sweep, root)
    # once a scenario, not once a run: a plan may hold MAX_SWEEP_RUNS runs
    sources = [str((path.parent / relative).resolve()) for relative in sweep.scenarios]
    tables = tuple(sweep.tables)
    prefixes = [safe_name(name) for name in names]
    tasks = [
        RunTask(
            run_id=_run_id(prefix, point, replicate),
            scenario=name,
            point=point,
            replicate=replicate,
            seed=seeds[replicate],
            values=values,
            scenario_data=raw,
            source=source,
            tables=tables,
        )
        for name, prefix, raw, source in zip(names, prefixes, datas, sources, strict=True)
        for point, values in enumerate(points)
        for replicate in range(sweep.replicates)
    ]
    return SweepPlan(
        sweep=sweep,
        source=path,
        scenario_names=names,
        scenario_data=datas,
        root_seed=root,
        seeds=seeds,
        points=points,
        sample=unit_sample(sweep, root),
        tasks=tasks,
    )


def run_id(scenario: str, point: int, replicate: int) -> str:
    """A file-safe id that says what the run is: scenario, design point, replicate.
    The scenario part is `simulation.names.safe_name`; a plan refuses two scenarios
    whose safe names meet (`_check_distinct_files`), so run ids never collide."""
    return _run_id(safe_name(scenario), point, replicate)


def _run_id(prefix: str, point: int, replicate: int) -> str:
    return f"{prefix}-p{point:05d}-r{replicate:03d}"


def _check_size(sweep: Sweep, path: Path) -> None:
    """Refuse a plan too big to hold before a single point of it is drawn."""
    points = design_size(sweep)
    scenarios, replicates = len(sweep.scenarios), sweep.replicates
    runs = scenarios * points * replicates
    if runs > MAX_SWEEP_RUNS:
        raise ScenarioError(
            f"{path}: the sweep makes {runs:,} runs ({scenarios} scenario(s) x {points:,} "
            f"design point(s) x {replicates:,} replicate(s)), over the limit of "
            f"{MAX_SWEEP_RUNS:,} runs: split it into smaller sweeps, or "
            + _RAISE_IT.format(name="MAX_SWEEP_RUNS")
        )
    values = points * len(sweep.parameters)
    if values > MAX_DESIGN_VALUES:
        raise ScenarioError(
            f"{path}: the design holds {values:,} values ({points:,} design point(s) x "
            f"{len(sweep.parameters)} parameter(s)), over the limit of {MAX_DESIGN_VALUES:,}: "
            "vary fewer parameters or take fewer samples, or "
            + _RAISE_IT.format(name="MAX_DESIGN_VALUES")
        )


def _with_fixed_values(
    raw: dict,
    scenario_lines: dict,
    base: dict[str, Any],
    fields: dict[str, str],
    scenario_path: Path,
    path: Path,
    lines: dict,
) -> tuple[dict, Any]:
    """The scenario with the sweep's fixed values (and steps) applied, validated. A value
    that does not fit is the sweep file's problem, so it is reported against the sweep
    file and its field: the first value that fails on its own, else all of them. A
    problem of the scenario file itself is reported against it, with its line."""
    if not base:
        return raw, scenario_from_dict(raw, str(scenario_path), scenario_lines)
    try:
        changed = apply_sweep_values(raw, base, str(scenario_path))
        return changed, scenario_from_dict(changed, str(scenario_path))
    except ScenarioError as error:
        together = str(error).split(": ", 1)[-1]
    scenario_from_dict(raw, str(scenario_path), scenario_lines)
    for name, value in base.items():
        field = fields[name]
        try:
            scenario_from_dict(apply_sweep_values(raw, {name: value}, str(scenario_path)))
        except ScenarioError as error:
            problem = str(error).split(": ", 1)[-1]
            where = _line(lines, tuple(field.split(".", 1)))
            raise ScenarioError(
                f"{path}: {field}{where}: the value {value!r} does not fit "
                f"scenario {scenario_path.name}: {problem}"
            ) from None
    where = _line(lines, ("fixed",))
    raise ScenarioError(
        f"{path}: fixed{where}: together, the fixed values do not fit "
        f"scenario {scenario_path.name}: {together}"
    )


def _check_distinct_files(
    names: list[str], name: str, sweep: Sweep, path: Path, lines: dict, index: int
) -> None:
    """Two scenarios whose names make the same safe name would write the same run ids
    into the same files, each overwriting the other's: refuse the pair."""
    clash = clashing_names([*names, name])
    if clash is None:
        return
    first = names.index(clash[0])
    where = _line(lines, ("scenarios", index))
    raise ScenarioError(
        f"{path}: scenarios[{index}]{where}: scenario {name!r} ({sweep.scenarios[index]}) and "
        f"scenario {clash[0]!r} ({sweep.scenarios[first]}) make the same file name "
        f"{safe_name(name)!r} (names keep letters, digits, '-', '_' and '.'); rename one"
    )


def _integer_axes(sweep: Sweep) -> Sweep:
    # a whole-number parameter (term, diplomatic_capacity) takes whole-number values
    axes = dict(sweep.parameters)
    for name, axis in axes.items():
        field_name = name.removeprefix("parameters.")
        info = Parameters.model_fields.get(field_name)
        if info is not None and _is_int(info.annotation) and not axis.integer:
            axes[name] = axis.model_copy(update={"integer": True})
    return sweep.model_copy(update={"parameters": axes})


def _is_int(annotation: Any) -> bool:
    base = typing.get_args(annotation)[0] if typing.get_origin(annotation) else annotation
    return base is int


def _check_axes(sweep: Sweep, raw: dict, scenario_path: Path, path: Path, lines: dict) -> None:
    """Every axis, at the ends of what it can produce, must give a valid scenario."""
    for name, axis in sweep.parameters.items():
        for value in reach(axis):
            try:
                scenario_from_dict(apply_sweep_values(raw, {name: value}, str(scenario_path)))
            except ScenarioError as error:
                problem = str(error).split(": ", 1)[-1]
                where = _line(lines, ("parameters", name))
                raise ScenarioError(
                    f"{path}: parameters.{name}{where}: the value {value!r} does not fit "
                    f"scenario {scenario_path.name}: {problem}{_normal_hint(axis)}"
                ) from None


def _normal_hint(axis: Any) -> str:
    if axis.distribution != "normal":
        return ""
    low, high = reach(axis)
    return (
        f" (a normal axis draws anywhere from {low:.6g} to {high:.6g}, about 7 sd either "
        "side of its mean: give a smaller 'sd', or a range or a uniform distribution)"
    )


def _shown(text: str, limit: int = 60) -> str:
    """`text` quoted, cut to `limit` characters so one line stays readable."""
    return repr(text) if len(text) <= limit else f"{text[:limit]!r}... ({len(text):,} characters)"


def _line(lines: dict, location: tuple) -> str:
    line = lines.get(location)
    return f" (line {line})" if line else ""
