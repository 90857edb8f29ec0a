"""Funding: who pays what in bilateral agreements and pacts, and how a pair settles the split."""

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from simulation.domain import FundingSplit
from simulation.mechanisms import utility
from simulation.mechanisms.funding import (
    SETTLED_SPLITS,
    bilateral_funding_shares,
    negotiate_funding,
    negotiate_fundings,
    pact_funding_shares,
)

FAST = settings(max_examples=100, deadline=None)

capability = st.floats(min_value=1e-2, max_value=1e2, allow_nan=False)
draw = st.floats(min_value=0.0, max_value=1.0, exclude_max=True, allow_nan=False)
unit = st.floats(min_value=0.0, max_value=1.0, allow_nan=False)

# nations 0 .. 4; the pact's members are 0, 1 and 2 (capability 4 + 2 + 2 = 8)
CAPABILITY = np.array([4.0, 2.0, 2.0, 1.0, 8.0])
MEMBERS = np.array([0, 1, 2])

# ------------------------------------------------------------------- bilateral


def test_a_bilateral_proportional_split_charges_each_side_by_its_capability():
    # capabilities 3 and 1: 2 x 3 / 4 = 1.5 and 2 x 1 / 4 = 0.5
    first, second = bilateral_funding_shares(
        np.array([3.0, 3.0]), np.array([1.0, 1.0]), np.array([True, False])
    )
    np.testing.assert_allclose(first, [1.5, 1.0])
    np.testing.assert_allclose(second, [0.5, 1.0])


@FAST
@given(capability, capability, st.booleans())
def test_bilateral_shares_always_add_up_to_an_even_split_of_two(first, second, proportional):
    shares = bilateral_funding_shares(
        np.array([first]), np.array([second]), np.array([proportional])
    )
    assert shares[0][0] + shares[1][0] == pytest.approx(2.0)
    if proportional and first > second:
        assert shares[0][0] > shares[1][0]


# ------------------------------------------------------------------------ pacts


def test_an_equal_pact_split_gives_members_and_outsiders_a_share_of_one():
    np.testing.assert_allclose(
        pact_funding_shares(CAPABILITY, MEMBERS, FundingSplit.EQUAL), np.ones(5)
    )


def test_a_proportional_pact_split_charges_by_capability_in_and_out_of_the_pact():
    # members (n = 3, total 8): 3 x 4/8 = 1.5, 3 x 2/8 = 0.75, 0.75
    # outsiders, in the pact enlarged to 4: 4 x 1/(8 + 1) = 4/9 and 4 x 8/(8 + 8) = 2
    shares = pact_funding_shares(CAPABILITY, MEMBERS, FundingSplit.PROPORTIONAL)
    np.testing.assert_allclose(shares, [1.5, 0.75, 0.75, 4 / 9, 2.0])


def test_a_lead_nation_pact_split_has_the_strongest_pay_half_in_and_out_of_the_pact():
    # members: the strongest pays half, 0.5 x 3 = 1.5; the other two a quarter each, 0.75
    # outsiders, in the pact enlarged to 4: nation 3 (1 < 4) pays 0.5 x 4 / 3 = 2/3;
    # nation 4 (8 > 4) would lead: 0.5 x 4 = 2
    shares = pact_funding_shares(CAPABILITY, MEMBERS, FundingSplit.LEAD_NATION)
    np.testing.assert_allclose(shares, [1.5, 0.75, 0.75, 2 / 3, 2.0])


def test_pact_funding_shares_do_not_modify_the_capabilities():
    capability = CAPABILITY.copy()
    pact_funding_shares(capability, MEMBERS, FundingSplit.PROPORTIONAL)
    np.testing.assert_array_equal(capability, CAPABILITY)


@FAST
@given(
    st.lists(capability, min_size=3, max_size=8),
    st.data(),
    st.sampled_from(list(FundingSplit)),
)
def test_an_outsiders_share_is_the_one_it_would_have_in_the_pact_enlarged_by_it(
    capabilities, data, split
):
    capability = np.array(capabilities)
    size = capability.size
    members = np.array(
        sorted(data.draw(st.sets(st.integers(0, size - 1), min_size=2, max_size=size - 1)))
    )
    shares = pact_funding_shares(capability, members, split)
    # members' shares average 1: the bill is paid in full, no more
    assert shares[members].sum() == pytest.approx(members.size)
    for outsider in sorted(set(range(size)) - set(members.tolist())):
        enlarged = np.append(members, outsider)
        as_member = pact_funding_shares(capability, enlarged, split)[outsider]
        assert shares[outsider] == pytest.approx(as_member)


# ------------------------------------------------------------------ negotiation

# At the dialogue rung a side accepts a split when
#   0.3789 x benefit > 0.125 x sovereignty + funding_cost x share + negotiation_cost
# (benefit share (1/4)^0.7, exposure (1/4)^1.5, funding 4 x funding_cost x share x 1/4).
# With capabilities 3 and 1 the proportional shares are 1.5 and 0.5.
STRONG_AND_WEAK = (3.0, 1.0)


def negotiate(benefit, draw=0.5, sovereignty=(0.0, 0.0), capability=STRONG_AND_WEAK, **terms):
    settings_ = {"proportional_share": 0.3, "funding_cost": 0.1, "negotiation_cost": 0.0}
    settings_.update(terms)
    return negotiate_funding(benefit, sovereignty, capability, draw, **settings_)


