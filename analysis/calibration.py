"""Calibration by ABC-SMC (pyabc), fitted on 1991-2000 and tested on 2001-2010.

    python run.py calibrate scenarios/sweeps/world_1990_calibration.yaml \
        --population 200 --generations 8 --workers 2 --out results/world_1990_abc

**Prior.** The sweep file's parameter ranges (`analysis.abc.prior_of`): uniform on a
range, log-uniform or normal as its distribution says, equally likely whole numbers for a
whole-number parameter. Only its base scenario, its `parameters` and its `seed` are used:
its design and sample size are for a sweep, not for ABC.

**Simulator and distance.** A particle is run `replicates` times (default: the sweep's
replicates; model seeds derived from the particle and the seed, `analysis.abc.
particle_seed`) up to the last fit year; its summary is the replicate mean of each
measure (`CALIBRATION_MEASURES`) each fit year. The distance is the hindcast's: per
measure the RMSE over the fit years normalised by the mean observed level, then the mean
over measures (`analysis.abc.Distance`). Test years are never seen by the fit.

**ABC-SMC.** pyabc's sequential Monte Carlo: generation 0 samples the prior, each later
one perturbs particles of the last and accepts those within a threshold that falls to
the median distance of the last generation; it stops after `generations` generations,
at `min_distance`, or at `max_simulations`. The last generation, weighted, is the
posterior; its weighted median is the fitted value written into the scenario.

**Afterwards.** `draws` particles, drawn from the posterior by weight, are run over every
year (the posterior predictive: median and 90% band per measure and year); the fitted
scenario is run for `check_seeds` seeds over every year, and the targets of issues 13 and 14 are
checked on the test years (`analysis.hindcast.check_targets`).

**Observed counts** are compared as published when the model counts the states in the
system (its model table has `states`); for a world without state births they are set to
its fixed number of nations (`analysis.hindcast.rescale_observed`).

**Reproducible**: same sweep file, seed and options, same posterior, on any backend
(`analysis.abc` module notes).
"""

from __future__ import annotations

import functools
import json
import math
import os
import re
import textwrap
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import yaml

from analysis.abc import (
    Distance,
    PriorError,
    Simulator,
    observed_summary,
    particle_seed,
    prior_of,
    run_tables,
    seeded_sampler,
)
from analysis.hindcast import (
    ALL_MEASURES,
    FIT_YEARS,
    MEASURES,
    OBSERVED_FILE,
    START_YEAR,
    TEST_YEARS,
    Hindcast,
    HindcastError,
    comparable_observed,
    hindcast_from_runs,
    load_observed,
    years_between,
)
from simulation.atomic_write import atomic_file

ROOT = Path(__file__).resolve().parent.parent
SCHEMA_FILE = ROOT / "scenarios" / "scenario.schema.json"
CALIBRATION_MEASURES: tuple[str, ...] = (
    "density",
    "states_with_dca",
    "max_degree",
    "transitivity",
    "agreements_per_tied_pair",
    "cross_region_share_new",
    "degree_assortativity",
    "share_start_in_force",
    "closing_share_new",
    "newcomer_share_new",
    "shared_partners_new",
    "smaller_degree_new",
)
# the seeds of the posterior predictive runs are particle seeds of replicates from here on,
# apart from any replicate the fit ran
PREDICTIVE_REPLICATE = 1 << 20
# top-level scenario fields written as one `key: value` line, which the fitted file can
# replace in place (anything else set by the sweep makes it write the whole mapping)
SCALAR_FIELDS = ("name", "seed", "steps")


class CalibrationError(ValueError):
    """Bad calibration input (not a calibration sweep, years the data do not cover, a
    world that does not start from the observed network). One line for the user."""


