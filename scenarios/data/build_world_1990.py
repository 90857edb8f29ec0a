#!/usr/bin/env python3
"""Rebuild the world_1990 data and scenario from the source files.

    python scenarios/data/build_world_1990.py SOURCE_DIR [--data-dir DIR] [--scenario FILE]

SOURCE_DIR holds the three source files (see SOURCES.md):

    cow_nmc_v6_1980_2016.csv               COW National Material Capabilities v6.0
    dcad_v1_treaties_signed_1980_1990.csv  DCAD v1.0, bilateral DCAs signed 1980-1990
    dca_network_targets_1990_2010.csv      the observed DCA network, yearly 1990-2010

Two stages, both deterministic (the same sources give the same bytes):

1. `derive(source_dir, data_dir)` writes the small derived tables next to this script:
   `states_1990.csv` (the 165 state system members of 1990 with region and CINC),
   `dcad_v1_treaties_signed_1980_1990.csv` (the 117 treaties, unchanged),
   `dcas_active_1990.csv` (the treaties in force in 1990, with their mapping to the
   model's sector, depth, funding split, term and signed_step) and
   `dca_network_targets_1990_2010.csv` (the observed yearly figures, unchanged).
2. `scenario_text(data_dir)` writes `scenarios/world_1990.yaml` from the derived tables
   alone, so the scenario can be checked against the shipped data without the sources.

Mapping choices (repeated in the scenario's header):

* Region by COW code range (COW numbers states in regional blocks; SOURCES.md): 2-165
  Americas, 200-399 Europe, 400-626 Africa, 630-698 Middle East, 700-990 Asia and Oceania.
* Capability is the state's 1990 CINC, a share of the world total. The model uses only
  ratios of capabilities (pair shares, dominance, capability relative to the median:
  docs/MODEL.md, "Capability: arbitrary units"), so shares need no rescaling. A state
  whose 1990 CINC were missing (-9) would take its CINC from the nearest year with a
  value; NMC v6.0 has none missing in 1990, so this never applies.
* Names are COW state abbreviations (USA, UKG, RUS, ...): the sources carry no full names.
* A treaty is in force in 1990 when signYear <= 1990 <= endYearEstimate (the DCAD rule).
  Every such treaty becomes its own bilateral agreement; two or three treaties between
  one pair stay separate agreements (the schema allows it, and the observed count of
  active agreements counts treaties, not dyads).
* Sector from DCAD's category1 (model sectors in simulation/domain.py; the channels each
  opens in simulation/agreements.py):
    DCA         -> general     a general defense cooperation framework
    COMMISSION  -> general     a joint commission: consultation, the dialogue rung
    TREX        -> training    training and exercises: the training channel
    DIC         -> technology  defense-industrial cooperation (co-development,
                               co-production, licensing): technology transfer
    RESEARCH    -> technology  joint defense research and development
    PROCUREMENT -> arms        arms purchases, with training in their use (the arms
                               sector opens the technology channel 0.7, training 0.3)
  DCAD's `type` counts DIC agreements as general frameworks; the sector follows the
  category because it says which channel the treaty opens.
* Depth 1 (dialogue) for every agreement. DCAD v1.0 codes no depth of cooperation, and
  the model signs every new agreement at depth 1 and lets it climb when all members gain
  from the next rung: the agreements of 1990 start where the model's own would.
* Funding split from DCAD's asymmetry: 0 (symmetric obligations) -> equal; 1 or 2 (one
  side provides, the other receives) -> proportional, the stronger partner paying more.
  (A bilateral lead_nation split is the same as equal in the model.) Power asymmetry
  itself enters through the partners' CINC.
* Term from DCAD's span (the stated term in years). A span that is missing or a DCAD
  missing-value code (-77, -88) gives the median stated span of the treaties, 5 years,
  which is also the model's default term. endYearEstimate is kept in the table but not
  passed to the model: whether an agreement is renewed is the model's own decision.
* signed_step = signYear - 1990 (0 or negative: years before the run starts).
* No dispute-resolution provisions on the agreements of 1990: DCAD v1.0 does not code them.
"""

from __future__ import annotations

import argparse
import shutil
import sys
from pathlib import Path

import pandas as pd

YEAR = 1990
LAST_YEAR = 2010
SEED = 1990

HERE = Path(__file__).resolve().parent
SCENARIO = HERE.parent / "world_1990.yaml"

NMC_FILE = "cow_nmc_v6_1980_2016.csv"
TREATY_FILE = "dcad_v1_treaties_signed_1980_1990.csv"
TARGET_FILE = "dca_network_targets_1990_2010.csv"
STATES_FILE = "states_1990.csv"
ACTIVE_FILE = "dcas_active_1990.csv"

