#!/usr/bin/env python3
"""Rebuild the real-world data and scenarios (world_1990, world_2000) from the sources.

    python scenarios/data/build_worlds.py SOURCE_DIR [--data-dir DIR] [--scenario-dir DIR]

SOURCE_DIR holds the source files (the project's copy is ../shared/data; citations in
SOURCES.md):

    cow_nmc_v6_1980_2016.csv               COW National Material Capabilities v6.0
    states2016.csv                         COW State System Membership v2016
    cow_capitals_coords.csv                capitals and their coordinates (peacesciencer)
    un_idealpoints_1990_2010.csv           UN General Assembly ideal points (Bailey et al.)
    alliances_active_1990.csv              ATOP 5.1 alliance obligations of 1990, by pair
    dcad_v1_treaties_signed_1980_2000.csv  DCAD v1.0, bilateral DCAs signed 1980-2000
    dca_network_targets_1990_2010.csv      the observed DCA network, yearly 1990-2010
    mid_gml221_dyadic_1990_2000.csv        GML MID 2.2.1 dyadic disputes, 1990-2000

Two stages, both deterministic (the same sources give the same bytes):

1. `derive(source_dir, data_dir)` writes the small derived tables next to this script
   (listed in SOURCES.md): per world the states with their schedule in the state
   system, capability, policy position and capital; every state's CINC year by year
   1990-2010 (the capability paths); the DCAD treaties and those in force at each
   start; the two alliances; the observed structural measures 1990-2000; the
   militarised disputes begun 1990-2000.
2. `scenario_text(start, data_dir)` writes `scenarios/world_<start>.yaml` from the
   derived tables alone, so the shipped scenarios can be checked against the shipped
   tables without the sources (tests/test_world_data.py does).

Every mapping choice is stated in SOURCES.md and repeated in each scenario's header.
"""

from __future__ import annotations

import argparse
import json
import math
import shutil
import sys
from datetime import date
from pathlib import Path

import pandas as pd

START_YEARS = (1990, 2000)
LAST_YEAR = 2010  # the observed figures end here
STRUCTURE_YEARS = (1990, 2000)  # the years whose treaties are all released (2001-2010: test)

HERE = Path(__file__).resolve().parent
SCENARIO_DIR = HERE.parent

NMC_FILE = "cow_nmc_v6_1980_2016.csv"
SYSTEM_FILE = "states2016.csv"
CAPITALS_FILE = "cow_capitals_coords.csv"
IDEAL_FILE = "un_idealpoints_1990_2010.csv"
ALLIANCE_FILE = "alliances_active_1990.csv"
SOURCE_TREATY_FILE = "dcad_v1_treaties_signed_1980_2000.csv"
TARGET_FILE = "dca_network_targets_1990_2010.csv"
MID_FILE = "mid_gml221_dyadic_1990_2000.csv"
SOURCE_FILES = (
    NMC_FILE,
    SYSTEM_FILE,
    CAPITALS_FILE,
    IDEAL_FILE,
    ALLIANCE_FILE,
    SOURCE_TREATY_FILE,
    TARGET_FILE,
    MID_FILE,
)

TREATY_FILE = "dcad_treaties_1980_2000.csv"
DEFENCE_PAIRS_FILE = "atop_defence_pairs_1990.csv"
ALLIANCES_FILE = "alliances_1990_2000.csv"
DISPUTES_FILE = "mid_onsets_1990_2000.csv"
MID_COLUMNS = ("dispnum", "ccode1", "ccode2", "year", "onset", "hostlev_dyad", "fatality_dyad")
STRUCTURE_FILE = "dca_network_structure_1990_2000.csv"
CAPABILITIES_FILE = "capabilities_1990_2010.csv"
CAPABILITY_DIGITS = 5  # significant digits of a path's CINC: NMC's own precision is lower


def states_file(start: int) -> str:
    return f"states_{start}.csv"


def active_file(start: int) -> str:
    return f"dcas_active_{start}.csv"


def scenario_path(start: int, scenario_dir: Path = SCENARIO_DIR) -> Path:
    return Path(scenario_dir) / f"world_{start}.yaml"


MISSING = -9  # COW NMC's missing value
# COW code ranges -> region, lowest code first (SOURCES.md, "Mapping choices")
REGIONS: tuple[tuple[int, int, str], ...] = (
    (2, 165, "Americas"),
    (200, 399, "Europe"),
    (400, 626, "Africa"),
    (630, 698, "Middle East"),
    (700, 990, "Asia and Oceania"),
)
# States that end within 1990-2010 and the state that takes over their treaties
# (COW codes; SOURCES.md, "Which states"). Yugoslavia (345) and Russia (365) are one
# continuous state each in COW, so they have no entry here.
SUCCESSORS: dict[int, int] = {
    260: 255,  # German Federal Republic -> Germany, 3 Oct 1990
    265: 255,  # German Democratic Republic -> Germany, 3 Oct 1990
    678: 679,  # Yemen Arab Republic -> Yemen, 22 May 1990
    680: 679,  # Yemen People's Republic -> Yemen, 22 May 1990
    315: 316,  # Czechoslovakia -> Czech Republic, 1 Jan 1993
}
# The geocoded capital of Brazil in the capitals file is the country's centroid (its
# README says so); Brasilia's coordinates instead.
CAPITAL_CORRECTIONS: dict[int, tuple[str, float, float]] = {140: ("Brasilia", -15.7939, -47.8828)}
# One fixed affine map of UN ideal points to [0, 1], the same for both worlds: the range
# of every ideal point 1990-2010 (-2.155 to 3.223), rounded outward to one decimal.
IDEAL_POINT_RANGE = (-2.2, 3.3)
NEUTRAL_POSITION = 0.5  # the model's default policy position, for a state with no ideal point

SECTOR_OF_CATEGORY: dict[str, str] = {
    "DCA": "general",
    "COMMISSION": "general",
    "TREX": "training",
    "DIC": "technology",
    "RESEARCH": "technology",
    "PROCUREMENT": "arms",
}
FUNDING_OF_ASYMMETRY: dict[int, str] = {0: "equal", 1: "proportional", 2: "proportional"}
DEPTH = 1

