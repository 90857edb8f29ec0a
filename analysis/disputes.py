"""The militarised disputes of 1990-2000 and the DCAs between their sides: the data the
crisis mechanism is to be checked against (issue 14; docs/MODEL.md 11.6).

For each year, the dyadic disputes begun (GML MID 2.2.1, `scenarios/data/
mid_onsets_1990_2000.csv`), how many cost lives, and how many of them set two states
against each other that held a DCA in force that year (DCAD, in force when signYear <=
year <= endYearEstimate), with how many of those cost lives. The last row pools the
years. If agreements all but stopped partners from fighting, the partners' disputes
would be few and hardly ever fatal:

    python -m analysis.disputes

With `--scenario`, the same table for runs of a scenario that starts in 1990 (mean
over `--seeds` runs), its crises counted as disputes and its escalations as fatal
ones, partners being the pairs holding a bilateral DCA in force (no alliance) at the
crisis's step:

    python -m analysis.disputes --scenario scenarios/world_1990_calibrated.yaml --seeds 4
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable, Iterable

import numpy as np
import pandas as pd

from analysis.new_ties import (
    ROOT,
    TREATIES_FILE,
    code_index,
    observed_pairs,
    print_table,
    simulated_pairs,
)

DISPUTES_FILE = ROOT / "scenarios" / "data" / "mid_onsets_1990_2000.csv"
COLUMNS = ("year", "disputes", "fatal", "fatal_share", "between_partners", "partners_fatal")


def dispute_table(disputes: pd.DataFrame, treaties: pd.DataFrame) -> pd.DataFrame:
    """Per year of `disputes` (rows `year, ccode1, ccode2, fatal`, the lower code first),
    the counts of `COLUMNS`; the last row, year "all", pools every year. Partners are
    the pairs `new_ties.observed_pairs` finds in force that year."""
    pairs_in, size = observed_pairs(treaties)
    place = code_index(treaties)
    first = disputes["ccode1"].map(place)
    second = disputes["ccode2"].map(place)
    held = first.notna() & second.notna()  # a state with no treaty has no partner
    code = np.where(held, first.fillna(0) * size + second.fillna(0), -1).astype(np.int64)
    return _by_year(
        disputes["year"].to_numpy(),
        disputes["fatal"].to_numpy() > 0,
        code,
        pairs_in,
        range(int(disputes["year"].min()), int(disputes["year"].max()) + 1),
    )


def _by_year(
    year: np.ndarray,
    fatal: np.ndarray,
    code: np.ndarray,
    pairs_in: Callable[[int], np.ndarray],
    years: Iterable[int],
) -> pd.DataFrame:
    """`COLUMNS` per year of `years` and pooled: disputes (one entry of `year`, `fatal`
    and the pair `code`, -1 for none), partners by `pairs_in(year)`."""
    rows = []
    for each in years:
        begun = year == each
        tied = np.isin(code[begun], pairs_in(each))
        lethal = fatal[begun]
        rows.append(
            (each, int(begun.sum()), int(lethal.sum()), int(tied.sum()), int((lethal & tied).sum()))
        )
    return _with_pooled_row(rows)


def observed() -> pd.DataFrame:
    """`dispute_table` of the shipped disputes and DCAD treaties."""
    return dispute_table(pd.read_csv(DISPUTES_FILE), pd.read_csv(TREATIES_FILE))


def crisis_table(tables: dict[str, pd.DataFrame], start_year: int, last_year: int) -> pd.DataFrame:
    """`dispute_table`'s counts for one run's tables (`simulation.tables.all_tables`):
    its crises of steps 1 to `last_year - start_year`, escalations as fatal, and
    partners the pairs `new_ties.simulated_pairs` finds holding a bilateral DCA at the
    step."""
    events, agreements = tables["events"], tables["agreements"]
    crises = events[(events["event"] == "crisis") & (events["step"] >= 1)]
    crises = crises[crises["step"] <= last_year - start_year]
    nations = sorted(
        set(crises["nation"])
        | set(crises["other"])
        | {name for members in agreements["members"] for name in members.split("; ")}
    )
    pairs_in, size = simulated_pairs(agreements, nations, start_year)
    index = {name: k for k, name in enumerate(nations)}
    first = crises["nation"].map(index).to_numpy(dtype=np.int64)
    second = crises["other"].map(index).to_numpy(dtype=np.int64)
    return _by_year(
        crises["step"].to_numpy() + start_year,
        (crises["outcome"] == "escalated").to_numpy(),
        np.minimum(first, second) * size + np.maximum(first, second),
        pairs_in,
        range(start_year + 1, last_year + 1),
    )


def _with_pooled_row(rows: list[tuple]) -> pd.DataFrame:
    table = pd.DataFrame(
        rows, columns=["year", "disputes", "fatal", "between_partners", "partners_fatal"]
    )
    total = table.drop(columns="year").sum()
    table = table.astype({"year": object})
    table.loc[len(table)] = ["all", *total.tolist()]
    table.insert(3, "fatal_share", table["fatal"] / table["disputes"].where(table["disputes"] > 0))
    return table[list(COLUMNS)]


def simulated(scenario_path: str, seeds: int, start_year: int = 1990, last_year: int = 2000):
    """`crisis_table` averaged over runs of the scenario, seeds scenario.seed, +1, ..."""
    from simulation import load_scenario, run_scenario

    scenario = load_scenario(scenario_path)
    tables = [
        crisis_table(
            run_scenario(scenario.model_copy(update={"seed": scenario.seed + offset})).tables(),
            start_year,
            last_year,
        )
        for offset in range(seeds)
    ]
    counts = ["disputes", "fatal", "between_partners", "partners_fatal"]
    mean = tables[0].copy()
    mean[counts] = sum(table[counts].astype(float) for table in tables) / seeds
    mean["fatal_share"] = mean["fatal"] / mean["disputes"].where(mean["disputes"] > 0)
    return mean


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m analysis.disputes", description=__doc__)
    parser.add_argument("--scenario", help="also runs of this scenario (a 1990 start)")
    parser.add_argument("--seeds", type=int, default=4)
    args = parser.parse_args(argv)
    if args.seeds < 1:
        print("--seeds: expected at least 1", file=sys.stderr)
        return 2
    if args.scenario is None:
        return print_table(observed)

    def both() -> pd.DataFrame:
        simulated_rows = simulated(args.scenario, args.seeds).assign(
            source=f"simulated ({args.seeds} seeds)"
        )
        observed_rows = observed().assign(source="observed")
        return pd.concat([observed_rows, simulated_rows], ignore_index=True)[["source", *COLUMNS]]

    return print_table(both)


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
