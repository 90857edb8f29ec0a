"""Utility: depth curves, shares and dominance, partner benefit, sovereignty, funding, net value."""

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

from simulation.domain import MAX_DEPTH, FundingSplit
from simulation.mechanisms import geography, network, utility

FAST = settings(max_examples=80, deadline=None)

positive = st.floats(min_value=1e-3, max_value=1e3, allow_nan=False)

WEIGHTS = {
    "threat_weight": 1.5,
    "technology_weight": 0.5,
    "status_weight": 2.0,
    "homophily_weight": 0.25,
    "triadic_closure_weight": 0.8,
    "preferential_attachment_weight": 0.6,
    "partner_saturation": 4.0,
}


def benefit_of(
    capability,
    threat=None,
    reputation=None,
    trust=None,
    alignment=None,
    common=None,
    degree=None,
    ties=None,
    interoperability=None,
    **weights,
):
    n = len(capability)
    capability = np.asarray(capability, dtype=np.float64)
    return utility.partner_benefit(
        capability,
        np.full(n, 0.5) if threat is None else np.asarray(threat, dtype=np.float64),
        np.full(n, 0.5) if reputation is None else np.asarray(reputation, dtype=np.float64),
        np.full((n, n), 0.5) if trust is None else np.asarray(trust, dtype=np.float64),
        np.full((n, n), 0.5) if alignment is None else np.asarray(alignment, dtype=np.float64),
        np.zeros((n, n)) if common is None else np.asarray(common, dtype=np.float64),
        np.zeros(n, dtype=np.int64) if degree is None else np.asarray(degree, dtype=np.int64),
        np.zeros((n, n), dtype=bool) if ties is None else np.asarray(ties, dtype=bool),
        np.zeros((n, n)) if interoperability is None else np.asarray(interoperability),
        **{**WEIGHTS, **weights},
    )


# -------------------------------------------------------------- depth curves


def test_depth_benefit_is_concave_and_cost_linear():
    depths = np.arange(0, MAX_DEPTH + 1)
    benefit = utility.depth_benefit(depths)
    cost = utility.depth_cost(depths)
    np.testing.assert_allclose(benefit, [0.0, 0.379, 0.616, 0.818, 1.0], atol=1e-3)
    np.testing.assert_allclose(cost, [0.0, 0.25, 0.5, 0.75, 1.0])
    benefit_steps = np.diff(benefit)
    assert np.all(benefit_steps > 0)
    assert np.all(np.diff(benefit_steps) < 0)  # each rung adds less than the one before
    np.testing.assert_allclose(np.diff(cost), 0.25)  # each rung costs the same


def test_depth_benefit_cost_per_benefit_ratio_grows_with_each_rung():
    benefit_steps = np.diff(utility.depth_benefit(np.arange(0, MAX_DEPTH + 1)))
    ratios = 0.25 / benefit_steps
    assert ratios[1] == pytest.approx(1.05, abs=0.01)
    assert ratios[3] == pytest.approx(1.37, abs=0.01)
    assert np.all(np.diff(ratios) > 0)


def test_depth_curves_accept_plain_integers():
    assert float(utility.depth_benefit(MAX_DEPTH)) == pytest.approx(1.0)
    assert float(utility.depth_cost(2)) == pytest.approx(0.5)


# ------------------------------------------------------ shares and dominance


def test_relative_share_gives_the_partner_weight_in_the_pair():
    share = utility.relative_share(np.array([1.0, 3.0]))
    np.testing.assert_allclose(share, [[0.5, 0.75], [0.25, 0.5]])


@FAST
@given(hnp.arrays(np.float64, st.integers(1, 8), elements=positive))
def test_relative_shares_of_a_pair_sum_to_one(capability):
    share = utility.relative_share(capability)
    np.testing.assert_allclose(share + share.T, 1.0)
    assert np.all((share > 0) & (share < 1))


def test_dominance_is_zero_when_the_nation_is_stronger():
    dominance = utility.dominance(np.array([1.0, 3.0, 1.0]))
    assert dominance[1, 0] == 0.0
    assert dominance[0, 2] == 0.0  # equals do not dominate
    assert dominance[0, 1] == pytest.approx((3 - 1) / (3 + 1))


@FAST
@given(hnp.arrays(np.float64, st.integers(1, 8), elements=positive))
def test_dominance_is_in_unit_interval_and_one_sided(capability):
    dominance = utility.dominance(capability)
    assert np.all((dominance >= 0) & (dominance < 1))
    # at most one side of a pair is dominated
    assert np.all(np.minimum(dominance, dominance.T) == 0)


def test_alignment_is_half_region_half_policy_closeness():
    region = np.array([0, 0, 1])
    policy = np.array([0.2, 0.6, 0.2])
    aligned = utility.alignment(region, policy)
    assert aligned[0, 1] == pytest.approx(0.5 + 0.5 * 0.6)
    assert aligned[0, 2] == pytest.approx(0.0 + 0.5 * 1.0)
    assert aligned[1, 2] == pytest.approx(0.5 * 0.6)
    np.testing.assert_allclose(np.diag(aligned), 1.0)
    np.testing.assert_allclose(aligned, aligned.T)


def test_alignment_at_the_default_region_weight_is_todays_half_and_half_to_the_bit():
    rng = np.random.default_rng(3)
    region, policy = rng.integers(0, 3, 40), rng.random(40)
    same_region = region[:, None] == region[None, :]
    closeness = 1.0 - np.abs(policy[:, None] - policy[None, :])
    np.testing.assert_array_equal(
        utility.alignment(region, policy, 0.5), 0.5 * same_region + 0.5 * closeness
    )
    np.testing.assert_array_equal(
        utility.alignment(region, policy), utility.alignment(region, policy, 0.5)
    )


def test_region_weight_splits_alignment_between_region_and_policy():
    region = np.array([0, 0, 1])
    policy = np.array([0.2, 0.6, 0.2])
    region_only = utility.alignment(region, policy, 1.0)
    policy_only = utility.alignment(region, policy, 0.0)
    np.testing.assert_array_equal(region_only, region[:, None] == region[None, :])
    assert policy_only[0, 2] == pytest.approx(1.0)  # other region, same policy
    assert policy_only[0, 1] == pytest.approx(0.6)  # same region, policies 0.4 apart


