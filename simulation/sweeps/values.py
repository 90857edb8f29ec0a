"""A design point's values applied to a base scenario: dotted paths, wildcards over
lists, and world-level multipliers.

A sweep parameter (or a `fixed` value) is named by what it sets:

* a model parameter (`crisis_rate`) or any scenario field by dotted path
  (`regions.0.threat`), as `run.py run --set` takes them;
* a path with `*` for the index of a list (`regions.*.threat`,
  `nations.*.sovereignty_sensitivity`): the same value for every item of that list in
  each base scenario;
* `multiply.threat` or `multiply.sovereignty_sensitivity`: a factor on that attribute
  everywhere in the world: every region's value (its `threat`, the mean of its
  generated nations' `sovereignty_sensitivity`) and every listed nation's own value
  (its `sovereignty_sensitivity`, and its `threat` where it sets one), each clipped to
  [0, 1], the attribute's range. Scheduled shifts are added afterwards, unscaled.

Paths and wildcards are applied first, multipliers last, so `multiply.threat` scales
the threats the point's other values have set.
"""

from __future__ import annotations

import copy
import itertools
from typing import Any

from simulation.scenario import NationSpec, Region, apply_scenario_overrides
from simulation.scenario_files import ScenarioError
from simulation.sweeps.spec import MULTIPLIED_ATTRIBUTES, MULTIPLY, WILDCARD

# attribute -> where it lives: (the list, the path to the value within an item, the
# item's field when absent: its default; None leaves an absent value alone, as a listed
# nation without its own threat takes its region's, already scaled)
MULTIPLIED: dict[str, tuple[tuple[str, tuple[str, ...], Any], ...]] = {
    "threat": (
        ("regions", ("threat",), Region.model_fields["threat"].default),
        ("nations", ("threat",), None),
    ),
    "sovereignty_sensitivity": (
        (
            "regions",
            ("sovereignty_sensitivity", "mean"),
            Region.model_fields["sovereignty_sensitivity"].default.model_dump(),
        ),
        (
            "nations",
            ("sovereignty_sensitivity",),
            NationSpec.model_fields["sovereignty_sensitivity"].default,
        ),
    ),
}
ATTRIBUTE_RANGE = (0.0, 1.0)
assert tuple(MULTIPLIED) == MULTIPLIED_ATTRIBUTES, "spec.MULTIPLIED_ATTRIBUTES names them all"


def is_multiplier(name: str) -> bool:
    return name.split(".", 1)[0] == MULTIPLY


def apply_sweep_values(raw: dict, values: dict[str, Any], source: str) -> dict:
    """`raw` (a scenario mapping) with a design point's or the fixed values set:
    wildcards expanded against `raw`, multipliers applied last. A copy; `raw` is
    untouched. Problems are `ScenarioError` lines naming the parameter."""
    plain = {name: value for name, value in values.items() if not is_multiplier(name)}
    factors = {name: value for name, value in values.items() if is_multiplier(name)}
    expanded: dict[str, Any] = {}
    for name, value in plain.items():
        for path in expand(raw, name, source):
            expanded[path] = value
    changed = apply_scenario_overrides(raw, expanded, source) if expanded else raw
    if factors:
        changed = copy.deepcopy(changed)
        for name, factor in factors.items():
            multiply(changed, name.split(".", 1)[1], factor, source)
    return changed


def expand(raw: dict, name: str, source: str) -> list[str]:
    """The dotted paths a name stands for in `raw`: itself, or one per item of each
    list a wildcard runs over."""
    if WILDCARD not in name.split("."):
        return [name]
    parts = name.split(".")
    paths: list[list[str]] = [[]]
    targets: list[Any] = [raw]
    for position, part in enumerate(parts[:-1]):
        if part != WILDCARD:
            paths = [path + [part] for path in paths]
            targets = [_child(target, part) for target in targets]
            continue
        before = ".".join(parts[:position]) or "(the scenario)"
        if all(target is None for target in targets):
            raise ScenarioError(
                f"{source}: {name}: this scenario has no '{before}' for '*' to run over"
            )
        lists = [target for target in targets if isinstance(target, list)]
        if len(lists) != len(targets):
            raise ScenarioError(
                f"{source}: {name}: '{before}' is not a list, so '*' has nothing to run over"
            )
        if not any(lists):
            raise ScenarioError(f"{source}: {name}: '{before}' is empty in this scenario")
        paths = [
            path + [str(index)]
            for path, items in zip(paths, lists, strict=True)
            for index in range(len(items))
        ]
        targets = list(itertools.chain.from_iterable(lists))
    return [".".join([*path, parts[-1]]) for path in paths]


def multiply(scenario: dict, attribute: str, factor: Any, source: str) -> None:
    """Scale `attribute` everywhere in `scenario` (in place) by `factor`, clipped."""
    if isinstance(factor, bool) or not isinstance(factor, int | float) or factor < 0:
        raise ScenarioError(
            f"{source}: {MULTIPLY}.{attribute}: expected a factor of 0 or more, got {factor!r}"
        )
    low, high = ATTRIBUTE_RANGE
    for list_name, path, default in MULTIPLIED[attribute]:
        items = scenario.get(list_name)
        for item in items if isinstance(items, list) else []:
            if not isinstance(item, dict):
                continue  # left for the scenario's own validation to report
            if item.get(path[0]) is None:
                if default is None:
                    continue
                item[path[0]] = copy.deepcopy(default)
            holder = item
            for part in path[:-1]:
                holder = holder.get(part) if isinstance(holder, dict) else None
            value = holder.get(path[-1]) if isinstance(holder, dict) else None
            if isinstance(value, bool) or not isinstance(value, int | float):
                continue  # absent or not a number: the scenario's validation names it
            holder[path[-1]] = min(max(float(value) * float(factor), low), high)


def _child(target: Any, part: str) -> Any:
    if isinstance(target, dict):
        return target.get(part)
    if isinstance(target, list) and part.isdigit() and int(part) < len(target):
        return target[int(part)]
    return None
