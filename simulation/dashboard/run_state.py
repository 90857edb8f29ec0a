"""One visitor's run, as the dashboard's components share it: the model, the choices
that built it, a pinned run to compare with, and what the page shows.

Every browser session makes its own `Run` (`use_run`, called in the page), so one
visitor's Step never moves another's model. A change to any control builds a new
model at once (`Run.choose`): there is no Reset to remember. Stepping (a click, or the
Play loop in its own thread) and drawing take the run's lock, so a chart is never
drawn from a model halfway through a step.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass

import pandas as pd
import solara

from simulation.dashboard.event_record import EventFilter
from simulation.dashboard.explorer import Choices, ExplorerModel


@dataclass(frozen=True, eq=False)
class PinnedRun:
    """A run kept to compare with: its words and its model table as it was pinned."""

    label: str
    table: pd.DataFrame

    @property
    def steps(self) -> int:
        return int(self.table["step"].iloc[-1])

    @classmethod
    def of(cls, model: ExplorerModel) -> PinnedRun:
        return cls(label=model.label, table=model.model_table().copy())


# the tabs of the page, in order
TABS = ("Network and outcomes", "Agreements", "Events and exits", "Nation profile")

# the Play loop's pause between steps, in milliseconds, unless the visitor sets another
PLAY_INTERVAL_MS = 100


class Run:
    """The reactive state of one visitor's run; components read it and call its methods."""

    def __init__(
        self,
        model: solara.Reactive[ExplorerModel],
        choices: solara.Reactive[Choices],
        revision: solara.Reactive[int],
        playing: solara.Reactive[bool],
        pinned: solara.Reactive[PinnedRun | None],
        tab: solara.Reactive[int],
        nation: solara.Reactive[str],
        event_filter: solara.Reactive[EventFilter],
        event_page: solara.Reactive[int],
        play_interval: solara.Reactive[int],
    ) -> None:
        self.model = model
        self.choices = choices
        self.revision = revision  # counts the changes to the model: steps and rebuilds
        self.playing = playing
        self.pinned = pinned
        self.tab = tab
        self.nation = nation
        self.event_filter = event_filter
        self.event_page = event_page
        self.play_interval = play_interval
        self.lock = threading.RLock()

    # Reactive values are set outside the lock: setting one draws the page in this
    # thread, and a drawing in another thread may hold the page while it waits for
    # the lock.

    def choose(self, choices: Choices) -> None:
        """Build the model the controls now describe, at step 0, and show it."""
        self.playing.set(False)
        model = choices.build()
        self.model.set(model)
        self.choices.set(choices)
        self.event_page.set(0)
        self.revision.set(self.revision.value + 1)

    def reset(self) -> None:
        """The same run again from step 0."""
        self.choose(self.choices.value)

    def step(self) -> None:
        """One step, unless the scenario has ended; then show it."""
        with self.lock:
            model = self.model.value
            stepped = not model.finished
            if stepped:
                model.step()
            finished = model.finished
        if finished:
            self.playing.set(False)
        if stepped:
            self.revision.set(self.revision.value + 1)

    def pin(self) -> None:
        with self.lock:
            pinned = PinnedRun.of(self.model.value)
        self.pinned.set(pinned)

    def unpin(self) -> None:
        self.pinned.set(None)


def use_run() -> Run:
    """The page's run: made at the session's first render, kept for its life."""
    first = solara.use_memo(lambda: Choices().build(), [])
    model = solara.use_reactive(first)
    choices = solara.use_reactive(Choices())
    revision = solara.use_reactive(0)
    playing = solara.use_reactive(False)
    pinned = solara.use_reactive(None)
    tab = solara.use_reactive(0)
    nation = solara.use_reactive("")
    event_filter = solara.use_reactive(EventFilter())
    event_page = solara.use_reactive(0)
    play_interval = solara.use_reactive(PLAY_INTERVAL_MS)
    return solara.use_memo(
        lambda: Run(
            model,
            choices,
            revision,
            playing,
            pinned,
            tab,
            nation,
            event_filter,
            event_page,
            play_interval,
        ),
        [],
    )
