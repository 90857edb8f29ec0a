"""Crises: who quarrels (the hazard), whether it escalates, whether allies honour their word.

Escalation is a logistic model: every channel that holds a crisis (a shared
agreement, dispute-resolution provisions, mediating partners, trust, early
warning, deterrence by allies) lowers the log-odds of escalation from a base.
"""

import numpy as np

# Dispute intensity between partners who are not rivals: a tenth of a full rivalry.
PARTNER_FRICTION = 0.1


def crisis_hazard(
    rivalry: np.ndarray,
    same_region: np.ndarray,
    trust: np.ndarray,
    capability_first: np.ndarray,
    capability_second: np.ndarray,
    threat: np.ndarray,
    *,
    rate: float,
) -> np.ndarray:
    """Chance per step of a crisis in each dyad; arrays hold one entry a dyad.

    Rivalry (plus a small friction between partners, added by the caller) drives it; distance (different regions) cuts it to a fifth; low trust
    and power parity (when neither side can be sure of winning) raise it, and so
    does the higher of the two sides' threat perception.
    """
    proximity = np.where(same_region, 1.0, 0.2)
    parity = np.minimum(capability_first, capability_second) / np.maximum(
        capability_first, capability_second
    )
    pressure = 0.5 + 0.5 * threat
    hazard = rate * rivalry * proximity * (1.0 - trust) * (0.5 + 0.5 * parity) * pressure
    return np.minimum(np.maximum(hazard, 0.0), 1.0)  # clip's overhead, not its work, at this size


def escalation_probability(
    *,
    base: float,
    channel: np.ndarray,
    dispute_resolution: np.ndarray,
    common_partners: np.ndarray,
    trust: np.ndarray,
    early_warning: np.ndarray,
    deterrence: np.ndarray,
    dialogue_effect: float,
    dispute_resolution_effect: float,
    mediation_effect: float,
    trust_effect: float,
    early_warning_effect: float,
    deterrence_effect: float,
    defusing_ceiling: float = np.inf,
) -> np.ndarray:
    """Chance each crisis escalates; arrays hold one entry a crisis.

    Each channel lowers the log-odds of escalation by its effect; together they combine
    with diminishing returns, `defusing_ceiling` x (1 - exp(-sum / defusing_ceiling)):
    about the sum while it is small, never more than the ceiling (infinite: the plain
    sum). Partners with every channel open still escalate now and then, as DCA
    partners did in the disputes of 1990-2000 (docs/MODEL.md 11.6).

    `channel` is 0/1 (the parties share an agreement); `dispute_resolution` in
    [0, 1] is how far dispute-resolution provisions cover the pair (the caller
    gives 1 for a shared agreement with provisions, 0.5 when each is bound
    elsewhere); `early_warning` is 0/1 (either side has intelligence partners); `deterrence` in [0, 1] is the honoured allies' share of capability
    behind the weaker party.
    """
    defused = (
        dialogue_effect * channel
        + dispute_resolution_effect * dispute_resolution
        + mediation_effect * np.tanh(common_partners)
        + trust_effect * trust
        + early_warning_effect * early_warning
        + deterrence_effect * deterrence
    )
    if np.isfinite(defusing_ceiling):
        defused = defusing_ceiling * -np.expm1(-defused / defusing_ceiling)
    log_odds = np.log(base / (1.0 - base)) - defused
    return 1.0 / (1.0 + np.exp(-log_odds))


def honour_probability(base: float, trust: np.ndarray, reputation: np.ndarray) -> np.ndarray:
    """Chance an ally answers a call: the base rate, moved by its trust in the caller and
    by the reputation it has to keep. Leeds (2003): about 75% on average."""
    chance = base + 0.3 * (trust - 0.5) + 0.1 * (reputation - 0.5)
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