@dataclass(frozen=True)
class Settings:
    """How the ABC-SMC runs (the `calibrate` command's options)."""

    population: int = 100
    generations: int = 6
    min_distance: float = 0.0
    max_simulations: int | None = None
    replicates: int | None = None  # None: the sweep's replicates
    fit_years: tuple[int, int] = FIT_YEARS
    test_years: tuple[int, int] = TEST_YEARS
    measures: tuple[str, ...] = CALIBRATION_MEASURES
    draws: int = 50
    check_seeds: int = 5
    seed: int | None = None  # None: the sweep's seed


def run_forward(scenario_data: dict, source: str, steps: int, task: tuple) -> tuple:
    """One full run for the predictive draws or the check: (key, values, seed) in, the
    key, the model table and the structure measures out. At module level: picklable."""
    key, values, seed = task
    model, structure = run_tables(scenario_data, values, seed, steps, source)
    return key, model, structure.drop(columns="year")


def stacked_runs(results: list[tuple], column: str) -> tuple[pd.DataFrame, pd.DataFrame]:
    models, structures = [], []
    for key, model, structure in results:
        models.append(model.assign(**{column: key})[[column, *model.columns]])
        structures.append(structure.assign(**{column: key})[[column, *structure.columns]])
    return pd.concat(models, ignore_index=True), pd.concat(structures, ignore_index=True)


