"""The agreement network of a run at any step, rebuilt from its membership records.

A nation is a member of an agreement at step s when it joined at or before s and
had not left by s (`left_step` empty, or after s). Two nations are tied at s when
they share at least one agreement in force. The graph's edges carry the
agreements they share, the deepest depth among them and its sector; nodes carry
the nation's attributes at s when the run kept its nations table.

`structure_measures` gives, year by year, the structure the calibration scores (hubs,
agreements per tied pair, ties across regions, assortativity, treaties still in force),
computed as `scenarios/data/dca_network_structure_1990_2000.csv` computes them from DCAD.
"""

from __future__ import annotations

import math

import networkx as nx
import numpy as np
import pandas as pd

from analysis.results import Results, ResultsError


def depth_at(depth_history: str, step: int) -> int:
    """An agreement's depth at `step`, from its history ("1:1 7:2" = depth 1 from
    step 1, depth 2 from step 7); 0 before it was signed."""
    depth = 0
    for change in depth_history.split():
        when, level = change.split(":")
        if int(when) > step:
            break
        depth = int(level)
    return depth


def network_at(results: Results, step: int | None = None, run_id: str | None = None) -> nx.Graph:
    """The agreement network of one run at `step` (default: the last step)."""
    run_ids = results.runs["run_id"].tolist()
    if run_id is None:
        if len(run_ids) > 1:
            raise ResultsError(
                f"run_id: {results.path} holds {len(run_ids)} runs; choose one "
                f"(for example {run_ids[0]!r})"
            )
        run_id = run_ids[0]
    elif run_id not in run_ids:
        raise ResultsError(f"run_id: {run_id!r} is not a run in {results.path}")
    if step is None:
        step = results.steps
    memberships = results.memberships
    memberships = memberships[memberships["run_id"] == run_id]
    left = memberships["left_step"]
    active = memberships[(memberships["joined_step"] <= step) & (left.isna() | (left > step))]
    agreements = results.agreements
    agreements = agreements[agreements["run_id"] == run_id].set_index("agreement_id")

    graph = nx.Graph(run_id=run_id, step=step)
    nations = _nation_attributes(results, run_id, step)
    graph.add_nodes_from((name, attributes) for name, attributes in nations.items())
    for agreement_id, members in active.groupby("agreement_id")["nation"]:
        agreement = agreements.loc[agreement_id]
        depth = depth_at(agreement["depth_history"], step)
        members = sorted(members)
        for i, first in enumerate(members):
            for second in members[i + 1 :]:
                if graph.has_edge(first, second):
                    edge = graph.edges[first, second]
                    edge["agreements"].append(agreement_id)
                    if depth > edge["depth"]:
                        edge["depth"], edge["sector"] = depth, agreement["sector"]
                else:
                    graph.add_edge(
                        first,
                        second,
                        agreements=[agreement_id],
                        depth=depth,
                        sector=agreement["sector"],
                        kind=agreement["kind"],
                    )
    return graph


def _nation_attributes(results: Results, run_id: str, step: int) -> dict[str, dict]:
    try:
        nations = results.nations
    except ResultsError:  # a sweep that kept no nations table: names from memberships
        names = results.memberships.loc[results.memberships["run_id"] == run_id, "nation"]
        return {name: {} for name in sorted(set(names))}
    mine = nations[nations["run_id"] == run_id]
    at_step = mine[mine["step"] == min(step, int(mine["step"].max()))]
    columns = ["region", "capability", "capability_share", "threat", "sovereignty_sensitivity"]
    return {
        row["nation"]: {column: row[column] for column in columns}
        for row in at_step[["nation", *columns]].to_dict("records")
    }


def network_frame(graph: nx.Graph) -> pd.DataFrame:
    """The graph's edges as a table (first, second, depth, sector, agreements)."""
    return pd.DataFrame(
        [
            {"first": a, "second": b, **{k: v for k, v in data.items() if k != "agreements"}}
            | {"agreements": len(data["agreements"])}
            for a, b, data in graph.edges(data=True)
        ],
        columns=["first", "second", "depth", "sector", "kind", "agreements"],
    )


# --- structural measures per year, from a run's tables ------------------------------------