def test_influence_reach_is_capability_relative_to_the_strongest():
    np.testing.assert_allclose(utility.influence_reach(np.array([10.0, 5.0, 0.1])), [1, 0.5, 0.01])


# ----------------------------------------------------------- partner benefit


def test_partner_benefit_on_a_hand_computed_example():
    benefit = benefit_of(
        capability=[1.0, 3.0, 2.0],
        threat=[0.4, 0.2, 0.6],
        reputation=[0.2, 0.6, 0.4],
        trust=[[1.0, 0.7, 0.4], [0.6, 1.0, 0.5], [0.3, 0.5, 1.0]],
        alignment=[[1.0, 0.8, 0.5], [0.8, 1.0, 0.3], [0.5, 0.3, 1.0]],
        common=[[0, 1, 0], [1, 0, 0], [0, 0, 0]],
        degree=[1, 1, 2],
        ties=[[0, 0, 1], [0, 0, 1], [1, 1, 0]],
        interoperability=[[0, 0, 0.2], [0, 0, 0.1], [0.2, 0.1, 0]],
    )
    closure = 0.8 * (1 - np.exp(-1.0))
    mean_degree = 4 / 3
    hub_1 = 0.6 * 1 / (1 + mean_degree + 1)
    hub_2 = 0.6 * 2 / (2 + mean_degree + 1)
    # partner capacity scaled by absorptive capacity, sqrt(capability / median 2)
    capacity_0 = 4.0 * np.sqrt(1 / 2)
    capacity_1 = 4.0 * np.sqrt(3 / 2)
    # 0 -> 1: security 2 x 1.5 x 0.4 x 3/4, technology 0.5 x 1/2, status 2 x 0.6,
    # trust +0.2, homophily 0.25 x 2 x 0.3; untied with 1 partner: j is a second partner
    raw = 0.9 + 0.25 + 1.2 + closure + hub_1 + 0.2 + 0.0 + 0.15
    assert benefit[0, 1] == pytest.approx(raw * capacity_0 / (capacity_0 + 1))
    # 0 -> 2 (tied): security 3 x 0.4 x 2/3, technology 0.5 x 1/3, status 0.8,
    # trust -0.1, interoperability 0.2, homophily 0; its only partner: no saturation
    raw = 0.8 + 0.5 / 3 + 0.8 + 0.0 + hub_2 - 0.1 + 0.2 + 0.0
    assert benefit[0, 2] == pytest.approx(raw)
    # 1 -> 0: security 3 x 0.2 x 1/4, no technology (1 is ahead), status 0.4 plus
    # patronage 2 x 0.5 (1 outweighs 0 by (3 - 1) / (3 + 1)), trust +0.1
    raw = 0.15 + 0.0 + 0.4 + 1.0 + closure + hub_1 + 0.1 + 0.0 + 0.15
    assert benefit[1, 0] == pytest.approx(raw * capacity_1 / (capacity_1 + 1))
    np.testing.assert_array_equal(np.diag(benefit), 0.0)


def test_partner_benefit_rises_with_shared_partners():
    # nation 0 weighs 1 and 2, identical except that 1 shares partners with it
    common = np.zeros((4, 4))
    values = []
    for shared in (0, 1, 2, 3):
        common[0, 1] = common[1, 0] = shared
        values.append(benefit_of([1.0, 1.0, 1.0, 1.0], common=common, degree=[3, 3, 3, 3])[0, 1])
    other = benefit_of([1.0] * 4, common=common, degree=[3, 3, 3, 3])[0, 2]
    assert values[0] == pytest.approx(other)
    assert all(b > a for a, b in zip(values, values[1:]))
    # triadic closure saturates: each shared partner adds less
    assert np.all(np.diff(np.diff(values)) < 0)


def test_redundancy_is_the_share_of_the_own_other_partners_the_partner_already_has():
    # 0 is tied to 1, 2, 3 and 4; 5 (untied to 0) is tied to 1 and 2; 1 is tied to 2
    ties = np.zeros((6, 6), dtype=bool)
    for i, j in [(0, 1), (0, 2), (0, 3), (0, 4), (5, 1), (5, 2), (1, 2)]:
        ties[i, j] = ties[j, i] = True
    redundancy = utility.redundancy(network.shared_partners(ties), network.degree(ties), ties)
    assert redundancy[0, 5] == pytest.approx(2 / 4)  # 5 already has two of 0's four
    assert redundancy[5, 0] == pytest.approx(2 / 2)  # 0 has both of 5's partners
    # 1 is tied to 0: of 0's three other partners (2, 3, 4), 1 has 2
    assert redundancy[0, 1] == pytest.approx(1 / 3)
    assert redundancy[3, 4] == pytest.approx(1.0)  # 4 has 3's only partner
    assert redundancy[3, 3] == 0.0 and redundancy[5, 4] == 0.0  # nothing shared


def test_redundancy_is_the_same_before_and_after_signing():
    # 0 and 1 share partners 2 and 3; 0 also has 4
    before = np.zeros((5, 5), dtype=bool)
    for i, j in [(0, 2), (0, 3), (0, 4), (1, 2), (1, 3)]:
        before[i, j] = before[j, i] = True
    after = before.copy()
    after[0, 1] = after[1, 0] = True
    values = [
        utility.redundancy(network.shared_partners(t), network.degree(t), t)[[0, 1], [1, 0]]
        for t in (before, after)
    ]
    np.testing.assert_allclose(values[0], values[1])
    np.testing.assert_allclose(values[0], [2 / 3, 2 / 2])


