"""A short, readable summary of a finished run, for the terminal."""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from simulation.outcomes import SEVERITY, STABILITY_WINDOW, conflict_load, stability_index
from simulation.single_run import RunResult


def conflict_windows(frame: pd.DataFrame) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The model table's first and last `STABILITY_WINDOW` steps after step 0 (which
    has no crisis by definition): the windows the stability index reads at the start
    and at the end of the run. They overlap in a run shorter than two windows."""
    steps = frame.iloc[1:]
    return steps.iloc[:STABILITY_WINDOW], steps.iloc[-STABILITY_WINDOW:]


def records(window: pd.DataFrame) -> list[dict[str, int]]:
    """A window of the model table as the conflict counts `outcomes.conflict_load` reads."""
    return window[[*SEVERITY, "states"]].astype(int).to_dict("records")


def what_moved_stability(frame: pd.DataFrame) -> str:
    """What changed the stability index between the first and the last window of the
    run: the change of each severity term of the weighted conflict per state and year
    (`outcomes.conflict_load`), largest first, with the counts behind it."""
    first, last = conflict_windows(frame)
    if first.empty:
        return "no step run"
    before, after = conflict_load(records(first)), conflict_load(records(last))
    label = {
        "crises": "crises",
        "crises_militarised": "force used",
        "conflicts_escalated": "fatal",
    }
    told = []
    for column in sorted(SEVERITY, key=lambda column: -abs(after[column] - before[column])):
        told.append(
            f"{label[column]} {int(first[column].sum())} -> {int(last[column].sum())}"
            f" ({after[column] - before[column]:+.3f})"
        )
    return "weighted conflict per state a year " + (
        f"{sum(before.values()):.3f} -> {sum(after.values()):.3f}: " + ", ".join(told)
    )


def stability_line(frame: pd.DataFrame) -> str:
    """The stability index over the run's first and last windows, and its change."""
    first, last = conflict_windows(frame)
    if first.empty:
        return f"  stability index        {frame['stability_index'].iloc[0]:.3f} (no step run)"
    before, after = stability_index(records(first)), stability_index(records(last))
    return (
        f"  stability index        {before:.3f} over steps {first['step'].iloc[0]}-"
        f"{first['step'].iloc[-1]}, {after:.3f} over steps {last['step'].iloc[0]}-"
        f"{last['step'].iloc[-1]} ({after - before:+.3f}; 0.5 = the conflict of the 1990s)"
    )


def summarise(result: RunResult, out: Path | None = None) -> str:
    model = result.model
    outcomes = model.outcomes
    frame = model.recorder.model_table()
    crises = int(frame["crises"].sum())
    prevented = int(frame["conflicts_prevented"].sum())
    militarised = int(frame["crises_militarised"].sum())
    events = model.events.table()
    exits = events[events["event"] == "exited"]["reason"].value_counts()
    lines = [
        f"{result.scenario.name}: {model.steps} steps, {len(model.names)} nations, "
        f"seed {result.scenario.seed}, {result.wall_seconds:.1f} s",
        stability_line(frame),
        f"    what moved it        {what_moved_stability(frame)}",
        f"  conflict prevention    {prevented}/{crises} crises prevented from turning fatal"
        + (f" ({prevented / crises:.0%})" if crises else "")
        + f"; {militarised} came to force, {crises - prevented} turned fatal",
        f"  agreements in force    {int(frame['active_agreements'].iloc[0])} at the start, "
        f"{outcomes['active_agreements']} at the end "
        f"({outcomes['bilateral_agreements']} bilateral, "
        f"{outcomes['multilateral_agreements']} multilateral"
        + (
            f", {outcomes['environmental_agreements']} with environmental provisions"
            if outcomes["environmental_agreements"]
            else ""
        )
        + f"), mean depth {outcomes['mean_depth']:.2f}",
        f"  over the run           {int(frame['signings'].sum())} signed, "
        f"{int(frame['deepenings'].sum())} deepened, "
        f"{int(frame['downgrades'].sum())} stepped down, {int(frame['renewals'].sum())} renewed, "
        f"{int(frame['exits'].sum())} exits",
    ]
    if len(exits):
        reasons = ", ".join(f"{reason} {count}" for reason, count in exits.items())
        lines.append(f"  exits by reason        {reasons}")
    # a pact ties all its members to one another: a reader comparing with a network of
    # bilateral treaties (DCAD, the hindcast) needs to know its ties are in the figures
    label = "network (pacts too)" if outcomes["multilateral_agreements"] else "network"
    lines.append(
        f"  {label:<23}density {outcomes['network_density']:.3f}, "
        f"transitivity {outcomes['transitivity']:.3f}, mean trust "
        f"{frame['mean_trust'].iloc[0]:.3f} -> {outcomes['mean_trust']:.3f}"
    )
    if out is not None:
        lines.append(f"results in {out}/")
    return "\n".join(lines)
