"""Reading the project's YAML input files (scenarios, sweeps) and reporting what is wrong.

What every file format shares, apart from any one schema: YAML read with the line of
every field (and a repeated key refused), `--set`-style overrides by dotted path,
validation against a pydantic schema whose first problem becomes one `ScenarioError`
line naming the file, the field and its line (or the command-line option that gave the
value), with a "did you mean" for a misspelt name, and export of a schema as JSON Schema.
"""

from __future__ import annotations

import difflib
import json
import os
import re
import stat
import types
import typing
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Annotated, Any, Union

import yaml
from pydantic import BaseModel, ValidationError
from yaml.composer import Composer
from yaml.constructor import SafeConstructor
from yaml.parser import Parser
from yaml.reader import Reader, ReaderError
from yaml.resolver import Resolver
from yaml.scanner import Scanner


class ScenarioError(ValueError):
    """Bad input in a scenario or sweep file. Its message is one line meant for the user."""


class FieldProblem(ValueError):
    """A problem located at a field path (a cross-reference, a sweep axis), for one-line
    reporting."""

    def __init__(self, location: tuple[str | int, ...], message: str):
        super().__init__(message)
        self.location = location


# An id ends up in file and run names (agreement ids, sweep names), so it keeps to
# characters that are safe there.
ID_PATTERN = r"^[A-Za-z0-9_.-]+$"
# Said instead of the regular expression when a value does not match it.
PATTERN_MEANINGS = {ID_PATTERN: "an id of letters, digits, '_', '.' or '-'"}


@dataclass(frozen=True)
class TaggedList:
    """A list field whose items are a union told apart by their `type` (scenario events).

    pydantic puts an item's type in the error path (events.3.crisis.step); messages
    leave it out (events[3].step) and call a bad or missing type by the item's name.
    """

    field: str
    item: str
    tags: tuple[str, ...]


# --- reading ------------------------------------------------------------------

# Bounds on what one file may ask of the reader, checked before the file is expanded,
# so that any file, however hostile, is refused within a second or two and a few
# hundred megabytes. The shipped files stay inside them: the generated presets are at
# most 32 KB and about 3,300 values, world_1990.yaml 103 KB and 9,600 values, and
# world_2000.yaml, with its 804 agreements in force, 189 KB and 22,200 values.

MAX_FILE_BYTES = 1_000_000
"""Largest scenario or sweep file read, in bytes; checked on the file's size before
reading and again while reading (a file that grows meanwhile)."""

MAX_YAML_VALUES = 50_000
"""Most values (scalars, lists and mappings, keys included) a file may hold once its
aliases (``*name``) are expanded: an alias counts the values it stands for, so a 1 KB
alias bomb is refused while it is composed, before anything is expanded."""

MAX_NESTING_DEPTH = 32
"""Deepest nesting of lists and mappings in a file, counting the value at the bottom
(the shipped files need 5). PyYAML composes nested nodes recursively, so without it a
deeply nested file ends in RecursionError."""

_RAISE_IT = "raise it in simulation/scenario_files.py to allow more"


class _Refused(Exception):
    """A file goes past one of the reader's bounds; carries the YAML position."""

    def __init__(self, mark: Any, message: str):
        super().__init__(message)
        self.mark = mark


