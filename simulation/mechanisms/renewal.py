"""Renewal, stepping down and exit: when members lose patience, settle a rung lower, or
leave, and why. The same rules serve bilateral agreements and pacts."""

from __future__ import annotations

import numpy as np

from simulation.domain import MIN_DEPTH, ExitReason

# Mean trust in its partners below which a member's exit is put down to trust collapse
TRUST_COLLAPSE_LEVEL = 0.2


def first_expiry(signed_step: int, term: int) -> int:
    """End of the term running at step 0 for an agreement signed at `signed_step` <= 0:
    terms renew back to back from the signing."""
    elapsed = (-signed_step) % term
    return term - elapsed


def discontent_streak(value: np.ndarray, previous: np.ndarray) -> np.ndarray:
    """Consecutive steps a member has found its agreement not worth the cost: one more
    than `previous` where `value` (its net value at the current depth) is negative, else 0."""
    return np.where(value < 0, previous + 1, 0)


def fed_up(streak: np.ndarray, patience: int, term_end: np.ndarray | bool) -> np.ndarray:
    """A discontented member has had enough after `patience` steps, or at once when the
    term ends (it declines to renew)."""
    return (streak >= patience) | (term_end & (streak > 0))


def lapses(draws: np.ndarray, lapse_rate: float) -> np.ndarray:
    """Which agreements up for renewal lapse all the same: those whose uniform draw falls
    below `lapse_rate`. Nobody takes the renewal up (DCAD records few formal
    terminations but many agreements ending with their term)."""
    return np.asarray(draws) < lapse_rate


def settles_lower(
    depth: np.ndarray | int, unhappy: np.ndarray | bool, content_below: np.ndarray | bool
) -> np.ndarray:
    """Rather than break, an agreement steps down a rung when its members are unhappy
    at this depth but content with the rung below (and there is a rung below).
    Bilateral: either member unhappy, both content below; pacts: each by a
    capability-weighted vote (`simulation.mechanisms.pacts.capability_vote`)."""
    return (np.asarray(depth) > MIN_DEPTH) & unhappy & content_below


def exit_reason(
    *,
    streak: int,
    patience: int,
    term_end: bool,
    trust: float,
    dominated: float,
    sovereignty: float,
    funding: float,
    asymmetry_weight: float,
) -> ExitReason:
    """Why a fed-up member leaves.

    At term end, before patience ran out, it simply does not renew. Otherwise the
    dominant cause, from the costs it bears at the agreement's current depth: trust
    collapse first (mean trust in the others below `TRUST_COLLAPSE_LEVEL`); then
    dominance when a partner is over three times stronger (`dominated` above 0.5) and
    the part of the sovereignty cost that asymmetry adds outweighs funding; then
    sovereignty backlash or funding burden, whichever is larger.
    """
    if term_end and streak < patience:
        return ExitReason.NOT_RENEWED
    if trust < TRUST_COLLAPSE_LEVEL:
        return ExitReason.TRUST_COLLAPSE
    asymmetry_part = (
        sovereignty * asymmetry_weight * dominated / (1.0 + asymmetry_weight * dominated)
    )
    if dominated > 0.5 and asymmetry_part > funding:
        return ExitReason.DOMINANCE
    if sovereignty >= funding:
        return ExitReason.SOVEREIGNTY_BACKLASH
    return ExitReason.FUNDING_BURDEN
