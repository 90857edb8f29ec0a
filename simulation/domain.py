"""The vocabulary of defense cooperation: depth ladder, sectors, funding splits, exit reasons.

Kept apart from the model so the scenario schema, the mechanisms and the output
tables all speak the same words without importing each other.
"""

from enum import IntEnum, StrEnum

from simulation.sectors import SECTOR_TABLE


class Depth(IntEnum):
    """The ladder an agreement's members climb or fall down.

    Deeper means more benefit, more cost and more sovereignty exposure.
    """

    DIALOGUE = 1  # consultation and dialogue channels
    TRAINING = 2  # joint training and exercises
    SHARING = 3  # intelligence and technology sharing
    INTEGRATED = 4  # mutual-defence obligations: an alliance's rung, never a DCA's


MIN_DEPTH = int(Depth.DIALOGUE)
MAX_DEPTH = int(Depth.INTEGRATED)
# DCAs are frameworks for cooperation without defence commitments (Kinne 2018, 2020);
# mutual defence is what alliances are (ATOP): a DCA climbs to sharing at most, and each
# sector to its own rung (`SectorRow.ceiling`)
DCA_MAX_DEPTH = int(Depth.SHARING)
# each rung's word in legends and tables
DEPTH_NAMES = {1: "dialogue", 2: "training", 3: "sharing", 4: "mutual defence"}


class Kind(StrEnum):
    BILATERAL = "bilateral"
    MULTILATERAL = "multilateral"


# Scope of an agreement: one member per row of the sector table (`simulation.sectors`),
# so a sector added there is a word every part of the project knows.
Sector = StrEnum("Sector", [(row.name.upper(), row.name) for row in SECTOR_TABLE])
Sector.__doc__ = (
    "Scope of an agreement. About 70% of real DCAs are general frameworks (Kinne 2020)."
)

SECTORS: tuple[Sector, ...] = tuple(Sector)
# a sector by its name, without the enum machinery of `Sector(name)` (once a signing)
SECTOR_BY_NAME: dict[str, Sector] = {sector.value: sector for sector in SECTORS}


class FundingSplit(StrEnum):
    """How an agreement's running costs are shared among its members."""

    EQUAL = "equal"  # every member pays the same
    PROPORTIONAL = "proportional"  # members pay in proportion to capability
    LEAD_NATION = "lead_nation"  # the strongest member carries most of the cost


class ExitReason(StrEnum):
    """Why a nation left an agreement, or why an agreement ended."""

    SOVEREIGNTY_BACKLASH = "sovereignty_backlash"
    TRUST_COLLAPSE = "trust_collapse"
    DOMINANCE = "dominance"
    FUNDING_BURDEN = "funding_burden"
    NOT_RENEWED = "not_renewed"
    LAPSED = "lapsed"  # both would have renewed, but nobody took the renewal up
    SCHEDULED_WITHDRAWAL = "scheduled_withdrawal"
    DISSOLVED = "dissolved"
    STATE_ENDED = "state_ended"
    VOTED_OUT = "voted_out"  # the other members expelled a rival of one of them


EXIT_REASON_TEXT: dict[ExitReason, str] = {
    ExitReason.SOVEREIGNTY_BACKLASH: "sovereignty cost exceeded the benefit",
    ExitReason.TRUST_COLLAPSE: "trust in its partners collapsed",
    ExitReason.DOMINANCE: "it was dominated by a much stronger partner",
    ExitReason.FUNDING_BURDEN: "its share of the costs exceeded the benefit",
    ExitReason.NOT_RENEWED: "the term ended and it was not renewed",
    ExitReason.LAPSED: "the term ended and the agreement lapsed, though both would have renewed",
    ExitReason.SCHEDULED_WITHDRAWAL: "a scheduled withdrawal (scenario event)",
    ExitReason.DISSOLVED: "fewer than two members remained",
    ExitReason.STATE_ENDED: "the state left the state system",
    ExitReason.VOTED_OUT: "the other members voted it out, a crisis having made it a rival of one of them",
}
