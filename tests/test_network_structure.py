"""The structure measures of issue 13 (analysis.network.structure_measures) on hand-built
agreement tables whose answers are worked out by hand, and against networkx."""

from __future__ import annotations

import math
from pathlib import Path

import networkx as nx
import numpy as np
import pandas as pd
import pytest

from analysis.network import (
    degree_assortativity,
    new_tie_shares,
    region_of_cow_code,
    structure_measures,
)

ROOT = Path(__file__).resolve().parent.parent

# A (Europe) is a hub; B, C (Europe), D (Africa), E (Asia); F (Africa) enters at step 2
NATIONS = {"A": "Europe", "B": "Europe", "C": "Europe", "D": "Africa", "E": "Asia", "F": "Africa"}


def agreements(rows: list[tuple[str, str, int, int | None]], kind: str = "bilateral"):
    return pd.DataFrame(
        {
            "kind": [kind] * len(rows),
            "members": [f"{a}; {b}" for a, b, _, _ in rows],
            "signed_step": [signed for _, _, signed, _ in rows],
            "ended_step": pd.array([ended for *_, ended in rows], dtype="Int64"),
        }
    )


def nations(steps: int, in_system: dict[str, int] | None = None) -> pd.DataFrame:
    rows = []
    for step in range(steps + 1):
        for name, region in NATIONS.items():
            row = {"step": step, "nation": name, "region": region}
            if in_system is not None:
                row["in_system"] = step >= in_system.get(name, 0)
            rows.append(row)
    return pd.DataFrame(rows)


TABLE = agreements(
    [
        ("A", "B", 0, None),  # in force throughout
        ("A", "B", 0, 2),  # a second treaty of the same pair, ends at step 2
        ("A", "C", -3, 1),  # in force at the start, ended at step 1
        ("A", "D", 1, None),  # new at step 1, across regions
        ("B", "C", 1, None),  # new at step 1, within Europe
        ("A", "E", 2, None),  # new at step 2, across regions
    ]
)


def test_agreements_per_tied_pair_counts_every_treaty_of_a_pair_over_distinct_pairs():
    frame = structure_measures(TABLE, nations(2), steps=2, start_year=1990)
    # step 0: A-B twice, A-C: 3 treaties over 2 pairs; step 1: A-B x2, A-D, B-C: 4 over 3;
    # step 2: A-B, A-D, B-C, A-E: 4 over 4
    assert frame["agreements_per_tied_pair"].tolist() == [1.5, 4 / 3, 1.0]
    assert frame["year"].tolist() == [1990, 1991, 1992]


def test_max_degree_is_the_most_distinct_partners():
    frame = structure_measures(TABLE, nations(2), steps=2, start_year=1990)
    assert frame["max_degree"].tolist() == [2, 2, 3]


def test_cross_region_share_is_over_the_bilateral_agreements_signed_that_step():
    frame = structure_measures(TABLE, nations(2), steps=2, start_year=1990)
    # step 0: A-B twice, within Europe; step 1: A-D across, B-C within; step 2: A-E across
    assert frame["cross_region_share_new"].tolist() == [0.0, 0.5, 1.0]


def test_cross_region_share_is_nan_in_a_step_without_a_signing():
    frame = structure_measures(TABLE, nations(3), steps=3, start_year=1990)
    assert math.isnan(frame["cross_region_share_new"].iloc[3])


def test_share_start_in_force_follows_the_treaties_in_force_at_the_start():
    frame = structure_measures(TABLE, nations(2), steps=2, start_year=1990)
    # three in force at step 0: A-C ends at 1, the second A-B at 2
    assert frame["share_start_in_force"].tolist() == [1.0, 2 / 3, 1 / 3]


def test_new_ties_that_close_a_triangle_or_bring_a_state_in_are_counted_over_new_pairs():
    frame = structure_measures(TABLE, nations(2), steps=2, start_year=1990)
    # step 1: A-D brings D in (no shared partner), B-C closes A-B-C (both knew A);
    # step 2: A-E brings E in; the second A-B treaty ending changes no pair
    assert math.isnan(frame["closing_share_new"].iloc[0])
    assert frame["closing_share_new"].tolist()[1:] == [0.5, 0.0]
    assert frame["newcomer_share_new"].tolist()[1:] == [0.5, 1.0]
    # B-C shared one partner, A-D none; A-E none
    assert frame["shared_partners_new"].tolist()[1:] == [0.5, 0.0]


