"""Crises: the hazard of a crisis, where disputes happen, the chance a crisis comes to
force and then to deaths, the chance allies honour a call, rivalries fading."""

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from simulation.mechanisms.crises import (
    GLOBAL_REACH,
    MAJOR_POWER_SHARE,
    NEIGHBOURHOOD_CUTOFF,
    POLICY_GAP_WEIGHT,
    RIVALRY_END,
    RIVALRY_FADE,
    SAME_REGION_NEIGHBOURHOOD,
    allies_honour,
    crisis_hazard,
    deterrence,
    dispute_resolution_cover,
    faded_rivalry,
    fatality_probability,
    honour_probability,
    major_powers,
    neighbourhood,
    reach,
    use_of_force_probability,
)

FAST = settings(max_examples=100, deadline=None)

unit = st.floats(min_value=0.0, max_value=1.0, allow_nan=False)


def hazard(rivalry=1.0, same_region=True, trust=0.0, first=1.0, second=1.0, threat=1.0, rate=0.1):
    return float(
        crisis_hazard(
            np.array([rivalry]),
            np.array([same_region]),
            np.array([trust]),
            np.array([first]),
            np.array([second]),
            np.array([threat]),
            rate=rate,
        )[0]
    )


EFFECTS = {
    "dialogue_effect": 0.8,
    "dispute_resolution_effect": 0.6,
    "mediation_effect": 0.5,
    "trust_effect": 1.2,
    "early_warning_effect": 0.4,
}

NO_CHANNEL = {
    "channel": 0.0,
    "dispute_resolution": 0.0,
    "common_partners": 0.0,
    "trust": 0.0,
    "early_warning": 0.0,
}


def force(base=0.5, effects=None, **channels):
    inputs = {**NO_CHANNEL, **channels}
    arrays = {
        key: np.atleast_1d(np.asarray(value, dtype=np.float64)) for key, value in inputs.items()
    }
    return use_of_force_probability(base=base, **arrays, **(effects or EFFECTS))


# ------------------------------------------------------------------- hazard


def test_crisis_hazard_at_its_maximum_is_the_rate():
    # full rivalry, same region, no trust, exact parity, full threat: every factor is 1
    assert hazard() == pytest.approx(0.1)


def test_crisis_hazard_on_a_hand_computed_example():
    # 0.2 x 0.5 rivalry x 1 x (1 - 0.4) x (0.5 + 0.5 x 1/4) x (0.5 + 0.5 x 0.6)
    value = hazard(rivalry=0.5, trust=0.4, first=4.0, second=1.0, threat=0.6, rate=0.2)
    assert value == pytest.approx(0.2 * 0.5 * 0.6 * 0.625 * 0.8)


def test_distance_cuts_crisis_hazard_to_a_fifth():
    assert hazard(same_region=False) == pytest.approx(hazard(same_region=True) / 5)


def test_crisis_hazard_rises_with_rivalry_and_parity_and_falls_with_trust():
    assert hazard(rivalry=0.2) < hazard(rivalry=0.5) < hazard(rivalry=1.0)
    # parity: a tenth, a half, equal; symmetric in the order of the two sides
    assert hazard(first=10.0) < hazard(first=2.0) < hazard(first=1.0)
    assert hazard(first=1.0, second=3.0) == pytest.approx(hazard(first=3.0, second=1.0))
    assert hazard(trust=0.8) < hazard(trust=0.3) < hazard(trust=0.0)
    assert hazard(trust=1.0) == 0.0


def test_crisis_hazard_rises_with_threat_but_is_not_zero_without_it():
    assert 0.0 < hazard(threat=0.0) < hazard(threat=0.5) < hazard(threat=1.0)
    assert hazard(threat=0.0) == pytest.approx(hazard(threat=1.0) / 2)


def test_crisis_hazard_is_zero_without_rivalry():
    assert hazard(rivalry=0.0) == 0.0


