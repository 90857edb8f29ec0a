"""The current run's tables as one zip file, for the dashboard's download buttons.

The zip holds the files a run folder holds (`tables.all_tables`: model, nations,
agreements, memberships, events), written as `run.py run` writes them
(`run_folder.write_tables`), and a `run.json` saying which run they are: the preset,
seed, parameters moved off the preset's values, and the steps run.
"""

from __future__ import annotations

import io
import json
import tempfile
import zipfile
from pathlib import Path

from simulation.dashboard.explorer import ExplorerModel
from simulation.names import safe_name
from simulation.run_folder import FORMATS, write_tables
from simulation.tables import all_tables


def zip_name(model: ExplorerModel, fmt: str) -> str:
    """The download's file name: preset, seed and format (the step it reached is in
    run.json: the name is set before the click, the tables at it)."""
    return safe_name(f"{model.preset}-seed{model.scenario_seed}-tables-{fmt}") + ".zip"


def run_description(model: ExplorerModel) -> dict:
    return {
        "scenario": model.preset,
        "seed": model.scenario_seed,
        "parameters_changed": model.changed_parameters,
        "steps_run": model.steps,
        "scenario_steps": model.scenario_steps,
    }


def tables_zip(model: ExplorerModel, fmt: str) -> bytes:
    """Every table of `model`'s run so far, in format `fmt` (parquet or csv), zipped."""
    if fmt not in FORMATS:
        raise ValueError(f"format: expected one of {', '.join(FORMATS)}, got {fmt!r}")
    buffer = io.BytesIO()
    with tempfile.TemporaryDirectory(prefix="dashboard-tables-") as folder:
        written = write_tables(all_tables(model), Path(folder), fmt)
        with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as archive:
            for name in written:
                archive.write(Path(folder) / name, arcname=name)
            archive.writestr("run.json", json.dumps(run_description(model), indent=2) + "\n")
    return buffer.getvalue()