def test_partner_benefit_falls_by_the_redundancy_weight_times_the_redundancy():
    ties = np.zeros((4, 4), dtype=bool)
    for i, j in [(0, 2), (0, 3), (1, 2)]:
        ties[i, j] = ties[j, i] = True
    common = network.shared_partners(ties)
    degree = network.degree(ties)
    # saturation so loose it is 1: the redundancy term alone differs between the runs
    weights = {"partner_saturation": 1e12, "ties": ties, "common": common, "degree": degree}
    plain = benefit_of([1.0] * 4, **weights)
    redundant = benefit_of([1.0] * 4, **weights, redundancy_weight=0.8)
    # 1 has one of 0's two partners; 0 has 1's only partner
    assert plain[0, 1] - redundant[0, 1] == pytest.approx(0.8 * 1 / 2, rel=1e-5)
    assert plain[1, 0] - redundant[1, 0] == pytest.approx(0.8 * 1 / 1, rel=1e-5)
    # 3 has one of 2's two partners (0); 2 has 3's only partner
    assert plain[2, 3] - redundant[2, 3] == pytest.approx(0.8 * 1 / 2, rel=1e-5)
    assert plain[3, 2] - redundant[3, 2] == pytest.approx(0.8 * 1 / 1, rel=1e-5)
    assert redundant[1, 3] == pytest.approx(plain[1, 3])  # 1 and 3 share no partner
    assert redundant[0, 2] == pytest.approx(plain[0, 2])  # nor do 0 and 2


def test_partner_benefit_rises_with_partner_degree():
    # preferential attachment: 1 and 2 identical except that 1 is a hub
    benefit = benefit_of([1.0, 1.0, 1.0, 1.0], degree=[1, 3, 1, 1])
    assert benefit[0, 1] > benefit[0, 2]
    mean = 6 / 4
    gap = 0.6 * (3 / (3 + mean + 1) - 1 / (1 + mean + 1))
    saturation = 4 / (4 + 1)
    assert benefit[0, 1] - benefit[0, 2] == pytest.approx(gap * saturation)
    # and no attachment pull at all with weight 0
    flat = benefit_of([1.0] * 4, degree=[1, 3, 1, 1], preferential_attachment_weight=0.0)
    assert flat[0, 1] == pytest.approx(flat[0, 2])


def test_partner_benefit_saturates_with_own_degree():
    # attachment weight 0 so own degree only acts through saturation
    def value_with(own_degree: int) -> float:
        return benefit_of([1.0, 1.0], degree=[own_degree, 0], preferential_attachment_weight=0.0)[
            0, 1
        ]

    fresh = value_with(0)
    assert fresh > 0
    values = np.array([value_with(d) for d in range(0, 12)])
    assert np.all(np.diff(values) < 0)
    np.testing.assert_allclose(values, fresh * 4.0 / (4.0 + np.arange(12)))
    # partner_saturation is the number of partners at which one more partner's gain halves
    assert value_with(4) == pytest.approx(fresh / 2)


def test_partner_benefit_saturates_more_slowly_for_a_stronger_state():
    # median capability 1; nation 3 is 100 times the median: ten times the capacity
    capability = [1.0, 1.0, 1.0, 100.0, 1.0]

    def row(own_degree: int, nation: int) -> np.ndarray:
        degree = [0, 0, 0, 0, 0]
        degree[nation] = own_degree
        return benefit_of(capability, degree=degree, preferential_attachment_weight=0.0)[nation]

    for d in (1, 4, 10):
        assert row(d, 0)[1] == pytest.approx(row(0, 0)[1] * 4.0 / (4.0 + d))
        assert row(d, 3)[1] == pytest.approx(row(0, 3)[1] * 40.0 / (40.0 + d))


def test_absorptive_capacity_is_the_square_root_of_relative_capability_within_bounds():
    capability = np.array([0.01, 0.25, 1.0, 4.0, 100.0, 1e4, 1.0])  # median 1
    np.testing.assert_allclose(
        utility.absorptive_capacity(capability), [0.5, 0.5, 1.0, 2.0, 10.0, 10.0, 1.0]
    )
    # relative to the median, so scale-free
    np.testing.assert_allclose(
        utility.absorptive_capacity(capability * 37.0), utility.absorptive_capacity(capability)
    )


def test_absorptive_capacity_takes_the_median_of_the_reference_states():
    capability = np.array([1.0, 4.0, 16.0, 100.0])
    # the median of the states 1, 4, 16 is 4: sqrt(c / 4)
    np.testing.assert_allclose(
        utility.absorptive_capacity(capability, reference=capability[:3]), [0.5, 1.0, 2.0, 5.0]
    )


@FAST
@given(hnp.arrays(np.float64, st.integers(1, 12), elements=positive))
def test_absorptive_capacity_is_bounded_and_monotone(capability):
    capacity = utility.absorptive_capacity(capability)
    assert np.all((capacity >= 0.5) & (capacity <= 10.0))
    order = np.argsort(capability, kind="stable")
    assert np.all(np.diff(capacity[order]) >= 0)


@FAST
@given(hnp.arrays(np.float64, st.integers(1, 40), elements=positive))
def test_median_used_for_absorptive_capacity_is_numpys_to_the_bit(capability):
    assert utility._median(capability) == np.median(capability)


def test_relative_share_of_integer_capabilities_is_fractional():
    share = utility.relative_share(np.array([1, 3]))
    np.testing.assert_allclose(share, [[0.5, 0.75], [0.25, 0.5]])


def test_partner_benefit_is_the_same_before_and_after_signing():
    untied = benefit_of(
        [1.0, 2.0, 1.0],
        degree=[2, 0, 0],
        ties=np.zeros((3, 3), bool),
        preferential_attachment_weight=0.0,
    )
    ties = np.zeros((3, 3), bool)
    ties[0, 1] = ties[1, 0] = True
    tied = benefit_of(
        [1.0, 2.0, 1.0], degree=[3, 1, 0], ties=ties, preferential_attachment_weight=0.0
    )
    assert untied[0, 1] == pytest.approx(tied[0, 1])
    assert untied[1, 0] == pytest.approx(tied[1, 0])


def test_partner_benefit_does_not_shrink_a_liability_with_saturation():
    # a distrusted, unlike-minded, weak partner: negative benefit
    trust = np.full((2, 2), 0.0)
    alignment = np.full((2, 2), 0.0)
    settings_ = {
        "threat": [0.0, 0.0],
        "reputation": [0.0, 0.0],
        "trust": trust,
        "alignment": alignment,
        "preferential_attachment_weight": 0.0,
    }
    lone = benefit_of([1.0, 1.0], degree=[0, 0], **settings_)[0, 1]
    busy = benefit_of([1.0, 1.0], degree=[10, 0], **settings_)[0, 1]
    assert lone < 0
    # -0.5 from trust, 0.25 x 2 x -0.5 from alignment
    assert lone == pytest.approx(-0.5 - 0.25)
    assert busy == pytest.approx(lone)