def test_crisis_hazard_is_clipped_to_one():
    assert hazard(rate=50.0) == 1.0


def test_crisis_hazard_is_elementwise_over_dyads():
    values = crisis_hazard(
        np.array([1.0, 0.5]),
        np.array([True, False]),
        np.array([0.0, 0.5]),
        np.array([1.0, 2.0]),
        np.array([1.0, 1.0]),
        np.array([1.0, 0.0]),
        rate=0.4,
    )
    np.testing.assert_allclose(values, [0.4, 0.4 * 0.5 * 0.2 * 0.5 * 0.75 * 0.5])


@FAST
@given(unit, st.booleans(), unit, st.floats(1e-3, 1e3), st.floats(1e-3, 1e3), unit, unit)
def test_crisis_hazard_is_a_probability(rivalry, same, trust, first, second, threat, rate):
    value = hazard(rivalry, same, trust, first, second, threat, rate)
    assert 0.0 <= value <= rate + 1e-15


# ------------------------------------------------------------- use of force


def test_use_of_force_probability_without_any_channel_is_the_base():
    for base in (0.1, 0.5, 0.9):
        assert force(base=base)[0] == pytest.approx(base)


def test_use_of_force_probability_is_logistic_in_the_channels():
    # base 1/2 (log-odds 0), dialogue effect ln 3: odds 1/3, probability 1/4
    effects = {**EFFECTS, "dialogue_effect": np.log(3.0)}
    assert force(base=0.5, effects=effects, channel=1.0)[0] == pytest.approx(0.25)
    # base 0.2 (odds 1/4), trust 0.5 with trust effect 2 ln 2: odds 1/8, probability 1/9
    effects = {**EFFECTS, "trust_effect": 2 * np.log(2.0)}
    assert force(base=0.2, effects=effects, trust=0.5)[0] == pytest.approx(1 / 9)


@pytest.mark.parametrize(
    ("channel", "value"),
    [
        ("channel", 1.0),
        ("dispute_resolution", 1.0),
        ("common_partners", 2.0),
        ("trust", 0.7),
        ("early_warning", 1.0),
    ],
)
def test_use_of_force_probability_falls_with_each_preventive_channel(channel, value):
    without = force(base=0.5)[0]
    with_channel = force(base=0.5, **{channel: value})[0]
    assert with_channel < without


@pytest.mark.parametrize(
    ("channel", "effect"),
    [
        ("channel", "dialogue_effect"),
        ("dispute_resolution", "dispute_resolution_effect"),
        ("common_partners", "mediation_effect"),
        ("trust", "trust_effect"),
        ("early_warning", "early_warning_effect"),
    ],
)
def test_each_channel_is_governed_by_its_own_effect(channel, effect):
    switched_off = {**EFFECTS, effect: 0.0}
    assert force(base=0.5, effects=switched_off, **{channel: 1.0})[0] == pytest.approx(0.5)


def test_dispute_resolution_lowers_the_chance_of_force():
    shared_agreement = force(base=0.6, channel=1.0)[0]
    with_provisions = force(base=0.6, channel=1.0, dispute_resolution=1.0)[0]
    assert with_provisions < shared_agreement
    odds = with_provisions / (1 - with_provisions)
    expected = (shared_agreement / (1 - shared_agreement)) * np.exp(
        -EFFECTS["dispute_resolution_effect"]
    )
    assert odds == pytest.approx(expected)


def test_partial_dispute_resolution_coverage_lowers_the_chance_of_force_in_proportion():
    values = [force(base=0.6, channel=1.0, dispute_resolution=c)[0] for c in (0.0, 0.5, 1.0)]
    assert values[0] > values[1] > values[2]
    log_odds = np.log(np.array(values) / (1 - np.array(values)))
    np.testing.assert_allclose(np.diff(log_odds), -0.5 * EFFECTS["dispute_resolution_effect"])


