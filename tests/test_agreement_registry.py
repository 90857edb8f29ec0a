"""The agreement registry on its own: signing, joining, leaving, ending, deepening and
renewing agreements, the cached answer to "which are active", and the membership spells
from which the network is rebuilt at any step."""

from __future__ import annotations

import numpy as np
import pytest

from simulation.agreements import AgreementRegistry
from simulation.domain import ExitReason, FundingSplit, Kind, Sector


def sign(
    registry: AgreementRegistry,
    agreement_id: str,
    members: list[int],
    *,
    kind: Kind = Kind.BILATERAL,
    sector: Sector = Sector.TRAINING,
    depth: int = 2,
    funding: FundingSplit = FundingSplit.PROPORTIONAL,
    dispute_resolution: bool = True,
    term: int = 5,
    signed_step: int = 3,
):
    return registry.sign(
        agreement_id=agreement_id,
        name=f"agreement {agreement_id}",
        kind=kind,
        sector=sector,
        depth=depth,
        members=members,
        dispute_resolution=dispute_resolution,
        funding=funding,
        term=term,
        signed_step=signed_step,
        expires_step=signed_step + term,
    )


def spells(registry: AgreementRegistry) -> list[tuple[str, int, int, int | None]]:
    return [(m.agreement_id, m.nation, m.joined_step, m.left_step) for m in registry.memberships]


# ----------------------------------------------------------------- signing


def test_signing_a_bilateral_agreement_fills_its_slot_in_every_array():
    registry = AgreementRegistry()
    agreement = sign(registry, "B00001", [4, 7], sector=Sector.INTELLIGENCE, depth=3)

    assert agreement.slot == 0
    assert registry.size == 1
    assert registry.by_id["B00001"] is agreement
    assert registry.by_slot == [agreement]
    assert (registry.first[0], registry.second[0]) == (4, 7)
    assert registry.depth[0] == 3
    assert not registry.multilateral[0]
    assert registry.sector[0] == 2  # the third sector of the sector table
    assert registry.dispute[0]
    assert registry.funding_code[0] == 1  # proportional
    assert registry.term[0] == 5
    assert registry.expires[0] == 8
    assert registry.last_change[0] == 3
    assert registry.renewals[0] == 0
    assert registry.is_active[0]


def test_a_signed_agreement_reads_its_depth_expiry_and_renewals_from_the_registry():
    registry = AgreementRegistry()
    agreement = sign(registry, "B00001", [0, 1], depth=2, signed_step=3, term=5)

    assert (agreement.depth, agreement.expires_step, agreement.renewals) == (2, 8, 0)
    assert agreement.active
    assert agreement.founders == (0, 1)
    assert agreement.depth_history == [(3, 2)]
    assert agreement.ended_step is None and agreement.end_reason is None


def test_a_pact_has_no_bilateral_members_in_the_arrays():
    registry = AgreementRegistry()
    sign(registry, "M00001", [0, 1, 2, 3], kind=Kind.MULTILATERAL, funding=FundingSplit.EQUAL)

    assert (registry.first[0], registry.second[0]) == (-1, -1)
    assert registry.multilateral[0]
    assert registry.funding_code[0] == 0  # equal


def test_the_members_list_is_the_agreements_own_copy():
    registry = AgreementRegistry()
    members = [0, 1, 2]
    agreement = sign(registry, "M00001", members, kind=Kind.MULTILATERAL)
    members.append(9)

    assert agreement.members == [0, 1, 2]
    assert agreement.founders == (0, 1, 2)


def test_a_second_agreement_with_the_same_id_is_refused_and_nothing_changes():
    registry = AgreementRegistry()
    first = sign(registry, "B00001", [0, 1])

    with pytest.raises(ValueError, match="duplicate agreement id 'B00001'"):
        sign(registry, "B00001", [2, 3])

    assert registry.size == 1
    assert registry.by_id["B00001"] is first
    assert spells(registry) == [("B00001", 0, 3, None), ("B00001", 1, 3, None)]


