"""Phase 1, the environment: states enter and leave the system, threat shocks fade,
changes phased in over several steps go on, scheduled scenario events take effect,
capabilities grow (with last year's technology transfer and upkeep) or follow their
observed path, threat is perceived."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from simulation import lifecycle
from simulation.domain import ExitReason
from simulation.guards import check_capability
from simulation.mechanisms import capability as capability_mechanism
from simulation.mechanisms import crises, schedule, threat
from simulation.state import WorldState


def advance_environment(state: WorldState, step: int) -> None:
    state.forced_crises = {}
    if step in state.system_changes:
        change_state_system(state, step)
    # old shocks fade before this step's events add theirs at full strength
    state.threat_shock *= 1.0 - state.parameters.threat_shock_decay
    fade_rivalries(state)
    if state.phase_ins:
        continue_phase_ins(state, step)
    for index, event in state.scheduled.get(step, ()):
        # the rows the event logs (an exit, an accession) are put down to it
        with state.events.caused_by(index):
            apply_scheduled_event(state, event, step, index)
    p = state.parameters  # after the events: a parameter_change may have replaced a value
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
    if step in state.observed_capability:
        # a hindcast's capabilities are an input, as observed: what the model would
        # grow is replaced, so no model error compounds in who the great powers are
        nations, observed = state.observed_capability[step]
        state.capability[nations] = observed
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
    """Rival dyads (i < j) of states in the system, cached: rivalry changes only when
    crises escalate (which clears the cache when they make new rivals), the system
    when a state enters or leaves (which clears it too). A rival outside the system
    threatens no one and has no crises."""
    if state.rival_pairs_cache is None:
        first, second = np.nonzero(np.triu(state.rivalry, 1))
        if not state.in_system.all():
            states = state.in_system[first] & state.in_system[second]
            first, second = first[states], second[states]
        state.rival_pairs_cache = (first, second)
    return state.rival_pairs_cache


def fade_rivalries(state: WorldState) -> None:
    """The rivalries crises built fade a year (`crises.faded_rivalry`); those gone leave
    the rival pairs. The scenario's own rivalries stay as listed."""
    first, second = rival_pairs(state)
    if not first.size:
        return
    before = state.rivalry[first, second]
    after = crises.faded_rivalry(before, state.lasting_rivalry[first, second])
    if (after == before).all():
        return
    state.rivalry[first, second] = after
    state.rivalry[second, first] = after
    gone = after == 0
    if gone.any():
        # the pairs whose rivalry ended leave the cache, which stays in order
        state.rival_pairs_cache = (first[~gone], second[~gone])


def add_rival_pairs(state: WorldState, first: np.ndarray, second: np.ndarray) -> None:
    """Pairs that have just become rivals (each `first[k] < second[k]`, states in the
    system) join the cached rival pairs in their place, without gathering every pair
    of the matrix afresh (at 1000 nations, a scan of a million entries)."""
    if state.rival_pairs_cache is None or not first.size:
        return
    n = state.size
    known_first, known_second = state.rival_pairs_cache
    known = known_first * n + known_second
    new = np.unique(first * n + second)
    new = new[~np.isin(new, known, assume_unique=True)]
    merged = np.insert(known, np.searchsorted(known, new), new)
    state.rival_pairs_cache = np.divmod(merged, n)


def change_state_system(state: WorldState, step: int) -> None:
    """States born this step enter, then states gone this step leave (a successor may
    be born the step its predecessor goes), each through `lifecycle`."""
    entering, leaving = state.system_changes[step]
    for nation in entering:
        lifecycle.enter_system(state, nation, step)
    for nation in leaving:
        lifecycle.leave_system(state, nation, step, state.successor.get(nation))
    state.rival_pairs_cache = None
    state.neighbour_pairs_cache = None


@dataclass(slots=True)
class PhaseIn:
    """A scheduled change spread over several steps: it applies a share at each step
    from `first_step` up to `first_step + over - 1`."""

    event: object  # the scenario event (threat_shift, sovereignty_shift, parameter_change)
    first_step: int
    over: int
    start: float = 0.0  # a parameter_change: the parameter's value before the change

    @property
    def last_step(self) -> int:
        return self.first_step + self.over - 1


def continue_phase_ins(state: WorldState, step: int) -> None:
    """The next share of the changes begun in earlier steps; finished ones are dropped."""
    for change in state.phase_ins:
        apply_share(state, change, step)
    state.phase_ins = [change for change in state.phase_ins if change.last_step > step]


def begin_phase_in(state: WorldState, change: PhaseIn) -> None:
    """Apply the first share of a change; keep it if more are to come. A parameter
    changed again before its last change is complete takes the new course only."""
    if change.event.type == "parameter_change":
        state.phase_ins = [
            other
            for other in state.phase_ins
            if other.event.type != "parameter_change"
            or other.event.parameter != change.event.parameter
        ]
    apply_share(state, change, change.first_step)
    if change.over > 1:
        state.phase_ins.append(change)


