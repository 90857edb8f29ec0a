#!/usr/bin/env python3
"""Command line for the defense cooperation simulation.

    python run.py run SCENARIO.yaml [--steps N] [--seed S] [--set name=value ...] [--out DIR]
    python run.py sweep SWEEP.yaml [--workers N] [--scheduler ADDRESS] [--out DIR] [--resume]
    python run.py sensitivity SWEEP_DIR --metric NAME [--statistic mean|final]
    python run.py report RESULTS_DIR [--out FILE]
    python run.py compare RESULTS_DIR [--metric NAME ...] [--by COLUMN ...] [--a SETTING --b SETTING]
    python run.py discover SWEEP_DIR --metric NAME (--below X | --above X) [--statistic mean|final]
    python run.py hindcast [--scenario FILE] [--parameters-from FILE] [--seeds N] [--set name=value ...] [--out DIR]
    python run.py calibrate SWEEP.yaml [--population N] [--generations G] [--workers N | --dask ADDRESS]
                                       [--fit-years 1991-2000] [--test-years 2001-2010] [--out DIR] [--fitted FILE]
    python run.py dashboard [--host 127.0.0.1] [--port 8765]
    python run.py validate FILE...
    python run.py schema [--out FILE] [--sweep]

Bad input gets one line on stderr naming the file, the field and what was
expected, and exit status 2.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import time
import typing
from pathlib import Path

import yaml

EXIT_RUNS_FAILED = 1  # also a run stopped by a guard (simulation.guards.SimulationError)
EXIT_BAD_INPUT = 2
EXIT_INTERRUPTED = 130
# the TCP ports a dashboard can serve on (0 would be "any free port": not one to print)
PORT_RANGE = (1, 65535)


class UsageError(Exception):
    """A command-line value is wrong; the message is one line for the user."""


class CommandLineParser(argparse.ArgumentParser):
    """argparse, with its errors in the form of every other bad input here: one line,
    `error: OPTION: what was expected`, exit status 2, and "did you mean" for a
    misspelt command or choice."""

    def error(self, message: str) -> typing.NoReturn:
        # argparse says "argument --steps: ..." or "argument COMMAND: ..."
        option, _, problem = message.partition(": ")
        if option.startswith("argument "):
            name = option.removeprefix("argument ")
            message = problem if name == "COMMAND" else f"{name.split('/')[0]}: {problem}"
        if "(expected one of" not in message:
            message += f" (see {self.prog} --help)"
        self.exit(EXIT_BAD_INPUT, f"error: {message}\n")

    # argparse's own check of a value against its choices (Python 3.12's private hook;
    # 3.14 adds `suggest_on_error` for the same)
    def _check_value(self, action: argparse.Action, value: object) -> None:
        if action.choices is None or value in action.choices:
            return
        choices = [str(choice) for choice in action.choices]
        what = "command" if action.dest == "command" else "choice"
        hint = did_you_mean(str(value), choices)
        raise argparse.ArgumentError(
            action, f"unknown {what} {str(value)!r}{hint} (expected one of {', '.join(choices)})"
        )


def did_you_mean(given: str, choices: list[str]) -> str:
    from simulation.scenario_files import did_you_mean as suggestion

    return suggestion(given, choices)


def whole_number(minimum: int | None = None):
    """An argparse type: a whole number, at least `minimum`; the error names the
    option (argparse puts it in front)."""

    def parse(text: str) -> int:
        at_least = f" of at least {minimum}" if minimum is not None else ""
        try:
            value = int(text)
        except ValueError:
            raise argparse.ArgumentTypeError(
                f"expected a whole number{at_least}, got {text!r}"
            ) from None
        if minimum is not None and value < minimum:
            raise argparse.ArgumentTypeError(f"expected a whole number{at_least}, got {value}")
        return value

    return parse


def parse_assignments(pairs: list[str]) -> dict[str, object]:
    """`name=value` pairs; values are read as YAML (0.5, true, 12, text, a list
    `[a, b]` or a mapping `{lapse_rate: 0.1}`)."""
    return command_line_overrides(pairs)[0]


def command_line_overrides(
    pairs: list[str], **options: object
) -> tuple[dict[str, object], dict[str, str]]:
    """The overrides the command line asks for, and the option behind each, for error
    messages: `--set name=value` pairs, then `options` given (``steps=args.steps``:
    named ``--steps``; None: not given)."""
    from simulation.scenario_files import parse_yaml_value

    overrides: dict[str, object] = {}
    given_as: dict[str, str] = {}
    for pair in pairs:
        name, sep, text = pair.partition("=")
        if not sep or not name.strip():
            raise UsageError(f"--set {pair}: expected name=value, e.g. --set crisis_rate=0.2")
        try:
            # within the bounds a file is read in: no alias bomb on the command line either
            value = parse_yaml_value(text, f"--set {pair}") if text.strip() else ""
        except yaml.YAMLError as error:
            if text.lstrip()[:1] in ("[", "{"):
                problem = getattr(error, "problem", None) or "not valid YAML"
                raise UsageError(
                    f"--set {pair}: malformed YAML list or mapping ({problem}); e.g. "
                    "--set events=[] or --set 'parameters={lapse_rate: 0.1}'"
                ) from None
            value = text
        overrides[name.strip()] = value
        given_as[name.strip()] = f"--set {pair}"
    for name, value in options.items():
        if value is not None:
            overrides[name] = value
            given_as[name] = f"--{name.replace('_', '-')}"
    return overrides, given_as


def note(text: str) -> None:
    """Something the user should know that does not stop the command, on stderr."""
    print(f"note: {text}", file=sys.stderr)


def load_command_line_scenario(path: Path, overrides: dict, given_as: dict[str, str]):
    """The scenario file with the command line's overrides, and a note (or None) saying
    which of its events a run shortened by --steps (or --set steps=) leaves out, for the
    command to give once the rest of its input has passed."""
    from simulation.scenario import load_scenario, unreached_events_note

    left_out: list[dict] = []
    scenario = load_scenario(path, overrides, given_as=given_as, left_out=left_out)
    return scenario, unreached_events_note(left_out, scenario.steps) if left_out else None


def command_run(args: argparse.Namespace) -> int:
    from simulation.run_folder import (
        RESULTS_ROOT,
        check_output_dir,
        default_output_dir,
        write_run_folder,
    )
    from simulation.single_run import run_scenario
    from simulation.summary import summarise

    overrides, given_as = command_line_overrides(args.set or [], steps=args.steps, seed=args.seed)
    scenario, left_out = load_command_line_scenario(args.scenario, overrides, given_as)
    out = Path(args.out) if args.out else default_output_dir(scenario.name)
    check_output_dir(out)
    if left_out:
        note(left_out)

    from tqdm import tqdm

    with tqdm(
        total=scenario.steps,
        desc=scenario.name,
        unit="step",
        disable=args.quiet or None,
        file=sys.stderr,
    ) as bar:
        result = run_scenario(scenario, progress=lambda _: bar.update(1))
    root = None if args.out else RESULTS_ROOT
    write_run_folder(result, out, args.format, source=str(args.scenario), root=root)
    print(f"results in {out}/" if args.quiet else summarise(result, out))
    return 0


def command_prevention(args: argparse.Namespace) -> int:
    import numpy as np

    from analysis.compare import CONFIDENCE, mean_interval
    from simulation.counterfactuals import AGREEMENT_CHANNELS, ARMS, paired_runs

    if args.seeds < 2:
        raise UsageError(
            f"--seeds: expected at least 2 (an interval needs two pairs), got {args.seeds}"
        )
    overrides, given_as = command_line_overrides(args.set or [], steps=args.steps)
    scenario, left_out = load_command_line_scenario(args.scenario, overrides, given_as)
    out = Path(args.out) if args.out else None
    if out is not None:
        check_new_file(out, "--out")
    if left_out:
        note(left_out)

    from tqdm import tqdm

    with tqdm(
        total=2 * args.seeds,
        desc=scenario.name,
        unit="run",
        disable=args.quiet or None,
        file=sys.stderr,
    ) as bar:
        runs = paired_runs(scenario, args.seeds, progress=lambda: bar.update(1))
    if out is not None:
        from simulation.atomic_write import atomic_file

        try:
            with atomic_file(out) as temporary:
                if out.suffix == ".parquet":
                    runs.to_parquet(temporary, index=False)
                else:
                    runs.to_csv(temporary, index=False)
        except OSError as error:
            raise UsageError(f"{out}: cannot write the runs ({error.strerror or error})") from None
        if args.quiet:
            print(f"results in {out}")
            return 0
    arms = {arm: runs[runs["arm"] == arm].set_index("seed") for arm in ARMS}
    print(
        f"{scenario.name}: what agreements' crisis channels prevent, {args.seeds} paired "
        f"seeds ({scenario.seed}-{scenario.seed + args.seeds - 1}), {scenario.steps} steps"
    )
    print(f"  {'per run':<24}{'as is':>10}{'without':>10}   difference, {CONFIDENCE:.0%} interval")
    for column, label, digits in (
        ("prevention_rate", "prevention rate", 3),
        ("escalated", "crises escalated", 1),
        ("crises", "crises", 1),
        ("final_stability_index", "final stability index", 3),
    ):
        as_is, without = arms[ARMS[0]][column], arms[ARMS[1]][column]
        difference = (as_is - without).to_numpy(dtype=float)
        difference = difference[np.isfinite(difference)]
        low, high = mean_interval(difference)
        print(
            f"  {label:<24}{as_is.mean():>10.{digits}f}{without.mean():>10.{digits}f}"
            f"   {difference.mean():+.{digits}f} [{low:+.{digits}f}, {high:+.{digits}f}]"
        )
    print(f"  without: {', '.join(AGREEMENT_CHANNELS)} set to 0")
    print("  trust still defuses crises (agreements build much of it): the channels' direct part")
    if out is not None:
        print(f"results in {out}  (one row a seed and arm)")
    return 0


def check_new_file(out: Path, option: str) -> None:
    """Refuse, before any work, an output file that exists or cannot be written."""
    from simulation.run_folder import check_output_path

    check_output_path(out)
    if out.is_dir():
        raise UsageError(f"{out}: is a folder; {option} expects a file name")
    if out.exists():
        raise UsageError(f"{out}: already exists; {option} writes a new file")
    if not out.parent.is_dir():
        raise UsageError(f"{out}: no folder {out.parent}/ to write it in")


def command_sweep(args: argparse.Namespace) -> int:
    from simulation.run_folder import check_output_path, default_output_dir
    from simulation.sweeps.executors import choose_executor
    from simulation.sweeps.orchestrator import run_sweep
    from simulation.sweeps.plan import load_sweep

    if args.workers is not None and args.workers < 1:
        raise UsageError(f"--workers: expected a whole number of at least 1, got {args.workers}")
    if args.resume and not args.out:
        raise UsageError("--resume needs --out DIR: the folder of the sweep to finish")
    # workers first: local ones import the model while the sweep is planned
    executor = choose_executor(args.workers, args.scheduler)
    plan = load_sweep(args.sweep)
    out = Path(args.out) if args.out else default_output_dir(plan.sweep.name)
    check_output_path(out)
    note_sweep_unreached_events(plan)

    def announce(total: int, to_run: int) -> None:
        if args.quiet:
            return
        left = f", {to_run} still to run" if to_run < total else ""
        print(
            f"{plan.sweep.name}: {total} runs ({len(plan.scenario_names)} scenario(s) x "
            f"{len(plan.points)} points x {plan.sweep.replicates} replicates){left}, "
            f"{executor.description}",
            file=sys.stderr,
        )

    try:
        report = run_sweep(
            plan, out, executor, resume=args.resume, progress=not args.quiet, on_start=announce
        )
    except KeyboardInterrupt:
        print(
            f"\ninterrupted: finished runs are kept in {out}/; finish the sweep with\n"
            f"  python run.py sweep {args.sweep} --out {out} --resume",
            file=sys.stderr,
        )
        return EXIT_INTERRUPTED
    if args.quiet:
        if report.failed:  # what went wrong is still said, where errors go
            print(summarise_sweep(report).rsplit("\nresults in", 1)[0], file=sys.stderr)
        print(f"results in {report.out}/")
    else:
        print(summarise_sweep(report))
    return EXIT_RUNS_FAILED if report.failed else 0


def note_sweep_unreached_events(plan) -> None:
    """A note for each scenario of the sweep whose events its `steps` leaves out."""
    from simulation.scenario import read_scenario_file, unreached_events, unreached_events_note

    steps = plan.sweep.steps if plan.sweep.steps is not None else plan.sweep.fixed.get("steps")
    if not isinstance(steps, int):
        return
    for name, relative in zip(plan.scenario_names, plan.sweep.scenarios, strict=True):
        raw, _ = read_scenario_file(plan.source.parent / relative)
        left_out = unreached_events(raw, {**raw, "steps": steps})
        if left_out:
            note(f"{name}: {unreached_events_note(left_out, steps)}")


def summarise_sweep(report) -> str:
    minutes, seconds = divmod(report.wall_seconds, 60)
    ran = report.ok + report.failed
    lines = [
        f"{report.total} runs: {report.skipped + report.ok} ok, {report.failed} failed"
        + (f" ({report.skipped} done before, {ran} now)" if report.skipped else "")
        + f", {int(minutes)}m{seconds:04.1f}s",
    ]
    for run_id, error in report.failures[:5]:
        lines.append(f"  failed {run_id}: {error}")
    if len(report.failures) > 5:
        lines.append(f"  ... and {len(report.failures) - 5} more (see runs.parquet)")
    lines.append(f"results in {report.out}/")
    lines.append(f'  pd.read_parquet("{report.out}/model")  # every run, every step')
    return "\n".join(lines)


def command_sensitivity(args: argparse.Namespace) -> int:
    from analysis.sensitivity import SensitivityError, sensitivity_indices

    try:
        result = sensitivity_indices(
            Path(args.sweep_dir), args.metric, statistic=args.statistic, scenario=args.scenario
        )
    except SensitivityError as error:
        raise UsageError(str(error)) from None
    print(result.text())
    print(f"written to {result.path}")
    return 0


def command_report(args: argparse.Namespace) -> int:
    from analysis.report import write_report
    from analysis.results import ResultsError

    try:
        path = write_report(Path(args.results_dir), args.out)
    except ResultsError as error:
        raise UsageError(str(error)) from None
    print(f"report written to {path}  (self-contained: open it in any browser, offline)")
    return 0


def command_compare(args: argparse.Namespace) -> int:
    from analysis.compare import compare_results
    from analysis.results import ResultsError

    try:
        text = compare_results(
            Path(args.results_dir),
            metrics=args.metric,
            by=args.by,
            statistic=args.statistic,
            a=args.a,
            b=args.b,
        )
    except ResultsError as error:
        raise UsageError(str(error)) from None
    print(text)
    return 0


def command_discover(args: argparse.Namespace) -> int:
    from analysis.discovery import DiscoveryError, discover

    try:
        found = discover(
            Path(args.sweep_dir),
            args.metric,
            below=args.below,
            above=args.above,
            statistic=args.statistic,
            scenario=args.scenario,
            min_density=args.min_density,
            max_boxes=args.boxes,
        )
        written = found.write()
    except DiscoveryError as error:
        raise UsageError(str(error)) from None
    print(found.text())
    if isinstance(written["png"], Path):
        print(f"trade-off figure: {written['png']}")
    else:
        print(f"trade-off figure {written['png']}", file=sys.stderr)
    print(f"written to {written['csv']} and {written['json'].name} (read by run.py report)")
    return 0


def command_hindcast(args: argparse.Namespace) -> int:
    from analysis.calibration import run_forward, stacked_runs
    from analysis.hindcast import (
        DISPUTES_FILE,
        STRUCTURE_FILE,
        HindcastError,
        hindcast_from_runs,
        load_observed,
        parse_years,
    )
    from simulation.run_folder import (
        RESULTS_ROOT,
        check_inside,
        check_output_dir,
        default_output_dir,
    )
    from simulation.scenario import load_scenario
    from simulation.sweeps.seeds import seeds_of

    if args.seeds < 1:
        raise UsageError(f"--seeds: expected a whole number of at least 1, got {args.seeds}")
    if not 1990 <= args.start_year <= 2010:
        raise UsageError(
            f"--start-year: expected a year of the observed figures, 1990 to 2010, "
            f"got {args.start_year}"
        )
    overrides, given_as = command_line_overrides(args.set or [])
    if args.parameters_from is not None:
        from simulation.scenario import PARAMETER_SHORTHAND

        # the other file's parameters as written there, then --set on top (a short
        # `--set funding_cost=...` names the same field as `parameters.funding_cost`)
        fitted = load_scenario(args.parameters_from).parameters

        def full(key: str) -> str:
            return f"{PARAMETER_SHORTHAND[key]}.{key}" if key in PARAMETER_SHORTHAND else key

        overrides = {
            **{f"parameters.{name}": getattr(fitted, name) for name in fitted.model_fields_set},
            **{full(key): value for key, value in overrides.items()},
        }
        given_as = {full(key): label for key, label in given_as.items()}
    # bad input fails before any run
    scenario, left_out = load_command_line_scenario(args.scenario, overrides, given_as)
    out = Path(args.out) if args.out else default_output_dir(f"{scenario.name}-hindcast")
    check_output_dir(out)

    from tqdm import tqdm

    try:
        fit_years = parse_years(args.fit_years, "--fit-years")
        test_years = parse_years(args.test_years, "--test-years")
        # a broken observed file fails before any run too
        observed = load_observed(
            structure=STRUCTURE_FILE if STRUCTURE_FILE.is_file() else None,
            disputes=DISPUTES_FILE if DISPUTES_FILE.is_file() else None,
        )
        if left_out:
            note(left_out)
        started = time.perf_counter()
        with tqdm(
            total=args.seeds,
            desc=f"{scenario.name} hindcast",
            unit="run",
            disable=args.quiet or None,
            file=sys.stderr,
        ) as bar:
            results = []
            data = scenario.model_dump(mode="json")
            for seed in seeds_of(scenario, args.seeds):
                results.append(
                    run_forward(data, str(args.scenario), scenario.steps, (seed, {}, seed))
                )
                bar.update(1)
        model_runs, structure_runs = stacked_runs(results, "seed")
        result = hindcast_from_runs(
            model_runs,
            scenario,
            observed,
            source=str(args.scenario),
            overrides=overrides,
            wall_seconds=time.perf_counter() - started,
            start_year=args.start_year,
            structure_runs=structure_runs,
            fit_years=fit_years,
            test_years=test_years,
        )
        if not args.out:
            check_inside(out, RESULTS_ROOT)
        result.write(out)
    except HindcastError as error:
        raise UsageError(str(error)) from None
    except OSError as error:
        raise UsageError(f"{out}: cannot write the hindcast ({error})") from None
    if not args.quiet:
        print(result.text())
    if result.image_error is not None:
        print(
            f"hindcast.png not made: the PNG renderer failed ({result.image_error}); "
            "the data and hindcast.html are written",
            file=sys.stderr,
        )
    print(f"results in {out}/  ({', '.join(result.files)})")
    return 0


def command_calibrate(args: argparse.Namespace) -> int:
    from analysis.calibration import CalibrationError, Settings, calibrate
    from analysis.hindcast import STRUCTURE_FILE, HindcastError, parse_years
    from simulation.atomic_write import atomic_folder
    from simulation.run_folder import (
        RESULTS_ROOT,
        check_inside,
        check_output_dir,
        check_output_path,
        default_output_dir,
    )
    from simulation.scenario_files import ScenarioError
    from simulation.sweeps.plan import load_sweep

    if args.workers is not None and args.workers < 1:
        raise UsageError(f"--workers: expected a whole number of at least 1, got {args.workers}")
    try:
        fit_years = parse_years(args.fit_years, "--fit-years")
        test_years = parse_years(args.test_years, "--test-years")
    except HindcastError as error:
        raise UsageError(str(error)) from None
    measures = None
    if args.measures is not None:
        measures = tuple(m.strip() for m in args.measures.split(",") if m.strip())
        if not measures:
            raise UsageError("--measures: expected measure names separated by commas")
    settings_kwargs = {
        "population": args.population,
        "generations": args.generations,
        "min_distance": args.min_distance,
        "max_simulations": args.max_simulations,
        "replicates": args.replicates,
        "fit_years": fit_years,
        "test_years": test_years,
        "draws": args.draws,
        "check_seeds": args.seeds,
        "seed": args.seed,
    }
    if measures is not None:
        settings_kwargs["measures"] = measures
    settings = Settings(**settings_kwargs)
    plan = load_sweep(args.sweep)  # a bad sweep file is one line before anything starts
    out = Path(args.out) if args.out else default_output_dir(f"{plan.sweep.name}-abc")
    check_output_dir(out)
    fitted_path = Path(args.fitted) if args.fitted else None
    if fitted_path is not None:
        check_output_path(fitted_path)
        if fitted_path.is_dir():
            raise UsageError(f"{args.fitted}: is a folder; --fitted expects a file name")
    structure = args.structure
    if structure is None and args.observed is None and STRUCTURE_FILE.is_file():
        structure = STRUCTURE_FILE
    command = f"python run.py calibrate {args.sweep}"
    for option, value in (
        ("--population", args.population),
        ("--generations", args.generations),
        ("--min-distance", args.min_distance),
        ("--max-simulations", args.max_simulations),
        ("--replicates", args.replicates),
        ("--fit-years", args.fit_years),
        ("--test-years", args.test_years),
        ("--draws", args.draws),
        ("--seeds", args.seeds),
        ("--seed", args.seed),
        ("--observed", args.observed),
        ("--structure", args.structure),
    ):
        if value is not None:
            command += f" {option} {value:g}" if isinstance(value, float) else f" {option} {value}"
    if measures is not None:
        command += f" --measures {','.join(measures)}"

    map_, backend, close = _particle_map(args.workers, args.dask)
    try:
        if not args.out:
            check_inside(out, RESULTS_ROOT)
        with atomic_folder(out) as staging:
            result = calibrate(
                args.sweep,
                settings,
                **({} if args.observed is None else {"observed": args.observed}),
                structure=structure,
                database=staging / "abc.db",
                map_=map_,
                backend=backend,
            )
            result.write_tables(staging)
            fitted_in_folder = staging / f"{result.base_file.stem}_calibrated.yaml"
            result.write_scenario(
                fitted_in_folder, command + f" --out {out}", shown=out / fitted_in_folder.name
            )
        if fitted_path is not None:
            result.write_scenario(fitted_path, command + f" --out {out} --fitted {args.fitted}")
    except (CalibrationError, HindcastError, ScenarioError) as error:
        raise UsageError(str(error)) from None
    except OSError as error:
        raise UsageError(f"cannot write the calibration ({error})") from None
    finally:
        close()
    if not args.quiet:
        print(result.text())
    if result.predictive.image_error is not None:
        print(
            f"predictive.png not made: the PNG renderer failed ({result.predictive.image_error})",
            file=sys.stderr,
        )
    fitted = (
        _near(fitted_path)
        if fitted_path
        else _near(out / f"{result.base_file.stem}_calibrated.yaml")
    )
    if args.quiet:
        print(f"results in {_near(out)}/  (fitted scenario {fitted})")
        return 0
    print(
        f"results in {_near(out)}/  (abc.db, posterior.csv, generations.csv, predictive.png, targets.csv)"
    )
    print(f"fitted scenario in {fitted}; check it on fresh seeds with")
    print(f"  python run.py hindcast --scenario {fitted} --seeds 10")
    return 0


def _particle_map(workers: int | None, dask: str | None):
    """Where the particles run: (a map function, its description, a closer). The
    calibration's output is the same on every one (analysis/abc.py)."""
    from simulation.sweeps.executors import DaskExecutor

    address = dask or os.environ.get("DASK_SCHEDULER_ADDRESS")
    if address:
        executor = DaskExecutor(address)
        client = executor.client

        def dask_map(function, items):
            return client.gather(client.map(function, list(items), pure=False))

        return dask_map, executor.description, client.close
    workers = workers or os.cpu_count() or 1
    if workers == 1:
        return map, "in this process", lambda: None
    import multiprocessing

    context = multiprocessing.get_context(
        "forkserver" if "forkserver" in multiprocessing.get_all_start_methods() else "spawn"
    )
    pool = context.Pool(workers)

    def close() -> None:
        pool.terminate()
        pool.join()

    return pool.map, f"{workers} local worker processes", close