@dataclass
class Calibration:
    """An ABC-SMC calibration: its generations, posterior, fitted values, posterior
    predictive and the fitted scenario's check against the targets."""

    plan: Any  # simulation.sweeps.plan.SweepPlan
    base_file: Path
    settings: Settings
    seed: int
    replicates: int
    nations: int
    bounds: dict[str, tuple[float, float]]
    integers: list[str]
    rescaled: bool
    generations: pd.DataFrame  # t, epsilon, samples, particles
    posterior: pd.DataFrame  # the last generation: parameters, weight, distance
    fitted: dict[str, Any]
    predictive: Hindcast
    check: Hindcast
    backend: str
    wall_seconds: float
    database: str = "abc.db"
    observed_file: str = ""
    failed: list[str] = field(default_factory=list)
    # the code the particles ran, read when the calibration started ('+dirty' with
    # uncommitted changes): commits made while it ran do not change it
    revision: str = "unknown"

    @property
    def parameters(self) -> list[str]:
        return list(self.plan.parameters)

    @property
    def posterior_summary(self) -> pd.DataFrame:
        """Per parameter: its prior bounds, the posterior's weighted 5%, 25%, 50%, 75%
        and 95% points, and the fitted value."""
        weights = self.posterior["weight"].to_numpy()
        records = []
        for name in self.parameters:
            values = self.posterior[name].to_numpy(dtype=float)
            low, high = self.bounds[name]
            record = {"parameter": name, "prior_low": low, "prior_high": high}
            for label, q in (
                ("q05", 0.05),
                ("q25", 0.25),
                ("median", 0.5),
                ("q75", 0.75),
                ("q95", 0.95),
            ):
                record[label] = weighted_quantile(values, weights, q)
            record["fitted"] = self.fitted[name]
            records.append(record)
        return pd.DataFrame(records)

    def text(self) -> str:
        s = self.settings
        fit, test = s.fit_years, s.test_years
        last = self.generations.iloc[-1]
        lines = [
            f"{self.plan.sweep.name}: ABC-SMC (pyabc) over {len(self.parameters)} parameters "
            f"of {self.plan.scenario_names[0]}, seed {self.seed}, {self.backend}, "
            f"{self.wall_seconds:.1f} s",
            f"fitted on {fit[0]}-{fit[1]}; tested on {test[0]}-{test[1]} (never seen by the fit)",
            "scored on " + ", ".join(ALL_MEASURES[m][0] for m in s.measures),
            f"  (mean over measures of the normalised RMSE of the mean of {self.replicates} "
            "run(s) a particle; observed counts "
            + (
                f"rescaled to the {self.nations} simulated states)"
                if self.rescaled
                else "as published)"
            ),
            "generations (threshold: the largest distance accepted):",
            "     t  threshold  simulations  particles",
        ]
        for row in self.generations.itertuples(index=False):
            lines.append(f"  {row.t:>4}  {row.epsilon:9.3f}  {row.samples:>11}  {row.particles:>9}")
        lines.append(
            f"posterior: generation {int(last['t'])}, {len(self.posterior)} particles "
            f"(weighted; distance {self.posterior['distance'].min():.3f}-"
            f"{self.posterior['distance'].max():.3f})"
        )
        lines.append(
            f"  {'parameter':<30} {'prior':>11}  {'90% interval':>15}  {'median':>7}  {'fitted':>7}"
        )
        for row in self.posterior_summary.itertuples(index=False):
            prior = f"{_short(row.prior_low)}-{_short(row.prior_high)}"
            band = f"{_short(row.q05)}-{_short(row.q95)}"
            lines.append(
                f"  {row.parameter:<30} {prior:>11}  {band:>15}  {_short(row.median):>7}  "
                f"{_short(row.fitted):>7}"
            )
        lines.append(
            f"posterior predictive ({len(self.predictive.seeds)} draws): distance fit "
            f"{self.predictive.period_distance('fit'):.3f}, test "
            f"{self.predictive.period_distance('test'):.3f}"
        )
        lines.append(
            f"fitted scenario over {len(self.check.seeds)} seeds: distance fit "
            f"{self.check.period_distance('fit'):.3f}, test "
            f"{self.check.period_distance('test'):.3f}"
        )
        scores = self.check.period_scores
        if scores is not None:
            wide = scores.pivot(index="measure", columns="period", values="nrmse")
            for measure in [m for m in ALL_MEASURES if m in wide.index]:
                mark = "*" if measure in s.measures else " "
                fit_value = wide.loc[measure].get("fit", np.nan)
                test_value = wide.loc[measure].get("test", np.nan)
                lines.append(
                    f"  {mark} {ALL_MEASURES[measure][0]:<38} fit {_number(fit_value):>6}  "
                    f"test {_number(test_value):>6}"
                )
            lines.append("  (* scored in the fit)")
        if self.check.targets is not None:
            from analysis.hindcast import targets_text

            lines.append(
                targets_text(self.check.targets, len(self.check.seeds), self.check.rescaled_to)
            )
        return "\n".join(lines)

    # ---------------------------------------------------------------- writing

    def write_tables(self, folder: Path) -> None:
        """posterior.csv, posterior_summary.csv, generations.csv, the predictive
        (predictive.csv/.png/.html/.json, predictive_runs.csv), the check
        (check.csv/.json/..., targets.csv) and calibration.json into `folder`."""
        self.posterior.to_csv(folder / "posterior.csv", index=False, lineterminator="\n")
        self.posterior_summary.to_csv(
            folder / "posterior_summary.csv", index=False, lineterminator="\n"
        )
        self.generations.to_csv(folder / "generations.csv", index=False, lineterminator="\n")
        self.predictive.write_into(folder, prefix="predictive")
        self.check.write_into(folder, image=False, prefix="check")
        s = self.settings
        summary = {
            "sweep_file": _relative(self.plan.source),
            "seed": self.seed,
            "settings": {
                "population": s.population,
                "generations": s.generations,
                "min_distance": s.min_distance,
                "max_simulations": s.max_simulations,
                "replicates": self.replicates,
                "fit_years": list(s.fit_years),
                "test_years": list(s.test_years),
                "measures": list(s.measures),
                "draws": s.draws,
                "check_seeds": s.check_seeds,
            },
            "backend": self.backend,
            "fitted": self.fitted,
            "predictive_distance": {
                "fit": self.predictive.period_distance("fit"),
                "test": self.predictive.period_distance("test"),
            },
            "check_distance": {
                "fit": self.check.period_distance("fit"),
                "test": self.check.period_distance("test"),
            },
            "targets_met": int(self.check.targets["passed"].sum())
            if self.check.targets is not None
            else None,
            "wall_seconds": round(self.wall_seconds, 3),
        }
        (folder / "calibration.json").write_text(json.dumps(summary, indent=2, default=str) + "\n")

    def fitted_data(self) -> dict:
        """The base scenario's mapping with the fitted values, renamed `<base>_calibrated`."""
        from simulation.scenario import apply_scenario_overrides

        data = apply_scenario_overrides(
            self.plan.scenario_data[0], self.fitted, str(self.base_file)
        )
        data["name"] = f"{self.plan.scenario_names[0]}_calibrated"
        return data

    def write_scenario(self, path: str | Path, command: str, shown: Path | None = None) -> Path:
        """Write the fitted scenario: the base file with the fitted values under
        `parameters:` (its layout kept) and a header saying how it was fitted. It is read
        back and validated before it replaces anything."""
        from simulation.scenario import scenario_from_dict
        from simulation.scenario_files import ScenarioError, parse_yaml

        path = Path(path)
        if path.resolve() == self.base_file.resolve():
            raise CalibrationError(f"{path}: is the base scenario itself; choose another --fitted")
        if path.is_dir():
            raise CalibrationError(f"{path}: is a folder, expected a scenario file name")
        expected = self.fitted_data()
        header = self.header(command, path, shown)
        body = self._body_in_place(expected)
        texts = [body] if body is not None else []
        texts.append(_dumped(expected))
        for text in texts:
            full = header + text
            try:
                data, _ = parse_yaml(full, str(path))
            except ScenarioError:
                continue
            if _normal(data) == _normal(expected):
                break
        else:  # pragma: no cover - the dump always reads back as the mapping
            raise CalibrationError(f"{path}: the fitted scenario did not read back as written")
        try:
            scenario_from_dict(data, str(path))
        except ScenarioError as error:
            raise CalibrationError(str(error)) from None
        with atomic_file(path) as temporary:
            temporary.write_text(full, encoding="utf-8")
        return path

    def header(self, command: str, path: Path, shown: Path | None = None) -> str:
        s = self.settings
        base = _relative(self.base_file)
        revision = self.revision
        targets = self.check.targets
        met = (
            f"{int(targets['passed'].sum())} of {len(targets)} of the targets (issues 13 and 14) met on the "
            f"test years ({', '.join(targets.loc[~targets['passed'], 'measure'])} missed)"
            if targets is not None and not targets["passed"].all()
            else "every target of issue 13 met on the test years"
            if targets is not None
            else "targets not checked (no test year)"
        )
        paragraphs = [
            f"{self.plan.scenario_names[0]}, calibrated: {base} with its parameters fitted to "
            "the observed DCA network (under `parameters:`, each with its prior and posterior "
            "90% interval); everything else is the base scenario's, whose header and "
            "scenarios/data/SOURCES.md give the data and their sources.",
            f"FITTED on {datetime.now(UTC).date().isoformat()} by",
            f"  {command}",
            f"with the code at git {revision}: ABC-SMC (pyabc) with the prior of "
            f"{_relative(self.plan.source)}, {s.population} particles, "
            f"{len(self.generations)} generations, seed {self.seed}, {self.replicates} run(s) "
            f"a particle, on {', '.join(s.measures)}; the fitted values are the posterior's "
            "weighted medians.",
            f"FIT on {s.fit_years[0]}-{s.fit_years[1]}: distance "
            f"{self.check.period_distance('fit'):.3f} (this scenario over "
            f"{len(self.check.seeds)} seeds); posterior predictive "
            f"{self.predictive.period_distance('fit'):.3f}.",
            f"TEST on {s.test_years[0]}-{s.test_years[1]}, out of sample: distance "
            f"{self.check.period_distance('test'):.3f} (same seeds); posterior predictive "
            f"{self.predictive.period_distance('test'):.3f}; {met}.",
            "Do not edit by hand: rerun the command above. Check it on fresh seeds with",
            f"  python run.py hindcast --scenario {_relative(shown or path)} --seeds 10",
        ]
        folder = path.resolve().parent
        inside = folder == ROOT or ROOT in folder.parents
        schema = os.path.relpath(SCHEMA_FILE, folder) if inside else str(SCHEMA_FILE)
        lines = [f"# yaml-language-server: $schema={schema}"]
        for k, paragraph in enumerate(paragraphs):
            if paragraph.startswith("  "):  # a command, kept whole on its own line
                lines.append(f"# {paragraph}")
                continue
            follows = paragraphs[k - 1] if k else ""
            if k and not follows.endswith((" by", " with")) and not follows.startswith(" "):
                lines.append("#")
            lines.extend(f"# {line}" for line in textwrap.wrap(paragraph, 86))
        return "\n".join(lines) + "\n"

    def _body_in_place(self, expected: dict) -> str | None:
        """The base file's text without its header, with `name`, `seed`, `steps` and the
        `parameters:` block replaced; None when the fitted mapping differs from the base
        in anything else (a dotted path into regions or nations, say)."""
        from simulation.scenario_files import read_yaml_file

        base, _ = read_yaml_file(self.base_file)
        changed = {k for k in set(base) | set(expected) if base.get(k) != expected.get(k)}
        if not changed <= {*SCALAR_FIELDS, "parameters"}:
            return None
        lines = self.base_file.read_text(encoding="utf-8").splitlines()
        start = 0
        while start < len(lines) and (not lines[start].strip() or lines[start].startswith("#")):
            start += 1
        lines = lines[start:]
        for key in SCALAR_FIELDS:
            if key not in changed:
                continue
            text = f"{key}: {_scalar(expected[key])}"
            index = _top_level_line(lines, key)
            if index is None:
                lines.insert(0, text)
            elif re.fullmatch(rf"{key}:\s*[^\s>|{{\[].*", lines[index]):
                lines[index] = text
            else:
                return None
        if "parameters" in changed:
            block = ["parameters:"] + [
                f"  {name}: {_scalar(value)}{self._note(name)}"
                for name, value in expected.get("parameters", {}).items()
            ]
            index = _top_level_line(lines, "parameters")
            if index is None:
                while lines and not lines[-1].strip():
                    lines.pop()
                lines += ["", *block]
            else:
                end = index + 1
                while end < len(lines) and (not lines[end] or lines[end][0] in " \t#"):
                    end += 1
                while end > index + 1 and not lines[end - 1].strip():
                    end -= 1
                lines[index:end] = block
        return "\n".join(lines) + "\n"

    def _note(self, name: str) -> str:
        if name not in self.plan.sweep.parameters:
            return ""
        row = self.posterior_summary.set_index("parameter").loc[name]
        return (
            f"  # fitted; prior {_short(row['prior_low'])}-{_short(row['prior_high'])}, "
            f"posterior 90% {_short(row['q05'])}-{_short(row['q95'])}"
        )


