"""The headline figures above the dashboard's tabs: the run's outcomes now, at step 0,
and the change since, with the pinned run's value at the same step beside them.

Conflict prevention is the pooled rate, prevented / crises over the steps so far (the
model table's per-step `conflict_prevention_rate` is 1 in a step without crises, so
its mean over steps overstates prevention: docs/MODEL.md 9.1). Escalations are the
crises that turned fatal, counted since the start.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import pandas as pd


@dataclass(frozen=True)
class Headline:
    """One headline figure: `value` at the last step, `start` at `start_step` (step 0,
    or the first step where the measure is defined, as a rate once there are crises;
    None before), `pinned` the pinned run's at the same step (None without a pinned
    run), and how to show them."""

    title: str
    value: float | None
    start: float | None
    start_step: int
    pinned: float | None
    integer: bool
    note: str

    def shown(self, value: float | None) -> str:
        if value is None:
            return "–"
        return f"{value:,.0f}" if self.integer else f"{value:.3f}"

    @property
    def change(self) -> float | None:
        if self.value is None or self.start is None:
            return None
        return self.value - self.start

    def shown_start(self) -> str:
        """The value at the start: "step 0: 1.000", or where the measure begins."""
        if self.start is None:
            return "no value yet (no crises)"
        text = f"step {self.start_step}: {self.shown(self.start)}"
        return text + (" (none at step 0: no crises)" if self.start_step else "")

    def shown_change(self) -> str:
        """The change since the start, signed ("+0.012", "-3", "no change")."""
        change = self.change
        if change is None:
            return "no change to show yet"
        since = f"since step {self.start_step}"
        if (round(change) if self.integer else round(change, 3)) == 0:
            return f"no change {since}"
        text = f"{change:+,.0f}" if self.integer else f"{change:+.3f}"
        return f"{text} {since}"


def pooled_prevention(table: pd.DataFrame) -> pd.Series:
    """Crises kept from turning fatal over all crises so far, at each step (NaN until
    the first crisis)."""
    crises = table["crises"].cumsum()
    prevented = table["conflicts_prevented"].cumsum()
    return (prevented / crises.where(crises > 0)).astype(float)


def fatal_so_far(table: pd.DataFrame) -> pd.Series:
    """Crises that turned fatal since the start, at each step."""
    return table["conflicts_escalated"].cumsum()


def _at(series: pd.Series, row: int) -> float | None:
    """The value of `series` at position `row` (the last row for -1), None for NaN."""
    if series.empty:
        return None
    value = float(series.iloc[row])
    return None if math.isnan(value) else value


def _first_defined(series: pd.Series, steps: pd.Series) -> tuple[float | None, int]:
    """The first value of `series` that is not NaN, and its step (None and 0 if none)."""
    defined = series.notna().to_numpy()
    if not defined.any():
        return None, 0
    row = int(defined.argmax())
    return float(series.iloc[row]), int(steps.iloc[row])


def _pinned_at(series: pd.Series | None, steps: pd.Series | None, step: int) -> float | None:
    """The pinned run's value at `step`, or at its last step if it stopped earlier."""
    if series is None or steps is None or series.empty:
        return None
    reached = (steps <= step).to_numpy()
    return _at(series[reached], -1) if reached.any() else None


# the headline measures: title, the series of a model table, whole number or not, a note
MEASURES = (
    (
        "stability index",
        lambda table: table["stability_index"],
        False,
        "1 without conflict; 0.5 as in the 1990s",
    ),
    ("conflict prevention", pooled_prevention, False, "crises kept from turning fatal / crises"),
    (
        "agreements in force",
        lambda table: table["active_agreements"],
        True,
        "bilateral DCAs, pacts and alliances",
    ),
    ("escalations", fatal_so_far, True, "crises that turned fatal, so far"),
)


def headlines(table: pd.DataFrame, pinned: pd.DataFrame | None = None) -> list[Headline]:
    """The four headline figures of the run whose model table is `table`; `pinned`, the
    model table of a pinned run, gives each its pinned value at the same step."""
    step = int(table["step"].iloc[-1]) if len(table) else 0
    figures = []
    for title, measure, integer, note in MEASURES:
        series = measure(table)
        start, start_step = _first_defined(series, table["step"])
        figures.append(
            Headline(
                title=title,
                value=_at(series, -1),
                start=start,
                start_step=start_step,
                pinned=None
                if pinned is None
                else _pinned_at(measure(pinned), pinned["step"], step),
                integer=integer,
                note=note,
            )
        )
    return figures