def test_partner_benefit_status_includes_patronage_of_a_weaker_client():
    # only status at work: 0 is stronger than 1 and 2, 2 is the weaker client
    weights = {
        "threat_weight": 0.0,
        "technology_weight": 0.0,
        "status_weight": 1.5,
        "homophily_weight": 0.0,
        "triadic_closure_weight": 0.0,
        "preferential_attachment_weight": 0.0,
    }
    benefit = benefit_of([4.0, 2.0, 1.0], trust=np.full((3, 3), 1.0), **weights)
    # trust 1 adds +0.5 everywhere; status = 1.5 x (reputation 0.5 + patronage)
    assert benefit[0, 1] == pytest.approx(0.5 + 1.5 * (0.5 + 2 / 6))
    assert benefit[0, 2] == pytest.approx(0.5 + 1.5 * (0.5 + 3 / 5))
    assert benefit[0, 2] > benefit[0, 1]
    # the weaker side gets no patronage from its stronger partner
    assert benefit[2, 0] == pytest.approx(0.5 + 1.5 * 0.5)
    no_status = benefit_of(
        [4.0, 2.0, 1.0], trust=np.full((3, 3), 1.0), **{**weights, "status_weight": 0.0}
    )
    np.testing.assert_allclose(no_status[~np.eye(3, dtype=bool)], 0.5)


def test_partner_benefit_counts_trust_and_alignment_for_or_against_around_one_half():
    def with_trust_alignment(t: float, a: float) -> float:
        n = 2
        return benefit_of([1.0, 1.0], trust=np.full((n, n), t), alignment=np.full((n, n), a))[0, 1]

    neutral = with_trust_alignment(0.5, 0.5)
    assert with_trust_alignment(0.8, 0.5) == pytest.approx(neutral + 0.3)
    assert with_trust_alignment(0.5, 0.9) == pytest.approx(neutral + 0.25 * 2 * 0.4)
    assert with_trust_alignment(0.2, 0.5) < neutral


def test_partner_benefit_security_rises_with_threat_and_partner_strength():
    low = benefit_of([1.0, 1.0, 4.0], threat=[0.1, 0.5, 0.5])
    high = benefit_of([1.0, 1.0, 4.0], threat=[0.9, 0.5, 0.5])
    assert high[0, 1] > low[0, 1]
    assert high[0, 2] > high[0, 1]  # the stronger partner protects more


# ----------------------------------------------------- sovereignty and funding


def test_sovereignty_cost_rises_with_sensitivity_and_dominance():
    cost = utility.sovereignty_cost(
        np.array([0.2, 0.5, 0.8]),
        np.array([0.5, 0.5, 0.5]),
        sovereignty_weight=2.0,
        asymmetry_weight=1.0,
    )
    np.testing.assert_allclose(cost, 2.0 * np.array([0.2, 0.5, 0.8]) * 1.5)
    dominated = utility.sovereignty_cost(
        np.full(3, 0.5), np.array([0.0, 0.4, 0.9]), sovereignty_weight=2.0, asymmetry_weight=1.0
    )
    assert np.all(np.diff(dominated) > 0)
    assert dominated[0] == pytest.approx(2.0 * 0.5)


def test_sovereignty_cost_broadcasts_a_column_of_sensitivities_against_dominance():
    sensitivity = np.array([0.2, 0.6])[:, None]
    dominance = utility.dominance(np.array([1.0, 3.0]))
    cost = utility.sovereignty_cost(
        sensitivity, dominance, sovereignty_weight=1.0, asymmetry_weight=2.0
    )
    assert cost.shape == (2, 2)
    assert cost[0, 1] == pytest.approx(0.2 * (1 + 2.0 * 0.5))  # 0 is dominated by 1
    assert cost[1, 0] == pytest.approx(0.6)  # 1 is not dominated


def test_funding_burden_is_cost_times_full_depth_times_share():
    burden = utility.funding_burden(np.array([1.0, 0.5, 2.0]), funding_cost=0.3)
    np.testing.assert_allclose(burden, 0.3 * MAX_DEPTH * np.array([1.0, 0.5, 2.0]))


@FAST
@given(
    hnp.arrays(np.float64, st.integers(2, 12), elements=positive),
    st.sampled_from(list(FundingSplit)),
)
def test_funding_shares_sum_to_member_count(capability, split):
    shares = utility.funding_shares(capability, split)
    assert shares.shape == capability.shape
    assert np.all(shares > 0)
    assert shares.sum() == pytest.approx(capability.size)


def test_funding_shares_by_split_on_a_hand_computed_example():
    capability = np.array([1.0, 2.0, 5.0])
    np.testing.assert_allclose(utility.funding_shares(capability, "equal"), [1.0, 1.0, 1.0])
    np.testing.assert_allclose(
        utility.funding_shares(capability, "proportional"), 3 * capability / 8
    )
    # the strongest pays half the bill, the other two a quarter each
    np.testing.assert_allclose(
        utility.funding_shares(capability, "lead_nation"), 3 * np.array([0.25, 0.25, 0.5])
    )


def test_bilateral_lead_nation_split_is_the_same_as_an_even_split():
    np.testing.assert_allclose(utility.funding_shares(np.array([1.0, 9.0]), "lead_nation"), 1.0)


def test_funding_shares_accepts_funding_split_enum_members():
    capability = np.array([1.0, 3.0])
    np.testing.assert_allclose(
        utility.funding_shares(capability, FundingSplit.PROPORTIONAL), [0.5, 1.5]
    )


@pytest.mark.parametrize(
    "split",
    [
        FundingSplit.EQUAL,
        FundingSplit.PROPORTIONAL,
        FundingSplit.LEAD_NATION,
    ],
)
def test_a_sole_member_pays_the_whole_bill_under_every_split(split):
    np.testing.assert_allclose(utility.funding_shares(np.array([2.0]), split), [1.0])


