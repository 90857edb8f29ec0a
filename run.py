#!/usr/bin/env python3
"""Command line for the defense cooperation simulation.

    python run.py run SCENARIO.yaml [--steps N] [--seed S] [--set name=value ...] [--out DIR]
    python run.py sweep SWEEP.yaml [--workers N] [--scheduler ADDRESS] [--out DIR] [--resume]
    python run.py sensitivity SWEEP_DIR --metric NAME [--statistic mean|final]
    python run.py report RESULTS_DIR [--out FILE]
    python run.py hindcast [--scenario FILE] [--seeds N] [--set name=value ...] [--out DIR]
    python run.py calibrate SWEEP_DIR [--accept 0.05] [--out FILE] [--scores FILE]
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
    from analysis.hindcast import HindcastError, hindcast_from_runs, load_observed
    from simulation.run_folder import (
        RESULTS_ROOT,
        check_inside,
        check_output_dir,
        default_output_dir,
    )
    from simulation.scenario import load_scenario
    from simulation.sweeps.seeds import run_seeds

    if args.seeds < 1:
        raise UsageError(f"--seeds: expected a whole number of at least 1, got {args.seeds}")
    if not 1990 <= args.start_year <= 2010:
        raise UsageError(
            f"--start-year: expected a year of the observed figures, 1990 to 2010, "
            f"got {args.start_year}"
        )
    overrides = parse_assignments(args.set or [])
    scenario = load_scenario(args.scenario, overrides)  # bad input fails before any run
    out = Path(args.out) if args.out else default_output_dir(f"{scenario.name}-hindcast")
    check_output_dir(out)

    from tqdm import tqdm

    try:
        observed = load_observed()  # a broken observed file fails before any run too
        started = time.perf_counter()
        with tqdm(
            total=args.seeds,
            desc=f"{scenario.name} hindcast",
            unit="run",
            disable=args.quiet or None,
            file=sys.stderr,
        ) as bar:
            model_runs = run_seeds(scenario, args.seeds, progress=lambda _: bar.update(1))
        result = hindcast_from_runs(
            model_runs,
            scenario,
            observed,
            source=str(args.scenario),
            overrides=overrides,
            wall_seconds=time.perf_counter() - started,
            start_year=args.start_year,
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
    from analysis.calibration import CalibrationError, calibrate
    from simulation.run_folder import check_output_path

    if not 0 < args.accept <= 1:
        raise UsageError(f"--accept: expected a fraction in (0, 1], got {args.accept:g}")
    # the files to write are checked before any is written: none or both
    for option, target in (("--out", args.out), ("--scores", args.scores)):
        if target is not None:
            check_output_path(Path(target))
            if Path(target).is_dir():
                raise UsageError(f"{target}: is a folder; {option} expects a file name")
    measures = None
    if args.measures is not None:
        measures = [m.strip() for m in args.measures.split(",") if m.strip()]
        if not measures:
            raise UsageError("--measures: expected measure names separated by commas")
    sweep_dir = Path(args.sweep_dir)
    command = f"python run.py calibrate {args.sweep_dir} --accept {args.accept:g}"
    if args.measures is not None:
        command += f" --measures {','.join(measures)}"
    if args.observed is not None:
        command += f" --observed {args.observed}"
    try:
        kwargs = {} if args.observed is None else {"observed": args.observed}
        result = calibrate(sweep_dir, accept=args.accept, measures=measures, **kwargs)
        if args.out is not None:
            out = Path(args.out)
            command += f" --out {args.out}"
        else:
            # beside the sweep's results, never among the presets in scenarios/ unless
            # --out names them
            out = sweep_dir / f"{result.base_file.stem}_calibrated.yaml"
            check_output_path(out)
        print(result.text())
        # the scenario first: it is validated before it is written, and a refusal then
        # leaves neither file
        scenario = result.write_scenario(out, command)
        scores = result.write_scores(
            Path(args.scores) if args.scores else sweep_dir / "calibration.csv"
        )
    except CalibrationError as error:
        raise UsageError(str(error)) from None
    except OSError as error:
        raise UsageError(f"cannot write the calibration ({error})") from None
    scores, scenario = _near(scores), _near(scenario)
    print(f"scores of every point in {scores}")
    print(f"fitted scenario in {scenario}; check it on fresh seeds with")
    print(f"  python run.py hindcast --scenario {scenario} --seeds 10")
    return 0


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
    hindcast.add_argument("--out", help="output folder (default: a new folder under results/)")
    hindcast.add_argument("--quiet", action="store_true", help="no progress bar")
    hindcast.set_defaults(handler=command_hindcast)

    calibrate = commands.add_parser(
        "calibrate",
        help="score a calibration sweep against the observed DCA network, accept the best "
        "points (ABC rejection) and write the fitted scenario",
    )
    calibrate.add_argument("sweep_dir", help="the sweep's output folder (run.py sweep)")
    calibrate.add_argument(
        "--accept",
        type=float,
        default=0.05,
        help="share of the points accepted, best first (default 0.05)",
    )
    calibrate.add_argument(
        "--out",
        help="the fitted scenario file (default: SWEEP_DIR/ + the base scenario's name + "
        "_calibrated.yaml; scenarios/ only when named here)",
    )
    calibrate.add_argument(
        "--scores", help="CSV of every point's scores (default: SWEEP_DIR/calibration.csv)"
    )
    calibrate.add_argument(
        "--measures",
        help="measures to score, separated by commas "
        "(default: density,states_with_dca,max_degree,transitivity)",
    )
    calibrate.add_argument(
        "--observed",
        help="observed yearly figures (default: scenarios/data/dca_network_targets_1990_2010.csv)",
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
