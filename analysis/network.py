"""The agreement network of a run at any step, rebuilt from its membership records.

A nation is a member of an agreement at step s when it joined at or before s and
had not left by s (`left_step` empty, or after s). Two nations are tied at s when
they share at least one agreement in force. The graph's edges carry the
agreements they share, the deepest depth among them and its sector; nodes carry
the nation's attributes at s when the run kept its nations table.
"""

from __future__ import annotations

import networkx as nx
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
