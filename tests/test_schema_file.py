"""The JSON Schema shipped for editors matches the schema the code validates against."""

import json
from pathlib import Path

from simulation.scenario import scenario_json_schema

SCHEMA_FILE = Path(__file__).resolve().parent.parent / "scenarios" / "scenario.schema.json"


def test_shipped_json_schema_is_up_to_date():
    shipped = json.loads(SCHEMA_FILE.read_text())
    assert shipped == scenario_json_schema(), (
        "scenarios/scenario.schema.json is stale: run `python run.py schema --out "
        "scenarios/scenario.schema.json`"
    )


def test_json_schema_names_every_top_level_field_and_forbids_others():
    schema = scenario_json_schema()
    assert set(schema["properties"]) == {
        "name",
        "description",
        "seed",
        "steps",
        "regions",
        "nations",
        "rivalries",
        "agreements",
        "parameters",
        "events",
        "extends",  # read before validation: a variant of another file
    }
    assert schema["additionalProperties"] is False
    assert schema["required"] == ["name", "regions"]


SWEEP_SCHEMA_FILE = SCHEMA_FILE.parent / "sweeps" / "sweep.schema.json"


def test_shipped_sweep_json_schema_is_up_to_date():
    from simulation.sweeps.spec import sweep_json_schema

    shipped = json.loads(SWEEP_SCHEMA_FILE.read_text())
    assert shipped == sweep_json_schema(), (
        "scenarios/sweeps/sweep.schema.json is stale: run `python run.py schema --sweep "
        "--out scenarios/sweeps/sweep.schema.json`"
    )


def test_preset_sweeps_validate_and_plan_their_runs():
    from simulation.sweeps.plan import load_sweep

    presets = sorted(SWEEP_SCHEMA_FILE.parent.glob("*.yaml"))
    assert len(presets) >= 2
    for path in presets:
        plan = load_sweep(path)
        assert plan.tasks, path
        assert len({task.run_id for task in plan.tasks}) == len(plan.tasks), path