# ----------------------------------------------------------------- net value


def test_net_value_is_concave_benefit_less_convex_sovereignty_and_linear_funding():
    value = utility.net_value(np.array([2.0]), np.array([0.4]), np.array([0.6]), 2)
    assert value[0] == pytest.approx(2.0 * 0.5**0.7 - 0.4 * 0.5**1.5 - 0.6 * 0.5)
    assert utility.net_value(np.array([2.0]), np.array([0.4]), np.array([0.6]), 0)[0] == 0.0


def test_best_depth_falls_as_sovereignty_sensitivity_rises():
    depths = np.arange(0, MAX_DEPTH + 1)
    best = []
    for sensitivity in np.linspace(0.0, 1.0, 41):
        cost = utility.sovereignty_cost(
            np.array(sensitivity), np.array(0.2), sovereignty_weight=3.0, asymmetry_weight=1.0
        )
        values = utility.net_value(1.0, cost, 0.0, depths)
        best.append(int(np.argmax(values)))
    assert best[0] == MAX_DEPTH
    assert best[-1] == 0
    assert np.all(np.diff(best) <= 0)
    assert len(set(best)) >= 3  # intermediate depths are optimal in between


# --------------------------------------------------- precomputed fast paths


def test_dominance_with_a_precomputed_share_matches_the_default():
    capability = np.array([1.0, 4.0, 2.5, 0.3])
    share = utility.relative_share(capability)
    np.testing.assert_array_equal(
        utility.dominance(capability, share), utility.dominance(capability)
    )


@FAST
@given(st.integers(2, 8).flatmap(lambda n: st.tuples(st.just(n), st.integers(0, 2**32 - 1))))
def test_partner_benefit_with_precomputed_inputs_matches_the_default(problem):
    n, seed = problem
    rng = np.random.default_rng(seed)
    upper = np.triu(rng.random((n, n)) < 0.4, 1)
    ties = upper | upper.T
    common = ties.astype(float) @ ties.astype(float)
    np.fill_diagonal(common, 0.0)
    inputs = {
        "capability": rng.uniform(0.1, 10.0, n),
        "threat": rng.random(n),
        "reputation": rng.random(n),
        "trust": rng.random((n, n)),
        "alignment": rng.random((n, n)),
        "common": common,
        "degree": ties.sum(axis=1),
        "ties": ties,
        "interoperability": rng.random((n, n)) * ties,
    }
    default = benefit_of(**inputs)
    share = utility.relative_share(inputs["capability"])
    fast = benefit_of(
        **inputs,
        share=share,
        dominance_matrix=utility.dominance(inputs["capability"], share),
        common_pairs=np.nonzero(common),
        homophily=2.0 * WEIGHTS["homophily_weight"] * inputs["alignment"],
    )
    np.testing.assert_allclose(fast, default)
    # the precomputed share is read, not overwritten
    np.testing.assert_array_equal(share, utility.relative_share(inputs["capability"]))


def test_sovereignty_exposure_is_convex_so_the_top_rungs_weigh_most():
    exposure = utility.sovereignty_exposure(np.arange(0, MAX_DEPTH + 1))
    steps = np.diff(exposure)
    assert exposure[0] == 0.0 and exposure[-1] == pytest.approx(1.0)
    assert np.all(np.diff(steps) > 0)
    assert exposure[1] < utility.depth_cost(1)


# ------------------------------------- the fast partner benefit against the reference


def test_partner_benefit_reference_on_a_hand_computed_three_nation_world():
    # 0 and 2 are tied, 1 and 2 are tied: 0 and 1 share one partner, and are rivals
    benefit = utility.partner_benefit_reference(
        np.array([1.0, 3.0, 2.0]),
        np.array([0.4, 0.2, 0.6]),
        np.array([0.2, 0.6, 0.4]),
        np.array([[1.0, 0.7, 0.4], [0.0, 1.0, 0.5], [0.3, 0.5, 1.0]]),
        np.array([[1.0, 0.2, 0.5], [0.2, 1.0, 0.3], [0.5, 0.3, 1.0]]),
        np.array([[0.0, 1.0, 0.0], [1.0, 0.0, 0.0], [0.0, 0.0, 0.0]]),
        np.array([1, 1, 2]),
        np.array([[0, 0, 1], [0, 0, 1], [1, 1, 0]], dtype=bool),
        np.array([[0.0, 0.0, 0.2], [0.0, 0.0, 0.1], [0.2, 0.1, 0.0]]),
        threat_weight=1.0,
        technology_weight=0.5,
        status_weight=0.5,
        homophily_weight=0.5,
        triadic_closure_weight=1.0,
        preferential_attachment_weight=1.0,
        partner_saturation=2.0,
        rivalry=np.array([[0.0, 1.0, 0.0], [1.0, 0.0, 0.0], [0.0, 0.0, 0.0]]),
    )
    closure = 1.0 - np.exp(-1.0)  # one shared partner
    # mean degree 4/3: a partner of degree 1 pulls 1 / (1 + 4/3 + 1), of degree 2 6/13
    attachment_1, attachment_2 = 0.3, 6 / 13
    # 0 -> 1 (untied; 0 has one partner, so 1 would be a second): security 2 x 0.4 x 3/4,
    # technology 0.5 x 1/2, status 0.5 x 0.6, trust +0.2, rivalry -1, homophily
    # 0.5 x (0.4 - 1); saturation K / (K + 1) with K = 2 x sqrt(1 / median 2)
    raw = 0.6 + 0.25 + 0.3 + 0.2 - 1.0 - 0.3 + attachment_1 + closure
    held_well = 2.0 * np.sqrt(0.5)
    assert benefit[0, 1] == pytest.approx(raw * held_well / (held_well + 1.0))
    # 1 -> 0: security 2 x 0.2 x 1/4, status 0.5 x 0.2, patronage 0.5 x 1/2 (1 outweighs
    # 0 by (3 - 1) / (3 + 1)), trust -0.5, rivalry -1, homophily -0.3: a liability,
    # which saturation does not shrink
    raw = 0.1 + 0.1 + 0.25 - 0.5 - 1.0 - 0.3 + attachment_1 + closure
    assert raw < 0
    assert benefit[1, 0] == pytest.approx(raw)
    # 0 -> 2 (tied, 0's only partner: no saturation): security 2 x 0.4 x 2/3, technology
    # 0.5 x 1/3, status 0.5 x 0.4, trust -0.1, interoperability 0.2, homophily 0
    assert benefit[0, 2] == pytest.approx(1.6 / 3 + 0.5 / 3 + 0.2 - 0.1 + 0.2 + attachment_2)
    # 2 -> 1 (tied, one of 2's two partners): security 2 x 0.6 x 3/5, technology
    # 0.5 x 1/5, status 0.5 x 0.6, interoperability 0.1, homophily 0.5 x (0.6 - 1);
    # saturation 2 / (2 + 1) with K = 2 x sqrt(2 / 2)
    raw = 0.72 + 0.1 + 0.3 + 0.1 - 0.2 + attachment_1
    assert benefit[2, 1] == pytest.approx(raw * 2 / 3)
    np.testing.assert_array_equal(np.diag(benefit), 0.0)