def test_mediation_by_common_partners_saturates():
    values = [force(common_partners=c)[0] for c in (0, 1, 2, 3, 100)]
    assert all(b < a for a, b in zip(values, values[1:-1]))
    floor = 1.0 / (1.0 + np.exp(EFFECTS["mediation_effect"]))
    assert values[-1] == pytest.approx(floor)


def test_channels_compound():
    one = force(channel=1.0)[0]
    two = force(channel=1.0, early_warning=1.0)[0]
    all_of_them = force(
        channel=1.0,
        dispute_resolution=1.0,
        common_partners=3.0,
        trust=1.0,
        early_warning=1.0,
    )[0]
    assert all_of_them < two < one


@FAST
@given(
    st.floats(0.01, 0.99),
    *[st.floats(0.0, 10.0) for _ in range(5)],
    st.booleans(),
    st.booleans(),
    st.floats(0.0, 50.0),
    unit,
    st.booleans(),
)
def test_use_of_force_probability_is_in_open_unit_interval(
    base, e1, e2, e3, e4, e5, channel, dispute, common, trust, warning
):
    effects = dict(zip(EFFECTS, (e1, e2, e3, e4, e5)))
    value = force(
        base=base,
        effects=effects,
        channel=float(channel),
        dispute_resolution=float(dispute),
        common_partners=common,
        trust=trust,
        early_warning=float(warning),
    )[0]
    assert 0.0 < value < 1.0
    assert value <= base + 1e-12  # channels only ever hold a crisis, never push it


# ------------------------------------------------------------------- honour


def test_honour_probability_is_about_base_at_neutral_trust():
    assert honour_probability(0.75, np.array([0.5]), np.array([0.5]))[0] == pytest.approx(0.75)


def test_honour_probability_rises_with_trust_and_reputation():
    low_trust = honour_probability(0.75, np.array([0.2]), np.array([0.5]))[0]
    high_trust = honour_probability(0.75, np.array([0.9]), np.array([0.5]))[0]
    low_rep = honour_probability(0.75, np.array([0.5]), np.array([0.1]))[0]
    high_rep = honour_probability(0.75, np.array([0.5]), np.array([0.9]))[0]
    assert low_trust < 0.75 < high_trust
    assert low_rep < 0.75 < high_rep
    # trust weighs three times as much as reputation
    assert high_trust - 0.75 == pytest.approx(0.3 * 0.4)
    assert high_rep - 0.75 == pytest.approx(0.1 * 0.4)


def test_honour_probability_is_clipped_to_unit_interval():
    values = honour_probability(0.95, np.array([1.0, 0.0]), np.array([1.0, 0.0]))
    assert values[0] == 1.0
    values = honour_probability(0.1, np.array([0.0]), np.array([0.0]))
    assert values[0] == 0.0


@FAST
@given(unit, unit, unit)
def test_honour_probability_is_a_probability(base, trust, reputation):
    value = honour_probability(base, np.array([trust]), np.array([reputation]))[0]
    assert 0.0 <= value <= 1.0


# ----------------------------------------------------- dispute-resolution cover


def test_dispute_resolution_cover_is_full_shared_half_when_each_is_bound_elsewhere():
    shared = np.array([True, True, False, False, False])
    first_bound = np.array([False, True, True, True, False])
    second_bound = np.array([False, True, True, False, True])
    # shared provisions cover in full whoever else binds them; each bound elsewhere:
    # half; only one side bound, or neither: nothing
    cover = dispute_resolution_cover(shared, first_bound, second_bound)
    np.testing.assert_array_equal(cover, [1.0, 1.0, 0.5, 0.0, 0.0])
    assert cover.dtype.kind == "f"


# ------------------------------------------------------------ allies honour


def test_an_ally_honours_when_its_draw_falls_below_its_chance():
    chance = np.array([0.75, 0.75, 0.0, 1.0, 0.3])
    draws = np.array([0.74, 0.75, 0.0, 0.999, 0.9])
    # a draw equal to the chance reneges; a chance of 0 never honours, of 1 always
    np.testing.assert_array_equal(allies_honour(chance, draws), [True, False, False, True, False])


