"""A Plotly chart for a page that redraws it every step.

Through plotly's `FigureWidget` (as `solara.FigurePlotly` shows figures, and a first
version of this module edited them in place) a step at 60 nations took about a
second to show: every figure was validated property by property, compared with the
last one by serialising both, turned into update messages trace by trace, and after
every redraw the browser sent the full state of every trace back, for Python to
validate again while the next click waited.

`LiveFigure` takes the figure as Plotly's JSON form (a dict, as `figures` builds
them) and sends it to the browser as JSON text in one message; the browser draws it
with `Plotly.react`, which redraws only what changed and keeps the user's zoom while
the layout's `uirevision` stays the same (see live_figure.js). Nothing comes back.
plotly.js is the copy bundled with the plotly package, sent once a page when the
first chart asks for it, so the dashboard needs no network.
"""

from __future__ import annotations

import functools
import json
from pathlib import Path

import anywidget
import traitlets


@functools.cache
def plotly_source() -> str:
    """plotly.js, as bundled with the installed plotly package."""
    from plotly.offline import get_plotlyjs

    return get_plotlyjs()


class PlotlyChart(anywidget.AnyWidget):
    """A chart drawn in the browser from `figure`: Plotly's JSON form of a figure, as
    JSON text (see `figure_text`). Setting a new `figure` sends it in one message; an
    equal one sends nothing."""

    # the script's text, not its path: anywidget watches a path for edits and ties
    # every chart ever made to that watcher, so closed sessions' charts (with their
    # figures) would never be freed
    _esm = Path(__file__).with_name("live_figure.js").read_text(encoding="utf-8")
    figure = traitlets.Unicode("{}").tag(sync=True)
    config = traitlets.Dict().tag(sync=True)  # Plotly's config: modebar, scroll zoom...

    def __init__(self, **kwargs) -> None:
        super().__init__(**kwargs)
        self.on_msg(self._answer)

    def _answer(self, _widget, content, _buffers) -> None:
        if isinstance(content, dict) and content.get("request") == "plotly":
            self.send({"plotly": plotly_source()})


def figure_text(figure) -> str:
    """`figure` (a dict in Plotly's JSON form, or a `go.Figure`) as JSON text.

    Text, not a dict, goes to the widget: Reacton looks through every list and dict
    given to an element for child elements, and ipywidgets through every one it sends
    for binary buffers, which for a figure's thousands of values took longer than
    building it. A dict of plain values is dumped as it is; one holding NumPy arrays
    or NaN, or a graph object, goes through Plotly's encoder (NaN becomes null).
    """
    if isinstance(figure, dict):
        try:
            return json.dumps(figure, allow_nan=False, separators=(",", ":"))
        except (TypeError, ValueError):
            pass
    import plotly.io as pio

    return pio.to_json(figure, validate=False)


def LiveFigure(figure, config: dict | None = None):
    """Show `figure` (a dict in Plotly's JSON form, or a `go.Figure`), redrawn in place
    when a later render of the calling component passes a different one."""
    return PlotlyChart.element(figure=figure_text(figure), config=config or {})
