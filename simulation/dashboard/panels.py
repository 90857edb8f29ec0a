"""The dashboard's main area: the headline figures, and the tabs with what they hold.

Only the open tab is drawn, so a step redraws only the charts on screen.
"""

from __future__ import annotations

import html

import reacton.ipyvuetify as rv
import solara

from simulation.dashboard import figures
from simulation.dashboard.event_record import (
    ROWS_A_PAGE,
    choices,
    events_html,
    filter_events,
    page_count,
    page_of,
)
from simulation.dashboard.explorer import ExplorerModel
from simulation.dashboard.headline import Headline, headlines
from simulation.dashboard.layout import region_layout
from simulation.dashboard.live_figure import LiveFigure
from simulation.dashboard.nation_profile import groups_html, partner_groups
from simulation.dashboard.run_state import TABS, Run

# what each tab shows of the step it draws, "{step}" for the step, nothing after it but
# a non-digit: every panel of the tab, and the headline figures above the tabs. The
# browser tests and benchmarks/dashboard_step.py wait for these to know a step is drawn.
HEADLINE_STEP = "headline figures at step {step}"
STEP_SHOWN: dict[str, tuple[str, ...]] = {
    "Network and outcomes": (
        "Cooperation network at step {step}",
        "Outcomes, to step {step}",
        "Crises each step, by outcome, to step {step}",
    ),
    "Agreements": (
        "Agreements in force, to step {step}",
        "Signings, deepenings, step-downs and exits, to step {step}",
        "Exits by reason, to step {step}",
    ),
    "Events and exits": ("Exits by reason, to step {step}", "events to step {step}"),
    "Nation profile": (
        "over time, to step {step}",
        "Trust toward the others, step {step}",
        ", at step {step}",
    ),
}


@solara.component
def Main(run: Run):
    run.revision.value  # noqa: B018  (drawn again at every step and rebuild)
    model = run.model.value
    pinned = run.pinned.value
    with run.lock:
        figures_now = headlines(model.model_table(), pinned.table if pinned else None)
    InputProblems(model)
    Headlines(figures_now, model.steps, pinned)
    tab = run.tab.value
    with rv.Tabs(v_model=tab, on_v_model=run.tab.set, class_="main-tabs"):
        for name in TABS:
            rv.Tab(children=[name])
    # each tab draws under the run's lock (a component's body runs after this one's),
    # and is given the revision: a component whose arguments are unchanged is not drawn
    # again, and a step changes the model, not which model it is
    [OverviewTab, AgreementsTab, EventsTab, NationTab][tab](run, model, run.revision.value)


@solara.component
def InputProblems(model: ExplorerModel):
    if model.input_error:
        solara.Error(f"Some values were not used: {model.input_error}", dense=True)


def _headline_html(figure: Headline, step: int, pinned_steps: int | None) -> str:
    change = figure.change
    arrow = "" if not change else ("&#9650;&#8201;" if change > 0 else "&#9660;&#8201;")
    pinned = ""
    if pinned_steps is not None:
        at = min(step, pinned_steps)
        pinned = (
            f'<div class="headline-pinned">pinned run: <b>{figure.shown(figure.pinned)}</b> '
            f"at step {at}</div>"
        )
    return (
        f'<div class="headline" data-measure="{html.escape(figure.title)}">'
        f'<div class="headline-title">{html.escape(figure.title)}</div>'
        '<div class="headline-row">'
        f'<span class="headline-value">{figure.shown(figure.value)}</span>'
        f'<span class="headline-change">{arrow}{figure.shown_change()}</span></div>'
        f'<div class="headline-start">{figure.shown_start()}</div>'
        f"{pinned}"
        f'<div class="headline-note">{html.escape(figure.note)}</div>'
        "</div>"
    )


@solara.component
def Headlines(figures_now: list[Headline], step: int, pinned):
    """The headline figures, each with its value at step 0 and its change since."""
    solara.HTML(
        tag="div",
        unsafe_innerHTML=(
            f'<div class="headlines-step">{HEADLINE_STEP.format(step=step)}</div>'
            + "".join(
                _headline_html(figure, step, pinned.steps if pinned else None)
                for figure in figures_now
            )
        ),
        classes=["headlines"],
    )