# the measures of the observed structure file (scenarios/data/dca_network_structure_*.csv),
# computed the same way from a run's agreements and nations tables
STRUCTURE_MEASURES: tuple[str, ...] = (
    "agreements_per_tied_pair",
    "max_degree",
    "cross_region_share_new",
    "degree_assortativity",
    "share_start_in_force",
    "closing_share_new",
    "newcomer_share_new",
    "shared_partners_new",
    "smaller_degree_new",
)
# COW code ranges of the observed regions (the regions of scenarios/world_1990.yaml)
COW_REGIONS: tuple[tuple[int, int, str], ...] = (
    (2, 165, "Americas"),
    (200, 399, "Europe"),
    (400, 626, "Africa"),
    (630, 698, "Middle East"),
    (700, 990, "Asia and Oceania"),
)


def region_of_cow_code(code: int) -> str:
    """The region of a COW state code (COW_REGIONS); a code outside them is an error."""
    for low, high, region in COW_REGIONS:
        if low <= code <= high:
            return region
    raise ValueError(f"COW code {code}: in no region ({COW_REGIONS})")


def degree_assortativity(first: np.ndarray, second: np.ndarray, degree: np.ndarray) -> float:
    """Pearson correlation of the degrees at the two ends of the edges (first[k],
    second[k]) of a simple undirected graph, each edge counted in both directions:
    networkx's `degree_assortativity_coefficient`. NaN when undefined (no edge, or every
    end of the same degree)."""
    if len(first) == 0:
        return math.nan
    ends = np.concatenate([degree[first], degree[second]]).astype(float)
    others = np.concatenate([degree[second], degree[first]]).astype(float)
    spread = ends.std()
    if spread == 0:
        return math.nan
    return float(((ends - ends.mean()) * (others - others.mean())).mean() / spread**2)


# The observed yearly figures (dca_network_targets_*.csv) count bilateral DCAs, with
# every state in the system as a node; `structure_measures` gives them too, from a
# run's bilateral agreements, so a pact's ties (NATO in world_1990) never count as DCAs
DCA_NETWORK_FIGURES: tuple[str, ...] = (
    "active_agreements",
    "tied_dyads",
    "density",
    "states_with_dca",
    "mean_degree",
    "transitivity",
)


def dca_network_figures(
    first: np.ndarray, second: np.ndarray, degree: np.ndarray, counted: np.ndarray
) -> dict[str, float]:
    """Tied dyads, density, states with a tie, mean degree and transitivity (global
    clustering: 3 x triangles / connected triples, 0 without triples) of the simple graph
    whose edges are the pairs (first[k], second[k]), over the `counted` nodes."""
    states = int(counted.sum())
    tied = len(first)
    adjacency = np.zeros((degree.size, degree.size))
    adjacency[first, second] = adjacency[second, first] = 1.0
    closed_walks = float(((adjacency @ adjacency) * adjacency).sum())  # 6 x triangles
    triples = float((degree * (degree - 1)).sum())  # 2 x connected triples
    return {
        "tied_dyads": tied,
        "density": tied / (states * (states - 1) / 2) if states > 1 else 0.0,
        "states_with_dca": int((degree[counted] > 0).sum()),
        "mean_degree": 2 * tied / states if states else 0.0,
        "transitivity": closed_walks / triples if triples else 0.0,
    }


