"""The state of a run: every quantity the step reads or writes, declared in one place.

N is the number of nations; nation i is row and column i of every array. Dyadic
(N x N) arrays are single precision (`DYADIC`): twice as fast to sweep at a thousand
nations, and far finer than anything these quantities could claim to know. Row i,
column j of a dyadic array is i's view of (or relation to) j.

The phases in `simulation.phases` read and write these fields; the model orders the
phases. The class has slots: a field not declared here cannot be set, so no state is
born anywhere else.
"""

from __future__ import annotations

from collections import deque
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

import numpy as np

from simulation.agreements import AgreementRegistry
from simulation.event_log import EventLog
from simulation.mechanisms import crises, geography, state_system, utility

if TYPE_CHECKING:
    from scipy.sparse import csr_matrix

    from simulation.parameters import Parameters
    from simulation.scenario import Scenario
    from simulation.world import World

DYADIC = np.float32


def _empty_flat() -> np.ndarray:
    return np.empty(0, dtype=np.int64)


@dataclass(slots=True, eq=False)
class WorldState:
    """Everything a run knows at the start of a phase (shapes with N nations)."""

    # ---- fixed for the run -------------------------------------------------------
    scenario: Scenario
    parameters: Parameters
    rng: np.random.Generator  # the model's generator: every draw of the run comes from it
    names: list[str]  # (N) nation names, in index order
    region_names: list[str]  # region names; `region` holds positions in this list
    region: np.ndarray  # (N) int: each nation's region
    same_region: np.ndarray  # (N, N) bool
    alignment: np.ndarray  # (N, N) DYADIC in [0, 1]: shared region and policy closeness
    # (N, N) DYADIC: the constant part of the affinity, weighed once: 2 x homophily_weight x
    # alignment, + 2 x distance_weight x proximity when the world has locations
    homophily: np.ndarray
    trust_baseline: np.ndarray  # (N, N) DYADIC: the trust every dyad drifts back toward
    # scenario events by the step they take effect, each with its index in the
    # scenario's events (the `cause` of the rows it leads to)
    scheduled: dict[int, list[tuple[int, object]]]

    # ---- nations (N,) float64 --------------------------------------------------------
    capability: np.ndarray  # military capability (CINC-like units)
    sovereignty_sensitivity: np.ndarray  # in [0, 1]
    policy_position: np.ndarray  # in [0, 1]
    base_threat: np.ndarray  # the threat environment of its region, in [0, 1]
    threat_shock: np.ndarray  # recent crises' extra threat, fading each step
    threat: np.ndarray  # perceived threat, in [0, 1]
    reputation: np.ndarray  # soft power, in [0, 1]

    # ---- dyads (N, N) ------------------------------------------------------------
    rivalry: np.ndarray  # DYADIC in [0, 1], symmetric
    trust: np.ndarray  # DYADIC in [0, 1]; the diagonal is 1
    interoperability: np.ndarray  # DYADIC in [0, 1]; the diagonal is 0

    # ---- the state system (`simulation.mechanisms.state_system`) -------------------
    # fixed for the run: the step each nation enters, the step from which it is gone
    # (`state_system.NEVER` if it stays), the successor of each nation that has one,
    # and the nations that enter and leave, by step
    enters: np.ndarray = None  # (N) int
    leaves: np.ndarray = None  # (N) int
    successor: dict[int, int] = field(default_factory=dict)
    system_changes: dict[int, tuple[list[int], list[int]]] = field(default_factory=dict)
    in_system: np.ndarray = None  # (N) bool: a state of the system this step (environment)
    # the step each nation last entered the system or left a pact (reorientation,
    # `mechanisms.capacity.reorienting`); `NOT_REORIENTED`, far in the past, if never
    reoriented_at: np.ndarray = None  # (N) int
    # observed capabilities that replace growth (`NationSpec.capability_path`): by step,
    # the nations that have one and their values
    observed_capability: dict[int, tuple[np.ndarray, np.ndarray]] = field(default_factory=dict)

    # ---- changes phased in over several steps (`phases.environment`) ----------------
    phase_ins: list = field(default_factory=list)  # the unfinished ones, in start order
    # DYADIC: the scenario's rivalries, which last; what crises add fades (crises.faded_rivalry)
    lasting_rivalry: np.ndarray = None
    # ---- geography, fixed for the run: all None when the scenario gives no location --
    distance: np.ndarray | None = None  # (N, N) DYADIC: km between capitals, great circle
    proximity: np.ndarray | None = None  # (N, N) DYADIC: exp(-distance / distance_scale)
    client_distance: np.ndarray | None = None  # (N, N) DYADIC: a client's worth by distance
    # (N, N) DYADIC, in every world: exposure to disputes by where the states are,
    # by distance or else by region (`mechanisms.crises.neighbourhood`)
    neighbourhood: np.ndarray | None = None

    # ---- the agreements ------------------------------------------------------------
    registry: AgreementRegistry = field(default_factory=AgreementRegistry)
    # bilateral partners who parted ways, as (i, j) with i < j, and the step from which
    # they may sign again
    estranged_until: dict[tuple[int, int], int] = field(default_factory=dict)

    # ---- ties: what the agreements in force open between each pair ------------------
    # rebuilt by `simulation.ties.refresh_ties` whenever agreements change
    ties: np.ndarray = None  # (N, N) bool: i and j share an agreement in force
    tie_flat: np.ndarray = field(default_factory=_empty_flat)  # flat positions i N + j of ties
    tie_pairs: tuple[np.ndarray, np.ndarray] = None  # (rows, columns) of `tie_flat`
    tie_depth: np.ndarray = None  # (N, N) int8: depth of the deepest shared agreement
    training_depth: np.ndarray = None  # (N, N) DYADIC: width of the training channel
    intelligence_depth: np.ndarray = None  # (N, N) DYADIC: width of the intelligence channel
    technology_depth: np.ndarray = None  # (N, N) DYADIC: width of the technology channel
    dispute_channel: np.ndarray = None  # (N, N) bool: a shared dispute-resolution provision
    obligation: np.ndarray = None  # (N, N) bool: a shared mutual-defense obligation (depth 4)
    funding_load: np.ndarray = None  # (N) each nation's running bill, in full-depth units
    adjacency: csr_matrix | None = None  # sparse `ties`, kept only for large worlds
    common_partners: np.ndarray = None  # (N, N) DYADIC: partners i and j share
    common_pairs: tuple[np.ndarray, np.ndarray] | None = None  # where common_partners > 0
    degree: np.ndarray = None  # (N) int: partners each nation has
    # the same over DCAs only, allies through an alliance left out (`Agreement.alliance`):
    # what a nation weighs when it values DCAs. The very arrays above when no alliance
    # is in force
    dca_ties: np.ndarray = None
    dca_tie_flat: np.ndarray = field(default_factory=_empty_flat)
    dca_tie_pairs: tuple[np.ndarray, np.ndarray] = None
    dca_common_partners: np.ndarray = None
    dca_common_pairs: tuple[np.ndarray, np.ndarray] | None = None
    dca_degree: np.ndarray = None
    ties_stale: bool = False  # an agreement changed since the last refresh

    # ---- this step's valuations (`simulation.phases.partner_valuation`) -------------
    dominance: np.ndarray = None  # (N, N) DYADIC in [0, 1): how far j dwarfs i
    absorptive_capacity: np.ndarray = None  # (N) how many partners i can make use of
    benefit: np.ndarray = None  # (N, N) DYADIC: i's gain from full cooperation with j
    sovereignty: np.ndarray = None  # (N, N) DYADIC: i's sovereignty cost of it

    # ---- what the agreements in force bring each nation (member evaluation) ---------
    sovereignty_cost_borne: np.ndarray = None  # (N)
    benefit_received: np.ndarray = None  # (N)
    dependence: np.ndarray = None  # (N): depth-weighted reliance on stronger partners

    # ---- the record -------------------------------------------------------------------
    events: EventLog = field(default_factory=EventLog)
    counts: dict[str, int] = field(default_factory=dict)  # this step's counted events
    pacts_left: set[int] = field(default_factory=set)  # slots of pacts a member left this step
    # this step's crises forced by scenario events: (i, j), i < j -> the index of the
    # scenario event that forced it (the first, when two force the same pair)
    forced_crises: dict[tuple[int, int], int] = field(default_factory=dict)
    # the conflict counts of the steps before this one that the stability index reads
    # (`outcomes.stability_index`): at most STABILITY_WINDOW - 1 of them
    conflict_window: deque = field(default_factory=deque)

    # ---- caches: derived from the fields above, kept while those do not change -------
    rival_pairs_cache: tuple[np.ndarray, np.ndarray] | None = None  # rival dyads, i < j
    neighbour_pairs_cache: np.ndarray | None = None  # flat positions of near dyads, i < j
    # (the major powers as bytes; every pair exposed to disputes, its exposure and whether
    # it shares a region: `phases.crises.exposed_pairs`)
    exposed_pairs_cache: tuple[bytes, tuple] | None = None
    pact_terms_cache: tuple | None = None  # (pacts and sizes, their terms)
    # what a renewal says, by slot: id, kind, sector, first member, text (renewal.py)
    renewal_wording: tuple[list[str], ...] = field(default_factory=lambda: ([], [], [], [], []))
    dependence_scratch: np.ndarray = None  # (N, N) float64, nonzero only on `dependence_set`
    dependence_set: np.ndarray = field(default_factory=_empty_flat)  # flat positions set

    @property
    def size(self) -> int:
        """N, the number of nations."""
        return self.capability.size

    @classmethod
    def from_world(cls, scenario: Scenario, world: World, rng: np.random.Generator) -> WorldState:
        """The state at step 0, before any agreement is placed."""
        parameters = scenario.parameters
        n = len(world.names)
        distance = None
        if world.latitude is not None:
            distance = geography.great_circle_distance(world.latitude, world.longitude)
            distance = distance.astype(DYADIC)
        alignment, homophily, proximity, client_distance = affinity_matrices(
            world.region, world.policy_position, distance, parameters
        )
        same_region = world.region[:, None] == world.region[None, :]
        scheduled: dict[int, list[tuple[int, object]]] = {}
        for index, event in enumerate(scenario.events):
            scheduled.setdefault(event.step, []).append((index, event))
        trust_baseline = world.trust_baseline.astype(DYADIC)
        enters, leaves, successor, system_changes = state_system_schedule(scenario, world.names)
        return cls(
            scenario=scenario,
            # a copy of its own: parameter_change events move it during the run
            parameters=parameters.model_copy(),
            rng=rng,
            names=world.names,
            region_names=world.region_names,
            region=world.region,
            same_region=same_region,
            alignment=alignment,
            homophily=homophily,
            trust_baseline=trust_baseline,
            scheduled=scheduled,
            capability=world.capability,
            sovereignty_sensitivity=world.sovereignty_sensitivity,
            policy_position=world.policy_position,
            base_threat=world.base_threat,
            threat_shock=np.zeros(n),
            threat=np.zeros(n),
            reputation=np.full(n, 0.5),
            rivalry=world.rivalry.astype(DYADIC),
            lasting_rivalry=world.rivalry.astype(DYADIC),
            trust=trust_baseline.copy(),
            interoperability=np.zeros((n, n), dtype=DYADIC),
            enters=enters,
            leaves=leaves,
            successor=successor,
            system_changes=system_changes,
            in_system=state_system.in_system(enters, leaves, 0),
            reoriented_at=np.where(enters > 0, enters, NOT_REORIENTED),
            observed_capability=capability_schedule(scenario, world.names),
            distance=distance,
            proximity=proximity,
            client_distance=client_distance,
            neighbourhood=crises.neighbourhood(distance, same_region).astype(DYADIC),
            ties=np.zeros((n, n), dtype=bool),
            tie_depth=np.zeros((n, n), dtype=np.int8),
            training_depth=np.zeros((n, n), dtype=DYADIC),
            intelligence_depth=np.zeros((n, n), dtype=DYADIC),
            technology_depth=np.zeros((n, n), dtype=DYADIC),
            dispute_channel=np.zeros((n, n), dtype=bool),
            obligation=np.zeros((n, n), dtype=bool),
            common_partners=np.zeros((n, n), dtype=DYADIC),
            sovereignty_cost_borne=np.zeros(n),
            benefit_received=np.zeros(n),
            dependence=np.zeros(n),
            dependence_scratch=np.zeros((n, n)),
        )

    def states_if_not_all(self) -> np.ndarray | None:
        """`in_system` when some nation is outside the state system, else None: the
        mechanisms then take their whole-array path, unchanged."""
        return None if self.in_system.all() else self.in_system

    def refresh_parameter_caches(self) -> None:
        """Rebuild what is derived from parameters and kept between steps, after a
        parameter changed during the run (a `parameter_change` event)."""
        self.reweigh_affinity()

    def reweigh_affinity(self) -> None:
        """Rebuild the affinity matrices from the parameters, after one of `region_weight`,
        `homophily_weight`, `distance_weight` or `distance_scale` has changed mid-run."""
        self.alignment, self.homophily, self.proximity, self.client_distance = affinity_matrices(
            self.region, self.policy_position, self.distance, self.parameters
        )

    def remember_conflict(self, outcomes: dict, window: int) -> None:
        """Keep the step's conflict counts for the stability index of the next
        `window - 1` steps."""
        self.conflict_window.append(
            {
                "crises": outcomes["crises"],
                "crises_militarised": outcomes["crises_militarised"],
                "conflicts_escalated": outcomes["conflicts_escalated"],
                "states": outcomes["states"],
            }
        )
        while len(self.conflict_window) > window - 1:
            self.conflict_window.popleft()

    def start_step(self, counted: tuple[str, ...]) -> None:
        """Clear what is counted afresh each step: the `counted` events (the outcome
        columns that count, `simulation.outcomes.COUNTED_COLUMNS`) and the pacts left."""
        self.pacts_left = set()
        self.counts = dict.fromkeys(counted, 0)


