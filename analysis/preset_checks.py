"""Issue 14's checks of every preset, over a few seeds: what an analyst would look at
before believing a preset's dynamics (docs/MODEL.md 10.3).

    python -m analysis.preset_checks [--seeds 2] [PRESET ...]

For each preset (default: every file in `scenarios/` that is not a derived world of
1990 or 2000) and each seed, one row:

- `transitivity`: the network's at the last step, pacts' and alliances' ties counted
  (the model table's column);
- `bilateral_transitivity`: that of the bilateral DCAs in force at the last step, the
  network DCAD records and the hindcast compares (issue 14: at most 0.7);
- `renewed_share`: of the agreements reaching a term end, the share renewed (renewals
  / (renewals + lapses + declined renewals); less than 0.97);
- `allies_called`, `honour_rate`: allies honoured / allies called (0.65-0.82; empty
  without a call; pooled over the seeds in the mean row), with `honour_low` and
  `honour_high`, its 95% Wilson interval: a few calls say little about the rate;
- `rivals_sharing_a_pact`: pairs of the scenario's rivals (its lasting rivalries)
  that are members of one pact at the last step and were not at the start (0: the
  scenario may place rivals in one pact, as ASEAN holds Thailand and Cambodia, but the
  model brings none together);
- `members_at_odds`: pairs of one pact at the last step with a rivalry their crises
  built (it fades; Greece and Turkey, in NATO, had one): in an alliance or an
  exogenous pact, or in a pact split between the two (docs/MODEL.md 7.6);
- `voted_out`: members a pact expelled, a crisis having made them rivals of a member
  who, with the member's other rivals, held two thirds of the others' capability;
- `partner_crises`, `partner_escalation`: crises between nations holding an agreement
  with each other at the step, and the share of them that turned fatal (at least
  0.03);
- `disputes_per_state`: crises and allies drawn in (each a pair of states, as the MID
  count them) per state and year, for comparison with the 0.25 of 1991-2000;
- `stability_index`: at the last step.

The last rows give each preset's mean over its seeds.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

import numpy as np
import pandas as pd

ROOT = Path(__file__).resolve().parent.parent
SCENARIOS = ROOT / "scenarios"
# the real worlds, and the counterfactual arms that extend a preset
DERIVED = (
    "world_1990",
    "world_1990_calibrated",
    "world_1990_no_enlargement",
    "world_2000",
    "baseline_without_channels",
)
COLUMNS = (
    "preset",
    "seed",
    "transitivity",
    "bilateral_transitivity",
    "renewed_share",
    "allies_called",
    "honour_rate",
    "honour_low",
    "honour_high",
    "rivals_sharing_a_pact",
    "members_at_odds",
    "voted_out",
    "partner_crises",
    "partner_escalation",
    "disputes_per_state",
    "stability_index",
)
TERM_END_EXITS = ("lapsed", "not_renewed")


def check_run(path: Path, seed: int) -> dict:
    """One preset run's row of COLUMNS."""
    from simulation.model import DefenseCooperationModel
    from simulation.scenario import load_scenario

    scenario = load_scenario(path, {"seed": seed})
    model = DefenseCooperationModel(scenario)
    state = model.state
    placed = pact_pairs(state, state.lasting_rivalry)
    partner_crises = partner_fatal = 0
    for _ in range(scenario.steps):
        seen = len(state.events.rows)
        model.step()
        for row in state.events.rows[seen:]:
            if row[1] != "crisis":
                continue
            first, second = state.names.index(row[6]), state.names.index(row[7])
            if state.ties[first, second]:
                partner_crises += 1
                partner_fatal += row[8] == "escalated"
    frame = model.recorder.model_table()
    events = model.events.table()
    exits = events[events["event"] == "exited"]["reason"]
    renewals = int(frame["renewals"].sum())
    ended = int(exits.isin(TERM_END_EXITS).sum())
    called = int(frame["allies_called"].sum())
    rivals = pact_pairs(state, state.lasting_rivalry) - placed
    at_odds = pact_pairs(state, state.rivalry - state.lasting_rivalry)
    drawn = frame["crises"] + frame["allies_honoured"]
    return {
        "preset": path.stem,
        "seed": seed,
        "transitivity": float(frame["transitivity"].iloc[-1]),
        "bilateral_transitivity": bilateral_transitivity(state),
        "renewed_share": renewals / (renewals + ended) if renewals + ended else np.nan,
        "allies_called": called,
        "honour_rate": float(frame["allies_honoured"].sum()) / called if called else np.nan,
        "rivals_sharing_a_pact": len(rivals),
        "members_at_odds": len(at_odds),
        "voted_out": int((exits == "voted_out").sum()),
        "partner_crises": partner_crises,
        "partner_escalation": partner_fatal / partner_crises if partner_crises else np.nan,
        "disputes_per_state": float((drawn / frame["states"]).iloc[1:].mean()),
        "stability_index": float(frame["stability_index"].iloc[-1]),
    }


