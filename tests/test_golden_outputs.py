"""Every preset and every stored small world reproduces its output tables: every
non-float value bit for bit, floats to last-place rounding (see `golden_support`).

This is the regression net for changes meant to leave behaviour alone. A change meant
to alter outputs regenerates `tests/golden/hashes.json` in its own commit, with the
reason (see `tests/golden_support.py`).
"""

from __future__ import annotations

import json

import numpy as np
import pandas as pd
import pytest
from golden_support import (
    HASHES,
    PRESETS,
    golden_cases,
    preset_key,
    run_fingerprints,
    signature_differences,
    table_signature,
)

EXPECTED = json.loads(HASHES.read_text())
CASES = golden_cases()


@pytest.mark.parametrize(("key", "scenario"), CASES, ids=[key for key, _ in CASES])
def test_run_reproduces_its_recorded_tables(key, scenario):
    assert key in EXPECTED, f"{key} has no fingerprint: regenerate with tests/golden_support.py"
    got = run_fingerprints(scenario)
    assert set(got) == set(EXPECTED[key])
    changed = {
        name: differences
        for name in EXPECTED[key]
        if (differences := signature_differences(EXPECTED[key][name], got[name]))
    }
    assert not changed, f"{key}: tables changed: {changed}"


def test_every_preset_scenario_is_covered():
    assert {preset_key(path) for path in PRESETS} <= set(EXPECTED)


def differs(frame: pd.DataFrame, other: pd.DataFrame) -> bool:
    return bool(signature_differences(table_signature(frame), table_signature(other)))


def test_signature_tolerates_last_place_rounding_of_floats():
    rng = np.random.default_rng(3)
    frame = pd.DataFrame({"x": rng.lognormal(size=500), "n": np.arange(500)})
    drifted = frame.copy()
    # what AVX-512 against AVX2 code does to an exp: a few units in the last place
    drifted["x"] = drifted["x"] * (1 + rng.integers(-4, 5, size=500) * np.finfo(float).eps)
    assert not (drifted["x"] == frame["x"]).all()
    assert not differs(frame, drifted)
    # and what float32 sums in another order do: a float32 rounding here and there
    single = frame.copy()
    single["x"] = single["x"].astype(np.float32).astype(np.float64)
    up_one = np.nextafter(single["x"].to_numpy(np.float32), np.float32(10)).astype(np.float64)
    assert not differs(single, single.assign(x=up_one))


def test_signature_sees_a_changed_value_a_swap_a_dtype_and_a_missing_value():
    frame = pd.DataFrame(
        {"x": np.linspace(0.1, 5.0, 300), "name": ["a", None] * 150, "n": np.arange(300)}
    )
    assert not differs(frame, frame.copy())
    # the resolution: one value of 300 off by a thousandth, or every value by 1e-5
    nudged = frame.copy()
    nudged.loc[150, "x"] = frame.loc[150, "x"] * (1 + 1e-3)
    assert differs(frame, nudged)
    assert differs(frame, frame.assign(x=frame["x"] * (1 + 1e-5)))
    swapped = frame.copy()
    swapped.loc[[10, 20], "x"] = frame.loc[[20, 10], "x"].to_numpy()
    assert differs(frame, swapped)
    one_more = frame.copy()
    one_more.loc[7, "n"] = 8
    assert differs(frame, one_more)
    assert differs(frame, frame.astype({"n": "int32"}))
    assert differs(frame, frame.fillna({"name": "None"}))
    assert differs(frame, frame[["name", "x", "n"]])
    holed = frame.copy()
    holed.loc[3, "x"] = np.nan
    assert differs(frame, holed)
