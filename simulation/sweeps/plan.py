"""From a sweep file to the list of runs: scenarios x design points x replicates.

Everything a run needs travels in its `RunTask` (see task.py), so a run's result
depends only on its parameters and its replicate index, wherever it executes.
"""

from __future__ import annotations

import hashlib
import json
import re
import typing
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from simulation.parameters import Parameters
from simulation.scenario import apply_scenario_overrides, scenario_from_dict
from simulation.scenario_files import ScenarioError, read_yaml_file, validate_mapping
from simulation.sweeps.design import design_points, replicate_seeds, unit_sample
from simulation.sweeps.spec import Sweep
from simulation.sweeps.task import RunTask


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
    base: dict[str, Any] = dict(sweep.fixed)
    if sweep.steps is not None:
        base["steps"] = sweep.steps
    names, datas = [], []
    for index, relative in enumerate(sweep.scenarios):
        scenario_path = (path.parent / relative).resolve()
        where = _line(lines, ("scenarios", index))
        if not scenario_path.is_file():
            raise ScenarioError(
                f"{path}: scenarios[{index}]{where}: no scenario file {relative!r} "
                f"(looked for {scenario_path})"
            )
        raw, _ = read_yaml_file(scenario_path)
        raw = apply_scenario_overrides(raw, base, str(scenario_path)) if base else raw
        scenario = scenario_from_dict(raw, f"{scenario_path} with the sweep's fixed values")
        if scenario.name in names:
            raise ScenarioError(
                f"{path}: scenarios[{index}]{where}: a second scenario named {scenario.name!r}"
            )
        _check_axes(sweep, raw, scenario_path, path, lines)
        names.append(scenario.name)
        datas.append(raw)
    root = sweep.seed if sweep.seed is not None else scenario_from_dict(datas[0]).seed
    seeds = replicate_seeds(root, sweep.replicates)
    points = design_points(sweep, root)
    tasks = [
        RunTask(
            run_id=run_id(name, point, replicate),
            scenario=name,
            point=point,
            replicate=replicate,
            seed=seeds[replicate],
            values=values,
            scenario_data=raw,
            source=str((path.parent / relative).resolve()),
            tables=tuple(sweep.tables),
        )
        for name, raw, relative in zip(names, datas, sweep.scenarios, strict=True)
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
    """A file-safe id that says what the run is: scenario, design point, replicate."""
    slug = re.sub(r"[^A-Za-z0-9_.-]+", "_", scenario).strip("_") or "scenario"
    return f"{slug}-p{point:05d}-r{replicate:03d}"


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
        for value in axis.representatives():
            try:
                scenario_from_dict(apply_scenario_overrides(raw, {name: value}, str(scenario_path)))
            except ScenarioError as error:
                problem = str(error).split(": ", 1)[-1]
                where = _line(lines, ("parameters", name))
                raise ScenarioError(
                    f"{path}: parameters.{name}{where}: the value {value!r} does not fit "
                    f"scenario {scenario_path.name}: {problem}"
                ) from None


def _line(lines: dict, location: tuple) -> str:
    line = lines.get(location)
    return f" (line {line})" if line else ""
