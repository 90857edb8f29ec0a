"""Runs a parameter at a low and a high value over several seeds and summarises outcomes.

Used by test_parameter_effects.py, and runnable by hand to see the figures:
    python -m tests.parameter_effects sovereignty_weight 0.3 2.0
"""

from __future__ import annotations

import sys

import numpy as np
import pandas as pd

from simulation.domain import Kind
from simulation.model import DefenseCooperationModel
from simulation.scenario import scenario_from_dict
from simulation.tables import all_tables
from tests.conftest import located_world, small_world

SEEDS = (1, 2, 3, 4, 5, 6)
STEPS = 30


def run_tables(
    parameters: dict,
    seed: int,
    steps: int = STEPS,
    located: bool = False,
    fixed: dict | None = None,
    **changes,
) -> dict[str, pd.DataFrame]:
    """One run of the small test world; `located` places its regions on the map, and
    `fixed` holds other parameters at given values under the compared ones."""
    world = located_world if located else small_world
    parameters = {**(fixed or {}), **parameters}
    scenario = scenario_from_dict(world(seed=seed, steps=steps, parameters=parameters, **changes))
    model = DefenseCooperationModel(scenario)
    for _ in range(scenario.steps):
        model.step()
    tables = all_tables(model)
    tables["_model"] = model
    return tables