def test_signing_past_the_initial_capacity_doubles_the_arrays_and_keeps_earlier_rows():
    registry = AgreementRegistry()
    assert registry.capacity == 256
    for k in range(257):
        sign(registry, f"B{k:05d}", [k, k + 1], depth=1 + k % 4, signed_step=k)

    assert registry.size == 257
    assert registry.capacity == 512
    assert registry.first.size == registry.is_active.size == 512
    # the rows written before the arrays grew are still there, and so is the new one
    np.testing.assert_array_equal(registry.first[:257], np.arange(257))
    np.testing.assert_array_equal(registry.depth[:257], 1 + np.arange(257) % 4)
    assert registry.expires[256] == 256 + 5
    # slots past the last agreement keep their fill values
    assert registry.first[257] == -1 and not registry.is_active[257]
    assert registry.by_slot[256].depth == 1 + 256 % 4


def test_a_small_initial_capacity_grows_as_often_as_needed():
    registry = AgreementRegistry(capacity=1)
    for k in range(5):
        sign(registry, f"B{k:05d}", [k, k + 1])

    assert registry.capacity == 8
    np.testing.assert_array_equal(registry.active_slots(), [0, 1, 2, 3, 4])


# --------------------------------------------------------------- next id


def test_next_id_numbers_bilateral_and_multilateral_agreements_from_one_counter():
    registry = AgreementRegistry()

    ids = [
        registry.next_id(Kind.BILATERAL),
        registry.next_id(Kind.MULTILATERAL),
        registry.next_id(Kind.BILATERAL),
    ]

    assert ids == ["B00001", "M00002", "B00003"]


def test_next_id_does_not_count_agreements_signed_under_ids_of_their_own():
    registry = AgreementRegistry()
    sign(registry, "alliance", [0, 1, 2], kind=Kind.MULTILATERAL)

    assert registry.next_id(Kind.BILATERAL) == "B00001"


# ------------------------------------------------------------ active slots


def test_active_slots_lists_each_kind_in_signing_order():
    registry = AgreementRegistry()
    sign(registry, "B1", [0, 1])
    sign(registry, "M2", [0, 1, 2], kind=Kind.MULTILATERAL)
    sign(registry, "B3", [2, 3])
    sign(registry, "M4", [3, 4, 5], kind=Kind.MULTILATERAL)

    np.testing.assert_array_equal(registry.active_slots(), [0, 1, 2, 3])
    np.testing.assert_array_equal(registry.active_slots(Kind.BILATERAL), [0, 2])
    np.testing.assert_array_equal(registry.active_slots(Kind.MULTILATERAL), [1, 3])
    assert [a.agreement_id for a in registry.active] == ["B1", "M2", "B3", "M4"]
    assert [a.agreement_id for a in registry.active_pacts()] == ["M2", "M4"]


def test_an_empty_registry_has_no_active_slots():
    registry = AgreementRegistry()

    assert registry.active_slots().size == 0
    assert registry.active == []
    assert registry.active_pacts() == []


def test_active_slots_is_kept_between_changes_and_cannot_be_written_to():
    registry = AgreementRegistry()
    sign(registry, "B1", [0, 1])

    slots = registry.active_slots()

    assert registry.active_slots() is slots
    assert not slots.flags.writeable
    with pytest.raises(ValueError):
        slots[0] = 5


def test_signing_refreshes_the_active_slots_of_every_kind():
    registry = AgreementRegistry()
    sign(registry, "B1", [0, 1])
    sign(registry, "M2", [0, 1, 2], kind=Kind.MULTILATERAL)
    before = registry.active_slots(), registry.active_slots(Kind.BILATERAL)
    assert len(registry.active_pacts()) == 1

    sign(registry, "B3", [2, 3])
    sign(registry, "M4", [3, 4, 5], kind=Kind.MULTILATERAL)

    np.testing.assert_array_equal(before[0], [0, 1])  # the old answer is left as it was
    np.testing.assert_array_equal(registry.active_slots(), [0, 1, 2, 3])
    np.testing.assert_array_equal(registry.active_slots(Kind.BILATERAL), [0, 2])
    assert [a.agreement_id for a in registry.active_pacts()] == ["M2", "M4"]


