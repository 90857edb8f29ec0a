"""Phase 7, cooperation effects: trust grows along ties (and shared partners) and decays
toward its baseline elsewhere; joint training builds interoperability; reputation
drifts toward what partners and capability confer."""

from __future__ import annotations

from simulation.mechanisms import interoperability, reputation, trust
from simulation.state import WorldState


def cooperate(state: WorldState) -> None:
    p = state.parameters
    state.trust = trust.update_trust(
        state.trust,
        state.trust_baseline,
        state.tie_depth,
        state.common_partners,
        growth=p.trust_growth,
        decay=p.trust_decay,
        shared_partner_growth=p.shared_partner_trust,
        tied_pairs=state.tie_pairs,
        common_pairs=state.common_pairs,
    )
    state.interoperability = interoperability.update_interoperability(
        state.interoperability,
        state.training_depth,
        gain=p.interoperability_gain,
        pairs=state.tie_pairs,
    )
    # promises kept or broken move reputation directly, in the crisis phase
    state.reputation = reputation.drift_reputation(
        state.reputation,
        reputation.reputation_target(state.degree, state.capability, state.states_if_not_all()),
    )
