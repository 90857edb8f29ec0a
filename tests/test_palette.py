"""One palette: the dashboard and the analysis figures take every colour from
`simulation.palette`, and a sector is drawn in the colour of its row of the sector table
in both."""

from __future__ import annotations

import ast
import re

import pytest

from analysis import figures as analysis_figures
from analysis.results import load_results
from simulation.dashboard import figures as dashboard_figures
from simulation.dashboard.explorer import ExplorerModel
from simulation.sectors import SECTOR_TABLE
from tests.cli_support import ROOT, TINY, call

FIGURE_MODULES = ("simulation/dashboard/figures.py", "analysis/figures.py", "analysis/hindcast.py")
# hex colours, rgb()/hsl() colours, and the CSS names a chart is likely to reach for
COLOUR = re.compile(
    r"#[0-9a-fA-F]{3,8}\b|\b(rgba?|hsla?)\(|^(white|black|grey|gray|red|green|blue|orange)$"
)
TABLE_COLOURS = {row.name: row.colour for row in SECTOR_TABLE}


def colour_literals(source: str) -> list[str]:
    """String constants that name a colour; the pieces of f-strings (which build a
    colour from one given, as `_transparent` does) are left out."""
    tree = ast.parse(source)
    in_f_strings = {
        id(part)
        for node in ast.walk(tree)
        if isinstance(node, ast.JoinedStr)
        for part in node.values
    }
    return [
        node.value
        for node in ast.walk(tree)
        if isinstance(node, ast.Constant)
        and isinstance(node.value, str)
        and id(node) not in in_f_strings
        and COLOUR.search(node.value.strip())
    ]


@pytest.mark.parametrize("module", FIGURE_MODULES)
def test_the_figure_modules_define_no_colour_of_their_own(module):
    assert colour_literals((ROOT / module).read_text()) == []


def test_the_colour_check_finds_a_colour_written_in_a_figure_module():
    source = 'LINE = {"color": "#31a354"}\nRING = "white"\nFILL = f"rgba({1},{2},{3},0.2)"\n'
    assert sorted(colour_literals(source)) == ["#31a354", "white"]


def test_the_dashboard_stacks_each_sector_in_the_colour_of_its_table_row():
    model = ExplorerModel("indo_pacific", "")
    for _ in range(3):
        model.step()
    chart = dashboard_figures.agreements_figure(model, model.recorder.model_table())
    drawn = {
        t["name"]: t["line"]["color"] for t in chart["data"] if t.get("stackgroup") == "sector"
    }
    assert drawn == TABLE_COLOURS


def test_the_analysis_figures_draw_each_sector_in_the_colour_of_its_table_row(tmp_path, capsys):
    (tmp_path / "tiny.yaml").write_text(TINY.replace("steps: 6", "steps: 12"))
    out = tmp_path / "out"
    code, _, err = call(capsys, "run", tmp_path / "tiny.yaml", "--out", out, "--quiet")
    assert code == 0, err
    results = load_results(out)
    survival = analysis_figures.survival_figure(results, by=("sector",))
    drawn = {t.name.split(" (n=")[0]: t.line.color for t in survival.data}
    assert drawn, "the run signed no agreement to draw"
    assert drawn == {sector: TABLE_COLOURS[sector] for sector in drawn}
    network = analysis_figures.network_figure(results)
    ties = {t.name: t.line.color for t in network.data if t.mode == "lines"}
    assert ties == {sector: TABLE_COLOURS[sector] for sector in ties}
