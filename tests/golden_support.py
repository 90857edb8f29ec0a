"""The regression net: fingerprints of every output table of fixed runs.

Every preset in `scenarios/` (at its own seed and length) and a set of small worlds
drawn once by hypothesis (kept in `tests/golden/worlds.json`, so the set does not move
with hypothesis versions) are run, and each output table is reduced to a signature:
a SHA-256 of its column names, dtypes, missing values and every value that is not a
float, bit for bit, and for each float column three sums (plain, position-weighted
and of squares). `tests/golden/hashes.json` holds the signatures the code must
reproduce.

Why floats are summed rather than hashed: numpy picks its SIMD code by the CPU it
runs on. The AVX-512 versions of `exp` and `log` round the last bit differently from
the AVX2 ones (seen: 6e-15 in capabilities), and the N x N matrices are float32,
whose sums come out in a different order at each SIMD width (seen without AVX2:
6e-8 relative in sovereignty tension and benefit). The same code and seed give the
same decisions, counts and names on every machine tried, but not the same last bits
of every float, so a bit-for-bit hash failed on a machine with AVX-512 for no change
in behaviour. The float sums are compared to a relative 1e-6 of their magnitude:
ten times float32's rounding, and far finer than any change in behaviour (one
flipped decision changes the counts, which are compared exactly).
"""

from __future__ import annotations

import hashlib
import json
import sys
from pathlib import Path

import numpy as np
import pandas as pd

ROOT = Path(__file__).resolve().parent.parent
GOLDEN = Path(__file__).resolve().parent / "golden"
HASHES = GOLDEN / "hashes.json"
WORLDS = GOLDEN / "worlds.json"
PRESETS = sorted((ROOT / "scenarios").glob("*.yaml"))
WORLD_COUNT = 24


def table_fingerprint(frame: pd.DataFrame) -> str:
    """SHA-256 of a table: names and dtypes of its columns, then each column's values
    (floats by their bits, text by its UTF-8, missing values marked as such)."""
    digest = hashlib.sha256()
    for name in frame.columns:
        column = frame[name]
        digest.update(f"{name}:{column.dtype};".encode())
        missing = column.isna().to_numpy()
        digest.update(np.packbits(missing).tobytes())
        hash_exactly(digest, column)
    return digest.hexdigest()


def hash_exactly(digest, column: pd.Series) -> None:
    """Feed a column's values into `digest`: numbers by their bits, anything else by
    its repr, missing values marked as such."""
    if column.dtype.kind in "iufb":
        digest.update(np.ascontiguousarray(column.to_numpy()).tobytes())
    else:
        for value in column.tolist():
            digest.update(b"\x00" if value is None or value is pd.NA else repr(value).encode())
            digest.update(b"\x1f")


FLOAT_TOLERANCE = 1e-6


def table_signature(frame: pd.DataFrame) -> dict:
    """What the golden file keeps of a table: `exact`, a SHA-256 of the column names,
    dtypes, missing values and every non-float value; `floats`, per float column,
    its sum, its position-weighted sum and its sum of squares (missing values as 0),
    each with the sum of magnitudes it is compared against."""
    digest = hashlib.sha256()
    floats: dict[str, list[float]] = {}
    for name in frame.columns:
        column = frame[name]
        digest.update(f"{name}:{column.dtype};".encode())
        digest.update(np.packbits(column.isna().to_numpy()).tobytes())
        if column.dtype.kind == "f":
            values = np.nan_to_num(column.to_numpy(dtype=np.float64), nan=0.0)
            # weights that differ row to row, so two values trading places show
            weights = 1.0 + (np.arange(len(values)) * 0.6180339887498949) % 1.0
            terms = (values, values * weights, values * values)
            floats[name] = [float(t.sum()) for t in terms] + [float(np.abs(t).sum()) for t in terms]
        else:
            hash_exactly(digest, column)
    return {"exact": digest.hexdigest(), "floats": floats}


