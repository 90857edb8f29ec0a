"""The dashboard's model-facing parts, without a browser: the model it builds from
the controls, the fixed network layout, and the charts."""

from __future__ import annotations

import gc
import json
import threading
import weakref

import numpy as np
import plotly.graph_objects as go
import pytest
import solara
import solara.comm
import solara.lab
import solara.lifecycle

from simulation.dashboard import figures
from simulation.dashboard.census import take_census
from simulation.dashboard.explorer import SCENARIOS, ExplorerModel, preset_names
from simulation.dashboard.layout import region_layout
from simulation.dashboard.live_figure import LiveFigure, PlotlyChart, figure_text
from simulation.dashboard.sessions import (
    CULL_TIMEOUT_VARIABLE,
    DISCONNECTED_SESSION_LIFETIME,
    forget_page_made_singletons,
    limit_disconnected_sessions,
    made_by_a_page,
)
from simulation.domain import Kind
from simulation.model import DefenseCooperationModel
from simulation.palette import OUTSIDE_SYSTEM_COLOUR
from simulation.scenario import load_scenario, scenario_from_dict
from tests.conftest import small_world


def test_the_scenario_picker_lists_every_preset_and_no_sweep_file():
    presets = preset_names()
    assert "baseline" in presets and "indo_pacific" in presets
    assert not any("sweep" in name for name in presets)


def test_a_seed_typed_as_text_is_reported_and_the_model_still_builds():
    model = ExplorerModel("baseline", "twelve")
    assert "seed: expected a whole number" in model.input_error
    assert "'twelve'" in model.input_error
    model.step()
    assert model.steps == 1


def test_a_seed_above_the_largest_the_schema_allows_is_reported_and_the_model_still_builds():
    model = ExplorerModel("baseline", str(2**63))
    assert "seed: input should be less than or equal to 9223372036854775807" in model.input_error
    assert "got 9223372036854775808; using the scenario's own seed" in model.input_error
    assert model.scenario_seed == load_scenario(SCENARIOS / "baseline.yaml").seed
    model.step()
    assert model.steps == 1


def test_the_largest_seed_the_schema_allows_is_taken():
    model = ExplorerModel("baseline", str(2**63 - 1))
    assert model.input_error == "" and model.scenario_seed == 2**63 - 1


def test_a_page_of_text_typed_as_seed_is_cut_short_in_the_message():
    model = ExplorerModel("baseline", "7" * 100_000)
    assert len(model.input_error) < 200
    assert f"... ({100_000} characters)" in model.input_error


def test_a_slider_value_outside_its_range_is_reported_and_left_out():
    model = ExplorerModel("baseline", "", crisis_rate=2.0, threat_weight=1.7)
    assert "crisis_rate" in model.input_error and "less than or equal to 1" in model.input_error
    assert model.parameters.threat_weight == pytest.approx(1.7)
    # the rejected slider leaves the preset's own value in place
    preset = load_scenario(SCENARIOS / "baseline.yaml")
    assert model.parameters.crisis_rate == preset.parameters.crisis_rate
    assert "crisis_rate left as it was" in model.input_error


def test_valid_controls_give_a_model_with_no_message_and_the_typed_seed():
    model = ExplorerModel("indo_pacific", " 17 ", sovereignty_weight=1.3, diplomatic_capacity=3)
    assert model.input_error == ""
    assert model.scenario_seed == 17
    assert model.parameters.sovereignty_weight == pytest.approx(1.3)
    assert model.parameters.diplomatic_capacity == 3


def test_an_unknown_preset_falls_back_to_the_baseline_with_a_message():
    model = ExplorerModel("atlantis")
    assert model.preset == "baseline" and "atlantis" in model.input_error


def test_two_explorer_models_step_independently():
    first, second = ExplorerModel("baseline", "5"), ExplorerModel("baseline", "5")
    first.step()
    first.step()
    assert (first.steps, second.steps) == (2, 0)


def test_composition_history_counts_the_agreements_in_force_every_step():
    model = ExplorerModel("north_atlantic", "1")
    for _ in range(3):
        model.step()
    assert len(model.by_sector) == len(model.by_depth) == 4
    in_force = model.outcomes["active_agreements"]
    assert sum(model.by_sector[-1]) == sum(model.by_depth[-1]) == in_force