def calibrate(
    sweep_file: str | Path,
    settings: Settings = Settings(),
    observed: str | Path | pd.DataFrame = OBSERVED_FILE,
    structure: str | Path | None = None,
    *,
    database: Path,
    map_: Callable = map,
    backend: str = "in this process",
) -> Calibration:
    """Run the ABC-SMC calibration of the sweep file's base scenario (module notes),
    writing pyabc's database to `database`; the particles run through `map_`."""
    import logging

    import pyabc

    from simulation.run_folder import git_revision
    from simulation.scenario import scenario_from_dict
    from simulation.scenario_files import ScenarioError
    from simulation.sweeps.plan import load_sweep

    revision = git_revision() or "unknown"
    started = time.perf_counter()
    _check_settings(settings)
    try:
        plan = load_sweep(sweep_file)
    except ScenarioError as error:
        raise CalibrationError(str(error)) from None
    if len(plan.scenario_names) != 1:
        raise CalibrationError(
            f"{sweep_file}: the sweep crosses {len(plan.scenario_names)} scenarios; calibrate "
            "takes a sweep over one"
        )
    if not plan.parameters:
        raise CalibrationError(f"{sweep_file}: the sweep varies no parameter")
    try:
        prior, transition, bounds = prior_of(plan.sweep.parameters)
    except PriorError as error:
        raise CalibrationError(f"{sweep_file}: {error}") from None
    integers = [
        name
        for name, axis in plan.sweep.parameters.items()
        if axis.integer or axis.values is not None
    ]
    try:
        observed_frame = (
            observed.copy()
            if isinstance(observed, pd.DataFrame)
            else load_observed(observed, structure)
        )
    except HindcastError as error:
        raise CalibrationError(str(error)) from None
    base_data = plan.scenario_data[0]
    source = str((plan.source.parent / plan.sweep.scenarios[0]).resolve())
    base = scenario_from_dict(base_data, source)
    nations = len(base.nation_names())
    fit_years, test_years = _check_years(settings, observed_frame, base.steps, sweep_file)
    seed = plan.root_seed if settings.seed is None else settings.seed
    replicates = settings.replicates or plan.sweep.replicates

    start_model, start_structure = run_tables(base_data, {}, base.seed, base.steps, source)
    _check_start(sweep_file, start_model, start_structure, observed_frame, nations)
    held_to, rescaled = comparable_observed(start_model, observed_frame, nations)

    measures = list(settings.measures)
    target = observed_summary(held_to, measures, fit_years)
    scored = [m for m in measures if not np.isnan(target[m]).all()]
    if not scored:
        raise CalibrationError(
            f"no observed value of {', '.join(measures)} in the fit years "
            f"{fit_years[0]}-{fit_years[-1]}"
        )
    simulator = Simulator(
        base_data,
        source,
        seed,
        # every step, though only the fit years are scored: scheduled events may lie
        # beyond them, and a shorter run would have to drop them from the scenario
        base.steps,
        replicates,
        nations,
        integers,
        measures,
        fit_years,
    )
    for name in ("ABC", "Epsilon", "History", "Distance", "Acceptor", "Sampler"):
        logging.getLogger(name if name == "ABC" else f"ABC.{name}").setLevel(logging.WARNING)
    abc = pyabc.ABCSMC(
        simulator,
        prior,
        Distance({m: target[m] for m in scored}),
        population_size=settings.population,
        transitions=transition,
        sampler=seeded_sampler(seed, map_),
    )
    abc.new(f"sqlite:///{database}", target)
    history = abc.run(
        minimum_epsilon=settings.min_distance,
        max_nr_populations=settings.generations,
        max_total_nr_simulations=settings.max_simulations or np.inf,
    )
    generations = history.get_all_populations()
    generations = generations[generations["t"] >= 0][["t", "epsilon", "samples", "particles"]]
    generations = generations.astype({"t": int, "samples": int, "particles": int})
    population = history.get_population(t=history.max_t)
    records = []
    for particle in population.particles:
        record = {name: float(particle.parameter[name]) for name in plan.parameters}
        record.update(weight=float(particle.weight), distance=float(particle.distance))
        records.append(record)
    posterior = pd.DataFrame(records)
    posterior["weight"] = posterior["weight"] / posterior["weight"].sum()
    fitted = {}
    for name in plan.parameters:
        value = weighted_quantile(posterior[name].to_numpy(), posterior["weight"].to_numpy(), 0.5)
        fitted[name] = int(round(value)) if name in integers else float(f"{value:.4g}")

    # the posterior predictive: draws by weight, each run over every year
    rng = np.random.default_rng(np.random.SeedSequence([seed, 1 << 30]))
    picks = rng.choice(len(posterior), size=settings.draws, p=posterior["weight"].to_numpy())
    tasks = []
    for draw, pick in enumerate(picks):
        parameters = {name: float(posterior[name].iloc[pick]) for name in plan.parameters}
        run_seed = particle_seed(seed, parameters, PREDICTIVE_REPLICATE + draw)
        tasks.append((draw, simulator.values(parameters), run_seed))
    runner = functools.partial(run_forward, base_data, source, base.steps)
    model_runs, structure_runs = stacked_runs(list(map_(runner, tasks)), "draw")
    predictive = hindcast_from_runs(
        model_runs,
        base,
        observed_frame,
        structure_runs=structure_runs,
        fit_years=settings.fit_years,
        test_years=settings.test_years,
        run_column="draw",
        source=source,
    )
    predictive.title = (
        f"{plan.scenario_names[0]}: posterior predictive of the ABC-SMC fit on "
        f"{settings.fit_years[0]}-{settings.fit_years[1]} ({settings.draws} draws), against "
        "the observed DCA network"
    )
    predictive.band_label = "posterior draws"

    # the fitted scenario over fresh seeds, as `run.py hindcast` would run it
    check_tasks = [(base.seed + k, fitted, base.seed + k) for k in range(settings.check_seeds)]
    model_runs, structure_runs = stacked_runs(list(map_(runner, check_tasks)), "seed")
    check = hindcast_from_runs(
        model_runs,
        base,
        observed_frame,
        structure_runs=structure_runs,
        fit_years=settings.fit_years,
        test_years=settings.test_years,
        source=source,
    )
    return Calibration(
        plan=plan,
        base_file=Path(source),
        settings=settings,
        seed=seed,
        replicates=replicates,
        nations=nations,
        bounds=bounds,
        integers=integers,
        rescaled=rescaled,
        generations=generations.reset_index(drop=True),
        posterior=posterior,
        fitted=fitted,
        predictive=predictive,
        check=check,
        backend=backend,
        wall_seconds=time.perf_counter() - started,
        database=Path(database).name,
        observed_file=str(observed) if not isinstance(observed, pd.DataFrame) else "<frame>",
        revision=revision[:12] + ("+dirty" if revision.endswith("+dirty") else ""),
    )


