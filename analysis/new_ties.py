"""Where a year's new ties fall in the network they join, observed and simulated.

A check the calibration does not score (docs/MODEL.md 11.4, stage 7): of the pairs tied
in a year and not the year before, pooled over a window of years,

* `shared_partners`: how many partners the two states already shared (the triangles the
  new tie closes);
* `smaller_degree`: the partners of the less connected of the two;
* `well_connected`: the share joining two states that both had `WELL_CONNECTED` partners
  or more;
* `small_end`: the share with a state that had at most two partners;
* `allied`: the share joining two members of one alliance, the scenario's exogenous
  pacts as its listed members and events make them that year (in the real worlds NATO
  and the Warsaw Pact as they were), on both sides alike.

The same density and clustering can grow from ties among states already well tied or
from ties that reach the thinly tied, and the two forecast different clustering once the
network is large. Observed from the DCAD treaties in `scenarios/data/` (in force in a year
when signYear <= year <= endYearEstimate, as the data builder counts them, by DCAD's state
codes), simulated from the bilateral agreements of runs of a scenario:

    python -m analysis.new_ties --scenario scenarios/world_1990_calibrated.yaml --seeds 4
"""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Callable, Iterable
from pathlib import Path

import numpy as np
import pandas as pd

from analysis.network import new_tie_profile

ROOT = Path(__file__).resolve().parent.parent
TREATIES_FILE = ROOT / "scenarios" / "data" / "dcad_treaties_1980_2000.csv"
WELL_CONNECTED = 15
WINDOWS = ((1992, 1995), (1996, 2000), (2001, 2005), (2006, 2010))
COLUMNS = (
    "source",
    "first",
    "last",
    "new_ties",
    "shared_partners",
    "smaller_degree",
    "well_connected",
    "small_end",
    "allied",
)
STATES_FILE = ROOT / "scenarios" / "data" / "states_1990.csv"


def pooled(
    pairs_in: Callable[[int], np.ndarray],
    size: int,
    first: int,
    last: int,
    well_connected: int = WELL_CONNECTED,
    allies_in: Callable[[int], np.ndarray] | None = None,
) -> dict[str, float]:
    """The profile of the new ties of the years `first`-`last`, each year's against the
    year before (`pairs_in(year)`: the pair codes tied in that year; `allies_in(year)`:
    the pair codes of that year's allies, or None for no `allied` share)."""
    shared, fewer, allied = [], [], []
    previous = pairs_in(first - 1)
    for year in range(first, last + 1):
        current = pairs_in(year)
        year_shared, year_fewer, _ = new_tie_profile(previous, current, size)
        shared.append(year_shared)
        fewer.append(year_fewer)
        if allies_in is not None:
            allied.append(np.isin(np.setdiff1d(current, previous), allies_in(year)))
        previous = current
    shared_all, fewer_all = np.concatenate(shared), np.concatenate(fewer)
    if shared_all.size == 0:
        return {"new_ties": 0, "shared_partners": np.nan, "smaller_degree": np.nan,
                "well_connected": np.nan, "small_end": np.nan, "allied": np.nan}  # fmt: skip
    return {
        "new_ties": int(shared_all.size),
        "shared_partners": float(shared_all.mean()),
        "smaller_degree": float(fewer_all.mean()),
        "well_connected": float((fewer_all >= well_connected).mean()),
        "small_end": float((fewer_all <= 2).mean()),
        "allied": float(np.concatenate(allied).mean()) if allies_in is not None else np.nan,
    }


def alliance_members(scenario, step: int) -> dict[str, set[str]]:
    """The members, by name, of each exogenous pact of `scenario` at `step`, by its id: its listed
    members, then its join_agreement and leave_agreement events up to `step`, less the
    states not in the state system then. The history is the scenario's own, so it is
    the same for the observed side and for every run."""
    # generated nations are states throughout; only listed ones enter and leave
    gone = {nation.name for nation in scenario.nations if not nation.in_system(step)}
    members = {a.id: set(a.members) for a in scenario.agreements if a.exogenous}
    for event in sorted(scenario.events, key=lambda event: event.step):
        if event.step > step or getattr(event, "agreement", None) not in members:
            continue
        if event.type == "join_agreement":
            members[event.agreement].add(event.nation)
        elif event.type == "leave_agreement":
            members[event.agreement].discard(event.nation)
    return {pact: group - gone for pact, group in members.items()}


def allied_pairs(groups: list[set[str]], index: dict[str, int], size: int) -> np.ndarray:
    """The pair codes (low x size + high) of the pairs that share a group, over the
    members `index` knows."""
    codes = []
    for group in groups:
        known = np.array(sorted(index[name] for name in group if name in index), dtype=np.int64)
        low, high = np.triu_indices(known.size, 1)
        codes.append(
            np.minimum(known[low], known[high]) * size + np.maximum(known[low], known[high])
        )
    return np.unique(np.concatenate(codes)) if codes else np.array([], dtype=np.int64)


def code_index(treaties: pd.DataFrame) -> dict[int, int]:
    """DCAD's state codes in the treaties, each to its place in `observed_pairs`'
    numbering."""
    codes = np.unique(np.concatenate([treaties["ccode1"], treaties["ccode2"]]))
    return {int(code): k for k, code in enumerate(codes)}


