"""The defense cooperation model: orchestrates one step of the cycle in docs/MODEL.md.

The mathematics lives in `simulation.mechanisms` as pure numpy functions; this
module holds the state (N x N dyadic arrays, per-nation vectors, the agreement
registry), calls the mechanisms in order, keeps the record of events and
collects outcomes.

Step order (one step is one year by default):
1. environment: threat shocks fade, scheduled events, capability growth with last
   year's technology transfer and upkeep, threat perception;
2. partner evaluation: benefit, sovereignty and funding matrices;
3. signing by mutual consent within a diplomatic capacity;
4. multilateral pacts: joining, and new pacts founded by trusting triangles;
5. deepening; 6. stepping down, renewal or exit, each exit with a reason;
7. cooperation effects: trust, interoperability, soft power;
8. crises: hazard, allies called, honoured or reneged, escalated or prevented;
9. outcomes collected.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from itertools import repeat
from operator import itemgetter

import numpy as np
from mesa import DataCollector, Model

from simulation.agents import Nation
from simulation.agreements import (
    CHANNELS_BY_CODE,
    EXPOSURE_BY_CODE,
    SECTOR_CODE,
    SECTOR_EXPOSURE,
    Agreement,
    AgreementRegistry,
)
from simulation.domain import (
    EXIT_REASON_TEXT,
    MAX_DEPTH,
    MIN_DEPTH,
    SECTORS,
    ExitReason,
    FundingSplit,
    Kind,
    Sector,
)
from simulation.event_log import TEXT, EventLog
from simulation.mechanisms import capability as capability_mechanism
from simulation.mechanisms import crises, interoperability, network, threat, trust, utility
from simulation.mechanisms.choice import choose_partners
from simulation.outcomes import COUNTED_COLUMNS, MODEL_COLUMNS, NationRecorder, stability_index
from simulation.parameters import Parameters
from simulation.scenario import Scenario, resolve_members
from simulation.world import build_world

TRUST_COLLAPSE_LEVEL = 0.2
# Shares of full benefit, sovereignty exposure and funding at the dialogue rung, where
# every new agreement starts
DIALOGUE_BENEFIT = float(utility.depth_benefit(MIN_DEPTH))
DIALOGUE_EXPOSURE = float(utility.sovereignty_exposure(MIN_DEPTH))
DIALOGUE_COST = float(utility.depth_cost(MIN_DEPTH))
# N x N state is single precision: twice as fast to sweep at a thousand nations, and
# far finer than anything the model's quantities could claim to know.
DYADIC = np.float32
# How wide each cooperation channel (training, intelligence, technology) is open between
# members of an agreement, by sector and depth (index: sector code x (MAX_DEPTH + 1) +
# depth): the sector's width times the depth, from the rung that opens the channel.
_RUNG_OPENING = np.array([2, 3, 3])
_LEVELS = np.arange(MAX_DEPTH + 1)
CHANNEL_WIDTH = np.ascontiguousarray(
    (
        CHANNELS_BY_CODE[:, None, :]
        * (_LEVELS[None, :, None] >= _RUNG_OPENING)
        * _LEVELS[None, :, None]
    )
    .astype(DYADIC)
    .reshape(-1, 3)
    .T
)
# One rung down, the rung itself and one rung up, as a column against a row of depths
_RUNG_OFFSETS = np.array([[-1], [0], [1]])
# Steps before nations that parted ways may sign again (or a leaver rejoin a pact):
# an exit is a political decision, not reversed the next year.
REAPPROACH_DELAY = 5


@dataclass(frozen=True, slots=True)
class MemberValues:
    """What each active agreement is worth to each member: one entry a (agreement, member).

    Benefit, sovereignty and funding are stated for full (depth 4) cooperation, so
    the value at the agreement's depth, or one rung up, is one vectorised call.
    The first `bilateral` rows are bilateral first members, the next `bilateral`
    their partners (both in slot order), then pact members.
    """

    slot: np.ndarray
    nation: np.ndarray
    level: np.ndarray
    benefit: np.ndarray
    sovereignty: np.ndarray
    funding: np.ndarray
    trust: np.ndarray
    dominated: np.ndarray
    bilateral: int

    def around(self) -> np.ndarray:
        """Net value one rung below, at and one rung above the current depth: rows 0, 1
        and 2, one column a row of these values."""
        return utility.net_value(
            self.benefit, self.sovereignty, self.funding, self.level + _RUNG_OFFSETS
        )

    def realised(self) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """Benefit, sovereignty cost and funding cost at the current depth."""
        return (
            self.benefit * utility.depth_benefit(self.level),
            self.sovereignty * utility.sovereignty_exposure(self.level),
            self.funding * utility.depth_cost(self.level),
        )


@dataclass(frozen=True, slots=True)
class PactTerms:
    """What each pact would be worth to every nation at full depth: N x pacts arrays,
    one column a pact (`column` maps a pact's slot to it)."""

    column: dict[int, int]
    benefit: np.ndarray
    sovereignty: np.ndarray
    funding: np.ndarray
    dominated: np.ndarray
    near: np.ndarray  # outsiders tied to at least one member: the pact's applicants


class DefenseCooperationModel(Model):
    """Nations sign, deepen, renew and exit defense cooperation agreements; crises
    between them escalate or are prevented.

    Args:
        scenario: a validated `Scenario` (see `load_scenario`); every random draw
            flows from its seed.
    """

    def __init__(self, scenario: Scenario):
        super().__init__(rng=scenario.seed)
        self.config = scenario
        self.parameters: Parameters = scenario.parameters
        self.events = EventLog()
        self.registry = AgreementRegistry()

        world = build_world(scenario, self.rng)
        self.names: list[str] = world.names
        self.region_names: list[str] = world.region_names
        self.region: np.ndarray = world.region
        self.capability: np.ndarray = world.capability
        self.sovereignty_sensitivity: np.ndarray = world.sovereignty_sensitivity
        self.policy_position: np.ndarray = world.policy_position
        self.base_threat: np.ndarray = world.base_threat
        self.rivalry: np.ndarray = world.rivalry.astype(DYADIC)
        self._rivals: tuple[np.ndarray, np.ndarray] | None = None
        self.trust_baseline: np.ndarray = world.trust_baseline.astype(DYADIC)
        self.trust: np.ndarray = self.trust_baseline.copy()
        n = len(self.names)
        self.same_region = self.region[:, None] == self.region[None, :]
        self.alignment = utility.alignment(self.region, self.policy_position).astype(DYADIC)
        # the homophily term of the partner benefit never changes: weigh it once
        self._homophily = np.multiply(self.alignment, 2.0 * self.parameters.homophily_weight)
        self.threat_shock = np.zeros(n)
        self.threat = np.zeros(n)
        self.reputation = np.full(n, 0.5)
        self.interoperability = np.zeros((n, n), dtype=DYADIC)
        # no ties before the first refresh: shared partners are then counted in full
        self.ties = np.zeros((n, n), dtype=bool)
        self.tie_flat = np.empty(0, dtype=np.int64)
        # what the agreements in force open between each pair (see `_refresh_ties`)
        self.tie_depth = np.zeros((n, n), dtype=np.int8)
        self.training_depth = np.zeros((n, n), dtype=DYADIC)
        self.intelligence_depth = np.zeros((n, n), dtype=DYADIC)
        self.technology_depth = np.zeros((n, n), dtype=DYADIC)
        self.dispute_channel = np.zeros((n, n), dtype=bool)
        self.obligation = np.zeros((n, n), dtype=bool)
        self._dependence = np.zeros((n, n))  # scratch for `_evaluate_members`
        self._dependence_set = self.tie_flat
        self.common_partners = np.zeros((n, n), dtype=DYADIC)
        self.sovereignty_cost_borne = np.zeros(n)
        self.benefit_received = np.zeros(n)
        self.dependence = np.zeros(n)
        self._index = {name: i for i, name in enumerate(self.names)}
        self.estranged_until: dict[tuple[int, int], int] = {}
        # by slot: id, kind, sector, first member and text of a renewal (`_renew_bilateral`)
        self._renewal_wording: tuple[list[str], ...] = ([], [], [], [], [])
        self._pact_terms_cache: tuple[tuple, PactTerms] | None = None
        self._scheduled = {}
        for event in scenario.events:
            self._scheduled.setdefault(event.step, []).append(event)

        Nation.create_agents(
            self,
            n,
            name=self.names,
            index=list(range(n)),
            region=[self.region_names[r] for r in self.region],
        )
        self.nations: list[Nation] = sorted(self.agents_by_type[Nation], key=lambda a: a.index)

        self._place_initial_agreements()
        self._refresh_ties()
        self.threat = self._perceive_threat()
        self.reputation = self._reputation_target()
        self._reset_counters()
        self._evaluate_partners()
        self._evaluate_members()

        self.nation_records = NationRecorder()
        self.datacollector = _OutcomeCollector(model_reporters={c: c for c in MODEL_COLUMNS[1:]})
        self._collect()

    # ------------------------------------------------------------------ setup

    def _place_initial_agreements(self) -> None:
        scenario = self.config
        for spec in scenario.agreements:
            members = [self._index[name] for name in resolve_members(scenario, spec)]
            term = spec.term or self.parameters.term
            self.registry.sign(
                agreement_id=spec.id,
                name=spec.name or spec.id,
                kind=spec.kind,
                sector=spec.sector,
                depth=spec.depth,
                members=members,
                dispute_resolution=spec.dispute_resolution,
                funding=spec.funding,
                term=term,
                signed_step=spec.signed_step,
                expires_step=_first_expiry(spec.signed_step, term),
            )
            # a standing agreement means years of contact: trust and interoperability to match
            block = np.ix_(members, members)
            self.trust[block] = np.clip(self.trust[block] + 0.08 * spec.depth, 0.0, 1.0)
            self.interoperability[block] = np.maximum(
                self.interoperability[block], 0.2 * (spec.depth - 1)
            )
        np.fill_diagonal(self.trust, 1.0)
        np.fill_diagonal(self.interoperability, 0.0)

    # ------------------------------------------------------------------- step

    def step(self) -> None:
        step = self.steps
        self._reset_counters()
        self._environment(step)
        if self._ties_stale:
            self._refresh_ties()
        self._evaluate_partners()
        self._sign(step)
        self._multilateral(step)
        # one valuation serves deepening, renewal and exit, and the end-of-step report
        values = self._member_values()
        around = values.around()
        self._deepen(step, values, around[2] - around[1])
        # renewal and exit value each agreement at its depth after deepening: one rung up
        # for those that climbed
        level = self.registry.depth[values.slot]
        climbed = level != values.level
        values = replace(values, level=level)
        self._renew_or_exit(
            step,
            values,
            np.where(climbed, around[2], around[1]),
            np.where(climbed, around[1], around[0]),
        )
        self._refresh_ties()
        self._cooperate()
        self._crises(step)
        self._evaluate_members(self._still_in_force(values))
        self._collect()

    def _reset_counters(self) -> None:
        self._pacts_left: set[int] = set()  # pacts that lost a member this step
        self.counts = dict.fromkeys(COUNTED_COLUMNS, 0)

    # ------------------------------------------------------------ environment

    def _environment(self, step: int) -> None:
        p = self.parameters
        self.forced_crises: list[tuple[int, int]] = []
        # old shocks fade before this step's events add theirs at full strength
        self.threat_shock *= 1.0 - p.threat_shock_decay
        for event in self._scheduled.get(step, ()):
            self._apply_event(event, step)
        shocks = self.rng.standard_normal(self.capability.size)
        grown = capability_mechanism.grow_capability(
            self.capability, shocks, growth=p.capability_growth, volatility=p.capability_volatility
        )
        transfer = capability_mechanism.technology_transfer(
            self.capability,
            self.technology_depth,
            rate=p.technology_transfer_rate,
            pairs=self.tie_pairs,
        )
        spent = capability_mechanism.upkeep(
            self.capability, self.funding_load, funding_cost=p.funding_cost
        )
        self.capability = np.maximum(grown + transfer - spent, 1e-9)
        self.threat = self._perceive_threat()

    def _perceive_threat(self) -> np.ndarray:
        return threat.perceived_threat(
            self.base_threat,
            self.rivalry,
            self.capability,
            self.threat_shock,
            rival_pairs=self._rival_pairs(),
        )

    def _apply_event(self, event, step: int) -> None:
        kind = event.type
        if kind == "crisis":
            if event.nations is not None:
                a, b = (self._index[name] for name in event.nations)
                self.forced_crises.append((min(a, b), max(a, b)))
                targets = np.array([a, b])
                text = f"crisis forced between {event.nations[0]} and {event.nations[1]}"
            else:
                targets = self._region_members(event.region)
                self._force_regional_crises(targets, event.severity)
                text = f"crisis in {event.region} (severity {event.severity})"
            self.threat_shock[targets] += event.severity
        elif kind == "capability_surge":
            i = self._index[event.nation]
            self.capability[i] *= event.factor
            text = f"capability of {event.nation} multiplied by {event.factor}"
        elif kind == "sovereignty_shift":
            targets = (
                self._region_members(event.region)
                if event.region is not None
                else np.array([self._index[name] for name in event.nations])
            )
            self.sovereignty_sensitivity[targets] = np.clip(
                self.sovereignty_sensitivity[targets] + event.delta, 0.0, 1.0
            )
            where = event.region if event.region is not None else ", ".join(event.nations)
            text = f"sovereignty sensitivity {event.delta:+g} in {where}"
        elif kind == "threat_shift":
            targets = self._region_members(event.region)
            self.base_threat[targets] = np.clip(self.base_threat[targets] + event.delta, 0, 1)
            text = f"threat {event.delta:+g} in {event.region}"
        elif kind == "leave_agreement":
            nation = self._index[event.nation]
            agreement = self.registry.by_id[event.agreement]
            if agreement.active and nation in agreement.members:
                self._exit(agreement, nation, step, ExitReason.SCHEDULED_WITHDRAWAL)
                self._ties_stale = True
                text = f"{event.nation} withdraws from {agreement.name}"
            else:
                text = f"{event.nation} was to leave {agreement.name} but is no longer a member"
        else:  # pragma: no cover - the schema admits no other type
            raise ValueError(f"unknown event type {kind!r}")
        self.events.add(step, "scheduled", detail=text, reason=kind)

    def _region_members(self, region: str) -> np.ndarray:
        return np.flatnonzero(self.region == self.region_names.index(region))

    def _force_regional_crises(self, members: np.ndarray, severity: float) -> None:
        # rivals in the region clash with chance `severity`; with no rivals, one random pair
        block = self.rivalry[np.ix_(members, members)]
        rows, columns = np.nonzero(np.triu(block, 1))
        draws = self.rng.random(rows.size)
        pairs = [(members[r], members[c]) for r, c, u in zip(rows, columns, draws) if u < severity]
        if not pairs and members.size >= 2:
            a, b = self.rng.choice(members, size=2, replace=False)
            pairs = [(min(a, b), max(a, b))]
        self.forced_crises.extend((int(a), int(b)) for a, b in pairs)

    # ------------------------------------------------------- tie bookkeeping

    def _refresh_ties(self) -> None:
        """Rebuild the dyadic views of the active agreements.

        `tie_depth[i, j]` is the deepest agreement i and j share (0 when none);
        channel matrices say how wide each cooperation channel is open between them.
        """
        n = self.capability.size
        # the matrices are kept from one refresh to the next and cleared where they were
        # set, on last time's ties (every entry they set lies on one): far less memory to
        # touch than six fresh N x N matrices
        depth, training, intelligence, technology = (
            self.tie_depth,
            self.training_depth,
            self.intelligence_depth,
            self.technology_depth,
        )
        dispute, obligation = self.dispute_channel, self.obligation
        for matrix in (depth, training, intelligence, technology, dispute, obligation):
            matrix.ravel()[self.tie_flat] = 0
        funding_load = np.zeros(n)
        registry = self.registry
        slots = registry.active_slots(Kind.BILATERAL)
        if slots.size:
            first, second = registry.first[slots], registry.second[slots]
            level = registry.depth[slots]
            # flat positions of both directions of each pair: indexing a raveled matrix
            # is several times faster than indexing by (row, column)
            forward, backward = first * n + second, second * n + first
            where = np.concatenate([forward, backward])
            pair = np.minimum(forward, backward)
            pair.sort()
            repeats = bool((pair[1:] == pair[:-1]).any())
            rung = level.astype(np.int8)
            _scatter_max(depth, where, np.concatenate([rung, rung]), repeats)
            code = registry.sector[slots] * (MAX_DEPTH + 1) + level
            for matrix, widths in zip((training, intelligence, technology), CHANNEL_WIDTH):
                width = widths[code]
                _scatter_max(matrix, where, np.concatenate([width, width]), repeats)
            provisions = registry.dispute[slots]
            dispute.ravel()[forward[provisions]] = True
            dispute.ravel()[backward[provisions]] = True
            deep = level >= MAX_DEPTH
            obligation.ravel()[forward[deep]] = True
            obligation.ravel()[backward[deep]] = True
            share_first, share_second = self._bilateral_funding_shares(first, second, slots)
            funding_load += np.bincount(first, share_first * level / MAX_DEPTH, minlength=n)
            funding_load += np.bincount(second, share_second * level / MAX_DEPTH, minlength=n)
        pacts = registry.active_pacts()
        if pacts:
            # every pact's block at once: its members' pairs (a nation's own entry aside)
            blocks, sizes, codes, provisions = [], [], [], []
            for pact in pacts:
                members = np.array(pact.members)
                block = members[:, None] * n + members[None, :]
                blocks.append(block[~np.eye(members.size, dtype=bool)])
                sizes.append(blocks[-1].size)
                codes.append(SECTOR_CODE[pact.sector] * (MAX_DEPTH + 1) + pact.depth)
                provisions.append(pact.dispute_resolution)
                shares = utility.funding_shares(self.capability[members], pact.funding)
                funding_load[members] += shares * pact.depth / MAX_DEPTH
            where = np.concatenate(blocks)
            code = np.repeat(codes, sizes)
            level = code % (MAX_DEPTH + 1)
            # pacts may overlap one another and the bilateral agreements: deepest wins
            np.maximum.at(depth.ravel(), where, level.astype(np.int8))
            for matrix, widths in zip((training, intelligence, technology), CHANNEL_WIDTH):
                np.maximum.at(matrix.ravel(), where, widths[code])
            dispute.ravel()[where[np.repeat(provisions, sizes)]] = True
            obligation.ravel()[where[level >= MAX_DEPTH]] = True  # mutual-defense obligations
        previous = (self.ties, self.common_partners)
        self.ties = depth > 0
        self.tie_flat = np.flatnonzero(self.ties)  # flat positions (i n + j) of the ties
        self.tie_pairs = np.divmod(self.tie_flat, n)
        self.funding_load = funding_load
        # a sparse adjacency serves the sparse products of a large world; below that the
        # components are counted without one
        self.adjacency = (
            network.adjacency_matrix(*self.tie_pairs, n) if n > network.DENSE_LIMIT else None
        )
        self.common_partners, self.common_pairs = network.shared_partners_with_pairs(
            self.ties, self.adjacency, previous
        )
        self.degree = network.degree(self.ties, pairs=self.tie_pairs)
        self._ties_stale = False
        self._pact_terms_cache = None

    def _bilateral_funding_shares(
        self, first: np.ndarray, second: np.ndarray, slots: np.ndarray
    ) -> tuple[np.ndarray, np.ndarray]:
        """Each side's share of a bilateral bill (members `first` and `second` of the
        agreements in `slots`), scaled so an even split gives 1.

        A bilateral lead-nation split has the stronger pay half: the same as even.
        """
        cap_first = self.capability[first]
        cap_second = self.capability[second]
        proportional = 2.0 * cap_first / (cap_first + cap_second)
        first_share = np.where(self.registry.funding_code[slots] == 1, proportional, 1.0)
        return first_share, 2.0 - first_share

    # ----------------------------------------------------- partner evaluation

    def _evaluate_partners(self) -> None:
        p = self.parameters
        self._pact_terms_cache = None
        share = utility.relative_share(self.capability.astype(DYADIC))
        self.dominance = utility.dominance(self.capability, share)
        self.absorptive_capacity = utility.absorptive_capacity(self.capability)
        self.benefit = utility.partner_benefit(
            self.capability,
            self.threat,
            self.reputation,
            self.trust,
            self.alignment,
            self.common_partners,
            self.degree,
            self.ties,
            self.interoperability,
            threat_weight=p.threat_weight,
            technology_weight=p.technology_weight,
            status_weight=p.status_weight,
            homophily_weight=p.homophily_weight,
            triadic_closure_weight=p.triadic_closure_weight,
            preferential_attachment_weight=p.preferential_attachment_weight,
            partner_saturation=p.partner_saturation,
            share=share,
            dominance_matrix=self.dominance,
            common_pairs=self.common_pairs,
            rivalry=self.rivalry,
            capacity=self.absorptive_capacity,
            homophily=self._homophily,
        )
        self.sovereignty = utility.sovereignty_cost(
            self.sovereignty_sensitivity[:, None].astype(DYADIC),
            self.dominance,
            sovereignty_weight=p.sovereignty_weight,
            asymmetry_weight=p.asymmetry_weight,
        )

    def _sign(self, step: int) -> None:
        p = self.parameters
        n = self.capability.size
        # a new agreement must clear the one-off cost of negotiating it; an existing one
        # is kept while it pays at all: the gap between the two is what keeps ties stable.
        # (Python floats keep the N x N arithmetic in single precision.)
        costs = p.funding_cost * MAX_DEPTH * DIALOGUE_COST + p.negotiation_cost
        value = np.multiply(self.benefit, DIALOGUE_BENEFIT)
        value -= np.multiply(self.sovereignty, DIALOGUE_EXPOSURE)
        value -= costs
        eligible = value > 0
        eligible.ravel()[self.tie_flat] = False  # already partners
        self.estranged_until = {
            pair: until for pair, until in self.estranged_until.items() if until > step
        }
        if self.estranged_until:
            estranged = np.array(list(self.estranged_until), dtype=np.int64)
            eligible[estranged[:, 0], estranged[:, 1]] = False
            eligible[estranged[:, 1], estranged[:, 0]] = False
        np.fill_diagonal(eligible, False)
        proposers, targets = choose_partners(
            value, eligible, p.diplomatic_capacity, p.decision_noise, self.rng
        )
        accepted = value[targets, proposers] > 0
        proposers, targets = proposers[accepted], targets[accepted]
        order = self.rng.permutation(proposers.size)
        signed_today = np.zeros(n, dtype=np.int64)
        paired: set[tuple[int, int]] = set()
        sector_draws = self.rng.random((proposers.size, 4))
        for k in order:
            a, b = int(proposers[k]), int(targets[k])
            pair = (min(a, b), max(a, b))
            if pair in paired:
                continue
            if signed_today[a] >= p.diplomatic_capacity or signed_today[b] >= p.diplomatic_capacity:
                continue
            paired.add(pair)
            if self._sign_bilateral(pair, sector_draws[k], step):
                signed_today[a] += 1
                signed_today[b] += 1

    def _sign_bilateral(self, pair: tuple[int, int], draws: np.ndarray, step: int) -> bool:
        """Sign if the pair can agree on the terms; True when an agreement was signed."""
        p = self.parameters
        a, b = pair
        sector = self._choose_sector(a, b, draws[0], draws[1])
        funding = self._negotiate_funding(a, b, sector, draws[2])
        if funding is None:
            return False
        agreement = self.registry.sign(
            agreement_id=self.registry.next_id(Kind.BILATERAL),
            name=f"{self.names[a]}-{self.names[b]}",
            kind=Kind.BILATERAL,
            sector=sector,
            depth=1,
            members=[a, b],
            dispute_resolution=bool(draws[3] < p.dispute_resolution_share),
            funding=funding,
            term=p.term,
            signed_step=step,
            expires_step=step + p.term,
        )
        self.counts["signings"] += 1
        self.events.add(
            step,
            "signed",
            agreement,
            nation=self.names[a],
            other=self.names[b],
            detail=f"{self.names[a]} and {self.names[b]} signed a {sector} agreement",
        )
        return True

    def _negotiate_funding(
        self, a: int, b: int, sector: Sector, draw: float
    ) -> FundingSplit | None:
        """The pair settles how to split the bill: the split proposed (proportional with
        chance `proportional_funding_share`, else equal), or the other if the proposed one
        leaves either side worse off; None when neither split suits both."""
        p = self.parameters
        preferred, fallback = (
            (FundingSplit.PROPORTIONAL, FundingSplit.EQUAL)
            if draw < p.proportional_funding_share
            else (FundingSplit.EQUAL, FundingSplit.PROPORTIONAL)
        )
        # plain floats: this runs once a signing, on two numbers
        capability_a, capability_b = float(self.capability[a]), float(self.capability[b])
        share_a = 2.0 * capability_a / (capability_a + capability_b)
        exposure = SECTOR_EXPOSURE[sector]
        benefit = (
            DIALOGUE_BENEFIT * float(self.benefit[a, b]),
            DIALOGUE_BENEFIT * float(self.benefit[b, a]),
        )
        sovereignty = (
            exposure * float(self.sovereignty[a, b]),
            exposure * float(self.sovereignty[b, a]),
        )
        full_funding = p.funding_cost * MAX_DEPTH
        for split in (preferred, fallback):
            shares = (share_a, 2.0 - share_a) if split is FundingSplit.PROPORTIONAL else (1.0, 1.0)
            if (
                benefit[0]
                > sovereignty[0] * DIALOGUE_EXPOSURE
                + full_funding * shares[0] * DIALOGUE_COST
                + p.negotiation_cost
            ) and (
                benefit[1]
                > sovereignty[1] * DIALOGUE_EXPOSURE
                + full_funding * shares[1] * DIALOGUE_COST
                + p.negotiation_cost
            ):
                return split
        return None

    def _choose_sector(self, a: int, b: int, general_draw: float, sector_draw: float) -> Sector:
        """About 70% general frameworks (Kinne 2020); the rest follow the dyad's need:
        intelligence with threat, technology and arms with a capability gap, basing with
        both."""
        if general_draw < 0.7:
            return Sector.GENERAL
        threat_level = max(float(self.threat[a]), float(self.threat[b]))
        gap = abs(float(self.dominance[a, b]) - float(self.dominance[b, a]))
        weights = (1.0, 2.0 * threat_level, 0.2 + 2.0 * gap, 0.2 + gap, gap * threat_level)
        total = sum(weights)
        cumulative, chosen = 0.0, 0
        for weight in weights:
            cumulative += weight / total
            if cumulative <= sector_draw:
                chosen += 1
        return SECTORS[1 + min(chosen, 4)]

    # ---------------------------------------------------- multilateral pacts

    def _pact_terms(self, pacts: list[Agreement]) -> PactTerms:
        """Full-depth benefit, sovereignty and funding of each pact to every nation
        (member or not), and the dominance of its strongest other member.

        Benefit is the mean over the other members of the dyadic benefit, plus
        collective security: a share of the pact's capability behind the nation.
        An outsider takes on every member it is not yet tied to at once, so its gains
        saturate as if all of them were added (a member's own valuation already counts
        them). Sovereignty cost takes dominance from the pact's strongest other member;
        funding follows the pact's split as it would be with the nation in it.

        All pacts at once: sums over members are products with the membership matrix,
        so the cost hardly grows with the number of pacts.
        """
        # between refreshes of the valuations and ties (which clear this cache) only a
        # pact's membership moves its terms: the same pacts and sizes, the same terms
        key = tuple((pact.slot, len(pact.members)) for pact in pacts)
        if self._pact_terms_cache is not None and self._pact_terms_cache[0] == key:
            return self._pact_terms_cache[1]
        terms = self._value_pacts(pacts)
        self._pact_terms_cache = (key, terms)
        return terms

    def _value_pacts(self, pacts: list[Agreement]) -> PactTerms:
        p = self.parameters
        n = self.capability.size
        membership = np.zeros((n, len(pacts)), dtype=DYADIC)
        for column, pact in enumerate(pacts):
            membership[pact.members, column] = 1.0
        is_member = membership > 0
        # members each nation is tied to, pact by pact: whole counts, gathered from the
        # members' columns of `ties` rather than by a product over every nation
        everyone = [member for pact in pacts for member in pact.members]
        starts = np.cumsum([0] + [len(pact.members) for pact in pacts[:-1]])
        tied_members = np.add.reduceat(
            self.ties[:, everyone], starts, axis=1, dtype=np.int64
        ).astype(DYADIC)
        others = membership.sum(axis=0) - is_member
        # a nation's own entry is 0 in the benefit and dominance matrices and untied in
        # `ties`, so sums over all members need no correction for it
        benefit = (self.benefit @ membership) / np.maximum(others, 1)
        new_partners = others - tied_members
        capacity = p.partner_saturation * self.absorptive_capacity + self.degree
        held = capacity[:, None]
        crowding = held / (held + np.maximum(new_partners - 1, 0))
        benefit = np.where(benefit > 0, benefit * crowding, benefit)
        own = self.capability[:, None]
        others_capability = self.capability @ membership.astype(np.float64) - own * is_member
        collective = (
            0.5
            * p.threat_weight
            * self.threat[:, None]
            * others_capability
            / (others_capability + own)
        )
        dominated = np.zeros(membership.shape, dtype=DYADIC)
        funding_share = np.ones(membership.shape)
        exposure = np.ones(len(pacts))
        for column, pact in enumerate(pacts):
            members = np.array(pact.members)
            dominated[:, column] = self.dominance[:, members].max(axis=1)
            funding_share[:, column] = self._pact_funding_shares(pact, members)
            exposure[column] = pact.exposure
        sovereignty = exposure * utility.sovereignty_cost(
            self.sovereignty_sensitivity[:, None],
            dominated,
            sovereignty_weight=p.sovereignty_weight,
            asymmetry_weight=p.asymmetry_weight,
        )
        funding = utility.funding_burden(funding_share, funding_cost=p.funding_cost)
        return PactTerms(
            column={pact.slot: column for column, pact in enumerate(pacts)},
            benefit=benefit + collective,
            sovereignty=sovereignty,
            funding=funding,
            dominated=dominated,
            near=(tied_members > 0) & ~is_member,
        )

    def _pact_funding_shares(self, pact: Agreement, members: np.ndarray) -> np.ndarray:
        """Every nation's share of the pact's bill (an even split gives 1): members'
        shares as they stand, an outsider's as it would be in the pact enlarged by it."""
        caps = self.capability[members]
        own = self.capability
        enlarged = members.size + 1
        if pact.funding is FundingSplit.PROPORTIONAL:
            shares = enlarged * own / (caps.sum() + own)
        elif pact.funding is FundingSplit.LEAD_NATION:
            shares = np.where(own > caps.max(), 0.5 * enlarged, 0.5 * enlarged / members.size)
        else:
            shares = np.ones(own.size)
        shares[members] = utility.funding_shares(caps, pact.funding)
        return shares

    def _approval(self, pact: Agreement, applicant: int) -> bool:
        """Members vote, weighted by capability (the stronger side dominates decisions),
        on what the applicant brings each of them: the dyadic value at the pact's depth
        plus its capability added to their collective security."""
        p = self.parameters
        members = np.array(pact.members)
        joining = self.capability[applicant]
        collective = (
            0.5
            * p.threat_weight
            * self.threat[members]
            * joining
            / (self.capability[members].sum() + joining)
        )
        value = utility.net_value(
            self.benefit[members, applicant] + collective,
            self.sovereignty[members, applicant] * pact.exposure,
            utility.funding_burden(np.ones(1), funding_cost=p.funding_cost),
            pact.depth,
        )
        weights = self.capability[members]
        return bool(weights[value > 0].sum() >= 0.5 * weights.sum())

    def _multilateral(self, step: int) -> None:
        p = self.parameters
        pacts = self.registry.active_pacts()
        # joining one pact leaves the others' terms as they were: value all at once
        terms = self._pact_terms(pacts) if pacts else None
        for column, pact in enumerate(pacts):
            # applicants come from the pact's neighbourhood: states already tied to a member
            near = terms.near[:, column].copy()
            for barred, until in pact.barred_until.items():
                if until > step:
                    near[barred] = False
            outsiders = np.flatnonzero(near)
            if outsiders.size == 0 or p.diplomatic_capacity == 0:
                continue
            values = (
                utility.net_value(
                    terms.benefit[outsiders, column],
                    terms.sovereignty[outsiders, column],
                    terms.funding[outsiders, column],
                    pact.depth,
                )
                - p.negotiation_cost
            )
            keen = values > 0
            if not keen.any():
                continue
            # the pact considers the most eager applicants first, as many as its members
            # can handle within their diplomatic capacity
            taste = values[keen] + p.decision_noise * self.rng.gumbel(size=int(keen.sum()))
            applicants = outsiders[keen][np.argsort(-taste)][: p.diplomatic_capacity]
            for applicant in applicants:
                if self._approval(pact, int(applicant)):
                    self.registry.join(pact, int(applicant), step)
                    self.counts["joinings"] += 1
                    self.events.add(
                        step,
                        "joined",
                        pact,
                        nation=self.names[applicant],
                        detail=f"{self.names[applicant]} joined {pact.name}",
                    )
        self._found_pacts(step)

    def _found_pacts(self, step: int) -> None:
        """Closed triangles of deep, trusting bilateral ties may found a pact together
        (multilateralisation). A triangle already inside one pact does not found another."""
        p = self.parameters
        if p.multilateralisation_rate <= 0:
            return
        threshold = p.deepening_trust_threshold
        registry = self.registry
        slots = registry.active_slots(Kind.BILATERAL)
        deep = slots[registry.depth[slots] >= 2]
        first = np.minimum(registry.first[deep], registry.second[deep])
        second = np.maximum(registry.first[deep], registry.second[deep])
        trusting = (self.trust[first, second] >= threshold) & (
            self.trust[second, first] >= threshold
        )
        # strong ties as flat positions a n + b (a < b), sorted: (a, b) in lexicographic order
        n = self.capability.size
        edges = np.unique(first[trusting] * n + second[trusting])
        if edges.size < 3:
            return
        a, b = np.divmod(edges, n)
        strong = np.zeros((n, n), dtype=bool)
        strong.ravel()[edges] = True
        strong.ravel()[b * n + a] = True
        # each triangle once, as (a, b, c) with a < b < c, in (a, b) then c order
        edge, c = np.divmod(np.flatnonzero(strong[a] & strong[b]), n)
        third = c > b[edge]
        a, b, c = a[edge[third]], b[edge[third]], c[third]
        pacts = registry.active_pacts()
        if pacts:
            # a triangle already inside one pact (each pair shares one) founds no other
            membership = np.zeros((n, len(pacts)), dtype=bool)
            for column, pact in enumerate(pacts):
                membership[pact.members, column] = True
            inside = (
                (membership[a] & membership[b]).any(axis=1)
                & (membership[a] & membership[c]).any(axis=1)
                & (membership[b] & membership[c]).any(axis=1)
            )
            a, b, c = a[~inside], b[~inside], c[~inside]
        founded: set[int] = set()
        for x, y, z in zip(a.tolist(), b.tolist(), c.tolist()):
            if x in founded or y in founded or z in founded:
                continue
            if self.rng.random() >= p.multilateralisation_rate:
                continue
            founded.update((x, y, z))
            self._found_pact([x, y, z], step)

    def _found_pact(self, founders: list[int], step: int) -> None:
        p = self.parameters
        draws = self.rng.random(2)
        pact = self.registry.sign(
            agreement_id=self.registry.next_id(Kind.MULTILATERAL),
            name="Pact of " + ", ".join(self.names[i] for i in founders),
            kind=Kind.MULTILATERAL,
            sector=Sector.GENERAL,
            depth=2,
            members=list(founders),
            dispute_resolution=bool(draws[0] < p.dispute_resolution_share),
            funding=(
                FundingSplit.PROPORTIONAL
                if draws[1] < p.proportional_funding_share
                else FundingSplit.EQUAL
            ),
            term=p.term,
            signed_step=step,
            expires_step=step + p.term,
        )
        self.counts["signings"] += 1
        self.events.add(
            step,
            "signed",
            pact,
            nation=self.names[founders[0]],
            detail=f"{pact.name} founded a multilateral pact",
        )

    # ------------------------------------------------- member-level valuation

    def _member_values(self) -> MemberValues:
        """Value terms of each active agreement to each member (see `MemberValues`)."""
        p = self.parameters
        registry = self.registry
        slots = registry.active_slots(Kind.BILATERAL)
        first, second = registry.first[slots], registry.second[slots]
        n = self.capability.size
        rows = np.concatenate([first, second])
        where = np.concatenate([first * n + second, second * n + first])  # flat [rows, cols]
        exposure = EXPOSURE_BY_CODE[registry.sector[slots]]
        shares = np.concatenate(self._bilateral_funding_shares(first, second, slots))
        level = registry.depth[slots]
        parts = [
            (
                np.concatenate([slots, slots]),
                rows,
                np.concatenate([level, level]),
                self.benefit.ravel()[where],
                self.sovereignty.ravel()[where] * np.concatenate([exposure, exposure]),
                utility.funding_burden(shares, funding_cost=p.funding_cost),
                self.trust.ravel()[where],
                self.dominance.ravel()[where],
            )
        ]
        parts.extend(self._pact_rows(registry.active_pacts()))
        return _member_values_from(parts, bilateral=slots.size)

    def _pact_rows(self, pacts: list[Agreement]) -> list[tuple[np.ndarray, ...]]:
        """Member rows of the pacts, all pacts in one block (pact by pact, members in
        member order)."""
        if not pacts:
            return []
        terms = self._pact_terms(pacts)
        sizes = [len(pact.members) for pact in pacts]
        nation = np.array([member for pact in pacts for member in pact.members])
        column = np.repeat([terms.column[pact.slot] for pact in pacts], sizes)
        trust_in_others = []
        for pact in pacts:
            members = np.array(pact.members)
            block = self.trust[members[:, None], members]
            np.fill_diagonal(block, 0.0)  # not its trust in itself
            trust_in_others.append(block.sum(axis=1) / (members.size - 1))
        return [
            (
                np.repeat([pact.slot for pact in pacts], sizes),
                nation,
                np.repeat([pact.depth for pact in pacts], sizes),
                terms.benefit[nation, column],
                terms.sovereignty[nation, column],
                terms.funding[nation, column],
                np.concatenate(trust_in_others),
                terms.dominated[nation, column],
            )
        ]

    # --------------------------------------------------------------- deepening

    def _deepen(self, step: int, now: MemberValues, gain: np.ndarray) -> None:
        """`gain`: what climbing one rung adds to each row of `now`."""
        p = self.parameters
        registry = self.registry
        count = now.bilateral
        slots = registry.active_slots(Kind.BILATERAL)
        draws = self.rng.random(slots.size)
        both_gain = (gain[:count] > 0) & (gain[count : 2 * count] > 0)
        first, second = now.nation[:count], now.nation[count : 2 * count]
        n, trust = self.capability.size, self.trust.ravel()
        threshold = p.deepening_trust_threshold
        trusting = (trust[first * n + second] >= threshold) & (
            trust[second * n + first] >= threshold
        )
        ready = (registry.depth[slots] < MAX_DEPTH) & (registry.last_change[slots] < step)
        for slot in slots[ready & both_gain & trusting & (draws < p.deepening_rate)].tolist():
            self._climb(registry.by_slot[slot], step)
        # pacts: members vote weighted by capability -- the stronger side dominates decisions
        pact_rows = slice(2 * count, None)
        weight = self.capability[now.nation[pact_rows]]
        for pact in registry.active_pacts():
            rows = now.slot[pact_rows] == pact.slot
            if pact.depth >= MAX_DEPTH or registry.last_change[pact.slot] >= step:
                continue
            if self.rng.random() >= p.deepening_rate:
                continue
            in_favour = weight[rows][gain[pact_rows][rows] > 0].sum()
            if in_favour < 0.5 * weight[rows].sum():
                continue
            members = np.array(pact.members)
            block = self.trust[np.ix_(members, members)]
            if block[~np.eye(members.size, dtype=bool)].min() < p.deepening_trust_threshold:
                continue
            self._climb(pact, step)

    def _climb(self, agreement: Agreement, step: int) -> None:
        self.registry.set_depth(agreement, agreement.depth + 1, step)
        self.counts["deepenings"] += 1
        self.events.add(
            step,
            "deepened",
            agreement,
            nation=self.names[agreement.members[0]],
            detail=f"{agreement.name} deepened to depth {agreement.depth}",
        )

    # ------------------------------------------------------- renewal and exit

    def _renew_or_exit(
        self, step: int, values: MemberValues, value: np.ndarray, below: np.ndarray
    ) -> None:
        """Members who found an agreement not worth its cost for `exit_patience` steps
        leave early; at term end any member who finds it negative declines to renew.

        `value` and `below`: each row's net value at its depth and one rung down."""
        p = self.parameters
        registry = self.registry
        count = values.bilateral
        slots = registry.active_slots(Kind.BILATERAL)
        term_ends = registry.expires[slots] <= step
        value_first, value_second = value[:count], value[count : 2 * count]
        streak_first = np.where(value_first < 0, registry.discontent_first[slots] + 1, 0)
        streak_second = np.where(value_second < 0, registry.discontent_second[slots] + 1, 0)
        registry.discontent_first[slots] = streak_first
        registry.discontent_second[slots] = streak_second
        quits_first = (streak_first >= p.exit_patience) | (term_ends & (streak_first > 0))
        quits_second = (streak_second >= p.exit_patience) | (term_ends & (streak_second > 0))
        # a rung down, rather than a break, when both still gain from the rung below
        settles_lower = (
            (quits_first | quits_second)
            & (registry.depth[slots] > MIN_DEPTH)
            & (below[:count] > 0)
            & (below[count : 2 * count] > 0)
        )
        for slot in slots[settles_lower].tolist():
            self._step_down(registry.by_slot[slot], step)
        registry.discontent_first[slots[settles_lower]] = 0
        registry.discontent_second[slots[settles_lower]] = 0
        quits_first &= ~settles_lower
        quits_second &= ~settles_lower
        # when both would go, the one worse off leaves first and ends it
        first_leaves = quits_first & (~quits_second | (value_first <= value_second))
        for k in np.flatnonzero(quits_first | quits_second).tolist():
            row = k if first_leaves[k] else count + k
            streak = streak_first[k] if first_leaves[k] else streak_second[k]
            agreement = registry.by_slot[slots[k]]
            self._exit(
                agreement,
                int(values.nation[row]),
                step,
                self._reason(values, row, streak, term_ends[k]),
            )
        renewing = term_ends & ~(quits_first | quits_second)
        self._renew_bilateral(slots[renewing], step)

        rows_by_pact: dict[int, list[int]] = {}
        for row in range(2 * count, values.slot.size):
            rows_by_pact.setdefault(int(values.slot[row]), []).append(row)
        for slot, rows in rows_by_pact.items():
            pact = registry.by_slot[slot]
            term_end = pact.expires_step <= step
            streaks = {}
            for row in rows:
                member = int(values.nation[row])
                streaks[row] = pact.discontent.get(member, 0) + 1 if value[row] < 0 else 0
                if streaks[row]:
                    pact.discontent[member] = streaks[row]
                else:
                    pact.discontent.pop(member, None)
            if self._pact_settles_lower(pact, values, below, rows, streaks, term_end):
                self._step_down(pact, step)
                for row in rows:  # those the lower rung satisfies start afresh
                    if below[row] > 0:
                        pact.discontent.pop(int(values.nation[row]), None)
                if term_end:
                    self._renew(pact, step)
                continue
            for row in rows:
                streak = streaks[row]
                if streak and (streak >= p.exit_patience or term_end) and pact.active:
                    member = int(values.nation[row])
                    self._exit(pact, member, step, self._reason(values, row, streak, term_end))
            if pact.active and term_end:
                self._renew(pact, step)

    def _pact_settles_lower(
        self,
        pact: Agreement,
        values: MemberValues,
        below: np.ndarray,
        rows: list[int],
        streaks: dict[int, int],
        term_end: bool,
    ) -> bool:
        """A pact steps down a rung when, weighted by capability, most of its members have
        found the current depth not worth its cost for `exit_patience` steps (or at term
        end), but most gain from the rung below."""
        if pact.depth <= MIN_DEPTH:
            return False
        weight = self.capability[values.nation[rows]]
        patience = self.parameters.exit_patience
        fed_up = np.array([s > 0 and (s >= patience or term_end) for s in map(streaks.get, rows)])
        unhappy = weight[fed_up].sum()
        content_below = weight[below[rows] > 0].sum()
        return bool(unhappy >= 0.5 * weight.sum() and content_below >= 0.5 * weight.sum())

    def _step_down(self, agreement: Agreement, step: int) -> None:
        self.registry.set_depth(agreement, agreement.depth - 1, step)
        self.counts["downgrades"] += 1
        self.events.add(
            step,
            "downgraded",
            agreement,
            nation=self.names[agreement.members[0]],
            detail=f"{agreement.name} stepped down to depth {agreement.depth}: "
            "the deeper rung no longer paid",
        )

    def _reason(self, values: MemberValues, row: int, streak: int, term_end: bool) -> ExitReason:
        if term_end and streak < self.parameters.exit_patience:
            return ExitReason.NOT_RENEWED
        # the costs as borne at the agreement's current depth decide which one drove it out
        level = values.level[row]
        return _exit_reason(
            values.trust[row],
            values.dominated[row],
            float(values.sovereignty[row] * utility.sovereignty_exposure(level)),
            float(values.funding[row] * utility.depth_cost(level)),
            self.parameters.asymmetry_weight,
        )

    def _renew_bilateral(self, slots: np.ndarray, step: int) -> None:
        """Renew many bilateral agreements at once: the commonest event of all."""
        registry = self.registry
        registry.renew_many(slots)
        count = int(slots.size)
        self.counts["renewals"] += count
        if not count:
            return
        # what a renewal says never changes for an agreement: word it once, by slot, and
        # build the rows in C (zip), the log's commonest entry by far
        wording = self._renewal_wording
        for slot in range(len(wording[0]), registry.size):  # agreements signed since
            agreement = registry.by_slot[slot]
            said = (
                agreement.agreement_id,
                TEXT[agreement.kind],
                TEXT[agreement.sector],
                self.names[agreement.members[0]],
                f"{agreement.name} renewed for {agreement.term} steps",
            )
            for column, text in zip(wording, said, strict=True):
                column.append(text)
        pick = itemgetter(*slots.tolist())
        ident, kind, sector, nation, detail = (
            pick(column) if count > 1 else (pick(column),) for column in wording
        )
        self.events.rows.extend(
            zip(
                repeat(step, count),
                repeat("renewed", count),
                ident,
                kind,
                sector,
                registry.depth[slots].tolist(),
                nation,
                repeat("", count),
                repeat("", count),
                repeat("", count),
                detail,
            )
        )

    def _renew(self, agreement: Agreement, step: int) -> None:
        self.registry.renew(agreement)
        self.counts["renewals"] += 1
        self.events.add(
            step,
            "renewed",
            agreement,
            nation=self.names[agreement.members[0]],
            detail=f"{agreement.name} renewed for {agreement.term} steps",
        )

    def _exit(self, agreement: Agreement, member: int, step: int, reason: ExitReason) -> None:
        """A member leaves; a bilateral agreement (or a pact left with one member) ends."""
        self.counts["exits"] += 1
        others = [m for m in agreement.members if m != member]
        if reason is not ExitReason.NOT_RENEWED:
            # walking out costs trust with those left behind, and closes the door a while
            trust.trust_shock(
                self.trust,
                np.full(len(others), member),
                np.array(others, dtype=np.int64),
                self.parameters.exit_trust_penalty,
            )
            if agreement.kind is Kind.MULTILATERAL:
                agreement.barred_until[member] = step + REAPPROACH_DELAY
        walked_out = reason is not ExitReason.NOT_RENEWED
        for partner in others if agreement.kind is Kind.BILATERAL and walked_out else ():
            self.estranged_until[(min(member, partner), max(member, partner))] = (
                step + REAPPROACH_DELAY
            )
        other = self.names[others[0]] if len(others) == 1 else ""
        self.events.add(
            step,
            "exited",
            agreement,
            nation=self.names[member],
            other=other,
            reason=reason.value,
            detail=f"{self.names[member]} left {agreement.name}: {EXIT_REASON_TEXT[reason]}",
        )
        if agreement.kind is Kind.BILATERAL:
            self.registry.end(agreement, step, reason)
        else:
            self.registry.leave(agreement, member, step)
            self._pacts_left.add(agreement.slot)
            if len(agreement.members) < 2:
                self.registry.end(agreement, step, ExitReason.DISSOLVED)
            else:
                return
        self.events.add(
            step,
            "ended",
            agreement,
            reason=agreement.end_reason.value,
            detail=f"{agreement.name} ended: {EXIT_REASON_TEXT[agreement.end_reason]}",
        )

    # ------------------------------------------------------------ cooperation

    def _cooperate(self) -> None:
        p = self.parameters
        self.trust = trust.update_trust(
            self.trust,
            self.trust_baseline,
            self.tie_depth,
            self.common_partners,
            growth=p.trust_growth,
            decay=p.trust_decay,
            shared_partner_growth=p.shared_partner_trust,
            tied_pairs=self.tie_pairs,
            common_pairs=self.common_pairs,
        )
        self.interoperability = interoperability.update_interoperability(
            self.interoperability,
            self.training_depth,
            gain=p.interoperability_gain,
            pairs=self.tie_pairs,
        )
        # soft power drifts toward what partners and capability confer; promises
        # kept or broken move it directly in the crisis phase
        self.reputation += 0.1 * (self._reputation_target() - self.reputation)

    def _reputation_target(self) -> np.ndarray:
        degree = self.degree.astype(np.float64)
        hub = degree / (degree + degree.mean() + 1.0)
        return 0.25 + 0.5 * hub + 0.25 * self.capability / self.capability.max()

    # ----------------------------------------------------------------- crises

    def _crises(self, step: int) -> None:
        p = self.parameters
        # disputes arise between rivals, and between partners: cooperation brings its own
        # frictions (basing, burden-sharing); every other dyad is left quiet
        n = self.capability.size
        rivals_first, rivals_second = self._rival_pairs()
        tie_rows, tie_cols = self.tie_pairs
        # dyads by flat position (i n + j): gathering from raveled matrices is several
        # times faster than indexing by (row, column)
        linear = np.concatenate(
            [rivals_first * n + rivals_second, self.tie_flat[tie_rows < tie_cols]]
        )
        linear.sort()  # sorted and without repeats (a rival may also be a partner)
        if linear.size:
            linear = linear[np.concatenate([[True], linear[1:] != linear[:-1]])]
        first, second = np.divmod(linear, n)
        mutual_trust = 0.5 * (self.trust.ravel()[linear] + self.trust.ravel()[second * n + first])
        hazard = crises.crisis_hazard(
            self.rivalry.ravel()[linear] + crises.PARTNER_FRICTION * self.ties.ravel()[linear],
            self.same_region.ravel()[linear],
            mutual_trust,
            self.capability[first],
            self.capability[second],
            np.maximum(self.threat[first], self.threat[second]),
            rate=p.crisis_rate,
        )
        broke_out = self.rng.random(hazard.size) < hazard
        pairs = sorted(
            set(zip(first[broke_out].tolist(), second[broke_out].tolist()))
            | set(self.forced_crises)
        )
        if not pairs:
            return
        first = np.array([a for a, _ in pairs])
        second = np.array([b for _, b in pairs])
        # only nations bound by mutual-defense obligations have allies to call
        bound = self.obligation.any(axis=1).tolist()
        deterrence = np.array([self._call_allies(a, b, step, bound) for a, b in pairs])
        linear, transposed = first * n + second, second * n + first
        # early warning: either side has an open intelligence channel with someone
        informed = (self.intelligence_depth[first] > 0).any(axis=1) | (
            self.intelligence_depth[second] > 0
        ).any(axis=1)
        probability = crises.escalation_probability(
            base=p.escalation_base,
            channel=self.ties.ravel()[linear].astype(np.float64),
            dispute_resolution=self._dispute_resolution_cover(first, second),
            common_partners=self.common_partners.ravel()[linear],
            trust=0.5 * (self.trust.ravel()[linear] + self.trust.ravel()[transposed]),
            early_warning=informed.astype(np.float64),
            deterrence=deterrence,
            dialogue_effect=p.dialogue_effect,
            dispute_resolution_effect=p.dispute_resolution_effect,
            mediation_effect=p.mediation_effect,
            trust_effect=p.trust_effect,
            early_warning_effect=p.early_warning_effect,
            deterrence_effect=p.deterrence_effect,
        )
        escalated = self.rng.random(len(pairs)) < probability
        self.counts["crises"] += len(pairs)
        self.counts["conflicts_escalated"] += int(escalated.sum())
        self.counts["conflicts_prevented"] += int((~escalated).sum())
        up, down = first[escalated], second[escalated]
        trust.trust_shock(self.trust, up, down, p.escalation_trust_penalty)
        np.add.at(self.threat_shock, up, p.escalation_threat_shock)
        np.add.at(self.threat_shock, down, p.escalation_threat_shock)
        if up.size and (self.rivalry[up, down] == 0).any():
            self._rivals = None  # an escalation between non-rivals makes new rivals
        self.rivalry[up, down] = np.minimum(1.0, self.rivalry[up, down] + 0.1)
        self.rivalry[down, up] = self.rivalry[up, down]
        trust.trust_boost(self.trust, first[~escalated], second[~escalated], 0.05)
        for a, b, went_up, chance in zip(
            first.tolist(), second.tolist(), escalated.tolist(), probability.tolist()
        ):
            outcome = "escalated" if went_up else "prevented"
            self.events.add(
                step,
                "crisis",
                nation=self.names[a],
                other=self.names[b],
                outcome=outcome,
                detail=f"crisis between {self.names[a]} and {self.names[b]} {outcome} "
                f"(escalation chance {chance:.2f})",
            )

    def _dispute_resolution_cover(self, first: np.ndarray, second: np.ndarray) -> np.ndarray:
        """1 where the parties share an agreement with dispute-resolution provisions;
        0.5 where each is bound by such provisions elsewhere (habits and forums of crisis
        management carry over, at half strength); 0 otherwise."""
        shared = self.dispute_channel[first, second]
        bound = self.dispute_channel[first].any(axis=1) & self.dispute_channel[second].any(axis=1)
        return np.where(shared, 1.0, 0.5 * bound)

    def _rival_pairs(self) -> tuple[np.ndarray, np.ndarray]:
        """Rival dyads (i < j), cached: rivalry changes only when crises escalate."""
        if self._rivals is None:
            self._rivals = np.nonzero(np.triu(self.rivalry, 1))
        return self._rivals

    def _call_allies(self, a: int, b: int, step: int, bound: list[bool]) -> float:
        """Both parties call on allies bound by mutual-defense obligations (`bound`: who
        has any).

        Returns the deterrence the weaker party gains: the capability of allies who
        honoured their word as a share of that plus the stronger party's strength.
        """
        p = self.parameters
        weaker, stronger = (a, b) if self.capability[a] <= self.capability[b] else (b, a)
        backing = {weaker: 0.0, stronger: 0.0}
        for party in (weaker, stronger):
            if not bound[party]:
                continue
            allies = np.flatnonzero(self.obligation[party])
            allies = allies[(allies != a) & (allies != b)]
            if allies.size == 0:
                continue
            chance = crises.honour_probability(
                p.honour_probability, self.trust[allies, party], self.reputation[allies]
            )
            honoured = self.rng.random(allies.size) < chance
            self.counts["allies_called"] += int(allies.size)
            self.counts["allies_honoured"] += int(honoured.sum())
            self.counts["allies_reneged"] += int((~honoured).sum())
            backing[party] = float(self.capability[allies[honoured]].sum())
            trust.trust_boost(
                self.trust, allies[honoured], np.full(int(honoured.sum()), party), 0.1
            )
            self.reputation[allies[honoured]] += 0.05 * (1.0 - self.reputation[allies[honoured]])
            reneged = allies[~honoured]
            trust.trust_shock(self.trust, reneged, np.full(reneged.size, party), p.reneging_penalty)
            self.reputation[reneged] *= 1.0 - p.reneging_penalty
            for ally, kept in zip(allies.tolist(), honoured.tolist()):
                outcome = "honoured" if kept else "reneged"
                self.events.add(
                    step,
                    "ally_call",
                    nation=self.names[ally],
                    other=self.names[party],
                    outcome=outcome,
                    detail=f"{self.names[ally]} {outcome} its obligation to {self.names[party]}",
                )
        own = self.capability[stronger] + backing[stronger]
        return backing[weaker] / (backing[weaker] + own)

    # ---------------------------------------------------------------- outcomes

    def memberships_per_nation(self) -> np.ndarray:
        """How many active agreements each nation is a member of."""
        registry = self.registry
        n = self.capability.size
        slots = registry.active_slots(Kind.BILATERAL)
        counts = np.bincount(registry.first[slots], minlength=n) + np.bincount(
            registry.second[slots], minlength=n
        )
        for pact in registry.active_pacts():
            counts[pact.members] += 1
        return counts

    def _still_in_force(self, values: MemberValues) -> MemberValues:
        """`values` brought to the end of the step: bilateral rows of agreements still in
        force, and pacts that lost a member this step valued afresh."""
        registry = self.registry
        still = registry.is_active[values.slot]
        if not self._pacts_left and still.all():  # the common case: nothing ended or left
            return replace(values, level=registry.depth[values.slot], bilateral=-1)
        changed = np.zeros(registry.size, dtype=bool)
        changed[list(self._pacts_left)] = True
        keep = still & ~changed[values.slot]
        parts = [
            (
                values.slot[keep],
                values.nation[keep],
                registry.depth[values.slot[keep]],  # some stepped down since
                values.benefit[keep],
                values.sovereignty[keep],
                values.funding[keep],
                values.trust[keep],
                values.dominated[keep],
            )
        ]
        parts.extend(
            self._pact_rows(
                [
                    registry.by_slot[slot]
                    for slot in sorted(self._pacts_left)
                    if registry.is_active[slot]
                ]
            )
        )
        return _member_values_from(parts, bilateral=-1)  # blocks no longer line up

    def _evaluate_members(self, values: MemberValues | None = None) -> None:
        """Per-nation sovereignty cost, benefit and dependence from the agreements in
        force at the end of the step, valued with this step's evaluation matrices."""
        if values is None:
            values = self._member_values()
        benefit, sovereignty, _ = values.realised()
        n = self.capability.size
        self.sovereignty_cost_borne = np.bincount(values.nation, weights=sovereignty, minlength=n)
        self.benefit_received = np.bincount(values.nation, weights=benefit, minlength=n)
        # the dense row sums of depth/4 x dominance, filled in on the ties alone (the
        # products are exact, so this is the same matrix at a fraction of the traffic)
        tied, dependence = self.tie_flat, self._dependence
        dependence.ravel()[self._dependence_set] = 0.0
        dependence.ravel()[tied] = (
            self.tie_depth.ravel()[tied] / MAX_DEPTH * self.dominance.ravel()[tied]
        )
        self._dependence_set = tied
        self.dependence = dependence.sum(axis=1)

    def _collect(self) -> None:
        # outcomes become attributes (the reporters) as plain Python numbers, computed
        # once per step; DataCollector would deep-copy numpy scalars
        self.outcomes = self._compute_outcomes()
        vars(self).update(self.outcomes)
        self.datacollector.collect(self)
        self.nation_records.record(self)

    def _compute_outcomes(self) -> dict[str, float | int]:
        counts = self.counts
        n = self.capability.size
        registry = self.registry
        active = registry.active_slots()
        multilateral = int(registry.active_slots(Kind.MULTILATERAL).size)
        # the diagonal (trust in oneself) is 1 by construction: leave it out of the mean
        trust_total = float(self.trust.sum(dtype=np.float64)) - n
        mean_trust = trust_total / (n * (n - 1)) if n > 1 else 0.0
        total_cost = float(self.sovereignty_cost_borne.sum())
        total_benefit = float(self.benefit_received.sum())
        total_benefit = max(total_benefit, 0.0)
        tension = total_cost / (total_cost + total_benefit) if total_cost > 0 else 0.0
        prevention = counts["conflicts_prevented"] / counts["crises"] if counts["crises"] else 1.0
        degree = self.degree
        return {
            "stability_index": stability_index(
                counts["conflicts_escalated"], n, mean_trust, tension
            ),
            "conflict_prevention_rate": float(prevention),
            "crises": counts["crises"],
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
            "network_density": network.density(self.ties, pairs=self.tie_pairs),
            "transitivity": network.transitivity(
                self.ties, self.common_partners, pairs=self.tie_pairs
            ),
            "mean_trust": mean_trust,
            "capability_gini": capability_mechanism.gini(self.capability),
            "sovereignty_tension": float(tension),
            "mean_degree": float(degree.mean()),
            "max_degree": int(degree.max()),
            "nations_with_agreements": int(np.count_nonzero(degree)),
            "components": network.count_components(
                self.ties, pairs=self.tie_pairs, adjacency=self.adjacency
            ),
            "mean_interoperability": float(self.interoperability.ravel()[self.tie_flat].mean())
            if self.tie_flat.size
            else 0.0,
            "mean_reputation": float(self.reputation.mean()),
            "allies_called": counts["allies_called"],
            "allies_honoured": counts["allies_honoured"],
            "allies_reneged": counts["allies_reneged"],
        }


class _OutcomeCollector(DataCollector):
    """Mesa's DataCollector for the model table, handed each step's outcomes directly.

    Every reporter names an outcome that `_collect` has just computed as a plain
    Python number, so the per-reporter lookup and deep copy of `collect` would only
    copy it again.
    """

    def collect(self, model: DefenseCooperationModel) -> None:
        steps = getattr(self, "_collection_steps", None)
        if steps is not None:
            steps.append(model.time)
        outcomes = model.outcomes
        for name, column in self.model_vars.items():
            column.append(outcomes[name])


def _scatter_max(matrix: np.ndarray, where: np.ndarray, values: np.ndarray, repeats: bool) -> None:
    """The flat positions `where` of a fresh (all-zero) matrix take the largest of their
    `values`, never negative. A pair repeats only when a scenario lists two agreements
    between the same nations; without repeats a plain assignment does it, far faster
    than `np.maximum.at`."""
    if repeats:
        np.maximum.at(matrix.ravel(), where, values)
    else:
        matrix.ravel()[where] = values


def _member_values_from(parts: list[tuple[np.ndarray, ...]], bilateral: int) -> MemberValues:
    if len(parts) == 1:
        columns = list(parts[0])
    else:
        columns = [np.concatenate(column) for column in zip(*parts, strict=True)]
    slot, nation, level, benefit, sovereignty, funding, trust_level, dominated = columns
    return MemberValues(
        slot=slot.astype(np.int64, copy=False),
        nation=nation.astype(np.int64, copy=False),
        level=level.astype(np.int64, copy=False),
        benefit=benefit,
        sovereignty=sovereignty,
        funding=funding,
        trust=trust_level,
        dominated=dominated,
        bilateral=bilateral,
    )


def _first_expiry(signed_step: int, term: int) -> int:
    """End of the term running at step 0 for an agreement signed at `signed_step` <= 0."""
    elapsed = (-signed_step) % term
    return term - elapsed


def _exit_reason(
    trust_level: float,
    dominated: float,
    sovereignty: float,
    funding: float,
    asymmetry_weight: float,
) -> ExitReason:
    """Name the dominant cause when a member finds an agreement not worth its cost.

    Trust collapse first; then dominance when a partner is over three times stronger
    (dominance above 0.5) and the extra sovereignty cost that asymmetry adds outweighs
    the funding cost; then sovereignty backlash or funding burden, whichever is larger.
    """
    if trust_level < TRUST_COLLAPSE_LEVEL:
        return ExitReason.TRUST_COLLAPSE
    asymmetry_part = (
        sovereignty * asymmetry_weight * dominated / (1.0 + asymmetry_weight * dominated)
    )
    if dominated > 0.5 and asymmetry_part > funding:
        return ExitReason.DOMINANCE
    if sovereignty >= funding:
        return ExitReason.SOVEREIGNTY_BACKLASH
    return ExitReason.FUNDING_BURDEN