MISSING = -9  # COW NMC's missing value
# COW code ranges -> region, lowest code first (SOURCES.md, "Mapping choices")
REGIONS: tuple[tuple[int, int, str], ...] = (
    (2, 165, "Americas"),
    (200, 399, "Europe"),
    (400, 626, "Africa"),
    (630, 698, "Middle East"),
    (700, 990, "Asia and Oceania"),
)
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
# The model's parameters differ from their defaults only here (see the scenario header).
PARAMETERS: dict[str, float] = {"multilateralisation_rate": 0.0}

NMC_COLUMNS = ("stateabb", "ccode", "year", "cinc")
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


class BuildError(ValueError):
    """The source files are not what the build expects; the message is one line."""


# --- stage 1: the derived tables ---------------------------------------------------------


def region_of(ccode: int) -> str:
    """The region of a COW country code, by the ranges in SOURCES.md."""
    for low, high, name in REGIONS:
        if low <= ccode <= high:
            return name
    raise BuildError(f"COW code {ccode} falls in no region range")


def states(nmc: pd.DataFrame, year: int = YEAR) -> pd.DataFrame:
    """Every state system member of `year`: ccode, stateabb, name, region, cinc.

    A missing CINC (-9) takes the state's value from the nearest year that has one
    (the earlier year on a tie)."""
    _require(nmc, NMC_COLUMNS, NMC_FILE)
    rows = nmc[nmc["year"] == year].sort_values("ccode")
    if rows.empty:
        raise BuildError(f"{NMC_FILE}: no rows for {year}")
    if not rows["ccode"].is_unique:
        raise BuildError(f"{NMC_FILE}: a COW code appears twice in {year}")
    cinc = rows["cinc"].astype(float).to_numpy().copy()
    for k, (ccode, value) in enumerate(zip(rows["ccode"], cinc, strict=True)):
        if value == MISSING or value <= 0:
            known = nmc[(nmc["ccode"] == ccode) & (nmc["cinc"] > 0)]
            if known.empty:
                raise BuildError(f"{NMC_FILE}: state {ccode} has no CINC in any year")
            distance = (known["year"] - year).abs() * 2 + (known["year"] > year)
            cinc[k] = float(known.loc[distance.idxmin(), "cinc"])
    return pd.DataFrame(
        {
            "ccode": rows["ccode"].astype(int).to_numpy(),
            "stateabb": rows["stateabb"].to_numpy(),
            "name": rows["stateabb"].to_numpy(),
            "region": [region_of(int(c)) for c in rows["ccode"]],
            "cinc": cinc,
        }
    )


def active_in(treaties: pd.DataFrame, year: int = YEAR) -> pd.DataFrame:
    """The treaties in force in `year`: signYear <= year <= endYearEstimate (DCAD)."""
    _require(treaties, TREATY_COLUMNS, TREATY_FILE)
    live = (treaties["signYear"] <= year) & (year <= treaties["endYearEstimate"])
    return treaties[live]


def median_term(treaties: pd.DataFrame) -> int:
    """The median stated span of the treaties, in whole years (5 in DCAD v1.0)."""
    stated = treaties["span"][treaties["span"] > 0]
    if stated.empty:
        raise BuildError(f"{TREATY_FILE}: no treaty states a span")
    return round(float(stated.median()))


def agreements(treaties: pd.DataFrame, state_table: pd.DataFrame, year: int = YEAR):
    """The treaties in force in `year`, mapped to the model's agreement fields."""
    live = active_in(treaties, year).sort_values("DCAid")
    names = dict(zip(state_table["ccode"], state_table["name"], strict=True))
    for side in ("ccode1", "ccode2"):
        unknown = sorted(set(live[side]) - set(names))
        if unknown:
            raise BuildError(f"{TREATY_FILE}: {side} {unknown[0]} is not a state in {year}")
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
            "state1": live["ccode1"].map(names).to_numpy(),
            "ccode2": live["ccode2"].astype(int).to_numpy(),
            "state2": live["ccode2"].map(names).to_numpy(),
            "sign_year": live["signYear"].astype(int).to_numpy(),
            "end_year_estimate": live["endYearEstimate"].astype(int).to_numpy(),
            "category": live["category1"].to_numpy(),
            "span": span.to_numpy(),
            "asymmetry": live["asymmetry"].astype(int).to_numpy(),
            "sector": live["category1"].map(SECTOR_OF_CATEGORY).to_numpy(),
            "depth": DEPTH,
            "funding": live["asymmetry"].map(FUNDING_OF_ASYMMETRY).to_numpy(),
            "term": span.where(stated, default_term).astype(int).to_numpy(),
            "signed_step": (live["signYear"] - year).astype(int).to_numpy(),
        }
    )


