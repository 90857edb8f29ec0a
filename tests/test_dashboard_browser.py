"""The dashboard in a real browser: Playwright driving Debian's Chromium.

The server is `run.py dashboard` itself, started on a free loopback port. Every
request the page makes outside that server is blocked, so the tests also show the
dashboard needs no network. Screenshots go to test-output/.
"""

from __future__ import annotations

import os
import re
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
CHROMIUM = Path(os.environ.get("CHROMIUM", "/usr/bin/chromium"))
OUTPUT = ROOT / "test-output"
LOAD_TIMEOUT = 90_000  # ms: the first page load imports the app in the server


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def start_dashboard(port: int, output=subprocess.DEVNULL) -> subprocess.Popen:
    """`run.py dashboard` on `port`, returned once it accepts connections."""
    process = subprocess.Popen(
        [sys.executable, "run.py", "dashboard", "--port", str(port)],
        cwd=ROOT,
        stdout=output,
        stderr=subprocess.STDOUT,
        text=True,
    )
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=1):
                return process
        except OSError:
            time.sleep(0.3)
    process.kill()
    pytest.fail("the dashboard did not start within a minute")


@pytest.fixture(scope="module")
def server():
    port = free_port()
    process = start_dashboard(port, output=subprocess.PIPE)
    first_line = process.stdout.readline().strip()
    yield {"address": f"http://127.0.0.1:{port}", "first_line": first_line}
    process.terminate()
    try:
        process.wait(timeout=10)
    except subprocess.TimeoutExpired:
        process.kill()


@pytest.fixture(scope="module")
def browser():
    if not CHROMIUM.exists():
        pytest.fail(f"no Chromium at {CHROMIUM}: install it (apt-get install -y chromium)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(
            executable_path=str(CHROMIUM), args=["--no-sandbox"], headless=True
        )
        yield launched
        launched.close()


class Visit:
    """One browser session on the dashboard, with every off-server request blocked."""

    def __init__(self, browser, address: str):
        self.context = browser.new_context(viewport={"width": 1500, "height": 1100})
        self.blocked: list[str] = []

        def only_local(route):
            if route.request.url.startswith(address):
                route.continue_()
            else:
                self.blocked.append(route.request.url)
                route.abort()

        self.context.route("**/*", only_local)
        self.page = self.context.new_page()
        self.page.goto(address)
        self.wait_for_step(0)

    def wait_for_step(self, step: int) -> None:
        self.page.get_by_text(f"Cooperation network at step {step}").wait_for(timeout=LOAD_TIMEOUT)

    def step(self, times: int = 1) -> None:
        for _ in range(times):
            current = self.current_step()
            self.page.get_by_role("button", name="Step", exact=True).click()
            self.wait_for_step(current + 1)

    def current_step(self) -> int:
        text = self.page.get_by_text(re.compile(r"Cooperation network at step \d+")).text_content()
        return int(text.rsplit(" ", 1)[-1])

    def plot_data(self, title: str) -> list[dict]:
        """The traces of the chart whose title is `title`, as Plotly holds them."""
        return self.page.evaluate(
            """(title) => {
                for (const plot of document.querySelectorAll('.js-plotly-plot')) {
                    const text = plot.layout && plot.layout.title && plot.layout.title.text;
                    if (text && text.startsWith(title)) {
                        return plot.data.map(t => ({name: t.name, x: Array.from(t.x || []),
                                                    y: Array.from(t.y || [])}));
                    }
                }
                return null;
            }""",
            title,
        )

    def close(self) -> None:
        self.context.close()


@pytest.fixture
def visit(server, browser):
    visits = []

    def open_visit() -> Visit:
        made = Visit(browser, server["address"])
        visits.append(made)
        return made

    yield open_visit
    for made in visits:
        made.close()


def test_the_dashboard_command_prints_its_loopback_address(server):
    assert server["first_line"].startswith(f"dashboard at {server['address']}")


def test_the_page_loads_offline_with_its_charts_drawn(visit):
    session = visit()
    page = session.page
    page.wait_for_function("document.querySelectorAll('.js-plotly-plot').length >= 2")
    network = session.plot_data("Cooperation network")
    assert network and sum(len(t["x"]) for t in network if t["name"] != "agreements") >= 60
    assert session.plot_data("Stability and conflict prevention")
    assert page.get_by_role("button", name="Reset", exact=True).is_visible()
    assert "Traceback" not in page.inner_text("body")
    OUTPUT.mkdir(exist_ok=True)
    page.screenshot(path=str(OUTPUT / "dashboard-loaded.png"), full_page=True)
    assert session.blocked == [], f"the page asked the network for {session.blocked[:3]}"


def test_step_advances_time_and_changes_the_charts(visit):
    session = visit()
    before = session.plot_data("Stability and conflict prevention")
    stability_before = next(t for t in before if t["name"] == "stability index")
    session.step(3)
    after = session.plot_data("Stability and conflict prevention")
    stability_after = next(t for t in after if t["name"] == "stability index")
    assert len(stability_after["x"]) == len(stability_before["x"]) + 3
    network = session.plot_data("Cooperation network at step 3")
    assert any(t["name"] and "," in t["name"] for t in network)  # agreements drawn by style
    assert session.page.get_by_text(re.compile(r"^step 3: ")).first.is_visible()
    OUTPUT.mkdir(exist_ok=True)
    session.page.screenshot(path=str(OUTPUT / "dashboard-step-3.png"), full_page=True)


def test_two_browser_sessions_have_models_of_their_own(visit):
    first, second = visit(), visit()
    first.step(2)
    second.page.reload()
    second.wait_for_step(0)
    assert second.current_step() == 0
    second.step()
    assert first.current_step() == 2


def choose_scenario(session: Visit, name: str) -> None:
    page = session.page
    page.get_by_role("textbox", name="Scenario", exact=True).click(force=True)
    page.get_by_role("option", name=name, exact=True).click()


def test_switching_scenario_and_resetting_builds_the_new_world(visit):
    session = visit()
    session.step()
    choose_scenario(session, "indo_pacific")
    session.page.get_by_role("button", name="Reset", exact=True).click()
    session.wait_for_step(0)
    regions = {t["name"] for t in session.plot_data("Cooperation network")}
    assert {"Northeast Asia", "Southeast Asia"} <= regions


def test_a_seed_typed_as_text_shows_a_message_and_no_traceback(visit):
    session = visit()
    page = session.page
    field = page.get_by_label("Seed (blank: the scenario's)")
    field.fill("not a number")
    field.press("Enter")
    page.get_by_role("button", name="Reset", exact=True).click()
    message = page.get_by_text(re.compile("seed: expected a whole number"))
    message.wait_for(timeout=30_000)
    assert "not a number" in message.inner_text()
    assert "Traceback" not in page.inner_text("body")
    session.step()  # the model still works


def test_stopping_the_dashboard_command_stops_its_server():
    port = free_port()
    process = start_dashboard(port)
    process.terminate()
    process.wait(timeout=15)
    time.sleep(1)
    with pytest.raises(OSError):  # nothing is left serving the port
        socket.create_connection(("127.0.0.1", port), timeout=1).close()