def measures(tables: dict) -> dict[str, float]:
    """Outcome measures of one run, each a single number."""
    model_table = tables["model"].iloc[1:]
    events = tables["events"]
    nations = tables["nations"]
    last = tables["model"].iloc[-1]
    exits = events[events["event"] == "exited"]
    crises = model_table["crises"].sum()
    model = tables["_model"]
    ties = model.state.ties
    same_region = model.state.same_region & ties
    degrees = ties.sum(axis=1)
    agreements = tables["agreements"]
    return {
        "signings": float(model_table["signings"].sum()),
        "deepenings": float(model_table["deepenings"].sum()),
        "renewals": float(model_table["renewals"].sum()),
        "exits": float(model_table["exits"].sum()),
        "exit_rate": float(
            model_table["exits"].sum() / max(model_table["active_agreements"].sum(), 1)
        ),
        "crises": float(crises),
        "escalated": float(model_table["conflicts_escalated"].sum()),
        "prevention_rate": float(model_table["conflicts_prevented"].sum() / crises)
        if crises
        else 1.0,
        "active_agreements": float(model_table["active_agreements"].mean()),
        "multilateral_agreements": float(model_table["multilateral_agreements"].mean()),
        "mean_depth": float(model_table["mean_depth"].mean()),
        "deep_agreements": float((agreements["max_depth"] >= 3).sum()),
        "mean_trust": float(model_table["mean_trust"].mean()),
        "final_mean_trust": float(last["mean_trust"]),
        "capability_gini": float(last["capability_gini"]),
        "sharing_capability_gap": sharing_gap(model),
        "transitivity": float(model_table["transitivity"].mean()),
        "density": float(model_table["network_density"].mean()),
        "max_degree": float(model_table["max_degree"].mean()),
        "agreements_per_tied_pair": agreements_per_tied_pair(model),
        "degree_spread": float(np.std(degrees)),
        "within_region_share": float(same_region.sum() / ties.sum()) if ties.sum() else 0.0,
        "sovereignty_tension": float(model_table["sovereignty_tension"].mean()),
        "stability": float(model_table["stability_index"].mean()),
        "interoperability": float(model_table["mean_interoperability"].mean()),
        "mean_threat": float(nations["threat"].mean()),
        "mean_capability": float(
            nations.loc[nations["step"] == nations["step"].max(), "capability"].mean()
        ),
        "mean_dependence": float(nations["dependence"].mean()),
        "reneged": float(model_table["allies_reneged"].sum()),
        "reneged_share": float(
            model_table["allies_reneged"].sum() / max(model_table["allies_called"].sum(), 1)
        ),
        "early_exits": float(
            (~exits["reason"].isin(["not_renewed", "lapsed", "scheduled_withdrawal"])).sum()
        ),
        "sovereignty_exits": float((exits["reason"] == "sovereignty_backlash").sum()),
        "dominance_exits": float((exits["reason"] == "dominance").sum()),
        "trust_collapse_exits": float((exits["reason"] == "trust_collapse").sum()),
        "funding_exits": float((exits["reason"] == "funding_burden").sum()),
        "mean_tie_distance": mean_tie_distance(model),
        "degree_assortativity": degree_assortativity(ties),
        "strong_weak_ties": strong_weak_ties(ties, model.state.capability),
        # share of the states holding any agreement, mean over the run
        "reach": float((model_table["nations_with_agreements"] / model_table["states"]).mean()),
        "ties_to_rivals_partners": ties_to_rivals_partners(model),
        "emerging_technology_agreements": float(
            (agreements["sector"] == "emerging_technology").sum()
        ),
        "environmental_agreements": float(model_table["environmental_agreements"].mean()),
        "weaker_half_degree": float(
            degrees[np.argsort(model.state.capability)[: degrees.size // 2]].mean()
        ),
    }


def ties_to_rivals_partners(model) -> float:
    """Ties at the last step between a nation and a partner of one of its rivals."""
    state = model.state
    rivals = (state.rivalry > 0).astype(np.int64)
    partners_of_rivals = (rivals @ state.ties.astype(np.int64)) > 0
    np.fill_diagonal(partners_of_rivals, False)
    return float((state.ties & partners_of_rivals & (state.rivalry == 0)).sum())


def mean_tie_distance(model) -> float:
    """Mean km between the capitals of tied nations at the last step (0 without
    locations or ties)."""
    if model.state.distance is None or not model.state.ties.any():
        return 0.0
    return float(model.state.distance[model.state.ties].mean())


def degree_assortativity(ties: np.ndarray) -> float:
    """Pearson correlation of the degrees at the two ends of the ties at the last step
    (networkx's degree assortativity of the simple graph); 0 when undefined."""
    rows, cols = np.nonzero(np.triu(ties, 1))
    degree = ties.sum(axis=1)
    ends = np.r_[degree[rows], degree[cols]], np.r_[degree[cols], degree[rows]]
    if rows.size < 2 or np.std(ends[0]) == 0:
        return 0.0
    return float(np.corrcoef(*ends)[0, 1])


def strong_weak_ties(ties: np.ndarray, capability: np.ndarray) -> float:
    """Ties at the last step between the four strongest nations and the weaker half."""
    order = np.argsort(capability)
    strongest, weaker_half = order[-4:], order[: capability.size // 2]
    return float(ties[np.ix_(strongest, weaker_half)].sum())


def agreements_per_tied_pair(model) -> float:
    """Bilateral agreements in force at the end per pair that holds one (0 with none)."""
    registry = model.state.registry
    slots = registry.active_slots(Kind.BILATERAL)
    if slots.size == 0:
        return 0.0
    first, second = registry.first[slots], registry.second[slots]
    pairs = np.unique(np.minimum(first, second) * model.state.size + np.maximum(first, second))
    return slots.size / pairs.size


def sharing_gap(model) -> float:
    """Mean |log capability ratio| over dyads that share technology (0 with none)."""
    rows, cols = np.nonzero(model.state.technology_depth)
    if rows.size == 0:
        return 0.0
    return float(np.abs(np.log(model.state.capability[rows] / model.state.capability[cols])).mean())


def compare(name: str, low, high, seeds=SEEDS, **changes) -> pd.DataFrame:
    """Mean of each measure over seeds at the low and the high value (common seeds)."""
    rows = []
    for value, label in ((low, "low"), (high, "high")):
        for seed in seeds:
            row = measures(run_tables({name: value}, seed, **changes))
            row.update(level=label, seed=seed)
            rows.append(row)
    frame = pd.DataFrame(rows)
    return frame.drop(columns="seed").groupby("level").mean().T[["low", "high"]]


if __name__ == "__main__":
    parameter, low, high = sys.argv[1], float(sys.argv[2]), float(sys.argv[3])
    with pd.option_context("display.width", 200):
        print(compare(parameter, low, high).round(4))
