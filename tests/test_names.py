"""From a user's name to a safe folder or file name (simulation/names.py): the one rule
that run folders and sweep run ids share."""

from __future__ import annotations

import re
import sys
from pathlib import Path

from hypothesis import given
from hypothesis import strategies as st

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from simulation.names import MAX_SAFE_NAME_LENGTH, clashing_names, safe_name  # noqa: E402

SAFE = re.compile(r"^[A-Za-z0-9_.-]+$")


def test_a_name_of_letters_digits_and_dashes_is_kept_as_it_is():
    assert safe_name("world_1990") == "world_1990"
    assert safe_name("Baseline-2.v3") == "Baseline-2.v3"


def test_every_other_character_becomes_one_underscore_so_spacing_still_tells_names_apart():
    assert safe_name("x y") == "x_y"
    assert safe_name("x  y") == "x__y"
    assert safe_name("Côte d'Ivoire") == "C_te_d_Ivoire"
    assert safe_name("a\x00b") == "a_b"


def test_a_name_that_points_elsewhere_stays_one_plain_name_in_its_folder():
    for name in ("..", ".", "../../../somewhere", "/etc/passwd", "x/y", "..\\..\\win", ".hidden"):
        safe = safe_name(name)
        assert "/" not in safe and "\\" not in safe, (name, safe)
        assert not safe.startswith("."), (name, safe)
        assert (Path("results") / safe).parent == Path("results"), (name, safe)


def test_a_name_with_nothing_safe_left_is_unnamed():
    assert safe_name("") == "unnamed"
    assert safe_name("...") == "unnamed"


def test_a_long_name_is_capped_and_ends_with_a_hash_of_the_whole_name():
    first, second = "a" * 200, "a" * 199 + "b"
    assert len(safe_name(first)) == MAX_SAFE_NAME_LENGTH
    assert safe_name(first) != safe_name(second)
    assert safe_name(first).startswith("a" * 60)


def test_windows_device_names_get_a_trailing_underscore():
    assert safe_name("NUL") == "NUL_"
    assert safe_name("com1.txt") == "com1.txt_"
    assert safe_name("console") == "console"


@given(st.text(max_size=300))
def test_any_name_gives_a_short_plain_visible_file_name(name):
    safe = safe_name(name)
    assert SAFE.match(safe), safe
    assert 0 < len(safe) <= MAX_SAFE_NAME_LENGTH
    assert not safe.startswith(".")
    assert safe == safe_name(name)  # the same name, the same file, every time


def test_clashing_names_finds_names_that_differ_only_in_punctuation_or_case():
    assert clashing_names(["x y", "other", "x_y"]) == ("x y", "x_y")
    assert clashing_names(["Baseline", "baseline"]) == ("Baseline", "baseline")
    assert clashing_names(["a", "b", "a b", "a"]) is None  # the same name twice is one name
