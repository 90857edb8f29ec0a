"""What a run folder holds, and that its tables agree with each other and with the API.

Two runs are made once per module through the real CLI: a ten-nation scenario with
agreements in force and scheduled events, and the baseline cut to five steps.
"""

from __future__ import annotations

import itertools
import json
import re
import subprocess
import sys
from dataclasses import dataclass
from importlib import metadata
from pathlib import Path

import pandas as pd
import pytest

from tests.cli_support import TINY  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
BASELINE = ROOT / "scenarios" / "baseline.yaml"


MODEL_COLUMNS = [
    "states",
    "stability_index",
    "conflict_prevention_rate",
    "crises",
    "conflicts_prevented",
    "conflicts_escalated",
    "active_agreements",
    "bilateral_agreements",
    "multilateral_agreements",
    "mean_depth",
    "signings",
    "deepenings",
    "renewals",
    "exits",
    "network_density",
    "transitivity",
    "mean_trust",
    "capability_gini",
    "sovereignty_tension",
]
TABLES = ("model", "nations", "agreements", "memberships", "events")
SEPARATOR = "; "  # members are listed in one text cell, joined by this


@dataclass
class RunFolder:
    path: Path
    scenario_file: Path
    overrides: dict
    stdout: str

    def table(self, name: str) -> pd.DataFrame:
        return pd.read_parquet(self.path / f"{name}.parquet")

    @property
    def manifest(self) -> dict:
        return json.loads((self.path / "manifest.json").read_text())

    def scenario(self):
        from simulation import load_scenario

        return load_scenario(self.scenario_file, self.overrides)


def cli_run(scenario: Path, out: Path, *extra: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "run.py", "run", str(scenario), "--out", str(out), *extra],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=300,
    )


@pytest.fixture(scope="module")
def tiny_run(tmp_path_factory) -> RunFolder:
    folder = tmp_path_factory.mktemp("tiny")
    scenario = folder / "tiny.yaml"
    scenario.write_text(TINY)
    done = cli_run(scenario, folder / "run")
    assert done.returncode == 0, done.stderr
    return RunFolder(folder / "run", scenario, {}, done.stdout)


@pytest.fixture(scope="module")
def baseline_run(tmp_path_factory) -> RunFolder:
    folder = tmp_path_factory.mktemp("baseline")
    done = cli_run(BASELINE, folder / "run", "--steps", "5")
    assert done.returncode == 0, done.stderr
    return RunFolder(folder / "run", BASELINE, {"steps": 5}, done.stdout)


@pytest.fixture(params=["tiny", "baseline"])
def run_folder(request) -> RunFolder:
    return request.getfixturevalue(f"{request.param}_run")


def active_at(frame: pd.DataFrame, step: int, start: str, end: str) -> pd.DataFrame:
    """Rows in force at `step`: started at or before it, not ended by it."""
    ended = frame[end]
    return frame[(frame[start] <= step) & (ended.isna() | (ended > step))]


def members(cell: str) -> set[str]:
    return set(cell.split(SEPARATOR)) if cell else set()


# --- the tables and their columns ---------------------------------------------


def test_model_table_has_one_row_per_step_and_the_fixed_outcome_columns(run_folder):
    model = run_folder.table("model")
    steps = run_folder.scenario().steps
    assert model.columns[0] == "step"
    missing = [c for c in MODEL_COLUMNS if c not in model.columns]
    assert not missing, f"model table lacks {missing}"
    assert model["step"].is_monotonic_increasing and model["step"].is_unique
    assert model["step"].iloc[-1] == steps
    assert list(model["step"]) == list(range(model["step"].iloc[0], steps + 1))
    assert model["step"].iloc[0] in (0, 1)
    assert model[MODEL_COLUMNS].notna().all().all()
    assert model["stability_index"].between(0, 1).all()
    assert model["conflict_prevention_rate"].between(0, 1).all()
    assert (
        model["active_agreements"]
        == model["bilateral_agreements"] + model["multilateral_agreements"]
    ).all()
    assert (model["crises"] == model["conflicts_prevented"] + model["conflicts_escalated"]).all()


def test_nations_table_has_one_row_per_step_and_nation(run_folder):
    nations = run_folder.table("nations")
    model = run_folder.table("model")
    names = run_folder.scenario().nation_names()
    assert {"step", "nation"} <= set(nations.columns)
    assert not nations.duplicated(["step", "nation"]).any()
    assert len(nations) == len(model) * len(names)
    assert set(nations["nation"]) == set(names)
    assert set(nations["step"]) == set(model["step"])


