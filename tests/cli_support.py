"""Shared pieces of the command-line tests: a tiny valid scenario and in-process calls."""

from __future__ import annotations

import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

import run  # noqa: E402

# A valid ten-nation scenario: 4 + 3 generated nations and 3 listed ones, two
# agreements in force, a rivalry and three scheduled events.
TINY = """\
name: tiny
seed: 7
steps: 6
regions:
  - name: North
    nations: 4
    threat: 0.4
  - name: South
    nations: 3
nations:
  - name: Alpha
    region: North
    capability: 2.0
  - name: Beta
    region: South
    capability: 1.0
  - name: Gamma
    region: South
    capability: 0.5
rivalries:
  - nations: [Alpha, Beta]
agreements:
  - id: AB
    kind: bilateral
    members: [Alpha, Beta]
    depth: 2
  - id: MULTI
    kind: multilateral
    regions: [North]
events:
  - step: 2
    type: crisis
    nations: [Alpha, Beta]
  - step: 3
    type: leave_agreement
    nation: Alpha
    agreement: AB
  - step: 4
    type: capability_surge
    nation: Gamma
    factor: 2.0
"""


def call(capsys, *argv) -> tuple[int, str, str]:
    """run.main in-process; argparse's own exits count as exit codes too."""
    try:
        code = run.main([str(arg) for arg in argv])
    except SystemExit as stop:
        code = stop.code
    out, err = capsys.readouterr()
    return code, out, err


def one_error_line(err: str) -> str:
    assert "Traceback" not in err, err
    lines = err.splitlines()
    assert len(lines) == 1, f"expected one line on stderr, got {len(lines)}:\n{err}"
    assert lines[0].strip(), "the error line is empty"
    return lines[0]