def signature_differences(expected: dict, got: dict) -> list[str]:
    """What differs between two signatures of a table, beyond last-place rounding."""
    if expected["exact"] != got["exact"]:
        return ["names, dtypes, missing values or non-float values"]
    differences = []
    for name, sums in expected["floats"].items():
        mine = got["floats"].get(name)
        if mine is None:
            differences.append(f"{name} missing")
            continue
        for label, want, have, scale in zip(
            ("sum", "weighted sum", "sum of squares"), sums[:3], mine[:3], sums[3:], strict=True
        ):
            if abs(want - have) > FLOAT_TOLERANCE * max(scale, 1e-300):
                differences.append(f"{name} {label} {have!r} (recorded {want!r})")
    return differences


def run_fingerprints(scenario) -> dict[str, dict]:
    from simulation import run_scenario

    tables = run_scenario(scenario).tables()
    return {name: table_signature(frame) for name, frame in tables.items()}


def preset_key(path: Path) -> str:
    return f"preset:{path.name}"


def world_key(index: int) -> str:
    return f"world:{index:02d}"


def golden_cases() -> list[tuple[str, object]]:
    """Every (key, scenario) the golden file covers, in file order."""
    from simulation import load_scenario, scenario_from_dict

    cases: list[tuple[str, object]] = [(preset_key(p), load_scenario(p)) for p in PRESETS]
    worlds = json.loads(WORLDS.read_text())
    for index, data in enumerate(worlds):
        cases.append((world_key(index), scenario_from_dict(data, f"worlds.json[{index}]")))
    return cases


# ----------------------------------------------------------- the small worlds


def small_world_strategy():
    """Small worlds with every mechanism in play: 1-3 regions of 2-7 nations, listed
    nations, rivalries, standing agreements of both kinds, scheduled events of every
    type, and every behavioural parameter drawn across its declared range."""
    from hypothesis import strategies as st

    from simulation.agreements import depth_ceiling
    from simulation.domain import Sector
    from simulation.parameters import Parameters

    def parameter_values():
        fields = {}
        for name, field in Parameters.model_fields.items():
            low = high = None
            for bound in field.metadata:
                low = getattr(bound, "ge", getattr(bound, "gt", low))
                high = getattr(bound, "le", getattr(bound, "lt", high))
            # up to twice the default keeps runs short while crossing every threshold
            top = min(high, max(2 * field.default, field.default + 1))
            if field.annotation is int:
                fields[name] = st.integers(
                    max(low, 1) if name != "diplomatic_capacity" else low, int(top)
                )
            else:
                bottom = low if not any(hasattr(b, "gt") for b in field.metadata) else low + 1e-3
                if any(hasattr(b, "lt") for b in field.metadata):
                    top = min(top, high - 1e-3)
                fields[name] = st.floats(bottom, top, allow_nan=False).map(lambda x: round(x, 4))
        return st.fixed_dictionaries({}, optional=fields)

    @st.composite
    def worlds(draw):
        region_count = draw(st.integers(1, 3))
        regions = [
            {
                "name": f"R{r}",
                "nations": draw(st.integers(2, 7)),
                "threat": round(draw(st.floats(0, 1)), 3),
                "capability": {"median": 1.0, "sigma": round(draw(st.floats(0, 2)), 3)},
            }
            for r in range(region_count)
        ]
        names = [
            f"R{r} {k}" for r, region in enumerate(regions) for k in range(1, region["nations"] + 1)
        ]
        listed = [
            {
                "name": f"Listed {k}",
                "region": f"R{draw(st.integers(0, region_count - 1))}",
                "capability": round(draw(st.floats(0.1, 20)), 3),
                "sovereignty_sensitivity": round(draw(st.floats(0, 1)), 3),
            }
            for k in range(draw(st.integers(0, 2)))
        ]
        names += [n["name"] for n in listed]
        pair = st.lists(st.sampled_from(names), min_size=2, max_size=2, unique=True)
        rivalries = []
        for members in draw(st.lists(pair, max_size=3, unique_by=lambda p: frozenset(p))):
            rivalries.append({"nations": members, "intensity": round(draw(st.floats(0.1, 1)), 3)})
        agreements = []
        for k in range(draw(st.integers(0, 3))):
            multilateral = draw(st.booleans()) and len(names) >= 3
            members = draw(
                st.lists(
                    st.sampled_from(names),
                    min_size=3 if multilateral else 2,
                    max_size=5 if multilateral else 2,
                    unique=True,
                )
            )
            sector = draw(
                st.sampled_from(
                    ["general", "training", "intelligence", "technology", "arms", "basing"]
                )
            )
            # rung 4 is mutual defence: an alliance; a DCA stops at its sector's rung
            depth = draw(st.integers(1, 4))
            alliance = depth == 4
            if not alliance:
                depth = min(depth, depth_ceiling(Sector(sector), False))
            agreements.append(
                {
                    "id": f"a{k}",
                    "kind": "multilateral" if multilateral else "bilateral",
                    "sector": sector,
                    "depth": depth,
                    **({"alliance": True} if alliance else {}),
                    "members": members,
                    "dispute_resolution": draw(st.booleans()),
                    "funding": draw(st.sampled_from(["equal", "proportional", "lead_nation"])),
                    "signed_step": draw(st.integers(-6, 0)),
                }
            )
        steps = draw(st.integers(5, 20))
        events = []
        for _ in range(draw(st.integers(0, 4))):
            kind = draw(
                st.sampled_from(
                    [
                        "crisis",
                        "capability_surge",
                        "sovereignty_shift",
                        "threat_shift",
                        "leave_agreement",
                    ]
                )
            )
            step = draw(st.integers(1, steps))
            region = f"R{draw(st.integers(0, region_count - 1))}"
            if kind == "crisis":
                event = {"type": kind, "severity": round(draw(st.floats(0, 1)), 3)}
                if draw(st.booleans()):
                    event["region"] = region
                else:
                    event["nations"] = draw(pair)
            elif kind == "capability_surge":
                event = {
                    "type": kind,
                    "nation": draw(st.sampled_from(names)),
                    "factor": round(draw(st.floats(0.2, 4)), 3),
                }
            elif kind == "sovereignty_shift" or kind == "threat_shift":
                event = {
                    "type": kind,
                    "region": region,
                    "delta": round(draw(st.floats(-0.5, 0.5)), 3),
                }
            elif agreements:
                agreement = draw(st.sampled_from(agreements))
                event = {
                    "type": kind,
                    "nation": draw(st.sampled_from(agreement["members"])),
                    "agreement": agreement["id"],
                }
            else:
                continue
            events.append({"step": step, **event})
        return {
            "name": "golden-world",
            "seed": draw(st.integers(0, 2**32 - 1)),
            "steps": steps,
            "regions": regions,
            "nations": listed,
            "rivalries": rivalries,
            "agreements": agreements,
            "events": events,
            "parameters": draw(parameter_values()),
        }

    return worlds()