def test_agreements_table_has_kind_sector_members_lifetime_and_depth_history(run_folder):
    from simulation.domain import MAX_DEPTH, MIN_DEPTH, Sector

    agreements = run_folder.table("agreements")
    required = {
        "agreement_id",
        "kind",
        "sector",
        "members",
        "signed_step",
        "ended_step",
        "end_reason",
        "initial_depth",
        "max_depth",
        "final_depth",
        "depth_history",
    }
    assert required <= set(agreements.columns)
    assert agreements["agreement_id"].is_unique
    assert set(agreements["kind"]) <= {"bilateral", "multilateral"}
    assert set(agreements["sector"]) <= {s.value for s in Sector}
    # an agreement has ended exactly when it has a reason for ending
    assert (agreements["ended_step"].isna() == agreements["end_reason"].isna()).all()
    ended = agreements.dropna(subset=["ended_step"])
    assert (ended["ended_step"] >= ended["signed_step"]).all()
    for depth in ("initial_depth", "max_depth", "final_depth"):
        assert agreements[depth].between(MIN_DEPTH, MAX_DEPTH).all()
    assert (
        agreements["max_depth"] >= agreements[["initial_depth", "final_depth"]].max(axis=1)
    ).all()
    bilateral = agreements[agreements["kind"] == "bilateral"]
    assert (bilateral["members"].map(lambda cell: len(members(cell))) == 2).all()


def test_memberships_table_has_its_columns_and_null_left_step_while_still_a_member(run_folder):
    memberships = run_folder.table("memberships")
    assert list(memberships.columns) == ["agreement_id", "nation", "joined_step", "left_step"]
    assert memberships["left_step"].isna().any(), "somebody should still be a member"
    assert memberships["joined_step"].notna().all()
    left = memberships.dropna(subset=["left_step"])
    assert (left["left_step"] >= left["joined_step"]).all()
    known = set(run_folder.table("agreements")["agreement_id"])
    assert set(memberships["agreement_id"]) <= known


def test_events_table_records_what_happened_at_steps_inside_the_run(run_folder):
    events = run_folder.table("events")
    model = run_folder.table("model")
    assert {"step", "event"} <= set(events.columns)
    assert len(events) > 0
    assert events["step"].between(1, model["step"].iloc[-1]).all()
    signed = events[events["event"] == "signed"]
    assert len(signed) == model["signings"].sum()
    assert (events["event"] == "exited").sum() == model["exits"].sum()


def test_manifest_records_resolved_scenario_seed_versions_git_revision_and_wall_time(
    run_folder,
):
    from simulation import scenario_from_dict

    manifest = run_folder.manifest
    scenario = run_folder.scenario()
    assert manifest["seed"] == scenario.seed
    # the resolved scenario: every default filled in, overrides applied
    assert manifest["scenario"] == scenario.model_dump(mode="json")
    assert scenario_from_dict(manifest["scenario"]) == scenario
    packages = manifest["packages"]
    for name in ("mesa", "numpy", "pandas", "pyarrow", "pydantic"):
        assert packages[name] == metadata.version(name)
    assert re.fullmatch(r"[0-9a-f]{40}(\+dirty)?", manifest["git_revision"] or ""), manifest[
        "git_revision"
    ]
    assert isinstance(manifest["wall_seconds"], int | float) and manifest["wall_seconds"] >= 0
    assert sorted(manifest["files"]) == sorted(f"{t}.parquet" for t in TABLES)
    for table in TABLES:
        assert manifest["rows"][table] == len(run_folder.table(table))


def test_run_from_the_manifest_scenario_reproduces_the_run(run_folder):
    from simulation import run_scenario, scenario_from_dict

    again = run_scenario(scenario_from_dict(run_folder.manifest["scenario"])).tables()
    pd.testing.assert_frame_equal(again["model"], run_folder.table("model"))


# --- the Python API gives the CLI's tables -------------------------------------


def test_run_scenario_tables_equal_the_parquet_files_the_cli_wrote(run_folder):
    from simulation import load_scenario, run_scenario

    tables = run_scenario(load_scenario(run_folder.scenario_file, run_folder.overrides)).tables()
    assert sorted(tables) == sorted(TABLES)
    for name in TABLES:
        pd.testing.assert_frame_equal(tables[name], run_folder.table(name), obj=name)


def test_stepping_the_model_by_hand_gives_the_cli_tables_through_all_tables(tiny_run):
    from simulation import DefenseCooperationModel, all_tables, load_scenario

    scenario = load_scenario(tiny_run.scenario_file)
    model = DefenseCooperationModel(scenario)
    for _ in range(scenario.steps):
        model.step()
    tables = all_tables(model)
    for name in TABLES:
        pd.testing.assert_frame_equal(tables[name], tiny_run.table(name), obj=name)