def _near(path: Path) -> Path:
    """`path` relative to the working folder when it lies inside it."""
    try:
        return path.resolve().relative_to(Path.cwd())
    except ValueError:
        return path


def command_dashboard(args: argparse.Namespace) -> int:
    if not PORT_RANGE[0] <= args.port <= PORT_RANGE[1]:
        raise UsageError(
            f"--port: expected a port number from {PORT_RANGE[0]} to {PORT_RANGE[1]}, "
            f"got {args.port}"
        )
    app = Path(__file__).resolve().parent / "simulation" / "dashboard" / "app.py"
    address = f"http://{args.host}:{args.port}"
    print(f"dashboard at {address}  (Ctrl-C to stop)", flush=True)
    environment = {**os.environ, "SOLARA_TELEMETRY_MIXPANEL_ENABLE": "False"}
    command = [sys.executable, "-m", "solara", "run", str(app), "--production"]
    command += ["--host", args.host, "--port", str(args.port), "--no-open"]
    # no asking PyPI for a newer solara at every start: the dashboard works offline,
    # and solara is pinned (pyproject.toml)
    command += ["--no-check-version"]
    # the server takes this process's place: stopping this process stops the server,
    # with no orphan left holding the port
    os.execve(sys.executable, command, environment)
    return 0  # pragma: no cover - execve does not return