class _BoundedComposer(Composer):
    """PyYAML's composer, counting as it goes: the nesting depth, and the values the
    document would hold with every alias expanded (an alias adds the size of what it
    names, which is known once its anchor's node is complete). An alias to a list or
    mapping that is still open (a cycle) is refused: nothing downstream could walk it."""

    def __init__(self) -> None:
        Composer.__init__(self)
        self._depth = 0
        self._values = 0
        self._open_anchors: set[str] = set()
        self._expanded_size: dict[str, int] = {}

    def compose_node(self, parent: Any, index: Any) -> yaml.Node:
        event = self.peek_event()
        if isinstance(event, yaml.AliasEvent):
            if event.anchor in self._open_anchors:
                raise _Refused(
                    event.start_mark,
                    f"the alias *{event.anchor} refers to a list or mapping that contains "
                    "it; a file cannot hold itself",
                )
            node = super().compose_node(parent, index)
            self._count(self._expanded_size[event.anchor], event.start_mark)
            return node
        self._depth += 1
        if self._depth > MAX_NESTING_DEPTH:
            raise _Refused(event.start_mark, _too_deep())
        self._count(1, event.start_mark)
        anchor = event.anchor
        before = self._values
        if anchor is not None:
            self._open_anchors.add(anchor)
        node = super().compose_node(parent, index)
        if anchor is not None:
            self._open_anchors.discard(anchor)
            self._expanded_size[anchor] = self._values - before + 1
        self._depth -= 1
        return node

    def _count(self, values: int, mark: Any) -> None:
        self._values += values
        if self._values > MAX_YAML_VALUES:
            raise _Refused(
                mark,
                f"the file holds more than {MAX_YAML_VALUES:,} values once its aliases are "
                f"expanded (MAX_YAML_VALUES; {_RAISE_IT})",
            )


try:  # libyaml's parser, when PyYAML was built with it, reads several times faster
    from yaml.cyaml import CParser as _FastParser
except ImportError:  # pragma: no cover - depends on how PyYAML was installed
    _FastParser = None


class _PythonLoader(Reader, Scanner, Parser, _BoundedComposer, SafeConstructor, Resolver):
    """PyYAML's safe loader in pure Python, with the bounded composer."""

    def __init__(self, stream: str):
        Reader.__init__(self, stream)
        Scanner.__init__(self)
        Parser.__init__(self)
        _BoundedComposer.__init__(self)
        SafeConstructor.__init__(self)
        Resolver.__init__(self)


if _FastParser is not None:

    class _FastLoader(_BoundedComposer, _FastParser, SafeConstructor, Resolver):
        """libyaml's events, composed (and bounded) by `_BoundedComposer`."""

        def __init__(self, stream: str):
            _FastParser.__init__(self, stream)
            _BoundedComposer.__init__(self)
            SafeConstructor.__init__(self)
            Resolver.__init__(self)

    LOADER: type = _FastLoader
else:  # pragma: no cover
    LOADER = _PythonLoader

# libyaml words some syntax errors less helpfully than PyYAML (it does not say which
# character cannot start a token), so an error found within this many characters of
# the start is worded by the pure-Python parser, which costs little that early.
_REWORD_WITHIN = 50_000


def read_yaml_file(path: Path, what: str = "scenario") -> tuple[dict, dict[tuple, int]]:
    """Read and parse a YAML file; `ScenarioError` (one line) when it cannot be.

    Only a regular file of at most `MAX_FILE_BYTES` is read: a device (``/dev/zero``),
    a FIFO or a directory is refused from its metadata, without waiting on it.
    """
    path = Path(path)
    try:
        with _open_regular_file(path, what) as file:
            raw = file.read(MAX_FILE_BYTES + 1)
    except ScenarioError:
        raise
    except FileNotFoundError:
        raise ScenarioError(f"{path}: file not found") from None
    except OSError as error:
        raise ScenarioError(f"{path}: cannot read file ({error.strerror or error})") from None
    except ValueError as error:  # a NUL in the path
        raise ScenarioError(f"{_shown(str(path))}: cannot read file ({error})") from None
    if len(raw) > MAX_FILE_BYTES:
        raise _too_big(path, what)
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as error:
        raise ScenarioError(f"{path}: cannot read file ({error})") from None
    return parse_yaml(text, str(path), what)


def _open_regular_file(path: Path, what: str):
    # stat before opening: opening some devices does something (a watchdog, a tape)
    _check_regular(path, os.stat(path), what)
    # O_NONBLOCK: should a FIFO take the file's place meanwhile, opening it must not
    # wait for a writer; fstat then sees what was really opened
    descriptor = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0))
    try:
        _check_regular(path, os.fstat(descriptor), what)
    except BaseException:
        os.close(descriptor)
        raise
    return os.fdopen(descriptor, "rb")


