"""What is measured each step, in one place: the model-level and per-nation outcome
definitions next to their column names, the stability index, and the recorder that
keeps them step by step for both tables.

Column names are fixed: sweeps, the dashboard, notebooks and users rely on them.
Formulas and ranges are documented in docs/MODEL.md, section "Outcomes". To add a
measure: add its column to `MODEL_COLUMNS` (or `NATION_COLUMNS`) and its definition
to `model_outcomes` (or `nation_outcomes`); a counted event also goes in
`COUNTED_COLUMNS` and is counted where it happens (`state.counts[...] += 1`).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from simulation.domain import Kind
from simulation.guards import check_finite
from simulation.mechanisms import capability as capability_mechanism
from simulation.mechanisms import network

if TYPE_CHECKING:
    from simulation.agreements import AgreementRegistry
    from simulation.state import WorldState

MODEL_COLUMNS: tuple[str, ...] = (
    "step",
    "states",
    "stability_index",
    "conflict_prevention_rate",
    "crises",
    "crises_militarised",
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
    "allies_in_fatal_crises",
    "environmental_agreements",
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
    "crises_militarised",
    "conflicts_prevented",
    "conflicts_escalated",
    "allies_called",
    "allies_honoured",
    "allies_reneged",
    "allies_in_fatal_crises",
)

# The stability index reads conflict, and nothing else (trust and sovereignty tension
# are columns of their own): crises weighed by severity, per state and year, over the
# last STABILITY_WINDOW steps. A crisis counts 1, one that came to force 1 more, one
# that turned fatal 2 more.
SEVERITY = {"crises": 1.0, "crises_militarised": 1.0, "conflicts_escalated": 2.0}
STABILITY_WINDOW = 5
# The weighted conflict per state and year of 1991-2000 (GML MID 2.2.1: 47 dyadic
# disputes a year, 29 with force, 15.2 fatal, among 187 states): the index is 0.5 in a
# world as conflict-ridden as the 1990s.
CONFLICT_HALF_POINT = 0.57


def conflict_load(window: list[dict[str, int]]) -> dict[str, float]:
    """Each severity term of the weighted conflict per state and year, averaged over the
    steps of `window` (each a step's `crises`, `crises_militarised`,
    `conflicts_escalated` and `states`); zeros for an empty window."""
    load = dict.fromkeys(SEVERITY, 0.0)
    for counts in window:
        states = max(counts["states"], 1)
        for column, weight in SEVERITY.items():
            load[column] += weight * counts[column] / states
    return {column: value / max(len(window), 1) for column, value in load.items()}


def stability_index(window: list[dict[str, int]]) -> float:
    """Stability in (0, 1]: 1 / (1 + load / CONFLICT_HALF_POINT), where load is the
    weighted conflict per state and year over `window` (`conflict_load`). 1 without
    crises, 0.5 at the 1990s' level of conflict, 1/3 at twice it."""
    load = sum(conflict_load(window).values())
    return float(1.0 / (1.0 + load / CONFLICT_HALF_POINT))


