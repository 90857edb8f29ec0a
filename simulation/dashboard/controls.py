"""The dashboard's sidebar: running the model, choosing the scenario, seed and
parameters, pinning a run to compare with, and downloading the run's tables.

Any change to the scenario, the seed or a parameter builds a new model at once
(`Run.choose`); Reset starts the same run again.
"""

from __future__ import annotations

import html
import threading

import reacton.ipyvuetify as rv
import solara

from simulation.dashboard.downloads import tables_zip, zip_name
from simulation.dashboard.explorer import CONTROLS, Control, preset_names, preset_values
from simulation.dashboard.run_state import Run


@solara.component
def RunControls(run: Run):
    """Step, Play or Pause, Reset; where the run is; and the Play speed."""
    run.revision.value  # noqa: B018  (drawn again at every step)
    model = run.model.value
    playing = run.playing.value
    finished = model.finished
    PlayLoop(run)
    solara.HTML(
        tag="div",
        unsafe_innerHTML=(
            f'<span class="step-now">step {model.steps}</span>'
            f'<span class="quiet"> of {model.scenario_steps}'
            f"{' (the end of the scenario)' if finished else ''}</span>"
        ),
        classes=["step-counter"],
    )
    with solara.Row(gap="8px", style="flex-wrap: wrap"):
        solara.Button(
            "Step",
            icon_name="mdi-step-forward",
            color="primary",
            on_click=run.step,
            disabled=playing or finished,
        )
        if playing:
            solara.Button(
                "Pause",
                icon_name="mdi-pause",
                color="primary",
                on_click=lambda: run.playing.set(False),
            )
        else:
            solara.Button(
                "Play",
                icon_name="mdi-play",
                color="primary",
                on_click=lambda: run.playing.set(True),
                disabled=finished,
            )
        solara.Button("Reset", icon_name="mdi-restart", outlined=True, on_click=run.reset)
    interval = run.play_interval.value
    LabelledSlider(
        label="Play pause",
        shown=f"{interval} ms",
        note="between steps while playing; range 0–1000 ms",
        value=interval,
        low=0,
        high=1000,
        step=50,
        on_change=lambda value: run.play_interval.set(int(value)),
    )


@solara.component
def PlayLoop(run: Run):
    """While Play is on, a step every `play_interval` milliseconds, in a thread of its
    own. No tracing cancel (solara's default slows every line of the step): the loop
    checks for its end between steps."""

    def play(cancel: threading.Event) -> None:
        while run.playing.value and not cancel.is_set():
            run.step()
            if cancel.wait(run.play_interval.value / 1000):
                return

    solara.use_thread(play, dependencies=[run.playing.value], intrusive_cancel=False)


@solara.component
def LabelledSlider(
    label: str,
    shown: str,
    note: str,
    value: float,
    low: float,
    high: float,
    step: float,
    on_change,
    description: str = "",
    moved: bool = False,
):
    """A slider with its name and value above it and its unit and range below.
    `on_change` is called when the value is let go (or set by the keyboard), not at
    every pixel of a drag; the value shown follows the drag.

    While a value is being moved (`moving`), the slider is given that value, not
    `value`: drawn again mid-move with `value`, it would be sent back to where it was,
    and a second key pressed before the first was taken would start from there."""
    moving, set_moving = solara.use_state(None)
    title = f' title="{html.escape(description)}"' if description else ""
    now = shown if moving is None else _shown_like(shown, moving)
    with solara.Column(gap="0px", classes=["parameter"] + (["moved"] if moved else [])):
        solara.HTML(
            tag="div",
            unsafe_innerHTML=(
                f'<span class="parameter-name"{title}>{html.escape(label)}</span>'
                f'<span class="parameter-value">{html.escape(now)}</span>'
            ),
            classes=["parameter-head"],
        )

        def follow(new_value) -> None:
            set_moving(None if new_value == value else new_value)

        def let_go(_widget, _event, new_value) -> None:
            # the new value first: let go first, the slider would be drawn at the old
            on_change(new_value)
            set_moving(None)

        slider = rv.Slider(
            v_model=value if moving is None else moving,
            min=low,
            max=high,
            step=step,
            on_v_model=follow,
            dense=True,
            hide_details=True,
            class_="parameter-slider",
            attributes={"aria-label": label},
        )
        rv.use_event(slider, "change", let_go)
        solara.HTML(tag="div", unsafe_innerHTML=html.escape(note), classes=["parameter-note"])


def _shown_like(shown: str, value: float) -> str:
    """`value` written with as many decimals as `shown` has, and its unit after it."""
    number, _, unit = shown.partition(" ")
    decimals = len(number.split(".")[1]) if "." in number else 0
    text = f"{float(value):.{decimals}f}"
    return f"{text} {unit}".rstrip()