def _check_regular(path: Path, status: os.stat_result, what: str) -> None:
    if stat.S_ISDIR(status.st_mode):
        raise ScenarioError(f"{path}: is a directory, expected a YAML {what} file")
    if not stat.S_ISREG(status.st_mode):
        raise ScenarioError(
            f"{path}: not a regular file (a device, FIFO or socket), expected a YAML {what} file"
        )
    if status.st_size > MAX_FILE_BYTES:
        raise _too_big(path, what)


def _too_big(path: Path, what: str) -> ScenarioError:
    return ScenarioError(
        f"{path}: larger than {MAX_FILE_BYTES:,} bytes, the limit for a {what} file "
        f"(MAX_FILE_BYTES; {_RAISE_IT})"
    )


def parse_yaml(text: str, source: str, what: str = "scenario") -> tuple[dict, dict[tuple, int]]:
    """Safe-load YAML, within the reader's bounds, and remember the line of every
    field, for error messages."""
    loader = LOADER(text)
    try:
        node = loader.get_single_node()
        lines: dict[tuple, int] = {}
        # before constructing: merge keys (<<) splice the merged pairs into the node
        _record_lines(node, (), lines)
        data = loader.construct_document(node) if node is not None else None
    except _Refused as refusal:
        raise ScenarioError(f"{source}{_where(refusal.mark)}: {refusal}") from None
    except FieldProblem as problem:
        raise ScenarioError(_format(source, problem.location, lines, str(problem))) from None
    except yaml.MarkedYAMLError as error:
        raise ScenarioError(_malformed(source, text, error)) from None
    except ReaderError as error:
        raise ScenarioError(_unreadable_character(source, text, error)) from None
    except yaml.YAMLError as error:
        raise ScenarioError(f"{source}: malformed YAML: {_one_line(str(error))}") from None
    finally:
        loader.dispose()
    if not isinstance(data, dict):
        raise ScenarioError(
            f"{source}: expected a mapping of {what} fields at the top level, "
            f"got {type(data).__name__}"
        )
    return data, lines


def parse_yaml_value(text: str, source: str) -> Any:
    """One YAML value (a `--set` value: a scalar, a list, a mapping), read within the
    same bounds as a file; `ScenarioError` when it goes past one of them, and
    `yaml.YAMLError` when it is not YAML, for the caller to word."""
    loader = LOADER(text)
    try:
        node = loader.get_single_node()
        return loader.construct_document(node) if node is not None else None
    except _Refused as refusal:
        problem = str(refusal).replace("the file holds", "the value holds")
        raise ScenarioError(f"{source}: {problem}") from None
    finally:
        loader.dispose()


def _malformed(source: str, text: str, error: yaml.MarkedYAMLError) -> str:
    mark = error.problem_mark or error.context_mark
    if "nesting depth" in str(error.problem):
        # libyaml's scanner, reading ahead, meets its own bound (1,000) before ours
        return f"{source}{_where(mark)}: {_too_deep()}"
    if LOADER is not _PythonLoader and mark is not None and mark.index <= _REWORD_WITHIN:
        worded = _python_parser_error(text[: mark.index + 1000])
        if worded is not None and _same_line(worded, mark):
            error = worded
    problem = error.problem or error.context or "invalid YAML"
    return f"{source}{_where(mark)}: malformed YAML: {_one_line(problem)}"


def _python_parser_error(text: str) -> yaml.MarkedYAMLError | None:
    """The pure-Python parser's error for the same text, if it finds one."""
    try:
        for _ in yaml.parse(text, Loader=yaml.SafeLoader):
            pass
    except yaml.MarkedYAMLError as error:
        return error
    except (yaml.YAMLError, RecursionError):
        return None
    return None


def _same_line(error: yaml.MarkedYAMLError, mark: Any) -> bool:
    other = error.problem_mark or error.context_mark
    return other is not None and other.line == mark.line


def _unreadable_character(source: str, text: str, error: ReaderError) -> str:
    line = text.count("\n", 0, max(error.position, 0)) + 1
    character = error.character
    shown = f"#x{character:04x}" if isinstance(character, int) else repr(character)
    return (
        f"{source} (line {line}): malformed YAML: character {shown} is not allowed in YAML "
        "(control characters other than tab and line breaks)"
    )