def test_allies_honour_in_proportion_to_their_chance():
    draws = (np.arange(1000) + 0.5) / 1000  # evenly spread uniform draws
    for chance in (0.0, 0.25, 0.75, 1.0):
        honoured = allies_honour(np.full(draws.size, chance), draws)
        assert honoured.mean() == pytest.approx(chance, abs=1e-3)


# --------------------------------------------------------------- deterrence


def test_deterrence_on_hand_computed_examples():
    # honoured allies of 2 behind the weaker party against a stronger party of 3
    # backed by 1: 2 / (2 + 3 + 1) = 1/3
    assert deterrence(2.0, 1.0, 3.0) == pytest.approx(1 / 3)
    # no backing for the stronger party: 3 / (3 + 1) = 0.75
    assert deterrence(3.0, 0.0, 1.0) == pytest.approx(0.75)


def test_no_honoured_ally_behind_the_weaker_party_means_no_deterrence():
    assert deterrence(0.0, 5.0, 3.0) == 0.0
    assert deterrence(0.0, 0.0, 3.0) == 0.0


@FAST
@given(st.floats(0.0, 1e3), st.floats(0.0, 1e3), st.floats(1e-3, 1e3), st.floats(1e-3, 1e3))
def test_deterrence_rises_with_the_weaker_sides_backing_and_falls_with_the_stronger_side(
    weaker, stronger, capability, more
):
    value = deterrence(weaker, stronger, capability)
    assert 0.0 <= value < 1.0
    assert deterrence(weaker + more, stronger, capability) > value
    assert deterrence(weaker, stronger + more, capability) <= value
    assert deterrence(weaker, stronger, capability + more) <= value


# ------------------------------------------------- where disputes happen


def test_the_background_lets_neighbours_without_a_rivalry_quarrel():
    quiet = crisis_hazard(*[np.array([v]) for v in (0.0, True, 0.0, 1.0, 1.0, 1.0)], rate=0.1)
    assert quiet[0] == 0.0
    near = crisis_hazard(
        *[np.array([v]) for v in (0.0, True, 0.0, 1.0, 1.0, 1.0)],
        rate=0.1,
        exposure=np.array([0.5]),
        background=0.4,
    )
    assert near[0] == pytest.approx(0.1 * 0.4 * 0.5)


def test_a_policy_gap_raises_the_background_hazard_by_its_weight():
    def value(gap):
        return crisis_hazard(
            *[np.array([v]) for v in (0.0, True, 0.0, 1.0, 1.0, 1.0)],
            rate=0.1,
            exposure=np.array([0.5]),
            policy_gap=np.array([gap]),
            background=0.4,
        )[0]

    assert value(0.3) == pytest.approx(value(0.0) * (1 + POLICY_GAP_WEIGHT * 0.3))
    assert value(0.0) < value(0.2) < value(0.6)


def test_rivalry_and_the_background_add_up():
    args = [np.array([v]) for v in (0.5, True, 0.0, 1.0, 1.0, 1.0)]
    both = crisis_hazard(*args, rate=0.1, exposure=np.array([0.2]), background=1.0)[0]
    rivalry_only = crisis_hazard(*args, rate=0.1)[0]
    assert both == pytest.approx(rivalry_only + 0.1 * 0.2)


def test_neighbourhood_falls_with_distance_as_fitted_to_the_disputes():
    values = neighbourhood(np.array([0.0, 800.0, 1600.0, 4000.0]), np.ones(4, dtype=bool))
    np.testing.assert_allclose(values, np.exp(-np.array([0.0, 1.0, 2.0, 5.0])))
    # beyond about 3,700 km a pair is left out of the draw
    assert values[3] < NEIGHBOURHOOD_CUTOFF < values[2]


