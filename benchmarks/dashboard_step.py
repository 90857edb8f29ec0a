#!/usr/bin/env python3
"""Dashboard responsiveness: the time from a click on Step to the redrawn page, tab by tab.

    python benchmarks/dashboard_step.py [--steps 20] [--scenario baseline] [--tab NAME ...]

Starts `run.py dashboard` on a free loopback port, opens it in headless Chromium
(/usr/bin/chromium, or $CHROMIUM), and for each tab (all four unless `--tab` names
some) opens the tab and clicks Step `--steps` times, timing each click until every
panel on screen shows the new step: each chart of the tab and the headline figures
carry the step in their titles (`panels.STEP_SHOWN`), so the time covers the Python
step, every visible panel rebuilt, sent over the websocket and drawn by Plotly.
Prints one line a tab:

    dashboard tab=<name> nations=<N> median_ms=<float> p90_ms=<float> page_median_ms=<float>

`median_ms` and `p90_ms` from Playwright's click to the last panel redrawn;
`page_median_ms` from the click event in the page to the first frame showing every
panel at the new step, without Playwright's own time to find the button and check
that it can be clicked. A scenario shorter than the steps asked for is started again
(the scenario chosen anew) when it ends.
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
sys.path.insert(0, str(ROOT))

from simulation.dashboard.panels import HEADLINE_STEP, STEP_SHOWN  # noqa: E402

# the page notes when Step is clicked; `SHOWN` notes the first frame in which every
# panel shows the step (Playwright polls it at every animation frame)
NOTE_CLICKS = """() => {
    document.addEventListener('click', (event) => {
        if (event.target.closest('button')?.textContent.trim().endsWith('Step')) {
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


def shown_patterns(tab: str, step: int) -> list[str]:
    # a title followed by no further digit: step 1 is not step 12
    titles = (HEADLINE_STEP, *STEP_SHOWN[tab])
    return [re.escape(title.format(step=step)) + r"(?!\d)" for title in titles]


def current_step(page) -> int:
    text = page.get_by_text(re.compile(r"headline figures at step \d+")).first.text_content()
    return int(text.rsplit(" ", 1)[-1])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--steps", type=int, default=20)
    parser.add_argument("--scenario", default="baseline")
    parser.add_argument("--tab", action="append", choices=list(STEP_SHOWN), dest="tabs")
    args = parser.parse_args()
    from playwright.sync_api import sync_playwright

    from simulation.scenario import load_scenario

    scenario = load_scenario(ROOT / "scenarios" / f"{args.scenario}.yaml")
    nations = len(scenario.nation_names())
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    server = subprocess.Popen(
        [sys.executable, "run.py", "dashboard", "--port", str(port)],
        cwd=ROOT,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    results = []
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
            first_tab = next(iter(STEP_SHOWN))
            page.wait_for_function(SHOWN, arg=shown_patterns(first_tab, 0), timeout=90_000)

            def choose_scenario() -> None:
                # choosing a scenario builds it at once; choosing the same again restarts it
                page.get_by_role("textbox", name="Scenario", exact=True).click(force=True)
                page.get_by_role("option", name=args.scenario, exact=True).click()

            if args.scenario != "baseline":
                choose_scenario()
                page.wait_for_function(SHOWN, arg=shown_patterns(first_tab, 0))
            page.evaluate(NOTE_CLICKS)
            step_button = page.get_by_role("button", name="Step", exact=True)
            for tab in args.tabs or list(STEP_SHOWN):
                page.get_by_role("tab", name=tab, exact=True).click()
                step = current_step(page)
                page.wait_for_function(SHOWN, arg=shown_patterns(tab, step), timeout=60_000)
                times, page_times = [], []
                for _ in range(args.steps):
                    if step >= scenario.steps:  # the scenario has ended: start it again
                        page.get_by_role("button", name="Reset", exact=True).click()
                        step = 0
                        page.wait_for_function(SHOWN, arg=shown_patterns(tab, step))
                    started = time.perf_counter()
                    step_button.click()
                    step += 1
                    page.wait_for_function(SHOWN, arg=shown_patterns(tab, step), polling="raf")
                    times.append((time.perf_counter() - started) * 1000)
                    page_times.append(page.evaluate("window.stepShown - window.stepClicked"))
                times.sort()
                results.append(
                    f'dashboard tab="{tab}" nations={nations} '
                    f"median_ms={statistics.median(times):.0f} "
                    f"p90_ms={times[int(0.9 * (len(times) - 1))]:.0f} "
                    f"page_median_ms={statistics.median(page_times):.0f}"
                )
                print(results[-1], flush=True)
            browser.close()
    finally:
        server.terminate()
        server.wait(timeout=10)


if __name__ == "__main__":
    main()