def _too_deep() -> str:
    return (
        f"lists and mappings nested more than {MAX_NESTING_DEPTH} deep "
        f"(MAX_NESTING_DEPTH; {_RAISE_IT})"
    )


def _where(mark: Any) -> str:
    return f" (line {mark.line + 1})" if mark is not None else ""


def _one_line(text: str) -> str:
    return " ".join(text.split())


def _record_lines(node: yaml.Node | None, location: tuple, lines: dict[tuple, int]) -> None:
    if node is None:
        return
    lines[location] = node.start_mark.line + 1
    if isinstance(node, yaml.MappingNode):
        seen_keys: set = set()
        seen_texts: set[str] = set()
        for key, value in node.value:
            if not isinstance(key, yaml.ScalarNode):
                raise _Refused(key.start_mark, "a key must be a name, not a list or mapping")
            name = key.value
            lines[(*location, name)] = key.start_mark.line + 1
            identity = _key_identity(key)
            text = str(identity)
            if text in seen_texts or _hashable_in(identity, seen_keys):
                # YAML keeps the last of two equal keys silently, hiding a typo; 1 and
                # '1' differ in YAML but meet once the file is read as JSON or by name
                raise FieldProblem((*location, name), "duplicate key: given twice in one mapping")
            seen_texts.add(text)
            seen_keys.add(identity)
            _record_lines(value, (*location, name), lines)
            lines[(*location, name)] = key.start_mark.line + 1
    elif isinstance(node, yaml.SequenceNode):
        for index, item in enumerate(node.value):
            _record_lines(item, (*location, index), lines)


_PLAIN_KEY_TAGS = {f"tag:yaml.org,2002:{kind}" for kind in ("int", "float", "bool", "null")}


def _key_identity(key: yaml.ScalarNode) -> Any:
    """The value a key becomes once read (`01` and `1` are the same key), or its text."""
    if key.tag not in _PLAIN_KEY_TAGS:
        return key.value
    try:
        return SafeConstructor().construct_object(key)
    except yaml.YAMLError:
        return key.value


def _hashable_in(value: Any, seen: set) -> bool:
    try:
        return value in seen
    except TypeError:
        return False


def override_path(dotted: str, shorthand: Mapping[str, str] | None = None) -> tuple[str, ...]:
    """The field path a dotted override name sets: ``regions.0.threat`` ->
    ``("regions", "0", "threat")``; a bare name `shorthand` knows goes to its section."""
    parts = tuple(dotted.split("."))
    if len(parts) == 1 and shorthand and parts[0] in shorthand:
        return (shorthand[parts[0]], parts[0])
    return parts


def apply_overrides(
    data: dict,
    overrides: dict[str, Any],
    source: str,
    shorthand: Mapping[str, str] | None = None,
    given_as: Mapping[str, str] | None = None,
) -> dict:
    """Set dotted paths (``steps``, ``regions.0.threat``) in a copy of a raw mapping.

    A value may be a list or a mapping (`--set events=[]`): a list replaces the field,
    a mapping is merged into a mapping already there, key by key and all the way down
    (`--set 'parameters={lapse_rate: 0.1}'` keeps the file's other parameters), as a
    variant file's `parameters` are merged into its base's. A list item is named by its
    index (``events.0``). `shorthand` maps a bare name to the section it belongs to, so
    that a file format can let ``crisis_rate`` stand for ``parameters.crisis_rate``.
    `given_as` names the command-line option of an override (``--set steps=x``), which a
    problem with its path then names instead of the file.
    """
    given_as = given_as or {}
    data = json.loads(json.dumps(data, default=str))
    for dotted, value in overrides.items():
        parts = override_path(dotted, shorthand)
        label = given_as.get(dotted) or f"{source}: --set {dotted}"
        target = data
        for part in parts[:-1]:
            if isinstance(target, list):
                target = target[_list_index(target, part, label)]
            else:
                target = target.setdefault(part, {})
            if not isinstance(target, dict | list):
                raise ScenarioError(f"{label}: {part!r} is not a mapping")
        last = parts[-1]
        if isinstance(target, list):
            index = _list_index(target, last, label)
            target[index] = _merged(target[index], value)
        else:
            target[last] = _merged(target.get(last), value)
    return data


