"""Writing a run folder: the tables, and a manifest that says how they were made.

The folder is written under a temporary name beside its destination and renamed
at the end, so a run that fails or is interrupted leaves nothing that looks complete.
"""

from __future__ import annotations

import json
import os
import platform
import subprocess
from datetime import UTC, datetime
from importlib import metadata
from pathlib import Path

import pandas as pd

from simulation.atomic_write import atomic_folder
from simulation.single_run import RunResult

FORMATS = ("parquet", "csv")
PACKAGES = (
    "mesa",
    "numpy",
    "scipy",
    "pandas",
    "pyarrow",
    "pydantic",
    "pyyaml",
    "SALib",
    "distributed",
)
PROJECT_ROOT = Path(__file__).resolve().parent.parent


class OutputError(Exception):
    """The output folder cannot be written. Its message is one line for the user."""


def default_output_dir(scenario_name: str, root: Path = Path("results")) -> Path:
    stamp = datetime.now(UTC).strftime("%Y%m%d-%H%M%S")
    candidate = root / f"{scenario_name}-{stamp}"
    suffix = 1
    while candidate.exists():
        suffix += 1
        candidate = root / f"{scenario_name}-{stamp}-{suffix}"
    return candidate


def check_output_dir(out: Path) -> None:
    """Refuse, before any work is done, a destination that cannot take a run folder."""
    if out.exists() and not out.is_dir():
        raise OutputError(f"{out}: --out names a file, expected a folder")
    if out.exists() and any(out.iterdir()):
        raise OutputError(f"{out}: output folder already exists and is not empty")
    ancestor = out.parent
    while not ancestor.exists():
        ancestor = ancestor.parent
    if not ancestor.is_dir():
        raise OutputError(f"{out}: {ancestor} is a file, so the folder cannot be created there")
    if not os.access(ancestor, os.W_OK):
        raise OutputError(f"{out}: no permission to create the folder in {ancestor}")


def write_tables(tables: dict[str, pd.DataFrame], folder: Path, fmt: str) -> list[str]:
    written = []
    for stem, frame in tables.items():
        path = folder / f"{stem}.{fmt}"
        if fmt == "parquet":
            frame.to_parquet(path, index=False, engine="pyarrow", compression="zstd")
        else:
            frame.to_csv(path, index=False)
        written.append(path.name)
    return written


def write_run_folder(
    result: RunResult, out: Path, fmt: str = "parquet", source: str | None = None
) -> Path:
    """Write the run's tables and manifest to `out` atomically; return `out`."""
    if fmt not in FORMATS:
        raise OutputError(f"--format: expected one of {', '.join(FORMATS)}, got {fmt!r}")
    check_output_dir(out)
    # an OSError before the staging folder exists is a folder that cannot be made; after,
    # it is results that cannot be written (the staging folder is gone either way)
    staging_created = False
    try:
        with atomic_folder(out) as staging:
            staging_created = True
            tables = result.tables()
            files = write_tables(tables, staging, fmt)
            rows = {k: len(v) for k, v in tables.items()}
            manifest = build_manifest(result, files, rows, source)
            (staging / "manifest.json").write_text(json.dumps(manifest, indent=2) + "\n")
    except OSError as error:
        if not staging_created:
            raise OutputError(
                f"{out}: cannot create the output folder ({error.strerror})"
            ) from None
        raise OutputError(f"{out}: cannot write the results ({error})") from None
    return out


def build_manifest(
    result: RunResult, files: list[str], rows: dict[str, int], source: str | None
) -> dict:
    scenario = result.scenario
    return {
        "scenario_name": scenario.name,
        "scenario_file": source,
        "seed": scenario.seed,
        "steps": scenario.steps,
        "nations": len(result.model.names),
        "scenario": scenario.model_dump(mode="json"),
        "files": files,
        "rows": rows,
        "wall_seconds": round(result.wall_seconds, 3),
        "created_utc": datetime.now(UTC).isoformat(timespec="seconds"),
        "git_revision": git_revision(),
        "python": platform.python_version(),
        "packages": package_versions(),
    }


def package_versions() -> dict[str, str | None]:
    versions: dict[str, str | None] = {}
    for name in PACKAGES:
        try:
            versions[name] = metadata.version(name)
        except metadata.PackageNotFoundError:
            versions[name] = None
    return versions


def git_revision() -> str | None:
    """The project's commit, with '+dirty' when the work tree has changes; None outside git."""
    try:
        revision = _git("rev-parse", "HEAD")
        dirty = _git("status", "--porcelain", "--untracked-files=no")
    except (OSError, subprocess.SubprocessError):
        return None
    return f"{revision}+dirty" if dirty else revision


def _git(*arguments: str) -> str:
    return subprocess.run(
        ["git", *arguments],
        cwd=PROJECT_ROOT,
        capture_output=True,
        text=True,
        timeout=5,
        check=True,
    ).stdout.strip()
