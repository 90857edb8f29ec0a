"""The state system: which nations are states at a step, and what a successor inherits.

States are born and gone (the USSR, Yugoslavia and Czechoslovakia broke up in
1991-93; Germany and Yemen united in 1990): the Correlates of War state system
list (COW 2017) gives the years a state enters and leaves the system. A nation
outside it is kept in the model's arrays but takes no part in anything.

A successor state takes on its predecessor's treaties (the continuity the Vienna
Convention on Succession of States in respect of Treaties, 1978, sets as the rule
for unions and for continuing states, and that Russia claimed for the USSR): each
agreement passes to it, unless it already is the other party or already holds an
agreement of that sector with that partner, when the agreement ends.
"""

from __future__ import annotations

import numpy as np

# `leaves` of a nation that never leaves: after any step a run can reach
NEVER = np.iinfo(np.int64).max


def in_system(enters: np.ndarray, leaves: np.ndarray, step: int) -> np.ndarray:
    """(N) bool: a nation is a state at `step` from the step it enters until the step
    it leaves (from which it is gone): enters <= step < leaves."""
    return (enters <= step) & (step < leaves)


def inherited_agreements(
    partner: np.ndarray, sector: np.ndarray, successor: int, held: set[tuple[int, int]]
) -> np.ndarray:
    """Which of a leaving state's bilateral agreements pass to its successor.

    `partner` and `sector` (codes) describe the leaver's agreements, in the order they
    pass; `held` holds the (partner, sector) of the agreements the successor already
    has. An agreement passes unless the partner is the successor itself (a treaty
    with oneself is none) or the successor already holds one of that sector with that
    partner (it would duplicate it); one that passes counts as held for the next.
    """
    held = set(held)
    passes = np.zeros(partner.size, dtype=bool)
    for k, (other, code) in enumerate(zip(partner.tolist(), sector.tolist())):
        if other == successor or (other, code) in held:
            continue
        passes[k] = True
        held.add((other, code))
    return passes


def inherited_relations(
    matrix: np.ndarray, leaver: int, successor: int
) -> tuple[np.ndarray, np.ndarray]:
    """The successor's row and column of a dyadic relation (trust, interoperability)
    after it takes over the leaver's ties: the larger of its own and the leaver's
    entry toward (and from) every nation but the two of them, whose entries stay the
    successor's own."""
    both = [leaver, successor]
    row = np.maximum(matrix[successor], matrix[leaver])
    row[both] = matrix[successor, both]
    column = np.maximum(matrix[:, successor], matrix[:, leaver])
    column[both] = matrix[both, successor]
    return row, column