def _list_index(items: list, part: str, label: str) -> int:
    # counted from 0; a negative index would quietly pick from the end
    if not (part.isascii() and part.isdigit()) or int(part) >= len(items):
        expected = f"expected an index from 0 to {len(items) - 1}" if items else "the list is empty"
        raise ScenarioError(f"{label}: no item {_shown(part)} in that list; {expected}")
    return int(part)


def _merged(old: Any, new: Any) -> Any:
    """`new` set over `old`: a mapping merged into a mapping, key by key and all the way
    down; anything else replaced. The value is copied, never shared with the caller."""
    if isinstance(old, dict) and isinstance(new, dict):
        merged = dict(old)
        for key, value in new.items():
            merged[key] = _merged(old.get(key), value)
        return merged
    return json.loads(json.dumps(new, default=str)) if isinstance(new, dict | list) else new


# --- validating ---------------------------------------------------------------


def validate_mapping[M: BaseModel](
    schema: type[M],
    data: dict,
    source: str,
    lines: dict | None = None,
    *,
    pattern_meanings: Mapping[str, str] | None = None,
    tagged_list: TaggedList | None = None,
    shorthand: Mapping[str, str] | None = None,
    overridden: Mapping[tuple[str, ...], str] | None = None,
) -> M:
    """Validate a raw mapping against `schema` (a scenario, a sweep); the first problem
    becomes one `ScenarioError` line naming the file, the field and its line.

    `pattern_meanings` says in words what the schema's own patterns ask for, on top of
    `PATTERN_MEANINGS`; `tagged_list` names the schema's list of tagged items, if any;
    `shorthand` the bare names that stand for a section's field (offered when a
    top-level key is unknown). `overridden` maps the field paths set on the command
    line (`override_path`) to their option (``--steps``, ``--set crisis_rate=5``): a
    problem in a value given there names the option rather than the file.
    """
    lines = lines or {}
    meanings = {**PATTERN_MEANINGS, **(pattern_meanings or {})}
    try:
        return schema.model_validate(data)
    except ValidationError as error:
        first = _first_problem(error.errors())
        location = tuple(first["loc"])
        problem = _nested_problem(first)
        option = None
        if isinstance(problem, FieldProblem):
            location, message = problem.location, str(problem)
        else:
            tagged_location = location
            location = _drop_union_tags(location, tagged_list)
            message = _describe(first, meanings, tagged_list)
            unknown = first["type"] == "extra_forbidden"
            # a key, or an item's type tag, typed in the option itself
            typed = (
                location
                if unknown
                else (*location, "type")
                if first["type"] == "union_tag_invalid"
                else None
            )
            option = _option_behind(location, overridden, typed=typed)
            if unknown:
                # a key the file holds is at its line; one without came from an override
                # (--set, a sweep's values), where a bare parameter name does
                in_file = tuple(tagged_location) in lines
                message += _unknown_key_hint(
                    schema, tagged_location, shorthand, bare=option is not None or not in_file
                )
        if option is None:
            option = _option_behind(location, overridden)
        if option is not None:
            label, path = option
            field = _field_path(location)
            inside = f"{field}: " if len(location) > len(path) else ""
            raise ScenarioError(f"{label}: {inside}{message}") from None
        raise ScenarioError(_format(source, location, lines, message)) from None


def _first_problem(errors: list[dict]) -> dict:
    """The problem to report: the first, unless it is a missing field beside an unknown
    key (a misspelt name: `factr` for `factor`), where the unknown key says why."""
    first = errors[0]
    if first["type"] != "missing":
        return first
    parent = tuple(first["loc"][:-1])
    for other in errors[1:]:
        if other["type"] == "extra_forbidden" and tuple(other["loc"][:-1]) == parent:
            return other
    return first


