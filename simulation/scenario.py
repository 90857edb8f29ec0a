"""The scenario file: its schema (defined once, with types, ranges and defaults) and loader.

A scenario names the nations (generated per region, listed one by one, or both),
the agreements already in force, the model parameters and the scheduled events.
`load_scenario` turns a YAML file into a validated `Scenario` or raises
`ScenarioError` with one line naming the file, the field, the line and what was
expected. Reading YAML and wording the problems is `scenario_files`' job, shared with
sweep files; this module holds what is particular to scenarios.
"""

from __future__ import annotations

import copy
import math
from pathlib import Path
from typing import Annotated, Any, Literal

from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    StringConstraints,
    ValidationError,
    ValidationInfo,
    field_validator,
    model_validator,
)

from simulation.agreements import depth_ceiling
from simulation.domain import MAX_DEPTH, MIN_DEPTH, FundingSplit, Kind, Sector
from simulation.guards import LOGNORMAL_TAIL, capability_outlook
from simulation.parameters import FIXED_AT_START, Float, Int, Parameters
from simulation.scenario_files import (
    ID_PATTERN,
    FieldProblem,
    TaggedList,
    apply_overrides,
    did_you_mean,
    json_schema,
    override_path,
    read_yaml_file,
    validate_mapping,
)
from simulation.scenario_files import ScenarioError as ScenarioError  # what load_scenario raises

# --- limits ---------------------------------------------------------------------
# Bounds on what a scenario may ask for, so that no file, however small, can make the
# model take more memory or time than a world of real states needs (every country of
# the world is about 200 nations). Each is checked before anything is built from it.

MAX_NATIONS = 2_000
"""Most nations in a scenario, listed and generated together: the model holds several
nations x nations matrices, so memory grows with the square of this."""

MAX_REGIONS = 500
"""Most regions in a scenario."""

MAX_NAME_LENGTH = 200
"""Longest name (scenario, region, nation, agreement) in characters: a region's name is
repeated in every nation it generates and in every output row."""

MAX_DESCRIPTION_LENGTH = 10_000
"""Longest scenario description in characters."""

MAX_CAPABILITY = 1e6
"""Largest capability a nation may start with (a listed nation's capability, a
region's median). Capabilities are relative (only ratios matter), and compounding
from a larger start could pass the model's ceiling (`guards.CAPABILITY_CEILING`)."""

MIN_CAPABILITY = 1e-12
"""Smallest capability (listed, or a region's median): far below any state's CINC share
(about 1e-6), and far enough above the smallest float that shares and ratios of
capabilities stay finite."""

MAX_SPREAD_SD = 1.0
"""Largest `sd` of a spread. A spread is clipped to [0, 1], so at sd 1 most draws
already land on an end; a larger sd means nothing more."""

_RAISE_IT = "raise it in simulation/scenario.py to allow more"

# Names appear in `; `-separated member lists in the outputs, so they may not hold `;`;
# nor control characters (NUL, line breaks), which no output file or folder can hold.
NAME_PATTERN = r"^[^;\x00-\x1f\x7f-\x9f]+$"
# Free text (a label, a description) may hold ';' and, in a description, line breaks
# and tabs, but no other control characters.
LABEL_PATTERN = r"^[^\x00-\x1f\x7f-\x9f]+$"
DESCRIPTION_PATTERN = r"^[^\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]*$"
PATTERN_MEANINGS = {
    NAME_PATTERN: "a name without ';' or control characters",
    LABEL_PATTERN: "text without control characters",
    DESCRIPTION_PATTERN: "text without control characters other than tabs and line breaks",
}

# A nation, region or scenario name (and any reference to one).
Name = Annotated[
    str, StringConstraints(min_length=1, max_length=MAX_NAME_LENGTH, pattern=NAME_PATTERN)
]
Label = Annotated[
    str, StringConstraints(min_length=1, max_length=MAX_NAME_LENGTH, pattern=LABEL_PATTERN)
]
Identifier = Annotated[
    str, StringConstraints(min_length=1, max_length=MAX_NAME_LENGTH, pattern=ID_PATTERN)
]


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=False)


class Spread(_Strict):
    """A normal distribution clipped to the field's range."""

    mean: Float
    sd: Float = Field(0.0, ge=0, le=MAX_SPREAD_SD)


