"""Phase 1, the environment: threat shocks fade, scheduled scenario events take effect,
capabilities grow (with last year's technology transfer and upkeep), threat is perceived."""

from __future__ import annotations

import numpy as np

from simulation import lifecycle
from simulation.domain import ExitReason
from simulation.guards import check_capability
from simulation.mechanisms import capability as capability_mechanism
from simulation.mechanisms import threat
from simulation.state import WorldState


def advance_environment(state: WorldState, step: int) -> None:
    p = state.parameters
    state.forced_crises = []
    # old shocks fade before this step's events add theirs at full strength
    state.threat_shock *= 1.0 - p.threat_shock_decay
    for event in state.scheduled.get(step, ()):
        apply_scheduled_event(state, event, step)
    shocks = state.rng.standard_normal(state.size)
    grown = capability_mechanism.grow_capability(
        state.capability, shocks, growth=p.capability_growth, volatility=p.capability_volatility
    )
    transfer = capability_mechanism.technology_transfer(
        state.capability,
        state.technology_depth,
        rate=p.technology_transfer_rate,
        pairs=state.tie_pairs,
    )
    spent = capability_mechanism.upkeep(
        state.capability, state.funding_load, funding_cost=p.funding_cost
    )
    state.capability = np.maximum(grown + transfer - spent, 1e-9)
    check_capability(state.capability, state.names, step)
    state.threat = perceive_threat(state)


def perceive_threat(state: WorldState) -> np.ndarray:
    return threat.perceived_threat(
        state.base_threat,
        state.rivalry,
        state.capability,
        state.threat_shock,
        rival_pairs=rival_pairs(state),
    )


def rival_pairs(state: WorldState) -> tuple[np.ndarray, np.ndarray]:
    """Rival dyads (i < j), cached: rivalry changes only when crises escalate (which
    clears the cache when they make new rivals)."""
    if state.rival_pairs_cache is None:
        state.rival_pairs_cache = np.nonzero(np.triu(state.rivalry, 1))
    return state.rival_pairs_cache


def apply_scheduled_event(state: WorldState, event, step: int) -> None:
    """One scenario event (see `simulation.scenario`), logged in words."""
    index = {name: i for i, name in enumerate(state.names)}
    kind = event.type
    if kind == "crisis":
        if event.nations is not None:
            a, b = (index[name] for name in event.nations)
            state.forced_crises.append((min(a, b), max(a, b)))
            targets = np.array([a, b])
            text = f"crisis forced between {event.nations[0]} and {event.nations[1]}"
        else:
            targets = region_members(state, event.region)
            force_regional_crises(state, targets, event.severity)
            text = f"crisis in {event.region} (severity {event.severity})"
        state.threat_shock[targets] += event.severity
    elif kind == "capability_surge":
        i = index[event.nation]
        state.capability[i] *= event.factor
        text = f"capability of {event.nation} multiplied by {event.factor}"
    elif kind == "sovereignty_shift":
        targets = (
            region_members(state, event.region)
            if event.region is not None
            else np.array([index[name] for name in event.nations])
        )
        state.sovereignty_sensitivity[targets] = np.clip(
            state.sovereignty_sensitivity[targets] + event.delta, 0.0, 1.0
        )
        where = event.region if event.region is not None else ", ".join(event.nations)
        text = f"sovereignty sensitivity {event.delta:+g} in {where}"
    elif kind == "threat_shift":
        targets = region_members(state, event.region)
        state.base_threat[targets] = np.clip(state.base_threat[targets] + event.delta, 0, 1)
        text = f"threat {event.delta:+g} in {event.region}"
    elif kind == "leave_agreement":
        nation = index[event.nation]
        agreement = state.registry.by_id[event.agreement]
        if agreement.active and nation in agreement.members:
            lifecycle.leave(state, agreement, nation, step, ExitReason.SCHEDULED_WITHDRAWAL)
            state.ties_stale = True
            text = f"{event.nation} withdraws from {agreement.name}"
        else:
            text = f"{event.nation} was to leave {agreement.name} but is no longer a member"
    else:  # pragma: no cover - the schema admits no other type
        raise ValueError(f"unknown event type {kind!r}")
    state.events.add(step, "scheduled", detail=text, reason=kind)


def region_members(state: WorldState, region: str) -> np.ndarray:
    return np.flatnonzero(state.region == state.region_names.index(region))


def force_regional_crises(state: WorldState, members: np.ndarray, severity: float) -> None:
    """Rivals in the region clash with chance `severity`; with no rivals, one random pair."""
    block = state.rivalry[np.ix_(members, members)]
    rows, columns = np.nonzero(np.triu(block, 1))
    draws = state.rng.random(rows.size)
    pairs = [(members[r], members[c]) for r, c, u in zip(rows, columns, draws) if u < severity]
    if not pairs and members.size >= 2:
        a, b = state.rng.choice(members, size=2, replace=False)
        pairs = [(min(a, b), max(a, b))]
    state.forced_crises.extend((int(a), int(b)) for a, b in pairs)