def derive(source_dir: Path, data_dir: Path = HERE) -> dict[str, Path]:
    """Read the source files and write the derived tables to `data_dir`."""
    source_dir, data_dir = Path(source_dir), Path(data_dir)
    for name in (NMC_FILE, TREATY_FILE, TARGET_FILE):
        if not (source_dir / name).is_file():
            raise BuildError(f"{source_dir}: no {name} there")
    nmc = pd.read_csv(source_dir / NMC_FILE)
    treaties = pd.read_csv(source_dir / TREATY_FILE)
    targets = pd.read_csv(source_dir / TARGET_FILE)
    _require(targets, TARGET_COLUMNS, TARGET_FILE)
    state_table = states(nmc)
    active = agreements(treaties, state_table)
    data_dir.mkdir(parents=True, exist_ok=True)
    written = {
        "states": data_dir / STATES_FILE,
        "active": data_dir / ACTIVE_FILE,
        "treaties": data_dir / TREATY_FILE,
        "targets": data_dir / TARGET_FILE,
    }
    state_table.to_csv(written["states"], index=False, lineterminator="\n")
    active.to_csv(written["active"], index=False, lineterminator="\n")
    # the treaty and target files are small: shipped as they are
    shutil.copyfile(source_dir / TREATY_FILE, written["treaties"])
    shutil.copyfile(source_dir / TARGET_FILE, written["targets"])
    return written


def _require(frame: pd.DataFrame, columns: tuple[str, ...], source: str) -> None:
    missing = [c for c in columns if c not in frame.columns]
    if missing:
        raise BuildError(f"{source}: missing column(s) {', '.join(missing)}")


# --- stage 2: the scenario ---------------------------------------------------------------


