"""From a user's name (a scenario's `name:`) to a safe folder or file name: one rule.

`safe_name(name)`:
  - keeps ASCII letters, digits, '-', '_' and '.'; every other character (space, '/',
    '\\', ':', NUL, any non-ASCII letter, ...) becomes one '_' (character by character,
    so 'x y' and 'x  y' stay apart);
  - strips leading dots, so the result is never '.', '..' or a hidden file;
  - caps the length at MAX_SAFE_NAME_LENGTH characters: a longer name keeps its first
    characters and ends with '-' and a short hash of the whole name, so two long names
    that differ only at the end stay apart;
  - a Windows device name (CON, NUL, COM1, ...) gets a trailing '_', since a folder of
    that name cannot be created there;
  - is never empty: a name with nothing left becomes 'unnamed'.

The result can never climb out of the folder it is joined to: it has no separator and
is never '..'. Different names can still give the same safe name ('x y' and 'x_y'), and
a case-insensitive file system (macOS, Windows) also merges 'X' and 'x'; whoever writes
several names into one folder must refuse such a pair: `clashing_names` finds it.
"""

from __future__ import annotations

import hashlib
import re

# long enough for any sensible scenario name, short enough that the name, a stamp or
# run suffix and the file name inside stay well under the 255-byte file-name limit
MAX_SAFE_NAME_LENGTH = 80

_UNSAFE = re.compile(r"[^A-Za-z0-9_.-]")
_HASH_LENGTH = 8
_WINDOWS_DEVICES = frozenset(
    ["CON", "PRN", "AUX", "NUL"]
    + [f"COM{digit}" for digit in range(1, 10)]
    + [f"LPT{digit}" for digit in range(1, 10)]
)


def safe_name(name: str) -> str:
    """The folder/file name for `name`, by the rule in this module's docstring."""
    safe = _UNSAFE.sub("_", name).lstrip(".")
    if len(safe) > MAX_SAFE_NAME_LENGTH:
        digest = hashlib.sha256(name.encode("utf-8", "surrogatepass")).hexdigest()
        keep = MAX_SAFE_NAME_LENGTH - _HASH_LENGTH - 1
        safe = f"{safe[:keep]}-{digest[:_HASH_LENGTH]}"
    if safe.split(".", 1)[0].upper() in _WINDOWS_DEVICES:
        safe += "_"
    return safe or "unnamed"


def clashing_names(names: list[str]) -> tuple[str, str] | None:
    """The first two distinct names whose safe names would be the same file, also on a
    case-insensitive file system; None when every distinct name stays apart."""
    seen: dict[str, str] = {}
    for name in names:
        key = safe_name(name).lower()
        other = seen.setdefault(key, name)
        if other != name:
            return other, name
    return None
