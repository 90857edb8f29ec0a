"""Hindcast: the world of 1990 run to 2010 over several seeds, against the observed network.

The simulation package makes the runs; this module scores, tabulates, draws and writes
them (`python run.py hindcast` does both steps):

    from simulation import load_scenario
    from simulation.sweeps.seeds import run_seeds
    from analysis.hindcast import hindcast_from_runs
    scenario = load_scenario("scenarios/world_1990.yaml")
    result = hindcast_from_runs(run_seeds(scenario, seeds=5), scenario)
    result.table      # year x measure: observed, simulated mean, min, max over seeds
    result.distance   # one number: mean over measures of the normalised RMSE over years
    result.write("results/hindcast")   # hindcast.csv, .png, .html, runs, score

The scoring steps work on any model tables, so a calibration sweep reuses them on its
own: `measures_from_model` turns model tables (one run or many, keyed by any columns)
into the observed file's measures, `compare` sets them against the observed years, and
`score` reduces the comparison to a distance.

Measures (the columns of `scenarios/data/dca_network_targets_1990_2010.csv`), each from
the model table of a run, one step a year from 1990:

| measure | observed (DCAD, every NMC system member of the year a node) | simulated |
|---|---|---|
| active_agreements | DCAs in force | `active_agreements` |
| tied_dyads | pairs of states sharing at least one DCA | `network_density` x n(n-1)/2 |
| density | tied dyads / (n(n-1)/2) | `network_density` |
| states_with_dca | states with at least one DCA | `nations_with_agreements` |
| mean_degree | 2 x tied dyads / n | `mean_degree` |
| max_degree | most partners of one state | `max_degree` |
| transitivity | global clustering: 3 x triangles / connected triples | `transitivity` |

n is each side's own number of states: the observed system grows from 165 states in
1990 to 195 in 2010, the simulated world keeps the 165 of 1990 (the model has no births
of states), so density and mean degree are each relative to their own n.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from simulation.atomic_write import atomic_folder
from simulation.outcomes import MODEL_COLUMNS
from simulation.palette import (
    OBSERVED_COLOUR,
    PERIOD_BOUNDARY_COLOUR,
    SIMULATED_BAND_COLOUR,
    SIMULATED_COLOUR,
)

if TYPE_CHECKING:
    from simulation.scenario import Scenario

ROOT = Path(__file__).resolve().parent.parent
OBSERVED_FILE = ROOT / "scenarios" / "data" / "dca_network_targets_1990_2010.csv"
# an observed file is one row a year (the shipped one is 21 rows, about 1 KB): a larger
# file is refused before it is read, so a stray dump or a device cannot fill the memory
OBSERVED_FILE_MAX_BYTES = 1_000_000
START_YEAR = 1990

# measure -> (its label in the figure, its header in the printed table, digits printed)
MEASURES: dict[str, tuple[str, str, int]] = {
    "active_agreements": ("active agreements", "agreements", 0),
    "tied_dyads": ("tied dyads", "tied dyads", 0),
    "density": ("density", "density", 4),
    "states_with_dca": ("states with a DCA", "with a DCA", 0),
    "mean_degree": ("mean degree", "mean degree", 2),
    "max_degree": ("max degree", "max degree", 0),
    "transitivity": ("transitivity", "transitivity", 3),
}
# model-table column behind each measure (tied_dyads is derived from the density)
MODEL_COLUMN = {
    "active_agreements": "active_agreements",
    "density": "network_density",
    "states_with_dca": "nations_with_agreements",
    "mean_degree": "mean_degree",
    "max_degree": "max_degree",
    "transitivity": "transitivity",
}
OBSERVED_COLUMNS = ("year", "states", *MEASURES)
# The structure measures of issue 13 beyond the yearly figures (max_degree is among
# those already): computed from a run's agreements and nations tables
# (analysis.network.structure_measures) and observed for 1990-2000 in STRUCTURE_FILE.
# Observed values may be missing (NaN) in some years: those years are not scored.
STRUCTURE: dict[str, tuple[str, str, int]] = {
    "agreements_per_tied_pair": ("agreements per tied pair", "agr/pair", 2),
    "cross_region_share_new": ("cross-region share of new ties", "cross-region", 2),
    "degree_assortativity": ("degree assortativity", "assortativity", 2),
    "share_start_in_force": ("share of the start's treaties in force", "start in force", 2),
    "closing_share_new": ("share of new ties closing a triangle", "closing", 2),
    "newcomer_share_new": ("share of new ties bringing a state in", "newcomer", 2),
    "shared_partners_new": ("partners shared per new tie", "shared", 2),
    "smaller_degree_new": ("partners of a new tie's less tied state", "smaller", 2),
}
# Crises against the militarised interstate disputes (issue 14): the yearly count of
# dyadic disputes begun, of those with the use of force (hostility 4-5), and of those
# with fatalities, observed for 1990-2000 in DISPUTES_FILE (GML MID 2.2.1; the disputes
# after 2000 are withheld, so the test years are held to the range of the fit years in
# TARGETS). The MID count one row a pair of states on opposite sides, so a state that
# joins a dispute adds a pair with each opponent: simulated, the model table's crises,
# crises_militarised and conflicts_escalated, each with the pairs the allies drawn in
# add (`allies_honoured`, who join only crises that came to force;
# `allies_in_fatal_crises`).
DISPUTES: dict[str, tuple[str, str, int]] = {
    "disputes": ("disputes begun a year (MID; model: crises)", "disputes", 1),
    "force_disputes": ("of them with force (hostility 4-5)", "force", 1),
    "fatal_disputes": ("of them fatal (model: escalated)", "fatal", 1),
}
DISPUTE_COLUMNS = {
    "disputes": ("crises", "allies_honoured"),
    "force_disputes": ("crises_militarised", "allies_honoured"),
    "fatal_disputes": ("conflicts_escalated", "allies_in_fatal_crises"),
}
ALL_MEASURES: dict[str, tuple[str, str, int]] = {**MEASURES, **STRUCTURE, **DISPUTES}
STRUCTURE_FILE = ROOT / "scenarios" / "data" / "dca_network_structure_1990_2000.csv"
DISPUTES_FILE = ROOT / "scenarios" / "data" / "mid_onsets_1990_2000.csv"
# The normalised RMSE divides by the mean observed level; a correlation near zero would
# make that scale, and the measure's weight, arbitrarily large, so it is floored.
SCALE_FLOOR: dict[str, float] = {"degree_assortativity": 0.1}
TABLE_COLUMNS = (
    "year",
    "step",
    "measure",
    "observed",
    "simulated_mean",
    "simulated_min",
    "simulated_max",
    "simulated_sd",
    "simulated_median",
    "simulated_q05",
    "simulated_q95",
    "runs",
)
# the fit and test periods of issue 13: calibrate on 1990-2000, test on 2001-2010 (the
# start year matches by construction and is scored in neither)
FIT_YEARS = (1991, 2000)
TEST_YEARS = (2001, 2010)


class HindcastError(ValueError):
    """Bad hindcast input (a missing or malformed observed file, no years in common).
    The message is one line for the user."""


# --- scoring: reusable on any model tables ------------------------------------------------


def load_observed(
    path: str | Path = OBSERVED_FILE,
    structure: str | Path | None = None,
    disputes: str | Path | None = None,
) -> pd.DataFrame:
    """The observed yearly figures: one row a year, `year`, `states` and every measure of
    MEASURES, all numbers, none missing; the STRUCTURE measures where the file, or the
    `structure` file (`load_structure`), gives them, NaN elsewhere (agreements per tied
    pair is derived from the figures where neither gives it); the DISPUTES counts in the
    years the `disputes` file (`load_disputes`) covers, NaN elsewhere. Anything else is
    a HindcastError of one line."""
    path = Path(path)
    try:
        size = path.stat().st_size
    except FileNotFoundError:
        raise HindcastError(f"{path}: observed file not found") from None
    except OSError as error:
        raise HindcastError(f"{path}: cannot read the observed file ({error})") from None
    # a device or a FIFO would be read forever: only a file of bounded size is read
    if path.is_dir():
        raise HindcastError(f"{path}: is a folder, expected an observed CSV file")
    if not path.is_file():
        raise HindcastError(f"{path}: not a regular file (a device or a pipe?), expected a CSV")
    if size > OBSERVED_FILE_MAX_BYTES:
        raise HindcastError(
            f"{path}: {size:,} bytes, more than the {OBSERVED_FILE_MAX_BYTES:,} an observed "
            "file may have (OBSERVED_FILE_MAX_BYTES in analysis/hindcast.py)"
        )
    try:
        frame = pd.read_csv(path)
    except pd.errors.EmptyDataError:
        raise HindcastError(
            f"{path}: the observed file is empty; expected a CSV with the columns "
            f"{', '.join(OBSERVED_COLUMNS)}"
        ) from None
    except (OSError, UnicodeDecodeError, pd.errors.ParserError) as error:
        raise HindcastError(f"{path}: cannot read the observed file ({error})") from None
    missing = [c for c in OBSERVED_COLUMNS if c not in frame.columns]
    if missing:
        raise HindcastError(f"{path}: missing column(s) {', '.join(missing)}")
    if frame.empty:
        raise HindcastError(f"{path}: no rows; expected one row a year")
    for column in OBSERVED_COLUMNS:
        numbers = pd.to_numeric(frame[column], errors="coerce")
        bad = numbers.isna() | ~np.isfinite(numbers.astype(float))
        if bad.any():
            row = int(np.flatnonzero(bad.to_numpy())[0])
            value = frame[column].iloc[row]
            got = "an empty cell" if pd.isna(value) else repr(str(value))
            raise HindcastError(
                f"{path}: row {row + 1} after the header, column {column}: "
                f"expected a number, got {got}"
            )
        frame[column] = numbers
    if frame["year"].duplicated().any():
        raise HindcastError(f"{path}: a year appears twice")
    for column in STRUCTURE:  # optional: a number, or empty where not observed
        if column in frame.columns:
            numbers = pd.to_numeric(frame[column], errors="coerce")
            bad = numbers.isna() & frame[column].notna()
            if bad.any():
                row = int(np.flatnonzero(bad.to_numpy())[0])
                raise HindcastError(
                    f"{path}: row {row + 1} after the header, column {column}: expected a "
                    f"number or an empty cell, got {str(frame[column].iloc[row])!r}"
                )
            frame[column] = numbers
    frame = frame.sort_values("year").reset_index(drop=True)
    if structure is not None:
        frame = _with_structure(frame, load_structure(structure))
    if "agreements_per_tied_pair" not in frame.columns:
        frame["agreements_per_tied_pair"] = np.nan
    # where no structure figure is given, the ratio of the yearly figures is the same measure
    derived = frame["active_agreements"] / frame["tied_dyads"].where(frame["tied_dyads"] > 0)
    frame["agreements_per_tied_pair"] = frame["agreements_per_tied_pair"].fillna(derived)
    for column in STRUCTURE:
        if column not in frame.columns:
            frame[column] = np.nan
    counts = load_disputes(disputes).set_index("year") if disputes is not None else None
    for column in DISPUTES:
        frame[column] = frame["year"].map(counts[column]) if counts is not None else np.nan
    return frame


def _read_side_file(path: Path, what: str) -> pd.DataFrame:
    """A small observed CSV beside the yearly figures (the `what` file), read whole; a
    missing, oversized or unreadable file is a HindcastError of one line."""
    if not path.is_file():
        raise HindcastError(f"{path}: observed {what} file not found")
    if path.stat().st_size > OBSERVED_FILE_MAX_BYTES:
        raise HindcastError(f"{path}: larger than {OBSERVED_FILE_MAX_BYTES:,} bytes")
    try:
        return pd.read_csv(path)
    except (OSError, UnicodeDecodeError, pd.errors.ParserError, pd.errors.EmptyDataError) as error:
        raise HindcastError(f"{path}: cannot read the {what} file ({error})") from None


def load_disputes(path: str | Path = DISPUTES_FILE) -> pd.DataFrame:
    """The observed DISPUTES counts a year from a file of dyadic disputes begun (one row
    a dispute and pair: `year`, `hostility` 1-5, `fatal` 0/1), every year from the first
    to the last present (a year without a dispute counts 0)."""
    path = Path(path)
    frame = _read_side_file(path, "disputes")
    for column in ("year", "hostility", "fatal"):
        if column not in frame.columns:
            raise HindcastError(f"{path}: missing column {column}")
        numbers = pd.to_numeric(frame[column], errors="coerce")
        if numbers.isna().any():
            row = int(np.flatnonzero(numbers.isna().to_numpy())[0])
            raise HindcastError(
                f"{path}: row {row + 1} after the header, column {column}: expected a number"
            )
        frame[column] = numbers
    if frame.empty:
        raise HindcastError(f"{path}: no disputes")
    years = pd.RangeIndex(int(frame["year"].min()), int(frame["year"].max()) + 1, name="year")
    grouped = frame.groupby("year")
    counts = pd.DataFrame(
        {
            "disputes": grouped.size(),
            "force_disputes": grouped["hostility"].apply(lambda h: int((h >= 4).sum())),
            "fatal_disputes": grouped["fatal"].apply(lambda f: int((f > 0).sum())),
        }
    )
    return counts.reindex(years, fill_value=0).astype(float).reset_index()


def load_structure(path: str | Path = STRUCTURE_FILE) -> pd.DataFrame:
    """The observed structure measures (`year` and the columns of
    analysis.network.STRUCTURE_MEASURES, empty cells allowed), one row a year."""
    from analysis.network import STRUCTURE_MEASURES

    path = Path(path)
    frame = _read_side_file(path, "structure")
    missing = [c for c in ("year", *STRUCTURE_MEASURES) if c not in frame.columns]
    if missing:
        raise HindcastError(f"{path}: missing column(s) {', '.join(missing)}")
    for column in ("year", *STRUCTURE_MEASURES):
        numbers = pd.to_numeric(frame[column], errors="coerce")
        if (numbers.isna() & frame[column].notna()).any() or frame["year"].isna().any():
            raise HindcastError(f"{path}: column {column}: expected numbers")
        frame[column] = numbers
    if frame["year"].duplicated().any():
        raise HindcastError(f"{path}: a year appears twice")
    return frame[["year", *STRUCTURE_MEASURES]]


def _with_structure(observed: pd.DataFrame, structure: pd.DataFrame) -> pd.DataFrame:
    """The observed figures with the structure file's measures filled in where the figures
    have none (max_degree is in both: the yearly figures' value is kept)."""
    frame = observed.copy()
    extra = structure.drop(columns="max_degree").set_index("year")
    for column in extra.columns:
        values = frame["year"].map(extra[column])
        frame[column] = frame[column].fillna(values) if column in frame.columns else values
    return frame


def measures_from_model(
    model: pd.DataFrame,
    nations: int,
    start_year: int = START_YEAR,
    structure: pd.DataFrame | None = None,
) -> pd.DataFrame:
    """The observed file's measures from model tables (the `model` table of a run, or
    many runs stacked with key columns such as `seed` or `run_id`, which are kept).

    `nations` is the number of nations in the runs; step s is year `start_year` + s. When
    the model table has a `states` column (a model with state births), tied dyads are
    counted over the states in the system that step. `structure`, the runs'
    `analysis.network.structure_measures` stacked with the same key columns, adds the
    STRUCTURE measures."""
    missing = [c for c in ("step", *MODEL_COLUMN.values()) if c not in model.columns]
    if missing:
        raise HindcastError(f"model table: missing column(s) {', '.join(missing)}")
    keys = [c for c in model.columns if c not in MODEL_COLUMNS and c != "states"]
    frame = model[keys].copy()
    frame["step"] = model["step"].astype(int)
    frame["year"] = start_year + frame["step"]
    states = model["states"].astype(float) if "states" in model.columns else float(nations)
    possible = states * (states - 1) / 2
    for measure in MEASURES:
        if measure == "tied_dyads":
            frame[measure] = np.rint(model["network_density"] * possible).astype(int)
        else:
            frame[measure] = model[MODEL_COLUMN[measure]].to_numpy()
    columns = [*keys, "step", "year", *MEASURES]
    disputes = [m for m, pair in DISPUTE_COLUMNS.items() if all(c in model.columns for c in pair)]
    for measure in disputes:
        counts = model[list(DISPUTE_COLUMNS[measure])].sum(axis=1).to_numpy(dtype=float)
        # step 0 is the start's network: no crisis has been drawn yet
        frame[measure] = np.where(frame["step"] == 0, np.nan, counts)
    if structure is not None:
        # the observed figures count bilateral DCAs: where the structure measures give
        # them from the runs' bilateral agreements, they replace the model table's, whose
        # network columns count a pact's ties too
        network = [m for m in MEASURES if m in structure.columns]
        extra = structure[[*keys, "step", *STRUCTURE, *network]]
        frame = frame.drop(columns=network).merge(
            extra, on=[*keys, "step"], how="left", validate="one_to_one"
        )
        columns += list(STRUCTURE)
    return frame[columns + disputes].reset_index(drop=True)


def compare(
    simulated: pd.DataFrame, observed: pd.DataFrame, run_column: str | None = "seed"
) -> pd.DataFrame:
    """Simulated against observed, tidy: one row a (year, measure) in the years both have,
    with the observed value and the mean, min, max and standard deviation over runs.

    `simulated` is `measures_from_model` output; `run_column` names the column that
    tells its runs apart (None: a single run)."""
    years = sorted(set(simulated["year"]) & set(observed["year"]))
    if not years:
        raise HindcastError(
            f"no year in common: simulated {simulated['year'].min()}-"
            f"{simulated['year'].max()}, observed {observed['year'].min()}-"
            f"{observed['year'].max()}"
        )
    sims = simulated[simulated["year"].isin(years)]
    measures = [m for m in ALL_MEASURES if m in sims.columns]
    long = sims.melt(id_vars=["year", "step"], value_vars=measures, var_name="measure")
    grouped = long.groupby(["year", "step", "measure"], sort=False)["value"]
    # NaN values (a share in a year without a signing, say) are left out of each figure
    table = grouped.agg(
        simulated_mean="mean",
        simulated_min="min",
        simulated_max="max",
        simulated_sd=lambda v: float(v.std(ddof=1)) if v.count() > 1 else 0.0,
        simulated_median="median",
        simulated_q05=lambda v: float(v.quantile(0.05)),
        simulated_q95=lambda v: float(v.quantile(0.95)),
        runs="size",
    ).reset_index()
    runs = sims[run_column].nunique() if run_column else 1
    if (table["runs"] != runs).any():
        raise HindcastError("the runs do not all cover the same years")
    observed = observed.copy()
    for measure in measures:
        if measure not in observed.columns:
            observed[measure] = np.nan
    observed_long = observed[observed["year"].isin(years)].melt(
        id_vars=["year"], value_vars=measures, var_name="measure", value_name="observed"
    )
    table = table.merge(observed_long, on=["year", "measure"], how="left")
    table["order"] = table["measure"].map({m: k for k, m in enumerate(ALL_MEASURES)})
    table = table.sort_values(["year", "order"])
    return table[list(TABLE_COLUMNS)].reset_index(drop=True)


def score(
    table: pd.DataFrame,
    measures: Iterable[str] | None = None,
    skip_years: Iterable[int] = (START_YEAR,),
    years: Iterable[int] | None = None,
) -> pd.DataFrame:
    """Per measure, over the compared years (only `years` when given): the RMSE of the
    simulated mean against the observed, normalised by the mean observed level (`nrmse`;
    the level floored by SCALE_FLOOR), and the mean signed error on the same scale
    (`bias`: positive when the model runs above the data).

    The start year is left out by default: the run starts from the observed network,
    so it matches by construction. Years without an observed value are not scored; a
    year with an observed value but no simulated one (a share in a year where no run
    signed anything) counts as an error of the whole scale. By default the measures are
    those of the table with an observed value in a scored year."""
    rows = table[~table["year"].isin(set(skip_years)) & table["observed"].notna()]
    if years is not None:
        rows = rows[rows["year"].isin(set(years))]
    if measures is None:
        present = set(rows["measure"])
        measures = [m for m in ALL_MEASURES if m in present]
    measures = list(measures)
    unknown = [m for m in measures if m not in ALL_MEASURES]
    if unknown:
        raise HindcastError(f"unknown measure {unknown[0]!r}; expected one of {list(ALL_MEASURES)}")
    rows = rows[rows["measure"].isin(measures)]
    if rows.empty:
        raise HindcastError("no years to score after leaving out the start year")
    records = []
    for measure in measures:
        part = rows[rows["measure"] == measure]
        scale = max(float(part["observed"].abs().mean()), SCALE_FLOOR.get(measure, 0.0))
        scale = scale or 1.0
        error = (part["simulated_mean"] - part["observed"]).fillna(scale)
        records.append(
            {
                "measure": measure,
                "years": len(part),
                "nrmse": float(np.sqrt((error**2).mean())) / scale if len(part) else np.nan,
                "bias": float(error.mean()) / scale if len(part) else np.nan,
            }
        )
    return pd.DataFrame(records)


def years_between(first_last: tuple[int, int]) -> list[int]:
    return list(range(first_last[0], first_last[1] + 1))


def parse_years(text: str, option: str) -> tuple[int, int]:
    """`1991-2000` (or one year, `2010`) as (first, last); a one-line HindcastError else."""
    parts = text.strip().split("-")
    try:
        numbers = [int(p) for p in parts]
    except ValueError:
        numbers = []
    if len(numbers) not in (1, 2) or numbers[0] > numbers[-1]:
        raise HindcastError(f"{option} {text}: expected FIRST-LAST years, e.g. 1991-2000")
    return numbers[0], numbers[-1]


def distance(table: pd.DataFrame, measures: Iterable[str] | None = None) -> float:
    """One number for calibration: the mean over measures of the normalised RMSE over the
    years after the start (0 is a perfect fit; 0.5 is off by half the observed level)."""
    return float(score(table, measures)["nrmse"].mean())


# --- the targets of issues 13 and 14 ---------------------------------------------------------------

# (target, measure, kind, bound): "relative" within bound x observed every test year;
# "absolute" within bound of observed every test year; "last" within bound x observed in
# the last test year; "range" every test year's value in [low, high]; "mean_range" the
# mean over the test years in [low, high]; "negative" every test year below zero.
TARGETS: tuple[tuple[str, str, str, Any], ...] = (
    ("density within 15% of observed, every year", "density", "relative", 0.15),
    ("states with a DCA within 15%, every year", "states_with_dca", "relative", 0.15),
    ("mean degree within 15%, every year", "mean_degree", "relative", 0.15),
    ("largest degree in the last year within 25%", "max_degree", "last", 0.25),
    (
        "agreements per tied pair 1.15-1.5, every year",
        "agreements_per_tied_pair",
        "range",
        (1.15, 1.5),
    ),
    (
        "cross-region share of new ties 0.35-0.65 (mean over years)",
        "cross_region_share_new",
        "mean_range",
        (0.35, 0.65),
    ),
    ("degree assortativity negative, every year", "degree_assortativity", "negative", None),
    ("transitivity within 0.1 of observed, every year", "transitivity", "absolute", 0.1),
    # issue 14: the disputes after 2000 are withheld, so each test year is held to the
    # range of the years 1991-2000
    (
        "disputes begun 24-74 a year (the range of 1991-2000), every year",
        "disputes",
        "range",
        (24, 74),
    ),
    (
        "fatal disputes 6-36 a year (the range of 1991-2000), every year",
        "fatal_disputes",
        "range",
        (6, 36),
    ),
)
TARGET_COLUMNS = ("target", "measure", "years", "simulated", "observed", "worst_year", "passed")
# issue 13: each target is judged on the mean of at least this many seeds
TARGET_MINIMUM_RUNS = 3


def check_targets(table: pd.DataFrame, years: Iterable[int]) -> pd.DataFrame:
    """Issue 13's targets (TARGETS) on `years` (the test years), from a `compare` table
    (simulated mean over runs against observed): one row a target with the figure checked
    (`simulated`: the worst year's value, or the mean), what it is checked against
    (`observed`: the observed value of that year, or the range), the worst year and
    whether it passed. A target without simulated or observed values in those years
    cannot pass (`passed` False, `simulated` NaN)."""
    years = sorted(set(years))
    records = []
    for target, measure, kind, bound in TARGETS:
        part = table[(table["measure"] == measure) & table["year"].isin(years)].set_index("year")
        record = {"target": target, "measure": measure, "years": f"{years[0]}-{years[-1]}"}
        simulated, observed = part["simulated_mean"], part["observed"]
        worst_year, value, against, passed = None, np.nan, np.nan, False
        if kind in ("relative", "absolute") and observed.notna().any():
            gap = (simulated - observed).abs()
            if kind == "relative":
                gap = gap / observed.abs()
            gap = gap.fillna(np.inf)
            worst_year = int(gap.idxmax())
            value, against = simulated[worst_year], observed[worst_year]
            passed = bool((gap <= bound + 1e-12).all())
        elif kind == "last" and years[-1] in part.index:
            worst_year = years[-1]
            value, against = simulated[worst_year], observed[worst_year]
            passed = bool(abs(value - against) <= bound * abs(against) + 1e-12)
        elif kind == "range" and simulated.notna().any():
            low, high = bound
            outside = (low - simulated).clip(lower=0) + (simulated - high).clip(lower=0)
            worst_year = int(outside.fillna(np.inf).idxmax())
            value, against = simulated[worst_year], f"{low:g}-{high:g}"
            passed = bool(simulated.between(low, high).all())
        elif kind == "mean_range" and simulated.notna().any():
            low, high = bound
            value, against = float(simulated.mean()), f"{low:g}-{high:g}"
            passed = bool(low <= value <= high)
        elif kind == "negative" and simulated.notna().any():
            worst_year = int(simulated.fillna(np.inf).idxmax())
            value, against = simulated[worst_year], "< 0"
            passed = bool((simulated < 0).all())
        records.append(
            record
            | {
                "simulated": float(value) if pd.notna(value) else np.nan,
                "observed": against,
                "worst_year": worst_year,
                "passed": passed,
            }
        )
    return pd.DataFrame(records, columns=list(TARGET_COLUMNS))


def targets_text(targets: pd.DataFrame, runs: int, rescaled_to: int | None = None) -> str:
    """The targets as printed: one line each, PASS or MISS with its figures."""
    passed = int(targets["passed"].sum())
    lines = [
        f"targets of issues 13 and 14 on the test years ({passed} of {len(targets)} met, mean of "
        f"{runs} run(s)):"
    ]
    if runs < TARGET_MINIMUM_RUNS:
        lines.append(f"  (the issue asks for the mean of at least {TARGET_MINIMUM_RUNS} seeds)")
    if rescaled_to is not None:
        lines.append(
            f"  (observed counts rescaled to the {rescaled_to} nations of a world without "
            "state births)"
        )
    for row in targets.itertuples(index=False):
        digits = ALL_MEASURES[row.measure][2]
        value = "-" if pd.isna(row.simulated) else f"{row.simulated:.{max(digits, 2)}f}"
        against = (
            row.observed
            if isinstance(row.observed, str)
            else ("-" if pd.isna(row.observed) else f"{row.observed:.{max(digits, 2)}f}")
        )
        when = (
            ""
            if row.worst_year is None or pd.isna(row.worst_year)
            else f" in {int(row.worst_year)}"
        )
        mark = "PASS" if row.passed else "MISS"
        lines.append(f"  {mark}  {row.target}: {value}{when} against {against}")
    return "\n".join(lines)


# --- the hindcast: runs made elsewhere, scored, drawn and written -------------------------


@dataclass
class Hindcast:
    """A hindcast's result: the comparison table, the per-run measures and the scores
    over all years and over the fit and test periods, and the targets of issues 13 and 14."""

    scenario_name: str
    source: str
    seeds: list[int]
    steps: int
    nations: int
    overrides: dict[str, Any]
    runs: pd.DataFrame  # seed, step, year, every measure
    table: pd.DataFrame  # TABLE_COLUMNS
    scores: pd.DataFrame  # measure, years, nrmse, bias (every year after the start)
    wall_seconds: float
    observed_states: dict[int, int] = field(default_factory=dict)
    image_error: str | None = None  # why `write` made no PNG, when it could not
    fit_years: tuple[int, int] = FIT_YEARS
    test_years: tuple[int, int] = TEST_YEARS
    period_scores: pd.DataFrame | None = None  # period, measure, years, nrmse, bias
    targets: pd.DataFrame | None = None  # TARGET_COLUMNS
    title: str | None = None  # the figure's title, when not a hindcast over seeds
    band_label: str = "runs"  # what the band is over ("runs", "posterior draws")
    rescaled_to: int | None = None  # the nations the targets' observed counts are set to
    # year -> states in the simulated system (mean over runs), for a world with state births
    simulated_states: dict[int, float] = field(default_factory=dict)

    @property
    def distance(self) -> float:
        return float(self.scores["nrmse"].mean())

    def period_distance(self, period: str) -> float:
        if self.period_scores is None:
            return float("nan")
        part = self.period_scores[self.period_scores["period"] == period]
        return float(part["nrmse"].mean()) if len(part) else float("nan")

    def text(self) -> str:
        """Year by year, simulated mean over seeds against observed, then the scores."""
        seeds = self.seeds
        seed_text = f"seed {seeds[0]}" if len(seeds) == 1 else f"seeds {seeds[0]}-{seeds[-1]}"
        lines = [
            f"{self.scenario_name} hindcast: {len(seeds)} run(s) ({seed_text}), "
            f"{self.steps} steps, {self.nations} nations, {self.wall_seconds:.1f} s",
            "each cell: simulated (mean over runs) / observed; median and 90% band over runs "
            "in hindcast.csv",
        ]
        wide = self.table.pivot(index="year", columns="measure")
        cells: dict[str, list[str]] = {
            "states": [
                f"{_fmt(self.simulated_states.get(int(year), self.nations), 0)} / "
                f"{self.observed_states.get(int(year), '-')}"
                for year in wide.index
            ]
        }
        headers = {"states": "states"}
        present = set(self.table["measure"])
        for measure, (_, header, digits) in ALL_MEASURES.items():
            if measure not in present:
                continue
            cells[measure] = [
                f"{_fmt(s, digits)} / {_fmt(o, digits)}"
                for s, o in zip(
                    wide[("simulated_mean", measure)], wide[("observed", measure)], strict=True
                )
            ]
            headers[measure] = header
        widths = {key: max(len(headers[key]), *map(len, column)) for key, column in cells.items()}
        # two blocks, the yearly figures and the structure measures, so that each fits a
        # terminal's width
        for block in (["states", *MEASURES], list(STRUCTURE), list(DISPUTES)):
            keys = [k for k in block if k in cells]
            if not keys:
                continue
            lines.append("year  " + "  ".join(headers[k].rjust(widths[k]) for k in keys))
            for row, year in enumerate(wide.index):
                lines.append(f"{year}  " + "  ".join(cells[k][row].rjust(widths[k]) for k in keys))
        lines.append(
            "normalised RMSE over the years after the start (bias: + above the data, - below):"
        )
        for row in self.scores.itertuples(index=False):
            lines.append(
                f"  {ALL_MEASURES[row.measure][0]:<38} {row.nrmse:6.3f}   bias {row.bias:+7.3f}"
            )
        lines.append(f"distance (mean normalised RMSE)  {self.distance:.3f}")
        if self.period_scores is not None and len(self.period_scores):
            lines.append(
                f"by period: fit {self.fit_years[0]}-{self.fit_years[1]}, test "
                f"{self.test_years[0]}-{self.test_years[1]} (normalised RMSE)"
            )
            wide_scores = self.period_scores.pivot(
                index="measure", columns="period", values="nrmse"
            )
            for measure in [m for m in ALL_MEASURES if m in wide_scores.index]:
                fit = wide_scores.loc[measure].get("fit", np.nan)
                test = wide_scores.loc[measure].get("test", np.nan)
                lines.append(
                    f"  {ALL_MEASURES[measure][0]:<38} fit {_fmt(fit, 3):>6}   test {_fmt(test, 3):>6}"
                )
            lines.append(
                f"distance: fit {_fmt(self.period_distance('fit'), 3)}, "
                f"test {_fmt(self.period_distance('test'), 3)}"
            )
        if self.targets is not None:
            lines.append(targets_text(self.targets, len(self.seeds), self.rescaled_to))
        return "\n".join(lines)

    def figure(self):
        """One panel per measure: the observed values over the median of the runs and
        their 90% band (5th to 95th percentile), the fit/test boundary marked."""
        import plotly.graph_objects as go
        from plotly.subplots import make_subplots

        present = set(self.table["measure"])
        measures = [m for m in ALL_MEASURES if m in present]
        columns = 3 if len(measures) > 8 else 2
        rows = (len(measures) + columns - 1) // columns
        fig = make_subplots(
            rows=rows,
            cols=columns,
            subplot_titles=[ALL_MEASURES[m][0] for m in measures],
            vertical_spacing=0.3 / rows,
            horizontal_spacing=0.06,
        )
        boundary = self.fit_years[1] + 0.5
        years = self.table["year"]
        show_boundary = years.min() < boundary < years.max()
        for k, measure in enumerate(measures):
            part = self.table[self.table["measure"] == measure]
            row, col = k // columns + 1, k % columns + 1
            first = k == 0
            band = part.dropna(subset=["simulated_q05", "simulated_q95"])
            fig.add_trace(
                go.Scatter(
                    x=list(band["year"]) + list(band["year"])[::-1],
                    y=list(band["simulated_q95"]) + list(band["simulated_q05"])[::-1],
                    fill="toself",
                    fillcolor=SIMULATED_BAND_COLOUR,
                    line={"width": 0},
                    hoverinfo="skip",
                    name=f"simulated 90% band over {self.band_label}",
                    legendgroup="band",
                    showlegend=first,
                ),
                row=row,
                col=col,
            )
            fig.add_trace(
                go.Scatter(
                    x=part["year"],
                    y=part["simulated_median"],
                    mode="lines",
                    line={"color": SIMULATED_COLOUR, "width": 2},
                    name="simulated median",
                    legendgroup="median",
                    showlegend=first,
                ),
                row=row,
                col=col,
            )
            observed = part.dropna(subset=["observed"])
            fig.add_trace(
                go.Scatter(
                    x=observed["year"],
                    y=observed["observed"],
                    mode="lines+markers",
                    line={"color": OBSERVED_COLOUR, "width": 2},
                    marker={"size": 5},
                    name="observed (DCAD; disputes: MID)",
                    legendgroup="observed",
                    showlegend=first,
                ),
                row=row,
                col=col,
            )
            if show_boundary:
                fig.add_vline(
                    x=boundary,
                    line={"color": PERIOD_BOUNDARY_COLOUR, "width": 1, "dash": "dash"},
                    row=row,
                    col=col,
                )
        if show_boundary:
            fig.add_annotation(
                x=boundary,
                y=0.02,
                xref="x",
                yref="y domain",
                text="fit ◂ ▸ test",
                showarrow=False,
                yanchor="bottom",
                font={"size": 10, "color": PERIOD_BOUNDARY_COLOUR},
            )
        distance = (
            f"distance fit {self.period_distance('fit'):.3f}, test "
            f"{self.period_distance('test'):.3f}"
            if self.period_scores is not None and len(self.period_scores)
            else f"distance {self.distance:.3f}"
        )
        fig.update_layout(
            title=(
                self.title
                or f"{self.scenario_name} hindcast: {len(self.seeds)} runs against the "
                f"observed DCA network ({distance})"
            ),
            width=1200 if columns == 3 else 1000,
            height=230 * rows + 120,
            template="plotly_white",
            legend={"orientation": "h", "x": 0.0, "y": -0.04, "yanchor": "top"},
            margin={"l": 50, "r": 20, "t": 80, "b": 60},
        )
        return fig

    def write(self, out: str | Path, image: bool = True) -> Path:
        """Write hindcast.csv (the comparison), hindcast_runs.csv (every run's measures),
        hindcast.json (the scores and how they were made), targets.csv (issue 13's
        targets, when checked), hindcast.html and, with `image`, hindcast.png. Written
        beside `out` and renamed at the end, like a run folder.

        The PNG needs a renderer (kaleido and a browser) that may be missing or fail to
        start; the data and the HTML figure do not, so they are written regardless and
        `image_error` says, in one line, why the PNG is missing (None when it was made)."""
        out = Path(out)
        with atomic_folder(out) as staging:
            self.write_into(staging, image)
        return out

    def write_into(self, folder: Path, image: bool = True, prefix: str = "hindcast") -> None:
        """The files of `write`, into an existing folder, named `prefix`.csv and so on."""
        self.image_error = None
        self.table.to_csv(folder / f"{prefix}.csv", index=False, lineterminator="\n")
        self.runs.to_csv(folder / f"{prefix}_runs.csv", index=False, lineterminator="\n")
        summary = {
            "scenario_name": self.scenario_name,
            "scenario_file": self.source,
            "seeds": self.seeds,
            "steps": self.steps,
            "nations": self.nations,
            "overrides": self.overrides,
            "distance": round(self.distance, 6),
            "scores": self.scores.round(6).to_dict(orient="records"),
            "fit_years": list(self.fit_years),
            "test_years": list(self.test_years),
            "fit_distance": _rounded(self.period_distance("fit")),
            "test_distance": _rounded(self.period_distance("test")),
            "period_scores": (
                []
                if self.period_scores is None
                else json.loads(self.period_scores.round(6).to_json(orient="records"))
            ),
            "wall_seconds": round(self.wall_seconds, 3),
        }
        if self.targets is not None:
            summary["targets"] = json.loads(self.targets.to_json(orient="records"))
            self.targets.to_csv(folder / "targets.csv", index=False, lineterminator="\n")
        (folder / f"{prefix}.json").write_text(json.dumps(summary, indent=2) + "\n")
        fig = self.figure()
        fig.write_html(folder / f"{prefix}.html", include_plotlyjs=True, full_html=True)
        if image:
            self.image_error = _write_png(fig, folder / f"{prefix}.png")

    @property
    def files(self) -> list[str]:
        """The files `write` made, in the order the command lists them."""
        written = ["hindcast.csv", "hindcast.png", "hindcast.html"]
        if self.targets is not None:
            written.append("targets.csv")
        if self.image_error is not None:
            written.remove("hindcast.png")
        return written


def comparable_observed(
    model_runs: pd.DataFrame, observed: pd.DataFrame, nations: int
) -> tuple[pd.DataFrame, bool]:
    """The observed figures as the runs can be held to them, and whether they were
    rescaled: as published when the runs count the states in the system (a `states`
    column: a model with state births), else set to the runs' fixed number of nations
    (`rescale_observed`)."""
    if "states" in model_runs.columns:
        return observed, False
    return rescale_observed(observed, nations), True


def rescale_observed(observed: pd.DataFrame, nations: int) -> pd.DataFrame:
    """The observed figures set to a system of `nations` states, for a world without state
    births, assuming the states born later are tied like the others on average: counts
    of pairs x pairs(nations) / pairs(states), counts of states x nations / states,
    degrees x (nations - 1) / (states - 1); density, transitivity and the structure
    measures (ratios, shares, a correlation) unchanged."""
    if nations < 2:
        raise HindcastError(f"nations: expected at least 2, got {nations}")
    frame = observed.copy()
    states = frame["states"].astype(float)
    pairs = nations * (nations - 1) / (states * (states - 1))
    for column in ("active_agreements", "tied_dyads", *DISPUTES):
        if column in frame.columns:
            frame[column] = frame[column] * pairs
    frame["states_with_dca"] = frame["states_with_dca"] * nations / states
    for column in ("mean_degree", "max_degree"):
        frame[column] = frame[column] * (nations - 1) / (states - 1)
    frame["states"] = nations
    return frame


def hindcast_from_runs(
    model_runs: pd.DataFrame,
    scenario: Scenario,
    observed: str | Path | pd.DataFrame = OBSERVED_FILE,
    *,
    source: str = "",
    overrides: Mapping[str, Any] | None = None,
    start_year: int = START_YEAR,
    wall_seconds: float = 0.0,
    structure_runs: pd.DataFrame | None = None,
    fit_years: tuple[int, int] = FIT_YEARS,
    test_years: tuple[int, int] = TEST_YEARS,
    run_column: str = "seed",
) -> Hindcast:
    """Score runs already made of `scenario` against the observed years: `model_runs` is
    their model tables stacked with a `seed` column (`simulation.sweeps.seeds.run_seeds`),
    step s being year `start_year` + s; `structure_runs` their structure measures
    (`analysis.network.structure_measures`) with the same `seed` column. `source` and
    `overrides` (dotted paths as for `run.py --set`) say where the scenario came from,
    and `wall_seconds` how long the runs took; both are only recorded.

    The table and `scores` are against the observed figures as published. The fit and
    test scores and the targets are against `comparable_observed` (rescaled to the
    runs' nations for a world without state births)."""
    if run_column not in model_runs.columns:
        raise HindcastError(f"model runs: missing column {run_column}")
    if model_runs.empty:
        raise HindcastError("model runs: no runs to score")
    observed_frame = observed if isinstance(observed, pd.DataFrame) else load_observed(observed)
    nations = len(scenario.nation_names())
    runs = measures_from_model(model_runs, nations, start_year, structure=structure_runs)
    table = compare(runs, observed_frame, run_column=run_column)
    held_to, rescaled = comparable_observed(model_runs, observed_frame, nations)
    comparable = compare(runs, held_to, run_column=run_column)
    periods = []
    for period, span in (("fit", fit_years), ("test", test_years)):
        try:
            part = score(comparable, years=years_between(span), skip_years=(start_year,))
        except HindcastError:
            continue  # no observed year in the period
        periods.append(part.assign(period=period))
    period_scores = (
        pd.concat(periods, ignore_index=True)[["period", "measure", "years", "nrmse", "bias"]]
        if periods
        else None
    )
    test = set(years_between(test_years)) & set(comparable["year"])
    targets = check_targets(comparable, test) if test else None
    return Hindcast(
        scenario_name=scenario.name,
        source=source,
        seeds=[int(seed) for seed in model_runs[run_column].unique()],
        steps=scenario.steps,
        nations=nations,
        overrides=dict(overrides or {}),
        runs=runs,
        table=table,
        scores=score(table, skip_years=(start_year,)),
        wall_seconds=wall_seconds,
        observed_states=dict(
            zip(observed_frame["year"].astype(int), observed_frame["states"].astype(int))
        ),
        fit_years=fit_years,
        test_years=test_years,
        period_scores=period_scores,
        targets=targets,
        rescaled_to=nations if rescaled else None,
        simulated_states=(
            {
                start_year + int(step): float(count)
                for step, count in model_runs.groupby("step")["states"].mean().items()
            }
            if "states" in model_runs.columns
            else {}
        ),
    )


def _rounded(value: float) -> float | None:
    return None if value != value else round(value, 6)


def _write_png(fig, path: Path) -> str | None:
    """Draw `fig` to `path`; on failure remove what was drawn and return the reason in
    one line. Any exception counts: the renderer's own errors have no common type."""
    try:
        fig.write_image(path, width=1000, height=fig.layout.height)
    except Exception as error:  # noqa: BLE001 - see the docstring
        path.unlink(missing_ok=True)
        lines = str(error).strip().splitlines()
        return f"{type(error).__name__}: {lines[0]}" if lines else type(error).__name__
    return None


def _fmt(value: float, digits: int) -> str:
    if pd.isna(value):
        return "-"
    return f"{value:.{digits}f}"