# ------------------------------------------------------ geography and influence

# three equal nations: 1 next door to 0, 2 far away (proximity as exp(-d / 3000 km))
NEAR_AND_FAR = np.array([[1.0, 0.8, 0.1], [0.8, 1.0, 0.1], [0.1, 0.1, 1.0]])


def test_with_geography_off_the_benefit_is_todays_to_the_bit():
    rng = np.random.default_rng(5)
    n = 30
    upper = np.triu(rng.random((n, n)) < 0.2, 1)
    ties = upper | upper.T
    common = ties.astype(float) @ ties.astype(float)
    np.fill_diagonal(common, 0.0)
    inputs = {
        "capability": rng.uniform(0.1, 10.0, n),
        "threat": rng.random(n),
        "trust": rng.random((n, n)),
        "alignment": rng.random((n, n)),
        "common": common,
        "degree": ties.sum(axis=1),
        "ties": ties,
    }
    today = benefit_of(**inputs)
    proximity = np.exp(-rng.uniform(0, 10_000, (n, n)) / 3000.0)
    # locations given but both weights at their defaults (0); or a weight without locations
    for extra in (
        {"proximity": proximity, "distance_weight": 0.0, "influence_weight": 0.0},
        {"proximity": proximity, "client_distance": 1.0 - 0.5 * proximity},
        {"distance_weight": 2.0},
    ):
        np.testing.assert_array_equal(benefit_of(**inputs, **extra), today, err_msg=str(extra))


def test_a_near_partner_is_worth_more_than_an_equal_far_one_by_the_proximity_gap():
    # no partners yet, so nothing saturates: the gap is 2 w_D (P_near - P_far) exactly
    weights = {"proximity": NEAR_AND_FAR, "distance_weight": 1.5}
    benefit = benefit_of([1.0, 1.0, 1.0], **weights)
    assert benefit[0, 1] > 0 and benefit[0, 2] > 0
    assert benefit[0, 1] - benefit[0, 2] == pytest.approx(2 * 1.5 * (0.8 - 0.1))
    # centred: a partner at proximity 0.5 is valued as without geography
    half = benefit_of([1.0, 1.0], proximity=np.full((2, 2), 0.5), distance_weight=1.5)
    assert half[0, 1] == pytest.approx(benefit_of([1.0, 1.0])[0, 1])


def test_influence_is_zero_at_weight_zero():
    capability = [100.0, 1.0, 10.0]
    np.testing.assert_array_equal(
        benefit_of(capability, influence_weight=0.0), benefit_of(capability)
    )


def test_influence_favours_the_small_partners_of_a_big_state():
    capability = [100.0, 1.0, 10.0, 100.0, 50.0]
    gain = benefit_of(capability, influence_weight=1.0) - benefit_of(capability)
    # the strongest (reach 1) gains w_I x how far it outweighs the client
    assert gain[0, 1] == pytest.approx(2 * 100 / 101 - 1)
    assert gain[0, 2] == pytest.approx(2 * 100 / 110 - 1)
    assert gain[0, 1] > gain[0, 2] > gain[0, 4] > 0
    assert gain[0, 3] == 0.0  # an equal is no client
    assert np.all(gain[1, :] == 0.0)  # the weakest has no client
    assert gain[2, 0] == 0.0  # nor does a client gain influence over its patron
    # a lesser power gains less from the same client: its reach is half the strongest's
    assert gain[4, 1] == pytest.approx(0.5 * (2 * 50 / 51 - 1))


def test_below_exponent_one_a_middle_power_courts_small_clients_nearly_as_a_great_power():
    capability = [100.0, 1.0, 10.0]
    proportional = benefit_of(capability, influence_weight=1.0) - benefit_of(capability)
    gain = benefit_of(capability, influence_weight=1.0, influence_reach_exponent=0.3) - benefit_of(
        capability
    )
    client = 2 * 10 / 11 - 1  # how far the middle power outweighs the small state
    # reach (10 / 100)^0.3 = 0.501 instead of 0.1
    assert gain[2, 1] == pytest.approx(0.1**0.3 * client)
    assert proportional[2, 1] == pytest.approx(0.1 * client)
    # the strongest keeps reach 1 whatever the exponent; the weakest still has no client
    assert gain[0, 1] == pytest.approx(proportional[0, 1])
    assert np.all(gain[1, :] == 0.0)
    # at 0 every stronger state has the strongest's reach
    flat = benefit_of(capability, influence_weight=1.0, influence_reach_exponent=0.0) - benefit_of(
        capability
    )
    assert flat[2, 1] == pytest.approx(client)


