"""Which sector a newly signed agreement covers."""

import numpy as np

from simulation.sectors import GENERAL_FRAMEWORK_SHARE, SECTOR_TABLE, SectorRow


def choose_sector(
    general_draw: float,
    sector_draw: float,
    threat_level: float,
    gap: float,
    table: tuple[SectorRow, ...] = SECTOR_TABLE,
    excluded: frozenset[str] = frozenset(),
    emerging: float = 0.0,
) -> str | None:
    """The name of the sector a dyad chooses, from two uniform draws in [0, 1).

    A general framework with chance `GENERAL_FRAMEWORK_SHARE` (about 70% of real DCAs,
    Kinne 2020); otherwise a specialised sector, chosen in proportion to its choice
    weight `base + threat x T + gap x G + threat_gap x G T + emerging x E`
    (`ChoiceWeight`), where T (`threat_level`) is the higher threat of the pair, G (`gap`)
    the gap between their dominances and E (`emerging`) the world's interest in emerging
    technologies: intelligence follows threat, technology and arms a capability gap,
    basing both, emerging technology the times.

    `excluded`: sectors the pair already holds (a further agreement between tied states,
    `agreements_per_pair`); the choice is the same among the others, a held general
    framework leaving the specialised sectors to the weights alone. None when no
    sector is left with a positive weight. One dyad, plain Python: the rule as written;
    `choose_sectors` applies it to many dyads at once.
    """
    known = _SPLITS.get(id(table))
    _, general, specialised = known if known and known[0] is table else _split(table)
    if not emerging:
        # a sector chosen for the times alone is not on the table while they have not come
        specialised = [row for row in specialised if any(row[1:5])]
    if excluded:
        return _choose_among_the_rest(
            general_draw, sector_draw, threat_level, gap, general, specialised, excluded, emerging
        )
    if general_draw < GENERAL_FRAMEWORK_SHARE:
        return general
    weights = _weights(specialised, threat_level, gap, emerging)
    total = sum(weights)
    # the first sector whose cumulative share passes the draw; the last with any weight
    # at most (rounding may leave the last share short of 1)
    cumulative, chosen = 0.0, 0
    for weight in weights:
        cumulative += weight / total
        if cumulative <= sector_draw:
            chosen += 1
    last = max(k for k, weight in enumerate(weights) if weight) if any(weights) else 0
    return specialised[min(chosen, last)][0]


def _weights(specialised: list, threat_level: float, gap: float, emerging: float) -> list:
    """Each specialised sector's choice weight (`ChoiceWeight`) for one dyad."""
    return [
        base
        + threat * threat_level
        + gap_weight * gap
        + threat_gap * (gap * threat_level)
        + (emerging_weight * emerging if emerging_weight else 0.0)
        for _, base, threat, gap_weight, threat_gap, emerging_weight in specialised
    ]


def _choose_among_the_rest(
    general_draw: float,
    sector_draw: float,
    threat_level: float,
    gap: float,
    general: str,
    specialised: list,
    excluded: frozenset[str],
    emerging: float = 0.0,
) -> str | None:
    rest = [row for row in specialised if row[0] not in excluded]
    if general not in excluded and (general_draw < GENERAL_FRAMEWORK_SHARE or not rest):
        return general
    weights = _weights(rest, threat_level, gap, emerging)
    total = sum(weights)
    if total <= 0:
        return None  # nothing left this pair has a use for
    cumulative = 0.0
    for (name, *_), weight in zip(rest, weights):
        cumulative += weight / total
        if sector_draw < cumulative:
            return name
    return next(name for (name, *_), weight in zip(reversed(rest), reversed(weights)) if weight)


