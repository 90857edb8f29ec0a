"""A short, readable summary of a finished run, for the terminal."""

from __future__ import annotations

from pathlib import Path

from simulation.single_run import RunResult


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
        f"  stability index        {outcomes['stability_index']:.3f} at the end "
        f"(mean {frame['stability_index'].iloc[1:].mean():.3f} over the run)",
        f"  conflict prevention    {prevented}/{crises} crises prevented"
        + (f" ({prevented / crises:.0%})" if crises else ""),
        f"  agreements in force    {outcomes['active_agreements']} "
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
        f"transitivity {outcomes['transitivity']:.3f}, mean trust {outcomes['mean_trust']:.3f}"
    )
    if out is not None:
        lines.append(f"results in {out}/")
    return "\n".join(lines)
