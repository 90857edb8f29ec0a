"""Agreements as first-class objects, and the registry that keeps their lifecycle.

An agreement is signed, deepened, renewed, or exited; every change is stamped
with its step so the network can be rebuilt at any point in time. Members are
nation indices (positions in the model's arrays).

The registry stores the fields the step reads every year (members of bilateral
agreements, depth, sector, provisions, expiry, discontent) in parallel numpy
arrays indexed by an agreement's slot, so that valuing, deepening and renewing
hundreds of agreements are whole-array operations. An `Agreement` is a named
object over its slot, with the parts that change rarely (history, membership of
a pact) kept on the object itself.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from simulation.domain import (
    DCA_MAX_DEPTH,
    MAX_DEPTH,
    SECTORS,
    ExitReason,
    FundingSplit,
    Kind,
    Sector,
)
from simulation.sectors import SECTOR_TABLE

# What each sector opens and exposes, from the sector table (`simulation.sectors`)
SECTOR_CHANNELS: dict[Sector, tuple[float, float, float]] = {
    Sector(row.name): row.channels for row in SECTOR_TABLE
}
SECTOR_EXPOSURE: dict[Sector, float] = {Sector(row.name): row.exposure for row in SECTOR_TABLE}
# the highest rung a DCA of each sector climbs to
SECTOR_CEILING: dict[Sector, int] = {
    Sector(row.name): min(row.ceiling, DCA_MAX_DEPTH) for row in SECTOR_TABLE
}

SECTOR_CODE = {sector: code for code, sector in enumerate(SECTORS)}
CHANNELS_BY_CODE = np.array([SECTOR_CHANNELS[s] for s in SECTORS])
EXPOSURE_BY_CODE = np.array([SECTOR_EXPOSURE[s] for s in SECTORS])
CEILING_BY_CODE = np.array([SECTOR_CEILING[s] for s in SECTORS])


def depth_ceiling(sector: Sector, alliance: bool) -> int:
    """The highest rung an agreement climbs to: an alliance is mutual defence, the top
    rung; a DCA stops at its sector's rung, short of mutual defence."""
    return MAX_DEPTH if alliance else SECTOR_CEILING[sector]


FUNDING_CODE = {FundingSplit.EQUAL: 0, FundingSplit.PROPORTIONAL: 1, FundingSplit.LEAD_NATION: 2}
FUNDING_BY_CODE = {code: split for split, code in FUNDING_CODE.items()}


