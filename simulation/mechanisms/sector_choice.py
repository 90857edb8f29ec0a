"""Which sector a newly signed agreement covers."""

from simulation.sectors import GENERAL_FRAMEWORK_SHARE, SECTOR_TABLE, SectorRow


def choose_sector(
    general_draw: float,
    sector_draw: float,
    threat_level: float,
    gap: float,
    table: tuple[SectorRow, ...] = SECTOR_TABLE,
    excluded: frozenset[str] = frozenset(),
) -> str | None:
    """The name of the sector a dyad chooses, from two uniform draws in [0, 1).

    A general framework with chance `GENERAL_FRAMEWORK_SHARE` (about 70% of real DCAs,
    Kinne 2020); otherwise a specialised sector, chosen in proportion to its choice
    weight `base + threat x T + gap x G + threat_gap x G T` (`ChoiceWeight`), where T
    (`threat_level`) is the higher threat of the pair and G (`gap`) the gap between their
    dominances: intelligence follows threat, technology and arms a capability gap,
    basing both.

    `excluded`: sectors the pair already holds (a further agreement between tied states,
    `agreements_per_pair`); the choice is the same among the others, a held general
    framework leaving the specialised sectors to the weights alone. None when no
    sector is left with a positive weight.
    """
    known = _SPLITS.get(id(table))
    _, general, specialised = known if known and known[0] is table else _split(table)
    if excluded:
        return _choose_among_the_rest(
            general_draw, sector_draw, threat_level, gap, general, specialised, excluded
        )
    if general_draw < GENERAL_FRAMEWORK_SHARE:
        return general
    weights = [
        base + threat * threat_level + gap_weight * gap + threat_gap * (gap * threat_level)
        for _, base, threat, gap_weight, threat_gap in specialised
    ]
    total = sum(weights)
    # the first sector whose cumulative share passes the draw
    cumulative, chosen = 0.0, 0
    for weight in weights:
        cumulative += weight / total
        if cumulative <= sector_draw:
            chosen += 1
    return specialised[min(chosen, len(specialised) - 1)][0]


def _choose_among_the_rest(
    general_draw: float,
    sector_draw: float,
    threat_level: float,
    gap: float,
    general: str,
    specialised: list,
    excluded: frozenset[str],
) -> str | None:
    rest = [row for row in specialised if row[0] not in excluded]
    if general not in excluded and (general_draw < GENERAL_FRAMEWORK_SHARE or not rest):
        return general
    weights = [
        base + threat * threat_level + gap_weight * gap + threat_gap * (gap * threat_level)
        for _, base, threat, gap_weight, threat_gap in rest
    ]
    total = sum(weights)
    if total <= 0:
        return None  # nothing left this pair has a use for
    cumulative = 0.0
    for (name, *_), weight in zip(rest, weights):
        cumulative += weight / total
        if sector_draw < cumulative:
            return name
    return next(name for (name, *_), weight in zip(reversed(rest), reversed(weights)) if weight)


# tables already split, by identity: this runs once a signing
_SPLITS: dict[int, tuple] = {}


def _split(table: tuple[SectorRow, ...]) -> tuple:
    """(table, the general framework's name, (name, base, threat, gap, threat_gap) of
    each specialised sector in table order), kept for the next call with this table."""
    general = next(row.name for row in table if row.choice is None)
    specialised = [
        (row.name, row.choice.base, row.choice.threat, row.choice.gap, row.choice.threat_gap)
        for row in table
        if row.choice is not None
    ]
    _SPLITS[id(table)] = (table, general, specialised)
    return _SPLITS[id(table)]
