"""The disputes of 1990-2000 beside the DCAs between their sides (`analysis.disputes`)."""

from __future__ import annotations

import pandas as pd

from analysis import disputes

TREATIES = pd.DataFrame(
    {
        "ccode1": [20, 2, 700],
        "ccode2": [2, 200, 710],
        "signYear": [1990, 1995, 1980],
        "endYearEstimate": [2010, 1996, 1991],
    }
)
DISPUTES = pd.DataFrame(
    {
        "year": [1991, 1991, 1991, 1997, 1997],
        "ccode1": [2, 2, 700, 2, 2],
        "ccode2": [20, 200, 710, 200, 20],
        "fatal": [1, 0, 1, 1, 0],
    }
)


def test_a_dispute_counts_between_partners_only_while_their_dca_is_in_force():
    table = disputes.dispute_table(DISPUTES, TREATIES).set_index("year")
    # 1991: 2-20 (in force from 1990, written the other way round) and 700-710 (to 1991)
    assert table.loc[1991, "between_partners"] == 2
    assert table.loc[1991, "partners_fatal"] == 2
    # 1997: 2-200's treaty ended in 1996; 2-20's still holds
    assert table.loc[1997, "between_partners"] == 1
    assert table.loc[1997, "partners_fatal"] == 0


def test_the_last_row_pools_the_years_and_shares_are_of_that_years_disputes():
    table = disputes.dispute_table(DISPUTES, TREATIES)
    pooled = table.iloc[-1]
    assert pooled["year"] == "all"
    assert (pooled["disputes"], pooled["fatal"], pooled["between_partners"]) == (5, 3, 3)
    assert table.set_index("year").loc[1997, "fatal_share"] == 0.5
    assert list(table.columns) == list(disputes.COLUMNS)


def test_the_shipped_disputes_are_gmls_501_onsets_41_of_them_between_dca_partners():
    pooled = disputes.observed().iloc[-1]
    assert (pooled["disputes"], pooled["fatal"]) == (501, 178)
    assert (pooled["between_partners"], pooled["partners_fatal"]) == (41, 5)


def test_the_command_prints_the_table_and_refuses_a_bad_seed_count(capsys):
    assert disputes.main([]) == 0
    out = capsys.readouterr().out
    assert "between_partners" in out and "all" in out
    assert disputes.main(["--scenario", "scenarios/baseline.yaml", "--seeds", "0"]) == 2
    assert "--seeds: expected at least 1" in capsys.readouterr().err


def test_a_runs_crises_count_as_between_partners_only_while_a_bilateral_dca_is_in_force():
    events = pd.DataFrame(
        {
            "step": [1, 1, 3, 3, 4, 12],
            "event": ["crisis", "signed", "crisis", "crisis", "crisis", "crisis"],
            "nation": ["A", "A", "A", "C", "B", "A"],
            "other": ["B", "B", "B", "D", "A", "B"],
            "outcome": ["escalated", "", "prevented", "escalated", "escalated", "escalated"],
        }
    )
    agreements = pd.DataFrame(
        {
            "kind": ["bilateral", "bilateral"],
            "alliance": [False, True],
            "members": ["A; B", "C; D"],  # C and D are allies: no DCA partners
            "signed_step": [2, 0],
            "ended_step": pd.array([4, None], dtype="Int64"),  # A-B ends at step 4
        }
    )
    table = disputes.crisis_table({"events": events, "agreements": agreements}, 1990, 2000)
    by_year = table.set_index("year")
    assert by_year.loc[1991, "disputes"] == 1 and by_year.loc[1991, "between_partners"] == 0
    assert by_year.loc[1993, "between_partners"] == 1  # A-B in force from step 2
    assert by_year.loc[1993, "partners_fatal"] == 0
    assert by_year.loc[1994, "between_partners"] == 0  # ended at step 4
    pooled = table.iloc[-1]
    assert (pooled["disputes"], pooled["fatal"]) == (4, 3)  # step 12 is past 2000


def test_the_hindcast_counts_the_shipped_disputes_a_year_by_hostility_and_fatality():
    from analysis.hindcast import load_disputes

    counts = load_disputes().set_index("year")
    # GML MID 2.2.1 (the shared yearly summary): 1991 24 begun, 16 with force, 11 fatal;
    # 1998 52, 42, 36
    assert counts.loc[1991].tolist() == [24, 16, 11]
    assert counts.loc[1998].tolist() == [52, 42, 36]
    assert counts.index.tolist() == list(range(1990, 2001))


def test_a_bad_disputes_file_is_a_one_line_hindcast_error(tmp_path):
    import pytest

    from analysis.hindcast import HindcastError, load_disputes

    bad = tmp_path / "disputes.csv"
    bad.write_text("year,hostility,fatal\n1995,4,1\n1996,high,0\n")
    with pytest.raises(HindcastError, match=r"row 2 after the header, column hostility") as caught:
        load_disputes(bad)
    assert "\n" not in str(caught.value)
    with pytest.raises(HindcastError, match="observed disputes file not found"):
        load_disputes(tmp_path / "missing.csv")
