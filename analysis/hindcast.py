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
from simulation.palette import OBSERVED_COLOUR, SIMULATED_BAND_COLOUR, SIMULATED_COLOUR

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
TABLE_COLUMNS = (
    "year",
    "step",
    "measure",
    "observed",
    "simulated_mean",
    "simulated_min",
    "simulated_max",
    "simulated_sd",
    "runs",
)


class HindcastError(ValueError):
    """Bad hindcast input (a missing or malformed observed file, no years in common).
    The message is one line for the user."""


# --- scoring: reusable on any model tables ------------------------------------------------


def load_observed(path: str | Path = OBSERVED_FILE) -> pd.DataFrame:
    """The observed yearly figures: one row a year, `year`, `states` and every measure,
    all numbers, none missing. Anything else is a HindcastError of one line."""
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
    return frame.sort_values("year").reset_index(drop=True)


def measures_from_model(
    model: pd.DataFrame, nations: int, start_year: int = START_YEAR
) -> pd.DataFrame:
    """The observed file's measures from model tables (the `model` table of a run, or
    many runs stacked with key columns such as `seed` or `run_id`, which are kept).

    `nations` is the number of nations in the runs; step s is year `start_year` + s. The
    density is over the states in the system: where the table has their number (the
    `states` column), that is each step's n, else `nations`."""
    missing = [c for c in ("step", *MODEL_COLUMN.values()) if c not in model.columns]
    if missing:
        raise HindcastError(f"model table: missing column(s) {', '.join(missing)}")
    keys = [c for c in model.columns if c not in MODEL_COLUMNS]
    frame = model[keys].copy()
    frame["step"] = model["step"].astype(int)
    frame["year"] = start_year + frame["step"]
    states = model["states"].to_numpy() if "states" in model.columns else nations
    possible = states * (states - 1) / 2
    for measure in MEASURES:
        if measure == "tied_dyads":
            frame[measure] = np.rint(model["network_density"] * possible).astype(int)
        else:
            frame[measure] = model[MODEL_COLUMN[measure]].to_numpy()
    return frame[[*keys, "step", "year", *MEASURES]]


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
    long = sims.melt(id_vars=["year", "step"], value_vars=list(MEASURES), var_name="measure")
    grouped = long.groupby(["year", "step", "measure"], sort=False)["value"]
    table = grouped.agg(
        simulated_mean="mean",
        simulated_min="min",
        simulated_max="max",
        simulated_sd=lambda v: float(v.std(ddof=1)) if len(v) > 1 else 0.0,
        runs="count",
    ).reset_index()
    runs = sims[run_column].nunique() if run_column else 1
    if (table["runs"] != runs).any():
        raise HindcastError("the runs do not all cover the same years")
    observed_long = observed[observed["year"].isin(years)].melt(
        id_vars=["year"], value_vars=list(MEASURES), var_name="measure", value_name="observed"
    )
    table = table.merge(observed_long, on=["year", "measure"], how="left")
    table["order"] = table["measure"].map({m: k for k, m in enumerate(MEASURES)})
    table = table.sort_values(["year", "order"])
    return table[list(TABLE_COLUMNS)].reset_index(drop=True)


def score(
    table: pd.DataFrame,
    measures: Iterable[str] | None = None,
    skip_years: Iterable[int] = (START_YEAR,),
) -> pd.DataFrame:
    """Per measure, over the compared years: the RMSE of the simulated mean against the
    observed, normalised by the mean observed value (`nrmse`), and the mean signed
    error on the same scale (`bias`: positive when the model runs above the data).

    The start year is left out by default: the run starts from the observed network,
    so it matches by construction."""
    measures = list(MEASURES if measures is None else measures)
    unknown = [m for m in measures if m not in MEASURES]
    if unknown:
        raise HindcastError(f"unknown measure {unknown[0]!r}; expected one of {list(MEASURES)}")
    rows = table[table["measure"].isin(measures) & ~table["year"].isin(set(skip_years))]
    if rows.empty:
        raise HindcastError("no years to score after leaving out the start year")
    records = []
    for measure in measures:
        part = rows[rows["measure"] == measure]
        error = part["simulated_mean"] - part["observed"]
        scale = float(part["observed"].abs().mean()) or 1.0
        records.append(
            {
                "measure": measure,
                "years": len(part),
                "nrmse": float(np.sqrt((error**2).mean())) / scale,
                "bias": float(error.mean()) / scale,
            }
        )
    return pd.DataFrame(records)


