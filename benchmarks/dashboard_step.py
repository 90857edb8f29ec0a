#!/usr/bin/env python3
"""Dashboard responsiveness: the time from a click on Step to the redrawn page.

    python benchmarks/dashboard_step.py [--steps 20] [--scenario baseline]

Starts `run.py dashboard` on a free loopback port, opens it in headless Chromium
(/usr/bin/chromium, or $CHROMIUM) and clicks Step `--steps` times, timing each
click until every panel of the page shows the new step: the network chart, the
outcomes chart and the event feed each carry the step in their title (the Python
step, every panel rebuilt, sent over the websocket and drawn). Prints
`dashboard nations=<N> median_ms=<float> p90_ms=<float> page_median_ms=<float>`:
`median_ms` and `p90_ms` from Playwright's click to the last panel redrawn;
`page_median_ms` from the click event in the page to the first frame showing every
panel at the new step, without Playwright's own time to find the button and check
that it can be clicked.
"""

from __future__ import annotations

import argparse
import os
import re
import socket
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

# what each panel of the first page shows at step N
PANEL_TITLES = (
    "Cooperation network at step {step}",
    "Stability and conflict prevention, to step {step}",
    "What happened to step {step}",
)

# the page notes when Step is clicked; `SHOWN` notes the first frame in which every
# panel shows the step (Playwright polls it at every animation frame)
NOTE_CLICKS = """() => {
    document.addEventListener('click', (event) => {
        if (event.target.closest('button')?.textContent.trim() === 'Step') {
            window.stepClicked = performance.now();
        }
    }, true);
}"""
SHOWN = """(patterns) => {
    const text = document.body.textContent;
    if (!patterns.every((pattern) => new RegExp(pattern).test(text))) return false;
    window.stepShown = performance.now();
    return true;
}"""


def shown_patterns(step: int) -> list[str]:
    # a title followed by no further digit: step 1 is not step 12
    return [re.escape(title.format(step=step)) + r"(?!\d)" for title in PANEL_TITLES]


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
            page.wait_for_function(SHOWN, arg=shown_patterns(0), timeout=90_000)
            if args.scenario != "baseline":
                page.get_by_role("textbox", name="Scenario", exact=True).click(force=True)
                page.get_by_role("option", name=args.scenario, exact=True).click()
                page.get_by_role("button", name="Reset", exact=True).click()
                page.wait_for_function(SHOWN, arg=shown_patterns(0))
            page.evaluate(NOTE_CLICKS)
            step_button = page.get_by_role("button", name="Step", exact=True)
            times, page_times = [], []
            for step in range(1, args.steps + 1):
                started = time.perf_counter()
                step_button.click()
                page.wait_for_function(SHOWN, arg=shown_patterns(step), polling="raf")
                times.append((time.perf_counter() - started) * 1000)
                page_times.append(page.evaluate("window.stepShown - window.stepClicked"))
            browser.close()
    finally:
        server.terminate()
        server.wait(timeout=10)
    times.sort()
    print(
        f"dashboard nations={nations} median_ms={statistics.median(times):.0f} "
        f"p90_ms={times[int(0.9 * (len(times) - 1))]:.0f} "
        f"page_median_ms={statistics.median(page_times):.0f}"
    )


if __name__ == "__main__":
    main()