def test_the_layout_is_fixed_by_regions_capability_and_seed_and_fits_the_frame():
    region = np.repeat(np.arange(5), 40)
    capability = np.random.default_rng(0).lognormal(size=200)
    one = region_layout(region, capability, seed=3)
    assert np.array_equal(one, region_layout(region, capability, seed=3))
    assert one.shape == (200, 2) and np.all(np.abs(one) <= 1.0)
    # nations of a region sit closer to each other than to other regions' nations
    centres = np.array([one[region == r].mean(axis=0) for r in range(5)])
    spread = max(np.linalg.norm(one[region == r] - centres[r], axis=1).max() for r in range(5))
    gaps = [np.linalg.norm(centres[a] - centres[b]) for a in range(5) for b in range(a + 1, 5)]
    assert spread < min(gaps)
    assert len({tuple(p) for p in np.round(one, 6)}) == 200  # no two nations on one spot


@pytest.fixture(scope="module")
def stepped():
    model = ExplorerModel("indo_pacific", "")
    for _ in range(12):
        model.step()
    table = model.recorder.model_table()
    return model, table


def test_the_network_draws_every_bilateral_agreement_pact_and_nation(stepped):
    model, _ = stepped
    figure = figures.network_figure(
        model, region_layout(model.state.region, model.state.capability, 1)
    )
    traces = figure["data"]
    bilateral = model.registry.active_slots(Kind.BILATERAL).size
    pacts = len(model.registry.active_pacts())
    lines = [t for t in traces if t["mode"] == "lines" and t.get("fill") != "toself"]
    assert sum(t["x"].count(None) for t in lines) == bilateral  # one gap after each line
    outlines = [t for t in traces if t.get("fill") == "toself"]
    assert sum(t["x"].count(None) for t in outlines) == pacts
    hover = next(t for t in traces if t["name"] == "agreements")
    assert len(hover["x"]) == len(hover["text"]) == bilateral + pacts
    nations = [t for t in traces if t["name"] in model.state.region_names]
    assert sum(len(t["x"]) for t in nations) == len(model.names)
    hovers = {
        text.split("</b>")[0].removeprefix("<b>"): text for t in nations for text in t["text"]
    }
    for nation in model.nations:
        assert (
            f"partners {nation.degree}, agreements {len(nation.agreements)}<br>"
            in (hovers[nation.name])
        )
    assert figure["layout"]["title"]["text"] == f"Cooperation network at step {model.steps}"


def test_the_network_greys_out_nations_outside_the_state_system():
    data = small_world(steps=4, events=[])
    data["nations"].append({"name": "Newland", "region": "East", "capability": 1.0, "enters": 3})
    model = DefenseCooperationModel(scenario_from_dict(data))
    model.step()

    def east(figure):
        return next(t for t in figure["data"] if t["name"] == "East")

    positions = region_layout(model.state.region, model.state.capability, 1)
    trace = east(figures.network_figure(model, positions))
    where = trace["text"].index("<b>Newland</b> (East)<br>not a state at this step")
    assert trace["marker"]["color"][where] == OUTSIDE_SYSTEM_COLOUR
    assert sum(colour == OUTSIDE_SYSTEM_COLOUR for colour in trace["marker"]["color"]) == 1
    for _ in range(2):
        model.step()
    assert isinstance(east(figures.network_figure(model, positions))["marker"]["color"], str)


def test_network_traces_keep_their_ids_across_steps_and_the_ids_suit_css():
    model = ExplorerModel("baseline", "4")
    positions = region_layout(model.state.region, model.state.capability, model.scenario_seed)
    before = {t["uid"]: t["name"] for t in figures.network_figure(model, positions)["data"]}
    for _ in range(3):
        model.step()
    after = {t["uid"]: t["name"] for t in figures.network_figure(model, positions)["data"]}
    regions = {uid for uid, name in after.items() if name in model.state.region_names}
    assert len(regions) == len(model.state.region_names) and regions <= before.keys()
    assert all(before[uid] == after[uid] for uid in before.keys() & after.keys())
    # Plotly puts a trace's uid into CSS class names
    assert all(uid.replace("-", "").replace("_", "").isalnum() for uid in after)