def scenario_text(data_dir: Path = HERE) -> str:
    """The world_1990 scenario, as YAML text, from the derived tables in `data_dir`."""
    data_dir = Path(data_dir)
    state_table = pd.read_csv(data_dir / STATES_FILE, keep_default_na=False)
    active = pd.read_csv(data_dir / ACTIVE_FILE, keep_default_na=False)
    targets = pd.read_csv(data_dir / TARGET_FILE)
    first = targets.iloc[0]
    last = targets.iloc[-1]
    per_region = state_table["region"].value_counts()
    regions_text = ", ".join(f"{name} {per_region.get(name, 0)}" for _, _, name in REGIONS)
    by_category = active["category"].value_counts()
    categories_text = ", ".join(f"{c} {by_category.get(c, 0)}" for c in SECTOR_OF_CATEGORY)
    by_funding = active["funding"].value_counts()
    pairs = active.groupby(["ccode1", "ccode2"]).size()
    stated = int((pd.to_numeric(active["span"], errors="coerce") > 0).sum())
    header = f"""\
# yaml-language-server: $schema=scenario.schema.json
# World 1990: every state system member of 1990 and the defense cooperation agreements
# (DCAs) in force that year, run yearly to 2010 (step 0 is 1990, step 20 is 2010).
#
# GENERATED by scenarios/data/build_world_1990.py from the derived tables in
# scenarios/data/ (sources and citations: scenarios/data/SOURCES.md). Do not edit by
# hand: change the script and run
#     python scenarios/data/build_world_1990.py SOURCE_DIR
#
# What it explores: whether the model, started from the real network of 1990, grows
# the DCA network the way it actually grew (DCAD: {int(first.active_agreements)} \
agreements in force in 1990,
# {int(last.active_agreements)} in 2010). `python run.py hindcast` runs it over several \
seeds and compares it,
# year by year, with the observed network
# (scenarios/data/{TARGET_FILE}).
#
# Nations: the {len(state_table)} state system members of 1990 in COW National Material \
Capabilities
# v6.0 ({regions_text}),
# named by their COW abbreviation. 1990 counts every state that was a member at any
# time that year, as the observed figures do: both Germanys and united Germany (GFR,
# GDR, GMY), both Yemens and united Yemen (YAR, YPR, YEM). The model has no births of
# states, so the {int(last.states) - len(state_table)} states that joined the system by \
2010 (the Soviet and Yugoslav
# successors among them) are missing from the simulated world but not from the
# observed figures.
# - region by COW code range: 2-165 Americas, 200-399 Europe, 400-626 Africa,
#   630-698 Middle East, 700-990 Asia and Oceania;
# - capability = the 1990 CINC (a share of the world total; the model uses only
#   ratios of capabilities, so shares need no rescaling). No 1990 CINC is missing in
#   NMC v6.0 (the script would take the nearest year's);
# - sovereignty sensitivity, policy position and regional threat: the model's
#   defaults (0.4, 0.5, 0.3), as no source here measures them.
#
# Agreements: the {len(active)} DCAD v1.0 treaties in force in 1990
# (signYear <= 1990 <= endYearEstimate), each its own bilateral agreement, between
# {len(pairs)} pairs ({int((pairs > 1).sum())} pairs hold two or three treaties, kept \
as separate agreements).
# By category: {categories_text}.
# - sector from category: DCA and COMMISSION -> general, TREX -> training, DIC and
#   RESEARCH -> technology (defense-industrial cooperation and joint R&D open the
#   technology channel), PROCUREMENT -> arms;
# - depth 1 (dialogue) for all: DCAD codes no depth, and the model signs its own new
#   agreements at depth 1 and lets them climb;
# - funding from DCAD's asymmetry: 0 -> equal ({by_funding.get("equal", 0)}), 1 or 2 -> \
proportional ({by_funding.get("proportional", 0)}, the
#   stronger side pays more);
# - term from DCAD's span where stated ({stated} treaties); otherwise the median stated
#   span, 5 years; signed_step = signYear - 1990 (negative: signed before the run);
# - no dispute-resolution provisions (not coded in DCAD v1.0).
#
# Parameters: the model's defaults (one step is a year, the default term is the real
# median of 5 years), except multilateralisation_rate 0: DCAD counts bilateral
# agreements only, so the simulated network, like the observed one, has no pacts.
# These are uncalibrated defaults. world_1990_calibrated.yaml is this world with the
# parameters that set the network's growth and shape fitted to the observed
# 1990-2010 network (python run.py calibrate; see docs/MODEL.md, Validation).
#
# What to look at: step 0 reproduces the observed 1990 network exactly
# ({int(first.active_agreements)} agreements, {int(first.tied_dyads)} tied dyads, \
{int(first.states_with_dca)} states with a DCA, max degree {int(first.max_degree)},
# transitivity {first.transitivity}); after that compare the model table's active_agreements,
# network_density, nations_with_agreements, mean_degree, max_degree and transitivity
# with {TARGET_FILE} (`python run.py hindcast`).
"""
    lines = [
        header.rstrip("\n"),
        "name: world_1990",
        "description: >",
        f"  The {len(state_table)} state system members of 1990 (COW NMC v6.0: region by COW "
        "code, capability",
        f"  = CINC) and the {len(active)} bilateral DCAs in force in 1990 (DCAD v1.0), run "
        f"yearly from {YEAR}",
        f"  to {LAST_YEAR} for comparison with the observed growth of the DCA network.",
        f"seed: {SEED}",
        f"steps: {LAST_YEAR - YEAR}",
        "",
        "regions:",
    ]
    lines += [f"  - {{name: {name}, threat: 0.3}}" for _, _, name in REGIONS]
    lines += ["", f"nations:  # {len(state_table)}: COW code order; capability = CINC 1990"]
    for row in state_table.itertuples(index=False):
        lines.append(
            f"  - {{name: {_scalar(row.name)}, region: {row.region}, "
            f"capability: {_number(row.cinc)}}}  # {row.ccode}"
        )
    lines += [
        "",
        f"agreements:  # {len(active)} DCAD treaties in force in 1990, in DCAD id order",
    ]
    for row in active.itertuples(index=False):
        name = f"{row.state1}-{row.state2} {row.category} {row.sign_year}"
        lines.append(
            f"  - {{id: {row.dcad_id}, name: {_scalar(name)}, kind: bilateral, "
            f"sector: {row.sector}, depth: {row.depth}, "
            f"members: [{_scalar(row.state1)}, {_scalar(row.state2)}], "
            f"funding: {row.funding}, term: {row.term}, signed_step: {row.signed_step}}}"
        )
    lines += ["", "parameters:"]
    lines += [f"  {name}: {_number(value)}" for name, value in PARAMETERS.items()]
    return "\n".join(lines) + "\n"


def _scalar(text: str) -> str:
    """A YAML plain scalar when it reads back as the same string, else a quoted one."""
    import json

    import yaml

    plain = str(text)
    try:
        ok = yaml.safe_load(f"k: {plain}") == {"k": plain} and "," not in plain
    except yaml.YAMLError:
        ok = False
    return plain if ok else json.dumps(plain)


def _number(value: float) -> str:
    return repr(float(value))


def write_scenario(data_dir: Path = HERE, path: Path = SCENARIO) -> Path:
    Path(path).write_text(scenario_text(data_dir), encoding="utf-8")
    return Path(path)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description="Rebuild scenarios/data/ and scenarios/world_1990.yaml from the sources."
    )
    parser.add_argument("source_dir", type=Path, help="folder holding the three source files")
    parser.add_argument("--data-dir", type=Path, default=HERE, help="where the tables go")
    parser.add_argument("--scenario", type=Path, default=SCENARIO, help="the scenario file")
    args = parser.parse_args(argv)
    try:
        written = derive(args.source_dir, args.data_dir)
    except (BuildError, OSError, pd.errors.ParserError) as error:
        print(f"error: {error}", file=sys.stderr)
        return 2
    for path in written.values():
        print(f"wrote {path}")
    print(f"wrote {write_scenario(args.data_dir, args.scenario)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