def command_validate(args: argparse.Namespace) -> int:
    from simulation.scenario import load_scenario
    from simulation.scenario_files import ScenarioError, read_yaml_file
    from simulation.sweeps.plan import load_sweep

    failed = 0
    for path in args.files:
        try:
            data, _ = read_yaml_file(path)
            if "scenarios" in data and "regions" not in data:
                plan = load_sweep(path)
                described = (
                    f"sweep {plan.sweep.name!r}, {len(plan.tasks)} runs "
                    f"({plan.sweep.design}, {len(plan.points)} points)"
                )
            else:
                scenario = load_scenario(path)
                described = (
                    f"{scenario.name!r}, {len(scenario.nation_names())} nations, "
                    f"{scenario.steps} steps"
                )
        except ScenarioError as error:
            print(f"error: {error}", file=sys.stderr)
            failed += 1
        else:
            print(f"ok: {path}: {described}")
    return EXIT_BAD_INPUT if failed else 0


def command_schema(args: argparse.Namespace) -> int:
    from simulation.scenario import scenario_json_schema
    from simulation.sweeps.spec import sweep_json_schema

    if args.markdown and args.sweep:
        raise UsageError("--markdown: the table of event types is the scenario's; drop --sweep")
    if args.markdown:
        from simulation.format_reference import events_table

        text = events_table()
    else:
        schema = sweep_json_schema() if args.sweep else scenario_json_schema()
        text = json.dumps(schema, indent=2) + "\n"
    if args.out:
        from simulation.atomic_write import atomic_file

        out = Path(args.out)
        try:
            if out.is_dir():
                raise UsageError(f"{args.out}: is a folder; --out expects a file name")
            with atomic_file(out) as temporary:
                temporary.write_text(text)
        except (OSError, ValueError) as error:  # ValueError: a NUL in the path
            reason = getattr(error, "strerror", None) or str(error)
            raise UsageError(f"{args.out}: cannot write the schema ({reason})") from None
        print(f"wrote {args.out}")
    else:
        sys.stdout.write(text)
    return 0


