"""Where new ties fall (analysis.new_ties): the check of stage 7 the calibration does not score."""

import numpy as np
import pandas as pd
import pytest

from analysis import new_ties


def codes(pairs, size):
    return np.array(sorted(min(a, b) * size + max(a, b) for a, b in pairs), dtype=np.int64)


def test_a_new_tie_counts_the_partners_its_states_already_shared_and_their_degrees():
    size = 6
    # 0 and 1 share 2 and 3; 4 has one partner (0); 5 has none
    before = codes([(0, 2), (0, 3), (1, 2), (1, 3), (0, 4)], size)
    after = codes([(0, 2), (0, 3), (1, 2), (1, 3), (0, 4), (0, 1), (4, 5)], size)
    shared, fewer, more = new_ties.new_tie_profile(before, after, size)
    # sorted by pair code: (0, 1) then (4, 5)
    np.testing.assert_array_equal(shared, [2, 0])
    np.testing.assert_array_equal(fewer, [2, 0])
    np.testing.assert_array_equal(more, [3, 1])


def test_a_tie_that_ends_is_not_new_and_a_standing_tie_is_not_counted():
    size = 4
    before = codes([(0, 1), (1, 2)], size)
    after = codes([(0, 1)], size)
    shared, fewer, _ = new_ties.new_tie_profile(before, after, size)
    assert shared.size == fewer.size == 0


def test_pooled_profile_weighs_every_new_tie_of_the_window_once():
    size = 5
    network = {
        2000: [(0, 1)],
        2001: [(0, 1), (0, 2)],  # 0-2: nothing shared; 2 had no partner
        2002: [(0, 1), (0, 2), (1, 2), (3, 4)],  # 1-2 shares 0; 3-4 both new
    }
    profile = new_ties.pooled(lambda year: codes(network[year], size), size, 2001, 2002, 1)
    assert profile["new_ties"] == 3
    assert profile["shared_partners"] == pytest.approx(1 / 3)
    assert profile["smaller_degree"] == pytest.approx((0 + 1 + 0) / 3)
    # with well-connected at 1 partner: only 1-2 joins two states that had one each
    assert profile["well_connected"] == pytest.approx(1 / 3)
    assert profile["small_end"] == 1.0


def test_a_small_end_is_a_state_with_at_most_two_partners():
    size = 8
    # 0 and 1 have two partners each, 4 and 5 three each; each pair then ties up
    before = [(0, 2), (0, 3), (1, 2), (1, 3), (4, 6), (4, 7), (4, 2), (5, 6), (5, 7), (5, 3)]
    network = {2000: before, 2001: [*before, (0, 1), (4, 5)]}
    profile = new_ties.pooled(lambda year: codes(network[year], size), size, 2001, 2001)
    assert profile["small_end"] == 0.5
    assert profile["smaller_degree"] == pytest.approx((2 + 3) / 2)


def test_observed_pairs_are_the_treaties_in_force_by_signing_and_end_year():
    treaties = pd.DataFrame(
        {
            "ccode1": [2, 2, 20, 200],
            "ccode2": [20, 20, 200, 200],
            "signYear": [1990, 1994, 1995, 1995],
            "endYearEstimate": [1993, 2010, 1995, 2010],
        }
    )
    pairs_in, size = new_ties.observed_pairs(treaties)
    assert size == 3
    assert pairs_in(1993).tolist() == [0 * 3 + 1]  # 2-20, in force to its end year
    assert pairs_in(1995).tolist() == [0 * 3 + 1, 1 * 3 + 2]  # the self-pair is dropped
    assert pairs_in(1996).tolist() == [0 * 3 + 1]


def test_simulated_pairs_are_the_bilateral_agreements_in_force_at_each_step():
    agreements = pd.DataFrame(
        {
            "kind": ["bilateral", "bilateral", "pact"],
            "members": ["A; B", "C; B", "A; B; C"],
            "signed_step": [0, 2, 0],
            "ended_step": [3, None, None],
        }
    )
    pairs_in, size = new_ties.simulated_pairs(agreements, ["A", "B", "C"], 1990)
    assert size == 3
    assert pairs_in(1991).tolist() == [1]  # A-B; the pact does not count
    assert pairs_in(1992).tolist() == [1, 5]
    assert pairs_in(1993).tolist() == [5]  # A-B ended at step 3


