"""Agreements as first-class objects, and the registry that keeps their lifecycle.

An agreement is proposed, signed, deepened, renewed, or exited; every change is
stamped with its step so the network can be rebuilt at any point in time.
Members are nation indices (positions in the model's arrays).
"""

from __future__ import annotations

from dataclasses import dataclass, field

from simulation.domain import MAX_DEPTH, ExitReason, FundingSplit, Kind, Sector

# How strongly each sector opens the three cooperation channels
# (training -> interoperability, intelligence -> early warning, technology -> capability).
# A general framework agreement opens all three, each half as wide.
SECTOR_CHANNELS: dict[Sector, tuple[float, float, float]] = {
    Sector.GENERAL: (0.5, 0.5, 0.5),
    Sector.TRAINING: (1.0, 0.0, 0.0),
    Sector.INTELLIGENCE: (0.0, 1.0, 0.0),
    Sector.TECHNOLOGY: (0.0, 0.0, 1.0),
    Sector.ARMS: (0.3, 0.0, 0.7),
    Sector.BASING: (1.0, 0.5, 0.0),
}

# Sovereignty exposure relative to a general framework: foreign troops on one's soil
# (basing) weigh most, opening one's intelligence next; exercises weigh least.
SECTOR_EXPOSURE: dict[Sector, float] = {
    Sector.GENERAL: 1.0,
    Sector.TRAINING: 0.8,
    Sector.INTELLIGENCE: 1.1,
    Sector.TECHNOLOGY: 0.9,
    Sector.ARMS: 1.0,
    Sector.BASING: 1.5,
}


@dataclass(slots=True, eq=False)
class Agreement:
    """A defense cooperation agreement, bilateral or a multilateral pact."""

    agreement_id: str
    name: str
    kind: Kind
    sector: Sector
    depth: int
    members: list[int]
    dispute_resolution: bool
    funding: FundingSplit
    term: int
    signed_step: int
    expires_step: int
    ended_step: int | None = None
    end_reason: ExitReason | None = None
    renewals: int = 0
    founders: tuple[int, ...] = ()
    depth_history: list[tuple[int, int]] = field(default_factory=list)
    last_change_step: int = 0
    # consecutive steps each member has found the agreement not worth its cost
    discontent: dict[int, int] = field(default_factory=dict)

    @property
    def active(self) -> bool:
        return self.ended_step is None

    @property
    def mutual_defense(self) -> bool:
        """Integrated agreements carry mutual-defense obligations: allies are called on."""
        return self.depth >= MAX_DEPTH

    @property
    def scope(self) -> tuple[float, float, float]:
        """The (training, intelligence, technology) channels this agreement opens."""
        return SECTOR_CHANNELS[self.sector]

    @property
    def exposure(self) -> float:
        return SECTOR_EXPOSURE[self.sector]


@dataclass(slots=True)
class Membership:
    agreement_id: str
    nation: int
    joined_step: int
    left_step: int | None = None


class AgreementRegistry:
    """Every agreement ever signed, the active ones in signing order, and memberships."""

    def __init__(self) -> None:
        self.all: dict[str, Agreement] = {}
        self.active: list[Agreement] = []
        self.memberships: list[Membership] = []
        self._open: dict[tuple[str, int], Membership] = {}
        self._counter = 0

    def next_id(self, kind: Kind) -> str:
        self._counter += 1
        prefix = "B" if kind is Kind.BILATERAL else "M"
        return f"{prefix}{self._counter:05d}"

    def sign(self, agreement: Agreement) -> Agreement:
        if agreement.agreement_id in self.all:
            raise ValueError(f"duplicate agreement id {agreement.agreement_id!r}")
        agreement.founders = tuple(agreement.members)
        agreement.depth_history.append((agreement.signed_step, agreement.depth))
        agreement.last_change_step = agreement.signed_step
        self.all[agreement.agreement_id] = agreement
        self.active.append(agreement)
        for nation in agreement.members:
            self._open_membership(agreement, nation, agreement.signed_step)
        return agreement

    def join(self, agreement: Agreement, nation: int, step: int) -> None:
        agreement.members.append(nation)
        self._open_membership(agreement, nation, step)

    def leave(self, agreement: Agreement, nation: int, step: int) -> None:
        agreement.members.remove(nation)
        agreement.discontent.pop(nation, None)
        self._open.pop((agreement.agreement_id, nation)).left_step = step

    def end(self, agreement: Agreement, step: int, reason: ExitReason) -> None:
        for nation in list(agreement.members):
            self._open.pop((agreement.agreement_id, nation)).left_step = step
        agreement.ended_step = step
        agreement.end_reason = reason
        self.active.remove(agreement)

    def set_depth(self, agreement: Agreement, depth: int, step: int) -> None:
        agreement.depth = depth
        agreement.depth_history.append((step, depth))
        agreement.last_change_step = step

    def _open_membership(self, agreement: Agreement, nation: int, step: int) -> None:
        membership = Membership(agreement.agreement_id, nation, step)
        self.memberships.append(membership)
        self._open[(agreement.agreement_id, nation)] = membership

    def of_nation(self, nation: int) -> list[Agreement]:
        return [a for a in self.active if nation in a.members]