# The alliances placed in the worlds as standing pacts (SOURCES.md, "Alliances").
NATO, WARSAW_PACT = 3180, 3285
ALLIANCE_NAMES = {NATO: "NATO", WARSAW_PACT: "Warsaw Pact"}
ALLIANCE_SIGNED = {NATO: 1949, WARSAW_PACT: 1955}
# The German Democratic Republic left the Warsaw Pact on 24 Sep 1990, before unity:
# left out so that united Germany does not inherit a seat it never held.
LEFT_BEFORE_UNITY = {WARSAW_PACT: (265,)}
# NATO's enlargements after the one year of ATOP data here, by year: the date and the
# states (COW codes), from NATO's record of its member countries (NATO, "Member
# countries", nato.int; ATOP 5.1 codes the same accessions). 1999: Czech Republic,
# Hungary, Poland; 2004: Bulgaria, Estonia, Latvia, Lithuania, Romania, Slovakia,
# Slovenia; 2009: Albania, Croatia.
NATO_ACCESSIONS: dict[int, tuple[str, tuple[int, ...]]] = {
    1999: ("12 March 1999", (316, 310, 290)),
    2004: ("29 March 2004", (355, 366, 367, 368, 360, 317, 349)),
    2009: ("1 April 2009", (339, 344)),
}
NATO_ACCESSION_1999 = NATO_ACCESSIONS[1999][1]
ALLIANCE_DEPTH = 4  # integrated: basing access and mutual defense
ALLIANCE_TERM = 100  # no term (the schema's largest): no renewal falls within a run
WARSAW_PACT_DISSOLVED = 1991  # 1 July 1991

PARAMETERS: dict[str, float] = {"multilateralisation_rate": 0.0}
THREAT = 0.3

NMC_COLUMNS = ("stateabb", "ccode", "year", "cinc")
SYSTEM_COLUMNS = ("stateabb", "ccode", "statenme", "styear", "stmonth", "stday", "endyear")
CAPITAL_COLUMNS = ("ccode", "capital", "stdate", "enddate", "lat", "lon")
IDEAL_COLUMNS = ("ccode", "year", "idealpoint")
ALLIANCE_COLUMNS = ("ccode1", "ccode2", "atop_defense", "atopids")
TREATY_COLUMNS = (
    "DCAid",
    "ccode1",
    "cowName1",
    "ccode2",
    "cowName2",
    "signYear",
    "category1",
    "span",
    "endYearEstimate",
    "asymmetry",
)
TARGET_COLUMNS = (
    "year",
    "states",
    "active_agreements",
    "tied_dyads",
    "density",
    "states_with_dca",
    "mean_degree",
    "max_degree",
    "transitivity",
)
STRUCTURE_COLUMNS = (
    "year",
    "agreements_per_tied_pair",
    "max_degree",
    "cross_region_share_new",
    "degree_assortativity",
    "share_start_in_force",
    "closing_share_new",
    "newcomer_share_new",
    "shared_partners_new",
    "smaller_degree_new",
)


class BuildError(ValueError):
    """The source files are not what the build expects; the message is one line."""


# --- shared rules --------------------------------------------------------------------------


def region_of(ccode: int) -> str:
    """The region of a COW country code, by the ranges in SOURCES.md."""
    for low, high, name in REGIONS:
        if low <= ccode <= high:
            return name
    raise BuildError(f"COW code {ccode} falls in no region range")


def policy_position(ideal_point: float) -> float:
    """A UN ideal point mapped to [0, 1] by the one fixed affine map (IDEAL_POINT_RANGE)."""
    low, high = IDEAL_POINT_RANGE
    return (ideal_point - low) / (high - low)


def members_in(schedule: pd.DataFrame, year: int) -> set[int]:
    """The COW codes in the state system in `year` (by first_year and last_year)."""
    live = (schedule["first_year"] <= year) & (year <= schedule["last_year"])
    return set(schedule.loc[live, "ccode"].astype(int))


def in_system_code(ccode: int, year: int, members: set[int]) -> int:
    """The state in the system in `year` that a DCAD code stands for.

    DCAD keeps some treaties under a code that is not in the system that year (West
    Germany after unity, Czechoslovakia after 1992, the Czech Republic before 1993): the
    successor in the system takes them, or, before a successor exists, its predecessor."""
    if ccode in members:
        return ccode
    code = ccode
    while code in SUCCESSORS:
        code = SUCCESSORS[code]
        if code in members:
            return code
    for before, after in SUCCESSORS.items():
        if after == ccode and before in members:
            return before
    raise BuildError(f"COW code {ccode} stands for no state in the system in {year}")


def in_force(treaties: pd.DataFrame, year: int) -> pd.DataFrame:
    """The treaties in force in `year`: signYear <= year <= endYearEstimate (DCAD)."""
    live = (treaties["signYear"] <= year) & (year <= treaties["endYearEstimate"])
    return treaties[live]


def median_term(treaties: pd.DataFrame) -> int:
    """The median stated span of the treaties, in whole years (5 in DCAD v1.0)."""
    stated = treaties["span"][treaties["span"] > 0]
    if stated.empty:
        raise BuildError(f"{TREATY_FILE}: no treaty states a span")
    return round(float(stated.median()))


# --- stage 1: the derived tables ---------------------------------------------------------


def schedule(nmc: pd.DataFrame, system: pd.DataFrame) -> pd.DataFrame:
    """Every state in the NMC state system in any year 1990-2010: ccode, stateabb, name,
    full_name, region, first_year, last_year, successor, entry_date.

    NMC lists every state that was a member at any time of the year (so 1990 holds both
    Germanys and united Germany), as the observed figures count them. The spells are
    checked against COW's state system membership, which gives the full names and the
    day of entry."""
    _require(nmc, NMC_COLUMNS, NMC_FILE)
    _require(system, SYSTEM_COLUMNS, SYSTEM_FILE)
    years = nmc[(nmc["year"] >= START_YEARS[0]) & (nmc["year"] <= LAST_YEAR)]
    rows = []
    for ccode, spell in years.groupby("ccode"):
        present = sorted(spell["year"].astype(int))
        first, last = present[0], present[-1]
        if present != list(range(first, last + 1)):
            raise BuildError(f"{NMC_FILE}: state {ccode} leaves and comes back within 1990-2010")
        spells = system[system["ccode"] == ccode]
        covered = {
            y for s in spells.itertuples(index=False) for y in range(s.styear, s.endyear + 1)
        }
        expected = set(range(first, last + 1))
        if not expected <= covered or (covered & set(range(START_YEARS[0], LAST_YEAR + 1))) != (
            expected
        ):
            raise BuildError(
                f"{SYSTEM_FILE}: state {ccode}'s membership differs from {NMC_FILE} in 1990-2010"
            )
        spell_in = spells[(spells["styear"] <= last) & (spells["endyear"] >= first)].iloc[-1]
        if last < LAST_YEAR and ccode not in SUCCESSORS:
            raise BuildError(f"state {ccode} ends in {last} and has no successor in SUCCESSORS")
        rows.append(
            {
                "ccode": int(ccode),
                "stateabb": spell["stateabb"].iloc[0],
                "full_name": spell_in["statenme"],
                "region": region_of(int(ccode)),
                "first_year": first,
                "last_year": last,
                "successor_ccode": SUCCESSORS.get(int(ccode)) if last < LAST_YEAR else None,
                "entry_date": date(
                    int(spell_in["styear"]), int(spell_in["stmonth"]), int(spell_in["stday"])
                ),
            }
        )
    table = pd.DataFrame(rows).sort_values("ccode", ignore_index=True)
    if not table["stateabb"].is_unique:
        raise BuildError(f"{NMC_FILE}: a state abbreviation stands for two codes")
    names = dict(zip(table["ccode"], table["stateabb"], strict=True))
    table["name"] = table["stateabb"]
    table["successor"] = [names.get(c, "") if pd.notna(c) else "" for c in table["successor_ccode"]]
    return table


