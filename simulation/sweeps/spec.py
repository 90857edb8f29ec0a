"""The sweep file: which scenarios, which parameters vary and how, the design, replicates.

A sweep file names one or more base scenarios (paths relative to the sweep file)
and crosses them with a design over model parameters (or any scenario field, by
dotted path, as `run.py run --set` takes them). Validation problems become one
`ScenarioError` line naming the file, the field and its line, as for scenarios.
"""

from __future__ import annotations

import math
from typing import Annotated, Any, Literal

from pydantic import BaseModel, BeforeValidator, ConfigDict, Field, model_validator

from simulation.parameters import Float, Int
from simulation.scenario_files import ID_PATTERN, FieldProblem, json_schema

DESIGNS = ("grid", "latin_hypercube", "sobol", "morris")
TABLES = ("model", "nations", "agreements", "memberships", "events")
# fields a design may not vary: replicates own the seed
RESERVED = ("seed", "name")
# Sobol' points are balanced only in runs of a power of two (scipy warns, SALib's
# estimators assume it), so a sobol design's base sample N is a power of two, and at
# least this many: below it each index rests on one or two base points and SALib's
# bootstrap confidence intervals are degenerate. Indices worth reading need hundreds.
SOBOL_MIN_SAMPLES = 4
# A parameter's name may hold a wildcard for every index of a list (regions.*.threat),
# or be a world-level multiplier (multiply.threat): see simulation/sweeps/values.py
WILDCARD = "*"
MULTIPLY = "multiply"
MULTIPLIED_ATTRIBUTES = ("threat", "sovereignty_sensitivity")


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid")


def _list_means_values(value: Any) -> Any:
    # `crisis_rate: [0.1, 0.3]` is shorthand for `crisis_rate: {values: [0.1, 0.3]}`
    return {"values": value} if isinstance(value, list) else value


class Axis(_Strict):
    """How one parameter varies: a list of values, a range, or a distribution.

    A grid takes the values, or `points` evenly spaced values across the range.
    Latin hypercube, Sobol and Morris designs sample the range (uniformly) or the
    distribution; a latin hypercube may also draw from a list of values.
    """

    values: list[Float | Int | bool | str] | None = Field(
        None, min_length=1, description="The values to take (grid, latin_hypercube)."
    )
    range: tuple[Float, Float] | None = Field(
        None, description="[low, high]: evenly spaced points for a grid; uniform otherwise."
    )
    points: Int | None = Field(None, ge=2, le=10_000, description="Grid points across the range.")
    distribution: Literal["uniform", "loguniform", "normal"] | None = Field(
        None, description="Draw from a distribution (latin_hypercube, sobol, morris)."
    )
    low: Float | None = Field(None, description="Lower bound of a uniform or loguniform draw.")
    high: Float | None = Field(None, description="Upper bound of a uniform or loguniform draw.")
    mean: Float | None = Field(None, description="Mean of a normal draw.")
    sd: Float | None = Field(None, gt=0, description="Standard deviation of a normal draw.")
    integer: bool = Field(False, description="Round every value to a whole number.")

    @model_validator(mode="after")
    def _one_way_to_vary(self) -> Axis:
        given = [k for k in ("values", "range", "distribution") if getattr(self, k) is not None]
        if len(given) != 1:
            raise ValueError(
                "give exactly one of 'values', 'range' or 'distribution'"
                + (f" (got {' and '.join(given)})" if given else "")
            )
        if self.points is not None and self.range is None:
            raise ValueError("'points' goes with a 'range'")
        if self.range is not None and not self.range[0] < self.range[1]:
            raise ValueError(f"a range needs low < high, got {list(self.range)}")
        unused = {
            "uniform": ("mean", "sd"),
            "loguniform": ("mean", "sd"),
            "normal": ("low", "high"),
            None: ("low", "high", "mean", "sd"),
        }[self.distribution]
        for name in unused:
            if getattr(self, name) is not None:
                what = f"a {self.distribution} distribution" if self.distribution else "this axis"
                raise ValueError(f"'{name}' does not apply to {what}")
        if self.distribution in ("uniform", "loguniform"):
            if self.low is None or self.high is None:
                raise ValueError(f"a {self.distribution} distribution needs 'low' and 'high'")
            if not self.low < self.high:
                raise ValueError(f"needs low < high, got low={self.low}, high={self.high}")
            if self.distribution == "loguniform" and self.low <= 0:
                raise ValueError(f"a loguniform distribution needs low > 0, got {self.low}")
        if self.distribution == "normal" and (self.mean is None or self.sd is None):
            raise ValueError("a normal distribution needs 'mean' and 'sd'")
        span = self.bounds[1] - self.bounds[0] if self.bounds is not None else 0.0
        if not math.isfinite(span):  # points across it, or draws from it, would be NaN
            raise ValueError(
                f"from {self.bounds[0]:g} to {self.bounds[1]:g} is wider than a number can "
                "hold; give a narrower range"
            )
        return self

    @property
    def bounds(self) -> tuple[float, float] | None:
        """The interval a sampled design draws from, when the axis has one."""
        if self.range is not None:
            return self.range
        if self.distribution in ("uniform", "loguniform"):
            return (self.low, self.high)
        return None

    def representatives(self) -> list[Any]:
        """Values that bracket what the axis can produce: checked against the scenario
        before anything runs, so a bad range fails at once and not in run 731."""
        if self.values is not None:
            return list(self.values)
        if self.bounds is not None:
            return [self.cast(v) for v in self.bounds]
        return [self.cast(self.mean)]

    def cast(self, value: float) -> Any:
        if self.integer:
            return int(math.floor(value + 0.5))
        return float(value)


AxisField = Annotated[Axis, BeforeValidator(_list_means_values)]


