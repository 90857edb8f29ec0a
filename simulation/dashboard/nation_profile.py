"""One nation as the dashboard's nation view shows it: its partners grouped by the kind
of agreement that ties them (bilateral DCAs by sector, pacts, alliances), its figures
now, and the crises it was a party to, step by step."""

from __future__ import annotations

import html
from dataclasses import dataclass

import pandas as pd

from simulation.domain import DEPTH_NAMES, Kind
from simulation.model import DefenseCooperationModel
from simulation.palette import sector_colour


@dataclass(frozen=True)
class Tie:
    """An agreement in force that `nation` is party to, and who else is."""

    agreement_id: str
    name: str
    sector: str
    depth: int
    partners: tuple[str, ...]


@dataclass(frozen=True)
class PartnerGroups:
    """A nation's agreements in force by kind: bilateral DCAs by sector, pacts
    (multilateral DCAs) and alliances (bilateral or multilateral)."""

    bilateral: dict[str, list[Tie]]
    pacts: list[Tie]
    alliances: list[Tie]

    @property
    def empty(self) -> bool:
        return not (self.bilateral or self.pacts or self.alliances)


def partner_groups(model: DefenseCooperationModel, nation: int) -> PartnerGroups:
    """The agreements in force that `nation` (an index) is party to, grouped."""
    names = model.names
    bilateral: dict[str, list[Tie]] = {}
    pacts: list[Tie] = []
    alliances: list[Tie] = []
    for agreement in model.registry.of_nation(nation):
        tie = Tie(
            agreement_id=agreement.agreement_id,
            name=agreement.name,
            sector=agreement.sector.value,
            depth=agreement.depth,
            partners=tuple(sorted(names[m] for m in agreement.members if m != nation)),
        )
        if agreement.alliance:
            alliances.append(tie)
        elif agreement.kind is Kind.MULTILATERAL:
            pacts.append(tie)
        else:
            bilateral.setdefault(tie.sector, []).append(tie)
    for ties in bilateral.values():
        ties.sort(key=lambda tie: (-tie.depth, tie.partners))
    return PartnerGroups(
        bilateral=dict(sorted(bilateral.items())),
        pacts=sorted(pacts, key=lambda tie: tie.name),
        alliances=sorted(alliances, key=lambda tie: tie.name),
    )


# a crisis's outcomes in the events table, from the mildest
CRISIS_OUTCOMES = ("prevented", "militarised", "escalated")

# more members than this in a pact or alliance are summed up, not listed
LISTED_MEMBERS = 12


def _members(partners: tuple[str, ...]) -> str:
    listed = ", ".join(html.escape(name) for name in partners[:LISTED_MEMBERS])
    more = len(partners) - LISTED_MEMBERS
    return listed + (f" and {more} more" if more > 0 else "")


def groups_html(groups: PartnerGroups) -> str:
    """The groups as HTML: a heading a kind, a line a sector or a multilateral agreement."""
    if groups.empty:
        return '<p class="quiet">No agreement in force.</p>'
    parts = []
    if groups.bilateral:
        count = sum(len(ties) for ties in groups.bilateral.values())
        parts.append(f"<h4>Bilateral DCAs ({count})</h4><ul>")
        for sector, ties in groups.bilateral.items():
            partners = ", ".join(
                f'{html.escape(tie.partners[0])} <span class="quiet">'
                f"({DEPTH_NAMES[tie.depth]})</span>"
                for tie in ties
            )
            parts.append(
                f'<li><span class="swatch" style="background:{sector_colour(sector)}"></span>'
                f"<b>{html.escape(sector.replace('_', ' '))}</b> ({len(ties)}): {partners}</li>"
            )
        parts.append("</ul>")
    for title, ties in (("Pacts", groups.pacts), ("Alliances", groups.alliances)):
        if not ties:
            continue
        parts.append(f"<h4>{title} ({len(ties)})</h4><ul>")
        for tie in ties:
            parts.append(
                f"<li><b>{html.escape(tie.name)}</b> <span class='quiet'>"
                f"({html.escape(tie.sector.replace('_', ' '))}, {DEPTH_NAMES[tie.depth]}, "
                f"{len(tie.partners) + 1} members)</span>: {_members(tie.partners)}</li>"
            )
        parts.append("</ul>")
    return "".join(parts)


def crises_by_step(events: pd.DataFrame, name: str, steps: int) -> dict[str, list[int]]:
    """The crises nation `name` was a party to in the events table `events`, a count a
    step (0 to `steps`) by outcome: `prevented` (kept from force), `militarised` (force
    without deaths), `escalated` (fatal)."""
    crises = events[
        (events["event"] == "crisis") & ((events["nation"] == name) | (events["other"] == name))
    ]
    counts = crises.groupby(["outcome", "step"]).size()
    return {
        outcome: [int(counts.get((outcome, step), 0)) for step in range(steps + 1)]
        for outcome in CRISIS_OUTCOMES
    }
