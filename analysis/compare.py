"""Comparing scenarios and design points: summaries with confidence intervals, and
paired differences between two settings that share seeds.

Each run is first reduced to one number (`run_statistics`: the metric's mean over
the run, or its final value; a rate of two counts, such as `conflict_prevention_rate`,
pooled: prevented over crises summed over the run). Replicate k of every scenario and design point of a
sweep runs on the same seed (common random numbers), so the difference between two
settings is best estimated pair by pair: the noise both runs share cancels.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd
import yaml
from scipy import stats

from analysis.measures import KEY_OUTCOMES, bounds, clip_to, describe_statistic
from analysis.results import (
    Results,
    ResultsError,
    load_results,
    run_statistics,
    unknown_metric,
)

CONFIDENCE = 0.95
RESAMPLES = 10_000


def summarise(
    results: Results,
    metric: str,
    by: str | list[str] = "scenario",
    statistic: str = "mean",
    confidence: float = CONFIDENCE,
) -> pd.DataFrame:
    """Mean, spread and a t confidence interval of the metric across replicates, per group.

    Columns: the `by` columns, `runs`, `mean`, `sd`, `ci_low`, `ci_high`, `min`, `max`,
    `undefined` (runs whose value is undefined, such as a prevention rate without a
    crisis: left out of the others). The interval is clipped to the range the metric
    can take (`analysis.measures.bounds`).
    """
    per_run = run_statistics(results, metric, statistic)
    by = [by] if isinstance(by, str) else list(by)
    unknown = [column for column in by if column not in per_run]
    if unknown:
        raise ResultsError(
            f"by: {unknown[0]!r} is not a column; expected scenario, point or a parameter "
            f"({', '.join(results.parameters) or 'none swept'})"
        )
    rows = []
    limits = bounds(metric)
    for key, all_values in per_run.groupby(by, sort=True)[metric]:
        values = all_values.dropna()
        low, high = map(
            float, clip_to(mean_interval(values.to_numpy(dtype=float), confidence), limits)
        )
        rows.append(
            {
                **dict(zip(by, key if isinstance(key, tuple) else (key,), strict=True)),
                "runs": int(values.size),
                "mean": float(values.mean()) if values.size else float("nan"),
                "sd": float(values.std(ddof=1)) if values.size > 1 else float("nan"),
                "ci_low": low,
                "ci_high": high,
                "min": float(values.min()) if values.size else float("nan"),
                "max": float(values.max()) if values.size else float("nan"),
                "undefined": int(all_values.size - values.size),
            }
        )
    table = pd.DataFrame(rows)
    table.attrs.update(metric=metric, statistic=statistic, confidence=confidence)
    return table


def mean_interval(values: np.ndarray, confidence: float = CONFIDENCE) -> tuple[float, float]:
    """Student-t confidence interval of the mean (NaN with fewer than two values). Not
    clipped: `summarise` clips it to the range of the metric it is about."""
    if values.size < 2:
        return float("nan"), float("nan")
    half = stats.t.ppf(0.5 + confidence / 2, values.size - 1) * stats.sem(values)
    mean = float(values.mean())
    if not np.isfinite(half):  # every value the same
        half = 0.0
    return mean - float(half), mean + float(half)


@dataclass(frozen=True)
class PairedDifference:
    """B minus A, over the replicates both ran on the same seed."""

    metric: str
    statistic: str
    a: str
    b: str
    pairs: int
    mean_a: float
    mean_b: float
    difference: float
    ci_low: float
    ci_high: float
    effect_size: float  # Cohen's d_z: the mean difference in standard deviations of the differences
    confidence: float
    differences: np.ndarray

    @property
    def relative(self) -> float:
        """The difference as a share of A's mean."""
        return self.difference / self.mean_a if self.mean_a else float("nan")

    def text(self) -> str:
        verb = "raises" if self.difference > 0 else "lowers"
        if self.ci_low <= 0 <= self.ci_high:
            verdict = "the interval includes no change"
        else:
            verdict = "the interval excludes no change"
        return (
            f"{self.b} vs {self.a}: {verb} {self.metric} "
            f"({describe_statistic(self.metric, self.statistic)}) by "
            f"{abs(self.difference):.3g} ({self.mean_a:.3g} -> {self.mean_b:.3g}), "
            f"{self.confidence:.0%} CI [{self.ci_low:.3g}, {self.ci_high:.3g}], "
            f"effect size d = {self.effect_size:.2f}, {self.pairs} paired replicates; "
            f"{verdict}"
        )

    def as_row(self) -> dict:
        return {
            "metric": self.metric,
            "a": self.a,
            "b": self.b,
            "pairs": self.pairs,
            "mean_a": self.mean_a,
            "mean_b": self.mean_b,
            "difference": self.difference,
            "ci_low": self.ci_low,
            "ci_high": self.ci_high,
            "effect_size": self.effect_size,
        }


