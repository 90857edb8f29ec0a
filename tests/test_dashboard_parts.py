"""The dashboard's model-facing parts, without a browser: the model it builds from
the controls, the fixed network layout, and the charts."""

from __future__ import annotations

import numpy as np
import pytest

from simulation.dashboard import figures
from simulation.dashboard.explorer import ExplorerModel, preset_names
from simulation.dashboard.layout import region_layout
from simulation.domain import Kind


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


def test_a_slider_value_outside_its_range_is_reported_and_left_out():
    model = ExplorerModel("baseline", "", crisis_rate=2.0, threat_weight=1.7)
    assert "crisis_rate" in model.input_error and "less than or equal to 1" in model.input_error
    assert model.parameters.threat_weight == pytest.approx(1.7)
    assert model.parameters.crisis_rate == pytest.approx(0.2) or model.parameters.crisis_rate <= 1


def test_valid_controls_give_a_model_with_no_message_and_the_typed_seed():
    model = ExplorerModel("indo_pacific", " 17 ", sovereignty_weight=1.3, diplomatic_capacity=3)
    assert model.input_error == ""
    assert model.scenario_seed == 17
    assert model.parameters.sovereignty_weight == pytest.approx(1.3)
    assert model.parameters.diplomatic_capacity == 3


def test_an_unknown_preset_falls_back_to_the_baseline_with_a_message():
    model = ExplorerModel("atlantis")
    assert model.preset == "baseline" and "atlantis" in model.input_error


def test_the_mesa_scenario_object_solaraviz_passes_on_reset_is_ignored():
    from mesa.experimental.scenarios import Scenario

    model = ExplorerModel("baseline", "3", scenario=Scenario())
    assert model.input_error == "" and model.scenario_seed == 3


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
    table = model.datacollector.get_model_vars_dataframe().reset_index(drop=True)
    table.insert(0, "step", range(len(table)))
    return model, table


def test_the_network_draws_every_bilateral_agreement_and_every_nation(stepped):
    model, _ = stepped
    figure = figures.network_figure(model, region_layout(model.region, model.capability, 1))
    bilateral = model.registry.active_slots(Kind.BILATERAL).size
    lines = [t for t in figure.data if t.mode == "lines" and t.fill != "toself"]
    drawn = sum(np.isnan(np.asarray(t.x, dtype=float)).sum() for t in lines)
    assert drawn == bilateral
    hover = next(t for t in figure.data if t.name == "agreements")
    assert len(hover.x) == bilateral
    nations = [t for t in figure.data if t.name in model.region_names]
    assert sum(len(t.x) for t in nations) == len(model.names)
    pacts = [t for t in figure.data if t.fill == "toself"]
    assert len(pacts) == len(model.registry.active_pacts())


def test_the_outcome_and_agreement_charts_follow_the_model_table(stepped):
    model, table = stepped
    outcome = figures.outcomes_figure(table)
    stability = next(t for t in outcome.data if t.name == "stability index")
    assert list(stability.y) == table["stability_index"].tolist()
    agreements = figures.agreements_figure(model, table)
    assert {"bilateral", "multilateral", "general", "dialogue"} <= {t.name for t in agreements.data}
    activity = figures.activity_figure(table)
    assert list(next(t for t in activity.data if t.name == "exits").y) == table["exits"].tolist()


def test_the_nation_chart_shows_its_history_and_trust(stepped):
    model, _ = stepped
    figure = figures.nation_figure(model, 0)
    capability = next(t for t in figure.data if t.name == "capability_share")
    assert len(capability.x) == model.steps + 1
    assert model.names[0] in figure.layout.title.text


def test_the_event_feed_is_newest_first_in_words_without_renewals(stepped):
    model, _ = stepped
    lines = figures.event_lines(model, limit=15)
    steps = [int(line.split(":")[0].removeprefix("step ")) for line in lines]
    assert steps == sorted(steps, reverse=True) and len(lines) <= 15
    assert not any("renewed for" in line for line in lines)
    exits = [line for line in figures.event_lines(model, limit=10_000) if " left " in line]
    assert exits and all("(" in line for line in exits)  # the reason, in words