def distance(table: pd.DataFrame, measures: Iterable[str] | None = None) -> float:
    """One number for calibration: the mean over measures of the normalised RMSE over the
    years after the start (0 is a perfect fit; 0.5 is off by half the observed level)."""
    return float(score(table, measures)["nrmse"].mean())


# --- the hindcast: runs made elsewhere, scored, drawn and written -------------------------


@dataclass
class Hindcast:
    """A hindcast's result: the comparison table, the per-run measures and the score."""

    scenario_name: str
    source: str
    seeds: list[int]
    steps: int
    nations: int
    overrides: dict[str, Any]
    runs: pd.DataFrame  # seed, step, year, every measure
    table: pd.DataFrame  # TABLE_COLUMNS
    scores: pd.DataFrame  # measure, years, nrmse, bias
    wall_seconds: float
    observed_states: dict[int, int] = field(default_factory=dict)
    image_error: str | None = None  # why `write` made no PNG, when it could not

    @property
    def distance(self) -> float:
        return float(self.scores["nrmse"].mean())

    def text(self) -> str:
        """Year by year, simulated mean over seeds against observed, then the score."""
        seeds = self.seeds
        seed_text = f"seed {seeds[0]}" if len(seeds) == 1 else f"seeds {seeds[0]}-{seeds[-1]}"
        lines = [
            f"{self.scenario_name} hindcast: {len(seeds)} run(s) ({seed_text}), "
            f"{self.steps} steps, {self.nations} nations, {self.wall_seconds:.1f} s",
            "each cell: simulated (mean over runs) / observed; min-max over runs in hindcast.csv",
        ]
        wide = self.table.pivot(index="year", columns="measure")
        cells: dict[str, list[str]] = {
            "states": [
                f"{self.nations} / {self.observed_states.get(int(year), '-')}"
                for year in wide.index
            ]
        }
        headers = {"states": "states"}
        for measure, (_, header, digits) in MEASURES.items():
            cells[measure] = [
                f"{_fmt(s, digits)} / {_fmt(o, digits)}"
                for s, o in zip(
                    wide[("simulated_mean", measure)], wide[("observed", measure)], strict=True
                )
            ]
            headers[measure] = header
        widths = {key: max(len(headers[key]), *map(len, column)) for key, column in cells.items()}
        lines.append("year  " + "  ".join(headers[k].rjust(widths[k]) for k in cells))
        for row, year in enumerate(wide.index):
            lines.append(f"{year}  " + "  ".join(cells[k][row].rjust(widths[k]) for k in cells))
        lines.append(
            "normalised RMSE over the years after the start (bias: + above the data, - below):"
        )
        for row in self.scores.itertuples(index=False):
            lines.append(
                f"  {MEASURES[row.measure][0]:<18} {row.nrmse:6.3f}   bias {row.bias:+7.3f}"
            )
        lines.append(f"distance (mean normalised RMSE)  {self.distance:.3f}")
        return "\n".join(lines)

    def figure(self):
        """One panel per measure: observed, and the simulated mean with its min-max band."""
        import plotly.graph_objects as go
        from plotly.subplots import make_subplots

        measures = list(MEASURES)
        columns = 2
        rows = (len(measures) + columns - 1) // columns
        fig = make_subplots(
            rows=rows,
            cols=columns,
            subplot_titles=[MEASURES[m][0] for m in measures],
            vertical_spacing=0.08,
            horizontal_spacing=0.08,
        )
        for k, measure in enumerate(measures):
            part = self.table[self.table["measure"] == measure]
            row, col = k // columns + 1, k % columns + 1
            first = k == 0
            fig.add_trace(
                go.Scatter(
                    x=list(part["year"]) + list(part["year"])[::-1],
                    y=list(part["simulated_max"]) + list(part["simulated_min"])[::-1],
                    fill="toself",
                    fillcolor=SIMULATED_BAND_COLOUR,
                    line={"width": 0},
                    hoverinfo="skip",
                    name="simulated min-max",
                    legendgroup="band",
                    showlegend=first,
                ),
                row=row,
                col=col,
            )
            fig.add_trace(
                go.Scatter(
                    x=part["year"],
                    y=part["simulated_mean"],
                    mode="lines",
                    line={"color": SIMULATED_COLOUR, "width": 2},
                    name="simulated mean",
                    legendgroup="mean",
                    showlegend=first,
                ),
                row=row,
                col=col,
            )
            fig.add_trace(
                go.Scatter(
                    x=part["year"],
                    y=part["observed"],
                    mode="lines+markers",
                    line={"color": OBSERVED_COLOUR, "width": 2},
                    marker={"size": 4},
                    name="observed (DCAD)",
                    legendgroup="observed",
                    showlegend=first,
                ),
                row=row,
                col=col,
            )
        fig.update_layout(
            title=(
                f"{self.scenario_name} hindcast: {len(self.seeds)} runs against the observed "
                f"DCA network (distance {self.distance:.3f})"
            ),
            width=1000,
            height=260 * rows + 80,
            template="plotly_white",
            legend={"orientation": "h", "x": 0.55, "y": 0.1, "xanchor": "left"},
            margin={"l": 50, "r": 20, "t": 70, "b": 40},
        )
        return fig

    def write(self, out: str | Path, image: bool = True) -> Path:
        """Write hindcast.csv (the comparison), hindcast_runs.csv (every run's measures),
        hindcast.json (the score and how it was made), hindcast.html and, with `image`,
        hindcast.png. Written beside `out` and renamed at the end, like a run folder.

        The PNG needs a renderer (kaleido and a browser) that may be missing or fail to
        start; the data and the HTML figure do not, so they are written regardless and
        `image_error` says, in one line, why the PNG is missing (None when it was made)."""
        out = Path(out)
        self.image_error = None
        # the command refused a non-empty `out` before running, so an empty one may go
        with atomic_folder(out) as staging:
            self.table.to_csv(staging / "hindcast.csv", index=False, lineterminator="\n")
            self.runs.to_csv(staging / "hindcast_runs.csv", index=False, lineterminator="\n")
            summary = {
                "scenario_name": self.scenario_name,
                "scenario_file": self.source,
                "seeds": self.seeds,
                "steps": self.steps,
                "nations": self.nations,
                "overrides": self.overrides,
                "distance": round(self.distance, 6),
                "scores": self.scores.round(6).to_dict(orient="records"),
                "wall_seconds": round(self.wall_seconds, 3),
            }
            (staging / "hindcast.json").write_text(json.dumps(summary, indent=2) + "\n")
            fig = self.figure()
            fig.write_html(staging / "hindcast.html", include_plotlyjs=True, full_html=True)
            if image:
                self.image_error = _write_png(fig, staging / "hindcast.png")
        return out

    @property
    def files(self) -> list[str]:
        """The files `write` made, in the order the command lists them."""
        written = ["hindcast.csv", "hindcast.png", "hindcast.html"]
        if self.image_error is not None:
            written.remove("hindcast.png")
        return written


