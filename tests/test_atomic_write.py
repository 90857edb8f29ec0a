"""A file or folder is written whole or not at all: what a reader of the destination's
folder can see after success, failure and Ctrl-C."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from simulation.atomic_write import LEFTOVER_PATTERN, atomic_file, atomic_folder


def listing(folder: Path) -> list[str]:
    return sorted(path.name for path in folder.iterdir())


# --- a file -------------------------------------------------------------------------


def test_a_file_written_in_full_appears_under_its_name_and_nothing_else_remains(tmp_path):
    out = tmp_path / "deep" / "er" / "report.html"
    with atomic_file(out) as temporary:
        assert temporary.parent == out.parent  # same folder: the rename is atomic
        assert temporary.name.startswith(".")  # hidden from readers of the folder
        assert not out.exists()  # nothing under the final name until the end
        temporary.write_text("whole")
    assert out.read_text() == "whole"
    assert listing(out.parent) == ["report.html"]


def test_a_file_written_in_full_replaces_the_old_one(tmp_path):
    out = tmp_path / "runs.parquet"
    out.write_text("old")
    with atomic_file(out) as temporary:
        temporary.write_text("new")
    assert out.read_text() == "new"
    assert listing(tmp_path) == ["runs.parquet"]


@pytest.mark.parametrize("exception", [OSError("disk full"), KeyboardInterrupt()])
def test_a_file_whose_writing_fails_leaves_the_old_file_and_no_temporary(tmp_path, exception):
    out = tmp_path / "runs.parquet"
    out.write_text("old")
    with pytest.raises(type(exception)), atomic_file(out) as temporary:
        temporary.write_text("half")
        raise exception
    assert out.read_text() == "old"
    assert listing(tmp_path) == ["runs.parquet"]


@pytest.mark.parametrize("exception", [RuntimeError("bug"), KeyboardInterrupt()])
def test_a_new_file_whose_writing_fails_leaves_nothing(tmp_path, exception):
    out = tmp_path / "report.html"
    with pytest.raises(type(exception)), atomic_file(out) as temporary:
        temporary.write_text("half")
        raise exception
    assert listing(tmp_path) == []


# --- a folder -----------------------------------------------------------------------


def test_a_folder_written_in_full_appears_under_its_name_and_nothing_else_remains(tmp_path):
    out = tmp_path / "results" / "run"
    with atomic_folder(out) as staging:
        assert staging.parent == out.parent
        assert staging.name.startswith(".")
        assert listing(staging) == []
        assert not out.exists()
        (staging / "model.parquet").write_text("table")
    assert listing(out) == ["model.parquet"]
    assert listing(out.parent) == ["run"]


def test_an_empty_folder_at_the_destination_is_replaced(tmp_path):
    out = tmp_path / "run"
    out.mkdir()
    with atomic_folder(out) as staging:
        (staging / "manifest.json").write_text("{}")
    assert listing(out) == ["manifest.json"]
    assert listing(tmp_path) == ["run"]


def test_a_folder_that_is_not_empty_is_not_replaced_and_the_staging_folder_goes(tmp_path):
    out = tmp_path / "run"
    out.mkdir()
    (out / "notes.txt").write_text("mine")
    with pytest.raises(OSError), atomic_folder(out) as staging:
        (staging / "manifest.json").write_text("{}")
    assert listing(out) == ["notes.txt"]
    assert listing(tmp_path) == ["run"]


@pytest.mark.parametrize("exception", [OSError("disk full"), KeyboardInterrupt()])
def test_a_folder_whose_writing_fails_leaves_nothing(tmp_path, exception):
    out = tmp_path / "results" / "run"
    with pytest.raises(type(exception)), atomic_folder(out) as staging:
        (staging / "model.parquet").write_text("table")
        raise exception
    assert listing(tmp_path / "results") == []


def test_a_staging_folder_left_by_a_killed_process_with_the_same_id_is_started_afresh(
    tmp_path,
):
    out = tmp_path / "run"
    with pytest.raises(KeyboardInterrupt), atomic_folder(out) as staging:
        stale = staging
        raise KeyboardInterrupt
    stale.mkdir()  # as if the process had been killed before it could clean up
    (stale / "old.parquet").write_text("stale")
    with atomic_folder(out) as staging:
        assert listing(staging) == []
        (staging / "model.parquet").write_text("fresh")
    assert listing(out) == ["model.parquet"]
    assert listing(tmp_path) == ["run"]


def test_the_leftover_pattern_matches_the_temporaries_and_not_the_finished_files(tmp_path):
    out = tmp_path / "model.parquet"
    with atomic_file(out) as temporary:
        temporary.write_text("table")
        assert list(tmp_path.glob(LEFTOVER_PATTERN)) == [temporary]
        assert str(os.getpid()) in temporary.name
    assert list(tmp_path.glob(LEFTOVER_PATTERN)) == []