def test_every_chart_is_valid_plotly_json_with_the_step_in_its_title(stepped):
    model, table = stepped
    positions = region_layout(model.state.region, model.state.capability, 1)
    events = model.events_table()
    end = model.scenario_steps
    charts = {
        "network": figures.network_figure(model, positions),
        "outcomes": figures.outcomes_figure(table, end),
        "outcomes pinned": figures.outcomes_figure(table, end, table.iloc[:5], "now", "then"),
        "crises": figures.crises_figure(table, end, table.iloc[:5], "then"),
        "agreements": figures.agreements_figure(model, table),
        "activity": figures.activity_figure(table, end),
        "exits": figures.exits_figure(events, model.steps, end),
        "nation history": figures.nation_history_figure(model, 0, events, end),
        "trust": figures.trust_figure(model, 0),
    }
    for name, chart in charts.items():
        go.Figure(chart)  # plotly validates every property (the dashboard does not)
        json.dumps(chart, allow_nan=False)  # plain JSON: no NaN, no NumPy values
        title = chart["layout"]["title"]["text"].split("<br>")[0]
        assert title.endswith(f"step {model.steps}"), (name, title)


def test_the_outcome_and_agreement_charts_follow_the_model_table(stepped):
    model, table = stepped
    outcome = figures.outcomes_figure(table, model.scenario_steps)
    stability = next(t for t in outcome["data"] if "yaxis" not in t)
    assert stability["y"] == table["stability_index"].tolist()
    agreements = figures.agreements_figure(model, table)
    names = {t["name"] for t in agreements["data"]}
    assert {"bilateral", "multilateral", "general", "1 dialogue"} <= names
    activity = figures.activity_figure(table)
    assert next(t for t in activity["data"] if t["name"] == "exits")["y"] == table["exits"].tolist()


# LiveFigure: each new figure reaches the browser as one message, and nothing else


@solara.component
def Chart(figure):
    LiveFigure(figure)


def scatter(xs, title="chart", **properties):
    trace = {"type": "scatter", "x": xs, "y": [x * 2 for x in xs], **properties}
    return {"data": [trace], "layout": {"title": {"text": title}}}


@pytest.fixture
def shown(monkeypatch):
    """A rendered Chart, its PlotlyChart widget and the messages the widget sends."""
    _, context = solara.render(Chart(scatter([1, 2], marker={"color": "red"})), handle_error=False)
    widget = context.find(PlotlyChart).widget
    sent: list[dict] = []
    # ipywidgets sends only through a comm with a kernel, which tests have not got
    monkeypatch.setattr(widget.comm, "kernel", "a kernel", raising=False)
    monkeypatch.setattr(widget, "_send", lambda message, buffers=None: sent.append(message))
    yield context, widget, sent
    monkeypatch.undo()
    context.close()


def test_a_new_figure_with_the_same_traces_is_one_update_message(shown):
    context, widget, sent = shown
    context.render(Chart(scatter([1, 2, 3], marker={"color": "red"}, title="next")))
    assert len(sent) == 1
    assert sent[0]["method"] == "update" and list(sent[0]["state"]) == ["figure"]
    drawn = json.loads(sent[0]["state"]["figure"])
    assert drawn["data"][0]["x"] == [1, 2, 3] and drawn["layout"]["title"]["text"] == "next"


def test_an_equal_figure_sends_nothing(shown):
    context, _, sent = shown
    context.render(Chart(scatter([1, 2], marker={"color": "red"})))
    assert sent == []


def test_a_new_trace_set_and_a_left_out_property_reach_the_widget_as_given(shown):
    context, widget, sent = shown
    figure = scatter([5])
    figure["data"].append({"type": "bar", "x": [1], "y": [4], "name": "new"})
    context.render(Chart(figure))
    assert len(sent) == 1
    # the browser draws exactly this figure with Plotly.react: the traces replaced,
    # the marker colour left out going back to Plotly's default (see the browser test)
    assert json.loads(widget.figure) == figure
    assert "marker" not in json.loads(sent[0]["state"]["figure"])["data"][0]


