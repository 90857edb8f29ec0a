"""The dashboard's charts say what their axes can hold, name each series once, and
answer the questions they are for: exits by reason, crises by outcome, one nation's
partners, trust and history, and a pinned run beside the run on screen."""

from __future__ import annotations

import numpy as np
import pytest

from simulation.dashboard import figures
from simulation.dashboard.explorer import ExplorerModel
from simulation.dashboard.nation_profile import crises_by_step, partner_groups
from simulation.palette import PARTNER_COLOUR
from simulation.tables import nations_table


@pytest.fixture(scope="module")
def fresh():
    """A model at step 0, as the page first shows it."""
    return ExplorerModel("baseline", "")


@pytest.fixture(scope="module")
def run():
    model = ExplorerModel("baseline", "")
    for _ in range(15):
        model.step()
    return model


def axes(figure: dict, kind: str) -> dict[str, dict]:
    return {key: value for key, value in figure["layout"].items() if key.startswith(kind)}


def test_at_step_0_the_outcome_axes_show_what_each_measure_can_take(fresh):
    table = fresh.model_table()
    figure = figures.outcomes_figure(table, fresh.scenario_steps)
    y = axes(figure, "yaxis")
    # the stability index and the prevention rate on [0, 1], not -1 to 0.905
    for name in ("yaxis", "yaxis2"):
        low, high = y[name]["range"]
        assert -0.05 <= low <= 0 and 1 <= high <= 1.05
    # agreements in force and escalations: counts from 0, whole-number ticks
    for name in ("yaxis3", "yaxis4"):
        assert y[name]["range"][0] == 0 and y[name]["dtick"] == 1
    # time: the scenario's whole length from step 0, whole steps
    for axis in axes(figure, "xaxis").values():
        assert axis["range"] == [-0.5, fresh.scenario_steps + 0.5]
        assert isinstance(axis["dtick"], int) and axis["dtick"] >= 1


@pytest.mark.parametrize(
    ("top", "step"), [(0, 1), (1, 1), (4, 1), (7, 2), (11, 2), (30, 5), (240, 50), (0.4, 1)]
)
def test_count_ticks_are_whole_numbers_one_two_or_five_times_a_power_of_ten(top, step):
    assert figures.whole_number_step(top) == step


def test_crisis_counts_get_whole_number_ticks_whatever_the_counts(run):
    table = run.model_table()
    for chart in (
        figures.crises_figure(table, run.scenario_steps),
        figures.activity_figure(table, run.scenario_steps),
        figures.exits_figure(run.events_table(), run.steps, run.scenario_steps),
    ):
        axis = chart["layout"]["yaxis"]
        assert isinstance(axis["dtick"], int) and axis["range"][0] == 0


def test_no_chart_lists_a_name_twice_in_a_legend(run):
    table = run.model_table()
    charts = [
        figures.agreements_figure(run, table),
        figures.outcomes_figure(table, 50, table.iloc[:4], "now", "then"),
        figures.crises_figure(table, 50),
        figures.activity_figure(table, 50),
        figures.exits_figure(run.events_table(), run.steps, 50),
        figures.nation_history_figure(run, 0, run.events_table(), 50),
    ]
    for chart in charts:
        listed: dict[str, list[str]] = {}
        for trace in chart["data"]:
            if trace.get("showlegend", True) and chart["layout"].get("showlegend", True):
                listed.setdefault(trace.get("legend", "legend"), []).append(trace["name"])
        names = [name for legend in listed.values() for name in legend]
        assert len(names) == len(set(names)), chart["layout"]["title"]["text"]


def test_the_agreements_chart_names_depths_apart_from_sectors(run):
    chart = figures.agreements_figure(run, run.model_table())
    sectors = {t["name"] for t in chart["data"] if t.get("stackgroup") == "sector"}
    depths = {t["name"] for t in chart["data"] if t.get("stackgroup") == "depth"}
    assert "training" in sectors and "2 training" in depths and not sectors & depths


def test_exits_by_reason_add_up_to_the_exits_of_each_step(run):
    table = run.model_table()
    counts = figures.exits_by_reason(run.events_table())
    per_step = counts.sum(axis=1).reindex(table["step"], fill_value=0)
    assert per_step.tolist() == table["exits"].tolist() and table["exits"].sum() > 0
    chart = figures.exits_figure(run.events_table(), run.steps, run.scenario_steps)
    drawn = {t["name"].split(" (")[0]: sum(t["y"]) for t in chart["data"]}
    assert drawn == {reason.replace("_", " "): int(counts[reason].sum()) for reason in counts}


def test_each_exit_reason_keeps_its_colour_whatever_else_happened(run):
    chart = figures.exits_figure(run.events_table(), run.steps, 50)
    colours = {t["name"].split(" (")[0]: t["marker"]["color"] for t in chart["data"]}
    lapsed_only = run.events_table()
    lapsed_only = lapsed_only[lapsed_only["reason"].isin(["", "lapsed"])]
    alone = figures.exits_figure(lapsed_only, run.steps, 50)
    assert alone["data"][0]["marker"]["color"] == colours["lapsed"]


def test_crises_by_outcome_add_up_to_the_crises_of_each_step(run):
    table = run.model_table()
    chart = figures.crises_figure(table, run.scenario_steps)
    bars = [t for t in chart["data"] if t["type"] == "bar"]
    assert [t["name"] for t in bars] == ["kept from force", "force, no deaths", "fatal"]
    assert np.sum([t["y"] for t in bars], axis=0).tolist() == table["crises"].tolist()
    assert bars[2]["y"] == table["conflicts_escalated"].tolist()


