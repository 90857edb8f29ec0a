"""Model parameters: one typed, documented place for every tunable number.

Each field's description says what it moves; `tests/test_parameter_effects.py`
checks each claim on averages over several seeds.
"""

from typing import Annotated, Any

from pydantic import AllowInfNan, BaseModel, BeforeValidator, ConfigDict, Field

from simulation.sectors import SECTOR_TABLE


def _refuse_booleans(expected: str):
    # YAML reads yes/true as booleans, which pydantic would quietly take as 1
    def check(value: Any) -> Any:
        if isinstance(value, bool):
            raise ValueError(f"expected {expected}, got {value!r}")
        return value

    return BeforeValidator(check)


Int = Annotated[int, _refuse_booleans("an integer")]
# NaN and infinity (YAML's .nan and .inf, or a literal too large for a float) would
# spread through every sum they enter, so no float field accepts them
Float = Annotated[float, _refuse_booleans("a number"), AllowInfNan(False)]


class Parameters(BaseModel):
    """Behavioural parameters of the defense cooperation model."""

    model_config = ConfigDict(extra="forbid", validate_assignment=True)

    # --- partner evaluation -------------------------------------------------
    threat_weight: Float = Field(
        1.0,
        ge=0,
        le=5,
        description="Weight of security gain against perceived threat in a partner's value. "
        "Higher: more signings.",
    )
    homophily_weight: Float = Field(
        0.5,
        ge=0,
        le=5,
        description="Weight of shared region and policy alignment. "
        "Higher: a larger share of ties inside regions.",
    )
    region_weight: Float = Field(
        0.5,
        ge=0,
        le=1,
        description="Share of alignment (the homophily signal) that is shared region; the rest "
        "is closeness of policy positions. Higher: a larger share of ties inside regions.",
    )
    distance_weight: Float = Field(
        0.0,
        ge=0,
        le=5,
        description="Weight of proximity between capitals, exp(-distance / distance_scale), "
        "centred like homophily; no effect in a world without locations. Higher: ties "
        "between nearer capitals (a shorter mean distance between partners).",
    )
    distance_scale: Float = Field(
        3000.0,
        ge=100,
        le=20000,
        description="Distance in km over which proximity falls to 1/e (it halves every "
        "0.69 x this). Higher: distance matters less, so partners lie farther apart "
        "(when distance_weight > 0).",
    )
    influence_weight: Float = Field(
        0.0,
        ge=0,
        le=5,
        description="A great power's gain from a small client (influence, basing, arms "
        "markets): x its reach (capability relative to the strongest) x how far it "
        "outweighs the client, and (with locations) more for a distant client. Higher: "
        "hubs sign with the periphery (lower degree assortativity, more ties between the "
        "strongest and the weakest nations).",
    )
    influence_reach_exponent: Float = Field(
        1.0,
        ge=0,
        le=1,
        description="How a state's reach (its influence motive) grows with its capability "
        "relative to the strongest state's: reach = (c / c_max)^exponent. 1: in proportion, "
        "so only the two or three greatest powers court small clients. Lower: middle powers "
        "court them too (a state with a tenth of the strongest's capability reaches 0.5 at "
        "0.3). Matters only with influence_weight above 0.",
    )
    negotiation_experience: Float = Field(
        0.0,
        ge=0,
        le=2,
        description="How far experience lowers a state's cost of negotiating the next "
        "agreement: its negotiation cost x (1 + its partners)^-experience. 0: the same for "
        "every state. Higher: states with many partners sign with new, small partners "
        "that would not pay a novice (more states with a DCA, hubs sign with the periphery).",
    )
    influence_exclusivity: Float = Field(
        0.0,
        ge=0,
        le=2,
        description="How far a client's other partners dilute a patron's influence over it: "
        "influence x (1 + the client's partners other than the patron)^-exclusivity. 0: a "
        "client is worth the same however many partners it has; 1: the influence is shared "
        "among them. Higher: powers court states with few or no partners first (more states "
        "with a DCA). Matters only with influence_weight above 0.",
    )
    triadic_closure_weight: Float = Field(
        0.6,
        ge=0,
        le=5,
        description="Weight of shared partners (triadic closure). Higher: higher transitivity.",
    )
    closure_hub_discount: Float = Field(
        0.0,
        ge=0,
        le=2,
        description="How much less a shared partner with many partners counts toward "
        "triadic closure: each shared partner k weighs (k's partners / 2)^-discount. 0: "
        "every shared partner counts 1. Higher: two states tied to the same hub are "
        "pulled together less (lower transitivity as hubs grow).",
    )
    redundancy_weight: Float = Field(
        0.0,
        ge=0,
        le=5,
        description="Weight of redundancy (Burt's structural holes): a partner is worth less "
        "the larger the share of i's other partners it is already tied to, since it reaches "
        "little i does not reach already. 0: no penalty. Higher: fewer ties between states "
        "whose networks overlap (lower transitivity as the network fills in).",
    )
    preferential_attachment_weight: Float = Field(
        0.4,
        ge=0,
        le=5,
        description="Weight of a partner's degree (preferential attachment). "
        "Higher: more unequal degrees (a wider spread of partners per nation).",
    )
    status_weight: Float = Field(
        0.3,
        ge=0,
        le=5,
        description="Weight of a partner's soft power (reputation) in its appeal. "
        "Higher: more signings.",
    )
    technology_weight: Float = Field(
        0.3,
        ge=0,
        le=5,
        description="Weight of access to a stronger partner's technology. "
        "Higher: agreements run deeper on average.",
    )
    partner_saturation: Float = Field(
        4.0,
        gt=0,
        le=1000,
        description="Number of partners at which the gains from one more partner halve. "
        "Higher: more agreements per nation, denser network.",
    )
    sovereignty_weight: Float = Field(
        1.0,
        ge=0,
        le=5,
        description="Scale of sovereignty cost (sensitivity x exposure of the depth, which "
        "grows convexly up the ladder, x asymmetry). Higher: fewer deep agreements, more "
        "sovereignty-backlash exits, higher sovereignty tension.",
    )
    asymmetry_weight: Float = Field(
        1.0,
        ge=0,
        le=5,
        description="How much a stronger partner amplifies the weaker side's sovereignty cost "
        "(dominance). Higher: lower mean dependence on stronger partners.",
    )
    funding_cost: Float = Field(
        0.1,
        ge=0,
        le=2,
        description="Running cost per rung of depth, split by the agreement's funding rule. "
        "Higher: fewer active agreements.",
    )
    decision_noise: Float = Field(
        0.1,
        gt=0,
        le=2,
        description="Spread of idiosyncratic taste in choosing whom to approach (a Gumbel "
        "temperature). Higher: partners chosen less by value, ties less clustered.",
    )

    # --- signing, deepening, renewal, exit -----------------------------------
    negotiation_cost: Float = Field(
        0.05,
        ge=0,
        le=2,
        description="One-off cost of negotiating a new agreement: a pair signs only when both "
        "sides' net value clears it, while an agreement in force is kept as long as it pays at "
        "all. Higher: fewer signings, and fewer exits per agreement in force (less partner "
        "switching).",
    )
    diplomatic_capacity: Int = Field(
        2,
        ge=0,
        le=20,
        description="Proposals a nation can send, and new agreements it can sign, per step. "
        "Higher: more signings.",
    )
    capacity_capability_elasticity: Float = Field(
        0.0,
        ge=0,
        le=2,
        description="How a nation's negotiating capacity (proposals and new agreements per "
        "step) grows with its capability relative to the median nation: diplomatic_capacity "
        "x (capability / median)^elasticity, at least 1. 0: every nation has "
        "diplomatic_capacity. Higher: strong nations sign more per step, a larger largest "
        "degree.",
    )
    capacity_network_elasticity: Float = Field(
        0.0,
        ge=0,
        le=2,
        description="How a nation's negotiating capacity grows with the partners it already "
        "has: x ((1 + partners) / (1 + median partners))^elasticity. 0: no effect. Higher: "
        "well-connected nations keep adding partners, a larger largest degree.",
    )
    consent_foresight: Float = Field(
        0.0,
        ge=0,
        le=1,
        description="Chance that a nation looks ahead in a step and proposes only to "
        "partners that value it back. 0: every nation proposes to the partners it values "
        "most, whatever their answer. Higher: more nations find a partner (reach).",
    )
    reorientation_years: Int = Field(
        0,
        ge=0,
        le=50,
        description="Steps after a state enters the system, or leaves a pact, during which "
        "it negotiates with more effort (reorientation_effort): a new state, or one whose "
        "alliance is gone, builds its defense relations anew. 0: no reorientation.",
    )
    reorientation_effort: Float = Field(
        0.0,
        ge=0,
        le=20,
        description="Extra negotiating effort of a reorienting state: a proposal with it is "
        "concluded with chance 1 - (1 - conclusion_rate)^(1 + effort), as if negotiated "
        "with 1 + effort times the effort. 0: none. Higher: new states and former bloc "
        "members sign their first agreements sooner (a surge after a bloc breaks up).",
    )
    conclusion_rate: Float = Field(
        1.0,
        gt=0,
        le=1,
        description="Chance that a proposal both sides value is concluded within the step "
        "(negotiations take time; one that is not concluded may be proposed again next "
        "step). 1: every such proposal is signed at once. Lower: the network approaches "
        "the size the nations want more slowly and grows for longer.",
    )
    agreements_per_pair: Int = Field(
        1,
        ge=1,
        le=len(SECTOR_TABLE),
        description="Most bilateral agreements two nations may hold at once, each in a "
        "different sector (a framework and sector protocols). 1: a tied pair signs nothing "
        "more. Above 1 a further agreement is worth only the channels it opens beyond those "
        "already open, and every agreement of a pair is valued that way. Higher: more "
        "agreements per tied pair.",
    )
    protocol_cost_share: Float = Field(
        1.0,
        ge=0,
        le=1,
        description="Share of the negotiation cost a further agreement between two nations "
        "already tied pays (a sector protocol under a framework reuses its legal basis and "
        "channels), and the share of a unit of negotiating capacity it takes. 1: the full "
        "cost and a whole unit, as for a first agreement. Lower: more agreements per tied "
        "pair. Matters only with agreements_per_pair above 1.",
    )
    deepening_rate: Float = Field(
        0.3,
        ge=0,
        le=1,
        description="Chance per step that members who all gain from the next rung take it. "
        "Higher: more deepenings.",
    )
    deepening_trust_threshold: Float = Field(
        0.45,
        ge=0,
        le=1,
        description="Trust every member must hold toward the others to climb a rung. "
        "Higher: lower mean depth.",
    )
    term: Int = Field(
        5,
        ge=1,
        le=50,
        description="Stated term of a new agreement in steps (real DCAs: median 5 years). "
        "Shorter: more renewals.",
    )
    lapse_rate: Float = Field(
        0.0,
        ge=0,
        le=1,
        description="Chance that a bilateral agreement both members would renew lapses at "
        "its term end all the same (nobody takes the renewal up; exit reason `lapsed`). "
        "Pacts do not lapse. Higher: fewer renewals, shorter-lived agreements.",
    )
    exit_patience: Int = Field(
        2,
        ge=1,
        le=20,
        description="Consecutive steps of negative net value before a member exits early "
        "(at term end it may decline to renew sooner). Higher: fewer early exits.",
    )
    dispute_resolution_share: Float = Field(
        0.5,
        ge=0,
        le=1,
        description="Share of new agreements that carry dispute-resolution provisions. "
        "Higher: higher conflict-prevention rate.",
    )
    environmental_share: Float = Field(
        0.0,
        ge=0,
        le=1,
        description="Share of new agreements signed with environmental provisions (on the "
        "environmental impact of exercises, bases and shared facilities): recorded on "
        "each agreement and counted in force; they change no decision. Higher: more "
        "agreements with environmental provisions.",
    )
    proportional_funding_share: Float = Field(
        0.3,
        ge=0,
        le=1,
        description="Share of new agreements whose costs are proposed split by capability "
        "rather than equally (the pair falls back to the other split if one side would lose). "
        "Higher: stronger members pay more, so fewer deep agreements and more "
        "funding-burden exits.",
    )
    multilateralisation_rate: Float = Field(
        0.05,
        ge=0,
        le=1,
        description="Chance per step that a closed triangle of deep, trusting bilateral ties "
        "founds a new multilateral pact. Higher: more multilateral agreements.",
    )

    # --- cooperation effects -------------------------------------------------
    trust_growth: Float = Field(
        0.08,
        ge=0,
        le=1,
        description="Trust gained per step through an active agreement (scaled by depth). "
        "Higher: higher mean trust.",
    )
    trust_decay: Float = Field(
        0.03,
        ge=0,
        le=1,
        description="Pull of trust back to its baseline without contact. Higher: lower mean trust "
        "between non-partners.",
    )
    shared_partner_trust: Float = Field(
        0.02,
        ge=0,
        le=1,
        description="Trust gained per step from shared partners. Higher: higher mean trust.",
    )
    interoperability_gain: Float = Field(
        0.1,
        ge=0,
        le=1,
        description="Interoperability gained per step through joint exercises (training "
        "channels at depth 2 or more); partners value it. Higher: higher interoperability.",
    )
    technology_transfer_rate: Float = Field(
        0.03,
        ge=0,
        le=1,
        description="Growth per step, as a share of the follower's own capability, from a "
        "technology-sharing partner at depth 4 that is far ahead (scaled by depth/4 and by "
        "how far behind the follower is). Higher: partners' capabilities converge (a smaller "
        "gap between tied nations); inequality across all nations may still widen as "
        "sharing clubs pull ahead of the unaligned.",
    )
    capability_growth: Float = Field(
        0.02, ge=-0.5, le=0.5, description="Mean log growth of capability per step."
    )
    capability_volatility: Float = Field(
        0.05,
        ge=0,
        le=1,
        description="Standard deviation of log capability growth per step. "
        "Higher: capability inequality (Gini) grows faster.",
    )

    rival_alignment_weight: Float = Field(
        0.0,
        ge=0,
        le=5,
        description="How much less a partner is worth the closer it stands to one's rivals "
        "(Walt's threat-directed alignment): the benefit falls by this times the sum "
        "over one's rivals of rivalry x the depth of the partner's agreement with them / "
        "4 (at most 1; an ally of a full rival costs the whole weight). Off by default: "
        "the DCAs signed in 1991-2000 show no such avoidance (docs/MODEL.md 7.2). "
        "Higher: fewer ties to a rival's partners.",
    )

    # --- the trends of the times ----------------------------------------------
    transnational_threat: Float = Field(
        0.0,
        ge=0,
        le=1,
        description="A threat shared across states (terrorism, cyber attack) rather than "
        "posed by a rival, from 0 (none) to 1. Each partner is worth 0.5 x this more, and "
        "a pact this x (1 - 1/m) more to each of its m members: the more states meet a "
        "shared threat together, the more each gains. Start or grow one with a "
        "parameter_change event. Higher: more pacts and agreements.",
    )
    emerging_technology_interest: Float = Field(
        0.0,
        ge=0,
        le=5,
        description="The choice weight of the emerging-technology sector (joint research "
        "in AI, cybersecurity, unmanned systems) among the specialised sectors, beside "
        "training's 1; 0: never chosen. Higher: more emerging-technology agreements.",
    )

    # --- crises ---------------------------------------------------------------
    crisis_rate: Float = Field(
        0.3,
        ge=0,
        le=1,
        description="Yearly chance of a crisis between two neighbours in full rivalry, at "
        "parity, under full threat and with no trust. Higher: more crises.",
    )
    dispute_background: Float = Field(
        0.4,
        ge=0,
        le=20,
        description="How prone to disputes pairs are without a rivalry, by where they are "
        "(neighbours, a major power's reach), in units of a full rivalry next door "
        "(fitted: 47 dyadic disputes a year in the 1990s world, as in 1991-2000). "
        "0: only rivals and partners quarrel. Higher: more crises.",
    )
    escalation_base: Float = Field(
        0.8,
        gt=0,
        lt=1,
        description="Chance a crisis comes to the use of force (MID hostility 4-5) with no "
        "channel, provision, partner or trust to hold it (fitted: 62% of the dyadic "
        "disputes of 1991-2000 saw force). Higher: lower conflict-prevention rate.",
    )
    fatality_base: Float = Field(
        0.52,
        gt=0,
        lt=1,
        description="Chance a crisis that came to the use of force turns fatal (escalates) "
        "with no ally deterring (52% of the disputes of 1991-2000 with force had deaths). "
        "Higher: lower conflict-prevention rate.",
    )
    defusing_ceiling: Float = Field(
        6.5,
        gt=0,
        le=20,
        description="The most that every channel, provision, partner and trust together "
        "lower a crisis's log-odds of coming to force: the channels combine with "
        "diminishing returns, C (1 - exp(-sum / C)), so a crisis between close partners "
        "can still escalate (fitted: 11% of DCA partners' crises turn fatal in the 1990s "
        "world; 5 of their 41 disputes were in 1990-2000). Lower: more escalation between "
        "partners; 20 is near-additive.",
    )
    dialogue_effect: Float = Field(
        0.8,
        ge=0,
        le=10,
        description="Log-odds reduction of escalation when the parties share an agreement "
        "(a dialogue channel). Higher: higher prevention rate.",
    )
    dispute_resolution_effect: Float = Field(
        1.0,
        ge=0,
        le=10,
        description="Further log-odds reduction when the parties share an agreement with "
        "dispute-resolution provisions (half of it when each is bound by such provisions "
        "elsewhere). Higher: higher prevention rate.",
    )
    mediation_effect: Float = Field(
        0.6,
        ge=0,
        le=10,
        description="Log-odds reduction from shared partners who can mediate. "
        "Higher: higher prevention rate.",
    )
    trust_effect: Float = Field(
        2.0,
        ge=0,
        le=10,
        description="Log-odds reduction per unit of mutual trust. Higher: higher prevention rate.",
    )
    early_warning_effect: Float = Field(
        0.5,
        ge=0,
        le=10,
        description="Log-odds reduction when either party has intelligence-sharing partners "
        "(early warning). Higher: higher prevention rate.",
    )
    deterrence_effect: Float = Field(
        1.0,
        ge=0,
        le=10,
        description="Log-odds reduction from the capability of allies who honour their "
        "obligations to the weaker party. Higher: higher prevention rate.",
    )
    honour_probability: Float = Field(
        0.67,
        ge=0,
        le=1,
        description="Chance an ally with mutual-defense obligations honours a call at "
        "middling trust and reputation, against an opponent as strong as itself (fitted "
        "with entrapment_aversion: 75% of calls honoured in the 1990s world, as Leeds "
        "2003 found). Higher: a smaller share of allies renege.",
    )
    entrapment_aversion: Float = Field(
        0.2,
        ge=0,
        le=2,
        description="How much less an ally honours a call the stronger the opponent it "
        "would face: the chance falls by this times (the opponent's share of the two's "
        "capability - 0.5). A judgement, not fitted: an ally facing an opponent ten "
        "times its size is 0.09 less likely to come (at 0.6 the presets' honour rates "
        "spread to 0.52-0.75). Higher: more abandonment, less entrapment.",
    )
    reneging_penalty: Float = Field(
        0.3,
        ge=0,
        le=1,
        description="Trust and reputation lost by a nation that reneges on an ally. "
        "Higher: lower mean trust.",
    )
    exit_trust_penalty: Float = Field(
        0.1,
        ge=0,
        le=1,
        description="Trust lost between a nation that walks out of an agreement (any exit but "
        "declining to renew at term end) and the partners it leaves. Higher: lower mean trust.",
    )
    escalation_trust_penalty: Float = Field(
        0.25,
        ge=0,
        le=1,
        description="Trust lost between the parties of an escalated crisis. "
        "Higher: lower mean trust.",
    )
    escalation_threat_shock: Float = Field(
        0.15,
        ge=0,
        le=1,
        description="Threat added to the parties of an escalated crisis (decays over time). "
        "Higher: higher threat after crises.",
    )
    threat_shock_decay: Float = Field(
        0.3,
        ge=0,
        le=1,
        description="Share of a threat shock that fades each step. "
        "Higher: threat returns to baseline faster.",
    )

    # --- initial conditions ---------------------------------------------------
    initial_trust_within_region: Float = Field(
        0.45, ge=0, le=1, description="Baseline trust between nations of the same region."
    )
    initial_trust_across_regions: Float = Field(
        0.25, ge=0, le=1, description="Baseline trust between nations of different regions."
    )
    rivals_per_nation: Float = Field(
        1.0,
        ge=0,
        le=50,
        description="Expected number of rivals a nation has among its region's other nations, "
        "besides rivalries the scenario lists. Higher: more crises.",
    )


PARAMETER_NAMES: tuple[str, ...] = tuple(Parameters.model_fields)

# Parameters read only to build the initial world (the trust baseline, the random
# rivalries): a `parameter_change` event cannot move them, since nothing reads them again.
FIXED_AT_START: frozenset[str] = frozenset(
    {"initial_trust_within_region", "initial_trust_across_regions", "rivals_per_nation"}
)
