"""The real worlds of 1990 and 2000: the derived tables in scenarios/data/ (from COW, DCAD,
ATOP, UN ideal points and capital coordinates, cited in scenarios/data/SOURCES.md), the
two scenarios built from them by scenarios/data/build_worlds.py, and the observed
structural measures 1990-2000. The tests read only the shipped derived tables, never
the original datasets."""

from __future__ import annotations

import importlib.util
import math
from pathlib import Path

import networkx as nx
import numpy as np
import pandas as pd
import pytest

from simulation.domain import Kind
from simulation.model import DefenseCooperationModel
from simulation.scenario import load_scenario
from simulation.tables import all_tables
from tests.cli_support import call, one_error_line

ROOT = Path(__file__).resolve().parent.parent
DATA = ROOT / "scenarios" / "data"
STARTS = (1990, 2000)
TREATIES = DATA / "dcad_treaties_1980_2000.csv"
TARGETS = DATA / "dca_network_targets_1990_2010.csv"
STRUCTURE = DATA / "dca_network_structure_1990_2000.csv"
ALLIANCES = DATA / "alliances_1990_2000.csv"

# the data README's ranges, written out again here rather than taken from the script
COW_RANGES = {
    "Americas": (2, 165),
    "Europe": (200, 399),
    "Africa": (400, 626),
    "Middle East": (630, 698),
    "Asia and Oceania": (700, 990),
}


