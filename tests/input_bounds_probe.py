"""Run `run.py` once per command line given (a JSON list of argument lists), in this
fresh process, and print, as JSON, each call's exit status, stderr, CPU time and peak
of Python memory (tracemalloc, which also slows the CPU time it measures: a bound met
here is met with room to spare).

The hostile-input tests run it as a child process with a timeout and a memory limit,
so that a file which hangs or floods the reader fails its test instead of the run.
"""

from __future__ import annotations

import contextlib
import io
import json
import sys
import time
import tracemalloc
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import run  # noqa: E402
import simulation.scenario  # noqa: E402, F401  - imported before measuring
import simulation.sweeps.plan  # noqa: E402, F401


def probe(argv: list[str]) -> dict:
    out, err = io.StringIO(), io.StringIO()
    tracemalloc.reset_peak()
    started = time.process_time()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        try:
            code = run.main(argv)
        except BaseException as error:  # noqa: BLE001 - reported, not raised
            code = f"raised {type(error).__name__}: {error}"[:500]
    seconds = time.process_time() - started
    peak = tracemalloc.get_traced_memory()[1]
    return {"code": code, "stderr": err.getvalue(), "cpu_seconds": seconds, "peak_bytes": peak}


if __name__ == "__main__":
    tracemalloc.start()
    print(json.dumps([probe(argv) for argv in json.loads(sys.argv[1])]))
