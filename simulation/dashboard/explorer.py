"""The model as the dashboard builds it: from a preset's name and what a person typed.

Mesa's SolaraViz re-creates the model on Reset by calling its class with the
values of the controls. `ExplorerModel` takes those values as they come (a seed
typed as text, a slider's number), and never refuses to be built: a value that
does not validate is reported in `input_error`, shown in the page, and the model
is built without it, so the page keeps working.
"""

from __future__ import annotations

import re
from pathlib import Path

import numpy as np

from simulation.domain import MAX_DEPTH, SECTORS
from simulation.model import DefenseCooperationModel
from simulation.scenario import load_scenario
from simulation.scenario_files import ScenarioError

SCENARIOS = Path(__file__).resolve().parent.parent.parent / "scenarios"
DEFAULT_SCENARIO = "baseline"

# the parameters offered as sliders: (name, low, high, step); their defaults come
# from simulation.parameters and a slider overrides the scenario's own value
SLIDERS: tuple[tuple[str, float, float, float], ...] = (
    ("threat_weight", 0.0, 3.0, 0.1),
    ("sovereignty_weight", 0.0, 3.0, 0.1),
    ("funding_cost", 0.0, 0.5, 0.01),
    ("crisis_rate", 0.0, 1.0, 0.01),
    ("trust_growth", 0.0, 0.5, 0.01),
    ("deepening_rate", 0.0, 1.0, 0.05),
    ("dispute_resolution_share", 0.0, 1.0, 0.05),
    ("decision_noise", 0.01, 1.0, 0.01),
)
INTEGER_SLIDERS: tuple[tuple[str, int, int], ...] = (("diplomatic_capacity", 0, 8),)


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


class ExplorerModel(DefenseCooperationModel):
    """A `DefenseCooperationModel` built from the dashboard's controls.

    Args:
        preset: a preset scenario's name (a file stem in scenarios/).
        seed: the seed as typed; blank keeps the scenario's own.
        **parameters: slider values, by parameter name.
    """

    def __init__(self, preset: str = DEFAULT_SCENARIO, seed: str | int = "", **parameters):
        # SolaraViz's Reset passes Mesa's own experiment `scenario` object along: the
        # preset file is this model's scenario, so it is not needed
        parameters.pop("scenario", None)
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
        for name, value in parameters.items():
            field = f"parameters.{name}"
            complaint = schema_complaint(path, {**accepted, field: value}, field)
            if complaint:
                problems.append(f"{complaint}; {name} left as it was")
            else:
                accepted[field] = value
        self.preset = preset
        self.input_error = " | ".join(problems)
        scenario = load_scenario(path, accepted)
        self.scenario_seed = scenario.seed
        super().__init__(scenario)
        # agreements in force by sector and by depth, one row a step (the step-0 state
        # first), for the composition charts
        self.by_sector: list[list[int]] = [self._count_by_sector()]
        self.by_depth: list[list[int]] = [self._count_by_depth()]

    def step(self) -> None:
        super().step()
        self.by_sector.append(self._count_by_sector())
        self.by_depth.append(self._count_by_depth())

    def _count_by_sector(self) -> list[int]:
        active = self.registry.active_slots()
        return np.bincount(self.registry.sector[active], minlength=len(SECTORS)).tolist()

    def _count_by_depth(self) -> list[int]:
        active = self.registry.active_slots()
        return np.bincount(self.registry.depth[active], minlength=MAX_DEPTH + 1)[1:].tolist()