def _nearest(frame: pd.DataFrame, year: int, column: str) -> tuple[float, int] | None:
    """The value of `column` in the year nearest `year` that has one (the earlier on a tie)."""
    known = frame[frame[column].notna() & (frame[column] != MISSING)]
    if column == "cinc":
        known = known[known[column] > 0]
    if known.empty:
        return None
    distance = (known["year"] - year).abs() * 2 + (known["year"] > year)
    best = known.loc[distance.idxmin()]
    return float(best[column]), int(best["year"])


def capital_on(capitals: pd.DataFrame, ccode: int, day: date) -> tuple[str, float, float]:
    """The state's capital and coordinates valid on `day` (Brazil corrected)."""
    if ccode in CAPITAL_CORRECTIONS:
        return CAPITAL_CORRECTIONS[ccode]
    rows = capitals[capitals["ccode"] == ccode]
    valid = rows[(rows["stdate"] <= day.isoformat()) & (day.isoformat() <= rows["enddate"])]
    if len(valid) != 1:
        raise BuildError(f"{CAPITALS_FILE}: {len(valid)} capitals of state {ccode} on {day}")
    row = valid.iloc[0]
    return str(row["capital"]), float(row["lat"]), float(row["lon"])


def world_states(
    table: pd.DataFrame,
    start: int,
    nmc: pd.DataFrame,
    ideal: pd.DataFrame,
    capitals: pd.DataFrame,
) -> pd.DataFrame:
    """The states of the world that starts in `start`: those in the system in any year
    start-2010, with capability, policy position and capital of the start year (a later
    entrant: of its entry year)."""
    _require(ideal, IDEAL_COLUMNS, IDEAL_FILE)
    _require(capitals, CAPITAL_COLUMNS, CAPITALS_FILE)
    low, high = IDEAL_POINT_RANGE
    span = ideal[(ideal["year"] >= START_YEARS[0]) & (ideal["year"] <= LAST_YEAR)]["idealpoint"]
    if span.min() < low or span.max() > high:
        raise BuildError(
            f"{IDEAL_FILE}: ideal points {span.min()}-{span.max()} leave IDEAL_POINT_RANGE"
        )
    rows = []
    for state in table[table["last_year"] >= start].itertuples(index=False):
        year = max(start, state.first_year)
        cinc = _nearest(nmc[nmc["ccode"] == state.ccode], year, "cinc")
        if cinc is None:
            raise BuildError(f"{NMC_FILE}: state {state.ccode} has no CINC in any year")
        own = ideal[
            (ideal["ccode"] == state.ccode)
            & (ideal["year"] >= state.first_year)
            & (ideal["year"] <= state.last_year)
        ]
        point = _nearest(own, year, "idealpoint")
        day = max(date(year, 1, 1), state.entry_date)
        capital, latitude, longitude = capital_on(capitals, state.ccode, day)
        rows.append(
            {
                "ccode": state.ccode,
                "stateabb": state.stateabb,
                "name": state.name,
                "full_name": state.full_name,
                "region": state.region,
                "first_year": state.first_year,
                "last_year": state.last_year,
                "successor": state.successor,
                "cinc": cinc[0],
                "cinc_year": cinc[1],
                "ideal_point": point[0] if point else None,
                "ideal_point_year": point[1] if point else None,
                "policy_position": round(policy_position(point[0]), 4)
                if point
                else NEUTRAL_POSITION,
                "capital": capital,
                "latitude": round(latitude, 4),
                "longitude": round(longitude, 4),
            }
        )
    frame = pd.DataFrame(rows)
    frame["ideal_point_year"] = frame["ideal_point_year"].astype("Int64")
    return frame


def capabilities(table: pd.DataFrame, nmc: pd.DataFrame) -> pd.DataFrame:
    """Every state's CINC in every year 1990-2010: ccode, stateabb, year, cinc, cinc_year.
    A year outside the state's spell, or without a positive CINC, takes the nearest year
    that has one (`cinc_year` says which), so a path runs through every year."""
    rows = []
    for state in table.itertuples(index=False):
        own = nmc[nmc["ccode"] == state.ccode]
        for year in range(START_YEARS[0], LAST_YEAR + 1):
            inside = min(max(year, state.first_year), state.last_year)
            cinc = _nearest(own, inside, "cinc")
            if cinc is None:
                raise BuildError(f"{NMC_FILE}: state {state.ccode} has no CINC in any year")
            rows.append(
                {
                    "ccode": state.ccode,
                    "stateabb": state.stateabb,
                    "year": year,
                    "cinc": float(f"{cinc[0]:.{CAPABILITY_DIGITS}g}"),
                    "cinc_year": cinc[1],
                }
            )
    return pd.DataFrame(rows)


def clean_treaties(treaties: pd.DataFrame) -> pd.DataFrame:
    """The DCAD columns the worlds use, without the rows whose two sides are one state
    (source errors)."""
    _require(treaties, TREATY_COLUMNS, SOURCE_TREATY_FILE)
    kept = treaties[treaties["ccode1"] != treaties["ccode2"]]
    return kept[list(TREATY_COLUMNS)].sort_values("DCAid", ignore_index=True)


