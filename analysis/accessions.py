"""What became of a state's DCAs with an alliance's members when it joined the alliance,
observed and simulated.

A check the calibration does not score (docs/MODEL.md 7.2 and 11.5): for each accession
year of the scenario's exogenous alliances (its `join_agreement` events), the DCAs in
force the year before between the joining states and the members, and the share of them
still in force `after` years after the accession, beside the same share for every other
DCA in force that year. If joining an alliance made a state's DCAs with its new allies
redundant, they would end sooner than the others.

Observed from the DCAD treaties in `scenarios/data/` (in force in a year when signYear <=
year <= endYearEstimate; only treaties signed to 2000 are released, so both sides count
only the agreements signed by then), simulated from the bilateral agreements of runs of
a scenario:

    python -m analysis.accessions --scenario scenarios/world_1990_calibrated.yaml --seeds 4
"""

from __future__ import annotations

import argparse
import sys

import numpy as np
import pandas as pd

from analysis.new_ties import STATES_FILE, TREATIES_FILE, alliance_members, print_table

LAST_RELEASED = 2000  # DCAD's treaties signed after 2000 are withheld (the test period)
COLUMNS = ("year", "source", "with_new_allies", "survived_allies", "others", "survived_others")


def accessions(scenario, start_year: int) -> dict[int, tuple[set[str], set[str]]]:
    """Each accession year of the exogenous alliances: (the states joining that year,
    the members they join, those of the year before)."""
    years: dict[int, tuple[set[str], set[str]]] = {}
    for event in scenario.events:
        if event.type != "join_agreement":
            continue
        before = alliance_members(scenario, event.step - 1).get(event.agreement)
        if before is None:  # an ordinary pact: its members are the model's to decide
            continue
        joining, members = years.setdefault(start_year + event.step, (set(), set()))
        joining.add(event.nation)
        members |= before
    return years


def survival(
    first: np.ndarray,
    second: np.ndarray,
    in_force: np.ndarray,
    still: np.ndarray,
    joining: set[str],
    members: set[str],
) -> tuple[int, float, int, float]:
    """Of the agreements `in_force` the year before (pairs `first`-`second`, by name):
    how many join a joining state and a member, and the share of them `still` in force;
    the same for all the others."""
    joining_side = np.isin(first, list(joining)) & np.isin(second, list(members))
    joining_side |= np.isin(second, list(joining)) & np.isin(first, list(members))
    allies, others = in_force & joining_side, in_force & ~joining_side

    def share(group: np.ndarray) -> float:
        return float(still[group].mean()) if group.any() else np.nan

    return int(allies.sum()), share(allies), int(others.sum()), share(others)


def observed_rows(scenario, start_year: int, after: int) -> list[dict]:
    treaties = pd.read_csv(TREATIES_FILE)
    names = pd.read_csv(STATES_FILE).set_index("ccode")["name"]
    treaties = treaties[treaties["ccode1"].isin(names.index) & treaties["ccode2"].isin(names.index)]
    first = treaties["ccode1"].map(names).to_numpy()
    second = treaties["ccode2"].map(names).to_numpy()
    signed, ended = treaties["signYear"].to_numpy(), treaties["endYearEstimate"].to_numpy()
    rows = []
    for year, (joining, members) in sorted(accessions(scenario, start_year).items()):
        before = min(year - 1, LAST_RELEASED)
        in_force = (signed <= before) & (year - 1 <= ended)
        still = ended >= year + after
        counts = survival(first, second, in_force, still, joining, members)
        rows.append(dict(zip(COLUMNS, (year, "observed", *counts), strict=True)))
    return rows


def simulated_rows(scenario, start_year: int, after: int, seeds: int) -> list[dict]:
    from simulation import run_scenario

    rows = []
    for offset in range(seeds):
        run = run_scenario(scenario.model_copy(update={"seed": scenario.seed + offset}))
        agreements = run.tables()["agreements"].query("kind == 'bilateral'")
        members = agreements["members"].str.split("; ")
        first = np.array([pair[0] for pair in members])
        second = np.array([pair[1] for pair in members])
        signed = agreements["signed_step"].to_numpy(dtype=np.int64) + start_year
        ended = agreements["ended_step"].astype("Float64").fillna(np.inf).to_numpy(dtype=float)
        ended = ended + start_year  # the first year it is no longer in force
        for year, (joining, allies) in sorted(accessions(scenario, start_year).items()):
            before = min(year - 1, LAST_RELEASED)
            in_force = (signed <= before) & (ended > year - 1)
            still = ended > year + after
            counts = survival(first, second, in_force, still, joining, allies)
            rows.append(dict(zip(COLUMNS, (year, "simulated", *counts), strict=True)))
    frame = pd.DataFrame(rows)
    if frame.empty:
        return []
    mean = frame.groupby("year", as_index=False).mean(numeric_only=True)
    mean.insert(1, "source", f"simulated ({seeds} seeds)")
    return mean.to_dict("records")


def table(scenario_path: str, seeds: int, start_year: int = 1990, after: int = 1) -> pd.DataFrame:
    """Observed and simulated (mean over `seeds` runs, seeds scenario.seed, +1, ...)
    rows for every accession year of the scenario whose step 0 is `start_year`."""
    from simulation import load_scenario

    scenario = load_scenario(scenario_path)
    rows = observed_rows(scenario, start_year, after)
    rows += simulated_rows(scenario, start_year, after, seeds)
    return pd.DataFrame(rows, columns=list(COLUMNS)).sort_values(["year", "source"])


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m analysis.accessions",
        description="What became of the DCAs of states that joined an alliance with its "
        "members, observed (DCAD) and simulated.",
    )
    parser.add_argument("--scenario", default="scenarios/world_1990_calibrated.yaml")
    parser.add_argument("--seeds", type=int, default=4)
    parser.add_argument("--start-year", type=int, default=1990, help="the year of step 0")
    parser.add_argument(
        "--after", type=int, default=1, help="years after the accession year to look at"
    )
    args = parser.parse_args(argv)
    if args.seeds < 1 or args.after < 0:
        print("--seeds: expected at least 1; --after: at least 0", file=sys.stderr)
        return 2
    return print_table(lambda: table(args.scenario, args.seeds, args.start_year, args.after))


if __name__ == "__main__":
    sys.exit(main())
