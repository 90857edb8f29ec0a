"""The militarised disputes of 1990-2000 and the DCAs between their sides: the data the
crisis mechanism is to be checked against (issue 14; docs/MODEL.md 11.6).

For each year, the dyadic disputes begun (GML MID 2.2.1, `scenarios/data/
mid_onsets_1990_2000.csv`), how many cost lives, and how many of them set two states
against each other that held a DCA in force that year (DCAD, in force when signYear <=
year <= endYearEstimate), with how many of those cost lives. The last row pools the
years. If agreements all but stopped partners from fighting, the partners' disputes
would be few and hardly ever fatal:

    python -m analysis.disputes
"""

from __future__ import annotations

import sys

import numpy as np
import pandas as pd

from analysis.new_ties import ROOT, TREATIES_FILE, print_table

DISPUTES_FILE = ROOT / "scenarios" / "data" / "mid_onsets_1990_2000.csv"
COLUMNS = ("year", "disputes", "fatal", "fatal_share", "between_partners", "partners_fatal")


def partners_in_force(treaties: pd.DataFrame, year: int) -> set[tuple[int, int]]:
    """The pairs of state codes (lower first) holding a DCA in force in `year`."""
    in_force = treaties[(treaties["signYear"] <= year) & (treaties["endYearEstimate"] >= year)]
    first = np.minimum(in_force["ccode1"], in_force["ccode2"])
    second = np.maximum(in_force["ccode1"], in_force["ccode2"])
    return set(zip(first.tolist(), second.tolist()))


def dispute_table(disputes: pd.DataFrame, treaties: pd.DataFrame) -> pd.DataFrame:
    """Per year of `disputes` (rows `year, ccode1, ccode2, fatal`, the lower code first),
    the counts of `COLUMNS`; the last row, year "all", pools every year."""
    rows = []
    for year, begun in disputes.groupby("year", sort=True):
        partners = partners_in_force(treaties, int(year))
        tied = np.array(
            [
                (a, b) in partners
                for a, b in zip(begun["ccode1"].tolist(), begun["ccode2"].tolist())
            ],
            dtype=bool,
        )
        fatal = begun["fatal"].to_numpy() > 0
        rows.append(
            (int(year), fatal.size, int(fatal.sum()), int(tied.sum()), int((fatal & tied).sum()))
        )
    table = pd.DataFrame(
        rows, columns=["year", "disputes", "fatal", "between_partners", "partners_fatal"]
    )
    total = table.drop(columns="year").sum()
    table = table.astype({"year": object})
    table.loc[len(table)] = ["all", *total.tolist()]
    table.insert(3, "fatal_share", table["fatal"] / table["disputes"].where(table["disputes"] > 0))
    return table[list(COLUMNS)]


def observed() -> pd.DataFrame:
    """`dispute_table` of the shipped disputes and DCAD treaties."""
    return dispute_table(pd.read_csv(DISPUTES_FILE), pd.read_csv(TREATIES_FILE))


def main(argv: list[str] | None = None) -> int:
    if argv:
        print(f"analysis.disputes takes no arguments, got {' '.join(argv)}", file=sys.stderr)
        return 2
    return print_table(observed)


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