def agreements(treaties: pd.DataFrame, table: pd.DataFrame, start: int) -> pd.DataFrame:
    """The treaties in force in `start`, on the states in the system then, mapped to the
    model's agreement fields."""
    live = in_force(treaties, start).sort_values("DCAid")
    members = members_in(table, start)
    names = dict(zip(table["ccode"], table["name"], strict=True))
    first = [in_system_code(int(c), start, members) for c in live["ccode1"]]
    second = [in_system_code(int(c), start, members) for c in live["ccode2"]]
    if any(a == b for a, b in zip(first, second, strict=True)):
        raise BuildError(f"{TREATY_FILE}: a treaty in force in {start} joins a state to itself")
    unknown = sorted(set(live["category1"]) - set(SECTOR_OF_CATEGORY))
    if unknown:
        raise BuildError(f"{TREATY_FILE}: unknown category1 {unknown[0]!r}")
    unknown = sorted(set(live["asymmetry"]) - set(FUNDING_OF_ASYMMETRY))
    if unknown:
        raise BuildError(f"{TREATY_FILE}: unknown asymmetry {unknown[0]!r}")
    default_term = median_term(treaties)
    span = live["span"]
    stated = span.notna() & (span > 0)
    return pd.DataFrame(
        {
            "dcad_id": live["DCAid"].to_numpy(),
            "ccode1": live["ccode1"].astype(int).to_numpy(),
            "ccode2": live["ccode2"].astype(int).to_numpy(),
            "state1": [names[c] for c in first],
            "state2": [names[c] for c in second],
            "sign_year": live["signYear"].astype(int).to_numpy(),
            "end_year_estimate": live["endYearEstimate"].astype(int).to_numpy(),
            "category": live["category1"].to_numpy(),
            "span": span.to_numpy(),
            "asymmetry": live["asymmetry"].astype(int).to_numpy(),
            "sector": live["category1"].map(SECTOR_OF_CATEGORY).to_numpy(),
            "depth": DEPTH,
            "funding": live["asymmetry"].map(FUNDING_OF_ASYMMETRY).to_numpy(),
            "term": span.where(stated, default_term).astype(int).to_numpy(),
            "signed_step": (live["signYear"] - start).astype(int).to_numpy(),
        }
    )


def defence_pairs(alliances: pd.DataFrame) -> pd.DataFrame:
    """The pairs of states with an ATOP defence obligation in 1990."""
    _require(alliances, ALLIANCE_COLUMNS, ALLIANCE_FILE)
    pairs = alliances[alliances["atop_defense"] == 1]
    return pairs[["ccode1", "ccode2", "atopids"]].sort_values(
        ["ccode1", "ccode2"], ignore_index=True
    )


def alliance_members(pairs: pd.DataFrame, table: pd.DataFrame) -> pd.DataFrame:
    """NATO and the Warsaw Pact in each world: world, atop_id, alliance, ccode, state, basis.

    1990: the states in a defence pair whose ATOP ids include the alliance's (less the
    GDR in the Warsaw Pact). 2000: NATO's 1990 members in the system in 2000 and the
    three of the 1999 accession; the Warsaw Pact was gone."""
    names = dict(zip(table["ccode"], table["name"], strict=True))
    rows = []
    for atop_id in (NATO, WARSAW_PACT):
        listed = (
            pairs["atopids"]
            .astype(str)
            .str.split(";")
            .map(lambda ids, wanted=str(atop_id): wanted in ids)
        )
        codes = set(pairs.loc[listed, "ccode1"]) | set(pairs.loc[listed, "ccode2"])
        codes -= set(LEFT_BEFORE_UNITY.get(atop_id, ()))
        if len(codes) < 2:
            raise BuildError(f"{ALLIANCE_FILE}: ATOP {atop_id} has fewer than two members")
        for ccode in sorted(codes):
            rows.append((1990, atop_id, int(ccode), "ATOP 5.1, defence pairs of 1990"))
    members_2000 = members_in(table, 2000)
    nato_1990 = [r[2] for r in rows if r[1] == NATO]
    for ccode in sorted({c for c in nato_1990 if c in members_2000} | set(NATO_ACCESSION_1999)):
        basis = (
            "NATO accession, 12 March 1999"
            if ccode in NATO_ACCESSION_1999
            else "ATOP 5.1, defence pairs of 1990"
        )
        rows.append((2000, NATO, ccode, basis))
    frame = pd.DataFrame(rows, columns=["world", "atop_id", "ccode", "basis"])
    frame.insert(2, "alliance", frame["atop_id"].map(ALLIANCE_NAMES))
    frame.insert(4, "state", frame["ccode"].map(names))
    return frame


def structure(treaties: pd.DataFrame, table: pd.DataFrame, years=STRUCTURE_YEARS) -> pd.DataFrame:
    """The observed structural measures per year (contract of issue #13), over the states
    in the system that year, treaties recoded to those states (`in_system_code`)."""
    import networkx as nx

    start = years[0]
    at_start = set(in_force(treaties, start)["DCAid"])
    rows = []
    for year in range(years[0], years[1] + 1):
        members = members_in(table, year)
        regions = {c: region_of(c) for c in members}
        live = in_force(treaties, year)
        pairs = recoded_pairs(live, year, members)
        tied = set(pairs)
        # the year before, recoded to this year's states, so a successor's inherited
        # treaties are not new ties
        before = set(recoded_pairs(in_force(treaties, year - 1), year, members, skip_gone=True))
        closing, newcomer, shared_new, smaller_new = new_tie_shares(before, tied)
        graph = nx.Graph()
        graph.add_nodes_from(sorted(members))
        graph.add_edges_from(sorted(tied))
        degrees = dict(graph.degree())
        new = treaties[treaties["signYear"] == year]
        crossing = [
            regions[in_system_code(int(a), year, members)]
            != regions[in_system_code(int(b), year, members)]
            for a, b in zip(new["ccode1"], new["ccode2"], strict=True)
        ]
        rows.append(
            {
                "year": year,
                "agreements_per_tied_pair": len(pairs) / len(tied) if tied else math.nan,
                "max_degree": max(degrees.values()),
                "cross_region_share_new": sum(crossing) / len(crossing) if crossing else math.nan,
                "degree_assortativity": _assortativity(graph),
                "share_start_in_force": len(at_start & set(live["DCAid"])) / len(at_start),
                "closing_share_new": closing,
                "newcomer_share_new": newcomer,
                "shared_partners_new": shared_new,
                "smaller_degree_new": smaller_new,
            }
        )
    return pd.DataFrame(rows, columns=list(STRUCTURE_COLUMNS))


