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


def test_the_command_prints_the_table_and_refuses_arguments(capsys):
    assert disputes.main([]) == 0
    out = capsys.readouterr().out
    assert "between_partners" in out and "all" in out
    assert disputes.main(["--seeds", "3"]) == 2
    assert "takes no arguments" in capsys.readouterr().err
