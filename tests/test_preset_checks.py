"""The preset checks' honour rate: pooled over seeds, with its Wilson interval."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from analysis import preset_checks


def test_the_wilson_interval_is_wide_on_a_few_calls_and_empty_without_one():
    low, high = preset_checks.wilson_interval(np.array([4, 20, 0]), np.array([4, 24, 0]))
    assert low[:2] == pytest.approx([0.5101, 0.6415], abs=1e-4)
    assert high[:2] == pytest.approx([1.0, 0.9332], abs=1e-4)
    assert np.isnan(low[2]) and np.isnan(high[2])


def test_the_mean_row_pools_the_honour_rate_over_calls_not_over_seeds(monkeypatch):
    rows = {
        1: {"allies_called": 1, "honour_rate": 1.0},
        2: {"allies_called": 9, "honour_rate": 6 / 9},
    }

    def fake_run(path, seed):
        row = dict.fromkeys(preset_checks.COLUMNS, 0.0)
        row.update(preset="p", seed=seed, **rows[seed])
        return row

    monkeypatch.setattr(preset_checks, "check_run", fake_run)
    table = preset_checks.check([None], seeds=2)
    mean = table[table["seed"] == "mean"].iloc[0]
    assert mean["honour_rate"] == pytest.approx(0.7)  # 7 of 10, not (1 + 0.667) / 2
    interval = preset_checks.wilson_interval(np.array([7]), np.array([10]))
    assert (mean["honour_low"], mean["honour_high"]) == pytest.approx(
        (interval[0][0], interval[1][0])
    )
    assert isinstance(table, pd.DataFrame) and len(table) == 3
