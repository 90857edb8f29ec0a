"""Nations: thin Mesa agents whose state lives in the model's arrays.

Dyadic state (trust, interoperability, ties) is N x N and updated in whole-matrix
operations by the phases of the step; a `Nation` is a named view onto row `index` of
the arrays of the run's state (`simulation.state.WorldState`), so the dashboard and per-nation reporting work the Mesa way without
paying for per-agent Python loops in the step.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np
from mesa import Agent

if TYPE_CHECKING:
    from simulation.agreements import Agreement
    from simulation.model import DefenseCooperationModel


class Nation(Agent):
    """A state with capability, trust toward others, sovereignty sensitivity and a threat picture."""

    model: DefenseCooperationModel

    def __init__(self, model: DefenseCooperationModel, name: str, index: int, region: str):
        super().__init__(model)
        self.name = name
        self.index = index
        self.region = region

    def __repr__(self) -> str:
        return f"Nation({self.name!r})"

    @property
    def capability(self) -> float:
        return float(self.model.state.capability[self.index])

    @property
    def capability_share(self) -> float:
        """Its share of the capability of the states in the system (0 outside it)."""
        state = self.model.state
        if not state.in_system[self.index]:
            return 0.0
        return float(state.capability[self.index] / state.capability[state.in_system].sum())

    @property
    def in_system(self) -> bool:
        """A state of the state system this step (see `mechanisms.state_system`)."""
        return bool(self.model.state.in_system[self.index])

    @property
    def sovereignty_sensitivity(self) -> float:
        return float(self.model.state.sovereignty_sensitivity[self.index])

    @property
    def policy_position(self) -> float:
        return float(self.model.state.policy_position[self.index])

    @property
    def threat(self) -> float:
        return float(self.model.state.threat[self.index])

    @property
    def reputation(self) -> float:
        """Soft power: standing earned through partners and kept promises."""
        return float(self.model.state.reputation[self.index])

    @property
    def trust(self) -> np.ndarray:
        """Trust toward every nation, in model order."""
        return self.model.state.trust[self.index]

    @property
    def mean_trust(self) -> float:
        row = np.delete(self.model.state.trust[self.index], self.index)
        return float(row.mean()) if row.size else 0.0

    @property
    def partners(self) -> list[Nation]:
        tied = np.flatnonzero(self.model.state.tie_depth[self.index])
        return [self.model.nations[j] for j in tied]

    @property
    def degree(self) -> int:
        return int(np.count_nonzero(self.model.state.tie_depth[self.index]))

    @property
    def agreements(self) -> list[Agreement]:
        return self.model.state.registry.of_nation(self.index)

    @property
    def sovereignty_cost(self) -> float:
        """Sovereignty cost borne this step across all its agreements."""
        return float(self.model.state.sovereignty_cost_borne[self.index])

    @property
    def dependence(self) -> float:
        """Depth-weighted reliance on partners stronger than itself."""
        return float(self.model.state.dependence[self.index])

    @property
    def interoperability(self) -> float:
        """Mean interoperability with its partners (0 without partners)."""
        tied = self.model.state.tie_depth[self.index] > 0
        if not tied.any():
            return 0.0
        return float(self.model.state.interoperability[self.index, tied].mean())