def weighed_homophily(alignment: np.ndarray, homophily_weight: float) -> np.ndarray:
    """The homophily term of partner benefit, 2 x homophily_weight x alignment, in the
    alignment's precision: weighed once, not every step."""
    return np.multiply(alignment, 2.0 * homophily_weight)


def state_system_schedule(
    scenario: Scenario, names: list[str]
) -> tuple[np.ndarray, np.ndarray, dict[int, int], dict[int, tuple[list[int], list[int]]]]:
    """When each nation enters and leaves the state system, its successor, and who
    enters and leaves at each step (only listed nations enter late or leave)."""
    n = len(names)
    enters = np.zeros(n, dtype=np.int64)
    leaves = np.full(n, state_system.NEVER, dtype=np.int64)
    successor: dict[int, int] = {}
    changes: dict[int, tuple[list[int], list[int]]] = {}
    index = {name: i for i, name in enumerate(names)}
    for nation in scenario.nations:
        i = index[nation.name]
        enters[i] = nation.enters
        if nation.enters > 0:
            changes.setdefault(nation.enters, ([], []))[0].append(i)
        if nation.leaves is not None:
            leaves[i] = nation.leaves
            changes.setdefault(nation.leaves, ([], []))[1].append(i)
        if nation.successor is not None:
            successor[i] = index[nation.successor]
    return enters, leaves, successor, changes


