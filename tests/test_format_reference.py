"""The README's table of scheduled event types is what the scenario schema gives: every
type and every field, generated, so the documentation cannot drift from the format."""

from __future__ import annotations

import copy

import pytest

from simulation.format_reference import (
    BEGIN,
    END,
    README,
    events_table,
    main,
    readme_with_events_table,
)
from simulation.scenario import EVENT_TYPES, scenario_json_schema


def test_the_readme_events_table_is_the_one_the_schema_gives():
    text = README.read_text()
    assert readme_with_events_table(text) == text, (
        "README.md's events table is stale: run python -m simulation.format_reference"
    )


def test_the_table_has_a_row_for_every_event_type_and_every_field_of_it():
    schema = scenario_json_schema()
    table = events_table(schema)
    for kind in EVENT_TYPES:
        assert f"| `{kind}` | | |" in table
    for definition in schema["$defs"].values():
        if definition.get("properties", {}).get("type", {}).get("const") in EVENT_TYPES:
            for field in definition["properties"]:
                if field != "type":
                    assert f"| `{field}` |" in table, field


def test_the_table_says_each_fields_range_default_and_whether_it_is_required():
    table = events_table().splitlines()
    severity = next(row for row in table if "| `severity` |" in row)
    assert "a number from 0 to 1, default 0.5" in severity
    factor = next(row for row in table if "| `factor` |" in row)
    assert "a number above 0, at most 100, required" in factor
    step = next(row for row in table if "| `step` |" in row)
    assert step.startswith("| every type | `step` | a whole number of at least 1, required |")


def test_a_change_to_the_schema_changes_the_readme_section():
    schema = copy.deepcopy(scenario_json_schema())
    schema["$defs"]["CrisisEvent"]["properties"]["severity"]["description"] = "Changed."
    text = README.read_text()
    assert readme_with_events_table(text, events_table(schema)) != text


def test_the_generator_rewrites_a_stale_readme_and_check_reports_it(tmp_path, capsys):
    stale = tmp_path / "README.md"
    stale.write_text(f"# title\n\n{BEGIN}\n| old |\n{END}\n\nafter\n")
    assert main([str(stale), "--check"]) == 1
    assert "| old |" in stale.read_text()
    assert main([str(stale)]) == 0
    assert stale.read_text() == f"# title\n\n{BEGIN}\n{events_table()}{END}\n\nafter\n"
    assert main([str(stale), "--check"]) == 0


@pytest.mark.parametrize(
    "text", ["no markers", f"{END}\n{BEGIN}\n", f"{BEGIN}\n{BEGIN}\n{END}\n"], ids=str
)
def test_a_readme_without_its_markers_once_each_and_in_order_is_refused(text, tmp_path, capsys):
    path = tmp_path / "README.md"
    path.write_text(text)
    assert main([str(path)]) == 2
    assert path.read_text() == text
