"""The example notebook, analysis/notebooks/compare_scenarios.ipynb, executed as a reader
would run it: top to bottom in a fresh kernel of this environment's Python, here from a
temporary working directory with its sweep, figures and report sent to a temporary folder
(the way papermill injects parameters), so nothing is written into the repository.

One execution (under a minute here: the notebook runs its own 48-run sweep) serves every
test.
"""

from __future__ import annotations

import re
import sys
from pathlib import Path

import nbclient
import nbformat
import pytest
from nbformat.v4 import new_code_cell

# the kernel client's own deprecation (datetime.utcnow in jupyter_client), not ours
pytestmark = pytest.mark.filterwarnings("ignore::DeprecationWarning:jupyter_client.*")

ROOT = Path(__file__).resolve().parent.parent
NOTEBOOK = ROOT / "analysis" / "notebooks" / "compare_scenarios.ipynb"
PLOTLY = "application/vnd.plotly.v1+json"
KERNEL_LINE = re.compile(r"kernel: (?P<executable>\S+) (?P<prefix>\S+)")
# one sentence per (scenario, sovereignty weight), e.g. "... raise the conflict prevention
# rate by 0.026 (0.930 -> 0.956; 95% CI of the difference +0.009 to +0.043; effect size
# d = 1.26 over 4 paired replicates): the interval excludes zero."
PAIRED_SENTENCE = re.compile(
    r"In (?P<scenario>\w+) with sovereignty_weight [\d.]+, dispute-resolution provisions "
    r"in every new agreement \(dispute_resolution_share 0 -> 1\) "
    r"(?:(?:raise|lower) the conflict prevention rate by \d\.\d{3}"
    r"|leave the conflict prevention rate unchanged) "
    r"\(\d\.\d{3} -> \d\.\d{3}; 95% CI of the difference [+-]\d\.\d{3} to [+-]\d\.\d{3}; "
    r"effect size d = -?(?:\d+\.\d{2}|inf) over 4 paired replicates\): "
    r"the interval (?:excludes|includes) zero\."
)


def repo_entries() -> set[str]:
    """What a stray write from the notebook would change: results/ and its own folder."""
    folders = (ROOT / "results", NOTEBOOK.parent)
    return {str(path) for folder in folders if folder.is_dir() for path in folder.iterdir()}


@pytest.fixture(scope="module")
def executed(tmp_path_factory):
    """The notebook after execution, the folder it wrote into and the repo before it ran."""
    workdir = tmp_path_factory.mktemp("notebook-cwd")
    outputs = tmp_path_factory.mktemp("notebook-outputs")
    notebook = nbformat.read(NOTEBOOK, as_version=4)
    parameters = next(
        index
        for index, cell in enumerate(notebook.cells)
        if "parameters" in cell.metadata.get("tags", [])
    )
    notebook.cells.insert(
        parameters + 1,
        new_code_cell(
            f"OUTPUT = {str(outputs / 'sweep')!r}\nEXPORTS = {str(outputs / 'exports')!r}"
        ),
    )
    notebook.cells.append(new_code_cell("import sys\nprint('kernel:', sys.executable, sys.prefix)"))
    before = repo_entries()
    client = nbclient.NotebookClient(
        notebook,
        kernel_name="python3",
        timeout=600,
        resources={"metadata": {"path": str(workdir)}},
    )
    client.execute()  # raises CellExecutionError, with the cell and traceback, on any error
    return notebook, outputs, before


def stream_text(notebook) -> str:
    return "".join(
        output.get("text", "")
        for cell in notebook.cells
        if cell.cell_type == "code"
        for output in cell.outputs
        if output.output_type == "stream" and output.name == "stdout"
    )


@pytest.mark.slow
def test_notebook_runs_top_to_bottom_in_this_environments_kernel_without_writing_to_the_repo(
    executed,
):
    notebook, outputs, before = executed
    errors = [
        output
        for cell in notebook.cells
        if cell.cell_type == "code"
        for output in cell.outputs
        if output.output_type == "error"
    ]
    assert errors == []
    kernel = KERNEL_LINE.search(stream_text(notebook))
    assert kernel is not None
    assert kernel["executable"] == sys.executable
    assert kernel["prefix"] == sys.prefix
    assert (outputs / "sweep" / "sweep.json").is_file()
    assert len(list((outputs / "sweep" / "model").glob("*.parquet"))) == 48
    assert repo_entries() == before


@pytest.mark.slow
def test_notebook_states_each_paired_difference_with_its_interval_and_effect_size(executed):
    notebook, _, _ = executed
    text = stream_text(notebook)
    sentences = [match["scenario"] for match in PAIRED_SENTENCE.finditer(text)]
    assert sorted(sentences) == sorted(["baseline", "north_atlantic", "southeast_asia"] * 2)
    assert re.search(r"positive in \d of 6 settings; its interval excludes zero in \d", text)
    assert re.search(r"Mean stability index over a run \(95% CI\), highest first", text)


@pytest.mark.slow
def test_notebook_draws_its_figures_and_exports_png_html_and_the_report(executed):
    notebook, outputs, _ = executed
    plotly_outputs = [
        output
        for cell in notebook.cells
        if cell.cell_type == "code"
        for output in cell.outputs
        if PLOTLY in output.get("data", {})
    ]
    # two over time, one heatmap per scenario, network, survival, exits
    assert len(plotly_outputs) >= 8
    exports = outputs / "exports"
    assert (exports / "stability_over_time.png").read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    assert "plotly" in (exports / "stability_over_time.html").read_text(encoding="utf-8")
    report = (exports / "report.html").read_text(encoding="utf-8")
    assert report.startswith("<!DOCTYPE html>")
    assert "Sweep report: compare_scenarios" in report


def test_committed_notebook_carries_no_outputs():
    notebook = nbformat.read(NOTEBOOK, as_version=4)
    nbformat.validate(notebook)
    code = [cell for cell in notebook.cells if cell.cell_type == "code"]
    assert all(cell.outputs == [] and cell.execution_count is None for cell in code)