def paired_difference(
    results: Results,
    metric: str,
    a: Mapping | str,
    b: Mapping | str,
    statistic: str = "mean",
    confidence: float = CONFIDENCE,
    resamples: int = RESAMPLES,
    seed: int = 0,
) -> PairedDifference:
    """How much setting `b` changes the metric relative to setting `a`.

    A setting is a scenario name, or a mapping of columns to values that picks one
    group of runs, e.g. `{"dispute_resolution_share": 1.0}` or
    `{"scenario": "baseline", "point": 3}`. Runs are paired by replicate (their
    shared seed); the interval is a percentile bootstrap over the pairs.
    """
    per_run = run_statistics(results, metric, statistic)
    first, first_label = _pick(per_run, a, "a")
    second, second_label = _pick(per_run, b, "b")
    joined = first.merge(second, on="replicate", suffixes=("_a", "_b"))
    # a replicate whose value is undefined on either side (no crisis: no prevention
    # rate) has no difference to give
    joined = joined[joined[f"{metric}_a"].notna() & joined[f"{metric}_b"].notna()]
    if (joined["seed_a"] != joined["seed_b"]).any():
        raise ResultsError(
            "a, b: the runs do not share seeds replicate by replicate, so they cannot be "
            "paired; compare them with summarise() instead"
        )
    if len(joined) < 2:
        raise ResultsError(
            f"a, b: {len(joined)} paired replicate(s); need at least 2 to give an interval"
        )
    values_a = joined[f"{metric}_a"].to_numpy(dtype=float)
    values_b = joined[f"{metric}_b"].to_numpy(dtype=float)
    differences = values_b - values_a
    low, high = bootstrap_interval(differences, confidence, resamples, seed)
    spread = differences.std(ddof=1)
    mean = float(differences.mean())
    effect = mean / spread if spread > 0 else (0.0 if mean == 0 else float("inf") * np.sign(mean))
    return PairedDifference(
        metric=metric,
        statistic=statistic,
        a=first_label,
        b=second_label,
        pairs=int(differences.size),
        mean_a=float(values_a.mean()),
        mean_b=float(values_b.mean()),
        difference=mean,
        ci_low=low,
        ci_high=high,
        effect_size=float(effect),
        confidence=confidence,
        differences=differences,
    )


def bootstrap_interval(
    values: np.ndarray, confidence: float = CONFIDENCE, resamples: int = RESAMPLES, seed: int = 0
) -> tuple[float, float]:
    """Percentile bootstrap interval of the mean, from a seeded generator."""
    rng = np.random.default_rng(seed)
    picks = rng.integers(0, values.size, size=(resamples, values.size))
    means = values[picks].mean(axis=1)
    tail = (1 - confidence) / 2 * 100
    low, high = np.percentile(means, [tail, 100 - tail])
    return float(low), float(high)


# above this many design points a table per point is too long to read: per scenario
MAX_POINTS_IN_TABLE = 30


