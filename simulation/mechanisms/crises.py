"""Crises: who quarrels (the hazard), whether a crisis comes to the use of force and
then to deaths, whether allies honour their word.

A crisis is a militarised interstate dispute in the sense of the MID data: a threat,
display or use of force. It comes to the use of force (MID hostility level 4 or 5) by
a logistic model in which every channel that holds a crisis (a shared agreement,
dispute-resolution provisions, mediating partners, trust, early warning) lowers the
log-odds from a base; only then are allies called. It turns fatal ("escalated": a
dispute with fatalities) by a second logistic model in which the allies who came to
the weaker side's help deter.
"""

import numpy as np

# Dispute intensity between partners who are not rivals: a tenth of a full rivalry.
PARTNER_FRICTION = 0.1

# Where disputes happen (fitted to the 470 dyadic disputes begun 1991-2000, GML MID
# 2.2.1, among the 1990 states; docs/MODEL.md 7.11): their yearly rate per pair falls
# with the distance between capitals as exp(-distance / 800 km) (0.040 a pair under
# 500 km, 0.009 at 1,000-2,000 km, 0.0003 beyond 4,000 km) ...
NEIGHBOURHOOD_DISTANCE = 800.0
# ... and pairs too far apart to matter are not drawn at all: beyond 3,700 km a pair
# without a major power fought once in 3,000 pair-years, 5% of all disputes.
NEIGHBOURHOOD_CUTOFF = 0.01
# A world without locations: the mean of exp(-distance / 800 km) over the 1990 pairs
# in one region (0.125; across regions it is 0.006, below the cutoff).
SAME_REGION_NEIGHBOURHOOD = 0.125
# Major powers fight far from home: pairs with a state holding at least 5% of world
# capability (1990: the United States, the Soviet Union, China, India) fought at 0.007
# a pair-year beyond 3,000 km, 0.13 of a close neighbour's rate.
MAJOR_POWER_SHARE = 0.05
GLOBAL_REACH = 0.13
# States far apart in foreign policy (UN ideal points) fight more: near pairs fought
# about twice as often at a policy gap of 0.3 as below 0.2, and 3.6 times above 0.4.
POLICY_GAP_WEIGHT = 5.0


# A rivalry the crises built fades while it stays quiet: by a fifth of its excess over
# the scenario's lasting rivalry each year, so one fatal dispute's mark (0.1) falls
# below RIVALRY_END in about ten quiet years, the rule by which Klein, Goertz and Diehl
# (2006) end a rivalry.
RIVALRY_FADE = 0.2
RIVALRY_END = 0.01


def faded_rivalry(rivalry: np.ndarray, lasting: np.ndarray) -> np.ndarray:
    """Rivalry a year on without a crisis: its excess over the `lasting` rivalry (the
    scenario's, which does not fade) shrinks by RIVALRY_FADE; an excess below
    RIVALRY_END is gone."""
    excess = (rivalry - lasting) * (1.0 - RIVALRY_FADE)
    return np.where(excess < RIVALRY_END, lasting, lasting + excess)


def neighbourhood(distance: np.ndarray | None, same_region: np.ndarray) -> np.ndarray:
    """How exposed each pair is to disputes by where its states are: exp(-distance /
    NEIGHBOURHOOD_DISTANCE) when the world has locations; otherwise
    SAME_REGION_NEIGHBOURHOOD within a region and 0 across regions."""
    if distance is None:
        return np.where(same_region, SAME_REGION_NEIGHBOURHOOD, 0.0)
    return np.exp(-np.asarray(distance, dtype=np.float64) / NEIGHBOURHOOD_DISTANCE)


def major_powers(capability: np.ndarray, in_system: np.ndarray | None = None) -> np.ndarray:
    """Which states are major powers: at least MAJOR_POWER_SHARE of the capability of
    the states in the system (`in_system`: None when every nation is one)."""
    if in_system is None:
        total = capability.sum()
        return capability >= MAJOR_POWER_SHARE * total
    total = capability[in_system].sum()
    return in_system & (capability >= MAJOR_POWER_SHARE * total)


def reach(neighbourhood: np.ndarray, major_involved: np.ndarray) -> np.ndarray:
    """A pair's exposure to disputes with the reach of major powers: at least
    GLOBAL_REACH when either state is a major power, whatever the distance."""
    return np.where(major_involved, np.maximum(neighbourhood, GLOBAL_REACH), neighbourhood)


def crisis_hazard(
    rivalry: np.ndarray,
    same_region: np.ndarray,
    trust: np.ndarray,
    capability_first: np.ndarray,
    capability_second: np.ndarray,
    threat: np.ndarray,
    *,
    rate: float,
    exposure: np.ndarray | float = 0.0,
    policy_gap: np.ndarray | float = 0.0,
    background: float = 0.0,
) -> np.ndarray:
    """Chance per step of a crisis in each dyad; arrays hold one entry a dyad.

    Two sources of dispute add up. Rivalry (plus a small friction between partners,
    added by the caller), cut to a fifth across regions. And the ordinary frictions of
    neighbours and of major powers' reach (`exposure`, from `neighbourhood` and
    `reach`), weighed by `background` and raised by the gap in foreign policy. Low
    trust and power parity (when neither side can be sure of winning) raise the
    hazard, and so does the higher of the two sides' threat perception.
    """
    proximity = np.where(same_region, 1.0, 0.2)
    parity = np.minimum(capability_first, capability_second) / np.maximum(
        capability_first, capability_second
    )
    pressure = 0.5 + 0.5 * threat
    sources = rivalry * proximity
    if background:
        sources = sources + background * exposure * (1.0 + POLICY_GAP_WEIGHT * policy_gap)
    hazard = rate * sources * (1.0 - trust) * (0.5 + 0.5 * parity) * pressure
    return np.minimum(np.maximum(hazard, 0.0), 1.0)  # clip's overhead, not its work, at this size