def recoded_pairs(
    live: pd.DataFrame, year: int, members: set[int], *, skip_gone: bool = False
) -> list[tuple[int, int]]:
    """The treaties' pairs as (low, high) codes of the states in the system in `year`.
    A code that stands for none of them is a BuildError, or with `skip_gone` (treaties of
    an earlier year, whose state may be gone without a successor) the treaty is left out."""
    pairs = []
    for a, b in zip(live["ccode1"], live["ccode2"], strict=True):
        try:
            first, second = (
                in_system_code(int(a), year, members),
                in_system_code(int(b), year, members),
            )
        except BuildError:
            if not skip_gone:
                raise
            continue
        pairs.append((min(first, second), max(first, second)))
    return pairs


def new_tie_shares(
    before: set[tuple[int, int]], after: set[tuple[int, int]]
) -> tuple[float, float, float, float]:
    """Of the pairs in `after` and not in `before`: the share whose two states shared a
    partner in `before`, the share with a state that had none, the mean number of
    partners the two shared and the mean number of partners of the less connected of the
    two (analysis.network's `new_tie_shares`, on sets). All NaN when no pair is new."""
    new = after - before
    if not new:
        return math.nan, math.nan, math.nan, math.nan
    partners: dict[int, set[int]] = {}
    for a, b in before:
        partners.setdefault(a, set()).add(b)
        partners.setdefault(b, set()).add(a)
    shared = [len(partners.get(a, set()) & partners.get(b, set())) for a, b in new]
    closing = sum(1 for count in shared if count)
    newcomer = sum(1 for a, b in new if not partners.get(a) or not partners.get(b))
    smaller = [min(len(partners.get(a, ())), len(partners.get(b, ()))) for a, b in new]
    count = len(new)
    return closing / count, newcomer / count, sum(shared) / count, sum(smaller) / count


def _assortativity(graph) -> float:
    import warnings

    import networkx as nx

    if graph.number_of_edges() == 0:
        return math.nan
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)  # undefined: every tie alike
        value = nx.degree_assortativity_coefficient(graph)
    return float(value) if math.isfinite(value) else math.nan


def cross_region_share(treaties: pd.DataFrame, first: int, last: int) -> float:
    """The share of the treaties signed `first`-`last` whose two sides lie in different
    regions (by the DCAD codes as coded: region ranges do not change with recoding)."""
    signed = treaties[(treaties["signYear"] >= first) & (treaties["signYear"] <= last)]
    crossing = [
        region_of(int(a)) != region_of(int(b)) for a, b in zip(signed["ccode1"], signed["ccode2"])
    ]
    return sum(crossing) / len(crossing)


def dispute_onsets(mid: pd.DataFrame) -> pd.DataFrame:
    """The dyadic militarised disputes that began each year (GML MID 2.2.1, `onset` 1),
    one row a dispute and pair of states on opposite sides, the lower code first:
    `hostility` is the pair's highest level (4 use of force, 5 war) and `fatal` says
    whether the pair's dispute cost lives (`fatality_dyad` 1 or more; -9, missing,
    counts as not known to be fatal)."""
    onsets = mid[mid["onset"] == 1]
    first = onsets[["ccode1", "ccode2"]].min(axis=1)
    second = onsets[["ccode1", "ccode2"]].max(axis=1)
    frame = pd.DataFrame(
        {
            "year": onsets["year"].astype(int),
            "dispnum": onsets["dispnum"].astype(int),
            "ccode1": first.astype(int),
            "ccode2": second.astype(int),
            "hostility": onsets["hostlev_dyad"].astype(int),
            "fatal": (onsets["fatality_dyad"] > 0).astype(int),
        }
    )
    return frame.sort_values(["year", "dispnum", "ccode1", "ccode2"]).reset_index(drop=True)


def derive(source_dir: Path, data_dir: Path = HERE) -> dict[str, Path]:
    """Read the source files and write the derived tables to `data_dir`."""
    source_dir, data_dir = Path(source_dir), Path(data_dir)
    for name in SOURCE_FILES:
        if not (source_dir / name).is_file():
            raise BuildError(f"{source_dir}: no {name} there")
    nmc = pd.read_csv(source_dir / NMC_FILE)
    system = pd.read_csv(source_dir / SYSTEM_FILE)
    capitals = pd.read_csv(source_dir / CAPITALS_FILE)
    ideal = pd.read_csv(source_dir / IDEAL_FILE)
    alliances = pd.read_csv(source_dir / ALLIANCE_FILE)
    treaties = clean_treaties(pd.read_csv(source_dir / SOURCE_TREATY_FILE))
    targets = pd.read_csv(source_dir / TARGET_FILE)
    _require(targets, TARGET_COLUMNS, TARGET_FILE)
    table = schedule(nmc, system)
    pairs = defence_pairs(alliances)
    data_dir.mkdir(parents=True, exist_ok=True)
    written: dict[str, Path] = {}

    def write(key: str, frame: pd.DataFrame, name: str) -> None:
        written[key] = data_dir / name
        frame.to_csv(written[key], index=False, lineterminator="\n")

    for start in START_YEARS:
        write(
            f"states_{start}", world_states(table, start, nmc, ideal, capitals), states_file(start)
        )
        write(f"active_{start}", agreements(treaties, table, start), active_file(start))
    write("treaties", treaties, TREATY_FILE)
    write("defence_pairs", pairs, DEFENCE_PAIRS_FILE)
    write("alliances", alliance_members(pairs, table), ALLIANCES_FILE)
    mid = pd.read_csv(source_dir / MID_FILE)
    _require(mid, MID_COLUMNS, MID_FILE)
    write("disputes", dispute_onsets(mid), DISPUTES_FILE)
    write("structure", structure(treaties, table), STRUCTURE_FILE)
    write("capabilities", capabilities(table, nmc), CAPABILITIES_FILE)
    written["targets"] = data_dir / TARGET_FILE
    shutil.copyfile(source_dir / TARGET_FILE, written["targets"])  # small: as it is
    return written


def _require(frame: pd.DataFrame, columns: tuple[str, ...], source: str) -> None:
    missing = [c for c in columns if c not in frame.columns]
    if missing:
        raise BuildError(f"{source}: missing column(s) {', '.join(missing)}")


# --- stage 2: the scenarios --------------------------------------------------------------


def read_tables(start: int, data_dir: Path = HERE) -> dict[str, pd.DataFrame]:
    """The shipped derived tables a world is built from."""
    data_dir = Path(data_dir)
    return {
        "states": pd.read_csv(data_dir / states_file(start), keep_default_na=False, na_values=[""]),
        "active": pd.read_csv(data_dir / active_file(start), keep_default_na=False),
        "alliances": pd.read_csv(data_dir / ALLIANCES_FILE),
        "targets": pd.read_csv(data_dir / TARGET_FILE),
        "capabilities": pd.read_csv(data_dir / CAPABILITIES_FILE),
    }