class LogNormal(_Strict):
    """Capabilities across real states are roughly lognormal (COW NMC)."""

    median: Float = Field(
        1.0,
        ge=MIN_CAPABILITY,
        le=MAX_CAPABILITY,
        description="Median capability (arbitrary units).",
    )
    sigma: Float = Field(1.0, ge=0, le=5, description="Spread of log capability.")


MAX_SPREAD_KM = 10_000
"""Largest radius of the disc over which a region's generated nations are placed: a
quarter of the Earth's circumference, beyond which a disc folds over itself."""


class Location(_Strict):
    """A point on the Earth: a capital, or the centre of a region."""

    latitude: Float = Field(ge=-90, le=90, description="Degrees north (negative: south).")
    longitude: Float = Field(ge=-180, le=180, description="Degrees east (negative: west).")


class Region(_Strict):
    """A region: its threat environment and, optionally, nations generated from distributions."""

    name: Name
    threat: Float = Field(0.3, ge=0, le=1, description="Baseline threat environment.")
    nations: Int = Field(0, ge=0, le=MAX_NATIONS, description="How many nations to generate.")
    capability: LogNormal = LogNormal()
    sovereignty_sensitivity: Spread = Spread(mean=0.4, sd=0.15)
    policy_position: Spread = Spread(mean=0.5, sd=0.15)
    location: Location | None = Field(
        None,
        description="Centre around which the region's generated nations are placed; "
        "also the capital of a listed nation of the region that gives none.",
    )
    spread_km: Float = Field(
        1500.0,
        ge=0,
        le=MAX_SPREAD_KM,
        description="Radius in km of the disc around `location` over which generated "
        "nations are placed evenly.",
    )

    @field_validator("sovereignty_sensitivity", "policy_position")
    @classmethod
    def _mean_in_unit_interval(cls, value: Spread) -> Spread:
        if not 0 <= value.mean <= 1:
            raise ValueError(f"mean must be between 0 and 1, got {value.mean}")
        return value


class NationSpec(_Strict):
    """A nation listed by name with its attributes."""

    name: Name
    region: Name
    capability: Float = Field(
        ge=MIN_CAPABILITY,
        le=MAX_CAPABILITY,
        description="Military capability (e.g. a CINC share).",
    )
    capability_path: list[Annotated[Float, Field(ge=MIN_CAPABILITY, le=MAX_CAPABILITY)]] = Field(
        default_factory=list,
        max_length=10_000,
        description="Observed capability at steps 1, 2, ... (e.g. the CINC share year by "
        "year): while the path lasts the nation's capability is set to it each step "
        "instead of grown (no growth, technology transfer or upkeep); after its end it "
        "grows from the last value. Empty: it grows from the start.",
    )
    sovereignty_sensitivity: Float = Field(0.4, ge=0, le=1)
    policy_position: Float = Field(0.5, ge=0, le=1)
    threat: Float | None = Field(
        None, ge=0, le=1, description="Overrides the region's threat for this nation."
    )
    location: Location | None = Field(
        None, description="The capital; without it, the region's location (if any)."
    )
    enters: Int = Field(
        0,
        ge=0,
        le=10_000,
        description="Step at which it enters the state system (0: a state "
        "from the start); before it, it takes part in nothing.",
    )
    leaves: Int | None = Field(
        None,
        ge=1,
        le=10_000,
        description="Step from which it is gone from the state system "
        "(after enters); None: it stays.",
    )
    successor: Name | None = Field(
        None,
        description="A listed nation that takes over its agreements when it leaves "
        "(needs leaves); without one they end (exit reason state_ended).",
    )

    def in_system(self, step: int) -> bool:
        """A state of the system at `step` (see `mechanisms.state_system.in_system`)."""
        return self.enters <= step and (self.leaves is None or step < self.leaves)