def use_of_force_probability(
    *,
    base: float,
    channel: np.ndarray,
    dispute_resolution: np.ndarray,
    common_partners: np.ndarray,
    trust: np.ndarray,
    early_warning: np.ndarray,
    dialogue_effect: float,
    dispute_resolution_effect: float,
    mediation_effect: float,
    trust_effect: float,
    early_warning_effect: float,
    defusing_ceiling: float = np.inf,
) -> np.ndarray:
    """Chance each crisis comes to the use of force; arrays hold one entry a crisis.

    Each channel lowers the log-odds by its effect; together they combine with
    diminishing returns, `defusing_ceiling` x (1 - exp(-sum / defusing_ceiling)):
    about the sum while it is small, never more than the ceiling (infinite: the plain
    sum). Partners with every channel open still come to blows now and then, as DCA
    partners did in the disputes of 1990-2000 (docs/MODEL.md 11.6).

    `channel` is 0/1 (the parties share an agreement); `dispute_resolution` in
    [0, 1] is how far dispute-resolution provisions cover the pair (the caller
    gives 1 for a shared agreement with provisions, 0.5 when each is bound
    elsewhere); `early_warning` is 0/1 (either side has intelligence partners).
    """
    defused = (
        dialogue_effect * channel
        + dispute_resolution_effect * dispute_resolution
        + mediation_effect * np.tanh(common_partners)
        + trust_effect * trust
        + early_warning_effect * early_warning
    )
    if np.isfinite(defusing_ceiling):
        defused = defusing_ceiling * -np.expm1(-defused / defusing_ceiling)
    log_odds = np.log(base / (1.0 - base)) - defused
    return 1.0 / (1.0 + np.exp(-log_odds))


def fatality_probability(
    base: float, deterrence: np.ndarray, deterrence_effect: float
) -> np.ndarray:
    """Chance a crisis that came to the use of force turns fatal: the base rate, its
    log-odds lowered by `deterrence_effect` x the deterrence the weaker side's honoured
    allies bring (`deterrence`, in [0, 1])."""
    log_odds = np.log(base / (1.0 - base)) - deterrence_effect * np.asarray(deterrence)
    return 1.0 / (1.0 + np.exp(-log_odds))


# How much less likely an ally is to honour a call against a state it holds an agreement
# with: cross-cutting ties pull it both ways.
CROSS_PRESSURE = 0.2


def honour_probability(
    base: float,
    trust: np.ndarray,
    reputation: np.ndarray,
    risk: np.ndarray | float = 0.5,
    entrapment_aversion: float = 0.0,
    tied_to_opponent: np.ndarray | bool = False,
) -> np.ndarray:
    """Chance an ally answers a call: the base rate, moved by its trust in the caller and
    by the reputation it has to keep, and lowered by what honouring risks. Leeds
    (2003): about 75% on average.

    Honouring draws the ally into the dispute (entrapment): the stronger the opponent
    against it (`risk`: the opponent's share of the two's capability), the less it is
    willing, by `entrapment_aversion` x (risk - 0.5); an ally that holds an agreement
    with the opponent (`tied_to_opponent`) is less willing by CROSS_PRESSURE.
    """
    chance = (
        base
        + 0.3 * (trust - 0.5)
        + 0.1 * (reputation - 0.5)
        - entrapment_aversion * (np.asarray(risk) - 0.5)
        - CROSS_PRESSURE * np.asarray(tied_to_opponent, dtype=np.float64)
    )
    return np.minimum(np.maximum(chance, 0.0), 1.0)


def dispute_resolution_cover(
    shared: np.ndarray, first_bound: np.ndarray, second_bound: np.ndarray
) -> np.ndarray:
    """How far dispute-resolution provisions cover each crisis: 1 where the parties share
    an agreement with such provisions (`shared`); 0.5 where each is bound by them
    elsewhere (the habits and forums of crisis management carry over, at half
    strength); 0 otherwise."""
    return np.where(shared, 1.0, 0.5 * (first_bound & second_bound))


def allies_honour(chance: np.ndarray, draws: np.ndarray) -> np.ndarray:
    """Which called allies honour their obligation: those whose uniform draw falls
    below their `honour_probability`."""
    return draws < chance


def deterrence(weaker_backing: float, stronger_backing: float, stronger_capability: float) -> float:
    """The deterrence the weaker party of a crisis gains: its honoured allies'
    capability as a share of that plus the stronger side's strength (the stronger
    party and its own honoured allies)."""
    own = stronger_capability + stronger_backing
    return weaker_backing / (weaker_backing + own)
