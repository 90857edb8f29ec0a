"""The sectors an agreement can cover: one row of one table each.

A row says everything the model, the outputs, the dashboard and the documentation need
to know of a sector: the cooperation channels it opens, its sovereignty exposure, how
likely a dyad is to choose it, and how it is drawn and named. Adding a row is all it
takes for a sector to be chosen, recorded, drawn and documented: the `Sector` vocabulary
(`simulation.domain`), the channel and exposure arrays, the scenario schema, the palette
and `sector_table_markdown` (the table in docs/MODEL.md) are all built from it.
"""

from __future__ import annotations

from dataclasses import dataclass

# Share of new agreements that are general frameworks, the first row of the table:
# about 70% of real DCAs are (Kinne 2020, DCAD v1.0). The rest choose among the
# specialised sectors by their choice weights.
GENERAL_FRAMEWORK_SHARE = 0.7


@dataclass(frozen=True, slots=True)
class ChoiceWeight:
    """How strongly a dyad leans to a specialised sector:
    `base + threat x T + gap x G + threat_gap x G T + emerging x E`, where T is the
    larger perceived threat of the two, G the gap between their dominances (how unequal
    they are) and E the world's interest in emerging technologies (the parameter
    `emerging_technology_interest`)."""

    base: float = 0.0
    threat: float = 0.0
    gap: float = 0.0
    threat_gap: float = 0.0
    emerging: float = 0.0


@dataclass(frozen=True, slots=True)
class SectorRow:
    name: str  # the word in scenario files and output tables
    label: str  # for people: legends, hover text, documentation
    # how wide it opens the (training, intelligence, technology) channels, relative to
    # a sector devoted to one of them: training -> interoperability, intelligence ->
    # early warning, technology -> capability transfer
    channels: tuple[float, float, float]
    # sovereignty exposure relative to a general framework
    exposure: float
    # None for the general framework, chosen first with GENERAL_FRAMEWORK_SHARE
    choice: ChoiceWeight | None
    colour: str
    rationale: str  # why these numbers: printed in the documentation
    # the highest rung of the depth ladder an agreement of this sector climbs to: a
    # sector stays within what it means (joint training is rung 2; intelligence and
    # technology sharing rung 3). No DCA reaches rung 4, mutual defence: that rung is
    # the alliances' (`domain.DCA_MAX_DEPTH`).
    ceiling: int = 3


SECTOR_TABLE: tuple[SectorRow, ...] = (
    SectorRow(
        "general",
        "general framework",
        (0.5, 0.5, 0.5),
        1.0,
        None,
        "#7f7f7f",
        "a framework for cooperation of every kind, each channel half open",
    ),
    SectorRow(
        "training",
        "training and exercises",
        (1.0, 0.0, 0.0),
        0.8,
        ChoiceWeight(base=1.0),
        "#2ca02c",
        "exercises weigh least on sovereignty; the commonest specialised choice; "
        "joint training is its own rung, and a training agreement stops there",
        ceiling=2,
    ),
    SectorRow(
        "intelligence",
        "intelligence sharing",
        (0.0, 1.0, 0.0),
        1.1,
        ChoiceWeight(threat=2.0),
        "#9467bd",
        "opening one's intelligence exposes more; chosen under threat",
    ),
    SectorRow(
        "technology",
        "technology cooperation",
        (0.0, 0.0, 1.0),
        0.9,
        ChoiceWeight(base=0.2, gap=2.0),
        "#1f77b4",
        "chosen across a capability gap, where there is something to transfer",
    ),
    SectorRow(
        "arms",
        "arms transfers",
        (0.3, 0.0, 0.7),
        1.0,
        ChoiceWeight(base=0.2, gap=1.0),
        "#d62728",
        "mostly technology, some training in its use; follows a capability gap",
    ),
    SectorRow(
        "basing",
        "basing and access",
        (1.0, 0.5, 0.0),
        1.5,
        ChoiceWeight(threat_gap=1.0),
        "#ff7f0e",
        "foreign troops on one's soil weigh most; needs both threat and a strong partner",
    ),
    SectorRow(
        "emerging_technology",
        "emerging technology (AI, cyber, unmanned systems)",
        (0.0, 0.5, 1.0),
        1.3,
        ChoiceWeight(emerging=1.0),
        "#17becf",
        "joint research transfers technology and, in cyber defence, shares warning; "
        "dual-use know-how and data expose more than arms; chosen only as the world "
        "turns to these technologies (emerging_technology_interest, 0 by default)",
    ),
)


def sector_table_markdown(table: tuple[SectorRow, ...] = SECTOR_TABLE) -> str:
    """The sector table as documented in docs/MODEL.md (a test keeps the two equal)."""
    lines = [
        "| sector | label | training, intelligence, technology | sovereignty exposure "
        "| choice weight | highest rung | why |",
        "|---|---|---|---|---|---|---|",
    ]
    for row in table:
        if row.choice is None:
            weight = f"general framework, chosen first with chance {GENERAL_FRAMEWORK_SHARE}"
        else:
            terms = [
                f"{value:g}{symbol}"
                for value, symbol in (
                    (row.choice.base, ""),
                    (row.choice.threat, " T"),
                    (row.choice.gap, " G"),
                    (row.choice.threat_gap, " G T"),
                    (row.choice.emerging, " E"),
                )
                if value
            ]
            weight = " + ".join(terms) or "0"
        channels = ", ".join(f"{width:g}" for width in row.channels)
        lines.append(
            f"| `{row.name}` | {row.label} | {channels} | {row.exposure:g} | {weight} "
            f"| {row.ceiling} | {row.rationale} |"
        )
    return "\n".join(lines)
