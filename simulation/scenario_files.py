"""Reading the project's YAML input files (scenarios, sweeps) and reporting what is wrong.

What every file format shares, apart from any one schema: YAML read with the line of
every field (and a repeated key refused), `--set`-style overrides by dotted path,
validation against a pydantic schema whose first problem becomes one `ScenarioError`
line naming the file, the field and its line, and export of a schema as JSON Schema.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml
from pydantic import BaseModel, ValidationError


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


def read_yaml_file(path: Path, what: str = "scenario") -> tuple[dict, dict[tuple, int]]:
    """Read and parse a YAML file; `ScenarioError` (one line) when it cannot be."""
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise ScenarioError(f"{path}: file not found") from None
    except IsADirectoryError:
        raise ScenarioError(f"{path}: is a directory, expected a YAML {what} file") from None
    except (OSError, UnicodeDecodeError) as error:
        raise ScenarioError(f"{path}: cannot read file ({error})") from None
    return parse_yaml(text, str(path), what)


def parse_yaml(text: str, source: str, what: str = "scenario") -> tuple[dict, dict[tuple, int]]:
    """Safe-load YAML and remember the line of every field, for error messages."""
    try:
        node = yaml.compose(text, Loader=yaml.SafeLoader)
        data = yaml.safe_load(text)
    except yaml.MarkedYAMLError as error:
        mark = error.problem_mark or error.context_mark
        where = f" (line {mark.line + 1})" if mark is not None else ""
        problem = error.problem or error.context or "invalid YAML"
        raise ScenarioError(f"{source}{where}: malformed YAML: {problem}") from None
    except yaml.YAMLError as error:
        raise ScenarioError(f"{source}: malformed YAML: {error}") from None
    if not isinstance(data, dict):
        raise ScenarioError(
            f"{source}: expected a mapping of {what} fields at the top level, "
            f"got {type(data).__name__}"
        )
    lines: dict[tuple, int] = {}
    try:
        _record_lines(node, (), lines)
    except FieldProblem as problem:
        raise ScenarioError(_format(source, problem.location, lines, str(problem))) from None
    return data, lines


def _record_lines(node: yaml.Node | None, location: tuple, lines: dict[tuple, int]) -> None:
    if node is None:
        return
    lines[location] = node.start_mark.line + 1
    if isinstance(node, yaml.MappingNode):
        seen: set[str] = set()
        for key, value in node.value:
            name = key.value
            if name in seen:
                # YAML keeps the last of two equal keys silently, hiding a typo
                lines[(*location, name)] = key.start_mark.line + 1
                raise FieldProblem((*location, name), "duplicate key: given twice in one mapping")
            seen.add(name)
            lines[(*location, name)] = key.start_mark.line + 1
            _record_lines(value, (*location, name), lines)
            lines[(*location, name)] = key.start_mark.line + 1
    elif isinstance(node, yaml.SequenceNode):
        for index, item in enumerate(node.value):
            _record_lines(item, (*location, index), lines)


def apply_overrides(
    data: dict,
    overrides: dict[str, Any],
    source: str,
    shorthand: Mapping[str, str] | None = None,
) -> dict:
    """Set dotted paths (``steps``, ``regions.0.threat``) in a copy of a raw mapping.

    `shorthand` maps a bare name to the section it belongs to, so that a file format
    can let ``crisis_rate`` stand for ``parameters.crisis_rate``.
    """
    shorthand = shorthand or {}
    data = json.loads(json.dumps(data, default=str))
    for dotted, value in overrides.items():
        parts = dotted.split(".")
        if len(parts) == 1 and parts[0] in shorthand:
            parts = [shorthand[parts[0]], parts[0]]
        target = data
        for part in parts[:-1]:
            if isinstance(target, list):
                try:
                    target = target[int(part)]
                except (ValueError, IndexError):
                    raise ScenarioError(
                        f"{source}: --set {dotted}: no item {part!r} in that list"
                    ) from None
            else:
                target = target.setdefault(part, {})
                if not isinstance(target, dict | list):
                    raise ScenarioError(f"{source}: --set {dotted}: {part!r} is not a mapping")
        if isinstance(target, list):
            raise ScenarioError(f"{source}: --set {dotted}: cannot set a list item this way")
        target[parts[-1]] = value
    return data


# --- validating ---------------------------------------------------------------


def validate_mapping[M: BaseModel](
    schema: type[M],
    data: dict,
    source: str,
    lines: dict | None = None,
    *,
    pattern_meanings: Mapping[str, str] | None = None,
    tagged_list: TaggedList | None = None,
) -> M:
    """Validate a raw mapping against `schema` (a scenario, a sweep); the first problem
    becomes one `ScenarioError` line naming the file, the field and its line.

    `pattern_meanings` says in words what the schema's own patterns ask for, on top of
    `PATTERN_MEANINGS`; `tagged_list` names the schema's list of tagged items, if any.
    """
    lines = lines or {}
    meanings = {**PATTERN_MEANINGS, **(pattern_meanings or {})}
    try:
        return schema.model_validate(data)
    except ValidationError as error:
        first = error.errors()[0]
        location = tuple(first["loc"])
        problem = _nested_problem(first)
        if isinstance(problem, FieldProblem):
            location, message = problem.location, str(problem)
        else:
            location = _drop_union_tags(location, tagged_list)
            message = _describe(first, meanings, tagged_list)
        raise ScenarioError(_format(source, location, lines, message)) from None


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
        return f"unknown {item} type {given.get('type') if isinstance(given, dict) else given!r}; expected one of {expected}"
    if kind == "union_tag_not_found":
        return f"{article} {item} needs a 'type'"
    message = detail["msg"]
    message = message.removeprefix("Value error, ")
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
        )
    ):
        return f"{message[0].lower()}{message[1:]}, got {given!r}"
    return message


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
            text += f".{part}" if text else str(part)
    return text


# --- exporting ----------------------------------------------------------------


def json_schema(schema: type[BaseModel], title: str) -> dict:
    """A pydantic schema as a titled draft 2020-12 JSON Schema."""
    exported = schema.model_json_schema()
    exported["$schema"] = "https://json-schema.org/draft/2020-12/schema"
    exported["title"] = title
    return exported
