#!/usr/bin/env python3
"""Milliseconds per step of this checkout against an earlier commit, measured in turns.

    python benchmarks/compare_speed.py --against e2e16ea [--sizes 200 1000] [--rounds 8]
                                       [--repeats 3] [--steps 40] [--scenario FILE]

On a shared machine the time of one run moves by a third from one minute to the next,
so two figures taken minutes apart cannot tell a 20% slowdown from noise. This script
checks the earlier commit out into a temporary worktree and runs
`benchmarks/step_time.py` there and here in alternation, `--rounds` times per size, each
run in a fresh process. Both sides of a round see about the same machine, so the ratio
within a round is steadier than either figure. It prints one line per round, then per
size the median of each side, the median of the per-round ratios (this checkout over
the earlier one) and a 90% bootstrap interval for that median, and the ratio of the
best runs:

    nations=200 rounds=8 earlier_ms=3.41 now_ms=3.98 ratio_median=1.16 ratio_90=1.05-1.24 best_ratio=1.12

Each side times its own default scenario (`scenarios/baseline.yaml`), which may itself
have changed between the two commits. `--scenario FILE` times both on FILE instead (its
regions scaled the same way), which tells the cost of the code from the cost of a busier
default world.
"""

from __future__ import annotations

import argparse
import re
import subprocess
import sys
import tempfile
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
LINE = re.compile(r"^nations=(\d+) ms_per_step=([0-9.]+)", re.M)
BOOTSTRAP_SEED = 20261207  # the interval is a summary, the same for the same rounds


# `tree`'s own step_time.time_model on another scenario file (both commits have it)
ON_SCENARIO = """
import sys
from pathlib import Path
tree, size, repeats, steps, scenario = sys.argv[1:]
sys.path[:0] = [str(Path(tree) / "benchmarks"), tree]
import step_time
step_time.BASELINE = Path(scenario)
result = step_time.time_model(int(size), int(steps), int(repeats))
print(f"nations={result['nations']} ms_per_step={result['ms_per_step']:.3f}")
"""


def step_time(
    tree: Path, size: int, repeats: int, steps: int, scenario: Path | None = None
) -> float:
    """ms per step of `tree`'s model at `size` nations (its own step_time.py), on its
    default scenario or on `scenario`."""
    if scenario is None:
        command = [sys.executable, str(tree / "benchmarks" / "step_time.py"), "--sizes"]
        command += [str(size), "--repeats", str(repeats), "--steps", str(steps)]
    else:
        command = [sys.executable, "-c", ON_SCENARIO, str(tree), str(size)]
        command += [str(repeats), str(steps), str(scenario)]
    done = subprocess.run(command, cwd=tree, capture_output=True, text=True, check=True)
    found = LINE.search(done.stdout)
    if found is None:
        raise RuntimeError(f"{tree}: no 'nations=... ms_per_step=...' line in:\n{done.stdout}")
    return float(found.group(2))


def median_interval(ratios: np.ndarray, level: float = 0.9, draws: int = 2000) -> tuple:
    """The bootstrap `level` interval of the median of `ratios`."""
    rng = np.random.default_rng(BOOTSTRAP_SEED)
    medians = np.median(rng.choice(ratios, size=(draws, ratios.size)), axis=1)
    tail = (1 - level) / 2
    return float(np.quantile(medians, tail)), float(np.quantile(medians, 1 - tail))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python benchmarks/compare_speed.py",
        description="ms per step of this checkout against an earlier commit, in turns.",
    )
    parser.add_argument("--against", required=True, help="the earlier commit (any git rev)")
    parser.add_argument("--sizes", type=int, nargs="+", default=[200, 1000])
    parser.add_argument("--rounds", type=int, default=8)
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--steps", type=int, default=40)
    parser.add_argument(
        "--scenario", type=Path, help="time both sides on this scenario file, regions scaled"
    )
    args = parser.parse_args(argv)
    if args.rounds < 2 or args.repeats < 1 or args.steps < 1 or min(args.sizes) < 1:
        print("--rounds: at least 2; --repeats, --steps, --sizes: at least 1", file=sys.stderr)
        return 2
    scenario = None if args.scenario is None else args.scenario.resolve()
    if scenario is not None and not scenario.is_file():
        print(f"--scenario: {args.scenario} is not a file", file=sys.stderr)
        return 2
    resolved = subprocess.run(
        ["git", "rev-parse", "--verify", f"{args.against}^{{commit}}"],
        cwd=ROOT,
        capture_output=True,
        text=True,
    )
    if resolved.returncode != 0:
        print(f"--against: {args.against!r} is not a commit of {ROOT}", file=sys.stderr)
        return 2
    commit = resolved.stdout.strip()
    with tempfile.TemporaryDirectory(prefix="compare-speed-") as scratch:
        earlier = Path(scratch) / "earlier"
        subprocess.run(
            ["git", "worktree", "add", "--detach", "--quiet", str(earlier), commit],
            cwd=ROOT,
            check=True,
        )
        try:
            for size in args.sizes:
                pairs = []
                for round_ in range(1, args.rounds + 1):
                    # alternate which side goes first, so neither always runs warmer
                    order = (earlier, ROOT) if round_ % 2 else (ROOT, earlier)
                    times = {
                        tree: step_time(tree, size, args.repeats, args.steps, scenario)
                        for tree in order
                    }
                    pairs.append((times[earlier], times[ROOT]))
                    print(
                        f"round={round_} nations={size} earlier_ms={times[earlier]:.3f} "
                        f"now_ms={times[ROOT]:.3f}",
                        flush=True,
                    )
                before, now = np.array(pairs).T
                ratios = now / before
                low, high = median_interval(ratios)
                print(
                    f"nations={size} rounds={args.rounds} earlier_ms={np.median(before):.3f} "
                    f"now_ms={np.median(now):.3f} ratio_median={np.median(ratios):.3f} "
                    f"ratio_90={low:.3f}-{high:.3f} best_ratio={now.min() / before.min():.3f}",
                    flush=True,
                )
        finally:
            subprocess.run(
                ["git", "worktree", "remove", "--force", str(earlier)], cwd=ROOT, check=False
            )
    return 0


if __name__ == "__main__":
    sys.exit(main())