class AgreementSpec(_Strict):
    """An agreement in force when the run starts."""

    id: Identifier
    name: Label | None = None
    kind: Kind = Kind.BILATERAL
    sector: Sector = Sector.GENERAL
    depth: Int = Field(1, ge=MIN_DEPTH, le=MAX_DEPTH)
    members: list[Name] = Field(default_factory=list, max_length=MAX_NATIONS)
    regions: list[Name] = Field(
        default_factory=list, description="Every nation of these regions joins too."
    )
    dispute_resolution: bool = False
    environmental_provisions: bool = Field(
        False,
        description="Provisions on the environmental impact of exercises, bases and "
        "shared facilities: recorded and reported, they change no decision.",
    )
    funding: FundingSplit = FundingSplit.EQUAL
    term: Int | None = Field(None, ge=1, le=100, description="Defaults to parameters.term.")
    signed_step: Int = Field(0, le=0, description="Step it was signed; 0 or negative.")
    exogenous: bool = Field(
        False,
        description="A multilateral pact whose history is an input (a real alliance in "
        "a hindcast): its members and depth change only by the scenario's events "
        "(join_agreement, leave_agreement) and states leaving the system; no nation "
        "applies to it, leaves it for its value, deepens it or steps it down.",
    )
    alliance: bool = Field(
        False,
        description="A defence alliance (bilateral or a pact), not a defense cooperation "
        "agreement: a mutual-defence commitment, at depth 4, the rung no DCA reaches. Its "
        "members are tied (channels, mutual-defence obligations, no first DCA between "
        "them), but allies are not counted among a nation's DCA partners when DCAs are "
        "valued (saturation, shared partners, negotiating experience and capacity). It "
        "neither deepens nor steps down, and does not lapse: members leave it, or stay.",
    )


class Rivalry(_Strict):
    nations: tuple[Name, Name]
    intensity: Float = Field(1.0, ge=0, le=1)


class _EventBase(_Strict):
    step: Int = Field(
        ge=1, description="The step it takes effect, at the start of the step (1 to steps)."
    )


PHASE_IN = (
    "Steps over which the change phases in linearly (an equal share at each of steps "
    "step .. step + over - 1)."
)


class CrisisEvent(_EventBase):
    """A crisis: between two named nations, or in a region, where each rival pair breaks
    into crisis with chance `severity` (one random pair of its nations if none does);
    either way the `severity` is added to the threat of the nations involved. Its
    crises go through ally calls and escalation like any other (`cause` links them)."""

    type: Literal["crisis"]
    region: Name | None = Field(
        None,
        description="A region whose rival states may break into crisis (give region or nations).",
    )
    nations: tuple[Name, Name] | None = Field(
        None, description="Two states: a crisis between them (give region or nations)."
    )
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
    nation: Name = Field(description="The nation whose capability changes.")
    factor: Float = Field(gt=0, le=100, description="Its capability is multiplied by this.")


class LeaveAgreementEvent(_EventBase):
    """A member leaves an agreement whatever its value (a political decision): exit
    reason `scheduled_withdrawal`; a bilateral agreement ends, a pact left with one
    member dissolves."""

    type: Literal["leave_agreement"]
    nation: Name = Field(description="The member that leaves.")
    agreement: Identifier = Field(description="The id of an agreement listed under agreements.")


class JoinAgreementEvent(_EventBase):
    """A nation joins a multilateral pact whatever its value (an accession that
    happened, or one a what-if posits)."""

    type: Literal["join_agreement"]
    nation: Name = Field(description="The state that joins (a state at that step).")
    agreement: Identifier = Field(
        description="The id of a multilateral pact listed under agreements."
    )


class SovereigntyShiftEvent(_EventBase):
    """Sovereignty sensitivity rises (or falls) across a region or for some nations."""

    type: Literal["sovereignty_shift"]
    region: Name | None = Field(
        None, description="Every nation of this region (give region or nations)."
    )
    nations: list[Name] | None = Field(
        None,
        min_length=1,
        max_length=MAX_NATIONS,
        description="These nations (give region or nations).",
    )
    delta: Float = Field(
        ge=-1, le=1, description="Added to their sovereignty sensitivity (kept within 0-1)."
    )
    over: Int = Field(1, ge=1, le=10_000, description=PHASE_IN)

    @model_validator(mode="after")
    def _one_target(self) -> SovereigntyShiftEvent:
        # the event applies to one or the other; given both, one would be ignored
        if (self.region is None) == (self.nations is None):
            raise ValueError("give either region or nations, not both or neither")
        return self


