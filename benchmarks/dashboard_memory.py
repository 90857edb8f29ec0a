#!/usr/bin/env python3
"""Dashboard memory under load: rounds of browser sessions opened, stepped and closed.

    python benchmarks/dashboard_memory.py [--rounds 2] [--sessions 8] [--steps 2]

Serves the dashboard through `simulation.dashboard.census` (the dashboard server,
which on SIGUSR1 collects garbage and reports its resident memory, the sessions open
and the dashboard models and charts alive) on a free loopback port, and drives
headless Chromium (/usr/bin/chromium, or $CHROMIUM): each round opens `--sessions`
pages, clicks Step `--steps` times in each, then closes them as a person closes a
tab, and waits (up to a minute) until the server has closed every session and freed
its model and charts. Prints one line per census:

    dashboard_memory when=<start|round N open|round N closed> rss_mb=<float>
        sessions=<int> models=<int> charts=<int>

and last `growth_after_first_round=<percent>`: resident memory after the last round
closed against after the first (tests/test_dashboard_browser.py allows 10%).
"""

from __future__ import annotations

import argparse
import os
import re
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
LOAD_TIMEOUT = 90_000  # ms: the first page load imports the app in the server


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def wait_for_step(page, step: int) -> None:
    pattern = re.compile(rf"Cooperation network at step {step}(?!\d)")
    page.get_by_text(pattern).first.wait_for(timeout=LOAD_TIMEOUT)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--rounds", type=int, default=2)
    parser.add_argument("--sessions", type=int, default=8)
    parser.add_argument("--steps", type=int, default=2)
    args = parser.parse_args()
    sys.path.insert(0, str(ROOT))
    from playwright.sync_api import sync_playwright

    from simulation.dashboard.census import request_census

    port = free_port()
    address = f"http://127.0.0.1:{port}"
    census_file = Path(tempfile.mkdtemp(prefix="dashboard-memory-")) / "census.jsonl"
    server = subprocess.Popen(
        [sys.executable, "-m", "simulation.dashboard.census", "--port", str(port)]
        + ["--census", str(census_file)],
        cwd=ROOT,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    closed_rss: list[int] = []

    def report(when: str, census: dict) -> None:
        print(
            f"dashboard_memory when={when.replace(' ', '_')} "
            f"rss_mb={census['rss_kb'] / 1024:.1f} sessions={census['sessions']} "
            f"models={census['models']} charts={census['charts']}",
            flush=True,
        )

    try:
        for _ in range(200):
            try:
                socket.create_connection(("127.0.0.1", port), timeout=1).close()
                break
            except OSError:
                time.sleep(0.3)
        report("start", request_census(server, census_file))
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(
                executable_path=os.environ.get("CHROMIUM", "/usr/bin/chromium"),
                args=["--no-sandbox"],
                headless=True,
            )
            for round_number in range(1, args.rounds + 1):
                pages = []
                for _ in range(args.sessions):
                    page = browser.new_context(viewport={"width": 1500, "height": 1100}).new_page()
                    page.goto(address)
                    wait_for_step(page, 0)
                    for step in range(1, args.steps + 1):
                        page.get_by_role("button", name="Step", exact=True).click()
                        wait_for_step(page, step)
                    pages.append(page)
                report(f"round {round_number} open", request_census(server, census_file))
                for page in pages:
                    page.close(run_before_unload=True)  # as a tab closes: the server is told
                    page.context.close()
                deadline = time.monotonic() + 60
                while True:
                    census = request_census(server, census_file)
                    settled = census["sessions"] + census["models"] + census["charts"] == 0
                    if settled or time.monotonic() > deadline:
                        break
                    time.sleep(1)
                report(f"round {round_number} closed", census)
                closed_rss.append(census["rss_kb"])
            browser.close()
    finally:
        server.terminate()
        server.wait(timeout=10)
    growth = 100 * (closed_rss[-1] / closed_rss[0] - 1)
    print(f"dashboard_memory growth_after_first_round={growth:.1f}%")


if __name__ == "__main__":
    main()
