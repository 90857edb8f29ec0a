"""What is measured each step: the model-level columns, the stability index, per-nation records.

Column names are fixed: later work (sweeps, dashboard, notebooks) and users rely
on them. Formulas and ranges are documented in docs/MODEL.md, section "Outcomes".
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

if TYPE_CHECKING:
    from simulation.model import DefenseCooperationModel

MODEL_COLUMNS: tuple[str, ...] = (
    "step",
    "stability_index",
    "conflict_prevention_rate",
    "crises",
    "conflicts_prevented",
    "conflicts_escalated",
    "active_agreements",
    "bilateral_agreements",
    "multilateral_agreements",
    "mean_depth",
    "signings",
    "joinings",
    "deepenings",
    "downgrades",
    "renewals",
    "exits",
    "network_density",
    "transitivity",
    "mean_trust",
    "capability_gini",
    "sovereignty_tension",
    "mean_degree",
    "max_degree",
    "nations_with_agreements",
    "components",
    "mean_interoperability",
    "mean_reputation",
    "allies_called",
    "allies_honoured",
    "allies_reneged",
)

# The columns that count events of the step (the rest are states or rates).
COUNTED_COLUMNS: tuple[str, ...] = (
    "signings",
    "joinings",
    "deepenings",
    "downgrades",
    "renewals",
    "exits",
    "crises",
    "conflicts_prevented",
    "conflicts_escalated",
    "allies_called",
    "allies_honoured",
    "allies_reneged",
)

# Weights of the stability index: peace (few escalations), trust, low sovereignty tension.
STABILITY_WEIGHTS = (0.5, 0.3, 0.2)
# Escalations per nation at which the peace component halves.
ESCALATION_HALF_POINT = 0.02


def stability_index(escalated: int, nations: int, mean_trust: float, tension: float) -> float:
    """Composite stability in [0, 1].

    peace = 1 / (1 + escalated / (ESCALATION_HALF_POINT x nations)): 1 with no escalation,
    0.5 when the step's escalated crises number 2% of the nations (one escalation a
    step among 50 nations).
    stability = 0.5 peace + 0.3 mean trust + 0.2 (1 - sovereignty tension).
    """
    peace = 1.0 / (1.0 + escalated / (ESCALATION_HALF_POINT * max(nations, 1)))
    w_peace, w_trust, w_tension = STABILITY_WEIGHTS
    value = w_peace * peace + w_trust * mean_trust + w_tension * (1.0 - tension)
    return float(min(max(value, 0.0), 1.0))


NATION_COLUMNS: tuple[str, ...] = (
    "step",
    "nation",
    "region",
    "capability",
    "capability_share",
    "threat",
    "sovereignty_sensitivity",
    "policy_position",
    "degree",
    "agreements",
    "max_depth",
    "mean_trust",
    "mean_interoperability",
    "reputation",
    "sovereignty_cost",
    "benefit",
    "dependence",
)


class NationRecorder:
    """Per-step, per-nation state, recorded as whole arrays.

    Mesa's agent reporters call a Python getter per agent per column; recording the
    model's arrays directly gives the same table at a fraction of the cost.
    """

    def __init__(self) -> None:
        self._steps: list[dict[str, np.ndarray]] = []

    def record(self, model: DefenseCooperationModel) -> None:
        n = model.capability.size
        rows = model.tie_pairs[0]  # per-partner figures from the sparse ties
        partners = model.degree
        trust_off = model.trust.sum(axis=1, dtype=np.float64) - np.diag(model.trust)
        interoperability = np.bincount(
            rows, weights=model.interoperability.ravel()[model.tie_flat], minlength=n
        ) / np.maximum(partners, 1)
        memberships = model.memberships_per_nation()
        self._steps.append(
            {
                "step": np.full(n, model.steps, dtype=np.int64),
                "capability": model.capability.copy(),
                "capability_share": model.capability / model.capability.sum(),
                "threat": model.threat.copy(),
                "sovereignty_sensitivity": model.sovereignty_sensitivity.copy(),
                "policy_position": model.policy_position.copy(),
                "degree": partners.astype(np.int64),
                "agreements": memberships,
                "max_depth": model.tie_depth.max(axis=1).astype(np.int64),
                "mean_trust": trust_off / max(n - 1, 1),
                "mean_interoperability": interoperability,
                "reputation": model.reputation.copy(),
                "sovereignty_cost": model.sovereignty_cost_borne.copy(),
                "benefit": model.benefit_received.copy(),
                "dependence": model.dependence.copy(),
            }
        )

    def table(self, names: list[str], regions: list[str]) -> pd.DataFrame:
        if not self._steps:
            return pd.DataFrame(columns=list(NATION_COLUMNS))
        columns = {key: np.concatenate([s[key] for s in self._steps]) for key in self._steps[0]}
        steps = len(self._steps)
        columns["nation"] = np.tile(np.array(names, dtype=object), steps)
        columns["region"] = np.tile(np.array(regions, dtype=object), steps)
        return pd.DataFrame(columns)[list(NATION_COLUMNS)]