def build_parser() -> argparse.ArgumentParser:
    parser = CommandLineParser(
        prog="run.py", description="Agent-based simulation of defense cooperation agreements."
    )
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    run = commands.add_parser("run", help="run one simulation of a scenario file")
    run.add_argument("scenario", type=Path, help="scenario YAML file")
    run.add_argument(
        "--steps",
        type=whole_number(1),
        help="override the scenario's number of steps (a shorter run leaves out the "
        "events after its end, with a note)",
    )
    run.add_argument("--seed", type=whole_number(0), help="override the scenario's seed")
    run.add_argument(
        "--set",
        action="append",
        metavar="NAME=VALUE",
        help="override a parameter (crisis_rate=0.2) or any field by dotted path "
        "(regions.0.threat=0.6); the value is YAML: a list replaces (events=[]), a "
        "mapping merges ('parameters={lapse_rate: 0.1}'); repeatable",
    )
    run.add_argument("--out", help="output folder (default: a new folder under results/)")
    run.add_argument("--format", choices=("parquet", "csv"), default="parquet")
    run.add_argument(
        "--quiet",
        action="store_true",
        help="no progress bar and no summary: one line saying where the results are",
    )
    run.set_defaults(handler=command_run)

    prevention = commands.add_parser(
        "prevention",
        help="conflict prevention owed to agreements: the same seeds with their crisis "
        "channels switched off, as paired differences",
    )
    prevention.add_argument("scenario", type=Path, help="scenario YAML file")
    prevention.add_argument(
        "--seeds",
        type=whole_number(),
        default=20,
        help="paired seeds: the scenario's, +1, ... (default 20)",
    )
    prevention.add_argument(
        "--steps", type=whole_number(1), help="override the scenario's number of steps"
    )
    prevention.add_argument(
        "--set",
        action="append",
        metavar="NAME=VALUE",
        help="override a parameter or any field by dotted path, as for run; repeatable",
    )
    prevention.add_argument(
        "--out",
        metavar="FILE",
        help="also write the paired runs, one row a seed and arm (CSV; Parquet for .parquet)",
    )
    prevention.add_argument(
        "--quiet",
        action="store_true",
        help="no progress bar; with --out, only the line saying where the results are",
    )
    prevention.set_defaults(handler=command_prevention)

    sweep = commands.add_parser(
        "sweep", help="run a sweep: scenarios x design points x replicates, in parallel"
    )
    sweep.add_argument("sweep", type=Path, help="sweep YAML file (see scenarios/sweeps/)")
    sweep.add_argument(
        "--workers",
        type=whole_number(),
        help="local worker processes (default: one per core; 1 runs in this process)",
    )
    sweep.add_argument(
        "--scheduler",
        metavar="ADDRESS",
        help="run on an existing Dask cluster, e.g. tcp://10.0.0.5:8786 "
        "(default: $DASK_SCHEDULER_ADDRESS when set)",
    )
    sweep.add_argument("--out", help="output folder (default: a new folder under results/)")
    sweep.add_argument(
        "--resume", action="store_true", help="finish the sweep in --out: run only what is missing"
    )
    sweep.add_argument(
        "--quiet",
        action="store_true",
        help="no progress bar and no summary: one line saying where the results are "
        "(failed runs still listed, on stderr)",
    )
    sweep.set_defaults(handler=command_sweep)

    sensitivity = commands.add_parser(
        "sensitivity", help="sensitivity indices of a sobol or morris sweep (SALib)"
    )
    sensitivity.add_argument("sweep_dir", help="the sweep's output folder")
    sensitivity.add_argument("--metric", required=True, help="a model column, e.g. stability_index")
    sensitivity.add_argument(
        "--statistic",
        choices=("mean", "final"),
        default="mean",
        help="summarise each run by the metric's mean over its steps (default) or final value",
    )
    sensitivity.add_argument(
        "--scenario", help="the scenario to analyse when the sweep crossed several"
    )
    sensitivity.set_defaults(handler=command_sensitivity)

    report = commands.add_parser(
        "report", help="write a self-contained HTML report of a run or sweep folder"
    )
    report.add_argument("results_dir", help="a folder written by run.py run or run.py sweep")
    report.add_argument("--out", help="the report's file (default: RESULTS_DIR/report.html)")
    report.set_defaults(handler=command_report)

    compare = commands.add_parser(
        "compare",
        help="key outcomes of a run or sweep folder per scenario and design point, with 95%% "
        "intervals; with --a and --b, paired differences between two settings",
    )
    compare.add_argument("results_dir", help="a folder written by run.py run or run.py sweep")
    compare.add_argument(
        "--metric",
        action="append",
        help="a model column (repeatable; default: the key outcomes of the report)",
    )
    compare.add_argument(
        "--by",
        action="append",
        help="group by this column: scenario, point or a swept parameter (repeatable; default: "
        "scenario and the swept parameters)",
    )
    compare.add_argument(
        "--statistic",
        choices=("mean", "final"),
        help="reduce each run by its mean over its steps or its final value (default: each "
        "outcome's own; a rate of two counts is pooled: prevented / crises)",
    )
    compare.add_argument(
        "--a",
        metavar="SETTING",
        help="one side: a scenario, or COLUMN=VALUE,... (e.g. "
        "dispute_resolution_share=0,sovereignty_weight=1)",
    )
    compare.add_argument("--b", metavar="SETTING", help="the other side, as --a")
    compare.set_defaults(handler=command_compare)

    discover = commands.add_parser(
        "discover",
        help="scenario discovery: the boxes of parameter values where an outcome of interest "
        "occurs (PRIM, from ema-workbench)",
    )
    discover.add_argument("sweep_dir", help="the sweep's output folder")
    discover.add_argument("--metric", required=True, help="a model column, e.g. stability_index")
    discover.add_argument(
        "--below", type=float, metavar="X", help="cases of interest: runs whose metric is below X"
    )
    discover.add_argument(
        "--above", type=float, metavar="X", help="cases of interest: runs whose metric is above X"
    )
    discover.add_argument(
        "--statistic",
        choices=("mean", "final"),
        default="mean",
        help="reduce each run by the metric's mean over its steps (default) or final value",
    )
    discover.add_argument(
        "--scenario", help="keep one base scenario (default: the base scenario is a dimension)"
    )
    discover.add_argument(
        "--min-density",
        type=float,
        default=0.8,
        help="the share of a box's runs that must be cases of interest (0.8)",
    )
    discover.add_argument("--boxes", type=int, default=3, help="at most this many boxes (3)")
    discover.set_defaults(handler=command_discover)

    hindcast = commands.add_parser(
        "hindcast",
        help="run the world of 1990 to 2010 over several seeds against the observed DCA network",
    )
    hindcast.add_argument(
        "--scenario",
        type=Path,
        default=Path("scenarios/world_1990.yaml"),
        help="scenario whose step 0 is 1990 (default: scenarios/world_1990.yaml)",
    )
    hindcast.add_argument(
        "--start-year",
        type=whole_number(),
        default=1990,
        help="the year of the scenario's step 0 (1990; 2000 for scenarios/world_2000.yaml)",
    )
    hindcast.add_argument(
        "--seeds",
        type=whole_number(),
        default=5,
        help="runs: the scenario's seed and the next ones (5)",
    )
    hindcast.add_argument(
        "--set",
        action="append",
        metavar="NAME=VALUE",
        help="override a parameter or any field by dotted path, as for run; repeatable",
    )
    hindcast.add_argument(
        "--parameters-from",
        type=Path,
        metavar="FILE",
        help="take the parameters written in another scenario file (e.g. run world_2000 "
        "with scenarios/world_1990_calibrated.yaml's fitted values); --set still applies",
    )
    hindcast.add_argument(
        "--fit-years", default="1991-2000", help="years scored as the fit period (1991-2000)"
    )
    hindcast.add_argument(
        "--test-years",
        default="2001-2010",
        help="years scored as the test period, with the targets of issues 13 and 14 (2001-2010)",
    )
    hindcast.add_argument("--out", help="output folder (default: a new folder under results/)")
    hindcast.add_argument(
        "--quiet",
        action="store_true",
        help="no progress bar and no table: one line saying where the results are",
    )
    hindcast.set_defaults(handler=command_hindcast)

    calibrate = commands.add_parser(
        "calibrate",
        help="fit a sweep file's parameters to the observed DCA network by ABC-SMC (pyabc) "
        "on the fit years, test on the test years, and write the fitted scenario",
    )
    calibrate.add_argument(
        "sweep",
        type=Path,
        help="a calibration sweep file: its base scenario, parameter ranges (the prior) and seed",
    )
    calibrate.add_argument(
        "--population", type=whole_number(), default=100, help="particles a generation (100)"
    )
    calibrate.add_argument(
        "--generations", type=whole_number(), default=6, help="at most this many generations (6)"
    )
    calibrate.add_argument(
        "--min-distance", type=float, default=0.0, help="stop once the threshold is this low (0)"
    )
    calibrate.add_argument(
        "--max-simulations", type=whole_number(), help="stop after this many particle simulations"
    )
    calibrate.add_argument(
        "--replicates",
        type=whole_number(),
        help="runs a particle, averaged (default: the sweep's replicates)",
    )
    calibrate.add_argument("--fit-years", default="1991-2000", help="years fitted (1991-2000)")
    calibrate.add_argument(
        "--test-years", default="2001-2010", help="years held out as the test (2001-2010)"
    )
    calibrate.add_argument(
        "--measures",
        help="measures scored, separated by commas (default: density, states_with_dca, "
        "max_degree, transitivity and the other structure measures)",
    )
    calibrate.add_argument(
        "--draws", type=whole_number(), default=50, help="posterior draws run over every year (50)"
    )
    calibrate.add_argument(
        "--seeds",
        type=whole_number(),
        default=5,
        help="seeds the fitted scenario is checked on (5)",
    )
    calibrate.add_argument(
        "--seed", type=whole_number(0), help="the calibration's seed (default: the sweep's)"
    )
    calibrate.add_argument(
        "--workers",
        type=whole_number(),
        help="local worker processes (default: one per core; 1 runs here)",
    )
    calibrate.add_argument(
        "--dask",
        metavar="ADDRESS",
        help="run the particles on a Dask cluster, e.g. tcp://host:8786",
    )
    calibrate.add_argument(
        "--out", help="output folder: pyabc database, posterior, figures (default: under results/)"
    )
    calibrate.add_argument(
        "--fitted",
        help="also write the fitted scenario here (e.g. scenarios/world_1990_calibrated.yaml)",
    )
    calibrate.add_argument(
        "--observed",
        help="observed yearly figures (default: scenarios/data/dca_network_targets_1990_2010.csv)",
    )
    calibrate.add_argument(
        "--structure",
        help="observed structure measures (default with the default observed file: "
        "scenarios/data/dca_network_structure_1990_2000.csv when it exists)",
    )
    calibrate.add_argument(
        "--quiet",
        action="store_true",
        help="no summary: one line saying where the results are",
    )
    calibrate.set_defaults(handler=command_calibrate)

    dashboard = commands.add_parser("dashboard", help="explore the model live in a browser")
    dashboard.add_argument("--host", default="127.0.0.1", help="address to serve on (loopback)")
    dashboard.add_argument("--port", type=whole_number(), default=8765)
    dashboard.set_defaults(handler=command_dashboard)

    validate = commands.add_parser(
        "validate", help="check scenario and sweep files without running them"
    )
    validate.add_argument("files", nargs="+", type=Path)
    validate.set_defaults(handler=command_validate)

    schema = commands.add_parser("schema", help="print the scenario JSON Schema")
    schema.add_argument("--out", help="write it to this file instead")
    schema.add_argument("--sweep", action="store_true", help="the sweep file's schema instead")
    schema.add_argument(
        "--markdown",
        action="store_true",
        help="the table of scheduled event types, their fields and effects, in Markdown "
        "(as in the README) instead",
    )
    schema.set_defaults(handler=command_schema)
    return parser