class ThreatShiftEvent(_EventBase):
    """The baseline threat of a region or of some nations changes (a rising power next
    door, the end of the Cold War)."""

    type: Literal["threat_shift"]
    region: Name | None = Field(
        None,
        description="Every nation of this region, states or not yet (give region or nations).",
    )
    nations: list[Name] | None = Field(
        None,
        min_length=1,
        max_length=MAX_NATIONS,
        description="These nations (give region or nations).",
    )
    delta: Float = Field(
        ge=-1, le=1, description="Added to their baseline threat (kept within 0-1)."
    )
    over: Int = Field(1, ge=1, le=10_000, description=PHASE_IN)

    @model_validator(mode="after")
    def _one_target(self) -> ThreatShiftEvent:
        if (self.region is None) == (self.nations is None):
            raise ValueError("give either region or nations, not both or neither")
        return self


class ParameterChangeEvent(_EventBase):
    """A model parameter takes a new value (a change of policy or of the times)."""

    type: Literal["parameter_change"]
    parameter: Identifier = Field(description="The name of a numeric model parameter.")
    value: Float = Field(description="Its new value, within the parameter's own bounds.")
    over: Int = Field(1, ge=1, le=10_000, description=PHASE_IN)


Event = Annotated[
    CrisisEvent
    | CapabilitySurgeEvent
    | LeaveAgreementEvent
    | JoinAgreementEvent
    | SovereigntyShiftEvent
    | ThreatShiftEvent
    | ParameterChangeEvent,
    Field(discriminator="type"),
]

EVENT_TYPES = (
    "crisis",
    "capability_surge",
    "leave_agreement",
    "join_agreement",
    "sovereignty_shift",
    "threat_shift",
    "parameter_change",
)


class Scenario(_Strict):
    """A complete, validated scenario."""

    name: Label
    description: Annotated[
        str, StringConstraints(max_length=MAX_DESCRIPTION_LENGTH, pattern=DESCRIPTION_PATTERN)
    ] = ""
    seed: Int = Field(42, ge=0, le=2**63 - 1)
    steps: Int = Field(50, ge=1, le=10_000)
    regions: list[Region] = Field(min_length=1, max_length=MAX_REGIONS)
    nations: list[NationSpec] = Field(default_factory=list, max_length=MAX_NATIONS)
    rivalries: list[Rivalry] = Field(default_factory=list)
    agreements: list[AgreementSpec] = Field(default_factory=list)
    parameters: Parameters = Parameters()
    events: list[Event] = Field(default_factory=list)

    @field_validator("regions", "nations", mode="before")
    @classmethod
    def _within_list_limits(cls, value: Any, info: ValidationInfo) -> Any:
        # before validation: a list past its limit is refused without validating each item
        limit, name = {
            "regions": (MAX_REGIONS, "MAX_REGIONS"),
            "nations": (MAX_NATIONS, "MAX_NATIONS"),
        }[info.field_name]
        if isinstance(value, list) and len(value) > limit:
            raise ValueError(
                f"{len(value):,} {info.field_name}, more than the limit of {limit:,} "
                f"({name}; {_RAISE_IT})"
            )
        return value

    @model_validator(mode="after")
    def _references_resolve(self) -> Scenario:
        _check_references(self)
        _check_locations(self)
        _check_capability_outlook(self)
        return self

    def has_geography(self) -> bool:
        """Whether any nation or region has a location (then every nation has one)."""
        return any(n.location is not None for n in self.nations) or any(
            r.location is not None for r in self.regions
        )

    def nation_names(self) -> list[str]:
        """Listed nations first, then generated ones, in a fixed order."""
        names = [n.name for n in self.nations]
        for region in self.regions:
            names.extend(generated_name(region.name, k) for k in range(1, region.nations + 1))
        return names


def _check_capability_outlook(scenario: Scenario) -> None:
    """Refuse a scenario whose mean capability growth must carry the largest capability
    past the model's ceiling within its steps (`simulation.guards`). Generated
    capabilities count at `guards.LOGNORMAL_TAIL` spreads above their median."""
    largest = max(
        [nation.capability for nation in scenario.nations]
        + [
            region.capability.median * math.exp(LOGNORMAL_TAIL * region.capability.sigma)
            for region in scenario.regions
            if region.nations
        ]
        + [1e-9]
    )
    surges = [event.factor for event in scenario.events if event.type == "capability_surge"]
    why = capability_outlook(largest, scenario.steps, scenario.parameters.capability_growth, surges)
    if why is not None:
        raise FieldProblem(("steps",), why)


