"""The dashboard: Mesa's SolaraViz, with panels of this domain's own.

    python run.py dashboard            (or: solara run simulation/dashboard/app.py)

Every browser session builds its own model inside `Page`, so one visitor's Step
never moves another's (a model made at module level would be shared by all).
"""

from __future__ import annotations

import html

import solara
from mesa.visualization import SolaraViz
from mesa.visualization.utils import update_counter

from simulation.dashboard import figures
from simulation.dashboard.explorer import (
    DEFAULT_SCENARIO,
    INTEGER_SLIDERS,
    SLIDERS,
    ExplorerModel,
    preset_names,
)
from simulation.dashboard.layout import region_layout
from simulation.dashboard.live_figure import LiveFigure
from simulation.dashboard.sessions import limit_disconnected_sessions, release_closed_sessions
from simulation.parameters import Parameters

# without these, every closed session's model stays in memory, and a dropped one for
# a day (see sessions.py)
release_closed_sessions()
limit_disconnected_sessions()


def model_params() -> dict:
    """The controls SolaraViz shows, and passes to `ExplorerModel` on Reset."""
    defaults = Parameters()
    controls: dict = {
        "preset": {
            "type": "Select",
            "value": DEFAULT_SCENARIO,
            "values": preset_names(),
            "label": "Scenario",
        },
        "seed": {"type": "InputText", "value": "", "label": "Seed (blank: the scenario's)"},
    }
    for name, low, high, step in SLIDERS:
        controls[name] = {
            "type": "SliderFloat",
            "value": float(getattr(defaults, name)),
            "min": low,
            "max": high,
            "step": step,
            "label": name.replace("_", " "),
        }
    for name, low, high in INTEGER_SLIDERS:
        controls[name] = {
            "type": "SliderInt",
            "value": int(getattr(defaults, name)),
            "min": low,
            "max": high,
            "step": 1,
            "label": name.replace("_", " "),
        }
    return controls


def model_table(model: ExplorerModel):
    table = model.recorder.model_table()
    return table


# the message shares the network's grid cell (of fixed height): the chart gives up
# this many pixels to it, and a longer message scrolls within them
PROBLEMS_HEIGHT = 96


@solara.component
def InputProblems(model: ExplorerModel):
    update_counter.get()
    if model.input_error:
        solara.Error(
            f"Some values were not used: {model.input_error}",
            dense=True,
            style_=f"max-height: {PROBLEMS_HEIGHT - 8}px; overflow-y: auto; margin-bottom: 8px",
        )


@solara.component
def NetworkPanel(model: ExplorerModel):
    update_counter.get()
    # the layout is fixed for the life of a model: nations never jump between steps
    positions = solara.use_memo(
        lambda: region_layout(model.state.region, model.state.capability, model.scenario_seed),
        [model],
    )
    InputProblems(model)
    height = figures.NETWORK_HEIGHT - (PROBLEMS_HEIGHT if model.input_error else 0)
    LiveFigure(figures.network_figure(model, positions, height))


@solara.component
def OutcomesPanel(model: ExplorerModel):
    update_counter.get()
    LiveFigure(figures.outcomes_figure(model_table(model)))


@solara.component
def AgreementsPanel(model: ExplorerModel):
    update_counter.get()
    LiveFigure(figures.agreements_figure(model, model_table(model)))


@solara.component
def ActivityPanel(model: ExplorerModel):
    update_counter.get()
    LiveFigure(figures.activity_figure(model_table(model)))


@solara.component
def NationPanel(model: ExplorerModel):
    update_counter.get()
    names = model.names
    chosen, set_chosen = solara.use_state(names[0])
    if chosen not in names:  # a new scenario after Reset
        chosen = names[0]
    solara.Select(label="Nation", value=chosen, values=names, on_value=set_chosen)
    nation = model.nations[names.index(chosen)]
    partners = ", ".join(p.name for p in nation.partners) or "none"
    solara.Markdown(
        f"**Partners ({nation.degree}):** {partners}  \n"
        f"**Sovereignty cost borne:** {nation.sovereignty_cost:.2f} · "
        f"**threat:** {nation.threat:.2f} · **capability share:** "
        f"{nation.capability_share:.3f}"
    )
    LiveFigure(figures.nation_figure(model, names.index(chosen)))


@solara.component
def EventFeed(model: ExplorerModel):
    update_counter.get()
    lines = figures.event_lines(model)
    with (
        solara.Card(
            f"What happened to step {model.steps} (newest first)", style={"max-height": "420px"}
        ),
        solara.Column(style={"overflow-y": "auto", "max-height": "360px"}),
    ):
        if not lines:
            solara.Text("Nothing yet: press Step or Play.")
        else:
            # the lines in one element: a step updates one widget rather than forty
            solara.HTML(
                unsafe_innerHTML="".join(f"<div>{html.escape(line)}</div>" for line in lines),
                style="display: flex; flex-direction: column; row-gap: 12px",
            )


@solara.component
def Page():
    # one model per browser session: built here, not at module level
    model = solara.use_memo(ExplorerModel, [])
    SolaraViz(
        model,
        components=[
            (NetworkPanel, 0),
            (OutcomesPanel, 0),
            (EventFeed, 0),
            (AgreementsPanel, 1),
            (ActivityPanel, 1),
            (NationPanel, 2),
        ],
        model_params=model_params(),
        name="Defense cooperation",
    )