def test_ending_an_agreement_drops_it_from_the_active_slots_of_every_kind():
    registry = AgreementRegistry()
    first = sign(registry, "B1", [0, 1])
    pact = sign(registry, "M2", [0, 1, 2], kind=Kind.MULTILATERAL)
    sign(registry, "B3", [2, 3])
    # ask first, so that the answers are cached when the agreements end
    assert registry.active_slots().size == 3
    assert registry.active_slots(Kind.BILATERAL).size == 2
    assert len(registry.active_pacts()) == 1

    registry.end(first, step=6, reason=ExitReason.TRUST_COLLAPSE)
    registry.end(pact, step=6, reason=ExitReason.DISSOLVED)

    np.testing.assert_array_equal(registry.active_slots(), [2])
    np.testing.assert_array_equal(registry.active_slots(Kind.BILATERAL), [2])
    assert registry.active_slots(Kind.MULTILATERAL).size == 0
    assert registry.active_pacts() == []


def test_active_pacts_hands_out_a_list_the_caller_may_change():
    registry = AgreementRegistry()
    sign(registry, "M1", [0, 1, 2], kind=Kind.MULTILATERAL)

    registry.active_pacts().clear()

    assert [a.agreement_id for a in registry.active_pacts()] == ["M1"]


def test_of_nation_lists_the_active_agreements_a_nation_belongs_to():
    registry = AgreementRegistry()
    sign(registry, "B1", [0, 1])
    ended = sign(registry, "B2", [1, 2])
    sign(registry, "M3", [1, 3, 4], kind=Kind.MULTILATERAL)
    registry.end(ended, step=5, reason=ExitReason.NOT_RENEWED)

    assert [a.agreement_id for a in registry.of_nation(1)] == ["B1", "M3"]
    assert registry.of_nation(9) == []


# ------------------------------------------------------- joining and leaving


def test_joining_a_pact_adds_the_member_and_opens_a_membership_spell():
    registry = AgreementRegistry()
    pact = sign(registry, "M1", [0, 1], kind=Kind.MULTILATERAL, signed_step=2)

    registry.join(pact, 5, step=7)

    assert pact.members == [0, 1, 5]
    assert pact.founders == (0, 1)
    assert spells(registry) == [("M1", 0, 2, None), ("M1", 1, 2, None), ("M1", 5, 7, None)]


def test_leaving_a_pact_closes_that_members_spell_and_forgets_its_discontent():
    registry = AgreementRegistry()
    pact = sign(registry, "M1", [0, 1, 2], kind=Kind.MULTILATERAL, signed_step=2)
    pact.discontent.update({1: 3, 2: 1})

    registry.leave(pact, 1, step=9)

    assert pact.members == [0, 2]
    assert pact.discontent == {2: 1}
    assert pact.active
    assert spells(registry) == [("M1", 0, 2, None), ("M1", 1, 2, 9), ("M1", 2, 2, None)]


def test_a_nation_that_left_and_joined_again_has_two_spells():
    registry = AgreementRegistry()
    pact = sign(registry, "M1", [0, 1, 2], kind=Kind.MULTILATERAL, signed_step=0)

    registry.leave(pact, 2, step=4)
    registry.join(pact, 2, step=10)
    registry.end(pact, step=12, reason=ExitReason.DISSOLVED)

    assert [s for s in spells(registry) if s[1] == 2] == [("M1", 2, 0, 4), ("M1", 2, 10, 12)]


def test_leaving_an_agreement_one_is_not_in_raises():
    registry = AgreementRegistry()
    pact = sign(registry, "M1", [0, 1, 2], kind=Kind.MULTILATERAL)

    with pytest.raises(ValueError):
        registry.leave(pact, 7, step=4)


# ------------------------------------------------------------------ ending