def test_the_browser_is_sent_plotly_js_when_a_chart_asks_for_it(shown):
    _, widget, _ = shown
    replies = []
    widget.send = replies.append
    widget._handle_custom_msg({"request": "plotly"}, [])
    widget._handle_custom_msg({"something": "else"}, [])
    assert len(replies) == 1 and replies[0]["plotly"].lstrip().startswith("/**")
    assert "plotly.js v" in replies[0]["plotly"][:200]


def test_figure_text_takes_dicts_with_numpy_values_and_graph_objects():
    nan_gap = {"data": [{"type": "scatter", "x": np.array([0.0, np.nan, 1.0]), "y": [1, 2, 3]}]}
    assert json.loads(figure_text(nan_gap))["data"][0]["x"] == [0.0, None, 1.0]
    graph = go.Figure(go.Bar(x=np.arange(3), y=[1.5, np.nan, 3]))
    text = figure_text(graph)
    assert json.loads(text, parse_constant=pytest.fail)["data"][0]["y"] == [1.5, None, 3]
    plain = scatter([1])
    assert json.loads(figure_text(plain)) == plain


# closed sessions give their models and charts back (see simulation/dashboard/sessions.py)


def test_a_closed_chart_is_freed(monkeypatch):
    # outside a server, solara files every widget's comm in a process-wide dict, for
    # debugging; a server's comms belong to its sessions
    monkeypatch.setattr(solara.comm, "orphan_comm_stacks", {})
    chart = PlotlyChart(figure=figure_text(scatter([1, 2])))
    freed = weakref.ref(chart)
    chart.close()
    del chart
    solara.comm.orphan_comm_stacks.clear()
    gc.collect()
    assert freed() is None


def made_as_a_page_makes_it():
    """A task made as Mesa's model controller makes one, drawing a page in a server
    thread (no module being imported), and a reference to the function it runs."""
    made = {}

    def make():
        def step():
            return None

        made["task"] = solara.lab.task(step, check_for_render_context=False)
        made["step"] = weakref.ref(step)

    thread = threading.Thread(target=make)
    thread.start()
    thread.join()
    return made


def test_a_task_a_page_made_is_let_go_once_its_singleton_is_forgotten():
    made = made_as_a_page_makes_it()
    del made["task"]
    gc.collect()
    # what leaked each closed session's model: solara's process-wide list still holds it
    assert made["step"]() is not None
    assert forget_page_made_singletons() >= 1
    gc.collect()
    assert made["step"]() is None


def test_callbacks_registered_at_import_are_kept_when_page_made_ones_are_forgotten():
    import simulation.dashboard.app  # noqa: F401  (registers its own, at import)

    made_as_a_page_makes_it()
    entries = solara.lifecycle._on_kernel_start_callbacks
    at_import = [entry for entry in entries if not made_by_a_page(entry)]
    assert any(entry.module and "theming" in entry.module.__name__ for entry in at_import)
    assert any(entry.callpoint and entry.callpoint.name == "app.py" for entry in at_import)
    forget_page_made_singletons()
    assert entries == at_import


def test_a_dropped_session_is_kept_ten_minutes_unless_the_environment_says_otherwise(monkeypatch):
    import solara.server.settings

    monkeypatch.setattr(solara.server.settings.kernel, "cull_timeout", "24h")
    monkeypatch.delenv(CULL_TIMEOUT_VARIABLE, raising=False)
    limit_disconnected_sessions()
    assert solara.server.settings.kernel.cull_timeout == DISCONNECTED_SESSION_LIFETIME == "10m"
    monkeypatch.setattr(solara.server.settings.kernel, "cull_timeout", "2h")
    monkeypatch.setenv(CULL_TIMEOUT_VARIABLE, "2h")
    limit_disconnected_sessions()
    assert solara.server.settings.kernel.cull_timeout == "2h"


def test_the_census_counts_the_dashboard_models_and_charts_alive():
    before = take_census()
    model = ExplorerModel("baseline", "1")
    chart = PlotlyChart(figure="{}")
    during = take_census()
    assert (during["models"], during["charts"]) == (before["models"] + 1, before["charts"] + 1)
    del model
    assert take_census()["models"] == before["models"]
    assert during["rss_kb"] > 0 and chart.figure == "{}"
