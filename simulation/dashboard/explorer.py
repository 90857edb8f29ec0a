"""The model as the dashboard builds it: from a preset's name and what a person typed.

`ExplorerModel` takes the controls' values as they come (a seed typed as text, a
slider's number), and never refuses to be built: a value that does not validate is
reported in `input_error`, shown in the page, and the model is built without it, so
the page keeps working. `Choices` is what the controls hold; any change to it builds
a new model at once (`Choices.build`).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field, replace
from pathlib import Path

import numpy as np
import pandas as pd

from simulation.domain import MAX_DEPTH, SECTORS
from simulation.model import DefenseCooperationModel
from simulation.parameters import Parameters
from simulation.scenario import load_scenario
from simulation.scenario_files import ScenarioError

SCENARIOS = Path(__file__).resolve().parent.parent.parent / "scenarios"
DEFAULT_SCENARIO = "baseline"


@dataclass(frozen=True)
class Control:
    """A model parameter offered as a slider: its range on the slider (widened to
    take a scenario's own value outside it), its step and its unit in words."""

    name: str
    low: float
    high: float
    step: float
    unit: str
    integer: bool = False

    @property
    def label(self) -> str:
        return self.name.replace("_", " ")

    @property
    def description(self) -> str:
        """What the parameter moves, from its documentation (simulation/parameters.py)."""
        return Parameters.model_fields[self.name].description or ""

    def shown(self, value: float) -> str:
        """`value` as the slider shows it: as many decimals as its step has."""
        if self.integer:
            return str(int(value))
        decimals = max(0, -int(np.floor(np.log10(self.step)))) if self.step < 1 else 0
        return f"{value:.{decimals}f}"

    def bounds(self, value: float) -> tuple[float, float]:
        """The slider's range, widened to hold `value` (a preset may set one outside)."""
        return min(self.low, value), max(self.high, value)


# the parameters offered as sliders; their starting values are the chosen scenario's
CONTROLS: tuple[Control, ...] = (
    Control("threat_weight", 0.0, 3.0, 0.1, "weight of security gain"),
    Control("sovereignty_weight", 0.0, 3.0, 0.1, "scale of sovereignty cost"),
    Control("funding_cost", 0.0, 0.5, 0.01, "utility per rung of depth a year"),
    Control("crisis_rate", 0.0, 1.0, 0.01, "chance a year, rival neighbours"),
    Control("trust_growth", 0.0, 0.5, 0.01, "trust a year per agreement"),
    Control("deepening_rate", 0.0, 1.0, 0.05, "chance a year of taking a rung"),
    Control("dispute_resolution_share", 0.0, 1.0, 0.05, "share of new agreements"),
    Control("decision_noise", 0.01, 1.0, 0.01, "Gumbel temperature of choice"),
    Control("diplomatic_capacity", 0, 8, 1, "proposals a nation a year", integer=True),
)
CONTROL_BY_NAME = {control.name: control for control in CONTROLS}


# how much of a typed value a message repeats: the Seed box takes any text, and a
# pasted page of it would otherwise come back whole in the message
SHOWN_CHARACTERS = 40


def shown(text: str) -> str:
    """`text` quoted for a message, cut to `SHOWN_CHARACTERS`."""
    if len(text) <= SHOWN_CHARACTERS:
        return repr(text)
    return f"{text[:SHOWN_CHARACTERS]!r}... ({len(text)} characters)"


def schema_complaint(path: Path, overrides: dict, field: str) -> str:
    """What the scenario schema says against `overrides` on the preset at `path`, as
    `field: what was expected`; empty when they load."""
    try:
        load_scenario(path, overrides)
    except ScenarioError as error:
        # the message is `file: field (line N): what was expected`; the file and a line
        # of the preset say nothing about a value typed in the page
        message = str(error)
        found = re.search(rf"(?:^|: ){re.escape(field)}(?: \(line \d+\))?: (.*)$", message)
        return f"{field}: {found.group(1)}" if found else message
    return ""


def preset_names() -> list[str]:
    """The preset scenarios, by file stem (scenarios/*.yaml)."""
    return sorted(path.stem for path in SCENARIOS.glob("*.yaml"))


def preset_values(preset: str) -> dict[str, float]:
    """The value of every slider's parameter in the preset `preset` (its own, or the
    model's default where it sets none)."""
    if preset not in preset_names():
        preset = DEFAULT_SCENARIO
    parameters = load_scenario(SCENARIOS / f"{preset}.yaml").parameters
    return {control.name: getattr(parameters, control.name) for control in CONTROLS}


@dataclass(frozen=True)
class Choices:
    """What the controls hold: a preset, a seed as typed (blank: the preset's own), and
    the parameters moved away from the preset's values, by name."""

    preset: str = DEFAULT_SCENARIO
    seed: str = ""
    parameters: tuple[tuple[str, float], ...] = field(default=())

    def with_preset(self, preset: str) -> Choices:
        """Another scenario: its own parameter values (the sliders follow it); the seed
        typed stays."""
        return replace(self, preset=preset, parameters=())

    def with_seed(self, seed: str) -> Choices:
        return replace(self, seed=seed.strip())

    def with_parameter(self, name: str, value: float, preset_value: float) -> Choices:
        """`name` set to `value`; a value equal to the preset's is no change at all."""
        moved = {key: kept for key, kept in self.parameters if key != name}
        if not np.isclose(value, preset_value, rtol=0, atol=1e-9):
            moved[name] = value
        return replace(self, parameters=tuple(sorted(moved.items())))

    def build(self) -> ExplorerModel:
        return ExplorerModel(self.preset, self.seed, **dict(self.parameters))


class ExplorerModel(DefenseCooperationModel):
    """A `DefenseCooperationModel` built from the dashboard's controls.

    Args:
        preset: a preset scenario's name (a file stem in scenarios/).
        seed: the seed as typed; blank keeps the scenario's own.
        **parameters: slider values, by parameter name (those moved off the preset's).
    """

    def __init__(self, preset: str = DEFAULT_SCENARIO, seed: str | int = "", **parameters):
        problems: list[str] = []
        if preset not in preset_names():
            problems.append(f"preset: no scenario named {preset!r}; using {DEFAULT_SCENARIO}")
            preset = DEFAULT_SCENARIO
        path = SCENARIOS / f"{preset}.yaml"
        # each value is checked against the scenario schema together with the ones
        # accepted before it, so the model below is built from values known to load
        accepted: dict = {}
        text = str(seed).strip()
        if text:
            try:
                value = int(text)
                if value < 0:
                    raise ValueError
            except ValueError:
                problems.append(
                    f"seed: expected a whole number of 0 or more, got {shown(text)}; "
                    "using the scenario's own seed"
                )
            else:
                # the schema's own bound (a seed above 2^63 - 1 is refused there)
                complaint = schema_complaint(path, {**accepted, "seed": value}, "seed")
                if complaint:
                    problems.append(f"{complaint}; using the scenario's own seed")
                else:
                    accepted["seed"] = value
        changed: dict[str, float] = {}
        for name, value in parameters.items():
            field_name = f"parameters.{name}"
            complaint = schema_complaint(path, {**accepted, field_name: value}, field_name)
            if complaint:
                problems.append(f"{complaint}; {name} left as it was")
            else:
                accepted[field_name] = value
                changed[name] = value
        self.preset = preset
        self.input_error = " | ".join(problems)
        self.changed_parameters = changed
        scenario = load_scenario(path, accepted)
        self.scenario_seed = scenario.seed
        self.scenario_steps = scenario.steps
        super().__init__(scenario)
        # agreements in force by sector and by depth, one row a step (the step-0 state
        # first), for the composition charts
        self.by_sector: list[list[int]] = [self._count_by_sector()]
        self.by_depth: list[list[int]] = [self._count_by_depth()]
        # tables built for the step they were asked at: (step, table) by name
        self._tables: dict[str, tuple[int, pd.DataFrame]] = {}

    @property
    def finished(self) -> bool:
        """Whether the run has reached the scenario's last step."""
        return self.steps >= self.scenario_steps

    @property
    def label(self) -> str:
        """The run in words: preset, seed and the parameters moved off the preset's."""
        moved = "".join(
            f", {name} {CONTROL_BY_NAME[name].shown(value) if name in CONTROL_BY_NAME else value}"
            for name, value in sorted(self.changed_parameters.items())
        )
        return f"{self.preset}, seed {self.scenario_seed}{moved}"

    def step(self) -> None:
        super().step()
        self.by_sector.append(self._count_by_sector())
        self.by_depth.append(self._count_by_depth())

    def model_table(self) -> pd.DataFrame:
        """The model table to this step, built once a step however many panels ask."""
        return self._cached("model", self.recorder.model_table)

    def events_table(self) -> pd.DataFrame:
        """Every event of the run so far (`EventLog.table`), built once a step."""
        return self._cached("events", self.events.table)

    def _cached(self, name: str, build) -> pd.DataFrame:
        kept = self._tables.get(name)
        if kept is None or kept[0] != self.steps:
            kept = self._tables[name] = (self.steps, build())
        return kept[1]

    def _count_by_sector(self) -> list[int]:
        active = self.registry.active_slots()
        return np.bincount(self.registry.sector[active], minlength=len(SECTORS)).tolist()

    def _count_by_depth(self) -> list[int]:
        active = self.registry.active_slots()
        return np.bincount(self.registry.depth[active], minlength=MAX_DEPTH + 1)[1:].tolist()
