"""Counterfactual runs: the same scenario and seeds with one part of the model switched
off, so that a difference in outcomes can be owed to that part.

`without_agreement_channels` switches off what agreements do in a crisis: the dialogue
channel, dispute-resolution provisions, mediation by shared partners, early warning
through intelligence channels and allies' deterrence (their effects set to 0). Trust
still defuses crises, though agreements build much of it, so the prevention this
attributes to agreements is their direct part, a lower bound. `paired_runs` runs both
arms on common seeds.
"""

from __future__ import annotations

from collections.abc import Callable

import pandas as pd

from simulation.scenario import Scenario
from simulation.single_run import run_scenario

# the parameters through which agreements defuse a crisis (docs/MODEL.md 7.11)
AGREEMENT_CHANNELS = (
    "dialogue_effect",
    "dispute_resolution_effect",
    "mediation_effect",
    "early_warning_effect",
    "deterrence_effect",
)
ARMS = ("as_is", "without_agreement_channels")


def without_agreement_channels(scenario: Scenario) -> Scenario:
    """The scenario with every agreement channel's effect on crises set to 0."""
    parameters = scenario.parameters.model_copy(update=dict.fromkeys(AGREEMENT_CHANNELS, 0.0))
    return scenario.model_copy(update={"parameters": parameters})


def paired_runs(
    scenario: Scenario, seeds: int, progress: Callable[[], None] | None = None
) -> pd.DataFrame:
    """Each of `seeds` seeds (the scenario's, +1, ...) run as is and without the
    agreement channels: one row a run, with its crises, escalations and prevented
    crises summed over its steps and its prevention rate over the run."""
    rows = []
    for offset in range(seeds):
        seed = scenario.seed + offset
        for arm, variant in zip(ARMS, (scenario, without_agreement_channels(scenario))):
            model = run_scenario(variant.model_copy(update={"seed": seed})).tables()["model"]
            crises = int(model["crises"].sum())
            prevented = int(model["conflicts_prevented"].sum())
            rows.append(
                {
                    "seed": seed,
                    "arm": arm,
                    "crises": crises,
                    "escalated": int(model["conflicts_escalated"].sum()),
                    "prevented": prevented,
                    "prevention_rate": prevented / crises if crises else float("nan"),
                    "final_stability_index": float(model["stability_index"].iloc[-1]),
                }
            )
            if progress is not None:
                progress()
    return pd.DataFrame(rows)
