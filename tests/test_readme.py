"""The README's scenario format example is a scenario the model accepts, as shown."""

from __future__ import annotations

import re
from pathlib import Path

import yaml

from simulation import DefenseCooperationModel, scenario_from_dict

README = Path(__file__).resolve().parent.parent / "README.md"


def format_example() -> dict:
    blocks = re.findall(r"```yaml\n(.*?)```", README.read_text(encoding="utf-8"), re.S)
    # the format section's example: the block that lists nations with their attributes
    (block,) = [block for block in blocks if "nations:" in block and "events:" in block]
    return yaml.safe_load(block)


def test_the_format_example_validates_and_runs_with_every_listed_field():
    example = format_example()
    scenario = scenario_from_dict(example)
    listed = {name for nation in example["nations"] for name in nation}
    assert {"enters", "leaves", "successor", "capability_path"} <= listed
    model = DefenseCooperationModel(scenario)
    for _ in range(3):
        model.step()
    fennia = model.names.index("Fennia")
    assert model.state.capability[fennia] == 0.9
