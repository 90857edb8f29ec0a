"""The sector table is the one place a sector is defined: a row added there is chosen,
recorded, drawn and documented with no other change."""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

from simulation.sectors import SECTOR_TABLE, sector_table_markdown

ROOT = Path(__file__).resolve().parent.parent
MODEL_DOC = ROOT / "docs" / "MODEL.md"

NEW_ROW = """    SectorRow(
        "cyber",
        "cyber defence",
        (0.0, 1.0, 0.5),
        1.2,
        ChoiceWeight(base=50.0),
        "#00aa99",
        "a test sector, weighted to be chosen by nearly every specialised agreement",
    ),
"""

# Run in a fresh interpreter on the copied package: builds a small world, runs it, and
# reports where the sector shows up.
PROBE = """
import json
from simulation import run_scenario, scenario_from_dict
from simulation.dashboard import figures
from simulation.dashboard.layout import region_layout
from simulation.scenario import scenario_json_schema
from simulation.sectors import sector_table_markdown

world = {
    "name": "cyber", "seed": 3, "steps": 25,
    "regions": [{"name": "North", "nations": 12, "threat": 0.6},
                {"name": "South", "nations": 10, "threat": 0.5}],
    "agreements": [{"id": "standing", "sector": "cyber", "members": ["North 1", "North 2"]}],
}
result = run_scenario(scenario_from_dict(world, "probe"))
tables = result.tables()
model = result.model
figure = figures.network_figure(model, region_layout(model.state.region, model.state.capability, 1))
drawn = [
    trace.get("line", {}).get("color")
    for trace in figure["data"]
    if str(trace.get("name", "")).startswith("cyber")
]
schema = json.dumps(scenario_json_schema())
print(json.dumps({
    "signed": tables["agreements"]["sector"].value_counts().to_dict(),
    "events": int((tables["events"]["sector"] == "cyber").sum()),
    "drawn": drawn,
    "documented": "| `cyber` | cyber defence |" in sector_table_markdown(),
    "in_schema": '"cyber"' in schema,
}))
"""


def test_the_model_document_shows_the_sector_table_as_generated():
    text = MODEL_DOC.read_text()
    found = re.search(r"<!-- sector-table:start -->\n(.*?)\n<!-- sector-table:end -->", text, re.S)
    assert found, "docs/MODEL.md has lost its sector-table markers"
    assert found.group(1) == sector_table_markdown()


def test_every_sector_row_is_named_coloured_and_weighted_once():
    names = [row.name for row in SECTOR_TABLE]
    assert len(names) == len(set(names))
    assert sum(row.choice is None for row in SECTOR_TABLE) == 1  # one general framework
    for row in SECTOR_TABLE:
        assert re.fullmatch(r"#[0-9a-f]{6}", row.colour), row.name
        assert len(row.channels) == 3 and all(0 <= width <= 1 for width in row.channels)


def test_a_sector_added_to_the_table_is_chosen_recorded_drawn_and_documented(tmp_path):
    package = tmp_path / "simulation"
    shutil.copytree(ROOT / "simulation", package, ignore=shutil.ignore_patterns("__pycache__"))
    shutil.copytree(ROOT / "scenarios", tmp_path / "scenarios")
    table = package / "sectors.py"
    source = table.read_text()
    end = source.index("\n)\n", source.index("SECTOR_TABLE: tuple"))
    table.write_text(source[: end + 1] + NEW_ROW + source[end + 1 :])

    environment = {**os.environ, "PYTHONPATH": str(tmp_path)}
    done = subprocess.run(
        [sys.executable, "-c", PROBE],
        cwd=tmp_path,
        env=environment,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert done.returncode == 0, done.stderr[-2000:]
    seen = json.loads(done.stdout.strip().splitlines()[-1])
    assert seen["signed"].get("cyber", 0) > 1  # the standing one and new signings
    assert seen["events"] > 0
    assert seen["drawn"] and set(seen["drawn"]) == {"#00aa99"}
    assert seen["documented"]
    assert seen["in_schema"]
