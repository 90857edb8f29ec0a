"""The dashboard server, able to say what it holds: for memory tests and benchmarks.

    python -m simulation.dashboard.census --port 8765 --census census.jsonl

Serves the dashboard as `run.py dashboard` does. On SIGUSR1 it collects garbage and
appends one JSON line to the census file: its resident memory (`rss_kb`, from
/proc/self/status), the sessions open (`sessions`, solara's virtual kernels) and the
dashboard models and charts still alive (`models`, `charts`); a closed session's must
not be among them. Read by tests/test_dashboard_browser.py and
benchmarks/dashboard_memory.py. Linux only (/proc, SIGUSR1).
"""

from __future__ import annotations

import argparse
import gc
import json
import os
import runpy
import signal
import subprocess
import sys
import time
from pathlib import Path

APP = Path(__file__).with_name("app.py")


def resident_kilobytes(pid: int | str = "self") -> int:
    """A process's resident memory (VmRSS), in kB."""
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1])
    raise RuntimeError(f"no VmRSS in /proc/{pid}/status")


def take_census() -> dict:
    """What this server holds now, after a full garbage collection."""
    from solara.server import kernel_context

    from simulation.dashboard.explorer import ExplorerModel
    from simulation.dashboard.live_figure import PlotlyChart

    gc.collect()
    alive = gc.get_objects()
    return {
        "rss_kb": resident_kilobytes(),
        "sessions": len(kernel_context.contexts),
        "models": sum(1 for thing in alive if isinstance(thing, ExplorerModel)),
        "charts": sum(1 for thing in alive if isinstance(thing, PlotlyChart)),
    }


def request_census(server: subprocess.Popen, census_file: Path, timeout: float = 60) -> dict:
    """Ask the census server `server` (this module, run) for a census, and return it."""
    written = len(census_file.read_text().splitlines()) if census_file.exists() else 0
    server.send_signal(signal.SIGUSR1)
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        lines = census_file.read_text().splitlines() if census_file.exists() else []
        if len(lines) > written:
            return json.loads(lines[-1])
        time.sleep(0.2)
    raise TimeoutError(f"the census server wrote no census to {census_file} in {timeout:.0f} s")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8765)
    parser.add_argument("--census", type=Path, required=True, help="file the census lines go to")
    args = parser.parse_args()

    def write_census(_signal, _frame) -> None:
        with args.census.open("a", encoding="utf-8") as out:
            out.write(json.dumps(take_census()) + "\n")

    # set here, in the main thread, before the server takes it over: uvicorn handles
    # only SIGINT and SIGTERM itself
    signal.signal(signal.SIGUSR1, write_census)
    os.environ["SOLARA_TELEMETRY_MIXPANEL_ENABLE"] = "False"
    sys.argv = ["solara", "run", str(APP), "--production", "--no-open", "--no-check-version"]
    sys.argv += ["--host", args.host, "--port", str(args.port)]
    runpy.run_module("solara", run_name="__main__", alter_sys=True)


if __name__ == "__main__":
    main()