def new_tie_profile(
    before: np.ndarray, after: np.ndarray, size: int
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """For each pair tied in `after` and not in `before` (pair codes low x size + high):
    the partners its two states shared in `before`, and the partners then of the less
    and of the better connected of the two. Sorted by pair code."""
    new = np.setdiff1d(after, before)
    adjacency = np.zeros((size, size), dtype=np.int64)
    low, high = before // size, before % size
    adjacency[low, high] = adjacency[high, low] = 1
    degree = adjacency.sum(axis=1)
    new_low, new_high = new // size, new % size
    shared = (adjacency[new_low] * adjacency[new_high]).sum(axis=1)
    fewer = np.minimum(degree[new_low], degree[new_high])
    more = np.maximum(degree[new_low], degree[new_high])
    return shared, fewer, more


def new_tie_shares(
    before: np.ndarray, after: np.ndarray, size: int
) -> tuple[float, float, float, float]:
    """Of the pairs tied in `after` and not in `before` (pair codes low x size + high):
    the share whose two states already shared a partner in `before` (the new tie closes a
    triangle), the share with a state that had no partner in `before` (the tie brings a
    state into the network), the mean number of partners the two states shared (the
    triangles the new tie closes) and the mean number of partners of the less connected
    of the two (whether new ties reach the thinly tied or join the well tied). All NaN
    when no pair is new.

    Micro-patterns of how the network grows (pattern-oriented modelling, Grimm et al.
    2005): the same density and clustering can come from ties that close triangles
    among states already well tied or from ties that reach states outside, and the two
    forecast different clustering once the network is large (docs/MODEL.md 11.1)."""
    shared, fewer, _ = new_tie_profile(before, after, size)
    if shared.size == 0:
        return math.nan, math.nan, math.nan, math.nan
    closing = float((shared > 0).mean())
    newcomer = float((fewer == 0).mean())
    return closing, newcomer, float(shared.mean()), float(fewer.mean())


def structure_measures(
    agreements: pd.DataFrame,
    nations: pd.DataFrame,
    steps: int,
    start_year: int,
) -> pd.DataFrame:
    """The structure measures (STRUCTURE_MEASURES, defined in the contract of issue
    13 and in docs/MODEL.md 11.1) of one run, one row a step 0..`steps`, with its year,
    and the observed file's yearly figures of its bilateral agreements
    (DCA_NETWORK_FIGURES).

    `agreements` is the run's agreements table (`simulation.tables.agreements_table`):
    only bilateral agreements count; one is in force at step s when signed at or before s
    and not ended by s (`ended_step` empty or after s), as in `network_at`. `nations` is
    the run's nations table (step, nation, region and, when the model has state births,
    in_system): a state counts at step s when it is in the system then (every nation when
    the table has no `in_system`), and a pair only when both its members do."""
    bilateral = agreements[agreements["kind"] == "bilateral"]
    first_step = nations[nations["step"] == nations["step"].min()]
    names = first_step["nation"].tolist()
    index = {name: k for k, name in enumerate(names)}
    region = first_step["region"].to_numpy()
    size = len(names)
    members = bilateral["members"].str.split("; ")
    first = np.array([index[m[0]] for m in members], dtype=np.int64)
    second = np.array([index[m[1]] for m in members], dtype=np.int64)
    signed = bilateral["signed_step"].to_numpy(dtype=np.int64)
    ended = bilateral["ended_step"].astype("Float64").fillna(np.inf).to_numpy(dtype=float)
    cross = region[first] != region[second]
    in_force_at_start = (signed <= 0) & (ended > 0)
    pair_code = np.minimum(first, second) * size + np.maximum(first, second)

    in_system = None
    if "in_system" in nations.columns:
        wide = nations.pivot(index="step", columns="nation", values="in_system")
        in_system = wide[names].astype(bool)

    records = []
    previous_pairs = None
    for step in range(steps + 1):
        counted = np.ones(size, dtype=bool)
        if in_system is not None:
            row = in_system.loc[min(step, int(in_system.index.max()))]
            counted = row.to_numpy(dtype=bool)
        both = counted[first] & counted[second]
        in_force = (signed <= step) & (ended > step) & both
        pairs = np.unique(pair_code[in_force])
        degree = np.zeros(size, dtype=np.int64)
        ends_first, ends_second = pairs // size, pairs % size
        np.add.at(degree, ends_first, 1)
        np.add.at(degree, ends_second, 1)
        new = (signed == step) & both
        start_total = int(in_force_at_start.sum())
        # a pair is new when tied now and not a step before, both states counted now (a
        # state that has just entered had no partner before)
        closing, newcomer, shared_new, smaller_new = (
            (math.nan, math.nan, math.nan, math.nan)
            if previous_pairs is None
            else new_tie_shares(previous_pairs, pairs, size)
        )
        previous_pairs = pairs
        records.append(
            {
                "step": step,
                "year": start_year + step,
                **dca_network_figures(ends_first, ends_second, degree, counted),
                "active_agreements": int(in_force.sum()),
                "agreements_per_tied_pair": (
                    int(in_force.sum()) / len(pairs) if len(pairs) else math.nan
                ),
                "max_degree": int(degree[counted].max()) if counted.any() else 0,
                "cross_region_share_new": float(cross[new].mean()) if new.any() else math.nan,
                "degree_assortativity": degree_assortativity(ends_first, ends_second, degree),
                "share_start_in_force": (
                    float(((ended > step) & in_force_at_start).sum()) / start_total
                    if start_total
                    else math.nan
                ),
                "closing_share_new": closing,
                "newcomer_share_new": newcomer,
                "shared_partners_new": shared_new,
                "smaller_degree_new": smaller_new,
            }
        )
    return pd.DataFrame.from_records(records)