def test_exclusive_influence_is_shared_with_the_clients_other_partners():
    # a great power (0) and two small clients: 1 has no partner, 2 has three others
    capability = [100.0, 1.0, 1.0, 1.0, 1.0, 1.0]
    degree = [0, 0, 3, 1, 1, 1]
    ties = np.zeros((6, 6), dtype=bool)
    for other in (3, 4, 5):
        ties[2, other] = ties[other, 2] = True
    base = {"influence_weight": 1.0, "degree": degree, "ties": ties}
    plain = benefit_of(capability, **base)
    shared = benefit_of(capability, **base, influence_exclusivity=1.0)
    dominance = 2 * 100 / 101 - 1
    # the lone client is the patron's alone; the other's influence is split four ways
    assert shared[0, 1] == pytest.approx(plain[0, 1])
    assert plain[0, 2] - shared[0, 2] == pytest.approx(dominance * (1 - 1 / 4), rel=1e-5)
    # the client's value of the patron does not change
    np.testing.assert_array_equal(shared[1:, 0], plain[1:, 0])


def test_exclusive_influence_is_the_same_before_and_after_signing():
    capability = [100.0, 1.0, 1.0]
    untied = np.zeros((3, 3), dtype=bool)
    tied = untied.copy()
    tied[0, 1] = tied[1, 0] = True
    # saturation so loose it is 1: the influence term alone differs between the runs
    weights = {"influence_exclusivity": 0.7, "partner_saturation": 1e12}

    def influence(degree, ties):
        return benefit_of(capability, degree=degree, ties=ties, influence_weight=1.0, **weights) - (
            benefit_of(capability, degree=degree, ties=ties, **weights)
        )

    # client 1 has one other partner (nation 2 is not it: degree counts are all we need)
    before = influence([0, 1, 0], untied)
    after = influence([1, 2, 0], tied)  # signing adds the patron, not an other partner
    assert after[0, 1] == pytest.approx(before[0, 1], rel=1e-5)
    assert before[0, 1] == pytest.approx((2 * 100 / 101 - 1) * 2**-0.7, rel=1e-5)
    untied_share, tied_share = utility.client_dilution(np.array([1, 2]), 0.7)
    assert untied_share[0] == tied_share[1] == 2**-0.7


def test_influence_is_worth_more_over_a_distant_client():
    capability = [100.0, 1.0, 1.0]
    weights = {"proximity": NEAR_AND_FAR, "influence_weight": 1.0}
    without = benefit_of(capability, proximity=NEAR_AND_FAR)
    gain = benefit_of(capability, **weights) - without
    dominance = 2 * 100 / 101 - 1
    assert gain[0, 1] == pytest.approx(dominance * (1 - 0.5 * 0.8))
    assert gain[0, 2] == pytest.approx(dominance * (1 - 0.5 * 0.1))


def test_partner_benefit_reference_adds_proximity_and_influence_as_documented():
    common_arguments = (
        np.array([4.0, 1.0]),  # capability: 0 outweighs 1 by (4 - 1) / (4 + 1) = 0.6
        np.array([0.5, 0.5]),
        np.array([0.5, 0.5]),
        np.full((2, 2), 0.5),
        np.full((2, 2), 0.5),
        np.zeros((2, 2)),
        np.array([0, 0]),
        np.zeros((2, 2), dtype=bool),
        np.zeros((2, 2)),
    )
    weights = {**WEIGHTS, "partner_saturation": 1.0}
    proximity = np.array([[1.0, 0.25], [0.25, 1.0]])
    plain = utility.partner_benefit_reference(*common_arguments, **weights)
    with_geography = utility.partner_benefit_reference(
        *common_arguments, **weights, proximity=proximity, distance_weight=2.0, influence_weight=3.0
    )
    # proximity: 2 x (2 x 0.25 - 1) = -1 on both sides; influence, to 0 only:
    # 3 x reach 1 x dominance 0.6 x (1 - 0.5 x 0.25)
    influence = 3.0 * 0.6 * (1.0 - 0.5 * 0.25)
    assert with_geography[0, 1] - plain[0, 1] == pytest.approx(-1.0 + influence)
    assert with_geography[1, 0] - plain[1, 0] == pytest.approx(-1.0)


PARTNER_BENEFIT_CACHES = (
    "share",
    "dominance_matrix",
    "common_pairs",
    "rivalry",
    "capacity",
    "homophily",
    "client_distance",
)
unit_interval = st.floats(0.0, 1.0)


@st.composite
def small_worlds(draw) -> dict:
    """A world of 2 to 12 nations, its ties, and the weights of the partner benefit."""
    n = draw(st.integers(2, 12))
    vector = hnp.arrays(np.float64, n, elements=unit_interval)
    square = hnp.arrays(np.float64, (n, n), elements=unit_interval)
    coin_flips = hnp.arrays(bool, (n, n))
    upper = np.triu(draw(coin_flips), 1)
    ties = upper | upper.T
    rivals = np.triu(draw(square) * draw(coin_flips), 1)  # most pairs are not rivals
    region = draw(hnp.arrays(np.int64, n, elements=st.integers(0, 2)))
    return {
        "capability": draw(hnp.arrays(np.float64, n, elements=st.floats(1e-2, 1e4))),
        "threat": draw(vector),
        "reputation": draw(vector),
        "trust": draw(square),
        "alignment": utility.alignment(region, draw(vector)),
        "ties": ties,
        "interoperability": draw(square) * ties,
        "rivalry": rivals + rivals.T,
        "weights": {
            "threat_weight": draw(st.floats(0.0, 5.0)),
            "technology_weight": draw(st.floats(0.0, 5.0)),
            "status_weight": draw(st.floats(0.0, 5.0)),
            "homophily_weight": draw(st.floats(0.0, 5.0)),
            "triadic_closure_weight": draw(st.floats(0.0, 5.0)),
            "preferential_attachment_weight": draw(st.floats(0.0, 5.0)),
            # gt 0 in the parameters; far below 1e-3 it underflows in single precision
            "partner_saturation": draw(st.floats(1e-3, 1000.0)),
            "distance_weight": draw(st.floats(0.0, 5.0)),
            "influence_weight": draw(st.floats(0.0, 5.0)),
            "influence_reach_exponent": draw(st.floats(0.0, 1.0)),
            "influence_exclusivity": draw(st.floats(0.0, 2.0)),
            "redundancy_weight": draw(st.floats(0.0, 5.0)),
        },
        # a world with locations, or one without (None: distance counts for nothing)
        "proximity": draw(
            st.none()
            | hnp.arrays(np.float64, (n, n), elements=st.floats(1e-4, 1.0)).map(
                lambda m: np.minimum(m, m.T) + np.diag(1.0 - np.minimum(np.diag(m), 1.0))
            )
        ),
    }