NOT_REORIENTED = -(1 << 40)  # far enough in the past that no reorientation lasts to step 0


def capability_schedule(
    scenario: Scenario, names: list[str]
) -> dict[int, tuple[np.ndarray, np.ndarray]]:
    """By step, the listed nations whose capability follows an observed path that step
    (`NationSpec.capability_path`, its k-th value at step k + 1) and their values."""
    index = {name: i for i, name in enumerate(names)}
    by_step: dict[int, tuple[list[int], list[float]]] = {}
    for nation in scenario.nations:
        for step, value in enumerate(nation.capability_path, start=1):
            nations, values = by_step.setdefault(step, ([], []))
            nations.append(index[nation.name])
            values.append(value)
    return {
        step: (np.array(nations, dtype=np.int64), np.array(values, dtype=np.float64))
        for step, (nations, values) in by_step.items()
    }


def affinity_matrices(
    region: np.ndarray,
    policy_position: np.ndarray,
    distance: np.ndarray | None,
    parameters: Parameters,
) -> tuple[np.ndarray, np.ndarray, np.ndarray | None, np.ndarray | None]:
    """What does not change during a run of who values whom, weighed once: alignment,
    the constant affinity term (`WorldState.homophily`), and, when the world has
    locations, proximity and the worth of a client by distance (`None`, `None` without)."""
    alignment = utility.alignment(region, policy_position, parameters.region_weight)
    alignment = alignment.astype(DYADIC)
    homophily = np.multiply(alignment, 2.0 * parameters.homophily_weight)
    if distance is None:
        return alignment, homophily, None, None
    proximity = geography.proximity(distance, parameters.distance_scale).astype(DYADIC)
    if parameters.distance_weight:
        homophily += np.multiply(proximity, 2.0 * parameters.distance_weight)
    client_distance = geography.client_distance_value(proximity).astype(DYADIC)
    return alignment, homophily, proximity, client_distance
