"""The model as the dashboard builds it: from a preset's name and what a person typed.

Mesa's SolaraViz re-creates the model on Reset by calling its class with the
values of the controls. `ExplorerModel` takes those values as they come (a seed
typed as text, a slider's number), and never refuses to be built: a value that
does not validate is reported in `input_error`, shown in the page, and the model
is built without it, so the page keeps working.
"""

from __future__ import annotations

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
        overrides: dict = {}
        text = str(seed).strip()
        if text:
            try:
                value = int(text)
                if value < 0:
                    raise ValueError
                overrides["seed"] = value
            except ValueError:
                problems.append(
                    f"seed: expected a whole number of 0 or more, got {text!r}; "
                    "using the scenario's own seed"
                )
        accepted = dict(overrides)
        for name, value in parameters.items():
            try:
                load_scenario(path, {**accepted, f"parameters.{name}": value})
            except ScenarioError as error:
                problems.append(str(error).split(": ", 1)[-1] + f"; {name} left as it was")
            else:
                accepted[f"parameters.{name}"] = value
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