def test_partners_shared_per_new_tie_count_every_triangle_the_tie_closes():
    # C and D both know A and B: their new tie closes two triangles; E-F closes none
    before = [("A", "C", 0, None), ("A", "D", 0, None), ("B", "C", 0, None), ("B", "D", 0, None)]
    table = agreements([*before, ("C", "D", 1, None), ("E", "F", 1, None)])
    frame = structure_measures(table, nations(1), steps=1, start_year=1990)
    assert frame["shared_partners_new"].iloc[1] == pytest.approx((2 + 0) / 2)
    # C and D had two partners each before; E and F none
    assert frame["smaller_degree_new"].iloc[1] == pytest.approx((2 + 0) / 2)
    assert frame["closing_share_new"].iloc[1] == 0.5


def test_a_state_entering_the_system_is_a_newcomer_and_no_new_pair_is_nan():
    table = agreements([("A", "B", 0, None), ("A", "F", 0, None), ("B", "F", 2, None)])
    frame = structure_measures(table, nations(3, in_system={"F": 2}), 3, 1990)
    # step 2: F enters with A-F and B-F, closing nothing (F had no partner before)
    assert frame["newcomer_share_new"].iloc[2] == 1.0
    assert frame["closing_share_new"].iloc[2] == 0.0
    assert math.isnan(frame["newcomer_share_new"].iloc[1])  # nothing new at step 1
    assert math.isnan(frame["closing_share_new"].iloc[3])


@pytest.mark.parametrize("seed", range(5))
def test_new_tie_shares_agree_with_the_data_builders_set_version(seed):
    import sys

    sys.path.insert(0, str(ROOT / "scenarios" / "data"))
    import build_worlds

    rng = np.random.default_rng(seed)
    size = 25

    def random_pairs(count):
        low = rng.integers(0, size, count)
        high = rng.integers(0, size, count)
        keep = low != high
        return {(min(a, b), max(a, b)) for a, b in zip(low[keep], high[keep], strict=True)}

    before, after = random_pairs(30), random_pairs(40)
    codes = lambda pairs: np.unique([a * size + b for a, b in pairs])  # noqa: E731
    assert new_tie_shares(codes(before), codes(after), size) == pytest.approx(
        build_worlds.new_tie_shares(before, after)
    )


def test_assortativity_of_a_star_is_minus_one_and_matches_networkx():
    star = agreements([("A", "B", 0, None), ("A", "C", 0, None), ("A", "D", 0, None)])
    frame = structure_measures(star, nations(0), steps=0, start_year=1990)
    assert frame["degree_assortativity"].iloc[0] == pytest.approx(-1.0)


def test_assortativity_is_nan_when_every_end_has_the_same_degree():
    ring = agreements([("A", "B", 0, None), ("B", "C", 0, None), ("C", "A", 0, None)])
    frame = structure_measures(ring, nations(0), steps=0, start_year=1990)
    assert math.isnan(frame["degree_assortativity"].iloc[0])


@pytest.mark.parametrize("seed", range(5))
def test_assortativity_equals_networkx_on_random_graphs(seed):
    graph = nx.gnm_random_graph(30, 60, seed=seed)
    edges = np.array(graph.edges())
    degree = np.array([graph.degree(n) for n in range(30)])
    ours = degree_assortativity(edges[:, 0], edges[:, 1], degree)
    assert ours == pytest.approx(nx.degree_assortativity_coefficient(graph), abs=1e-12)


def test_pacts_do_not_count():
    pact = agreements([("A", "B", 0, None)], kind="multilateral")
    table = pd.concat([TABLE, pact], ignore_index=True)
    pd.testing.assert_frame_equal(
        structure_measures(table, nations(2), 2, 1990),
        structure_measures(TABLE, nations(2), 2, 1990),
    )


def test_only_states_in_the_system_count_when_the_nations_table_says_so():
    table = agreements([("A", "B", 0, None), ("A", "F", 0, None), ("F", "D", 1, None)])
    frame = structure_measures(table, nations(2, in_system={"F": 2}), 2, 1990)
    # F is outside until step 2: its pairs count only from then
    assert frame["max_degree"].tolist() == [1, 1, 2]
    assert frame["agreements_per_tied_pair"].tolist() == [1.0, 1.0, 1.0]
    assert math.isnan(frame["cross_region_share_new"].iloc[1])  # F-D: F not yet in


@pytest.mark.parametrize(
    ("code", "region"),
    [
        (2, "Americas"),
        (165, "Americas"),
        (200, "Europe"),
        (365, "Europe"),
        (626, "Africa"),
        (630, "Middle East"),
        (698, "Middle East"),
        (700, "Asia and Oceania"),
        (990, "Asia and Oceania"),
    ],
)
def test_cow_codes_map_to_the_contracts_regions(code, region):
    assert region_of_cow_code(code) == region


def test_a_cow_code_between_ranges_is_refused():
    with pytest.raises(ValueError, match="in no region"):
        region_of_cow_code(627)
