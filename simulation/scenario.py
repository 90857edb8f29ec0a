"""The scenario file: its schema (defined once, with types, ranges and defaults) and loader.

A scenario names the nations (generated per region, listed one by one, or both),
the agreements already in force, the model parameters and the scheduled events.
`load_scenario` turns a YAML file into a validated `Scenario` or raises
`ScenarioError` with one line naming the file, the field, the line and what was
expected. Reading YAML and wording the problems is `scenario_files`' job, shared with
sweep files; this module holds what is particular to scenarios.
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from simulation.domain import MAX_DEPTH, MIN_DEPTH, FundingSplit, Kind, Sector
from simulation.parameters import Float, Int, Parameters
from simulation.scenario_files import (
    ID_PATTERN,
    FieldProblem,
    TaggedList,
    apply_overrides,
    json_schema,
    read_yaml_file,
    validate_mapping,
)
from simulation.scenario_files import ScenarioError as ScenarioError  # what load_scenario raises

# Names appear in `; `-separated member lists in the outputs, so they may not hold `;`.
NAME_PATTERN = r"^[^;]+$"
PATTERN_MEANINGS = {NAME_PATTERN: "a name without ';'"}


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=False)


class Spread(_Strict):
    """A normal distribution clipped to the field's range."""

    mean: Float
    sd: Float = Field(0.0, ge=0)


class LogNormal(_Strict):
    """Capabilities across real states are roughly lognormal (COW NMC)."""

    median: Float = Field(1.0, gt=0, description="Median capability (arbitrary units).")
    sigma: Float = Field(1.0, ge=0, le=5, description="Spread of log capability.")


class Region(_Strict):
    """A region: its threat environment and, optionally, nations generated from distributions."""

    name: str = Field(min_length=1, pattern=NAME_PATTERN)
    threat: Float = Field(0.3, ge=0, le=1, description="Baseline threat environment.")
    nations: Int = Field(0, ge=0, le=5000, description="How many nations to generate.")
    capability: LogNormal = LogNormal()
    sovereignty_sensitivity: Spread = Spread(mean=0.4, sd=0.15)
    policy_position: Spread = Spread(mean=0.5, sd=0.15)

    @field_validator("sovereignty_sensitivity", "policy_position")
    @classmethod
    def _mean_in_unit_interval(cls, value: Spread) -> Spread:
        if not 0 <= value.mean <= 1:
            raise ValueError(f"mean must be between 0 and 1, got {value.mean}")
        return value


class NationSpec(_Strict):
    """A nation listed by name with its attributes."""

    name: str = Field(min_length=1, pattern=NAME_PATTERN)
    region: str
    capability: Float = Field(gt=0, description="Military capability (e.g. a CINC share).")
    sovereignty_sensitivity: Float = Field(0.4, ge=0, le=1)
    policy_position: Float = Field(0.5, ge=0, le=1)
    threat: Float | None = Field(
        None, ge=0, le=1, description="Overrides the region's threat for this nation."
    )


class AgreementSpec(_Strict):
    """An agreement in force when the run starts."""

    id: str = Field(min_length=1, pattern=ID_PATTERN)
    name: str | None = None
    kind: Kind = Kind.BILATERAL
    sector: Sector = Sector.GENERAL
    depth: Int = Field(1, ge=MIN_DEPTH, le=MAX_DEPTH)
    members: list[str] = Field(default_factory=list)
    regions: list[str] = Field(
        default_factory=list, description="Every nation of these regions joins too."
    )
    dispute_resolution: bool = False
    funding: FundingSplit = FundingSplit.EQUAL
    term: Int | None = Field(None, ge=1, le=100, description="Defaults to parameters.term.")
    signed_step: Int = Field(0, le=0, description="Step it was signed; 0 or negative.")


class Rivalry(_Strict):
    nations: tuple[str, str]
    intensity: Float = Field(1.0, ge=0, le=1)


class _EventBase(_Strict):
    step: Int = Field(ge=1)


class CrisisEvent(_EventBase):
    """A crisis: between two named nations, or in a region, where each rival pair breaks
    into crisis with chance `severity` (one random pair of its nations if none does);
    either way the `severity` is added to the threat of the nations involved."""

    type: Literal["crisis"]
    region: str | None = None
    nations: tuple[str, str] | None = None
    severity: Float = Field(
        0.5, ge=0, le=1, description="Threat shock added to the nations involved."
    )

    @model_validator(mode="after")
    def _one_target(self) -> CrisisEvent:
        if (self.region is None) == (self.nations is None):
            raise ValueError("give either region or nations, not both or neither")
        if self.nations is not None and self.nations[0] == self.nations[1]:
            raise ValueError("a crisis needs two different nations")
        return self