@dataclass(slots=True, eq=False)
class Agreement:
    """A defense cooperation agreement, bilateral or a multilateral pact.

    Components named by the seed article: `mutual_defense` obligations (an alliance's),
    `scope` (sector and the channels it opens), the `funding` split, and
    `dispute_resolution` provisions; plus its `term` and its history.
    """

    registry: AgreementRegistry = field(repr=False)
    slot: int
    agreement_id: str
    name: str
    kind: Kind
    sector: Sector
    members: list[int]
    dispute_resolution: bool
    funding: FundingSplit
    term: int
    signed_step: int
    founders: tuple[int, ...] = ()
    ended_step: int | None = None
    end_reason: ExitReason | None = None
    depth_history: list[tuple[int, int]] = field(default_factory=list)
    # pacts only: consecutive steps each member has found it not worth the cost
    discontent: dict[int, int] = field(default_factory=dict)
    # pacts only: nations that walked out, and the step from which they may apply again
    barred_until: dict[int, int] = field(default_factory=dict)
    # pacts only: an input of the scenario (a real alliance in a hindcast), whose
    # members and depth change only by the scenario's events, not by the model's rules
    exogenous: bool = False
    # pacts only: a defence alliance, not a DCA: its members are tied (channels,
    # obligations), but allies are not DCA partners when DCAs are valued
    alliance: bool = False
    # environmental provisions (the impact of exercises, bases and shared facilities):
    # recorded and reported; they change no decision
    environmental: bool = False

    @property
    def depth(self) -> int:
        return int(self.registry.depth[self.slot])

    @property
    def renewals(self) -> int:
        return int(self.registry.renewals[self.slot])

    @property
    def expires_step(self) -> int:
        return int(self.registry.expires[self.slot])

    @property
    def active(self) -> bool:
        return self.ended_step is None

    @property
    def mutual_defense(self) -> bool:
        """Alliances at the top rung carry mutual-defence obligations: allies are called
        on. No DCA does (its ladder stops short: `depth_ceiling`)."""
        return self.depth >= MAX_DEPTH

    @property
    def ceiling(self) -> int:
        """The highest rung it may climb to (`depth_ceiling`)."""
        return int(self.registry.ceiling[self.slot])

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
    """Every agreement ever signed, with the hot fields in arrays indexed by slot."""

    def __init__(self, capacity: int = 256) -> None:
        self.by_id: dict[str, Agreement] = {}
        self.by_slot: list[Agreement] = []
        self.memberships: list[Membership] = []
        self._open: dict[tuple[str, int], Membership] = {}
        self._counter = 0
        self.size = 0
        self._active_cache: dict = {}  # active slots by kind, and the active pacts
        self._allocate(capacity)

    def _allocate(self, capacity: int) -> None:
        def grow(name: str, dtype, fill) -> None:
            fresh = np.full(capacity, fill, dtype=dtype)
            old = getattr(self, name, None)
            if old is not None:
                fresh[: old.size] = old
            setattr(self, name, fresh)

        grow("first", np.int64, -1)  # bilateral members; -1 for pacts
        grow("second", np.int64, -1)
        grow("depth", np.int64, 0)
        grow("multilateral", bool, False)
        grow("sector", np.int64, 0)
        grow("dispute", bool, False)
        grow("funding_code", np.int64, 0)
        grow("term", np.int64, 1)
        grow("expires", np.int64, 0)
        grow("last_change", np.int64, 0)
        grow("renewals", np.int64, 0)
        grow("is_active", bool, False)
        grow("ceiling", np.int64, MAX_DEPTH)  # the highest rung it may climb to
        grow("alliance", bool, False)  # a defence alliance, not a DCA
        grow("environmental", bool, False)  # with environmental provisions
        grow("discontent_first", np.int64, 0)
        grow("discontent_second", np.int64, 0)
        self.capacity = capacity

    # -------------------------------------------------------------- queries

    def active_slots(self, kind: Kind | None = None) -> np.ndarray:
        """Slots of the active agreements (of one kind, if given), in signing order.

        Read-only: the answer is kept until an agreement is signed or ends, since a
        step asks the same question a dozen times in between."""
        cached = self._active_cache.get(kind)
        if cached is not None:
            return cached
        mask = self.is_active[: self.size]
        if kind is Kind.BILATERAL:
            mask = mask & ~self.multilateral[: self.size]
        elif kind is Kind.MULTILATERAL:
            mask = mask & self.multilateral[: self.size]
        slots = np.flatnonzero(mask)
        slots.flags.writeable = False
        self._active_cache[kind] = slots
        return slots

    @property
    def active(self) -> list[Agreement]:
        """Active agreements in signing order."""
        return [self.by_slot[k] for k in self.active_slots()]

    def active_pacts(self) -> list[Agreement]:
        pacts = self._active_cache.get("pacts")
        if pacts is None:
            pacts = [self.by_slot[k] for k in self.active_slots(Kind.MULTILATERAL).tolist()]
            self._active_cache["pacts"] = pacts
        return list(pacts)

    def of_nation(self, nation: int) -> list[Agreement]:
        return [a for a in self.active if nation in a.members]

    def next_id(self, kind: Kind) -> str:
        self._counter += 1
        prefix = "B" if kind is Kind.BILATERAL else "M"
        return f"{prefix}{self._counter:05d}"

    # ----------------------------------------------------------- lifecycle

    def sign(
        self,
        *,
        agreement_id: str,
        name: str,
        kind: Kind,
        sector: Sector,
        depth: int,
        members: list[int],
        dispute_resolution: bool,
        funding: FundingSplit,
        term: int,
        signed_step: int,
        expires_step: int,
        exogenous: bool = False,
        alliance: bool = False,
        environmental: bool = False,
    ) -> Agreement:
        if agreement_id in self.by_id:
            raise ValueError(f"duplicate agreement id {agreement_id!r}")
        if self.size == self.capacity:
            self._allocate(2 * self.capacity)
        slot = self.size
        self.size += 1
        agreement = Agreement(
            registry=self,
            slot=slot,
            agreement_id=agreement_id,
            name=name,
            kind=kind,
            sector=sector,
            members=list(members),
            dispute_resolution=dispute_resolution,
            funding=funding,
            term=term,
            signed_step=signed_step,
            founders=tuple(members),
            exogenous=exogenous,
            alliance=alliance,
            environmental=environmental,
        )
        bilateral = kind is Kind.BILATERAL
        self.first[slot] = members[0] if bilateral else -1
        self.second[slot] = members[1] if bilateral else -1
        self.depth[slot] = depth
        self.multilateral[slot] = not bilateral
        self.sector[slot] = SECTOR_CODE[sector]
        self.dispute[slot] = dispute_resolution
        self.funding_code[slot] = FUNDING_CODE[funding]
        self.term[slot] = term
        self.expires[slot] = expires_step
        self.last_change[slot] = signed_step
        self.is_active[slot] = True
        self.ceiling[slot] = depth_ceiling(sector, alliance)
        self.alliance[slot] = alliance
        self.environmental[slot] = environmental
        self._active_cache.clear()
        agreement.depth_history.append((signed_step, depth))
        self.by_id[agreement_id] = agreement
        self.by_slot.append(agreement)
        for nation in members:
            self._open_membership(agreement, nation, signed_step)
        return agreement

    def sign_bilateral(
        self,
        *,
        agreement_ids: list[str],
        names: list[str],
        first: np.ndarray,
        second: np.ndarray,
        sector: np.ndarray,
        depth: int,
        dispute_resolution: np.ndarray,
        funding: np.ndarray,
        term: int,
        signed_step: int,
        expires_step: int,
        environmental: np.ndarray | None = None,
    ) -> None:
        """Bilateral agreements signed together: what `sign` makes of each in turn, in
        the order given, their array fields written at once (the signing phase signs
        dozens a step). `sector` and `funding` are codes (`SECTOR_CODE`, `FUNDING_CODE`)."""
        count = len(agreement_ids)
        if any(agreement_id in self.by_id for agreement_id in agreement_ids) or (
            len(set(agreement_ids)) < count
        ):
            raise ValueError(f"duplicate agreement id among {agreement_ids!r}")
        while self.size + count > self.capacity:
            self._allocate(2 * self.capacity)
        start = self.size
        self.size += count
        slots = slice(start, self.size)
        self.first[slots] = first
        self.second[slots] = second
        self.depth[slots] = depth
        self.multilateral[slots] = False
        self.sector[slots] = sector
        self.dispute[slots] = dispute_resolution
        self.funding_code[slots] = funding
        self.term[slots] = term
        self.expires[slots] = expires_step
        self.last_change[slots] = signed_step
        self.is_active[slots] = True
        self.ceiling[slots] = CEILING_BY_CODE[sector]
        self.alliance[slots] = False
        self.environmental[slots] = False if environmental is None else environmental
        self._active_cache.clear()
        for slot, agreement_id, name, a, b, code, provisions, split in zip(
            range(start, self.size),
            agreement_ids,
            names,
            np.asarray(first).tolist(),
            np.asarray(second).tolist(),
            np.asarray(sector).tolist(),
            np.asarray(dispute_resolution).tolist(),
            np.asarray(funding).tolist(),
            strict=True,
        ):
            agreement = Agreement(
                registry=self,
                slot=slot,
                agreement_id=agreement_id,
                name=name,
                kind=Kind.BILATERAL,
                sector=SECTORS[code],
                members=[a, b],
                dispute_resolution=provisions,
                funding=FUNDING_BY_CODE[split],
                term=term,
                signed_step=signed_step,
                founders=(a, b),
            )
            if environmental is not None:
                agreement.environmental = bool(environmental[slot - start])
            agreement.depth_history.append((signed_step, depth))
            self.by_id[agreement_id] = agreement
            self.by_slot.append(agreement)
            self._open_membership(agreement, a, signed_step)
            self._open_membership(agreement, b, signed_step)

    def join(self, agreement: Agreement, nation: int, step: int) -> None:
        agreement.members.append(nation)
        self._open_membership(agreement, nation, step)

    def leave(self, agreement: Agreement, nation: int, step: int) -> None:
        agreement.members.remove(nation)
        agreement.discontent.pop(nation, None)
        self._open.pop((agreement.agreement_id, nation)).left_step = step

    def replace_member(self, agreement: Agreement, old: int, new: int, step: int) -> None:
        """`new` takes `old`'s place in `agreement` (a successor state): `old`'s
        membership closes, `new`'s opens, and a bilateral agreement's member arrays
        follow."""
        agreement.members[agreement.members.index(old)] = new
        agreement.discontent.pop(old, None)
        self._open.pop((agreement.agreement_id, old)).left_step = step
        self._open_membership(agreement, new, step)
        slot = agreement.slot
        if self.first[slot] == old:
            self.first[slot] = new
            self.discontent_first[slot] = 0
        elif self.second[slot] == old:
            self.second[slot] = new
            self.discontent_second[slot] = 0

    def end(self, agreement: Agreement, step: int, reason: ExitReason) -> None:
        for nation in list(agreement.members):
            self._open.pop((agreement.agreement_id, nation)).left_step = step
        agreement.ended_step = step
        agreement.end_reason = reason
        self.is_active[agreement.slot] = False
        self._active_cache.clear()

    def set_depth(self, agreement: Agreement, depth: int, step: int) -> None:
        self.depth[agreement.slot] = depth
        self.last_change[agreement.slot] = step
        agreement.depth_history.append((step, depth))

    def renew(self, agreement: Agreement) -> None:
        self.renew_many(np.array([agreement.slot]))

    def renew_many(self, slots: np.ndarray) -> None:
        """Renew the agreements in `slots` for another term each."""
        self.renewals[slots] += 1
        self.expires[slots] += self.term[slots]

    def _open_membership(self, agreement: Agreement, nation: int, step: int) -> None:
        membership = Membership(agreement.agreement_id, nation, step)
        self.memberships.append(membership)
        self._open[(agreement.agreement_id, nation)] = membership
