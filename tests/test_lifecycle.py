"""Changes to agreements as `simulation.lifecycle` records them: batched forms write
what the one-at-a-time forms write."""

from __future__ import annotations

import numpy as np

from simulation import lifecycle
from simulation.domain import ExitReason, Kind
from simulation.model import DefenseCooperationModel
from simulation.scenario import scenario_from_dict
from tests.conftest import small_world


def model_with_agreements() -> DefenseCooperationModel:
    model = DefenseCooperationModel(scenario_from_dict(small_world(), "small.yaml"))
    for _ in range(6):
        model.step()
    return model


def test_lapse_many_ends_and_logs_each_agreement_as_leave_does_one_by_one():
    batched, single = model_with_agreements(), model_with_agreements()
    slots = batched.registry.active_slots(Kind.BILATERAL)[::2]
    assert slots.size >= 3  # enough agreements to tell the order of the rows
    rows_before = len(batched.events.rows)
    trust_before = batched.state.trust.copy()
    exits_before = batched.state.counts["exits"]

    lifecycle.lapse_many(batched.state, slots, 7)
    for slot in slots.tolist():
        agreement = single.registry.by_slot[slot]
        lifecycle.leave(single.state, agreement, agreement.members[0], 7, ExitReason.LAPSED)

    assert batched.events.rows == single.events.rows
    assert len(batched.events.rows) == rows_before + 2 * slots.size
    assert (
        batched.state.counts["exits"] == single.state.counts["exits"] == exits_before + slots.size
    )
    np.testing.assert_array_equal(batched.registry.is_active, single.registry.is_active)
    assert not batched.registry.is_active[slots].any()
    for slot in slots.tolist():
        ended = batched.registry.by_slot[slot]
        assert (ended.ended_step, ended.end_reason) == (7, ExitReason.LAPSED)
    assert [m.left_step for m in batched.registry.memberships] == [
        m.left_step for m in single.registry.memberships
    ]
    # a lapse is a quiet exit: no trust lost, no door closed
    np.testing.assert_array_equal(batched.state.trust, trust_before)
    assert batched.state.estranged_until == single.state.estranged_until


def test_lapse_many_with_no_slots_changes_nothing():
    model = model_with_agreements()
    rows = list(model.events.rows)
    active = model.registry.is_active.copy()
    lifecycle.lapse_many(model.state, np.array([], dtype=np.int64), 7)
    assert model.events.rows == rows
    np.testing.assert_array_equal(model.registry.is_active, active)