class CapabilitySurgeEvent(_EventBase):
    """A nation's capability is multiplied (a rising power, or a collapse below 1)."""

    type: Literal["capability_surge"]
    nation: str
    factor: Float = Field(gt=0, le=100)


class LeaveAgreementEvent(_EventBase):
    """A member leaves an agreement whatever its value (a political decision)."""

    type: Literal["leave_agreement"]
    nation: str
    agreement: str


class SovereigntyShiftEvent(_EventBase):
    """Sovereignty sensitivity rises (or falls) across a region or for some nations."""

    type: Literal["sovereignty_shift"]
    region: str | None = None
    nations: list[str] | None = None
    delta: Float = Field(ge=-1, le=1)


class ThreatShiftEvent(_EventBase):
    """A region's baseline threat changes (a rising power next door)."""

    type: Literal["threat_shift"]
    region: str
    delta: Float = Field(ge=-1, le=1)


Event = Annotated[
    CrisisEvent
    | CapabilitySurgeEvent
    | LeaveAgreementEvent
    | SovereigntyShiftEvent
    | ThreatShiftEvent,
    Field(discriminator="type"),
]

EVENT_TYPES = ("crisis", "capability_surge", "leave_agreement", "sovereignty_shift", "threat_shift")


class Scenario(_Strict):
    """A complete, validated scenario."""

    name: str = Field(min_length=1)
    description: str = ""
    seed: Int = Field(42, ge=0, le=2**63 - 1)
    steps: Int = Field(50, ge=1, le=10_000)
    regions: list[Region] = Field(min_length=1)
    nations: list[NationSpec] = Field(default_factory=list)
    rivalries: list[Rivalry] = Field(default_factory=list)
    agreements: list[AgreementSpec] = Field(default_factory=list)
    parameters: Parameters = Parameters()
    events: list[Event] = Field(default_factory=list)

    @model_validator(mode="after")
    def _references_resolve(self) -> Scenario:
        _check_references(self)
        return self

    def nation_names(self) -> list[str]:
        """Listed nations first, then generated ones, in a fixed order."""
        names = [n.name for n in self.nations]
        for region in self.regions:
            names.extend(generated_name(region.name, k) for k in range(1, region.nations + 1))
        return names


def generated_name(region: str, k: int) -> str:
    return f"{region} {k}"


def _check_references(scenario: Scenario) -> None:
    region_names = [r.name for r in scenario.regions]
    _no_duplicates(region_names, "regions", "region")
    regions = set(region_names)
    for i, nation in enumerate(scenario.nations):
        if nation.region not in regions:
            raise FieldProblem(
                ("nations", i, "region"),
                f"unknown region {nation.region!r}; expected one of {sorted(regions)}",
            )
    names = scenario.nation_names()
    if len(names) < 2:
        raise FieldProblem(("regions",), "a scenario needs at least two nations")
    _no_duplicate_nations(scenario)
    known = set(names)

    def check_nation(name: str, location: tuple) -> None:
        if name not in known:
            raise FieldProblem(location, f"unknown nation {name!r}")

    def check_region(name: str, location: tuple) -> None:
        if name not in regions:
            raise FieldProblem(
                location, f"unknown region {name!r}; expected one of {sorted(regions)}"
            )

    for i, rivalry in enumerate(scenario.rivalries):
        for k, name in enumerate(rivalry.nations):
            check_nation(name, ("rivalries", i, "nations", k))
        if rivalry.nations[0] == rivalry.nations[1]:
            raise FieldProblem(("rivalries", i, "nations"), "a nation cannot be its own rival")

    agreement_ids = [a.id for a in scenario.agreements]
    _no_duplicates(agreement_ids, "agreements", "agreement id")
    for i, agreement in enumerate(scenario.agreements):
        for k, name in enumerate(agreement.members):
            check_nation(name, ("agreements", i, "members", k))
        for k, name in enumerate(agreement.regions):
            check_region(name, ("agreements", i, "regions", k))
        members = resolve_members(scenario, agreement)
        if len(members) < 2:
            raise FieldProblem(
                ("agreements", i, "members"),
                f"an agreement needs at least two members, got {len(members)}",
            )
        if agreement.kind is Kind.BILATERAL and len(members) != 2:
            raise FieldProblem(
                ("agreements", i, "members"),
                f"a bilateral agreement has exactly two members, got {len(members)}",
            )

    for i, event in enumerate(scenario.events):
        if event.step > scenario.steps:
            raise FieldProblem(
                ("events", i, "step"),
                f"step {event.step} is outside the run; expected 1 to {scenario.steps} (steps)",
            )
        for field in ("region",):
            value = getattr(event, field, None)
            if value is not None:
                check_region(value, ("events", i, field))
        nation = getattr(event, "nation", None)
        if nation is not None:
            check_nation(nation, ("events", i, "nation"))
        for k, name in enumerate(getattr(event, "nations", None) or ()):
            check_nation(name, ("events", i, "nations", k))
        agreement = getattr(event, "agreement", None)
        if agreement is not None and agreement not in set(agreement_ids):
            raise FieldProblem(
                ("events", i, "agreement"),
                f"unknown agreement id {agreement!r}; expected one of {agreement_ids}",
            )