class Sweep(_Strict):
    """A validated sweep: base scenarios crossed with a design and replicates."""

    name: str = Field(min_length=1, pattern=ID_PATTERN)
    description: str = ""
    scenarios: list[str] = Field(
        min_length=1, description="Base scenario files, relative to the sweep file."
    )
    design: Literal["grid", "latin_hypercube", "sobol", "morris"] = "grid"
    samples: Int | None = Field(
        None,
        ge=1,
        le=1_000_000,
        description="Design size: points (latin_hypercube), base sample N (sobol: a power of "
        f"two, at least {SOBOL_MIN_SAMPLES}; N x (D + 2) points, or N x (2D + 2) with second_order), "
        "trajectories (morris: N x (D + 1)).",
    )
    second_order: bool = Field(False, description="Sobol: also estimate second-order indices.")
    levels: Int = Field(4, ge=2, le=100, description="Morris: grid levels of each parameter.")
    replicates: Int = Field(1, ge=1, le=100_000, description="Runs per design point and scenario.")
    seed: Int | None = Field(
        None,
        ge=0,
        le=2**63 - 1,
        description="Root seed of the design and of every replicate's seed "
        "(default: the first scenario's seed).",
    )
    steps: Int | None = Field(None, ge=1, le=10_000, description="Steps of every run.")
    parameters: dict[str, AxisField] = Field(
        default_factory=dict,
        description="The parameters varied: a model parameter, any scenario field by dotted "
        "path (regions.0.threat), a path with * for every item of a list "
        "(regions.*.threat), or a world-level multiplier (multiply.threat, "
        "multiply.sovereignty_sensitivity: a factor on every region's and listed nation's "
        "value, clipped to [0, 1]). A grid over two scenarios or more may vary none: it "
        "compares the scenarios themselves, replicate by replicate.",
    )
    fixed: dict[str, Float | Int | bool | str] = Field(
        default_factory=dict,
        description="Overrides applied to every run, named as the parameters are.",
    )
    tables: list[Literal["model", "nations", "agreements", "memberships", "events"]] = Field(
        default_factory=lambda: ["model"],
        description="Tables kept per run; the model table is always kept.",
    )

    @model_validator(mode="after")
    def _design_fits_axes(self) -> Sweep:
        if not self.parameters and (self.design != "grid" or len(self.scenarios) < 2):
            raise FieldProblem(
                ("parameters",),
                "required: at least one parameter to vary (only a grid over two scenarios "
                "or more may vary none)",
            )
        for name in self.fixed:
            problem = name_problem(name)
            if problem is not None:
                raise FieldProblem(("fixed", name), problem)
        for name, axis in self.parameters.items():
            where = ("parameters", name)
            problem = name_problem(name)
            if problem is not None:
                raise FieldProblem(where, problem)
            if name.split(".")[-1] in RESERVED and "." not in name:
                raise FieldProblem(where, f"'{name}' cannot vary: replicates set the seed")
            if name in self.fixed:
                raise FieldProblem(where, "also listed under 'fixed'")
            if self.design == "grid" and axis.values is None and axis.points is None:
                raise FieldProblem(
                    where, "a grid needs 'values', or a 'range' with 'points', for every parameter"
                )
            if self.design in ("sobol", "morris"):
                if axis.values is not None:
                    raise FieldProblem(
                        where,
                        f"a {self.design} design needs a 'range' or a distribution, "
                        "not a list of values",
                    )
                if self.design == "morris" and axis.distribution == "normal":
                    raise FieldProblem(where, "a morris design needs bounds: a range or uniform")
        if self.design != "grid" and self.samples is None:
            raise FieldProblem(("samples",), f"a {self.design} design needs 'samples'")
        if self.design == "sobol":
            _check_sobol_samples(self.samples)
        if "model" not in self.tables:
            self.tables = ["model", *self.tables]
        return self


def name_problem(name: str) -> str | None:
    """What is wrong with the form of a parameter's name (None when nothing is): a
    wildcard that is not a whole part of a path inside it, or an unknown multiplier.
    Whether the path fits each base scenario is checked when the sweep is planned."""
    parts = name.split(".")
    if parts[0] == MULTIPLY:
        if len(parts) != 2 or parts[1] not in MULTIPLIED_ATTRIBUTES:
            return f"'{name}' is not a world-level multiplier; expected " + " or ".join(
                f"{MULTIPLY}.{attribute}" for attribute in MULTIPLIED_ATTRIBUTES
            )
        return None
    if WILDCARD not in name:
        return None
    if any(WILDCARD in part and part != WILDCARD for part in parts):
        return (
            f"'{name}': a wildcard stands alone between dots for every index of a list, "
            "as in regions.*.threat"
        )
    if parts[0] == WILDCARD or parts[-1] == WILDCARD:
        return (
            f"'{name}': a wildcard stands for the index of a list and is followed by a "
            "field of its items, as in regions.*.threat"
        )
    return None


def _check_sobol_samples(samples: int) -> None:
    if samples >= SOBOL_MIN_SAMPLES and samples & (samples - 1) == 0:
        return
    below = max(SOBOL_MIN_SAMPLES, 1 << (samples.bit_length() - 1))
    above = max(SOBOL_MIN_SAMPLES, 1 << samples.bit_length())
    nearest = f"{below} or {above}" if below != above else f"{below}"
    raise FieldProblem(
        ("samples",),
        f"a sobol design needs a power of two, at least {SOBOL_MIN_SAMPLES}, got {samples} "
        f"(Sobol' points are balanced only in powers of two, as SALib assumes): "
        f"use {nearest}",
    )


def sweep_json_schema() -> dict:
    """JSON Schema of the sweep format, for editors that check YAML against one."""
    return json_schema(Sweep, "Defense cooperation sweep")