def _option_behind(
    location: tuple,
    overridden: Mapping[tuple[str, ...], str] | None,
    *,
    typed: tuple | None = None,
) -> tuple[str, tuple[str, ...]] | None:
    """The command-line option that gave the value at `location` (its label and path):
    one whose path `location` lies in, or one whose path runs through `typed` (an
    unknown key, an item's type: what was typed in the option is the problem)."""
    if not overridden:
        return None
    where = tuple(str(part) for part in location)
    for path, label in overridden.items():
        if where[: len(path)] == path:
            return label, path
    if typed is not None:
        typed_where = tuple(str(part) for part in typed)
        for path, label in overridden.items():
            if path[: len(typed_where)] == typed_where:
                return label, where
    return None


def _unknown_key_hint(
    schema: type[BaseModel],
    location: tuple,
    shorthand: Mapping[str, str] | None,
    *,
    bare: bool,
) -> str:
    """ "; did you mean ...?" for an unknown key, from the names the schema allows
    there (and at the top level, the bare names `shorthand` sends to a section: shown
    by their full path unless `bare`, as a command-line override may use them so)."""
    key = str(location[-1])
    allowed = _allowed_keys(schema, location[:-1])
    if not allowed or len(key) > _SHOWN_CHARACTERS:
        return ""  # a key that long is no misspelling (and comparing it would take long)
    choices = {name: name for name in allowed}
    if len(location) == 1 and shorthand:
        for name, section in shorthand.items():
            choices.setdefault(name, name if bare else f"{section}.{name}")
    close = difflib.get_close_matches(key, list(choices), n=1)
    if close:
        return f"; did you mean {choices[close[0]]!r}?"
    listed = ", ".join(allowed[:12]) + (
        f" and {len(allowed) - 12} more" if len(allowed) > 12 else ""
    )
    return f"; expected one of {listed}"


def _allowed_keys(schema: type[BaseModel], location: tuple) -> list[str]:
    """The field names `schema` allows in the mapping at `location` (a pydantic error
    location: list indices, and the tag of a tagged union's item)."""
    node: Any = schema
    for part in location:
        node = _child_type(node, part)
        if node is None:
            return []
    models = [member for member in _alternatives(node) if _is_model(member)]
    return list(models[0].model_fields) if len(models) == 1 else []


def _child_type(node: Any, part: str | int) -> Any:
    """The type of `part` within a value of type `node`, or None."""
    alternatives = _alternatives(node)
    for member in alternatives:
        if _is_model(member) and isinstance(part, str) and part in member.model_fields:
            return member.model_fields[part].annotation
        origin = typing.get_origin(member)
        arguments = typing.get_args(member)
        if origin in (list, tuple) and isinstance(part, int) and arguments:
            return arguments[0]
        if origin is dict and isinstance(part, str) and len(arguments) == 2:
            return arguments[1]
    # pydantic names a union's member in the location: a tagged item by its tag, any
    # other by its class name
    for member in alternatives:
        if _is_model(member) and isinstance(part, str):
            tag = member.model_fields.get("type")
            tags = typing.get_args(tag.annotation) if tag is not None else ()
            if part in tags or part == member.__name__:
                return member
    return None


def _alternatives(annotation: Any) -> list[Any]:
    """The members of a union (or the annotation itself), `Annotated` unwrapped."""
    origin = typing.get_origin(annotation)
    if origin is Annotated:
        return _alternatives(typing.get_args(annotation)[0])
    if origin in (Union, types.UnionType):
        return [member for part in typing.get_args(annotation) for member in _alternatives(part)]
    return [annotation]


def _is_model(annotation: Any) -> bool:
    return isinstance(annotation, type) and issubclass(annotation, BaseModel)


def did_you_mean(given: Any, choices: typing.Iterable[str]) -> str:
    """ "; did you mean 'x'?" when `given` is text close to one of `choices`, else ""."""
    if not isinstance(given, str) or len(given) > _SHOWN_CHARACTERS:
        return ""
    close = difflib.get_close_matches(given, list(choices), n=1)
    return f"; did you mean {close[0]!r}?" if close else ""