def _no_duplicate_nations(scenario: Scenario) -> None:
    """Listed names must be unique, and must not take a name a region generates."""
    _no_duplicates([n.name for n in scenario.nations], "nations", "nation")
    listed = {n.name: i for i, n in enumerate(scenario.nations)}
    for k, region in enumerate(scenario.regions):
        for j in range(1, region.nations + 1):
            name = generated_name(region.name, j)
            if name in listed:
                raise FieldProblem(
                    ("nations", listed[name], "name"),
                    f"duplicate nation name {name!r}: region {region.name!r} also generates "
                    f"a nation of that name (regions[{k}].nations)",
                )


def _no_duplicates(values: list[str], field: str, what: str) -> None:
    seen: set[str] = set()
    for i, value in enumerate(values):
        if value in seen:
            location = (field, i, "name") if what in ("nation", "region") else (field, i, "id")
            raise FieldProblem(location, f"duplicate {what} {value!r}")
        seen.add(value)


def resolve_members(scenario: Scenario, agreement: AgreementSpec) -> list[str]:
    """Members named directly, then every nation of the named regions, without repeats."""
    members = list(dict.fromkeys(agreement.members))
    if agreement.regions:
        wanted = set(agreement.regions)
        listed_region = {n.name: n.region for n in scenario.nations}
        for region in scenario.regions:
            for k in range(1, region.nations + 1):
                listed_region[generated_name(region.name, k)] = region.name
        for name in scenario.nation_names():
            if listed_region[name] in wanted and name not in members:
                members.append(name)
    return members


# --- loading ------------------------------------------------------------------


def load_scenario(path: str | Path, overrides: dict[str, Any] | None = None) -> Scenario:
    """Read, parse and validate a scenario file.

    `overrides` maps dotted paths (``steps``, ``parameters.crisis_rate``) to values,
    applied before validation so they are checked like the file itself.
    """
    path = Path(path)
    data, lines = read_yaml_file(path)
    if overrides:
        data = apply_scenario_overrides(data, overrides, str(path))
    return scenario_from_dict(data, str(path), lines)


# `--set crisis_rate=0.5` is short for `--set parameters.crisis_rate=0.5`
PARAMETER_SHORTHAND = dict.fromkeys(Parameters.model_fields, "parameters")


def apply_scenario_overrides(data: dict, overrides: dict[str, Any], source: str) -> dict:
    """Set dotted paths in a copy of a raw scenario mapping (`--set`, a sweep's values).

    A bare parameter name (``crisis_rate``) means ``parameters.crisis_rate``.
    """
    return apply_overrides(data, overrides, source, PARAMETER_SHORTHAND)


def scenario_from_dict(
    data: dict, source: str = "<scenario>", lines: dict | None = None
) -> Scenario:
    """Validate a raw mapping; every problem becomes one `ScenarioError` line."""
    return validate_mapping(
        Scenario,
        data,
        source,
        lines,
        pattern_meanings=PATTERN_MEANINGS,
        tagged_list=TaggedList("events", "event", EVENT_TYPES),
    )


def scenario_json_schema() -> dict:
    """JSON Schema of the scenario format, for editors that check YAML against one."""
    return json_schema(Scenario, "Defense cooperation scenario")