def test_without_locations_only_states_of_one_region_are_neighbours():
    same = np.array([[True, False], [False, True]])
    np.testing.assert_array_equal(
        neighbourhood(None, same),
        [[SAME_REGION_NEIGHBOURHOOD, 0.0], [0.0, SAME_REGION_NEIGHBOURHOOD]],
    )


def test_major_powers_hold_a_twentieth_of_the_capability_of_the_states_in_the_system():
    capability = np.array([50.0, 30.0, 4.4, 5.0, 10.1])  # 5% of 99.5 is 4.975
    np.testing.assert_array_equal(major_powers(capability), [True, True, False, True, True])
    # outside the system: neither a major power nor counted in the total (5% of 89.4)
    outside = np.array([True, True, True, True, False])
    assert 4.4 < MAJOR_POWER_SHARE * 89.4 < 5.0
    np.testing.assert_array_equal(
        major_powers(capability, outside), [True, True, False, True, False]
    )


def test_a_major_powers_reach_spans_any_distance_but_does_not_lower_a_neighbours_exposure():
    exposure = reach(np.array([0.001, 0.5, 0.001]), np.array([True, True, False]))
    np.testing.assert_allclose(exposure, [GLOBAL_REACH, 0.5, 0.001])


# ------------------------------------------------------------ deaths


def test_fatality_without_deterrence_is_the_base_and_falls_logistically_with_it():
    assert fatality_probability(0.52, np.array([0.0]), 1.0)[0] == pytest.approx(0.52)
    # base 1/2, deterrence 1 with effect ln 3: odds 1/3, probability 1/4
    assert fatality_probability(0.5, np.array([1.0]), np.log(3.0))[0] == pytest.approx(0.25)
    values = fatality_probability(0.52, np.array([0.0, 0.3, 0.9]), 1.0)
    assert values[0] > values[1] > values[2] > 0.0


# ------------------------------------------------------------ entrapment


def test_an_ally_is_less_willing_against_a_stronger_opponent():
    trust, reputation = np.array([0.5, 0.5, 0.5]), np.array([0.5, 0.5, 0.5])
    values = honour_probability(0.75, trust, reputation, np.array([0.1, 0.5, 0.9]), 0.6)
    np.testing.assert_allclose(values, [0.75 + 0.6 * 0.4, 0.75, 0.75 - 0.6 * 0.4])
    # no aversion: the opponent does not matter
    flat = honour_probability(0.75, trust, reputation, np.array([0.1, 0.5, 0.9]), 0.0)
    np.testing.assert_allclose(flat, 0.75)


def test_an_ally_tied_to_the_opponent_is_pulled_both_ways():
    values = honour_probability(
        0.75, np.array([0.5, 0.5]), np.array([0.5, 0.5]), 0.5, 0.6, np.array([False, True])
    )
    assert values[0] - values[1] == pytest.approx(0.2)


# ------------------------------------------------------------ rivalries fade


def test_a_rivalry_built_by_a_fatal_dispute_ends_after_ten_quiet_years():
    rivalry, lasting = np.array([0.1]), np.array([0.0])
    years = 0
    while rivalry[0] > 0:
        rivalry = faded_rivalry(rivalry, lasting)
        years += 1
    # still there after ten quiet years, gone with the eleventh's fading (Klein, Goertz
    # and Diehl end a rivalry after ten years without a dispute)
    assert years == 11
    assert faded_rivalry(np.array([0.5]), lasting)[0] == pytest.approx(0.5 * (1 - RIVALRY_FADE))
    assert 0.1 * (1 - RIVALRY_FADE) ** 11 < RIVALRY_END < 0.1 * (1 - RIVALRY_FADE) ** 10


def test_a_scenarios_lasting_rivalry_does_not_fade():
    lasting = np.array([0.6, 0.6])
    np.testing.assert_allclose(faded_rivalry(np.array([0.6, 0.9]), lasting), [0.6, 0.6 + 0.3 * 0.8])