def _end(model: ExplorerModel, run: Run) -> int:
    """The last step the time axes show (see `figures.time_axis_end`)."""
    pinned = run.pinned.value
    return figures.time_axis_end(model.steps, model.scenario_steps, pinned.steps if pinned else 0)


@solara.component
def OverviewTab(run: Run, model: ExplorerModel, revision: int):
    # the layout is fixed for the life of a model: nations never jump between steps
    positions = solara.use_memo(
        lambda: region_layout(model.state.region, model.state.capability, model.scenario_seed),
        [model],
    )
    pinned = run.pinned.value
    end = _end(model, run)
    pinned_table = pinned.table if pinned else None
    pinned_label = pinned.label if pinned else ""
    with run.lock:
        table = model.model_table()
        network = figures.network_figure(model, positions)
        outcomes = figures.outcomes_figure(table, end, pinned_table, model.label, pinned_label)
        crises = figures.crises_figure(table, end, pinned_table, pinned_label)
    with solara.Columns([5, 7], classes=["tab-row"]):
        LiveFigure(network)
        LiveFigure(outcomes)
    LiveFigure(crises)


@solara.component
def AgreementsTab(run: Run, model: ExplorerModel, revision: int):
    end = _end(model, run)
    with run.lock:
        table = model.model_table()
        agreements = figures.agreements_figure(model, table, end)
        activity = figures.activity_figure(table, end)
        exits = figures.exits_figure(model.events_table(), model.steps, end)
    LiveFigure(agreements)
    with solara.Columns([1, 1], classes=["tab-row"]):
        LiveFigure(activity)
        LiveFigure(exits)


@solara.component
def EventsTab(run: Run, model: ExplorerModel, revision: int):
    with run.lock:
        events = model.events_table()
        exits = figures.exits_figure(events, model.steps, _end(model, run))
    LiveFigure(exits)
    chosen = run.event_filter.value
    options = choices(events)

    def refine(**fields) -> None:
        run.event_filter.set(run.event_filter.value.changed(**fields))
        run.event_page.set(0)

    with solara.Row(gap="12px", classes=["event-filters"], style="flex-wrap: wrap"):
        with solara.Column(style="min-width: 200px; flex: 1"):
            solara.SelectMultiple(
                "Event type",
                values=list(chosen.events),
                all_values=options["events"],
                on_value=lambda values: refine(events=tuple(values)),
                dense=True,
            )
        with solara.Column(style="min-width: 180px; flex: 1"):
            rv.Autocomplete(
                label="Nation (either party)",
                items=options["nations"],
                v_model=chosen.nation or None,
                on_v_model=lambda value: refine(nation=value or ""),
                clearable=True,
                dense=True,
            )
        with solara.Column(style="min-width: 160px; flex: 1"):
            rv.Autocomplete(
                label="Agreement",
                items=options["agreements"],
                v_model=chosen.agreement or None,
                on_v_model=lambda value: refine(agreement=value or ""),
                clearable=True,
                dense=True,
            )
        with solara.Column(style="min-width: 200px; flex: 1"):
            solara.SelectMultiple(
                "Reason",
                values=list(chosen.reasons),
                all_values=options["reasons"],
                on_value=lambda values: refine(reasons=tuple(values)),
                dense=True,
            )
        with solara.Column(style="min-width: 160px; flex: 1"):
            solara.SelectMultiple(
                "Outcome",
                values=list(chosen.outcomes),
                all_values=options["outcomes"],
                on_value=lambda values: refine(outcomes=tuple(values)),
                dense=True,
            )
    shown = filter_events(events, chosen)
    pages = page_count(len(shown))
    page = min(run.event_page.value, pages - 1)
    first = page * ROWS_A_PAGE
    with solara.Row(
        gap="8px", classes=["event-pager"], style="align-items: center; flex-wrap: wrap"
    ):
        solara.HTML(
            tag="span",
            unsafe_innerHTML=(
                f"{len(shown):,} of the run's {len(events):,} events to step {model.steps}"
                + (
                    f"; rows {first + 1:,}–{min(first + ROWS_A_PAGE, len(shown)):,}"
                    if len(shown)
                    else ""
                )
            ),
            classes=["event-count"],
        )
        solara.Button(
            "Newest first" if chosen.newest_first else "Oldest first",
            icon_name="mdi-sort",
            text=True,
            on_click=lambda: refine(newest_first=not chosen.newest_first),
        )
        if chosen.active:
            solara.Button(
                "Clear filters",
                icon_name="mdi-filter-remove",
                text=True,
                on_click=lambda: refine(
                    events=(), nation="", agreement="", reasons=(), outcomes=()
                ),
            )
        solara.Button(
            "Previous", text=True, disabled=page == 0, on_click=lambda: run.event_page.set(page - 1)
        )
        solara.HTML(tag="span", unsafe_innerHTML=f"page {page + 1} of {pages}")
        solara.Button(
            "Next",
            text=True,
            disabled=page >= pages - 1,
            on_click=lambda: run.event_page.set(page + 1),
        )
        with solara.FileDownload(
            lambda: shown.to_csv(index=False),
            filename=f"{model.preset}-events-step{model.steps}.csv",
            mime_type="text/csv",
        ):
            solara.Button("These events, CSV", icon_name="mdi-download", text=True)
    solara.HTML(
        tag="div",
        unsafe_innerHTML=events_html(page_of(shown, page))
        if len(shown)
        else '<p class="quiet">No event matches the filters.</p>',
        classes=["event-table"],
    )