def test_the_dialogue_rung_shares_are_as_documented():
    benefit, exposure, cost = (
        utility.DIALOGUE_BENEFIT,
        utility.DIALOGUE_EXPOSURE,
        utility.DIALOGUE_COST,
    )
    # depth 1 of 4: (1/4)^0.7 = 0.3789, (1/4)^1.5 = 0.125, 1/4
    assert benefit == pytest.approx(0.25**0.7)
    assert exposure == pytest.approx(0.125)
    assert cost == pytest.approx(0.25)


def test_the_preferred_split_is_accepted_when_it_suits_both():
    # benefit 10 each: 3.79 clears any share's 0.15 or less
    assert negotiate((10.0, 10.0), draw=0.1) is FundingSplit.PROPORTIONAL
    assert negotiate((10.0, 10.0), draw=0.5) is FundingSplit.EQUAL


def test_a_draw_at_the_proportional_share_proposes_an_equal_split():
    assert negotiate((10.0, 10.0), draw=0.3, proportional_share=0.3) is FundingSplit.EQUAL
    assert negotiate((10.0, 10.0), draw=0.0, proportional_share=0.0) is FundingSplit.EQUAL
    assert negotiate((10.0, 10.0), draw=0.999, proportional_share=1.0) is (
        FundingSplit.PROPORTIONAL
    )


def test_the_weaker_side_falls_back_to_a_proportional_split_it_can_afford():
    # weak side: 0.3789 x 0.2 = 0.076, above 0.1 x 0.5 = 0.05 (proportional) but below
    # 0.1 x 1 = 0.1 (equal); equal is proposed (draw 0.9), proportional settled
    assert negotiate((10.0, 0.2), draw=0.9) is FundingSplit.PROPORTIONAL


def test_the_stronger_side_falls_back_to_an_equal_split_it_can_afford():
    # strong side: 0.3789 x 0.3 = 0.114, above 0.1 x 1 = 0.1 (equal) but below
    # 0.1 x 1.5 = 0.15 (proportional); proportional is proposed (draw 0.1), equal settled
    assert negotiate((0.3, 10.0), draw=0.1) is FundingSplit.EQUAL


def test_no_split_is_settled_when_neither_suits_both():
    # strong side affords only equal (0.114 vs 0.1 and 0.15), weak side only
    # proportional (0.076 vs 0.05 and 0.1)
    assert negotiate((0.3, 0.2), draw=0.1) is None
    assert negotiate((0.3, 0.2), draw=0.9) is None


def test_sovereignty_and_negotiation_costs_are_weighed_at_the_dialogue_rung():
    # equal capabilities, benefit 1, sovereignty 0.8, funding cost 0.1:
    # 0.3789 - 0.125 x 0.8 - 0.1 x 1 = 0.1789 left for the negotiation cost
    terms = {"sovereignty": (0.8, 0.8), "capability": (1.0, 1.0)}
    assert negotiate((1.0, 1.0), negotiation_cost=0.17, **terms) is FundingSplit.EQUAL
    assert negotiate((1.0, 1.0), negotiation_cost=0.18, **terms) is None
    # one side's sovereignty alone can sink it: 0.3789 - 0.125 x 1.7 - 0.1 = 0.0664
    sinking = {"sovereignty": (0.8, 1.7), "capability": (1.0, 1.0)}
    assert negotiate((1.0, 1.0), negotiation_cost=0.07, **sinking) is None


def test_an_agreement_worth_exactly_nothing_is_not_signed():
    # no benefit, no cost: no side is better off, so no split suits
    assert negotiate((0.0, 0.0), funding_cost=0.0) is None


@FAST
@given(
    st.tuples(st.floats(-1.0, 5.0), st.floats(-1.0, 5.0)),
    st.tuples(unit, unit),
    st.tuples(capability, capability),
    draw,
    unit,
)
def test_a_new_agreement_is_never_lead_nation_and_settles_only_what_suits_both(
    benefit, sovereignty, capability_pair, draw_value, proportional_share
):
    split = negotiate_funding(
        benefit,
        sovereignty,
        capability_pair,
        draw_value,
        proportional_share=proportional_share,
        funding_cost=0.1,
        negotiation_cost=0.05,
    )
    assert split in (None, FundingSplit.EQUAL, FundingSplit.PROPORTIONAL)
    if split is not None:
        share_first = (
            2 * capability_pair[0] / sum(capability_pair)
            if split is FundingSplit.PROPORTIONAL
            else 1.0
        )
        for side, share in ((0, share_first), (1, 2.0 - share_first)):
            cost = 0.125 * sovereignty[side] + 0.1 * share + 0.05
            assert utility.DIALOGUE_BENEFIT * benefit[side] > cost - 1e-12


@FAST
@given(
    st.lists(
        st.tuples(
            st.tuples(st.floats(-1.0, 5.0), st.floats(-1.0, 5.0)),
            st.tuples(unit, unit),
            st.tuples(capability, capability),
            draw,
            st.sampled_from([0.0, 0.05, 0.02]),
        ),
        min_size=1,
        max_size=20,
    ),
    unit,
)
def test_many_pairs_settle_each_as_it_would_alone(pairs, proportional_share):
    benefit, sovereignty, capability_pair, draws, negotiation_cost = (
        np.array(column) for column in zip(*pairs)
    )
    settled = negotiate_fundings(
        *benefit.T,
        *sovereignty.T,
        *capability_pair.T,
        draws,
        proportional_share=proportional_share,
        funding_cost=0.1,
        negotiation_cost=negotiation_cost,
    )
    for pair, split in zip(pairs, settled.tolist(), strict=True):
        alone = negotiate_funding(
            *pair[:4],
            proportional_share=proportional_share,
            funding_cost=0.1,
            negotiation_cost=pair[4],
        )
        assert (SETTLED_SPLITS[split] if split >= 0 else None) is alone