def schedule_of(states: pd.DataFrame, start: int) -> pd.DataFrame:
    """Each state's enters, leaves and successor for the world that starts in `start`."""
    enters = (states["first_year"] - start).clip(lower=0).astype(int)
    leaves = (states["last_year"] - start + 1).where(states["last_year"] < LAST_YEAR)
    successor = states["successor"].astype(object).where(states["successor"].notna(), "")
    return pd.DataFrame(
        {"name": states["name"], "enters": enters, "leaves": leaves, "successor": successor}
    )


def scenario_text(start: int, data_dir: Path = HERE) -> str:
    """The world_<start> scenario, as YAML text, from the derived tables in `data_dir`."""
    tables = read_tables(start, data_dir)
    states, active, targets = tables["states"], tables["active"], tables["targets"]
    pacts = tables["alliances"][tables["alliances"]["world"] == start]
    plan = schedule_of(states, start)
    steps = LAST_YEAR - start
    later = tables["capabilities"][tables["capabilities"]["year"] > start].sort_values("year")
    paths = {ccode: list(group["cinc"]) for ccode, group in later.groupby("ccode")}
    observed = targets.set_index("year")
    first, last = observed.loc[start], observed.loc[LAST_YEAR]
    at_start = states[plan["enters"] == 0]
    entrants = states[plan["enters"] > 0]
    leavers = states[plan["leaves"].notna()]
    per_region = at_start["region"].value_counts()
    regions_text = ", ".join(f"{name} {per_region.get(name, 0)}" for _, _, name in REGIONS)
    by_category = active["category"].value_counts()
    categories_text = ", ".join(f"{c} {by_category.get(c, 0)}" for c in SECTOR_OF_CATEGORY)
    by_funding = active["funding"].value_counts()
    pairs = (
        active.assign(
            pair=[tuple(sorted(p)) for p in zip(active["state1"], active["state2"], strict=True)]
        )
        .groupby("pair")
        .size()
    )
    stated = int((pd.to_numeric(active["span"], errors="coerce") > 0).sum())
    recoded = active[
        (active["state1"] != active["ccode1"].map(dict(zip(states["ccode"], states["name"]))))
        | (active["state2"] != active["ccode2"].map(dict(zip(states["ccode"], states["name"]))))
    ]
    no_ideal = states[states["ideal_point"].isna()]
    other_ideal = states[
        states["ideal_point"].notna()
        & (states["ideal_point_year"] != states[["first_year"]].max(axis=1).clip(lower=start))
    ]
    other_cinc = states[states["cinc_year"] != states["first_year"].clip(lower=start)]
    low, high = IDEAL_POINT_RANGE
    entrants_text = _wrap(
        ", ".join(f"{r.name} {r.first_year}" for r in entrants.itertuples(index=False)), "#   "
    )
    leavers_text = _wrap(
        ", ".join(
            f"{r.name} (last {r.last_year}) -> {r.successor}"
            for r in leavers.itertuples(index=False)
        ),
        "#   ",
    )
    pact_lines = []
    for atop_id, group in pacts.groupby("atop_id", sort=True):
        pact_lines.append(
            f"#   {ALLIANCE_NAMES[atop_id]} (ATOP {atop_id}, signed {ALLIANCE_SIGNED[atop_id]}): "
            f"{len(group)} members"
        )
    alliances_text = "NATO and the Warsaw Pact" if start == 1990 else "NATO"
    recoded_text = (
        ""
        if recoded.empty
        else f"# {len(recoded)} of them DCAD codes under a state no longer in the system in "
        f"{start}\n# ({', '.join(str(c) for c in sorted((set(recoded['ccode1']) | set(recoded['ccode2'])) - set(states['ccode'])))}: "
        "Czechoslovakia's treaties after 1992): its successor takes them.\n"
    )
    structure_note = (
        f"# {STRUCTURE_FILE} (agreements per tied pair, max degree,\n"
        "# cross-region share of new ties, degree assortativity, share of the 1990 treaties\n"
        "# still in force; 1990-2000)"
        if start == 1990
        else "# nothing else: for 2001-2010 only those yearly figures are released\n"
        f"# ({STRUCTURE_FILE} covers the years before this world)"
    )
    names = dict(zip(states["ccode"], states["name"], strict=True))
    if start == 1990:
        purpose = f"""\
# What it explores: whether the model, started from the real network of 1990, grows
# the DCA network the way it actually grew (DCAD: {int(first.active_agreements)} \
agreements in force in 1990,
# {int(last.active_agreements)} in 2010). `python run.py hindcast` runs it over several \
seeds and compares it,
# year by year, with the observed network ({TARGET_FILE}
# and {STRUCTURE_FILE}). Calibrate on 1990-2000; 2001-2010 is the test."""
        history = f"""\
# The alliances are inputs here, as the state system is (exogenous: true): their members
# change only by the events at the end, never by the model's rules, so the DCA network
# grows around the alliances that were. They are alliances, not DCAs (alliance: true):
# allies are tied, but a state does not count them among its DCA partners. The Warsaw Pact was dissolved on 1 July 1991,
# so each of its members leaves it at step 1 (leave_agreement events: a walk-out in the
# model's terms, which costs trust among the former members). NATO stands throughout
# and enlarges on its dates (join_agreement events):
{accessions_text(start, names)}"""
    else:
        purpose = f"""\
# What it explores: the real world of 2000 run forward, so 2001-2010 can be compared
# with the observed network without the 1990s in between (DCAD: \
{int(first.active_agreements)} agreements in force
# in 2000, {int(last.active_agreements)} in 2010; the treaties signed after 2000 are \
withheld, only the yearly
# figures of {TARGET_FILE} are known). Use it as the test:
# `python run.py hindcast --scenario scenarios/world_2000.yaml --start-year 2000`
# scores 2000-2010."""
        history = f"""\
# NATO in 2000: its 1990 members (West Germany's seat is united Germany's) and the
# Czech Republic, Hungary and Poland, who joined on 12 March 1999 (after the one year
# of alliance data, so added by hand). The Warsaw Pact was gone. NATO is an input here,
# as the state system is (exogenous: true): its members change only by the events at
# the end, never by the model's rules, and it enlarges on its dates (join_agreement).
# It is an alliance, not a DCA (alliance: true): allies are tied, but a state does not
# count them among its DCA partners.
{accessions_text(start, names)}"""
    header = f"""\
# yaml-language-server: $schema=scenario.schema.json
# World {start}: every state in the state system {start}-{LAST_YEAR}, the defense \
cooperation
# agreements (DCAs) in force in {start} and {alliances_text}, run yearly to {LAST_YEAR}
# (step 0 is {start}, step {steps} is {LAST_YEAR}).
#
# GENERATED by scenarios/data/build_worlds.py from the derived tables in
# scenarios/data/ (sources and citations: scenarios/data/SOURCES.md). Do not edit by
# hand: change the script and run
#     python scenarios/data/build_worlds.py SOURCE_DIR
#
{purpose}
#
# Nations: the {len(states)} states in the COW state system in any year {start}-{LAST_YEAR} \
(NMC v6.0,
# checked against COW State System Membership v2016), named by their COW abbreviation
# (the full name follows each line). At step t the states in the system are exactly
# the NMC members of year {start}+t, the states the observed figures count:
# {len(at_start)} at step 0 ({regions_text}).
# A year counts every state that was a member at any time of it, as NMC and the
# observed figures do.
# - enters (the step it joins the system), {len(entrants)} states:
{entrants_text}
# - leaves (the first step it is gone) and successor (who takes its agreements),
#   {len(leavers)} states:
{leavers_text if not leavers.empty else "#   none: no state leaves the system after " + str(start) + "."}
#   Russia (365) is COW's one continuous state for the USSR and Russia; Yugoslavia
#   (345) is one continuous state too, and its successors enter as new states.
# - region by COW code range: 2-165 Americas, 200-399 Europe, 400-626 Africa,
#   630-698 Middle East, 700-990 Asia and Oceania;
# - capability = CINC (NMC v6.0) of {start}, or of the entry year for a later entrant
#   (a share of the world total; the model uses only ratios of capabilities). \
{len(other_cinc)} state(s)
#   take the nearest year with a value;
# - capability_path = CINC of every later year to {LAST_YEAR} ({CAPABILITIES_FILE}; before
#   entry, the entry year's; {CAPABILITY_DIGITS} significant digits): capabilities follow the
#   observed ones, an input like the state system, not an outcome the model is scored on;
# - policy position = the UN General Assembly ideal point (Bailey, Strezhnev & Voeten,
#   June 2024) of {start} or the entry year, mapped to [0, 1] by one fixed affine map,
#   position = (ideal point - ({low})) / ({high} - ({low})), the range of every ideal point
#   1990-2010, the same in both worlds (higher: closer to the United States' votes).
#   {len(other_ideal)} state(s) without a vote that year take their nearest year with one; \
{len(no_ideal)} with
#   none in 1990-2010 take the neutral 0.5{": " + ", ".join(no_ideal["name"]) if len(no_ideal) else ""};
# - location = the capital's coordinates valid on 1 January {start} or the entry day
#   (peacesciencer's COW capitals), except Brazil, geocoded there at the country's
#   centroid: Brasilia (-15.79, -47.88) instead;
# - sovereignty sensitivity and regional threat: the model's defaults (0.4, 0.3), as
#   no source here measures them.
#
# Agreements: the {len(active)} DCAD v1.0 treaties in force in {start}
# (signYear <= {start} <= endYearEstimate), each its own bilateral agreement, between
# {len(pairs)} pairs ({int((pairs > 1).sum())} pairs hold more than one treaty, kept as \
separate agreements).
# By category: {categories_text}.
{recoded_text}# - sector from category: DCA and COMMISSION -> general, TREX -> training, DIC and
#   RESEARCH -> technology (defense-industrial cooperation and joint R&D open the
#   technology channel), PROCUREMENT -> arms;
# - depth 1 (dialogue) for all: DCAD codes no depth, and the model signs its own new
#   agreements at depth 1 and lets them climb;
# - funding from DCAD's asymmetry: 0 -> equal ({by_funding.get("equal", 0)}), 1 or 2 -> \
proportional ({by_funding.get("proportional", 0)}, the
#   stronger side pays more);
# - term from DCAD's span where stated ({stated} treaties); otherwise the median stated
#   span, 5 years; signed_step = signYear - {start} (negative: signed before the run);
# - no dispute-resolution provisions (not coded in DCAD v1.0).
# Ids are DCAD's (DCADv1.0-...).
#
# Alliances (ATOP 5.1), kept apart from the DCAs: ids ATOP-<ATOP id>, multilateral
# pacts at depth 4 (integrated: mutual-defense obligations), proportional funding, no
# term within the run (term {ALLIANCE_TERM}). They are not DCAs and count in no \
observed DCA
# measure (compare the model's bilateral agreements with DCAD).
{chr(10).join(pact_lines)}
{history}
# ATOP's other defence pacts of 1990 (Rio Treaty, Arab League, the bilateral ones) are
# not placed: {DEFENCE_PAIRS_FILE} lists every pair.
#
# Parameters: the model's defaults (one step is a year, the default term is the real
# median of 5 years), except multilateralisation_rate 0: DCAD counts bilateral
# agreements only, so no new pacts are founded. These are uncalibrated defaults.
#
# What to look at: at step 0 the bilateral agreements are the observed network of
# {start} ({len(active)} agreements, {len(pairs)} tied dyads, {len(set(active["state1"]) | set(active["state2"]))} states with a DCA; DCAD's figures:
# {int(first.active_agreements)}, {int(first.tied_dyads)}, {int(first.states_with_dca)}, \
max degree {int(first.max_degree)}, over {int(first.states)} states: the {len(at_start)} in the \
system and
# {int(first.states) - len(at_start)} DCAD code(s) of states outside it, see SOURCES.md);
# after that compare the network of bilateral agreements, year by year, with
# {TARGET_FILE} and
{structure_note}.
"""
    description = (
        f"The {len(states)} states of the COW state system {start}-{LAST_YEAR} (entering and "
        f"leaving on their dates; capability = CINC, policy position = UN ideal point, "
        f"location = capital), the {len(active)} bilateral DCAs in force in {start} (DCAD v1.0) "
        f"and NATO{' and the Warsaw Pact' if start == 1990 else ''} (ATOP), run yearly from "
        f"{start} to {LAST_YEAR} for comparison with the observed DCA network."
    )
    lines = [
        header.rstrip("\n"),
        f"name: world_{start}",
        "description: >",
        *_wrap(description, "  ").splitlines(),
        f"seed: {start}",
        f"steps: {steps}",
        "",
        "regions:",
    ]
    lines += [f"  - {{name: {name}, threat: {THREAT}}}" for _, _, name in REGIONS]
    lines += [
        "",
        f"nations:  # {len(states)}: COW code order; capability = CINC {start} (or entry year)",
    ]
    for row, when in zip(states.itertuples(index=False), plan.itertuples(index=False), strict=True):
        fields = [
            f"name: {_scalar(row.name)}",
            f"region: {row.region}",
            f"capability: {_number(row.cinc)}",
            f"policy_position: {_number(row.policy_position)}",
            f"location: {{latitude: {_number(row.latitude)}, longitude: {_number(row.longitude)}}}",
        ]
        path = paths.get(row.ccode, [])
        if pd.notna(when.leaves):  # nothing to follow once gone
            path = path[: int(when.leaves) - 1]
        if path:
            fields.append(f"capability_path: [{', '.join(_short(value) for value in path)}]")
        if when.enters > 0:
            fields.append(f"enters: {when.enters}")
        if pd.notna(when.leaves):
            fields.append(f"leaves: {int(when.leaves)}")
            if when.successor:
                fields.append(f"successor: {_scalar(when.successor)}")
        lines.append(f"  - {{{', '.join(fields)}}}  # {row.ccode} {row.full_name}")
    lines += [
        "",
        f"agreements:  # {len(active)} DCAD treaties in force in {start} (DCAD id order), "
        f"then {pacts['atop_id'].nunique()} alliance(s)",
    ]
    for row in active.itertuples(index=False):
        name = f"{row.state1}-{row.state2} {row.category} {row.sign_year}"
        lines.append(
            f"  - {{id: {row.dcad_id}, name: {_scalar(name)}, kind: bilateral, "
            f"sector: {row.sector}, depth: {row.depth}, "
            f"members: [{_scalar(row.state1)}, {_scalar(row.state2)}], "
            f"funding: {row.funding}, term: {row.term}, signed_step: {row.signed_step}}}"
        )
    for atop_id, group in pacts.groupby("atop_id", sort=True):
        members = ", ".join(_scalar(s) for s in group["state"])
        name = f"{ALLIANCE_NAMES[atop_id]} (ATOP {atop_id})"
        lines.append(
            f"  - {{id: ATOP-{atop_id}, name: {_scalar(name)}, kind: multilateral, "
            f"sector: general, depth: {ALLIANCE_DEPTH}, members: [{members}], "
            f"funding: proportional, term: {ALLIANCE_TERM}, "
            f"signed_step: {ALLIANCE_SIGNED[atop_id] - start}, exogenous: true, alliance: true}}"
        )
    lines += ["", "parameters:"]
    lines += [f"  {name}: {_number(value)}" for name, value in PARAMETERS.items()]
    events = [
        ("leave_agreement", WARSAW_PACT_DISSOLVED - start, state, WARSAW_PACT)
        for state in pacts.loc[pacts["atop_id"] == WARSAW_PACT, "state"]
    ]
    events += [
        ("join_agreement", year - start, names[ccode], NATO)
        for year, (_, codes) in sorted(NATO_ACCESSIONS.items())
        if year > start
        for ccode in codes
    ]
    if events:
        lines += ["", f"events:  # {events_comment(start)}"]
        lines += [
            f"  - {{type: {kind}, step: {step}, nation: {_scalar(state)}, "
            f"agreement: ATOP-{atop_id}}}"
            for kind, step, state, atop_id in events
        ]
    return "\n".join(lines) + "\n"