def _build_module():
    spec = importlib.util.spec_from_file_location("build_worlds", DATA / "build_worlds.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


build = _build_module()


def states(start: int) -> pd.DataFrame:
    return pd.read_csv(DATA / f"states_{start}.csv", keep_default_na=False, na_values=[""])


def active(start: int) -> pd.DataFrame:
    return pd.read_csv(DATA / f"dcas_active_{start}.csv")


@pytest.fixture(scope="module")
def treaties() -> pd.DataFrame:
    return pd.read_csv(TREATIES)


@pytest.fixture(scope="module")
def observed() -> pd.DataFrame:
    return pd.read_csv(TARGETS)


@pytest.fixture(scope="module", params=STARTS)
def start(request) -> int:
    return request.param


@pytest.fixture(scope="module")
def scenarios():
    return {year: load_scenario(build.scenario_path(year)) for year in STARTS}


# --- the scenarios are a function of the shipped tables -------------------------------------


def test_each_shipped_world_is_what_the_build_makes_from_the_shipped_tables(start):
    text = build.scenario_text(start, DATA)
    assert build.scenario_path(start).read_text(encoding="utf-8") == text
    assert build.scenario_text(start, DATA) == text  # the same tables, the same bytes


def test_the_treaties_in_force_at_each_start_are_recomputed_from_the_shipped_treaties(
    start, treaties
):
    table = states(1990)  # every state of 1990-2010, with its years in the system
    rebuilt = build.agreements(treaties, table, start)
    shipped = active(start)
    pd.testing.assert_frame_equal(rebuilt.reset_index(drop=True), shipped, check_dtype=False)


def test_the_structural_measures_are_recomputed_from_the_shipped_treaties(treaties):
    rebuilt = build.structure(treaties, states(1990))
    pd.testing.assert_frame_equal(rebuilt, pd.read_csv(STRUCTURE), check_dtype=False)


# --- the state system ------------------------------------------------------------------


def test_the_schedule_gives_the_observed_count_of_states_every_year_1990_to_2010(
    observed, treaties
):
    """DCAD's yearly figures count the NMC members of the year plus the DCAD codes of
    states outside the system that still hold a treaty in force (West Germany to 1995,
    the Czech Republic before 1993, Czechoslovakia after 1992): the schedule gives the
    first, the shipped treaties the second, and together they make every year's count."""
    table = states(1990)
    for row in observed.itertuples(index=False):
        members = build.members_in(table, row.year)
        live = build.in_force(treaties, row.year)
        outside = (set(live["ccode1"]) | set(live["ccode2"])) - members
        assert len(members) + len(outside) == row.states, row.year
        assert outside <= {260, 315, 316}, row.year
    assert len(build.members_in(table, 1990)) == 165
    assert len(build.members_in(table, 2010)) == 194


def test_the_model_has_in_the_system_at_step_t_the_members_of_year_start_plus_t(start, scenarios):
    scenario = scenarios[start]
    table = states(1990)
    for step in range(scenario.steps + 1):
        in_system = {n.name for n in scenario.nations if n.in_system(step)}
        expected = set(
            table.loc[table["ccode"].isin(build.members_in(table, start + step)), "name"]
        )
        assert in_system == expected, start + step


def test_states_that_end_hand_their_agreements_to_a_successor_in_the_system(scenarios):
    scenario = scenarios[1990]
    nations = {n.name: n for n in scenario.nations}
    leavers = {n.name: (n.leaves, n.successor) for n in scenario.nations if n.leaves}
    assert leavers == {
        "GFR": (1, "GMY"),
        "GDR": (1, "GMY"),
        "CZE": (3, "CZR"),
        "YAR": (1, "YEM"),
        "YPR": (1, "YEM"),
    }
    for step, successor in leavers.values():
        assert nations[successor].in_system(step)
    # the USSR is COW's Russia, Yugoslavia one state throughout: neither leaves
    assert nations["RUS"].leaves is None and nations["YUG"].leaves is None
    assert nations["UKR"].enters == 1 and nations["CRO"].enters == 2 and nations["KOS"].enters == 18
    assert not any(n.leaves for n in scenarios[2000].nations)


def test_every_agreement_in_force_has_its_members_in_the_system_at_step_zero(start, scenarios):
    scenario = scenarios[start]
    at_start = {n.name for n in scenario.nations if n.in_system(0)}
    for agreement in scenario.agreements:
        assert set(agreement.members) <= at_start, agreement.id


def test_every_state_is_in_the_region_of_its_cow_code_range(start):
    table = states(start)
    assert table["ccode"].is_unique and table["name"].is_unique
    for row in table.itertuples(index=False):
        regions = [name for name, (lo, hi) in COW_RANGES.items() if lo <= row.ccode <= hi]
        assert regions == [row.region], (row.ccode, row.name)


# --- capability, policy position, location -----------------------------------------------


def test_capability_is_the_cinc_of_the_start_or_the_entry_year(start):
    table = states(start)
    assert (table["cinc"] > 0).all()
    entry = table["first_year"].clip(lower=start)
    assert (table["cinc_year"] == entry).all()  # none needs another year in NMC v6.0
    at_start = table[table["first_year"] <= start]
    assert at_start["cinc"].sum() == pytest.approx(1.0, abs=0.01)


def capability_table() -> pd.DataFrame:
    return pd.read_csv(DATA / "capabilities_1990_2010.csv")


def test_each_state_follows_its_cinc_every_year_after_the_start(start, scenarios):
    table = capability_table()
    assert len(table) == len(states(1990)) * 21  # every state, every year 1990-2010
    cinc = table.set_index(["stateabb", "year"])["cinc"]
    spells = states(start).set_index("name")
    for nation in scenarios[start].nations:
        last = int(spells.loc[nation.name, "last_year"])
        years = range(start + 1, min(last, 2010) + 1)
        assert nation.capability_path == [cinc[(nation.name, year)] for year in years]
        # in its own years a state holds the CINC of that very year (none is missing)
        own = table[(table["stateabb"] == nation.name) & (table["year"].isin(years))]
        inside = own[own["year"] >= spells.loc[nation.name, "first_year"]]
        assert (inside["cinc_year"] == inside["year"]).all()


def test_policy_positions_are_the_ideal_points_under_one_fixed_affine_map(start):
    table = states(start)
    low, high = build.IDEAL_POINT_RANGE
    known = table["ideal_point"].notna()
    expected = ((table.loc[known, "ideal_point"] - low) / (high - low)).round(4)
    assert table.loc[known, "policy_position"].tolist() == expected.tolist()
    assert (table.loc[~known, "policy_position"] == 0.5).all()
    assert table["policy_position"].between(0, 1).all()
    usa, cuba = (table.set_index("name").loc[n, "policy_position"] for n in ("USA", "CUB"))
    assert usa > 0.85 and cuba < 0.2  # the map keeps the order: the US votes at one end


def test_locations_are_capitals_with_brasilia_for_brazil(start, scenarios):
    table = states(start).set_index("name")
    assert table.loc["BRA", "capital"] == "Brasilia"
    assert (table.loc["BRA", "latitude"], table.loc["BRA", "longitude"]) == (-15.7939, -47.8828)
    assert table.loc["RUS", "capital"] == "Moscow"
    nigeria = "Lagos" if start == 1990 else "Abuja"  # moved in December 1991
    assert table.loc["NIG", "capital"] == nigeria
    for nation in scenarios[start].nations:
        assert nation.location is not None
        assert nation.location.latitude == table.loc[nation.name, "latitude"]


# --- agreements and alliances ------------------------------------------------------------


def test_the_mapping_follows_the_documented_choices(start):
    table = active(start)
    sector = {
        "DCA": "general",
        "COMMISSION": "general",
        "TREX": "training",
        "DIC": "technology",
        "RESEARCH": "technology",
        "PROCUREMENT": "arms",
    }
    assert (table["category"].map(sector) == table["sector"]).all()
    assert (table["funding"] == np.where(table["asymmetry"] == 0, "equal", "proportional")).all()
    stated = table["span"].fillna(-1) > 0
    assert (table.loc[stated, "term"] == table.loc[stated, "span"]).all()
    assert (table.loc[~stated, "term"] == 5).all()
    assert (table["depth"] == 1).all()
    assert (table["signed_step"] == table["sign_year"] - start).all()
    assert (table["state1"] != table["state2"]).all()


def test_the_alliances_are_pacts_apart_from_the_dcas(start, scenarios, observed):
    scenario = scenarios[start]
    bilateral = [a for a in scenario.agreements if a.kind is Kind.BILATERAL]
    pacts = [a for a in scenario.agreements if a.kind is Kind.MULTILATERAL]
    assert len(bilateral) == observed.set_index("year").loc[start, "active_agreements"]
    assert all(a.id.startswith("DCADv1.0-") for a in bilateral)
    assert all(a.id.startswith("ATOP-") and a.depth == 4 for a in pacts)
    nato = next(a for a in pacts if a.id == "ATOP-3180")
    assert len(nato.members) == (17 if start == 1990 else 19)
    assert {"USA", "UKG", "TUR"} <= set(nato.members)
    assert all(a.exogenous for a in pacts)  # inputs, as the state system is
    assert all(a.alliance for a in pacts)  # allies are not DCA partners
    leaving = {(e.step, e.nation) for e in scenario.events if e.type == "leave_agreement"}
    joining = {
        (e.step + start, e.nation, e.agreement)
        for e in scenario.events
        if e.type == "join_agreement"
    }
    # NATO's enlargements on their dates (12 March 1999, 29 March 2004, 1 April 2009)
    enlargements = {
        (1999, "CZR"), (1999, "HUN"), (1999, "POL"),
        (2004, "BUL"), (2004, "EST"), (2004, "LAT"), (2004, "LIT"), (2004, "ROM"),
        (2004, "SLO"), (2004, "SLV"),
        (2009, "ALB"), (2009, "CRO"),
    }  # fmt: skip
    expected = {(year, name, "ATOP-3180") for year, name in enlargements if year > start}
    assert joining == expected
    if start == 2000:
        assert [a.id for a in pacts] == ["ATOP-3180"]
        assert {"POL", "HUN", "CZR"} <= set(nato.members) and "GFR" not in nato.members
        assert leaving == set()
    else:
        warsaw = next(a for a in pacts if a.id == "ATOP-3285")
        assert set(warsaw.members) == {"POL", "HUN", "CZE", "BUL", "ROM", "RUS"}
        assert leaving == {(1, name) for name in warsaw.members}


def test_nato_in_the_1990_world_run_to_2000_is_nato_of_the_2000_world(scenarios):
    """The alliances are inputs: whatever the parameters, a run of the 1990 world has
    at step 10 the NATO the 2000 world starts with (West Germany's seat united
    Germany's), and no one has left it."""
    model = DefenseCooperationModel(scenarios[1990])
    for _ in range(10):
        model.step()
    nato = model.registry.by_id["ATOP-3180"]
    expected = next(a for a in scenarios[2000].agreements if a.id == "ATOP-3180").members
    assert sorted(model.names[m] for m in nato.members) == sorted(expected)
    exits = all_tables(model)["events"].query("agreement_id == 'ATOP-3180' and event == 'exited'")
    assert exits["nation"].tolist() == ["GFR"] and exits["reason"].tolist() == ["state_ended"]


def test_step_zero_bilateral_agreements_are_the_observed_network_of_the_start_year(
    start, scenarios, observed
):
    """Over the states in the system and the bilateral agreements (the pacts are not
    DCAs). DCAD's own figures keep three of Czechoslovakia's 2000 treaties under its old
    code as a separate node; here the Czech Republic holds them, so 2000 has 3 fewer
    tied pairs and one fewer state with a DCA."""
    model = DefenseCooperationModel(scenarios[start])
    registry = model.state.registry
    slots = registry.active_slots(Kind.BILATERAL)
    pairs = {tuple(sorted(p)) for p in zip(registry.first[slots], registry.second[slots])}
    graph = nx.Graph(list(pairs))
    first = observed.set_index("year").loc[start]
    recoded = 3 if start == 2000 else 0
    assert slots.size == first["active_agreements"]
    assert len(pairs) == first["tied_dyads"] - recoded
    assert graph.number_of_nodes() == first["states_with_dca"] - (1 if recoded else 0)
    assert max(d for _, d in graph.degree()) == first["max_degree"]
    assert model.outcomes["states"] == len(build.members_in(states(1990), start))


def test_the_scenarios_validate_on_the_command_line(capsys):
    code, out, err = call(capsys, "validate", *(build.scenario_path(y) for y in STARTS))
    assert code == 0, err
    assert "199 nations, 20 steps" in out and "194 nations, 10 steps" in out


# --- the structural measures ----------------------------------------------------------------


def test_the_structural_measures_agree_with_the_observed_figures_1990_to_2000(observed):
    measures = pd.read_csv(STRUCTURE).set_index("year")
    assert list(measures.columns) == list(build.STRUCTURE_COLUMNS[1:])
    assert measures.index.tolist() == list(range(1990, 2001))
    figures = observed.set_index("year").loc[1990:2000]
    assert (measures["max_degree"] == figures["max_degree"]).all()
    # the same treaties over fewer pairs: the recoded codes join pairs the figures split
    ratio = figures["active_agreements"] / figures["tied_dyads"]
    assert measures.loc[1990, "agreements_per_tied_pair"] == pytest.approx(ratio[1990])
    assert (measures["agreements_per_tied_pair"] >= ratio - 1e-12).all()
    assert (measures["agreements_per_tied_pair"] - ratio).max() < 0.03
    assert (measures["degree_assortativity"] < 0).all()  # hubs sign with the periphery
    assert measures["share_start_in_force"].iloc[0] == 1.0
    assert measures["share_start_in_force"].is_monotonic_decreasing
    assert measures["cross_region_share_new"].between(0, 1).all()
    # the early 1990s brought states in; by the late 1990s new ties closed triangles
    assert measures.loc[1991:1993, "newcomer_share_new"].mean() > 0.3
    assert measures.loc[1997:1999, "closing_share_new"].min() > 0.75
    # and each closed more of them as the network filled in
    assert measures.loc[1991:1993, "shared_partners_new"].max() < 0.5
    assert measures.loc[1998:2000, "shared_partners_new"].min() > 3.0
    # and reached states that already had a handful of partners
    assert measures.loc[1991:1993, "smaller_degree_new"].max() < 2.0
    assert measures.loc[1997:2000, "smaller_degree_new"].min() > 6.0


def test_structure_follows_the_contract_definitions_on_a_known_network():
    table = pd.DataFrame(
        {
            "ccode": [2, 20, 200, 260, 255],
            "first_year": [1990, 1990, 1990, 1990, 1990],
            "last_year": [2010, 2010, 2010, 1990, 2010],
        }
    )
    treaties = pd.DataFrame(
        {
            "DCAid": ["a", "b", "c", "d", "e"],
            "ccode1": [2, 2, 2, 20, 200],
            "ccode2": [20, 20, 200, 260, 255],
            "signYear": [1985, 1990, 1990, 1991, 1991],
            "endYearEstimate": [1990, 2010, 2010, 2010, 2010],
        }
    )
    measures = build.structure(treaties, table, years=(1990, 1991)).set_index("year")
    # 1990: USA-CAN twice, USA-UKG; GFR and GMY both in the system, untied
    assert measures.loc[1990, "agreements_per_tied_pair"] == 1.5
    assert measures.loc[1990, "max_degree"] == 2
    assert measures.loc[1990, "cross_region_share_new"] == 0.5  # b within, c across
    assert measures.loc[1990, "degree_assortativity"] == pytest.approx(-1.0)
    # new in 1990: USA-UKG, UKG new to the network (USA-CAN was tied in 1989 by a)
    assert (measures.loc[1990, "closing_share_new"], measures.loc[1990, "newcomer_share_new"]) == (
        0.0,
        1.0,
    )
    # 1991: a has ended; d (CAN-GFR) is united Germany's; e (UKG-GMY) signed
    assert measures.loc[1991, "agreements_per_tied_pair"] == 1.0
    assert measures.loc[1991, "max_degree"] == 2
    assert measures.loc[1991, "cross_region_share_new"] == 0.5
    assert measures.loc[1991, "share_start_in_force"] == pytest.approx(2 / 3)
    assert math.isnan(measures.loc[1991, "degree_assortativity"])  # a cycle: all degree 2
    # new in 1991: CAN-GMY (d, recoded) and UKG-GMY, united Germany with no partner before
    assert (measures.loc[1991, "closing_share_new"], measures.loc[1991, "newcomer_share_new"]) == (
        0.0,
        1.0,
    )
    assert measures.loc[1991, "shared_partners_new"] == 0.0
    # CAN had one partner (USA) before; united Germany none
    assert measures.loc[1991, "smaller_degree_new"] == 0.0


def test_a_treaty_in_force_of_a_code_standing_for_no_state_is_a_build_error_but_last_years_is_skipped():
    table = pd.DataFrame({"ccode": [2, 20], "first_year": [1990, 1990], "last_year": [2010, 2010]})
    live = pd.DataFrame({"ccode1": [2, 2], "ccode2": [20, 999]})
    with pytest.raises(build.BuildError, match="no state in the system"):
        build.recoded_pairs(live, 1990, build.members_in(table, 1990))
    assert build.recoded_pairs(live, 1990, build.members_in(table, 1990), skip_gone=True) == [
        (2, 20)
    ]


def test_a_dcad_code_outside_the_system_goes_to_its_successor_or_predecessor():
    members_1995 = {255, 316}
    assert build.in_system_code(260, 1995, members_1995) == 255
    assert build.in_system_code(315, 1995, members_1995) == 316
    assert build.in_system_code(316, 1991, {315}) == 315
    with pytest.raises(build.BuildError, match="no state in the system"):
        build.in_system_code(999, 1995, members_1995)


def test_a_code_outside_every_range_is_refused():
    with pytest.raises(build.BuildError, match="no region"):
        build.region_of(170)


def test_the_build_script_reports_a_source_folder_without_the_files_in_one_line(tmp_path, capsys):
    assert build.main([str(tmp_path)]) == 2
    err = capsys.readouterr().err
    assert one_error_line(err).startswith("error: ")
    assert "cow_nmc_v6_1980_2016.csv" in err


def test_the_hindcast_of_world_2000_labels_step_zero_2000(tmp_path, capsys):
    out = tmp_path / "hindcast"
    code, stdout, err = call(
        capsys,
        "hindcast",
        "--scenario",
        build.scenario_path(2000),
        "--start-year",
        "2000",
        "--seeds",
        "1",
        "--out",
        out,
        "--quiet",
    )
    assert code == 0, err
    table = pd.read_csv(out / "hindcast.csv")
    assert sorted(set(table["year"])) == list(range(2000, 2011))
    step_zero = table[(table["year"] == 2000) & (table["measure"] == "active_agreements")]
    # the observed figures count bilateral DCAs: NATO, a pact, is no DCA
    assert step_zero["simulated_mean"].iloc[0] == 804


def test_the_real_1990_world_starts_from_the_observed_dca_network_not_counting_nato():
    from analysis.hindcast import MEASURES, load_observed
    from analysis.network import structure_measures
    from simulation.tables import agreements_table, nations_table

    model = DefenseCooperationModel(load_scenario(ROOT / "scenarios" / "world_1990.yaml"))
    start = structure_measures(
        agreements_table(model), nations_table(model), steps=0, start_year=1990
    ).iloc[0]
    observed = load_observed().set_index("year").loc[1990]
    for measure, (_, _, digits) in MEASURES.items():
        assert abs(start[measure] - observed[measure]) <= 0.5 * 10.0**-digits + 1e-9, measure
    # NATO's 17 members are tied by the pact all the same: the model table counts them
    assert model.outcomes["max_degree"] > observed["max_degree"]
