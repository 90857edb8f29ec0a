"""Every preset and every stored small world reproduces its output tables bit for bit.

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
    table_fingerprint,
)

EXPECTED = json.loads(HASHES.read_text())
CASES = golden_cases()


@pytest.mark.parametrize(("key", "scenario"), CASES, ids=[key for key, _ in CASES])
def test_run_reproduces_its_recorded_tables_bit_for_bit(key, scenario):
    assert key in EXPECTED, f"{key} has no fingerprint: regenerate with tests/golden_support.py"
    got = run_fingerprints(scenario)
    changed = sorted(name for name in EXPECTED[key] if got.get(name) != EXPECTED[key][name])
    assert not changed, f"{key}: tables changed: {', '.join(changed)}"
    assert set(got) == set(EXPECTED[key])


def test_every_preset_scenario_is_covered():
    assert {preset_key(path) for path in PRESETS} <= set(EXPECTED)


def test_fingerprint_sees_one_bit_and_one_dtype_change():
    frame = pd.DataFrame({"x": np.array([0.1, 0.2]), "name": ["a", None], "n": [1, 2]})
    base = table_fingerprint(frame)
    assert table_fingerprint(frame.copy()) == base
    nudged = frame.copy()
    nudged.loc[1, "x"] = np.nextafter(0.2, 1.0)
    assert table_fingerprint(nudged) != base
    assert table_fingerprint(frame.astype({"n": "int32"})) != base
    assert table_fingerprint(frame.fillna({"name": "None"})) != base
    assert table_fingerprint(frame[["name", "x", "n"]]) != base
