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
    general = next(row for row in table if row.choice is None)
    if general_draw < GENERAL_FRAMEWORK_SHARE:
        return general.name
    specialised = [row for row in table if row.choice is not None]
    weights = [
        row.choice.base
        + row.choice.threat * threat_level
        + row.choice.gap * gap
        + row.choice.threat_gap * (gap * threat_level)
        for row in specialised
    ]
    total = sum(weights)
    # the first sector whose cumulative share passes the draw
    cumulative, chosen = 0.0, 0
    for weight in weights:
        cumulative += weight / total
        if cumulative <= sector_draw:
            chosen += 1
    return specialised[min(chosen, len(specialised) - 1)].name