@solara.component
def NationTab(run: Run, model: ExplorerModel, revision: int):
    names = model.names
    chosen = run.nation.value if run.nation.value in names else names[0]
    nation = names.index(chosen)
    agent = model.nations[nation]
    with run.lock:
        events = model.events_table()
        history = figures.nation_history_figure(model, nation, events, _end(model, run))
        trust = figures.trust_figure(model, nation)
        groups = groups_html(partner_groups(model, nation))
        facts = _facts(agent)
        title = (
            f"<b>{html.escape(chosen)}</b>, {html.escape(agent.region)}"
            + ("" if agent.in_system else " (not a state at this step)")
            + f", at step {model.steps}"
        )
    with solara.Row(gap="16px", style="align-items: center; flex-wrap: wrap"):
        with solara.Column(style="min-width: 260px"):
            rv.Autocomplete(
                label="Nation",
                items=names,
                v_model=chosen,
                on_v_model=lambda value: value and run.nation.set(value),
                dense=True,
                hide_details=True,
            )
        solara.HTML(tag="div", unsafe_innerHTML=title, classes=["nation-title"])
    with solara.Columns([3, 5, 4], classes=["tab-row"]):
        with solara.Column():
            solara.HTML(
                tag="div",
                unsafe_innerHTML=(
                    "<h4>Now</h4><table class='facts'>"
                    + "".join(
                        f"<tr><th>{html.escape(name)}</th><td>{value}</td></tr>"
                        for name, value in facts
                    )
                    + "</table>"
                ),
                classes=["nation-card"],
            )
            solara.HTML(
                tag="div",
                unsafe_innerHTML="<h4>Partners by agreement</h4>" + groups,
                classes=["nation-card", "partner-groups"],
            )
        LiveFigure(history)
        with solara.Column(classes=["trust-scroll"]):
            LiveFigure(trust)


def _facts(agent) -> tuple[tuple[str, str], ...]:
    """A nation's figures now, in words."""
    return (
        ("capability share", f"{agent.capability_share:.3f}"),
        ("threat", f"{agent.threat:.2f}"),
        ("sovereignty sensitivity", f"{agent.sovereignty_sensitivity:.2f}"),
        ("policy position", f"{agent.policy_position:.2f}"),
        ("partners", f"{agent.degree}"),
        ("agreements in force", f"{len(agent.agreements)}"),
        ("sovereignty cost borne", f"{agent.sovereignty_cost:.3f}"),
        ("mean trust toward others", f"{agent.mean_trust:.3f}"),
        ("reputation", f"{agent.reputation:.3f}"),
        ("dependence", f"{agent.dependence:.3f}"),
    )
