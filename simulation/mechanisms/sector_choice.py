"""Which sector a newly signed agreement covers."""

from simulation.sectors import GENERAL_FRAMEWORK_SHARE, SECTOR_TABLE, SectorRow


def choose_sector(
    general_draw: float,
    sector_draw: float,
    threat_level: float,
    gap: float,
    table: tuple[SectorRow, ...] = SECTOR_TABLE,
) -> str:
    """The name of the sector a dyad chooses, from two uniform draws in [0, 1).

    A general framework with chance `GENERAL_FRAMEWORK_SHARE` (about 70% of real DCAs,
    Kinne 2020); otherwise a specialised sector, chosen in proportion to its choice
    weight `base + threat x T + gap x G + threat_gap x G T` (`ChoiceWeight`), where T
    (`threat_level`) is the higher threat of the pair and G (`gap`) the gap between their
    dominances: intelligence follows threat, technology and arms a capability gap,
    basing both.
    """
    known = _SPLITS.get(id(table))
    _, general, specialised = known if known and known[0] is table else _split(table)
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