# --- the tables agree with each other -------------------------------------------


def test_members_of_active_agreements_at_the_end_are_the_open_memberships(run_folder):
    agreements = run_folder.table("agreements").set_index("agreement_id")
    memberships = run_folder.table("memberships")
    open_spells = memberships[memberships["left_step"].isna()]
    open_members = open_spells.groupby("agreement_id")["nation"].apply(set).to_dict()
    active = agreements[agreements["ended_step"].isna()]
    assert set(open_members) == set(active.index)
    for agreement_id, row in active.iterrows():
        assert members(row["members"]) == open_members[agreement_id], agreement_id
        assert row["member_count"] == len(open_members[agreement_id])
    assert not open_spells.duplicated(["agreement_id", "nation"]).any()


def test_active_agreement_counts_match_the_model_table_at_every_step(run_folder):
    model = run_folder.table("model").set_index("step")
    agreements = run_folder.table("agreements")
    last = model.index[-1]
    assert model.loc[last, "active_agreements"] == agreements["ended_step"].isna().sum()
    for step in model.index:
        active = active_at(agreements, step, "signed_step", "ended_step")
        assert model.loc[step, "active_agreements"] == len(active), step
        for kind in ("bilateral", "multilateral"):
            assert model.loc[step, f"{kind}_agreements"] == (active["kind"] == kind).sum()


def test_memberships_rebuild_the_network_at_every_step(run_folder):
    """Agreements with members at a step, the pairs of nations tied, density and degree."""
    model = run_folder.table("model").set_index("step")
    nations = run_folder.table("nations").set_index(["step", "nation"])
    agreements = run_folder.table("agreements")
    memberships = run_folder.table("memberships")
    names = run_folder.scenario().nation_names()
    pairs_possible = len(names) * (len(names) - 1) / 2
    for step in model.index:
        spells = active_at(memberships, step, "joined_step", "left_step")
        groups = spells.groupby("agreement_id")["nation"].apply(sorted)
        active = active_at(agreements, step, "signed_step", "ended_step")
        assert set(groups.index) == set(active["agreement_id"]), step
        assert (groups.map(len) >= 2).all()
        edges = {pair for group in groups for pair in itertools.combinations(group, 2)}
        assert model.loc[step, "network_density"] == pytest.approx(len(edges) / pairs_possible)
        degree = dict.fromkeys(names, 0)
        for a, b in edges:
            degree[a] += 1
            degree[b] += 1
        recorded = nations.xs(step, level="step")["degree"]
        assert recorded.to_dict() == degree, step


def test_memberships_lie_within_the_lifetime_of_their_agreement(run_folder):
    agreements = run_folder.table("agreements").set_index("agreement_id")
    memberships = run_folder.table("memberships").join(agreements, on="agreement_id")
    assert (memberships["joined_step"] >= memberships["signed_step"]).all()
    ended = memberships.dropna(subset=["ended_step"])
    assert ended["left_step"].notna().all(), "members of an ended agreement must have left"
    assert (ended["left_step"] <= ended["ended_step"]).all()
    founders = memberships[memberships["joined_step"] == memberships["signed_step"]]
    for agreement_id, group in founders.groupby("agreement_id"):
        assert set(group["nation"]) <= members(agreements.loc[agreement_id, "founding_members"])


# --- the scenario's own agreements and events reach the tables ------------------


def test_agreements_in_force_at_the_start_appear_with_their_founders(tiny_run):
    agreements = tiny_run.table("agreements").set_index("agreement_id")
    ab, multi = agreements.loc["AB"], agreements.loc["MULTI"]
    assert (ab["kind"], ab["signed_step"], ab["initial_depth"]) == ("bilateral", 0, 2)
    assert members(ab["founding_members"]) == {"Alpha", "Beta"}
    assert multi["kind"] == "multilateral" and multi["signed_step"] == 0
    # `regions: [North]` brings in every North nation, listed or generated
    assert members(multi["founding_members"]) == {
        "Alpha",
        "North 1",
        "North 2",
        "North 3",
        "North 4",
    }


def test_scheduled_withdrawal_ends_the_membership_by_its_step(tiny_run):
    memberships = tiny_run.table("memberships")
    spell = memberships[(memberships["agreement_id"] == "AB") & (memberships["nation"] == "Alpha")]
    assert len(spell) == 1
    left = spell["left_step"].iloc[0]
    assert pd.notna(left) and left <= 3
    scheduled = tiny_run.table("events").query("event == 'scheduled'")
    assert set(scheduled["step"]) == {2, 3, 4}