def hindcast_from_runs(
    model_runs: pd.DataFrame,
    scenario: Scenario,
    observed: str | Path | pd.DataFrame = OBSERVED_FILE,
    *,
    source: str = "",
    overrides: Mapping[str, Any] | None = None,
    start_year: int = START_YEAR,
    wall_seconds: float = 0.0,
) -> Hindcast:
    """Score runs already made of `scenario` against the observed years: `model_runs` is
    their model tables stacked with a `seed` column (`simulation.sweeps.seeds.run_seeds`),
    step s being year `start_year` + s. `source` and `overrides` (dotted paths as for
    `run.py --set`) say where the scenario came from, and `wall_seconds` how long the
    runs took; both are only recorded."""
    if "seed" not in model_runs.columns:
        raise HindcastError("model runs: missing column seed")
    if model_runs.empty:
        raise HindcastError("model runs: no runs to score")
    observed_frame = observed if isinstance(observed, pd.DataFrame) else load_observed(observed)
    nations = len(scenario.nation_names())
    runs = measures_from_model(model_runs, nations, start_year)
    table = compare(runs, observed_frame, run_column="seed")
    return Hindcast(
        scenario_name=scenario.name,
        source=source,
        seeds=[int(seed) for seed in model_runs["seed"].unique()],
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
    )


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
