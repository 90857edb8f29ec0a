"""A short, readable summary of a finished run, for the terminal."""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from simulation.outcomes import stability_parts
from simulation.single_run import RunResult


def what_moved_stability(frame: pd.DataFrame) -> str:
    """The change of the stability index from the first row of the model table to the
    last, told apart into its three terms (`outcomes.stability_parts`), largest first;
    the peace term with the escalations behind it."""
    first, last = frame.iloc[0], frame.iloc[-1]

    def parts(row) -> dict[str, float]:
        return stability_parts(
            int(row["conflicts_escalated"]),
            int(row["states"]),
            float(row["mean_trust"]),
            float(row["sovereignty_tension"]),
        )

    before, after = parts(first), parts(last)
    change = {name: after[name] - before[name] for name in before}
    told = []
    for name in sorted(change, key=lambda name: -abs(change[name])):
        text = f"{name} {change[name]:+.3f}"
        if name == "peace":
            text += (
                f" ({int(first['conflicts_escalated'])} escalations in the first step, "
                f"{int(last['conflicts_escalated'])} in the last)"
            )
        told.append(text)
    return ", ".join(told)


def summarise(result: RunResult, out: Path | None = None) -> str:
    model = result.model
    outcomes = model.outcomes
    frame = model.recorder.model_table()
    crises = int(frame["crises"].sum())
    prevented = int(frame["conflicts_prevented"].sum())
    events = model.events.table()
    exits = events[events["event"] == "exited"]["reason"].value_counts()
    lines = [
        f"{result.scenario.name}: {model.steps} steps, {len(model.names)} nations, "
        f"seed {result.scenario.seed}, {result.wall_seconds:.1f} s",
        f"  stability index        {frame['stability_index'].iloc[0]:.3f} at the start, "
        f"{outcomes['stability_index']:.3f} at the end "
        f"({outcomes['stability_index'] - frame['stability_index'].iloc[0]:+.3f}; "
        f"mean {frame['stability_index'].iloc[1:].mean():.3f} over the run)",
        f"    what moved it        {what_moved_stability(frame)}",
        f"  conflict prevention    {prevented}/{crises} crises prevented"
        + (f" ({prevented / crises:.0%})" if crises else ""),
        f"  agreements in force    {int(frame['active_agreements'].iloc[0])} at the start, "
        f"{outcomes['active_agreements']} at the end "
        f"({outcomes['bilateral_agreements']} bilateral, "
        f"{outcomes['multilateral_agreements']} multilateral), "
        f"mean depth {outcomes['mean_depth']:.2f}",
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
