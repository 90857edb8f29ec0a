"""Every model parameter moves the outcome its documentation says it moves.

Each case runs the small test world at a low and a high value of one parameter,
over the same six seeds (common random numbers), and compares the mean of one
measure. The claims match the parameter descriptions in simulation/parameters.py
and the table in docs/MODEL.md.
"""

from __future__ import annotations

import pytest

from simulation.parameters import Parameters
from tests.conftest import SMALL_WORLD
from tests.parameter_effects import compare

UP, DOWN = "up", "down"
# the test world's listed nations and four states that enter it at step 5
NEWCOMERS = [
    *SMALL_WORLD["nations"],
    *(
        {"name": f"Newland {k}", "region": "South", "capability": 1.0, "enters": 5}
        for k in range(4)
    ),
]
# the test world with its regions on the map, for claims about distance
LOCATED = {"located": True}

# parameter, low, high, measure, direction of the measure as the parameter rises, and
# (optionally) how the world differs from the test world (`parameter_effects.run_tables`)
CLAIMS = [
    ("threat_weight", 0.3, 2.5, "signings", UP),
    ("homophily_weight", 0.0, 1.5, "within_region_share", UP),
    ("region_weight", 0.0, 1.0, "within_region_share", UP),
    # proximity instead of region: with region_weight 0, distance alone keeps ties near
    (
        "distance_weight",
        0.0,
        2.0,
        "mean_tie_distance",
        DOWN,
        {**LOCATED, "fixed": {"region_weight": 0.0}},
    ),
    (
        "distance_scale",
        1000.0,
        8000.0,
        "mean_tie_distance",
        UP,
        {**LOCATED, "fixed": {"distance_weight": 1.5}},
    ),
    ("influence_weight", 0.0, 3.0, "degree_assortativity", DOWN, LOCATED),
    ("influence_weight", 0.0, 3.0, "strong_weak_ties", UP, LOCATED),
    # the periphery is courted, not crowded out: small states still find partners
    ("influence_weight", 0.0, 3.0, "weaker_half_degree", UP, LOCATED),
    # middle powers court the periphery too
    (
        "influence_reach_exponent",
        0.2,
        1.0,
        "weaker_half_degree",
        DOWN,
        {**LOCATED, "fixed": {"influence_weight": 2.0}},
    ),
    # a client with no partner yet is courted first: where partners are scarce (one
    # agreement a year, a costly negotiation), more states find one
    (
        "influence_exclusivity",
        0.0,
        1.5,
        "reach",
        UP,
        {
            **LOCATED,
            "fixed": {"influence_weight": 2.0, "negotiation_cost": 0.3, "diplomatic_capacity": 1},
        },
    ),
    # where negotiating is dear, experienced states still sign with newcomers
    (
        "negotiation_experience",
        0.0,
        1.0,
        "reach",
        UP,
        {"fixed": {"negotiation_cost": 0.3}},
    ),
    # new states sign their first agreements sooner when they reorient harder
    (
        "reorientation_effort",
        0.0,
        5.0,
        "signings",
        UP,
        {"fixed": {"reorientation_years": 8, "conclusion_rate": 0.1}, "nations": NEWCOMERS},
    ),
    (
        "reorientation_years",
        0,
        8,
        "signings",
        UP,
        {"fixed": {"reorientation_effort": 5.0, "conclusion_rate": 0.1}, "nations": NEWCOMERS},
    ),
    ("triadic_closure_weight", 0.0, 2.0, "transitivity", UP),
    ("closure_hub_discount", 0.0, 1.5, "transitivity", DOWN),
    ("redundancy_weight", 0.0, 2.0, "transitivity", DOWN),
    ("preferential_attachment_weight", 0.0, 2.5, "degree_spread", UP),
    ("status_weight", 0.0, 1.5, "signings", UP),
    ("technology_weight", 0.0, 1.5, "mean_depth", UP),
    ("partner_saturation", 2.0, 12.0, "density", UP),
    ("sovereignty_weight", 0.3, 2.0, "deep_agreements", DOWN),
    ("sovereignty_weight", 0.3, 2.0, "sovereignty_exits", UP),
    ("sovereignty_weight", 0.3, 2.0, "sovereignty_tension", UP),
    ("asymmetry_weight", 0.0, 3.0, "mean_dependence", DOWN),
    ("funding_cost", 0.02, 0.3, "active_agreements", DOWN),
    ("decision_noise", 0.02, 1.0, "transitivity", DOWN),
    ("negotiation_cost", 0.0, 0.15, "signings", DOWN),
    ("negotiation_cost", 0.0, 0.15, "exit_rate", DOWN),
    ("diplomatic_capacity", 1, 5, "signings", UP),
    ("capacity_capability_elasticity", 0.0, 1.5, "max_degree", UP),
    ("capacity_network_elasticity", 0.0, 1.5, "max_degree", UP),
    ("conclusion_rate", 0.1, 1.0, "density", UP),
    # where partners are scarce: one agreement a year, a costly negotiation
    (
        "consent_foresight",
        0.0,
        1.0,
        "reach",
        UP,
        {"fixed": {"diplomatic_capacity": 1, "negotiation_cost": 0.15}},
    ),
    ("agreements_per_pair", 1, 3, "agreements_per_tied_pair", UP),
    (
        "protocol_cost_share",
        0.0,
        1.0,
        "agreements_per_tied_pair",
        DOWN,
        {"fixed": {"agreements_per_pair": 3, "negotiation_cost": 0.15}},
    ),
    ("deepening_rate", 0.05, 0.8, "deepenings", UP),
    ("deepening_trust_threshold", 0.3, 0.7, "mean_depth", DOWN),
    ("term", 2, 10, "renewals", DOWN),
    ("lapse_rate", 0.0, 0.5, "renewals", DOWN),
    ("exit_patience", 1, 6, "early_exits", DOWN),
    ("dispute_resolution_share", 0.0, 1.0, "prevention_rate", UP),
    ("proportional_funding_share", 0.0, 1.0, "deep_agreements", DOWN),
    ("proportional_funding_share", 0.0, 1.0, "funding_exits", UP),
    ("multilateralisation_rate", 0.0, 0.5, "multilateral_agreements", UP),
    ("trust_growth", 0.0, 0.3, "mean_trust", UP),
    ("trust_decay", 0.0, 0.3, "mean_trust", DOWN),
    ("shared_partner_trust", 0.0, 0.2, "mean_trust", UP),
    ("interoperability_gain", 0.0, 0.5, "interoperability", UP),
    ("technology_transfer_rate", 0.0, 0.3, "sharing_capability_gap", DOWN),
    ("capability_growth", -0.05, 0.1, "mean_capability", UP),
    ("capability_volatility", 0.0, 0.3, "capability_gini", UP),
    ("rival_alignment_weight", 0.0, 3.0, "ties_to_rivals_partners", DOWN),
    ("transnational_threat", 0.0, 0.6, "multilateral_agreements", UP),
    ("emerging_technology_interest", 0.0, 2.0, "emerging_technology_agreements", UP),
    ("environmental_share", 0.0, 1.0, "environmental_agreements", UP),
    ("crisis_rate", 0.1, 0.8, "crises", UP),
    ("dispute_background", 0.0, 2.0, "crises", UP),
    ("escalation_base", 0.2, 0.8, "prevention_rate", DOWN),
    ("fatality_base", 0.2, 0.8, "prevention_rate", DOWN),
    ("dialogue_effect", 0.0, 3.0, "prevention_rate", UP),
    ("dispute_resolution_effect", 0.0, 3.0, "prevention_rate", UP),
    ("mediation_effect", 0.0, 3.0, "prevention_rate", UP),
    ("trust_effect", 0.0, 5.0, "prevention_rate", UP),
    ("early_warning_effect", 0.0, 3.0, "prevention_rate", UP),
    # deterrence acts once force is used, on whether the crisis turns fatal
    ("deterrence_effect", 0.0, 5.0, "prevention_rate", UP),
    ("defusing_ceiling", 1.0, 20.0, "prevention_rate", UP),
    ("honour_probability", 0.3, 1.0, "reneged_share", DOWN),
    ("entrapment_aversion", 0.0, 2.0, "reneged_share", UP),
    ("reneging_penalty", 0.0, 1.0, "mean_trust", DOWN),
    # with crises frequent enough for the trust lost in escalations to outweigh how
    # the run's course moves trust elsewhere (at the default rate the two runs' means
    # differ by 0.001 either way)
    ("escalation_trust_penalty", 0.0, 1.0, "mean_trust", DOWN, {"fixed": {"crisis_rate": 0.8}}),
    ("exit_trust_penalty", 0.0, 1.0, "mean_trust", DOWN),
    ("escalation_threat_shock", 0.0, 0.6, "mean_threat", UP),
    ("threat_shock_decay", 0.05, 0.9, "mean_threat", DOWN),
    ("initial_trust_within_region", 0.2, 0.7, "mean_trust", UP),
    ("initial_trust_across_regions", 0.1, 0.5, "mean_trust", UP),
    ("rivals_per_nation", 0.5, 4.0, "crises", UP),
]


def test_every_parameter_has_a_claim():
    claimed = {name for name, *_ in CLAIMS}
    assert claimed == set(Parameters.model_fields)


# each case runs the world twelve times, so the quick run (-m "not slow") keeps one
QUICK_CASE = ("crisis_rate", "crises")


@pytest.mark.parametrize(
    ("name", "low", "high", "measure", "direction", "world"),
    [
        pytest.param(
            *claim[:5],
            claim[5] if len(claim) > 5 else {},
            marks=() if (claim[0], claim[3]) == QUICK_CASE else pytest.mark.slow,
        )
        for claim in CLAIMS
    ],
    ids=[f"{c[0]}-{c[3]}-{c[4]}" for c in CLAIMS],
)
def test_parameter_moves_its_documented_outcome(name, low, high, measure, direction, world):
    summary = compare(name, low, high, **world)
    at_low, at_high = summary.loc[measure, "low"], summary.loc[measure, "high"]
    if direction == UP:
        assert at_high > at_low, f"{name} {low}->{high}: {measure} {at_low:.4g} -> {at_high:.4g}"
    else:
        assert at_high < at_low, f"{name} {low}->{high}: {measure} {at_low:.4g} -> {at_high:.4g}"