def test_the_profile_command_prints_observed_and_simulated_windows(capsys):
    assert (
        new_ties.main(["--scenario", "scenarios/world_1990_calibrated.yaml", "--seeds", "1"]) == 0
    )
    printed = capsys.readouterr().out
    assert "observed" in printed and "simulated (1 seeds)" in printed
    assert "2006" in printed  # the test decade is simulated, not observed


@pytest.mark.parametrize(
    "argv, expected",
    [
        (["--seeds", "0"], "--seeds"),
        (["--scenario", "no_such_scenario.yaml"], "no_such_scenario.yaml"),
    ],
)
def test_bad_input_is_one_line_with_exit_status_2(argv, expected, capsys):
    assert new_ties.main(argv) == 2
    error = capsys.readouterr().err.strip()
    assert expected in error and "\n" not in error


def test_allied_share_counts_the_new_ties_between_that_years_allies():
    size = 4
    network = {2000: [], 2001: [(0, 1), (2, 3)], 2002: [(0, 1), (2, 3), (0, 2)]}
    allies = {2001: codes([(0, 1)], size), 2002: codes([(0, 1), (0, 2)], size)}
    profile = new_ties.pooled(
        lambda year: codes(network[year], size), size, 2001, 2002, allies_in=allies.get
    )
    # 0-1 allied in 2001, 2-3 not; 0-2 allied in 2002
    assert profile["allied"] == pytest.approx(2 / 3)
    assert np.isnan(new_ties.pooled(lambda y: codes(network[y], size), size, 2001, 2002)["allied"])


def test_alliance_members_follow_the_listed_members_the_events_and_the_state_system():
    from simulation.scenario import scenario_from_dict
    from tests.conftest import small_world

    data = small_world(steps=10)
    data["agreements"][0]["exogenous"] = True  # the alliance
    next(n for n in data["nations"] if n["name"] == "Borealis")["leaves"] = 6
    data["events"] = [
        {"step": 3, "type": "join_agreement", "nation": "Dunmore", "agreement": "alliance"},
        {"step": 5, "type": "leave_agreement", "nation": "North 1", "agreement": "alliance"},
    ]
    scenario = scenario_from_dict(data)
    start = {"Atlantia", "Borealis", "North 1", "North 2", "North 3"}

    def members(step):
        return new_ties.alliance_members(scenario, step)

    assert members(2) == {"alliance": start}
    assert members(3) == {"alliance": start | {"Dunmore"}}
    assert members(5) == {"alliance": start - {"North 1"} | {"Dunmore"}}
    assert members(6) == {"alliance": start - {"North 1", "Borealis"} | {"Dunmore"}}
    data["agreements"][0]["exogenous"] = False  # an ordinary pact is no input
    assert new_ties.alliance_members(scenario_from_dict(data), 2) == {}


def test_allied_pairs_are_every_pair_within_a_group_over_the_known_names():
    index = {"A": 0, "B": 1, "C": 2, "D": 3}
    pairs = new_ties.allied_pairs([{"A", "B", "C", "Z"}, {"D", "C"}], index, 4)
    assert pairs.tolist() == sorted(codes([(0, 1), (0, 2), (1, 2), (2, 3)], 4).tolist())
    assert new_ties.allied_pairs([], index, 4).size == 0


def test_simulated_pairs_leave_a_bilateral_alliance_out_it_is_no_dca():
    agreements = pd.DataFrame(
        {
            "kind": ["bilateral", "bilateral"],
            "alliance": [False, True],
            "members": ["A; B", "B; C"],
            "signed_step": [0, 0],
            "ended_step": [None, None],
        }
    )
    pairs_in, _ = new_ties.simulated_pairs(agreements, ["A", "B", "C"], 1990)
    assert pairs_in(1991).tolist() == [1]  # A-B only; B and C are allies