def choose_sectors(
    general_draw: np.ndarray,
    sector_draw: np.ndarray,
    threat_level: np.ndarray,
    gap: np.ndarray,
    held: np.ndarray | None = None,
    table: tuple[SectorRow, ...] = SECTOR_TABLE,
    emerging: float = 0.0,
) -> np.ndarray:
    """The sector each of many dyads chooses, as its row in `table` (for the shipped
    table, its sector code); -1 when none is left with a positive weight.

    The rule of `choose_sector`, one element of each array a dyad; `held` (dyads x rows
    of `table`, bool) marks the sectors each already holds. Sums and cumulative shares
    are accumulated along the sectors as Python's `sum` and `+=` accumulate them, so
    each dyad gets exactly the numbers it would get alone.
    """
    general_draw, sector_draw = np.asarray(general_draw), np.asarray(sector_draw)
    count = general_draw.size
    general, columns, base, threat, gap_weight, threat_gap, emerging_weight = _weights_of(table)
    if held is None:
        held = np.zeros((count, len(table)), dtype=bool)
    threat_level, gap = threat_level[:, None], gap[:, None]
    weights = base + threat * threat_level + gap_weight * gap + threat_gap * (gap * threat_level)
    # a held sector weighs nothing: adding exactly 0.0 leaves the sums of the others as
    # they would be without it
    open_ = ~held[:, columns]
    if emerging:
        weights = weights + emerging_weight * emerging
    else:
        # a sector chosen for the times alone is not on the table while they have not come
        open_ = open_ & ((base != 0) | (threat != 0) | (gap_weight != 0) | (threat_gap != 0))
    weights = np.where(open_, weights, 0.0)
    total = _compensated_sum(weights)
    # (a pair whose sectors weigh nothing in all chooses none, whatever its shares)
    shares = np.divide(
        weights, total[:, None], out=np.zeros_like(weights), where=total[:, None] != 0
    )
    cumulative = np.add.accumulate(shares, axis=1)
    draw = sector_draw[:, None]
    # a pair holding nothing: the number of cumulative shares at or below the draw, the
    # last sector at most (rounding may leave the last share short of 1)
    passed = (cumulative <= draw).sum(axis=1)
    # a pair holding agreements: the first sector it does not hold whose cumulative share
    # passes the draw, else the last it does not hold with any weight; none when the
    # sectors it does not hold weigh nothing
    above = open_ & (draw < cumulative)
    weighed = open_ & (weights != 0)
    last = columns.size - 1 - np.argmax(weighed[:, ::-1], axis=1)
    fresh = columns[np.minimum(passed, last)] if columns.size else np.full(count, -1)
    further = np.where(above.any(axis=1), columns[np.argmax(above, axis=1)], columns[last])
    further = np.where(total > 0, further, -1)
    rest = open_.any(axis=1)
    general_first = general_draw < GENERAL_FRAMEWORK_SHARE
    further = np.where(~held[:, general] & (general_first | ~rest), general, further)
    fresh = np.where(general_first, general, fresh)
    return np.where(held.any(axis=1), further, fresh)


def _compensated_sum(terms: np.ndarray) -> np.ndarray:
    """Each row's sum as Python's built-in `sum` of floats gives it (3.12 on, Neumaier's
    compensated summation), to the last bit: `choose_sector` sums a dyad's weights so,
    and a share of a sector weighing nothing may sit exactly at a draw."""
    columns = np.ascontiguousarray(terms.T)
    if not columns.shape[0]:
        return np.zeros(terms.shape[0])
    total = columns[0] + 0.0
    compensation = np.zeros(terms.shape[0])
    for term in columns[1:]:
        added = total + term
        compensation += np.where(
            np.abs(total) >= np.abs(term), (total - added) + term, (term - added) + total
        )
        total = added
    finite = (compensation != 0) & np.isfinite(compensation)
    return np.where(finite, total + compensation, total)


# each table's general framework, specialised rows and their weights' coefficients, by
# identity: worked out once, not once a signing phase
_WEIGHTS: dict[int, tuple] = {}


def _weights_of(table: tuple[SectorRow, ...]) -> tuple:
    known = _WEIGHTS.get(id(table))
    if known is not None and known[0] is table:
        return known[1]
    general = next(k for k, row in enumerate(table) if row.choice is None)
    columns = np.array([k for k, row in enumerate(table) if row.choice is not None], dtype=int)
    coefficients = (
        np.array([[getattr(table[k].choice, term) for k in columns]], dtype=np.float64)
        for term in ("base", "threat", "gap", "threat_gap", "emerging")
    )
    _WEIGHTS[id(table)] = (table, (general, columns, *coefficients))
    return _WEIGHTS[id(table)][1]


# tables already split, by identity: this runs once a signing
_SPLITS: dict[int, tuple] = {}


def _split(table: tuple[SectorRow, ...]) -> tuple:
    """(table, the general framework's name, (name, base, threat, gap, threat_gap,
    emerging) of each specialised sector in table order), kept for the next call with
    this table."""
    general = next(row.name for row in table if row.choice is None)
    specialised = [
        (
            row.name,
            row.choice.base,
            row.choice.threat,
            row.choice.gap,
            row.choice.threat_gap,
            row.choice.emerging,
        )
        for row in table
        if row.choice is not None
    ]
    _SPLITS[id(table)] = (table, general, specialised)
    return _SPLITS[id(table)]
