"""Trust between nations: grows with cooperation and shared partners, decays without contact.

All updates are simultaneous over the whole N x N matrix (every dyad moves from
the same start-of-step state), a modelling choice stated in docs/MODEL.md.
Trust stays in [0, 1]: growth is proportional to the room left below 1, decay to
the distance from the dyad's baseline, shocks are clipped.
"""

import numpy as np

from simulation.domain import MAX_DEPTH


def update_trust(
    trust: np.ndarray,
    baseline: np.ndarray,
    tie_depth: np.ndarray,
    common_partners: np.ndarray,
    *,
    growth: float,
    decay: float,
    shared_partner_growth: float,
    tied_pairs: tuple[np.ndarray, np.ndarray] | None = None,
    common_pairs: tuple[np.ndarray, np.ndarray] | None = None,
) -> np.ndarray:
    """One step of trust dynamics.

    Tied dyads gain `growth` x (depth + 1)/5 of the room left below 1 (regular
    contact builds trust even at the dialogue rung); untied dyads drift
    back toward their baseline at rate `decay`; shared partners add a little
    either way (they vouch for each other: the information route of triadic closure).
    `tied_pairs` and `common_pairs` may pass the nonzero entries of `tie_depth` and
    `common_partners` when already at hand.
    """
    rows, cols = np.nonzero(tie_depth > 0) if tied_pairs is None else tied_pairs
    # dyads by flat position (i n + j): indexing a raveled matrix is several times faster
    # than indexing by (row, column), and the sparse terms below run every step
    n = trust.shape[1]
    tied = rows * n + cols
    drift = np.subtract(baseline, trust, order="C")  # C order: its ravel is a view
    drift *= decay
    drift.ravel()[tied] = 0.0  # no drift where there is contact
    updated = np.add(trust, drift, out=drift)
    # growth and vouching touch only tied dyads and dyads with shared partners (sparse)
    room = 1.0 - trust.ravel()[tied]
    gain = growth * (tie_depth.ravel()[tied] + 1.0) / (MAX_DEPTH + 1.0) * room
    updated.ravel()[tied] += gain
    if common_pairs is None:
        updated += shared_partner_growth * np.tanh(common_partners) * (1.0 - trust)
    else:
        rows, cols = common_pairs
        shared = rows * n + cols
        room = 1.0 - trust.ravel()[shared]
        vouching = shared_partner_growth * np.tanh(common_partners.ravel()[shared]) * room
        updated.ravel()[shared] += vouching
    np.fill_diagonal(updated, 1.0)
    return np.clip(updated, 0.0, 1.0, out=updated)


def trust_shock(trust: np.ndarray, rows: np.ndarray, columns: np.ndarray, amount: float) -> None:
    """Lower trust symmetrically on the given dyads, in place (reneging, escalation)."""
    # minimum and maximum rather than clip: these arrays hold a handful of dyads, where
    # clip's own overhead is most of the cost
    trust[rows, columns] = np.minimum(np.maximum(trust[rows, columns] - amount, 0.0), 1.0)
    trust[columns, rows] = np.minimum(np.maximum(trust[columns, rows] - amount, 0.0), 1.0)


def trust_boost(trust: np.ndarray, rows: np.ndarray, columns: np.ndarray, amount: float) -> None:
    """Raise trust symmetrically toward 1 on the given dyads, in place (an honoured call)."""
    trust[rows, columns] += amount * (1.0 - trust[rows, columns])
    trust[columns, rows] += amount * (1.0 - trust[columns, rows])
