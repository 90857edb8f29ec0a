#!/usr/bin/env python3
"""Dashboard responsiveness: the time from a click on Step to the redrawn page.

    python benchmarks/dashboard_step.py [--steps 20] [--scenario baseline]

Starts `run.py dashboard` on a free loopback port, opens it in headless Chromium
(/usr/bin/chromium, or $CHROMIUM) and clicks Step `--steps` times, timing each
click until the network chart shows the new step (the Python step, every panel of
the page rebuilt, sent over the websocket and drawn by Plotly). Prints
`dashboard nations=<N> median_ms=<float> p90_ms=<float>`.
"""

from __future__ import annotations

import argparse
import os
import socket
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--steps", type=int, default=20)
    parser.add_argument("--scenario", default="baseline")
    args = parser.parse_args()
    sys.path.insert(0, str(ROOT))
    from playwright.sync_api import sync_playwright

    from simulation.scenario import load_scenario

    nations = len(load_scenario(ROOT / "scenarios" / f"{args.scenario}.yaml").nation_names())
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    server = subprocess.Popen(
        [sys.executable, "run.py", "dashboard", "--port", str(port)],
        cwd=ROOT,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        for _ in range(200):
            try:
                socket.create_connection(("127.0.0.1", port), timeout=1).close()
                break
            except OSError:
                time.sleep(0.3)
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(
                executable_path=os.environ.get("CHROMIUM", "/usr/bin/chromium"),
                args=["--no-sandbox"],
                headless=True,
            )
            page = browser.new_page(viewport={"width": 1500, "height": 1100})
            page.goto(f"http://127.0.0.1:{port}/")
            page.get_by_text("Cooperation network at step 0").wait_for(timeout=90_000)
            if args.scenario != "baseline":
                page.get_by_role("textbox", name="Scenario", exact=True).click(force=True)
                page.get_by_role("option", name=args.scenario, exact=True).click()
                page.get_by_role("button", name="Reset", exact=True).click()
                page.get_by_text("Cooperation network at step 0").wait_for()
            step_button = page.get_by_role("button", name="Step", exact=True)
            times = []
            for step in range(1, args.steps + 1):
                started = time.perf_counter()
                step_button.click()
                page.get_by_text(f"Cooperation network at step {step}").wait_for()
                times.append((time.perf_counter() - started) * 1000)
            browser.close()
    finally:
        server.terminate()
        server.wait(timeout=10)
    times.sort()
    print(
        f"dashboard nations={nations} median_ms={statistics.median(times):.0f} "
        f"p90_ms={times[int(0.9 * (len(times) - 1))]:.0f}"
    )


if __name__ == "__main__":
    main()