def _nested_problem(detail: dict) -> FieldProblem | None:
    context = detail.get("ctx") or {}
    error = context.get("error")
    return error if isinstance(error, FieldProblem) else None


def _drop_union_tags(location: tuple, tagged_list: TaggedList | None) -> tuple:
    # pydantic puts the item's type tag in the path: events.3.crisis.step -> events[3].step
    if (
        tagged_list is not None
        and len(location) > 2
        and location[0] == tagged_list.field
        and location[2] in tagged_list.tags
    ):
        return location[:2] + location[3:]
    return location


def _describe(detail: dict, meanings: Mapping[str, str], tagged_list: TaggedList | None) -> str:
    kind = detail["type"]
    given = detail.get("input")
    item = tagged_list.item if tagged_list is not None else "item"
    article = "an" if item[0] in "aeiou" else "a"
    if kind == "extra_forbidden":
        return "unknown field"
    if kind == "missing":
        return "required field is missing"
    if kind == "string_pattern_mismatch":
        pattern = detail.get("ctx", {}).get("pattern")
        meaning = meanings.get(pattern, f"text matching {pattern}")
        return f"expected {meaning}, got {given!r}"
    if kind == "union_tag_invalid":
        expected = detail.get("ctx", {}).get("expected_tags", "")
        tag = given.get("type") if isinstance(given, dict) else given
        hint = did_you_mean(tag, _QUOTED.findall(expected))
        return f"unknown {item} type {_shown(tag)}{hint or f'; expected one of {expected}'}"
    if kind == "union_tag_not_found":
        return f"{article} {item} needs a 'type'"
    message = detail["msg"]
    message = message.removeprefix("Value error, ")
    if kind == "too_long" and isinstance(given, list | tuple | dict):
        # the whole list would make a line as long as the file
        limit = detail.get("ctx", {}).get("max_length")
        return f"expected at most {limit:,} items, got {len(given):,}"
    if kind.startswith(
        (
            "greater",
            "less",
            "int_",
            "float_",
            "bool_",
            "string_",
            "enum",
            "list_",
            "dict_",
            "literal",
            "too_",
            "finite",
        )
    ):
        hint = ""
        if kind in ("enum", "literal_error"):
            hint = did_you_mean(given, _QUOTED.findall(str(detail.get("ctx", {}).get("expected"))))
        return f"{message[0].lower()}{message[1:]}, got {_shown(given)}{hint}"
    return message


# the choices pydantic quotes in a message ("'general', 'training' or 'arms'")
_QUOTED = re.compile(r"'([^']*)'")


# How much of a value a message quotes: enough to recognise it, never the whole file.
_SHOWN_CHARACTERS = 60


def _shown(value: Any) -> str:
    """`repr(value)`, cut short with its length when it is long."""
    if isinstance(value, str) and len(value) > _SHOWN_CHARACTERS:
        return f"{value[:_SHOWN_CHARACTERS]!r}... ({len(value):,} characters)"
    text = repr(value)
    if len(text) > _SHOWN_CHARACTERS:
        return f"{text[:_SHOWN_CHARACTERS]}... ({type(value).__name__})"
    return text


def _format(source: str, location: tuple, lines: dict, message: str) -> str:
    field = _field_path(location) or "(top level)"
    line = None
    probe = tuple(location)
    while probe and line is None:
        line = lines.get(probe)
        probe = probe[:-1]
    where = f" (line {line})" if line else ""
    return f"{source}: {field}{where}: {message}"


def _field_path(location: tuple) -> str:
    text = ""
    for part in location:
        if isinstance(part, int):
            text += f"[{part}]"
        else:
            part = str(part)
            if len(part) > _SHOWN_CHARACTERS or not part.isprintable():
                part = _shown(part)  # an unknown key may be anything the file holds
            text += f".{part}" if text else part
    return text


# --- exporting ----------------------------------------------------------------


def json_schema(schema: type[BaseModel], title: str) -> dict:
    """A pydantic schema as a titled draft 2020-12 JSON Schema."""
    exported = schema.model_json_schema()
    exported["$schema"] = "https://json-schema.org/draft/2020-12/schema"
    exported["title"] = title
    return exported