def test_ending_an_agreement_closes_every_open_spell_at_that_step():
    registry = AgreementRegistry()
    pact = sign(registry, "M1", [0, 1, 2], kind=Kind.MULTILATERAL, signed_step=1)
    registry.leave(pact, 0, step=3)

    registry.end(pact, step=8, reason=ExitReason.SOVEREIGNTY_BACKLASH)

    assert spells(registry) == [("M1", 0, 1, 3), ("M1", 1, 1, 8), ("M1", 2, 1, 8)]
    assert not pact.active
    assert pact.ended_step == 8
    assert pact.end_reason is ExitReason.SOVEREIGNTY_BACKLASH
    assert not registry.is_active[pact.slot]
    # the members at the end stay on the agreement, for the agreements table
    assert pact.members == [1, 2]


def test_ending_one_agreement_leaves_the_spells_of_another_open():
    registry = AgreementRegistry()
    first = sign(registry, "B1", [0, 1], signed_step=1)
    sign(registry, "B2", [0, 1], signed_step=2)

    registry.end(first, step=5, reason=ExitReason.NOT_RENEWED)

    assert spells(registry) == [
        ("B1", 0, 1, 5),
        ("B1", 1, 1, 5),
        ("B2", 0, 2, None),
        ("B2", 1, 2, None),
    ]


# -------------------------------------------------------- depth and renewal


def test_set_depth_writes_the_array_stamps_the_step_and_extends_the_history():
    registry = AgreementRegistry()
    agreement = sign(registry, "B1", [0, 1], depth=1, signed_step=2)

    registry.set_depth(agreement, 2, step=5)
    registry.set_depth(agreement, 4, step=9)

    assert agreement.depth == 4
    assert registry.depth[agreement.slot] == 4
    assert registry.last_change[agreement.slot] == 9
    assert agreement.depth_history == [(2, 1), (5, 2), (9, 4)]
    assert agreement.mutual_defense


def test_renew_adds_one_term_to_the_expiry_and_counts_the_renewal():
    registry = AgreementRegistry()
    agreement = sign(registry, "B1", [0, 1], signed_step=3, term=5)

    registry.renew(agreement)
    registry.renew(agreement)

    assert agreement.expires_step == 3 + 5 + 5 + 5
    assert agreement.renewals == 2
    assert registry.last_change[agreement.slot] == 3  # a renewal is not a change of depth


def test_renew_many_renews_each_slot_by_its_own_term_and_no_other():
    registry = AgreementRegistry()
    sign(registry, "B1", [0, 1], signed_step=0, term=4)
    sign(registry, "B2", [1, 2], signed_step=0, term=10)
    sign(registry, "B3", [2, 3], signed_step=0, term=6)

    registry.renew_many(np.array([0, 1]))

    np.testing.assert_array_equal(registry.expires[:3], [8, 20, 6])
    np.testing.assert_array_equal(registry.renewals[:3], [1, 1, 0])


def test_renew_many_with_no_slots_changes_nothing():
    registry = AgreementRegistry()
    sign(registry, "B1", [0, 1], signed_step=0, term=4)

    registry.renew_many(np.array([], dtype=np.int64))

    assert (registry.expires[0], registry.renewals[0]) == (4, 0)


# ----------------------------------------------------------------- succession


def test_a_successor_takes_a_members_place_in_a_bilateral_agreement():
    registry = AgreementRegistry()
    agreement = sign(registry, "B00001", [4, 7], signed_step=1)
    registry.discontent_second[agreement.slot] = 2
    registry.replace_member(agreement, 7, 9, step=6)
    assert agreement.members == [4, 9]
    assert (registry.first[0], registry.second[0]) == (4, 9)
    assert registry.discontent_second[0] == 0  # the successor starts content
    assert spells(registry) == [("B00001", 4, 1, None), ("B00001", 7, 1, 6), ("B00001", 9, 6, None)]
    assert agreement.active


def test_a_successor_takes_a_members_place_in_a_pact():
    registry = AgreementRegistry()
    pact = sign(registry, "M00001", [1, 2, 3], kind=Kind.MULTILATERAL, signed_step=0)
    pact.discontent[2] = 1
    registry.replace_member(pact, 2, 8, step=4)
    assert pact.members == [1, 8, 3]
    assert 2 not in pact.discontent
    assert (registry.first[0], registry.second[0]) == (-1, -1)
    assert ("M00001", 2, 0, 4) in spells(registry) and ("M00001", 8, 4, None) in spells(registry)