def _check_settings(settings: Settings) -> None:
    for name, low in (("population", 2), ("generations", 1), ("draws", 1), ("check_seeds", 1)):
        value = getattr(settings, name)
        if not isinstance(value, int) or value < low:
            raise CalibrationError(
                f"{name}: expected a whole number of at least {low}, got {value}"
            )
    if settings.replicates is not None and settings.replicates < 1:
        raise CalibrationError(f"replicates: expected at least 1, got {settings.replicates}")
    if not (math.isfinite(settings.min_distance) and settings.min_distance >= 0):
        raise CalibrationError(f"min_distance: expected 0 or more, got {settings.min_distance}")
    if settings.max_simulations is not None and settings.max_simulations < 1:
        raise CalibrationError(
            f"max_simulations: expected at least 1, got {settings.max_simulations}"
        )
    unknown = [m for m in settings.measures if m not in ALL_MEASURES or m == "tied_dyads"]
    if unknown or not settings.measures:
        raise CalibrationError(
            f"measures: unknown measure {unknown[0]!r}; expected some of "
            f"{', '.join(m for m in ALL_MEASURES if m != 'tied_dyads')}"
            if unknown
            else "measures: expected at least one"
        )


def _check_years(
    settings: Settings, observed: pd.DataFrame, steps: int, sweep_file
) -> tuple[list[int], list[int]]:
    fit, test = settings.fit_years, settings.test_years
    if fit[0] <= START_YEAR:
        raise CalibrationError(
            f"fit years {fit[0]}-{fit[1]}: must start after {START_YEAR}, the start year "
            "(it matches by construction)"
        )
    if not fit[1] < test[0]:
        raise CalibrationError(
            f"test years {test[0]}-{test[1]}: must come after the fit years {fit[0]}-{fit[1]}"
        )
    years = set(observed["year"].astype(int))
    for label, span in (("fit", fit), ("test", test)):
        missing = [y for y in years_between(span) if y not in years]
        if missing:
            raise CalibrationError(
                f"{label} years {span[0]}-{span[1]}: the observed figures have no {missing[0]} "
                f"(they cover {min(years)}-{max(years)})"
            )
    if test[1] > START_YEAR + steps:
        raise CalibrationError(
            f"{sweep_file}: test years {test[0]}-{test[1]} go past the scenario's last year "
            f"{START_YEAR + steps} ({steps} steps)"
        )
    return years_between(fit), years_between(test)


