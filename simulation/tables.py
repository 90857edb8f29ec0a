"""Tidy tables out of a model: the same frames the CLI writes, for notebooks too.

- model:       one row a step, the columns in `outcomes.MODEL_COLUMNS`;
- nations:     one row a (step, nation), the columns in `outcomes.NATION_COLUMNS`;
- agreements:  one row an agreement ever signed;
- memberships: one row a (agreement, nation) spell of membership;
- events:      one row an event, the columns in `event_log.EVENT_COLUMNS`.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import pandas as pd

if TYPE_CHECKING:
    from simulation.model import DefenseCooperationModel

AGREEMENT_COLUMNS: tuple[str, ...] = (
    "agreement_id",
    "name",
    "kind",
    "alliance",
    "sector",
    "members",
    "founding_members",
    "member_count",
    "signed_step",
    "ended_step",
    "end_reason",
    "dispute_resolution",
    "environmental",
    "funding",
    "term",
    "renewals",
    "initial_depth",
    "max_depth",
    "final_depth",
    "depth_changes",
    "depth_history",
)

MEMBERSHIP_COLUMNS: tuple[str, ...] = ("agreement_id", "nation", "joined_step", "left_step")

# Lists of nations are joined with this separator in the agreements table, so the
# table stays flat (and CSV-friendly); nation names may contain commas but not this.
MEMBER_SEPARATOR = "; "


def model_table(model: DefenseCooperationModel) -> pd.DataFrame:
    return model.recorder.model_table()


def nations_table(model: DefenseCooperationModel) -> pd.DataFrame:
    return model.recorder.nations_table(model.names, [n.region for n in model.nations])


def agreements_table(model: DefenseCooperationModel) -> pd.DataFrame:
    names = model.names
    rows = []
    for agreement in model.registry.by_slot:
        depths = [depth for _, depth in agreement.depth_history]
        rows.append(
            {
                "agreement_id": agreement.agreement_id,
                "name": agreement.name,
                "kind": agreement.kind.value,
                "alliance": agreement.alliance,
                "sector": agreement.sector.value,
                "members": MEMBER_SEPARATOR.join(names[m] for m in agreement.members),
                "founding_members": MEMBER_SEPARATOR.join(names[m] for m in agreement.founders),
                "member_count": len(agreement.members),
                "signed_step": agreement.signed_step,
                "ended_step": agreement.ended_step,
                "end_reason": agreement.end_reason.value if agreement.end_reason else None,
                "dispute_resolution": agreement.dispute_resolution,
                "environmental": agreement.environmental,
                "funding": agreement.funding.value,
                "term": agreement.term,
                "renewals": agreement.renewals,
                "initial_depth": depths[0],
                "max_depth": max(depths),
                "final_depth": depths[-1],
                "depth_changes": len(depths) - 1,
                "depth_history": " ".join(f"{s}:{d}" for s, d in agreement.depth_history),
            }
        )
    frame = pd.DataFrame(rows, columns=list(AGREEMENT_COLUMNS))
    return frame.astype({"ended_step": "Int64", "end_reason": "string"})


def memberships_table(model: DefenseCooperationModel) -> pd.DataFrame:
    names = model.names
    frame = pd.DataFrame(
        [
            (m.agreement_id, names[m.nation], m.joined_step, m.left_step)
            for m in model.registry.memberships
        ],
        columns=list(MEMBERSHIP_COLUMNS),
    )
    return frame.astype({"joined_step": "int64", "left_step": "Int64"})


def events_table(model: DefenseCooperationModel) -> pd.DataFrame:
    return model.events.table()


TABLE_BUILDERS = {
    "model": model_table,
    "nations": nations_table,
    "agreements": agreements_table,
    "memberships": memberships_table,
    "events": events_table,
}


def all_tables(model: DefenseCooperationModel) -> dict[str, pd.DataFrame]:
    """Every table a run folder holds, by file stem."""
    return {name: build(model) for name, build in TABLE_BUILDERS.items()}
