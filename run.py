#!/usr/bin/env python3
"""Command line for the defense cooperation simulation.

    python run.py run SCENARIO.yaml [--steps N] [--seed S] [--set name=value ...] [--out DIR]
    python run.py sweep SWEEP.yaml [--workers N] [--scheduler ADDRESS] [--out DIR] [--resume]
    python run.py sensitivity SWEEP_DIR --metric NAME [--statistic mean|final]
    python run.py report RESULTS_DIR [--out FILE]
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
from pathlib import Path

import yaml

EXIT_RUNS_FAILED = 1  # also a run stopped by a guard (simulation.guards.SimulationError)
EXIT_BAD_INPUT = 2
EXIT_INTERRUPTED = 130
# the TCP ports a dashboard can serve on (0 would be "any free port": not one to print)
PORT_RANGE = (1, 65535)


class UsageError(Exception):
    """A command-line value is wrong; the message is one line for the user."""


def parse_assignments(pairs: list[str]) -> dict[str, object]:
    """`name=value` pairs; values are read as YAML scalars (0.5, true, 12, text)."""
    overrides: dict[str, object] = {}
    for pair in pairs:
        name, sep, text = pair.partition("=")
        if not sep or not name.strip():
            raise UsageError(f"--set {pair}: expected name=value, e.g. --set crisis_rate=0.2")
        try:
            value = yaml.safe_load(text) if text.strip() else ""
        except yaml.YAMLError:
            value = text
        if isinstance(value, dict | list):
            raise UsageError(f"--set {pair}: expected a single value, got a {type(value).__name__}")
        overrides[name.strip()] = value
    return overrides


def command_run(args: argparse.Namespace) -> int:
    from simulation.run_folder import (
        RESULTS_ROOT,
        check_output_dir,
        default_output_dir,
        write_run_folder,
    )
    from simulation.scenario import load_scenario
    from simulation.single_run import run_scenario
    from simulation.summary import summarise

    overrides = parse_assignments(args.set or [])
    if args.steps is not None:
        overrides["steps"] = args.steps
    if args.seed is not None:
        overrides["seed"] = args.seed
    scenario = load_scenario(args.scenario, overrides)
    out = Path(args.out) if args.out else default_output_dir(scenario.name)
    check_output_dir(out)

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
    print(summarise(result, out))
    return 0


def command_prevention(args: argparse.Namespace) -> int:
    import numpy as np

    from analysis.compare import CONFIDENCE, mean_interval
    from simulation.counterfactuals import AGREEMENT_CHANNELS, ARMS, paired_runs
    from simulation.scenario import load_scenario

    if args.seeds < 2:
        raise UsageError(
            f"--seeds: expected at least 2 (an interval needs two pairs), got {args.seeds}"
        )
    overrides = parse_assignments(args.set or [])
    if args.steps is not None:
        overrides["steps"] = args.steps
    scenario = load_scenario(args.scenario, overrides)

    from tqdm import tqdm

    with tqdm(
        total=2 * args.seeds,
        desc=scenario.name,
        unit="run",
        disable=args.quiet or None,
        file=sys.stderr,
    ) as bar:
        runs = paired_runs(scenario, args.seeds, progress=lambda: bar.update(1))
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
    return 0


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

    def announce(total: int, to_run: int) -> None:
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
    print(summarise_sweep(report))
    return EXIT_RUNS_FAILED if report.failed else 0


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
    overrides = parse_assignments(args.set or [])
    if args.parameters_from is not None:
        from simulation.scenario import PARAMETER_SHORTHAND

        # the other file's parameters as written there, then --set on top (a short
        # `--set funding_cost=...` names the same field as `parameters.funding_cost`)
        fitted = load_scenario(args.parameters_from).parameters
        overrides = {
            **{f"parameters.{name}": getattr(fitted, name) for name in fitted.model_fields_set},
            **{
                f"{PARAMETER_SHORTHAND[key]}.{key}" if key in PARAMETER_SHORTHAND else key: value
                for key, value in overrides.items()
            },
        }
    scenario = load_scenario(args.scenario, overrides)  # bad input fails before any run
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
    parser = argparse.ArgumentParser(
        prog="run.py", description="Agent-based simulation of defense cooperation agreements."
    )
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    run = commands.add_parser("run", help="run one simulation of a scenario file")
    run.add_argument("scenario", type=Path, help="scenario YAML file")
    run.add_argument("--steps", type=int, help="override the scenario's number of steps")
    run.add_argument("--seed", type=int, help="override the scenario's seed")
    run.add_argument(
        "--set",
        action="append",
        metavar="NAME=VALUE",
        help="override a parameter (crisis_rate=0.2) or any field by dotted path "
        "(regions.0.threat=0.6); repeatable",
    )
    run.add_argument("--out", help="output folder (default: a new folder under results/)")
    run.add_argument("--format", choices=("parquet", "csv"), default="parquet")
    run.add_argument("--quiet", action="store_true", help="no progress bar")
    run.set_defaults(handler=command_run)

    prevention = commands.add_parser(
        "prevention",
        help="conflict prevention owed to agreements: the same seeds with their crisis "
        "channels switched off, as paired differences",
    )
    prevention.add_argument("scenario", type=Path, help="scenario YAML file")
    prevention.add_argument(
        "--seeds", type=int, default=20, help="paired seeds: the scenario's, +1, ... (default 20)"
    )
    prevention.add_argument("--steps", type=int, help="override the scenario's number of steps")
    prevention.add_argument(
        "--set", action="append", metavar="NAME=VALUE", help="override a parameter; repeatable"
    )
    prevention.add_argument("--quiet", action="store_true", help="no progress bar")
    prevention.set_defaults(handler=command_prevention)

    sweep = commands.add_parser(
        "sweep", help="run a sweep: scenarios x design points x replicates, in parallel"
    )
    sweep.add_argument("sweep", type=Path, help="sweep YAML file (see scenarios/sweeps/)")
    sweep.add_argument(
        "--workers",
        type=int,
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
    sweep.add_argument("--quiet", action="store_true", help="no progress bar")
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
        type=int,
        default=1990,
        help="the year of the scenario's step 0 (1990; 2000 for scenarios/world_2000.yaml)",
    )
    hindcast.add_argument(
        "--seeds", type=int, default=5, help="runs: the scenario's seed and the next ones (5)"
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
    hindcast.add_argument("--quiet", action="store_true", help="no progress bar")
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
        "--population", type=int, default=100, help="particles a generation (100)"
    )
    calibrate.add_argument(
        "--generations", type=int, default=6, help="at most this many generations (6)"
    )
    calibrate.add_argument(
        "--min-distance", type=float, default=0.0, help="stop once the threshold is this low (0)"
    )
    calibrate.add_argument(
        "--max-simulations", type=int, help="stop after this many particle simulations"
    )
    calibrate.add_argument(
        "--replicates", type=int, help="runs a particle, averaged (default: the sweep's replicates)"
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
        "--draws", type=int, default=50, help="posterior draws run over every year (50)"
    )
    calibrate.add_argument(
        "--seeds", type=int, default=5, help="seeds the fitted scenario is checked on (5)"
    )
    calibrate.add_argument("--seed", type=int, help="the calibration's seed (default: the sweep's)")
    calibrate.add_argument(
        "--workers", type=int, help="local worker processes (default: one per core; 1 runs here)"
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
        "--quiet", action="store_true", help="accepted for symmetry; prints the summary"
    )
    calibrate.set_defaults(handler=command_calibrate)

    dashboard = commands.add_parser("dashboard", help="explore the model live in a browser")
    dashboard.add_argument("--host", default="127.0.0.1", help="address to serve on (loopback)")
    dashboard.add_argument("--port", type=int, default=8765)
    dashboard.set_defaults(handler=command_dashboard)

    validate = commands.add_parser(
        "validate", help="check scenario and sweep files without running them"
    )
    validate.add_argument("files", nargs="+", type=Path)
    validate.set_defaults(handler=command_validate)

    schema = commands.add_parser("schema", help="print the scenario JSON Schema")
    schema.add_argument("--out", help="write it to this file instead")
    schema.add_argument("--sweep", action="store_true", help="the sweep file's schema instead")
    schema.set_defaults(handler=command_schema)
    return parser


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
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


if __name__ == "__main__":
    sys.exit(main())