def _check_start(
    sweep_file,
    model: pd.DataFrame,
    structure: pd.DataFrame,
    observed: pd.DataFrame,
    nations: int,
) -> None:
    """Refuse a world that is not the one the observed figures start from: at step 0, the
    observed number of states and the observed network of bilateral agreements (a
    pact's ties are no DCAs), to the observed file's precision (half a unit of its last
    digit)."""
    from analysis.hindcast import measures_from_model

    expected = (
        "calibrate expects a sweep of the world the observed figures start from "
        f"({_relative(ROOT / 'scenarios' / 'world_1990.yaml')} for the default observed "
        "file; another world needs its own --observed)"
    )
    first = observed[observed["year"] == START_YEAR]
    if first.empty:
        raise CalibrationError(
            f"{sweep_file}: the observed figures have no {START_YEAR}, the year of step 0"
        )
    first = first.iloc[0]
    states = int(model["states"].iloc[0]) if "states" in model.columns else nations
    if int(first["states"]) != states:
        raise CalibrationError(
            f"{sweep_file}: not a calibration sweep: its world has {states} states at step 0, "
            f"the observed {START_YEAR} has {int(first['states'])}; {expected}"
        )
    start = measures_from_model(model, nations, structure=structure).iloc[0]  # step 0
    for measure, (label, _, digits) in MEASURES.items():
        tolerance = 0.5 * 10.0**-digits + 1e-9
        if abs(start[measure] - first[measure]) > tolerance:
            raise CalibrationError(
                f"{sweep_file}: not a calibration sweep: its world does not start from the "
                f"observed network ({label} {start[measure]:.{digits}f} at step 0 against "
                f"{first[measure]:.{digits}f} observed in {START_YEAR}); {expected}"
            )


