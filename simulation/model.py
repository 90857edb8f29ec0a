"""The defense cooperation model: holds the run's state and orders the phases of a step.

The state (`simulation.state.WorldState`) declares every quantity a run knows; each
phase of the step is a module of `simulation.phases`; every decision rule is a public
pure function of `simulation.mechanisms`; what is measured lives in
`simulation.outcomes`. docs/ARCHITECTURE.md shows how they fit together.
"""

from __future__ import annotations

from dataclasses import replace

import numpy as np
from mesa import Model

from simulation.agents import Nation
from simulation.agreements import AgreementRegistry
from simulation.event_log import EventLog
from simulation.mechanisms.renewal import first_expiry
from simulation.mechanisms.reputation import reputation_target
from simulation.outcomes import COUNTED_COLUMNS, STABILITY_WINDOW, OutcomeRecorder
from simulation.parameters import Parameters
from simulation.phases import (
    cooperation,
    crises,
    deepening,
    environment,
    member_evaluation,
    pacts,
    partner_valuation,
    renewal,
    signing,
)
from simulation.scenario import Scenario, resolve_members
from simulation.state import WorldState
from simulation.ties import refresh_ties
from simulation.world import build_world

# Trust and interoperability a standing agreement brings its members at the start, per
# rung of depth: years of contact before the run began
STANDING_TRUST_PER_RUNG = 0.08
STANDING_INTEROPERABILITY_PER_RUNG = 0.2


class DefenseCooperationModel(Model):
    """Nations sign, deepen, renew and exit defense cooperation agreements; crises
    between them escalate or are prevented.

    Args:
        scenario: a validated `Scenario` (see `load_scenario`); every random draw
            flows from its seed.
    """

    def __init__(self, scenario: Scenario):
        super().__init__(rng=scenario.seed)
        self.state = WorldState.from_world(scenario, build_world(scenario, self.rng), self.rng)
        state = self.state
        Nation.create_agents(
            self,
            state.size,
            name=state.names,
            index=list(range(state.size)),
            region=[state.region_names[r] for r in state.region],
        )
        self.nations: list[Nation] = sorted(self.agents_by_type[Nation], key=lambda a: a.index)

        place_standing_agreements(state)
        refresh_ties(state)
        state.threat = environment.perceive_threat(state)
        state.reputation = reputation_target(
            state.degree, state.capability, state.states_if_not_all()
        )
        state.start_step(COUNTED_COLUMNS)
        partner_valuation.value_partners(state)
        member_evaluation.evaluate_members(state)

        self.recorder = OutcomeRecorder()
        self.outcomes: dict[str, float | int] = self.recorder.record(state, self.steps)

    # the parts of the state most readers want, by name
    @property
    def parameters(self) -> Parameters:
        return self.state.parameters

    @property
    def names(self) -> list[str]:
        return self.state.names

    @property
    def registry(self) -> AgreementRegistry:
        return self.state.registry

    @property
    def events(self) -> EventLog:
        return self.state.events

    def step(self) -> None:
        """One step (a year) of the cycle, phase by phase (see `simulation.phases`)."""
        state, step = self.state, self.steps
        state.start_step(COUNTED_COLUMNS)
        environment.advance_environment(state, step)
        if state.ties_stale:
            refresh_ties(state)
        partner_valuation.value_partners(state)
        signing.sign_bilateral_agreements(state, step)
        pacts.join_and_found_pacts(state, step)
        # one valuation serves deepening, renewal and exit, and the end-of-step report
        values = member_evaluation.member_values(state)
        around = values.around()  # net value a rung below, at, and a rung above
        deepening.deepen(state, step, values, around[2] - around[1])
        # renewal and exit value each agreement at its depth after deepening: one rung
        # up for those that climbed
        level = state.registry.depth[values.slot]
        climbed = level != values.level
        values = replace(values, level=level)
        renewal.renew_step_down_or_exit(
            state,
            step,
            values,
            np.where(climbed, around[2], around[1]),
            np.where(climbed, around[1], around[0]),
        )
        refresh_ties(state)
        cooperation.cooperate(state)
        crises.run_crises(state, step)
        member_evaluation.evaluate_members(state, member_evaluation.still_in_force(state, values))
        self.outcomes = self.recorder.record(state, step)
        state.remember_conflict(self.outcomes, STABILITY_WINDOW)


def place_standing_agreements(state: WorldState) -> None:
    """The agreements in force when the run starts, as the scenario lists them; their
    members begin with the trust and interoperability that years of contact bring."""
    scenario = state.scenario
    index = {name: i for i, name in enumerate(state.names)}
    for spec in scenario.agreements:
        members = [index[name] for name in resolve_members(scenario, spec)]
        term = spec.term or state.parameters.term
        state.registry.sign(
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
            expires_step=first_expiry(spec.signed_step, term),
            exogenous=spec.exogenous,
            alliance=spec.alliance,
            environmental=spec.environmental_provisions,
        )
        block = np.ix_(members, members)
        state.trust[block] = np.clip(
            state.trust[block] + STANDING_TRUST_PER_RUNG * spec.depth, 0.0, 1.0
        )
        state.interoperability[block] = np.maximum(
            state.interoperability[block], STANDING_INTEROPERABILITY_PER_RUNG * (spec.depth - 1)
        )
    np.fill_diagonal(state.trust, 1.0)
    np.fill_diagonal(state.interoperability, 0.0)