def accessions_text(start: int, names: dict[int, str]) -> str:
    """NATO's enlargements after `start`, one comment line each: step, date, states
    (`names`: COW code to the state's name in the scenario)."""
    return "\n".join(
        f"#   step {year - start} ({date}): {', '.join(names[c] for c in codes)}"
        for year, (date, codes) in sorted(NATO_ACCESSIONS.items())
        if year > start
    )


def events_comment(start: int) -> str:
    """What the events of world_<start> are, for the comment on the events list."""
    enlargements = [year for year in sorted(NATO_ACCESSIONS) if year > start]
    parts = [f"the Warsaw Pact dissolved on 1 July {WARSAW_PACT_DISSOLVED}"] * (
        start < WARSAW_PACT_DISSOLVED
    )
    if enlargements:
        years = ", ".join(str(year) for year in enlargements[:-1])
        years = f"{years} and {enlargements[-1]}" if years else str(enlargements[-1])
        parts.append(f"NATO's enlargements of {years}")
    return "; ".join(parts)


def _wrap(text: str, prefix: str, width: int = 88) -> str:
    """`text` in lines of at most `width` characters, each starting with `prefix`."""
    lines, line = [], prefix
    for word in text.split(" "):
        if len(line) + len(word) + 1 > width and line.strip():
            lines.append(line.rstrip())
            line = prefix
        line += ("" if line == prefix else " ") + word
    lines.append(line.rstrip())
    return "\n".join(lines)