def wilson_interval(successes: np.ndarray, trials: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """The 95% Wilson score interval of successes / trials (NaN where trials is 0)."""
    from scipy.stats import binomtest

    low, high = np.full(len(trials), np.nan), np.full(len(trials), np.nan)
    for row, (k, n) in enumerate(zip(np.asarray(successes), np.asarray(trials))):
        if n > 0:
            interval = binomtest(int(k), int(n)).proportion_ci(method="wilson")
            low[row], high[row] = interval.low, interval.high
    return low, high


def bilateral_transitivity(state) -> float:
    """Transitivity of the network of bilateral DCAs (no pact, no alliance) in force."""
    from simulation.domain import Kind
    from simulation.mechanisms import network

    registry = state.registry
    slots = registry.active_slots(Kind.BILATERAL)
    slots = slots[~registry.alliance[slots]]
    ties = np.zeros((state.size, state.size), dtype=bool)
    ties[registry.first[slots], registry.second[slots]] = True
    ties |= ties.T
    return network.transitivity(ties)


def pact_pairs(state, rivalry: np.ndarray) -> set[tuple[int, int]]:
    """Pairs (i < j) of members of one active pact with `rivalry` above 0."""
    pairs: set[tuple[int, int]] = set()
    for pact in state.registry.active_pacts():
        members = np.sort(np.asarray(pact.members))
        first, second = np.nonzero(np.triu(rivalry[np.ix_(members, members)] > 0, 1))
        pairs.update(zip(members[first].tolist(), members[second].tolist()))
    return pairs


def presets(names: list[str]) -> list[Path]:
    if names:
        return [SCENARIOS / (name if name.endswith(".yaml") else f"{name}.yaml") for name in names]
    return sorted(p for p in SCENARIOS.glob("*.yaml") if p.stem not in DERIVED)


def check(paths: list[Path], seeds: int) -> pd.DataFrame:
    rows = [check_run(path, seed) for path in paths for seed in range(1, seeds + 1)]
    table = pd.DataFrame(rows, columns=list(COLUMNS))
    grouped = table.drop(columns="seed").groupby("preset", sort=False)
    means = grouped.mean().reset_index()
    honoured = (
        (table["honour_rate"].fillna(0) * table["allies_called"]).groupby(table["preset"]).sum()
    )
    called = grouped["allies_called"].sum()
    means["honour_rate"] = means["preset"].map(honoured / called.where(called > 0))
    means.insert(1, "seed", "mean")
    # the interval counts calls: pooled over the seeds in the mean row
    for frame, counts, calls in (
        (table, table["honour_rate"].fillna(0) * table["allies_called"], table["allies_called"]),
        (means, means["preset"].map(honoured), means["preset"].map(called)),
    ):
        low, high = wilson_interval(counts.round().to_numpy(), calls.to_numpy())
        frame["honour_low"], frame["honour_high"] = low, high
    return pd.concat([table.astype({"seed": object}), means], ignore_index=True)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m analysis.preset_checks", description=__doc__)
    parser.add_argument("presets", nargs="*", help="preset names (default: every preset)")
    parser.add_argument("--seeds", type=int, default=2)
    args = parser.parse_args(argv)
    if args.seeds < 1:
        print("--seeds: expected at least 1", file=sys.stderr)
        return 2
    paths = presets(args.presets)
    missing = [str(p) for p in paths if not p.is_file()]
    if missing:
        print(f"{missing[0]}: no such preset", file=sys.stderr)
        return 2
    with pd.option_context("display.width", 200, "display.max_columns", 20):
        print(check(paths, args.seeds).round(3).to_string(index=False))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
