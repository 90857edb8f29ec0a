"""One visitor's run as the dashboard holds it: any control changed builds the model
anew at once, the sliders start at the chosen scenario's values, a run can be pinned to
compare with, and the run's tables download as a zip of Parquet or CSV files."""

from __future__ import annotations

import io
import json
import zipfile

import pandas as pd
import pytest
import solara

from simulation.dashboard.downloads import tables_zip, zip_name
from simulation.dashboard.event_record import EventFilter
from simulation.dashboard.explorer import (
    CONTROL_BY_NAME,
    CONTROLS,
    Choices,
    ExplorerModel,
    preset_values,
)
from simulation.dashboard.run_state import Run
from simulation.parameters import Parameters
from simulation.tables import all_tables


def make_run(choices: Choices | None = None) -> Run:
    """A Run outside any page: its reactive values made directly."""
    choices = choices or Choices()
    return Run(
        model=solara.reactive(choices.build()),
        choices=solara.reactive(choices),
        revision=solara.reactive(0),
        playing=solara.reactive(False),
        pinned=solara.reactive(None),
        tab=solara.reactive(0),
        nation=solara.reactive(""),
        event_filter=solara.reactive(EventFilter()),
        event_page=solara.reactive(0),
        play_interval=solara.reactive(100),
    )


def test_the_sliders_start_at_the_chosen_scenarios_own_values():
    calibrated = preset_values("world_1990_calibrated")
    assert calibrated["funding_cost"] == pytest.approx(0.2159)
    assert calibrated["diplomatic_capacity"] == 3
    baseline = preset_values("baseline")
    defaults = Parameters()
    assert baseline["crisis_rate"] == defaults.crisis_rate
    assert set(calibrated) == {control.name for control in CONTROLS}


def test_choosing_another_scenario_drops_the_moved_sliders_and_keeps_the_seed():
    choices = Choices("baseline", "7").with_parameter("crisis_rate", 0.5, 0.3)
    assert choices.parameters == (("crisis_rate", 0.5),)
    other = choices.with_preset("indo_pacific")
    assert (other.preset, other.seed, other.parameters) == ("indo_pacific", "7", ())


def test_a_slider_set_back_to_the_scenarios_value_is_no_change():
    choices = Choices().with_parameter("crisis_rate", 0.5, 0.3)
    assert choices.with_parameter("crisis_rate", 0.3, 0.3).parameters == ()


def test_a_moved_slider_reaches_the_model_and_its_label():
    model = Choices("baseline", "5").with_parameter("crisis_rate", 0.55, 0.3).build()
    assert model.parameters.crisis_rate == pytest.approx(0.55)
    assert model.label == "baseline, seed 5, crisis_rate 0.55"
    assert model.changed_parameters == {"crisis_rate": 0.55}


def test_a_slider_shows_its_value_with_the_decimals_of_its_step_and_widens_for_a_preset():
    funding = CONTROL_BY_NAME["funding_cost"]
    assert funding.shown(0.1) == "0.10" and CONTROL_BY_NAME["threat_weight"].shown(1) == "1.0"
    assert CONTROL_BY_NAME["diplomatic_capacity"].shown(3.0) == "3"
    assert funding.bounds(0.2) == (0.0, 0.5) and funding.bounds(0.8) == (0.0, 0.8)
    assert all(control.unit and control.description for control in CONTROLS)


def test_choosing_builds_the_new_model_at_once_at_step_0():
    run = make_run()
    run.step()
    run.step()
    assert run.model.value.steps == 2
    before = run.revision.value
    run.choose(run.choices.value.with_preset("indo_pacific"))
    model = run.model.value
    assert model.preset == "indo_pacific" and model.steps == 0
    assert run.revision.value > before
    run.choose(run.choices.value.with_seed(" 11 "))
    assert run.model.value.scenario_seed == 11 and run.choices.value.seed == "11"


def test_reset_starts_the_same_run_again_and_gives_the_same_outcomes():
    run = make_run(Choices("baseline", "9"))
    for _ in range(4):
        run.step()
    first = run.model.value.model_table().copy()
    run.reset()
    assert run.model.value.steps == 0
    for _ in range(4):
        run.step()
    pd.testing.assert_frame_equal(run.model.value.model_table(), first)


def test_stepping_stops_at_the_scenarios_end_and_stops_play():
    run = make_run(Choices("baseline", "").with_parameter("crisis_rate", 0.3, 0.3))
    model = run.model.value
    model.scenario_steps = 3  # a short scenario
    run.playing.set(True)
    for _ in range(5):
        run.step()
    assert model.steps == 3 and model.finished and run.playing.value is False


def test_a_pinned_run_stays_while_another_is_built():
    run = make_run(Choices("baseline", "3"))
    for _ in range(3):
        run.step()
    run.pin()
    pinned = run.pinned.value
    assert pinned.label == "baseline, seed 3" and pinned.steps == 3
    run.choose(run.choices.value.with_parameter("crisis_rate", 0.6, 0.3))
    run.step()
    assert run.pinned.value is pinned and len(pinned.table) == 4  # not moved by the new run
    run.unpin()
    assert run.pinned.value is None


@pytest.fixture(scope="module")
def stepped() -> ExplorerModel:
    model = ExplorerModel("indo_pacific", "4")
    for _ in range(6):
        model.step()
    return model


@pytest.mark.parametrize("fmt", ["parquet", "csv"])
def test_the_download_holds_every_table_of_the_run_and_what_run_it_is(stepped, fmt):
    archive = zipfile.ZipFile(io.BytesIO(tables_zip(stepped, fmt)))
    expected = all_tables(stepped)
    assert sorted(archive.namelist()) == sorted(
        [f"{name}.{fmt}" for name in expected] + ["run.json"]
    )
    for name, table in expected.items():
        with archive.open(f"{name}.{fmt}") as handle:
            read = pd.read_parquet(handle) if fmt == "parquet" else pd.read_csv(handle)
        assert len(read) == len(table) and list(read.columns) == list(table.columns), name
    about = json.loads(archive.read("run.json"))
    assert about == {
        "scenario": "indo_pacific",
        "seed": 4,
        "parameters_changed": {},
        "steps_run": 6,
        "scenario_steps": stepped.scenario_steps,
    }
    assert zip_name(stepped, fmt) == f"indo_pacific-seed4-tables-{fmt}.zip"


def test_the_parquet_download_equals_the_tables_a_run_folder_holds(stepped):
    archive = zipfile.ZipFile(io.BytesIO(tables_zip(stepped, "parquet")))
    with archive.open("events.parquet") as handle:
        events = pd.read_parquet(handle)
    pd.testing.assert_frame_equal(events, stepped.events.table())


def test_an_unknown_download_format_is_refused(stepped):
    with pytest.raises(ValueError, match="format: expected one of parquet, csv, got 'xlsx'"):
        tables_zip(stepped, "xlsx")


def test_the_dashboard_server_starts_without_asking_pypi_for_a_newer_solara(capsys, monkeypatch):
    import os

    from tests.cli_support import call

    started = []
    monkeypatch.setattr(os, "execve", lambda program, argv, env: started.append((argv, env)))
    code, _, err = call(capsys, "dashboard", "--port", "8765")
    assert code == 0, err
    argv, environment = started[0]
    assert argv[argv.index("run") + 2 :].count("--no-check-version") == 1
    assert environment["SOLARA_TELEMETRY_MIXPANEL_ENABLE"] == "False"
