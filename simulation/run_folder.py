"""Writing a run folder: the tables, and a manifest that says how they were made.

The folder is written under a temporary name beside its destination and renamed
at the end, so a run that fails or is interrupted leaves nothing that looks complete.

Where it goes: `--out DIR` exactly, or, without it, a new folder directly under
`results/` named from the scenario by `simulation.names.safe_name` (one documented
rule: no separators, never '..', capped length) plus a time stamp. Such a folder is
checked to resolve inside `results/` again just before anything is written, so no
name, whatever it holds, makes a run write outside it.
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
from simulation.names import safe_name
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
# where a run, sweep or hindcast goes without --out (relative to the working folder)
RESULTS_ROOT = Path("results")
# a folder is written under a hidden temporary name, '.<name>.partial-<pid>'
# (simulation/atomic_write.py), so its own name must leave room for those bytes: the
# dot, '.partial-' and a process id of up to 7 digits (Linux allows up to 4194304)
STAGING_NAME_EXTRA_BYTES = len(".") + len(".partial-") + 7
# the longest file name when the file system does not say (255 bytes almost everywhere)
DEFAULT_NAME_MAX_BYTES = 255


class OutputError(Exception):
    """The output folder cannot be written. Its message is one line for the user."""


def default_output_dir(scenario_name: str, root: Path = RESULTS_ROOT) -> Path:
    """A new folder directly under `root` for a run of `scenario_name`: its safe name
    (simulation/names.py) and the time, with a counter when that folder exists."""
    name = safe_name(scenario_name)
    stamp = datetime.now(UTC).strftime("%Y%m%d-%H%M%S")
    candidate = root / f"{name}-{stamp}"
    suffix = 1
    while candidate.exists():
        suffix += 1
        candidate = root / f"{name}-{stamp}-{suffix}"
    check_inside(candidate, root)
    return candidate


def check_inside(out: Path, root: Path) -> None:
    """Refuse `out` unless it resolves (links followed) to a folder below `root`: the
    last guard between a name and a write outside the results folder."""
    try:
        resolved_root = root.resolve()
        resolved = out.resolve()
    except (OSError, RuntimeError) as error:  # RuntimeError: a loop of links
        raise OutputError(f"{out}: cannot resolve the path ({_reason(error)})") from None
    if resolved == resolved_root or not resolved.is_relative_to(resolved_root):
        raise OutputError(f"{out}: resolves to {resolved}, outside {root}/; refusing to write")


def check_output_path(out: Path) -> None:
    """Refuse a path the file system cannot take: a name too long to be written under
    its temporary name, or a path it will not even look up (too long, a loop). For any
    file or folder written through simulation/atomic_write.py."""
    try:
        ancestor = out.parent
        while not ancestor.exists():
            ancestor = ancestor.parent
    except (OSError, ValueError) as error:  # ValueError: a NUL in the path
        raise OutputError(f"{out}: cannot use this path ({_reason(error)})") from None
    try:
        name_max = os.pathconf(ancestor, "PC_NAME_MAX")
    except (OSError, ValueError):
        name_max = DEFAULT_NAME_MAX_BYTES
    allowed = name_max - STAGING_NAME_EXTRA_BYTES
    length = len(os.fsencode(out.name))
    if length > allowed:
        raise OutputError(
            f"{out}: the name is {length} bytes; at most {allowed} fit this file "
            f"system ({name_max}-byte names, less {STAGING_NAME_EXTRA_BYTES} for the "
            "temporary name it is written under)"
        )
    try:
        out.exists()
    except (OSError, ValueError) as error:
        raise OutputError(f"{out}: cannot use this path ({_reason(error)})") from None


def _reason(error: Exception) -> str:
    return getattr(error, "strerror", None) or str(error)


def check_output_dir(out: Path) -> None:
    """Refuse, before any work is done, a destination that cannot take a run folder."""
    check_output_path(out)
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
    result: RunResult,
    out: Path,
    fmt: str = "parquet",
    source: str | None = None,
    root: Path | None = None,
) -> Path:
    """Write the run's tables and manifest to `out` atomically; return `out`. With
    `root` (the folder `out` was chosen under, as by `default_output_dir`), `out` must
    still resolve inside it."""
    if fmt not in FORMATS:
        raise OutputError(f"--format: expected one of {', '.join(FORMATS)}, got {fmt!r}")
    if root is not None:
        check_inside(out, root)
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