def _scalar(text: str) -> str:
    """A YAML plain scalar when it reads back as the same string, else a quoted one."""
    import yaml

    plain = str(text)
    try:
        ok = yaml.safe_load(f"k: {plain}") == {"k": plain} and "," not in plain and "(" not in plain
    except yaml.YAMLError:
        ok = False
    return plain if ok else json.dumps(plain)


def _number(value: float) -> str:
    return repr(float(value))


def _short(value: float) -> str:
    """A path's CINC, in the derived table's significant digits."""
    return f"{float(value):.{CAPABILITY_DIGITS}g}"


def write_scenarios(data_dir: Path = HERE, scenario_dir: Path = SCENARIO_DIR) -> list[Path]:
    written = []
    for start in START_YEARS:
        path = scenario_path(start, scenario_dir)
        path.write_text(scenario_text(start, data_dir), encoding="utf-8")
        written.append(path)
    return written


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description="Rebuild scenarios/data/ and scenarios/world_1990.yaml and "
        "world_2000.yaml from the sources."
    )
    parser.add_argument("source_dir", type=Path, help="folder holding the source files")
    parser.add_argument("--data-dir", type=Path, default=HERE, help="where the tables go")
    parser.add_argument(
        "--scenario-dir", type=Path, default=SCENARIO_DIR, help="where the scenarios go"
    )
    args = parser.parse_args(argv)
    try:
        written = derive(args.source_dir, args.data_dir)
    except (BuildError, OSError, pd.errors.ParserError) as error:
        print(f"error: {error}", file=sys.stderr)
        return 2
    for path in written.values():
        print(f"wrote {path}")
    for path in write_scenarios(args.data_dir, args.scenario_dir):
        print(f"wrote {path}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