NATION_COLUMNS: tuple[str, ...] = (
    "step",
    "nation",
    "region",
    "in_system",
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


def model_outcomes(state: WorldState) -> dict[str, float | int]:
    """The model table's row for the step just ended (every column but `step`), as plain
    Python numbers."""
    counts = state.counts
    # every count and mean is over the states in the system (`states`: None when every
    # nation is one, and the whole arrays serve)
    states = state.states_if_not_all()
    n = state.size if states is None else int(np.count_nonzero(states))
    registry = state.registry
    active = registry.active_slots()
    multilateral = int(registry.active_slots(Kind.MULTILATERAL).size)
    # the diagonal (trust in oneself) is 1 by construction: leave it out of the mean
    trust_total = float(state.trust.sum(dtype=np.float64)) - n
    if states is not None:
        # less the rows and columns of the few nations outside (their block counted twice)
        outside = np.flatnonzero(~states)
        trust_total -= float(state.trust[outside].sum(dtype=np.float64))
        trust_total -= float(state.trust[:, outside].sum(dtype=np.float64))
        trust_total += float(state.trust[np.ix_(outside, outside)].sum(dtype=np.float64))
    mean_trust = trust_total / (n * (n - 1)) if n > 1 else 0.0
    total_cost = float(state.sovereignty_cost_borne.sum())
    total_benefit = max(float(state.benefit_received.sum()), 0.0)
    tension = total_cost / (total_cost + total_benefit) if total_cost > 0 else 0.0
    prevention = counts["conflicts_prevented"] / counts["crises"] if counts["crises"] else 1.0
    conflict = {column: counts[column] for column in SEVERITY} | {"states": n}
    degree = state.degree
    capability, reputation = state.capability, state.reputation
    if states is not None:
        degree, capability, reputation = degree[states], capability[states], reputation[states]
    return {
        "states": n,
        "stability_index": stability_index([*state.conflict_window, conflict]),
        "conflict_prevention_rate": float(prevention),
        "crises": counts["crises"],
        "crises_militarised": counts["crises_militarised"],
        "conflicts_prevented": counts["conflicts_prevented"],
        "conflicts_escalated": counts["conflicts_escalated"],
        "active_agreements": int(active.size),
        "bilateral_agreements": int(active.size) - multilateral,
        "multilateral_agreements": multilateral,
        "mean_depth": float(registry.depth[active].mean()) if active.size else 0.0,
        "signings": counts["signings"],
        "joinings": counts["joinings"],
        "deepenings": counts["deepenings"],
        "downgrades": counts["downgrades"],
        "renewals": counts["renewals"],
        "exits": counts["exits"],
        "network_density": network.density(state.ties, pairs=state.tie_pairs, nations=n),
        "transitivity": network.transitivity(
            state.ties, state.common_partners, pairs=state.tie_pairs
        ),
        "mean_trust": mean_trust,
        "capability_gini": capability_mechanism.gini(capability),
        "sovereignty_tension": float(tension),
        "mean_degree": float(degree.mean()) if degree.size else 0.0,
        "max_degree": int(degree.max()) if degree.size else 0,
        "nations_with_agreements": int(np.count_nonzero(degree)),
        "components": network.count_components(
            state.ties, pairs=state.tie_pairs, adjacency=state.adjacency
        ),
        "mean_interoperability": float(state.interoperability.ravel()[state.tie_flat].mean())
        if state.tie_flat.size
        else 0.0,
        "mean_reputation": float(reputation.mean()) if reputation.size else 0.0,
        "allies_called": counts["allies_called"],
        "allies_honoured": counts["allies_honoured"],
        "allies_reneged": counts["allies_reneged"],
        "allies_in_fatal_crises": counts["allies_in_fatal_crises"],
        "environmental_agreements": int(registry.environmental[active].sum()),
    }


def memberships_per_nation(registry: AgreementRegistry, n: int) -> np.ndarray:
    """How many active agreements each of the `n` nations is a member of."""
    slots = registry.active_slots(Kind.BILATERAL)
    counts = np.bincount(registry.first[slots], minlength=n) + np.bincount(
        registry.second[slots], minlength=n
    )
    for pact in registry.active_pacts():
        counts[pact.members] += 1
    return counts


def nation_outcomes(state: WorldState, step: int) -> dict[str, np.ndarray]:
    """The nations table's rows for the step just ended (every column but the names),
    as whole arrays: one entry a nation."""
    n = state.size
    rows = state.tie_pairs[0]  # per-partner figures from the sparse ties
    partners = state.degree
    states = state.states_if_not_all()
    if states is None:
        trust_off = state.trust.sum(axis=1, dtype=np.float64) - np.diag(state.trust)
        others = max(n - 1, 1)
        share = state.capability / state.capability.sum()
    else:
        # shares of, and trust in, the states in the system; a nation outside holds none
        outside = np.flatnonzero(~states)
        trust_off = state.trust.sum(axis=1, dtype=np.float64)
        trust_off -= state.trust[:, outside].sum(axis=1, dtype=np.float64)
        trust_off -= np.where(states, np.diag(state.trust), 0.0)
        others = np.maximum(np.count_nonzero(states) - states, 1)
        total = state.capability[states].sum()
        share = np.where(states, state.capability / total, 0.0) if total > 0 else np.zeros(n)
    interoperability = np.bincount(
        rows, weights=state.interoperability.ravel()[state.tie_flat], minlength=n
    ) / np.maximum(partners, 1)
    return {
        "step": np.full(n, step, dtype=np.int64),
        "in_system": state.in_system.copy(),
        "capability": state.capability.copy(),
        "capability_share": share,
        "threat": state.threat.copy(),
        "sovereignty_sensitivity": state.sovereignty_sensitivity.copy(),
        "policy_position": state.policy_position.copy(),
        "degree": partners.astype(np.int64),
        "agreements": memberships_per_nation(state.registry, n),
        "max_depth": state.tie_depth.max(axis=1).astype(np.int64),
        "mean_trust": trust_off / others,
        "mean_interoperability": interoperability,
        "reputation": state.reputation.copy(),
        "sovereignty_cost": state.sovereignty_cost_borne.copy(),
        "benefit": state.benefit_received.copy(),
        "dependence": state.dependence.copy(),
    }


class OutcomeRecorder:
    """Both outcome tables, kept step by step: the model table as one list a column of
    plain Python numbers, the nations table as whole arrays a step.

    Recording arrays directly, rather than through Mesa's per-agent reporters and
    DataCollector's per-value deep copies, gives the same tables at a fraction of the
    cost.
    """

    def __init__(self) -> None:
        self._model: dict[str, list] = {column: [] for column in MODEL_COLUMNS}
        self._nations: list[dict[str, np.ndarray]] = []

    def record(self, state: WorldState, step: int) -> dict[str, float | int]:
        """Measure the step just ended; returns its model-level outcomes. A number that
        is not finite stops the run (`guards.SimulationError`) before it is recorded."""
        outcomes = model_outcomes(state)
        nations = nation_outcomes(state, step)
        check_finite(outcomes, nations, state.names, step)
        self._model["step"].append(step)
        for column, value in outcomes.items():
            self._model[column].append(value)
        self._nations.append(nations)
        return outcomes

    def __len__(self) -> int:
        return len(self._model["step"])

    def model_table(self) -> pd.DataFrame:
        """One row a recorded step, the columns of `MODEL_COLUMNS`."""
        return pd.DataFrame(self._model, columns=list(MODEL_COLUMNS))

    def nations_table(self, names: list[str], regions: list[str]) -> pd.DataFrame:
        """One row a (recorded step, nation), the columns of `NATION_COLUMNS`."""
        if not self._nations:
            return pd.DataFrame(columns=list(NATION_COLUMNS))
        steps = self._nations
        columns = {key: np.concatenate([s[key] for s in steps]) for key in steps[0]}
        columns["nation"] = np.tile(np.array(names, dtype=object), len(steps))
        columns["region"] = np.tile(np.array(regions, dtype=object), len(steps))
        return pd.DataFrame(columns)[list(NATION_COLUMNS)]