def observed_pairs(treaties: pd.DataFrame) -> tuple[Callable[[int], np.ndarray], int]:
    """`pairs_in(year)` for the DCAD treaties, and the number of state codes."""
    index = code_index(treaties)
    size = len(index)
    first = treaties["ccode1"].map(index).to_numpy()
    second = treaties["ccode2"].map(index).to_numpy()
    code = np.minimum(first, second) * size + np.maximum(first, second)
    signed = treaties["signYear"].to_numpy()
    ended = treaties["endYearEstimate"].to_numpy()
    distinct = first != second

    def pairs_in(year: int) -> np.ndarray:
        return np.unique(code[(signed <= year) & (year <= ended) & distinct])

    return pairs_in, size


def observed_index(treaties: pd.DataFrame, states: pd.DataFrame) -> dict[str, int]:
    """Each state's name (its COW abbreviation, as in the real worlds) to its place in
    `observed_pairs`' numbering of DCAD's codes, for the states that hold a treaty."""
    place = code_index(treaties)
    return {
        name: place[int(code)]
        for code, name in zip(states["ccode"], states["name"], strict=True)
        if int(code) in place
    }


def simulated_pairs(
    agreements: pd.DataFrame, nations: Iterable[str], start_year: int
) -> tuple[Callable[[int], np.ndarray], int]:
    """`pairs_in(year)` for a run's bilateral DCAs (in force at step s when signed at or
    before s and not ended by s; a bilateral alliance is no DCA), and the number of
    nations."""
    index = {name: k for k, name in enumerate(nations)}
    size = len(index)
    bilateral = agreements[agreements["kind"] == "bilateral"]
    if "alliance" in bilateral:  # tables written before alliances were apart have none
        bilateral = bilateral[~bilateral["alliance"].astype(bool)]
    members = bilateral["members"].str.split("; ")
    first = np.array([index[m[0]] for m in members], dtype=np.int64)
    second = np.array([index[m[1]] for m in members], dtype=np.int64)
    code = np.minimum(first, second) * size + np.maximum(first, second)
    signed = bilateral["signed_step"].to_numpy(dtype=np.int64)
    ended = bilateral["ended_step"].astype("Float64").fillna(np.inf).to_numpy(dtype=float)

    def pairs_in(year: int) -> np.ndarray:
        step = year - start_year
        return np.unique(code[(signed <= step) & (ended > step)])

    return pairs_in, size


def profiles(
    scenario_path: str, seeds: int, start_year: int = 1990, windows=WINDOWS
) -> pd.DataFrame:
    """One row per window: observed (to 2000, the years DCAD's treaties cover) and the
    mean over `seeds` runs of the scenario (seeds scenario.seed, +1, ...), whose step 0
    is `start_year`."""
    from simulation import load_scenario, run_scenario

    scenario = load_scenario(scenario_path)
    treaties = pd.read_csv(TREATIES_FILE)
    observed, observed_size = observed_pairs(treaties)
    place = observed_index(treaties, pd.read_csv(STATES_FILE))

    def observed_allies(year: int) -> np.ndarray:
        groups = alliance_members(scenario, year - start_year)
        return allied_pairs(list(groups.values()), place, observed_size)

    last_signed = int(treaties["signYear"].max())
    rows = [
        {
            "source": "observed",
            "first": first,
            "last": last,
            **pooled(
                observed,
                observed_size,
                first,
                last,
                # the scenario knows its alliances from its start on
                allies_in=observed_allies if start_year < first else None,
            ),
        }  # fmt: skip
        for first, last in windows
        if last <= last_signed
    ]
    simulated = []
    for offset in range(seeds):
        run = run_scenario(scenario.model_copy(update={"seed": scenario.seed + offset}))
        tables = run.tables()
        names = tables["nations"].query("step == 0")["nation"].tolist()
        pairs_in, size = simulated_pairs(tables["agreements"], names, start_year)
        index = {name: k for k, name in enumerate(names)}

        def simulated_allies(year: int, index=index, size=size) -> np.ndarray:
            return allied_pairs(
                list(alliance_members(scenario, year - start_year).values()), index, size
            )

        last_year = start_year + scenario.steps
        simulated.extend(
            {
                "first": first,
                "last": last,
                **pooled(pairs_in, size, first, last, allies_in=simulated_allies),
            }
            for first, last in windows
            if start_year < first and last <= last_year
        )
    if simulated:
        mean = pd.DataFrame(simulated).groupby(["first", "last"], as_index=False).mean()
        mean.insert(0, "source", f"simulated ({seeds} seeds)")
        rows.extend(mean.to_dict("records"))
    return pd.DataFrame(rows, columns=list(COLUMNS))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m analysis.new_ties",
        description="Where new ties fall, observed (DCAD, to 2000) and simulated.",
    )
    parser.add_argument("--scenario", default="scenarios/world_1990_calibrated.yaml")
    parser.add_argument("--seeds", type=int, default=4)
    parser.add_argument("--start-year", type=int, default=1990, help="the year of step 0")
    args = parser.parse_args(argv)
    if args.seeds < 1:
        print("--seeds: expected a whole number of at least 1", file=sys.stderr)
        return 2
    return print_table(lambda: profiles(args.scenario, args.seeds, args.start_year))


def print_table(build: Callable[[], pd.DataFrame]) -> int:
    """Print the table `build` makes, two decimals; a bad scenario is one line on
    stderr and exit status 2. The exit status for a command's `main`."""
    from simulation.scenario import ScenarioError

    try:
        table = build()
    except ScenarioError as error:
        print(error, file=sys.stderr)
        return 2
    try:
        print(table.to_string(index=False, float_format=lambda v: f"{v:.2f}"), flush=True)
    except BrokenPipeError:  # the reader stopped early (`| head`): not an error
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
    return 0


if __name__ == "__main__":
    sys.exit(main())
