"""The dashboard's headline figures: each now, at step 0 (or where it begins), the change
since, and the pinned run's at the same step; conflict prevention as the pooled rate."""

from __future__ import annotations

import pandas as pd
import pytest

from simulation.dashboard.explorer import ExplorerModel
from simulation.dashboard.headline import fatal_so_far, headlines, pooled_prevention


def table_of(rows: list[tuple[int, int, int, int, float]]) -> pd.DataFrame:
    """A model table with the columns the headlines read: step, crises, prevented,
    escalated (fatal), agreements in force; the stability index made up from the step."""
    frame = pd.DataFrame(
        rows,
        columns=["step", "crises", "conflicts_prevented", "conflicts_escalated", "active"],
    )
    frame["active_agreements"] = frame.pop("active").astype(int)
    frame["stability_index"] = 1.0 - 0.01 * frame["step"]
    return frame


def by_title(figures):
    return {figure.title: figure for figure in figures}


def test_conflict_prevention_is_pooled_over_crises_not_averaged_over_steps():
    # three steps: 1 crisis prevented, none (the per-step rate reads 1), 3 of 4 prevented
    table = table_of([(0, 0, 0, 0, 0), (1, 1, 1, 0, 5), (2, 0, 0, 0, 6), (3, 4, 3, 1, 7)])
    assert pooled_prevention(table).tolist()[1:] == [1.0, 1.0, 0.8]
    prevention = by_title(headlines(table))["conflict prevention"]
    assert prevention.value == pytest.approx(4 / 5)  # the mean of per-step rates: 0.917


def test_a_rate_with_no_crisis_at_step_0_starts_at_the_first_step_with_crises():
    table = table_of([(0, 0, 0, 0, 0), (1, 0, 0, 0, 5), (2, 2, 1, 1, 6), (3, 2, 2, 0, 7)])
    prevention = by_title(headlines(table))["conflict prevention"]
    assert (prevention.start, prevention.start_step) == (0.5, 2)
    assert prevention.shown_start() == "step 2: 0.500 (none at step 0: no crises)"
    assert prevention.shown_change() == "+0.250 since step 2"


def test_before_any_crisis_the_rate_has_no_value_and_says_so():
    prevention = by_title(headlines(table_of([(0, 0, 0, 0, 0), (1, 0, 0, 0, 2)])))[
        "conflict prevention"
    ]
    assert prevention.value is None and prevention.shown(prevention.value) == "–"
    assert prevention.shown_start() == "no value yet (no crises)"


def test_each_figure_has_its_value_at_step_0_and_its_signed_change_since():
    table = table_of([(0, 0, 0, 0, 12), (1, 3, 1, 2, 15), (2, 1, 1, 0, 9)])
    figures = by_title(headlines(table))
    agreements = figures["agreements in force"]
    assert (agreements.value, agreements.start, agreements.start_step) == (9, 12, 0)
    assert agreements.shown_change() == "-3 since step 0"
    escalations = figures["escalations"]
    assert (escalations.value, escalations.start) == (2, 0)
    assert escalations.shown_change() == "+2 since step 0"
    assert fatal_so_far(table).tolist() == [0, 2, 2]
    stability = figures["stability index"]
    assert stability.shown(stability.value) == "0.980"
    assert stability.shown_change() == "-0.020 since step 0"
    assert figures["agreements in force"].pinned is None  # no pinned run


def test_an_unchanged_figure_says_no_change():
    table = table_of([(0, 0, 0, 0, 4), (1, 0, 0, 0, 4)])
    assert by_title(headlines(table))["agreements in force"].shown_change() == (
        "no change since step 0"
    )


def test_the_pinned_run_is_read_at_the_same_step_or_at_its_last():
    now = table_of([(0, 0, 0, 0, 0), (1, 1, 1, 0, 5), (2, 1, 0, 1, 6)])
    pinned = table_of([(0, 0, 0, 0, 0), (1, 2, 1, 1, 8), (2, 0, 0, 0, 9), (3, 1, 1, 0, 10)])
    figures = by_title(headlines(now, pinned))
    assert figures["agreements in force"].pinned == 9  # step 2, not its last (10)
    assert figures["escalations"].pinned == 1
    assert figures["conflict prevention"].pinned == pytest.approx(0.5)
    shorter = by_title(headlines(now, pinned.iloc[:2]))
    assert shorter["agreements in force"].pinned == 8  # it stopped at step 1


def test_the_headlines_of_a_real_run_follow_its_model_table():
    model = ExplorerModel("baseline", "3")
    for _ in range(8):
        model.step()
    table = model.model_table()
    figures = by_title(headlines(table))
    assert figures["stability index"].value == table["stability_index"].iloc[-1]
    assert figures["stability index"].start == table["stability_index"].iloc[0]
    assert figures["escalations"].value == table["conflicts_escalated"].sum()
    assert figures["conflict prevention"].value == pytest.approx(
        table["conflicts_prevented"].sum() / table["crises"].sum()
    )