def draw_worlds(count: int = WORLD_COUNT) -> list[dict]:
    """`count` distinct small worlds, drawn deterministically (derandomized hypothesis)."""
    from hypothesis import HealthCheck, Phase, given, settings

    from simulation import scenario_from_dict

    drawn: list[dict] = []
    shapes: set[tuple] = set()

    @settings(
        derandomize=True,
        max_examples=count * 100,
        database=None,
        phases=[Phase.generate],
        suppress_health_check=list(HealthCheck),
        deadline=None,
    )
    @given(small_world_strategy())
    def collect(world):
        # hypothesis starts from the simplest worlds: keep only those that put several
        # mechanisms in play at once, and no two alike in shape
        shape = (
            world["steps"],
            len(world["regions"]),
            len(world["agreements"]),
            tuple(e["type"] for e in world["events"]),
            len(world["parameters"]),
        )
        rich = world["steps"] >= 8 and (world["agreements"] or world["events"])
        if len(drawn) < count and rich and shape not in shapes:
            scenario_from_dict(world, "drawn world")  # only valid worlds are kept
            shapes.add(shape)
            drawn.append(world)

    collect()
    return drawn


def regenerate(worlds: bool = False) -> None:
    GOLDEN.mkdir(exist_ok=True)
    if worlds or not WORLDS.exists():
        WORLDS.write_text(json.dumps(draw_worlds(), indent=1) + "\n")
    hashes = {key: run_fingerprints(scenario) for key, scenario in golden_cases()}
    HASHES.write_text(json.dumps(hashes, indent=1, sort_keys=True) + "\n")
    print(f"{len(hashes)} runs fingerprinted into {HASHES.relative_to(ROOT)}")


if __name__ == "__main__":
    sys.path.insert(0, str(ROOT))
    regenerate(worlds="--worlds" in sys.argv[1:])