def apply_share(state: WorldState, change: PhaseIn, step: int) -> None:
    event = change.event
    if event.type == "parameter_change":
        name = event.parameter
        value = schedule.phased_value(
            change.start,
            event.value,
            change.over,
            step - change.first_step + 1,
            integer=type(change.start) is int,
        )
        setattr(state.parameters, name, value)  # validated against its bounds again
        state.refresh_parameter_caches()
        return
    delta = schedule.phased_delta(event.delta, change.over)
    targets = event_targets(state, event)
    if event.type == "threat_shift":
        state.base_threat[targets] = np.clip(state.base_threat[targets] + delta, 0, 1)
    else:
        state.sovereignty_sensitivity[targets] = np.clip(
            state.sovereignty_sensitivity[targets] + delta, 0.0, 1.0
        )


def event_targets(state: WorldState, event) -> np.ndarray:
    """The nations a shift applies to: every nation of its region (states or not: the
    region's environment changes for those yet to enter too), or the listed ones."""
    if event.region is not None:
        return region_members(state, event.region)
    index = {name: i for i, name in enumerate(state.names)}
    return np.array([index[name] for name in event.nations])


def _over(event) -> str:
    return f" over {event.over} steps" if event.over > 1 else ""


def apply_scheduled_event(state: WorldState, event, step: int, cause: int) -> None:
    """One scenario event (see `simulation.scenario`), logged in words; `cause` is its
    index in the scenario's events, which the crises it forces carry."""
    index = {name: i for i, name in enumerate(state.names)}
    kind = event.type
    if kind == "crisis":
        if event.nations is not None:
            a, b = (index[name] for name in event.nations)
            state.forced_crises.setdefault((min(a, b), max(a, b)), cause)
            targets = np.array([a, b])
            text = f"crisis forced between {event.nations[0]} and {event.nations[1]}"
        else:
            targets = region_members(state, event.region)
            targets = targets[state.in_system[targets]]  # only states have crises
            force_regional_crises(state, targets, event.severity, cause)
            text = f"crisis in {event.region} (severity {event.severity})"
        state.threat_shock[targets] += event.severity
    elif kind == "capability_surge":
        i = index[event.nation]
        state.capability[i] *= event.factor
        text = f"capability of {event.nation} multiplied by {event.factor}"
    elif kind == "sovereignty_shift":
        begin_phase_in(state, PhaseIn(event, step, event.over))
        where = event.region if event.region is not None else ", ".join(event.nations)
        text = f"sovereignty sensitivity {event.delta:+g} in {where}{_over(event)}"
    elif kind == "threat_shift":
        begin_phase_in(state, PhaseIn(event, step, event.over))
        where = event.region if event.region is not None else ", ".join(event.nations)
        text = f"threat {event.delta:+g} in {where}{_over(event)}"
    elif kind == "parameter_change":
        start = getattr(state.parameters, event.parameter)
        begin_phase_in(state, PhaseIn(event, step, event.over, start))
        text = f"parameter {event.parameter} from {start:g} to {event.value:g}{_over(event)}"
    elif kind == "leave_agreement":
        nation = index[event.nation]
        agreement = state.registry.by_id[event.agreement]
        if agreement.active and nation in agreement.members:
            lifecycle.leave(state, agreement, nation, step, ExitReason.SCHEDULED_WITHDRAWAL)
            state.ties_stale = True
            text = f"{event.nation} withdraws from {agreement.name}"
        else:
            text = f"{event.nation} was to leave {agreement.name} but is no longer a member"
    elif kind == "join_agreement":
        nation = index[event.nation]
        pact = state.registry.by_id[event.agreement]
        if pact.active and nation not in pact.members:
            lifecycle.join(state, pact, nation, step)
            state.ties_stale = True
            text = f"{event.nation} accedes to {pact.name}"
        elif not pact.active:
            text = f"{event.nation} was to join {pact.name}, which is no longer in force"
        else:
            text = f"{event.nation} was to join {pact.name} but is already a member"
    else:  # pragma: no cover - the schema admits no other type
        raise ValueError(f"unknown event type {kind!r}")
    state.events.add(step, "scheduled", detail=text, reason=kind)


def region_members(state: WorldState, region: str) -> np.ndarray:
    return np.flatnonzero(state.region == state.region_names.index(region))


def force_regional_crises(
    state: WorldState, members: np.ndarray, severity: float, cause: int
) -> None:
    """Rivals in the region clash with chance `severity`; with no rivals, one random pair.
    The crises are put down to scenario event `cause`."""
    block = state.rivalry[np.ix_(members, members)]
    rows, columns = np.nonzero(np.triu(block, 1))
    draws = state.rng.random(rows.size)
    pairs = [(members[r], members[c]) for r, c, u in zip(rows, columns, draws) if u < severity]
    if not pairs and members.size >= 2:
        a, b = state.rng.choice(members, size=2, replace=False)
        pairs = [(min(a, b), max(a, b))]
    for a, b in pairs:
        state.forced_crises.setdefault((int(a), int(b)), cause)