@settings(max_examples=300, deadline=None)
@given(small_worlds(), st.sampled_from([np.float64, np.float32]))
def test_fast_partner_benefit_matches_the_reference_with_and_without_each_cache(world, dyadic):
    # `dyadic` is the precision of the N x N state: the model keeps it in single precision
    capability, ties, weights = world["capability"], world["ties"], world["weights"]
    n = capability.size
    common = network.shared_partners(ties).astype(dyadic)
    degree = network.degree(ties)
    arrays = (
        capability,
        world["threat"],
        world["reputation"],
        world["trust"].astype(dyadic),
        world["alignment"].astype(dyadic),
        common,
        degree,
        ties,
        world["interoperability"].astype(dyadic),
    )
    # the caches as the model builds them (`DefenseCooperationModel._evaluate_partners`)
    share = utility.relative_share(capability.astype(dyadic))
    rows, cols, _ = network.shared_partner_pairs(*network.tied_pairs(ties), n)
    caches = {
        "share": share,
        "dominance_matrix": utility.dominance(capability, share),
        "common_pairs": (rows, cols),
        "rivalry": world["rivalry"].astype(dyadic),
        "capacity": utility.absorptive_capacity(capability),
        "homophily": np.multiply(arrays[4], 2.0 * weights["homophily_weight"]),
        "client_distance": None,
    }
    # the state's proximity matrices, in its precision (`state.affinity_matrices`)
    proximity = world["proximity"]
    if proximity is not None:
        proximity = proximity.astype(dyadic)
        if weights["distance_weight"]:
            caches["homophily"] = caches["homophily"] + np.multiply(
                proximity, 2.0 * weights["distance_weight"]
            )
        caches["client_distance"] = geography.client_distance_value(proximity)
    # rivalry is a term, not only a cache: without it no nation is anyone's rival
    without_rivalry = utility.partner_benefit_reference(*arrays, **weights, proximity=proximity)
    with_rivalry = utility.partner_benefit_reference(
        *arrays, **weights, proximity=proximity, rivalry=caches["rivalry"]
    )
    for passed in [(), *((name,) for name in PARTNER_BENEFIT_CACHES), PARTNER_BENEFIT_CACHES]:
        fast = utility.partner_benefit(
            *arrays,
            **weights,
            proximity=proximity,
            **{name: caches[name] for name in passed},
        )
        expected = with_rivalry if "rivalry" in passed else without_rivalry
        np.testing.assert_allclose(
            fast, expected, rtol=1e-4, atol=1e-5, err_msg=f"caches passed: {passed}"
        )
    # some nations outside the state system: mean degree and median capability are the
    # states' own, in both versions
    states = np.arange(n) % 3 != 2
    expected = utility.partner_benefit_reference(
        *arrays, **weights, rivalry=caches["rivalry"], states=states
    )
    fast = utility.partner_benefit(*arrays, **weights, rivalry=caches["rivalry"], states=states)
    np.testing.assert_allclose(fast, expected, rtol=1e-4, atol=1e-5, err_msg="states")


def test_preferential_attachment_and_capacity_use_the_states_yardsticks():
    # nation 2 is outside the system: with it counted the mean degree would be 2/3,
    # among the states it is 1; the median capability would be 2, among the states 1.5
    capability = np.array([1.0, 2.0, 9.0])
    ties = np.array([[0, 1, 0], [1, 0, 0], [0, 0, 0]], dtype=bool)
    arrays = (
        capability,
        np.zeros(3),
        np.zeros(3),
        np.full((3, 3), 0.5),
        np.full((3, 3), 0.5),
        np.zeros((3, 3)),
        np.array([1, 1, 0]),
        ties,
        np.zeros((3, 3)),
    )
    weights = dict.fromkeys(
        (
            "threat_weight",
            "technology_weight",
            "status_weight",
            "homophily_weight",
            "triadic_closure_weight",
        ),
        0.0,
    )
    weights.update(preferential_attachment_weight=1.0, partner_saturation=1000.0)
    states = np.array([True, True, False])
    benefit = utility.partner_benefit_reference(*arrays, **weights, states=states)
    # raw benefit of 0 with 1: k_1 / (k_1 + mean 1 + 1) = 1/3, saturation
    # K / (K + k_0 - 1) = 1 with K = 1000 sqrt(1 / 1.5)
    assert benefit[0, 1] == pytest.approx(1 / 3)
    everyone = utility.partner_benefit_reference(*arrays, **weights)
    assert everyone[0, 1] == pytest.approx(1 / (1 + 2 / 3 + 1))


@settings(max_examples=100, deadline=None)
@given(small_worlds(), st.floats(0.1, 1.5))
def test_redundancy_takes_the_plain_count_when_closure_is_discounted_through_hubs(world, discount):
    # the model passes closure's hub-discounted count and redundancy's plain one apart
    capability, ties, weights = world["capability"], world["ties"], world["weights"]
    n = capability.size
    plain = network.shared_partners(ties)
    degree = network.degree(ties)
    vouching, vouching_pairs = network.vouching_partners(
        network.tied_pairs(ties), degree, discount, n
    )
    arrays = [capability, world["threat"], world["reputation"], world["trust"]]
    arrays += [world["alignment"], vouching, degree, ties, world["interoperability"]]
    weights = {**weights, "redundancy_weight": 1.0}
    expected = utility.partner_benefit_reference(*arrays, **weights, shared_partners=plain)
    for pairs in (None, vouching_pairs):
        fast = utility.partner_benefit(
            *arrays, **weights, shared_partners=plain, common_pairs=pairs
        )
        np.testing.assert_allclose(fast, expected, rtol=1e-4, atol=1e-5)
    # with the plain count in place of the discounted one the penalty is larger or equal
    discounted_only = utility.partner_benefit_reference(*arrays, **weights)
    assert np.all(discounted_only >= expected - 1e-9) or not ties.any()
