#!/usr/bin/env python3
"""Command line for the defense cooperation simulation.

    python run.py run SCENARIO.yaml [--steps N] [--seed S] [--set name=value ...] [--out DIR]
    python run.py validate FILE...
    python run.py schema [--out FILE]

Bad input gets one line on stderr naming the file, the field and what was
expected, and exit status 2.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from pathlib import Path

import yaml

EXIT_BAD_INPUT = 2
EXIT_INTERRUPTED = 130


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
    from simulation.output import check_output_dir, default_output_dir, write_run
    from simulation.runner import run_scenario
    from simulation.scenario import load_scenario
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
    write_run(result, out, args.format, source=str(args.scenario))
    print(summarise(result, out))
    return 0


def command_validate(args: argparse.Namespace) -> int:
    from simulation.scenario import ScenarioError, load_scenario

    failed = 0
    for path in args.files:
        try:
            scenario = load_scenario(path)
        except ScenarioError as error:
            print(f"error: {error}", file=sys.stderr)
            failed += 1
        else:
            nations = len(scenario.nation_names())
            print(f"ok: {path}: {scenario.name!r}, {nations} nations, {scenario.steps} steps")
    return EXIT_BAD_INPUT if failed else 0


def command_schema(args: argparse.Namespace) -> int:
    from simulation.scenario import scenario_json_schema

    text = json.dumps(scenario_json_schema(), indent=2) + "\n"
    if args.out:
        Path(args.out).write_text(text)
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

    validate = commands.add_parser("validate", help="check scenario files without running them")
    validate.add_argument("files", nargs="+", type=Path)
    validate.set_defaults(handler=command_validate)

    schema = commands.add_parser("schema", help="print the scenario JSON Schema")
    schema.add_argument("--out", help="write it to this file instead")
    schema.set_defaults(handler=command_schema)
    return parser


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    from simulation.output import OutputError
    from simulation.scenario import ScenarioError

    try:
        return args.handler(args)
    except (ScenarioError, OutputError, UsageError) as error:
        print(f"error: {error}", file=sys.stderr)
        return EXIT_BAD_INPUT
    except KeyboardInterrupt:
        print("\ninterrupted: no results were written", file=sys.stderr)
        return EXIT_INTERRUPTED
    except BrokenPipeError:
        # the reader went away (e.g. `| head`); the results are already on disk
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 0


if __name__ == "__main__":
    sys.exit(main())