@solara.component
def ScenarioControls(run: Run):
    """The scenario and the seed: either, changed, builds the model anew at once."""
    choices = run.choices.value
    model = run.model.value
    solara.Select(
        label="Scenario",
        value=choices.preset,
        values=preset_names(),
        on_value=lambda preset: run.choose(run.choices.value.with_preset(preset)),
    )
    solara.InputText(
        label="Seed (blank: the scenario's)",
        value=choices.seed,
        on_value=lambda seed: run.choose(run.choices.value.with_seed(seed)),
        continuous_update=False,
    )
    solara.HTML(
        tag="div",
        unsafe_innerHTML=(
            f"seed in use: {model.scenario_seed}. Changing the scenario, the seed or a "
            "parameter starts the run again at step 0."
        ),
        classes=["parameter-note"],
    )


@solara.component
def ParameterControls(run: Run):
    """A slider a parameter, starting at the chosen scenario's values."""
    choices = run.choices.value
    scenario_values = solara.use_memo(lambda: preset_values(choices.preset), [choices.preset])
    moved = dict(choices.parameters)
    for control in CONTROLS:
        ParameterSlider(run, control, scenario_values[control.name], moved.get(control.name))
    if moved:
        solara.Button(
            "Restore the scenario's values",
            icon_name="mdi-undo",
            text=True,
            # the scenario again, its seed kept: every slider back at its value
            on_click=lambda: run.choose(choices.with_preset(choices.preset)),
        )


@solara.component
def ParameterSlider(run: Run, control: Control, scenario_value: float, moved: float | None):
    value = scenario_value if moved is None else moved
    low, high = control.bounds(value)
    note = f"{control.unit}; range {control.shown(low)}–{control.shown(high)}"
    if moved is not None:
        note += f"; scenario: {control.shown(scenario_value)}"

    def change(new_value) -> None:
        new_value = int(new_value) if control.integer else float(new_value)
        run.choose(run.choices.value.with_parameter(control.name, new_value, scenario_value))

    LabelledSlider(
        label=control.label,
        shown=control.shown(value),
        note=note,
        value=value,
        low=low,
        high=high,
        step=control.step,
        on_change=change,
        description=control.description,
        moved=moved is not None,
    )


@solara.component
def CompareControls(run: Run):
    """Pin the run on screen; the outcome charts then draw it dashed beside the next."""
    pinned = run.pinned.value
    if pinned is None:
        solara.HTML(
            tag="div",
            unsafe_innerHTML=(
                "Pin this run, change a control and run again: the outcome charts and "
                "the headline figures show both (the pinned run dashed)."
            ),
            classes=["parameter-note"],
        )
    else:
        solara.HTML(
            tag="div",
            unsafe_innerHTML=(
                f'<span class="pinned-label">pinned: {html.escape(pinned.label)}, '
                f"to step {pinned.steps}</span>"
            ),
        )
    with solara.Row(gap="8px", style="flex-wrap: wrap"):
        solara.Button(
            "Pin this run" if pinned is None else "Pin this run instead",
            icon_name="mdi-pin",
            outlined=True,
            on_click=run.pin,
        )
        if pinned is not None:
            solara.Button("Unpin", icon_name="mdi-pin-off", text=True, on_click=run.unpin)


@solara.component
def DownloadControls(run: Run):
    """The run's tables (model, nations, agreements, memberships, events) as they are
    when the button is pressed, one zip a format. Not drawn again at every step: the
    zip is made on the click."""
    model = run.model.value
    playing = run.playing.value

    def tables(fmt: str):
        def build() -> bytes:
            with run.lock:
                return tables_zip(model, fmt)

        return build

    with solara.Row(gap="8px", style="flex-wrap: wrap"):
        for fmt, label in (("parquet", "Parquet"), ("csv", "CSV")):
            with solara.FileDownload(
                tables(fmt), filename=zip_name(model, fmt), mime_type="application/zip"
            ):
                solara.Button(
                    f"Tables, {label}",
                    icon_name="mdi-download",
                    outlined=True,
                    disabled=playing,
                )
    solara.HTML(
        tag="div",
        unsafe_innerHTML=(
            "a zip of the run so far: model, nations, agreements, memberships and events "
            "tables, as run.py run writes them, and run.json"
        ),
        classes=["parameter-note"],
    )


@solara.component
def Sidebar(run: Run):
    with solara.Card("Run", classes=["side-card"]):
        RunControls(run)
    with solara.Card("Scenario and seed", classes=["side-card"]):
        ScenarioControls(run)
    with solara.Card("Parameters", classes=["side-card"]):
        ParameterControls(run)
    with solara.Card("Compare runs", classes=["side-card"]):
        CompareControls(run)
    with solara.Card("Download", classes=["side-card"]):
        DownloadControls(run)