def main(argv: list[str] | None = None) -> int:
    parser = build_parser()
    args, extras = parser.parse_known_args(argv)
    if extras:
        return unrecognised(parser, args.command, extras)
    from simulation.guards import SimulationError
    from simulation.run_folder import OutputError
    from simulation.scenario_files import ScenarioError
    from simulation.sweeps.executors import ExecutorError

    try:
        return args.handler(args)
    except (ScenarioError, OutputError, UsageError, ExecutorError) as error:
        print(f"error: {error}", file=sys.stderr)
        return EXIT_BAD_INPUT
    except SimulationError as error:
        # the run left the range the model can represent: nothing was written
        print(f"error: {error}; no results were written", file=sys.stderr)
        return EXIT_RUNS_FAILED
    except KeyboardInterrupt:
        print("\ninterrupted: no results were written", file=sys.stderr)
        return EXIT_INTERRUPTED
    except BrokenPipeError:
        # the reader went away (e.g. `| head`); the results are already on disk
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 0


def unrecognised(parser: argparse.ArgumentParser, command: str, extras: list[str]) -> int:
    """One line for arguments the command does not take, with the option meant when one
    is close (`--stpes` for `--steps`)."""
    commands = next(action for action in parser._actions if action.dest == "command")
    subparser = commands.choices[command]
    given = next((extra for extra in extras if extra.startswith("-")), extras[0])
    if given.startswith("-"):
        options = [name for action in subparser._actions for name in action.option_strings]
        problem = f"unknown option {given.split('=')[0]!r}"
        hint = did_you_mean(given.split("=")[0], options)
    else:
        problem, hint = f"unexpected argument {given!r}", ""
    print(f"error: {problem}{hint} (see {subparser.prog} --help)", file=sys.stderr)
    return EXIT_BAD_INPUT


if __name__ == "__main__":
    sys.exit(main())
