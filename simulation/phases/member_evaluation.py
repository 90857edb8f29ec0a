"""Phase 9, member evaluation: what each agreement in force is worth to each of its
members, and what the agreements bring and cost each nation.

The valuation (`MemberValues`) is made once a step, after signing and pacts; it
serves deepening, renewal and exit, and, brought to the end of the step, the
per-nation sovereignty cost, benefit and dependence that the step reports. With
`agreements_per_pair` above 1, each bilateral agreement's benefit is the share of
channels it adds to those its pair had open before it (`mechanisms.scope`), so a
redundant protocol is worth its costs alone and is dropped.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

import numpy as np

from simulation.agreements import EXPOSURE_BY_CODE, Agreement
from simulation.domain import MAX_DEPTH, Kind
from simulation.mechanisms import utility
from simulation.phases.partner_valuation import pact_terms
from simulation.state import WorldState
from simulation.ties import added_shares, bilateral_shares

# One rung down, the rung itself and one rung up, as a column against a row of depths
_RUNG_OFFSETS = np.array([[-1], [0], [1]])


@dataclass(frozen=True, slots=True)
class MemberValues:
    """What each active agreement is worth to each member: one entry a (agreement, member).

    Benefit, sovereignty and funding are stated for full (depth 4) cooperation, so
    the value at the agreement's depth, or one rung up, is one vectorised call.
    The first `bilateral` rows are bilateral first members, the next `bilateral`
    their partners (both in slot order), then pact members; `bilateral` is -1 once
    the blocks no longer line up.
    """

    slot: np.ndarray
    nation: np.ndarray
    level: np.ndarray
    benefit: np.ndarray
    sovereignty: np.ndarray
    funding: np.ndarray
    trust: np.ndarray  # the member's (mean) trust in the other member(s)
    dominated: np.ndarray  # dominance over it of the (strongest) other member
    bilateral: int

    def around(self) -> np.ndarray:
        """Net value one rung below, at and one rung above the current depth: rows 0, 1
        and 2, one column a row of these values."""
        return utility.net_value(
            self.benefit, self.sovereignty, self.funding, self.level + _RUNG_OFFSETS
        )

    def realised(self) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """Benefit, sovereignty cost and funding cost at the current depth."""
        return (
            self.benefit * utility.depth_benefit(self.level),
            self.sovereignty * utility.sovereignty_exposure(self.level),
            self.funding * utility.depth_cost(self.level),
        )


def member_values(state: WorldState) -> MemberValues:
    """Value terms of each active agreement to each member (see `MemberValues`)."""
    p = state.parameters
    registry = state.registry
    slots = registry.active_slots(Kind.BILATERAL)
    first, second = registry.first[slots], registry.second[slots]
    n = state.size
    rows = np.concatenate([first, second])
    where = np.concatenate([first * n + second, second * n + first])  # flat [rows, cols]
    exposure = EXPOSURE_BY_CODE[registry.sector[slots]]
    shares = np.concatenate(bilateral_shares(state, slots))
    level = registry.depth[slots]
    benefit = state.benefit.ravel()[where]
    if p.agreements_per_pair > 1:
        # each agreement of a pair is worth what it adds to those signed before it
        added = added_shares(state, slots).astype(benefit.dtype)
        benefit *= np.concatenate([added, added])
    parts = [
        (
            np.concatenate([slots, slots]),
            rows,
            np.concatenate([level, level]),
            benefit,
            state.sovereignty.ravel()[where] * np.concatenate([exposure, exposure]),
            utility.funding_burden(shares, funding_cost=p.funding_cost),
            state.trust.ravel()[where],
            state.dominance.ravel()[where],
        )
    ]
    parts.extend(pact_rows(state, registry.active_pacts()))
    return _member_values_from(parts, bilateral=slots.size)


def pact_rows(state: WorldState, pacts: list[Agreement]) -> list[tuple[np.ndarray, ...]]:
    """Member rows of the pacts, all pacts in one block (pact by pact, members in
    member order)."""
    if not pacts:
        return []
    terms = pact_terms(state, pacts)
    sizes = [len(pact.members) for pact in pacts]
    nation = np.array([member for pact in pacts for member in pact.members])
    column = np.repeat([terms.column[pact.slot] for pact in pacts], sizes)
    trust_in_others = []
    for pact in pacts:
        members = np.array(pact.members)
        block = state.trust[members[:, None], members]
        np.fill_diagonal(block, 0.0)  # not its trust in itself
        trust_in_others.append(block.sum(axis=1) / (members.size - 1))
    return [
        (
            np.repeat([pact.slot for pact in pacts], sizes),
            nation,
            np.repeat([pact.depth for pact in pacts], sizes),
            terms.benefit[nation, column],
            terms.sovereignty[nation, column],
            terms.funding[nation, column],
            np.concatenate(trust_in_others),
            terms.dominated[nation, column],
        )
    ]


def still_in_force(state: WorldState, values: MemberValues) -> MemberValues:
    """`values` brought to the end of the step: rows of agreements still in force at
    their current depth, and pacts that lost a member this step valued afresh."""
    registry = state.registry
    still = registry.is_active[values.slot]
    if not state.pacts_left and still.all():  # the common case: nothing ended or left
        return replace(values, level=registry.depth[values.slot], bilateral=-1)
    changed = np.zeros(registry.size, dtype=bool)
    changed[list(state.pacts_left)] = True
    keep = still & ~changed[values.slot]
    parts = [
        (
            values.slot[keep],
            values.nation[keep],
            registry.depth[values.slot[keep]],  # some stepped down since
            values.benefit[keep],
            values.sovereignty[keep],
            values.funding[keep],
            values.trust[keep],
            values.dominated[keep],
        )
    ]
    parts.extend(
        pact_rows(
            state,
            [
                registry.by_slot[slot]
                for slot in sorted(state.pacts_left)
                if registry.is_active[slot]
            ],
        )
    )
    return _member_values_from(parts, bilateral=-1)


def evaluate_members(state: WorldState, values: MemberValues | None = None) -> None:
    """Per-nation sovereignty cost, benefit and dependence from the agreements in
    force (`values`, or a fresh valuation), valued with this step's matrices."""
    if values is None:
        values = member_values(state)
    benefit, sovereignty, _ = values.realised()
    n = state.size
    state.sovereignty_cost_borne = np.bincount(values.nation, weights=sovereignty, minlength=n)
    state.benefit_received = np.bincount(values.nation, weights=benefit, minlength=n)
    # the dense row sums of depth/4 x dominance, filled in on the ties alone (the
    # products are exact, so this is the same matrix at a fraction of the traffic)
    tied, dependence = state.tie_flat, state.dependence_scratch
    dependence.ravel()[state.dependence_set] = 0.0
    dependence.ravel()[tied] = (
        state.tie_depth.ravel()[tied] / MAX_DEPTH * state.dominance.ravel()[tied]
    )
    state.dependence_set = tied
    state.dependence = dependence.sum(axis=1)


def _member_values_from(parts: list[tuple[np.ndarray, ...]], bilateral: int) -> MemberValues:
    if len(parts) == 1:
        columns = list(parts[0])
    else:
        columns = [np.concatenate(column) for column in zip(*parts, strict=True)]
    slot, nation, level, benefit, sovereignty, funding, trust_level, dominated = columns
    return MemberValues(
        slot=slot.astype(np.int64, copy=False),
        nation=nation.astype(np.int64, copy=False),
        level=level.astype(np.int64, copy=False),
        benefit=benefit,
        sovereignty=sovereignty,
        funding=funding,
        trust=trust_level,
        dominated=dominated,
        bilateral=bilateral,
    )