def _check_locations(scenario: Scenario) -> None:
    """All or nothing: once any nation or region has a location, every nation needs
    one (its own, or its region's), since a distance to a nation nowhere is undefined."""
    if not scenario.has_geography():
        return
    located_regions = {r.name for r in scenario.regions if r.location is not None}
    for i, nation in enumerate(scenario.nations):
        if nation.location is None and nation.region not in located_regions:
            raise FieldProblem(
                ("nations", i, "location"),
                f"nation {nation.name!r} has no location and neither has its region "
                f"{nation.region!r}; once any nation or region has a location, every "
                "nation needs one (its own or its region's)",
            )
    for k, region in enumerate(scenario.regions):
        if region.nations and region.location is None:
            raise FieldProblem(
                ("regions", k, "location"),
                f"region {region.name!r} generates nations but has no location to place "
                "them around; once any nation or region has a location, every nation "
                "needs one",
            )


def generated_name(region: str, k: int) -> str:
    return f"{region} {k}"


def _check_references(scenario: Scenario) -> None:
    _within_nation_limit(scenario)
    region_names = [r.name for r in scenario.regions]
    _no_duplicates(region_names, "regions", "region")
    regions = set(region_names)
    for i, nation in enumerate(scenario.nations):
        if nation.region not in regions:
            raise FieldProblem(
                ("nations", i, "region"),
                f"unknown region {nation.region!r}"
                + (
                    did_you_mean(nation.region, regions) or f"; expected {_one_of(sorted(regions))}"
                ),
            )
    names = scenario.nation_names()
    if len(names) < 2:
        raise FieldProblem(("regions",), "a scenario needs at least two nations")
    _no_duplicate_nations(scenario)
    _check_state_system(scenario)
    known = set(names)

    def check_nation(name: str, location: tuple) -> None:
        if name not in known:
            raise FieldProblem(location, f"unknown nation {name!r}{did_you_mean(name, names)}")

    def check_region(name: str, location: tuple) -> None:
        if name not in regions:
            raise FieldProblem(
                location,
                f"unknown region {name!r}"
                + (did_you_mean(name, regions) or f"; expected {_one_of(sorted(regions))}"),
            )

    listed = {nation.name: nation for nation in scenario.nations}

    def check_in_system(name: str, step: int, location: tuple, what: str) -> None:
        nation = listed.get(name)  # generated nations are states throughout
        if nation is not None and not nation.in_system(step):
            raise FieldProblem(
                location,
                f"{what} at step {step} names {name!r}, which is not in the state system "
                f"then ({_membership_span(nation)})",
            )

    for i, rivalry in enumerate(scenario.rivalries):
        for k, name in enumerate(rivalry.nations):
            check_nation(name, ("rivalries", i, "nations", k))
        if rivalry.nations[0] == rivalry.nations[1]:
            raise FieldProblem(("rivalries", i, "nations"), "a nation cannot be its own rival")

    agreement_ids = [a.id for a in scenario.agreements]
    _no_duplicates(agreement_ids, "agreements", "agreement id")
    kinds = {a.id: a.kind for a in scenario.agreements}
    region_of = nation_regions(scenario)
    for i, agreement in enumerate(scenario.agreements):
        for k, name in enumerate(agreement.members):
            check_nation(name, ("agreements", i, "members", k))
            check_in_system(name, 0, ("agreements", i, "members", k), "an agreement in force")
        for k, name in enumerate(agreement.regions):
            check_region(name, ("agreements", i, "regions", k))
        members = resolve_members(scenario, agreement, region_of)
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
        if agreement.exogenous and agreement.kind is Kind.BILATERAL:
            raise FieldProblem(
                ("agreements", i, "exogenous"),
                "only a multilateral pact can be exogenous; expected false for a "
                "bilateral agreement",
            )
        if agreement.alliance and agreement.depth != MAX_DEPTH:
            raise FieldProblem(
                ("agreements", i, "depth"),
                f"an alliance is a mutual-defence commitment, rung {MAX_DEPTH}; "
                f"got depth {agreement.depth}",
            )
        ceiling = depth_ceiling(agreement.sector, agreement.alliance)
        if agreement.depth > ceiling:
            raise FieldProblem(
                ("agreements", i, "depth"),
                f"depth {agreement.depth} is beyond what a DCA of sector "
                f"{agreement.sector.value} reaches; expected {ceiling} at most (mutual defence, rung {MAX_DEPTH}, "
                "is an alliance's: set alliance: true)",
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
            if event.type == "leave_agreement":
                check_in_system(nation, event.step, ("events", i, "nation"), "a withdrawal")
            if event.type == "join_agreement":
                check_in_system(nation, event.step, ("events", i, "nation"), "an accession")
        for k, name in enumerate(getattr(event, "nations", None) or ()):
            check_nation(name, ("events", i, "nations", k))
            if event.type == "crisis":
                check_in_system(name, event.step, ("events", i, "nations", k), "a crisis")
        if event.type == "parameter_change":
            _check_parameter_change(scenario, event, i)
        agreement = getattr(event, "agreement", None)
        if agreement is not None and agreement not in kinds:
            raise FieldProblem(
                ("events", i, "agreement"),
                f"unknown agreement id {agreement!r}"
                + (
                    did_you_mean(agreement, agreement_ids) or f"; expected {_one_of(agreement_ids)}"
                ),
            )
        if event.type == "join_agreement" and kinds[agreement] is Kind.BILATERAL:
            raise FieldProblem(
                ("events", i, "agreement"),
                f"{agreement!r} is bilateral; a nation can join only a multilateral pact",
            )


def _membership_span(nation: NationSpec) -> str:
    """When a listed nation is a state, in words, for a message."""
    if nation.leaves is None:
        return f"it enters at step {nation.enters}"
    return f"it is a state from step {nation.enters} until step {nation.leaves}"


def _check_state_system(scenario: Scenario) -> None:
    """A nation leaves after it enters; a successor is another listed nation that is a
    state when its predecessor leaves."""
    listed = {nation.name: nation for nation in scenario.nations}
    for i, nation in enumerate(scenario.nations):
        if nation.leaves is not None and nation.leaves <= nation.enters:
            raise FieldProblem(
                ("nations", i, "leaves"),
                f"leaves ({nation.leaves}) must come after enters ({nation.enters})",
            )
        if nation.successor is None:
            continue
        where = ("nations", i, "successor")
        if nation.leaves is None:
            raise FieldProblem(where, "a successor needs leaves: the step at which it takes over")
        if nation.successor == nation.name:
            raise FieldProblem(where, "a nation cannot be its own successor")
        heir = listed.get(nation.successor)
        if heir is None:
            raise FieldProblem(
                where, f"unknown successor {nation.successor!r}; expected a listed nation"
            )
        if not heir.in_system(nation.leaves):
            raise FieldProblem(
                where,
                f"successor {heir.name!r} is not in the state system at step {nation.leaves}, "
                f"when {nation.name!r} leaves ({_membership_span(heir)})",
            )


def _check_parameter_change(scenario: Scenario, event: ParameterChangeEvent, i: int) -> None:
    """The parameter is a numeric one a run reads as it goes, and the value is within its
    bounds (the parameter's own validation, so the bounds are stated once)."""
    name = event.parameter
    fields = Parameters.model_fields
    numeric = [key for key, info in fields.items() if info.annotation in (int, float)]
    if name not in fields or name not in numeric:
        expected = did_you_mean(name, numeric) or f"; expected {_one_of(numeric)}"
        raise FieldProblem(
            ("events", i, "parameter"), f"unknown numeric parameter {name!r}{expected}"
        )
    if name in FIXED_AT_START:
        raise FieldProblem(
            ("events", i, "parameter"),
            f"parameter {name!r} is fixed at the start (it builds the initial world); "
            "set it under parameters instead",
        )
    value = event.value
    if fields[name].annotation is int:
        if not float(value).is_integer():
            raise FieldProblem(
                ("events", i, "value"), f"parameter {name!r} takes a whole number, got {value!r}"
            )
        value = int(value)
    try:
        Parameters.model_validate({**scenario.parameters.model_dump(), name: value})
    except ValidationError as error:
        reason = error.errors()[0]["msg"]
        raise FieldProblem(
            ("events", i, "value"), f"{value!r} does not fit parameter {name!r}: {reason}"
        ) from None


def _within_nation_limit(scenario: Scenario) -> None:
    """Refused before any name is generated: the count alone can be asked for cheaply."""
    total = len(scenario.nations)
    for k, region in enumerate(scenario.regions):
        total += region.nations
        if total > MAX_NATIONS:
            raise FieldProblem(
                ("regions", k, "nations"),
                f"the scenario would hold more than {MAX_NATIONS:,} nations (listed and "
                f"generated together), the limit (MAX_NATIONS; {_RAISE_IT}; "
                "memory grows with its square)",
            )


def _one_of(names: list[str]) -> str:
    """The choices, for a message; only the first few when there are many (a message
    stays one readable line however many regions a file holds)."""
    listed = ", ".join(repr(name) for name in names[:10])
    more = f" and {len(names) - 10:,} more" if len(names) > 10 else ""
    return f"one of [{listed}]{more}"


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


def resolve_members(
    scenario: Scenario, agreement: AgreementSpec, region_of: dict[str, str] | None = None
) -> list[str]:
    """Members named directly, then every nation of the named regions, without repeats.

    `region_of` (from `nation_regions`) saves working it out again for each agreement.
    """
    members = dict.fromkeys(agreement.members)
    if agreement.regions:
        wanted = set(agreement.regions)
        region_of = region_of if region_of is not None else nation_regions(scenario)
        # a region's nations that are not yet states are not parties to its agreements
        later = {nation.name for nation in scenario.nations if nation.enters > 0}
        for name, region in region_of.items():
            if region in wanted and name not in later:
                members.setdefault(name)
    return list(members)


def nation_regions(scenario: Scenario) -> dict[str, str]:
    """Each nation's region, in the order of `Scenario.nation_names`."""
    region_of = {n.name: n.region for n in scenario.nations}
    for region in scenario.regions:
        for k in range(1, region.nations + 1):
            region_of[generated_name(region.name, k)] = region.name
    return region_of


# --- loading ------------------------------------------------------------------


def load_scenario(
    path: str | Path,
    overrides: dict[str, Any] | None = None,
    *,
    given_as: dict[str, str] | None = None,
    left_out: list[dict] | None = None,
) -> Scenario:
    """Read, parse and validate a scenario file.

    `overrides` maps dotted paths (``steps``, ``parameters.crisis_rate``) to values,
    applied before validation so they are checked like the file itself. `given_as`
    names the command-line option behind an override (``{"steps": "--steps"}``): a
    problem with its value names the option, not the file. `left_out`, when given,
    receives the file's events that a run shortened by a `steps` override does not
    reach (see `unreached_events_note`).
    """
    path = Path(path)
    data, lines = read_scenario_file(path)
    overridden = None
    if overrides:
        changed = apply_overrides(data, overrides, str(path), PARAMETER_SHORTHAND, given_as)
        unreached = unreached_events(data, changed)
        if left_out is not None:
            left_out.extend(unreached)
        data = _without(changed, unreached)
        overridden = {
            override_path(name, PARAMETER_SHORTHAND): label
            for name, label in (given_as or {}).items()
            if name in overrides
        }
    return scenario_from_dict(data, str(path), lines, overridden=overridden)


def read_scenario_file(
    path: str | Path, _extended_by: tuple[Path, ...] = ()
) -> tuple[dict, dict[tuple, int]]:
    """A scenario file's raw mapping and line numbers, with the file it `extends` beneath
    it: a variant names its base (`extends: world_1990_calibrated.yaml`, relative to
    itself) and gives only what it changes. Its top-level fields replace the base's;
    its `parameters` are merged into the base's, name by name. The base must be a valid
    scenario on its own, and its errors are reported against its own file."""
    path = Path(path)
    data, lines = read_yaml_file(path)
    if not isinstance(data, dict) or "extends" not in data:
        return data, lines
    data = dict(data)
    base_name = data.pop("extends")
    where = f" (line {lines[('extends',)]})" if ("extends",) in lines else ""
    if not isinstance(base_name, str) or not base_name.strip():
        raise ScenarioError(
            f"{path}: extends{where}: expected the path of a scenario file, relative to "
            f"this one, got {base_name!r}"
        )
    base_path = path.parent / base_name
    chain = (*_extended_by, path.resolve())
    if base_path.resolve() in chain:
        raise ScenarioError(
            f"{path}: extends{where}: {base_name} extends this file in turn; expected a "
            "chain of files that ends in one that extends none"
        )
    if not base_path.is_file():
        raise ScenarioError(
            f"{path}: extends{where}: no scenario file {base_name!r} (looked for {base_path})"
        )
    base, base_lines = read_scenario_file(base_path, chain)
    scenario_from_dict(copy.deepcopy(base), str(base_path), base_lines)
    merged = {**base, **data}
    if isinstance(base.get("parameters"), dict) and isinstance(data.get("parameters"), dict):
        merged["parameters"] = {**base["parameters"], **data["parameters"]}
    return merged, lines


# `--set crisis_rate=0.5` is short for `--set parameters.crisis_rate=0.5`
PARAMETER_SHORTHAND = dict.fromkeys(Parameters.model_fields, "parameters")


def apply_scenario_overrides(data: dict, overrides: dict[str, Any], source: str) -> dict:
    """Set dotted paths in a copy of a raw scenario mapping (`--set`, a sweep's values).

    A bare parameter name (``crisis_rate``) means ``parameters.crisis_rate``. A run
    shortened by a `steps` override does not reach the file's events after its new end
    (a real world's history to 2010 run for its first years): they are left out
    (`unreached_events`). An event after the file's own `steps` is still an error, as
    it is without overrides.
    """
    changed = apply_overrides(data, overrides, source, PARAMETER_SHORTHAND)
    return without_unreached_events(data, changed)


def _whole(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def unreached_events(original: dict, changed: dict) -> list[dict]:
    """The file's own events (at the step `original` gives them) that fall after
    `changed`'s shorter `steps`, when every event lies within `original`'s own `steps`
    (otherwise none: the file's error stands). An event an override moved past the end
    is not among them: it is still an error."""
    before = original.get("steps", Scenario.model_fields["steps"].default)
    after = changed.get("steps")
    events = changed.get("events")
    if not (_whole(before) and _whole(after) and after < before and isinstance(events, list)):
        return []
    steps = [event.get("step") if isinstance(event, dict) else None for event in events]
    if any(_whole(step) and step > before for step in steps):
        return []  # the file's own error, reported at its own place
    own = original.get("events")
    own = own if isinstance(own, list) and len(own) == len(events) else [None] * len(events)
    return [
        event
        for event, step, was in zip(events, steps, own, strict=True)
        if _whole(step) and after < step and isinstance(was, dict) and was.get("step") == step
    ]


def without_unreached_events(original: dict, changed: dict) -> dict:
    """`changed` less `unreached_events(original, changed)`."""
    return _without(changed, unreached_events(original, changed))


def _without(changed: dict, unreached: list[dict]) -> dict:
    if not unreached:
        return changed
    gone = {id(event) for event in unreached}
    return {**changed, "events": [event for event in changed["events"] if id(event) not in gone]}


# how many of the events left out a note names before it counts the rest
NOTE_NAMES = 5


def unreached_events_note(events: list[dict], steps: int) -> str:
    """One line on the events a shortened run leaves out, first by step (e.g. "3
    scheduled events after step 30 not run: capability_surge at 36, ...")."""
    ordered = sorted(events, key=lambda event: event["step"])
    named = ", ".join(
        f"{event.get('type', 'event')} at {event['step']}" for event in ordered[:NOTE_NAMES]
    )
    if len(ordered) > NOTE_NAMES:
        named += f" and {len(ordered) - NOTE_NAMES} more, to step {ordered[-1]['step']}"
    count = f"{len(ordered)} scheduled event{'s' if len(ordered) != 1 else ''}"
    return f"{count} after step {steps} not run: {named}"


def scenario_from_dict(
    data: dict,
    source: str = "<scenario>",
    lines: dict | None = None,
    *,
    overridden: dict[tuple[str, ...], str] | None = None,
) -> Scenario:
    """Validate a raw mapping; every problem becomes one `ScenarioError` line (naming the
    command-line option for a value `overridden` says was given there)."""
    return validate_mapping(
        Scenario,
        data,
        source,
        lines,
        pattern_meanings=PATTERN_MEANINGS,
        tagged_list=TaggedList("events", "event", EVENT_TYPES),
        shorthand=PARAMETER_SHORTHAND,
        overridden=overridden,
    )


def scenario_json_schema() -> dict:
    """JSON Schema of the scenario format, for editors that check YAML against one."""
    schema = json_schema(Scenario, "Defense cooperation scenario")
    # read by `read_scenario_file` before the mapping is validated
    schema.setdefault("properties", {})["extends"] = {
        "type": "string",
        "description": "A scenario file this one is a variant of, relative to this file: "
        "its fields replace the base's, its parameters are merged into the base's.",
    }
    return schema