def compare_results(
    path: str | Path,
    metrics: list[str] | None = None,
    by: list[str] | None = None,
    statistic: str | None = None,
    a: str | None = None,
    b: str | None = None,
) -> str:
    """What `run.py compare` prints: the metrics (default: the key outcomes) per group
    with 95% intervals; or, given two settings `a` and `b` (a scenario name, or
    `column=value,...`), their paired differences. Each run is reduced to one number
    first (a rate of two counts pooled over the run, prevented / crises)."""
    results = load_results(path)
    if (a is None) != (b is None):
        raise ResultsError("--a, --b: give both settings to compare, or neither")
    chosen = [(m, statistic or "mean") for m in metrics] if metrics else list(KEY_OUTCOMES)
    if statistic and not metrics:
        chosen = [(m, statistic) for m, _ in chosen]
    for metric, _ in chosen:
        if metric not in results.outcomes:
            raise ResultsError(unknown_metric(metric, results.outcomes))
    lines = [results.describe()]
    warning = results.incomplete_warning()
    if warning:
        lines.append(warning)
    if a is not None:
        first, second = _setting(a, "--a"), _setting(b, "--b")
        differences = [
            paired_difference(results, metric, first, second, reduction)
            for metric, reduction in chosen
        ]
        lines.append(
            f"B minus A, paired by replicate (runs on the same seed); A = {differences[0].a}, "
            f"B = {differences[0].b}; {differences[0].pairs} pairs, 95% bootstrap interval"
        )
        labels = [f"{d.metric} ({describe_statistic(d.metric, d.statistic)})" for d in differences]
        width = max(len(label) for label in labels)
        lines.append(
            f"  {'outcome':<{width}}  {'A':>9}  {'B':>9}  {'B - A':>9}  {'95% interval':<21}"
            f"{'d':>6}"
        )
        for label, d in zip(labels, differences, strict=True):
            interval = f"[{d.ci_low:+.3g}, {d.ci_high:+.3g}]"
            lines.append(
                f"  {label:<{width}}  {d.mean_a:>9.4g}  {d.mean_b:>9.4g}  {d.difference:>+9.3g}"
                f"  {interval:<21}{d.effect_size:>6.2f}"
            )
        return "\n".join(lines)
    if by is None:
        by = ["scenario"]
        if results.parameters and results.manifest.get("points", 1) <= MAX_POINTS_IN_TABLE:
            by += results.parameters
        elif results.parameters:
            lines.append(
                f"{results.manifest['points']} design points: summarised per scenario "
                "(name parameters with --by to split by them)"
            )
    for metric, reduction in chosen:
        table = summarise(results, metric, by=by, statistic=reduction)
        lines.append(
            f"{metric} ({describe_statistic(metric, reduction)}), mean of the runs [95% CI]"
        )
        keys = [
            "  ".join(_shown(value) for value in row) for row in table[by].itertuples(index=False)
        ]
        width = max([len(k) for k in keys] + [len("  ".join(by))])
        lines.append(f"  {'  '.join(by):<{width}}  {'runs':>5}  {'mean':>9}  95% interval")
        for key, row in zip(keys, table.itertuples(index=False), strict=True):
            interval = f"[{row.ci_low:.4g}, {row.ci_high:.4g}]" if np.isfinite(row.ci_low) else ""
            undefined = f"  ({row.undefined} undefined)" if row.undefined else ""
            lines.append(
                f"  {key:<{width}}  {row.runs:>5}  {row.mean:>9.4g}  {interval}{undefined}"
            )
    return "\n".join(lines)


def _setting(text: str, option: str) -> str | dict:
    """A scenario name, or `column=value,...` with each value read as YAML (1, 0.5, true)."""
    if "=" not in text:
        return text.strip()
    setting = {}
    for part in text.split(","):
        column, sep, value = part.partition("=")
        if not sep or not column.strip():
            raise ResultsError(
                f"{option} {text}: expected a scenario name or column=value,... "
                "(e.g. scenario=baseline,dispute_resolution_share=1)"
            )
        try:
            setting[column.strip()] = yaml.safe_load(value)
        except yaml.YAMLError:
            setting[column.strip()] = value.strip()
    return setting


def _shown(value: object) -> str:
    if isinstance(value, bool | np.bool_):
        return "yes" if value else "no"
    if isinstance(value, float | np.floating):
        return f"{value:g}"
    return str(value)


def _pick(per_run: pd.DataFrame, setting: Mapping | str, name: str) -> tuple[pd.DataFrame, str]:
    if isinstance(setting, str):
        setting = {"scenario": setting}
    chosen = np.ones(len(per_run), dtype=bool)
    for column, value in setting.items():
        if column not in per_run:
            raise ResultsError(f"{name}: {column!r} is not a column of the runs")
        if per_run[column].dtype.kind == "f":
            chosen &= np.isclose(per_run[column].to_numpy(dtype=float), float(value))
        else:
            chosen &= (per_run[column] == value).to_numpy()
    group = per_run[chosen]
    label = ", ".join(f"{k}={v}" if k != "scenario" else str(v) for k, v in setting.items())
    if group.empty:
        raise ResultsError(f"{name}: no runs match {label}")
    if group["replicate"].duplicated().any():
        raise ResultsError(
            f"{name}: {label} picks more than one run per replicate; "
            "name the scenario and the design point (or parameter values) exactly"
        )
    return group[["replicate", "seed", per_run.columns[-1]]], label
