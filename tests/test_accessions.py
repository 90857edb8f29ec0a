"""What became of a joining state's DCAs with its new allies (analysis.accessions)."""

import numpy as np
import pytest

from analysis import accessions
from simulation.scenario import scenario_from_dict
from tests.conftest import small_world


def scenario_with_accessions(exogenous: bool = True):
    data = small_world(steps=10)
    data["agreements"][0]["exogenous"] = exogenous  # the alliance of five
    data["events"] = [
        {"step": 3, "type": "join_agreement", "nation": "Dunmore", "agreement": "alliance"},
        {"step": 3, "type": "join_agreement", "nation": "Caldera", "agreement": "alliance"},
        {"step": 6, "type": "join_agreement", "nation": "North 4", "agreement": "alliance"},
    ]
    return scenario_from_dict(data)


def test_accession_years_group_the_joining_states_against_the_members_before():
    years = accessions.accessions(scenario_with_accessions(), start_year=1990)
    founders = {"Atlantia", "Borealis", "North 1", "North 2", "North 3"}
    assert years == {
        1993: ({"Dunmore", "Caldera"}, founders),
        1996: ({"North 4"}, founders | {"Dunmore", "Caldera"}),
    }
    # an ordinary pact's membership is the model's to decide: no accession to check
    assert accessions.accessions(scenario_with_accessions(exogenous=False), 1990) == {}


def test_survival_splits_the_agreements_by_whether_they_join_a_new_ally():
    first = np.array(["J", "M", "J", "X", "X"])
    second = np.array(["M", "K", "X", "Y", "M"])
    in_force = np.array([True, True, True, True, False])
    still = np.array([False, True, True, False, True])
    # J joins; M and K are the members: J-M joins a new ally, M-K (two members) does not
    allies, survived_allies, others, survived_others = accessions.survival(
        first, second, in_force, still, {"J"}, {"M", "K"}
    )
    assert (allies, survived_allies) == (1, 0.0)
    assert others == 3 and survived_others == pytest.approx(2 / 3)


def test_no_agreement_with_a_new_ally_gives_no_share():
    first, second = np.array(["A"]), np.array(["B"])
    counts = accessions.survival(first, second, np.array([True]), np.array([True]), {"J"}, {"M"})
    assert counts[0] == 0 and np.isnan(counts[1]) and counts[2:] == (1, 1.0)


def test_the_real_world_table_has_each_nato_enlargement_observed_and_simulated():
    result = accessions.table("scenarios/world_1990_calibrated.yaml", seeds=1)
    assert sorted(set(result["year"])) == [1999, 2004, 2009]
    observed = result[result["source"] == "observed"].set_index("year")
    # DCAD: 34 treaties of the 1999 entrants with NATO's members in force in 1998, and
    # 87 of the 2004 entrants' in 2003 (signed to 2000)
    assert observed.loc[1999, "with_new_allies"] == 34
    assert observed.loc[2004, "with_new_allies"] == 87
    assert observed.loc[2004, "survived_allies"] == pytest.approx(0.78, abs=0.01)
    assert (result["source"].str.startswith("simulated")).sum() == 3
