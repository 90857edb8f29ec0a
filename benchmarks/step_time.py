#!/usr/bin/env python3
"""Milliseconds per step (data collection included) and peak memory, by number of nations.

    python benchmarks/step_time.py [--sizes 20 50 200 1000] [--steps 40] [--repeats 3]
                                   [--geography]
                                   [--set agreements_per_pair=3 --set lapse_rate=0.15]

Prints one line per size, `nations=<N> ms_per_step=<float> peak_mb=<float>`, then
`mesa_alliance_formation nations=200 ms_per_step=<float>` for Mesa's own example
model at 200 agents, and the ratio of the two at 200. Each size runs in a fresh
process, so peak_mb is that run's peak resident memory (the interpreter and
libraries included, about 100 MB of it). The world is the default scenario
(scenarios/baseline.yaml) with its regions scaled to N nations; the first steps,
while the network forms, are run before timing starts. ms_per_step is the best
of `--repeats` timed runs (the least disturbed by other work on the machine).
`--geography` places the regions on the map (`GEOGRAPHY`) and turns on proximity and
the influence motive, to time the model with them.
"""

from __future__ import annotations

import argparse
import json
import resource
import sys
import time
from pathlib import Path

from fresh_process import in_fresh_process

ROOT = Path(__file__).resolve().parent.parent
BASELINE = ROOT / "scenarios" / "baseline.yaml"
WARM_UP_STEPS = 10
# region centres and the parameters that put geography to work, for --geography
GEOGRAPHY = {
    "Europe": (50.0, 10.0),
    "Americas": (10.0, -75.0),
    "Asia-Pacific": (20.0, 115.0),
    "Middle East": (30.0, 45.0),
    "Africa": (0.0, 20.0),
}
GEOGRAPHY_PARAMETERS = {"region_weight": 0.25, "distance_weight": 1.0, "influence_weight": 1.0}


def scaled_baseline(
    nations: int, steps: int, geography: bool = False, parameters: dict | None = None
):
    import yaml

    from simulation.scenario import scenario_from_dict

    data = yaml.safe_load(BASELINE.read_text())
    total = sum(region["nations"] for region in data["regions"])
    for region in data["regions"]:
        region["nations"] = max(1, round(region["nations"] * nations / total))
    data["steps"] = steps
    data["events"] = []
    if geography:
        for region in data["regions"]:
            latitude, longitude = GEOGRAPHY[region["name"]]
            region["location"] = {"latitude": latitude, "longitude": longitude}
            region["spread_km"] = 2500.0
        data.setdefault("parameters", {}).update(GEOGRAPHY_PARAMETERS)
    data.setdefault("parameters", {}).update(parameters or {})
    return scenario_from_dict(data, str(BASELINE))


def time_model(
    nations: int, steps: int, repeats: int, geography: bool = False, parameters: dict | None = None
) -> dict:
    from simulation.model import DefenseCooperationModel

    best = float("inf")
    for _ in range(repeats):
        model = DefenseCooperationModel(
            scaled_baseline(nations, WARM_UP_STEPS + steps, geography, parameters)
        )
        for _ in range(WARM_UP_STEPS):
            model.step()
        started = time.perf_counter()
        for _ in range(steps):
            model.step()
        best = min(best, (time.perf_counter() - started) / steps * 1000.0)
    peak_kb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return {
        "nations": len(model.names),
        "ms_per_step": best,
        "peak_mb": peak_kb / 1024.0,
        "agreements": model.outcomes["active_agreements"],
    }


def time_alliance_formation(agents: int, steps: int) -> dict:
    from mesa.examples.advanced.alliance_formation.model import MultiLevelAllianceModel

    model = MultiLevelAllianceModel(n=agents, rng=42)
    started = time.perf_counter()
    for _ in range(steps):
        model.step()
    return {"ms_per_step": (time.perf_counter() - started) / steps * 1000.0}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[20, 50, 200, 1000])
    parser.add_argument("--steps", type=int, default=40)
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument(
        "--geography", action="store_true", help="regions on the map, proximity and influence on"
    )
    parser.add_argument(
        "--set",
        action="append",
        default=[],
        metavar="NAME=VALUE",
        help="a model parameter for the timed runs (YAML value), e.g. agreements_per_pair=3",
    )
    parser.add_argument("--one", type=int, help=argparse.SUPPRESS)
    parser.add_argument("--alliance", type=int, help=argparse.SUPPRESS)
    args = parser.parse_args()
    sys.path.insert(0, str(ROOT))
    import yaml

    parameters = {}
    for setting in args.set:
        name, _, value = setting.partition("=")
        parameters[name] = yaml.safe_load(value)
    if args.one is not None:
        print(
            json.dumps(time_model(args.one, args.steps, args.repeats, args.geography, parameters))
        )
        return
    if args.alliance is not None:
        print(json.dumps(time_alliance_formation(args.alliance, args.steps)))
        return

    ours_at_200 = None
    for size in args.sizes:
        steps = args.steps if size <= 200 else max(10, args.steps // 2)
        settings = [f"--set={setting}" for setting in args.set]
        result = in_fresh_process(
            __file__,
            "--one",
            str(size),
            "--steps",
            str(steps),
            "--repeats",
            str(args.repeats),
            *(["--geography"] if args.geography else []),
            *settings,
        )
        print(
            f"nations={result['nations']} ms_per_step={result['ms_per_step']:.3f} "
            f"peak_mb={result['peak_mb']:.1f}",
            flush=True,
        )
        if size == 200:
            ours_at_200 = result["ms_per_step"]
    mesa = in_fresh_process(__file__, "--alliance", "200", "--steps", "5")
    print(f"mesa_alliance_formation nations=200 ms_per_step={mesa['ms_per_step']:.3f}")
    if ours_at_200:
        print(
            f"ratio mesa_alliance_formation/defense_cooperation at 200 nations="
            f"{mesa['ms_per_step'] / ours_at_200:.1f}"
        )


if __name__ == "__main__":
    main()