def weighted_quantile(values: np.ndarray, weights: np.ndarray, q: float) -> float:
    """The q-quantile of `values` under `weights`: the smallest value whose cumulative
    weight reaches q (a weighted median at 0.5)."""
    order = np.argsort(values, kind="stable")
    cumulative = np.cumsum(np.asarray(weights, dtype=float)[order])
    cumulative /= cumulative[-1]
    return float(np.asarray(values, dtype=float)[order][np.searchsorted(cumulative, q - 1e-12)])


def _number(value: float) -> str:
    return "-" if value != value else f"{value:.3f}"


# --- helpers ------------------------------------------------------------------------------


def _short(value: Any) -> str:
    if isinstance(value, bool) or not isinstance(value, int | float | np.number):
        return str(value)
    value = float(value)
    if math.isnan(value):
        return "-"
    if value == int(value) and abs(value) < 1e6:
        return str(int(value))
    return f"{value:.2g}" if abs(value) < 0.1 else f"{value:.3g}"


def _scalar(value: Any) -> str:
    return yaml.safe_dump(value, default_flow_style=True, width=1000).strip().removesuffix("\n...")


def _top_level_line(lines: list[str], key: str) -> int | None:
    for index, line in enumerate(lines):
        if re.match(rf"{re.escape(key)}:(\s|$)", line):
            return index
    return None


def _dumped(data: dict) -> str:
    return yaml.safe_dump(data, sort_keys=False, width=100, allow_unicode=True)


def _normal(data: Any) -> Any:
    return json.loads(json.dumps(data, default=str))


def _relative(path: Path) -> str:
    try:
        return str(Path(path).resolve().relative_to(ROOT))
    except ValueError:
        return str(path)