def test_a_pinned_run_is_drawn_dashed_beside_the_run_on_screen(run):
    table = run.model_table()
    pinned = table.iloc[:6].copy()
    pinned["active_agreements"] += 7
    chart = figures.outcomes_figure(table, 50, pinned, "baseline, seed 42", "baseline, seed 1")
    for axis in ("y", "y2", "y3", "y4"):
        panel = [t for t in chart["data"] if t.get("yaxis", "y") == axis and t["x"] != [None]]
        dashes = sorted(t["line"]["dash"] for t in panel)
        assert dashes == ["dash", "solid"], axis
    agreements = [t for t in chart["data"] if t.get("yaxis") == "y3"]
    dashed = next(t for t in agreements if t["line"]["dash"] == "dash")
    assert dashed["y"] == pinned["active_agreements"].tolist()
    legend = [t["name"] for t in chart["data"] if t.get("showlegend", True)]
    assert legend == ["this run: baseline, seed 42", "pinned: baseline, seed 1"]
    assert chart["layout"]["showlegend"] is True
    alone = figures.outcomes_figure(table, 50)
    assert alone["layout"]["showlegend"] is False
    assert {t["line"]["dash"] for t in alone["data"]} == {"solid"}


def test_the_trust_chart_has_a_labelled_bar_for_every_other_nation(run):
    nation = 3
    chart = figures.trust_figure(run, nation)
    shown = [name for trace in chart["data"] for name in trace["y"]]
    others = [name for i, name in enumerate(run.names) if i != nation]
    assert sorted(shown) == sorted(others)
    # tall enough for a line a name, every name a tick label
    assert chart["layout"]["height"] >= figures.TRUST_ROW_HEIGHT * len(others)
    assert chart["layout"]["yaxis"]["dtick"] == 1
    order = chart["layout"]["yaxis"]["categoryarray"]
    trust = {run.names[i]: run.state.trust[nation, i] for i in range(len(run.names))}
    assert [trust[name] for name in order] == sorted(trust[name] for name in order)
    partners = next(t for t in chart["data"] if t["marker"]["color"] == PARTNER_COLOUR)
    tied = {run.names[i] for i in np.flatnonzero(run.state.ties[nation]) if i != nation}
    assert set(partners["y"]) == tied


def test_the_nation_history_follows_the_nations_table_and_its_crises(run):
    events = run.events_table()
    busiest = events[events["event"] == "crisis"]["nation"].value_counts().index[0]
    nation = run.names.index(busiest)
    chart = figures.nation_history_figure(run, nation, events, run.scenario_steps)
    history = nations_table(run)
    mine = history[history["nation"] == busiest]
    partners = next(t for t in chart["data"] if t["name"] == "partners")
    assert partners["y"] == mine["degree"].tolist()
    crises = [t for t in chart["data"] if t["type"] == "bar"]
    mentioned = (events["event"] == "crisis") & (
        (events["nation"] == busiest) | (events["other"] == busiest)
    )
    assert sum(sum(t["y"]) for t in crises) == mentioned.sum() > 0
    counts = crises_by_step(events, busiest, run.steps)
    assert sum(map(sum, counts.values())) == mentioned.sum()


def test_partners_are_grouped_by_bilateral_sector_pact_and_alliance():
    model = ExplorerModel("north_atlantic", "")
    for _ in range(6):
        model.step()
    for nation in range(len(model.names)):
        agreements = model.registry.of_nation(nation)
        groups = partner_groups(model, nation)
        grouped = [t for ties in groups.bilateral.values() for t in ties]
        grouped += groups.pacts + groups.alliances
        assert sorted(t.agreement_id for t in grouped) == sorted(a.agreement_id for a in agreements)
        for sector, ties in groups.bilateral.items():
            assert all(t.sector == sector and len(t.partners) == 1 for t in ties)
        for tie in groups.alliances:
            alliance = next(a for a in agreements if a.agreement_id == tie.agreement_id)
            assert alliance.alliance and len(tie.partners) == len(alliance.members) - 1
        for tie in groups.pacts:
            pact = next(a for a in agreements if a.agreement_id == tie.agreement_id)
            assert pact.kind.value == "multilateral" and not pact.alliance
    member = model.names.index(
        next(model.names[m] for a in model.registry.active if a.alliance for m in a.members)
    )
    assert partner_groups(model, member).alliances


def test_a_pact_member_sees_the_pact_and_its_other_members():
    model = ExplorerModel("indo_pacific", "")
    pact = model.registry.active_pacts()[0]
    groups = partner_groups(model, pact.members[0])
    assert [tie.name for tie in groups.pacts] == [pact.name] and not groups.alliances
    others = {model.names[m] for m in pact.members[1:]}
    assert set(groups.pacts[0].partners) == others


@pytest.mark.parametrize(
    ("step", "scenario_steps", "pinned", "end"),
    [
        (0, 50, 0, 10),  # the first decade from the start
        (5, 50, 0, 10),
        (10, 50, 0, 10),
        (11, 50, 0, 20),  # the axis moves once in ten steps
        (47, 50, 0, 50),  # never past the scenario's end
        (2, 3, 0, 3),  # a short scenario, whole
        (5, 50, 30, 30),  # a pinned run that went further stays in view
        (3, 20, 25, 25),  # even beyond this scenario's end
    ],
)
def test_the_time_axis_grows_a_decade_at_a_time_to_the_scenarios_end(
    step, scenario_steps, pinned, end
):
    assert figures.time_axis_end(step, scenario_steps, pinned) == end


def test_the_exits_chart_says_so_when_there_are_none_yet(fresh):
    chart = figures.exits_figure(fresh.events_table(), 0, 10)
    assert chart["data"] == []
    assert [note["text"] for note in chart["layout"]["annotations"]] == ["no exits yet"]
