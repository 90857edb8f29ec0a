"""The scenario format in words, generated from its JSON Schema so the two cannot drift.

`events_table` is the table of every scheduled event type, its fields and what it does
(`run.py schema --markdown` prints it); the README holds it between two markers, and
`python -m simulation.format_reference` rewrites that part of the README from the
schema (`--check` only says whether it is current; a test fails when it is not).
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any

from simulation.scenario import NAME_PATTERN, scenario_json_schema
from simulation.scenario_files import ID_PATTERN

README = Path(__file__).resolve().parent.parent / "README.md"
BEGIN = (
    "<!-- events table: generated from the schema by "
    "`python -m simulation.format_reference`; do not edit by hand -->"
)
END = "<!-- end of the events table -->"

# what a text field's pattern asks for, in a word
_TEXT_KINDS = {NAME_PATTERN: "a name", ID_PATTERN: "an id"}


def events_table(schema: dict[str, Any] | None = None) -> str:
    """A Markdown table of every event type of the scenario schema: a row with the
    type and what it does, then a row per field with its value and meaning."""
    schema = schema or scenario_json_schema()
    definitions = schema["$defs"]
    items = schema["properties"]["events"]["items"]
    events = [definitions[item["$ref"].rsplit("/", 1)[-1]] for item in items["oneOf"]]
    # the fields every type has alike (`step`) are said once, first
    first = events[0]
    common = [
        name
        for name in first["properties"]
        if name != "type"
        and all(
            event["properties"].get(name) == first["properties"][name]
            and (name in event.get("required", ())) == (name in first.get("required", ()))
            for event in events
        )
    ]
    rows = [
        "| event `type` | field | value | meaning |",
        "|---|---|---|---|",
    ]
    rows += [_field_row("every type", name, first, definitions) for name in common]
    for event in events:
        kind = event["properties"]["type"]["const"]
        rows.append(f"| `{kind}` | | | {_one_line(event['description'])} |")
        rows += [
            _field_row("", name, event, definitions)
            for name in event["properties"]
            if name != "type" and name not in common
        ]
    return "\n".join(rows) + "\n"


def _field_row(label: str, name: str, event: dict[str, Any], definitions: dict) -> str:
    field = event["properties"][name]
    value = _value(field, definitions)
    if name in event.get("required", ()):
        value += ", required"
    elif field.get("default") is not None:
        value += f", default {_shown(field['default'])}"
    label = f" {label} " if label else " "
    return f"|{label}| `{name}` | {value} | {_one_line(field.get('description', ''))} |"


def _value(field: dict[str, Any], definitions: dict[str, Any]) -> str:
    """What a field takes, in words: its type and range."""
    options = [option for option in field.get("anyOf", [field]) if option.get("type") != "null"]
    return " or ".join(_one_value(option, definitions) for option in options)


def _one_value(field: dict[str, Any], definitions: dict[str, Any]) -> str:
    if "$ref" in field:
        return definitions[field["$ref"].rsplit("/", 1)[-1]].get("title", "a mapping")
    kind = field.get("type")
    if kind == "array":
        if "prefixItems" in field:
            return "[" + ", ".join(_bare(item) for item in field["prefixItems"]) + "]"
        return f"a list of {_bare(field.get('items', {}))}s"
    if kind == "string":
        return _TEXT_KINDS.get(field.get("pattern"), "text")
    if kind == "boolean":
        return "true or false"
    word = "a whole number" if kind == "integer" else "a number"
    return word + _range(field)


def _bare(field: dict[str, Any]) -> str:
    """A list item's kind without its article: "name" for "a name"."""
    text = _one_value(field, {})
    return text.split(" ", 1)[1] if text.startswith(("a ", "an ")) else text


def _range(field: dict[str, Any]) -> str:
    low, high = field.get("minimum"), field.get("maximum")
    above = field.get("exclusiveMinimum")
    if above is not None:
        return f" above {_shown(above)}" + (f", at most {_shown(high)}" if high is not None else "")
    if low is not None and high is not None:
        return f" from {_shown(low)} to {_shown(high)}"
    if low is not None:
        return f" of at least {_shown(low)}"
    if high is not None:
        return f" of at most {_shown(high)}"
    return ""


def _shown(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    return f"{value:,}" if isinstance(value, int) else str(value)


def _one_line(text: str) -> str:
    return " ".join(text.split()).replace("|", "\\|")


def readme_with_events_table(text: str, table: str | None = None) -> str:
    """`text` (the README) with the part between the markers replaced by the table."""
    table = events_table() if table is None else table
    if text.count(BEGIN) != 1 or text.count(END) != 1 or text.index(BEGIN) > text.index(END):
        raise ValueError(f"expected the markers {BEGIN!r} and {END!r}, once each, in order")
    before, rest = text.split(BEGIN, 1)
    _, after = rest.split(END, 1)
    return f"{before}{BEGIN}\n{table}{END}{after}"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m simulation.format_reference",
        description="Rewrite the README's table of event types from the scenario schema.",
    )
    parser.add_argument("readme", nargs="?", type=Path, default=README)
    parser.add_argument(
        "--check", action="store_true", help="only say whether the table is current (exit 1)"
    )
    args = parser.parse_args(argv)
    text = args.readme.read_text()
    try:
        current = readme_with_events_table(text)
    except ValueError as error:
        print(f"error: {args.readme}: {error}", file=sys.stderr)
        return 2
    if current == text:
        print(f"{args.readme}: the events table is current")
        return 0
    if args.check:
        print(
            f"{args.readme}: the events table is stale; run python -m simulation.format_reference"
        )
        return 1
    args.readme.write_text(current)
    print(f"{args.readme}: events table rewritten")
    return 0


if __name__ == "__main__":
    sys.exit(main())
