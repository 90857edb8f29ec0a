"""Writing a file or a folder whole or not at all.

Everything is written under a temporary name beside its destination and renamed into
place at the end. The temporary name is hidden ('.' first: Parquet readers and `ls`
skip it) and lives in the same folder, so the rename never crosses file systems and is
atomic: a reader sees the old state or the finished one, never half of it. A write that
fails or is interrupted (Ctrl-C included) removes what it had written and re-raises.

    with atomic_file(out / "report.html") as temporary:
        temporary.write_text(document)

    with atomic_folder(out) as staging:
        table.to_parquet(staging / "model.parquet")
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

# what a temporary left by a killed process looks like, for whoever clears them up
LEFTOVER_PATTERN = ".*.partial-*"


def _temporary_name(path: Path) -> Path:
    """The hidden name `path` is written under. The process id keeps two processes
    writing the same destination from writing into each other's temporary."""
    return path.with_name(f".{path.name}.partial-{os.getpid()}")


@contextmanager
def atomic_file(path: Path) -> Iterator[Path]:
    """Yield a temporary path to write; on success it replaces `path`, on any exception
    it is removed. The parent folder is created if needed."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    temporary = _temporary_name(path)
    try:
        yield temporary
        os.replace(temporary, path)
    except BaseException:
        temporary.unlink(missing_ok=True)
        raise


@contextmanager
def atomic_folder(path: Path) -> Iterator[Path]:
    """Yield a fresh, empty staging folder; on success it is renamed to `path` (an
    existing empty folder there is replaced, a non-empty one is an OSError: callers
    refuse it before doing the work), on any exception it is removed."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    staging = _temporary_name(path)
    _remove(staging)  # left by a killed process that had the same id
    staging.mkdir()
    try:
        yield staging
        if path.exists():
            path.rmdir()
        staging.rename(path)
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise


def _remove(path: Path) -> None:
    if path.is_dir() and not path.is_symlink():
        shutil.rmtree(path)
    else:
        path.unlink(missing_ok=True)
