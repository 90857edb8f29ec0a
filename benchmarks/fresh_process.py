"""Running a benchmark script again in a fresh process, for figures (peak memory, a
pool's start-up) that must not carry what the calling process already holds."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def in_fresh_process(script: str, *arguments: str) -> dict:
    """Run `script` with `arguments`; its last line of output, read as JSON."""
    output = subprocess.run(
        [sys.executable, script, *arguments],
        capture_output=True,
        text=True,
        check=True,
        cwd=ROOT,
    ).stdout
    return json.loads(output.strip().splitlines()[-1])
