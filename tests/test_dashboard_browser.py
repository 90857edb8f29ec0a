"""The dashboard in a real browser: Playwright driving Debian's Chromium.

The server is `run.py dashboard` itself, started on a free loopback port, its output
kept in a file. Every request the page makes outside that server is blocked and
recorded, and every visit ends by asserting that the page asked nothing of any other
host, logged no console error, met no script error and got no 404 (or any status of
400 or more). Screenshots of every tab go to a pytest temporary folder; their paths
are printed (`pytest -s` shows them).
"""

from __future__ import annotations

import io
import os
import re
import socket
import subprocess
import sys
import time
import zipfile
from pathlib import Path
from urllib.parse import urlsplit

import pytest

from simulation.dashboard.census import request_census
from simulation.dashboard.explorer import CONTROLS, preset_names
from simulation.dashboard.panels import HEADLINE_STEP, STEP_SHOWN
from simulation.dashboard.run_state import TABS

# every test here starts the server or a browser: seconds each
pytestmark = pytest.mark.slow

ROOT = Path(__file__).resolve().parent.parent
CHROMIUM = Path(os.environ.get("CHROMIUM", "/usr/bin/chromium"))
LOAD_TIMEOUT = 90_000  # ms: the first page load imports the app in the server
LOCAL_HOSTS = {"127.0.0.1", "localhost"}


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
def server(tmp_path_factory):
    port = free_port()
    log = tmp_path_factory.mktemp("dashboard-server") / "server.log"
    with log.open("w") as output:
        process = start_dashboard(port, output=output)
    yield {"address": f"http://127.0.0.1:{port}", "log": log}
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


@pytest.fixture(scope="module")
def screenshots(tmp_path_factory) -> Path:
    return tmp_path_factory.mktemp("dashboard-screenshots")


def is_local(url: str) -> bool:
    """Whether `url` stays on this machine: the server's own pages, its websocket, and
    blobs and data the page makes itself."""
    if url.startswith("data:"):
        return True
    return urlsplit(url.removeprefix("blob:")).hostname in LOCAL_HOSTS


def step_pattern(title: str, step: int) -> re.Pattern:
    # a title followed by no further digit: step 1 is not step 12
    return re.compile(re.escape(title.format(step=step)) + r"(?!\d)")


class Visit:
    """One browser session on the dashboard, with every off-server request blocked and
    every request, console error, script error and failed response recorded."""

    def __init__(self, browser, address: str, height: int = 1100):
        self.context = browser.new_context(
            viewport={"width": 1500, "height": height}, accept_downloads=True
        )
        self.blocked: list[str] = []
        self.requests: list[str] = []
        self.console_errors: list[str] = []
        self.page_errors: list[str] = []
        self.failed: list[str] = []

        def only_local(route):
            if route.request.url.startswith(address):
                route.continue_()
            else:
                self.blocked.append(route.request.url)
                route.abort()

        self.context.route("**/*", only_local)
        self.page = self.context.new_page()
        page = self.page
        page.on("request", lambda request: self.requests.append(request.url))
        page.on("websocket", lambda socket: self.requests.append(socket.url))
        page.on(
            "console",
            lambda message: message.type == "error" and self.console_errors.append(message.text),
        )
        page.on("pageerror", lambda error: self.page_errors.append(str(error)))
        page.on(
            "response",
            lambda response: (
                response.status >= 400 and self.failed.append(f"{response.status} {response.url}")
            ),
        )
        page.goto(address)
        self.wait_for_step(0)

    def wait_for_step(self, step: int, tab: str | None = None) -> None:
        """Wait until the headline figures and every panel of the open tab show `step`."""
        tab = tab or self.open_tab()
        for title in (HEADLINE_STEP, *STEP_SHOWN[tab]):
            self.page.get_by_text(step_pattern(title, step)).first.wait_for(timeout=LOAD_TIMEOUT)

    def open_tab(self) -> str:
        selected = self.page.locator(".main-tabs .v-tab--active")
        if not selected.count():
            return TABS[0]
        return selected.first.inner_text().strip()

    def show_tab(self, name: str) -> None:
        self.page.get_by_role("tab", name=name, exact=True).click()
        self.wait_for_step(self.current_step(), name)

    def step(self, times: int = 1) -> None:
        for _ in range(times):
            current = self.current_step()
            self.page.get_by_role("button", name="Step", exact=True).click()
            self.wait_for_step(current + 1)

    def current_step(self) -> int:
        text = self.page.get_by_text(re.compile(r"headline figures at step \d+")).text_content()
        return int(text.rsplit(" ", 1)[-1])

    def app_bar(self) -> str:
        return self.page.locator(".v-toolbar__content").inner_text()

    def plot_data(self, title: str) -> list[dict]:
        """The traces of the chart whose title starts with `title`, as Plotly holds them."""
        return self.page.evaluate(
            """(title) => {
                for (const plot of document.querySelectorAll('.js-plotly-plot')) {
                    const text = plot.layout && plot.layout.title && plot.layout.title.text;
                    if (text && text.startsWith(title)) {
                        return plot.data.map(t => ({name: t.name, x: Array.from(t.x || []),
                                                    y: Array.from(t.y || []),
                                                    fill: t.fill || null,
                                                    dash: (t.line && t.line.dash) || null,
                                                    yaxis: t.yaxis || 'y'}));
                    }
                }
                return null;
            }""",
            title,
        )

    def screenshot(self, folder: Path, name: str) -> Path:
        path = folder / f"{name}.png"
        self.page.screenshot(path=str(path), full_page=True)
        print(f"screenshot: {path}")
        return path

    def assert_clean(self) -> None:
        """Nothing asked of another host, no console error, no script error, no 404."""
        away = [url for url in self.requests if not is_local(url)]
        assert away == [] and self.blocked == [], f"requests off the machine: {away[:3]}"
        assert self.console_errors == [], self.console_errors[:3]
        assert self.page_errors == [], self.page_errors[:3]
        assert self.failed == [], self.failed[:3]

    def close(self) -> None:
        self.context.close()

    def close_tab(self) -> None:
        """Close the page as a person closes the tab: the page tells the server."""
        # the note goes out as the page closes, too late for the route's handler
        self.context.unroute("**/*")
        self.page.close(run_before_unload=True)
        self.context.close()


@pytest.fixture
def visit(server, browser):
    """Open visits; each is checked clean (see `Visit.assert_clean`) when the test ends."""
    visits = []

    def open_visit(height: int = 1100) -> Visit:
        made = Visit(browser, server["address"], height)
        visits.append(made)
        return made

    yield open_visit
    for made in visits:
        try:
            made.assert_clean()
        finally:
            made.close()


def choose_scenario(session: Visit, name: str) -> None:
    page = session.page
    page.get_by_role("textbox", name="Scenario", exact=True).click(force=True)
    page.get_by_role("option", name=name, exact=True).click()


def type_seed(session: Visit, seed: str) -> None:
    field = session.page.get_by_label("Seed (blank: the scenario's)")
    field.fill(seed)
    field.press("Enter")


def nudge(session: Visit, parameter: str, steps: int = 1) -> None:
    """Move a parameter's slider `steps` steps up with the keyboard, as a person can."""
    slider = session.page.get_by_role("slider", name=parameter.replace("_", " "))
    slider.focus()
    for _ in range(steps):
        slider.press("ArrowRight")


def test_the_dashboard_command_prints_its_loopback_address(server, visit):
    visit()  # the server has answered a page
    first_line = server["log"].read_text().splitlines()[0]
    assert first_line.startswith(f"dashboard at {server['address']}")


def test_every_tab_loads_offline_with_no_error_and_only_local_requests(visit, screenshots):
    session = visit(height=2000)
    session.step(3)
    for tab in TABS:
        session.show_tab(tab)
        session.page.wait_for_timeout(300)  # the charts' last frame
        session.screenshot(screenshots, "tab-" + re.sub(r"\W+", "-", tab.lower()))
    assert len(session.requests) > 5 and all(is_local(url) for url in session.requests)
    assert "Traceback" not in session.page.inner_text("body")
    # (the fixture asserts no console error, script error or 404 for this visit)


def test_the_tabs_are_named_for_what_they_hold(visit):
    page = visit().page
    names = [tab.inner_text().strip() for tab in page.locator(".main-tabs .v-tab").all()]
    assert names == list(TABS)
    assert not page.get_by_text(re.compile(r"page \d", re.IGNORECASE)).count()


def test_every_slider_shows_its_value_and_its_unit_and_range(visit):
    page = visit().page
    for control in CONTROLS:
        box = page.locator(".parameter", has=page.get_by_role("slider", name=control.label))
        head = box.locator(".parameter-head").inner_text()
        assert head.split("\n")[0] == control.label
        shown = head.split("\n")[-1]
        slider = box.get_by_role("slider")
        assert float(shown) == float(slider.get_attribute("aria-valuenow"))
        note = box.locator(".parameter-note").inner_text()
        low, high = control.bounds(float(shown))
        assert control.unit in note and f"range {control.shown(low)}–{control.shown(high)}" in note
    play = page.locator(".parameter", has_text="Play pause").inner_text()
    assert "100 ms" in play and "range 0–1000 ms" in play


def test_moving_a_slider_rebuilds_the_model_at_once_with_the_new_value(visit):
    session = visit()
    session.step(2)
    nudge(session, "crisis_rate")
    session.wait_for_step(0)
    assert "crisis_rate 0.31" in session.app_bar()
    box = session.page.locator(".parameter", has_text="crisis rate")
    assert box.locator(".parameter-value").inner_text() == "0.31"
    assert "scenario: 0.30" in box.locator(".parameter-note").inner_text()
    session.page.get_by_role("button", name="Restore the scenario's values").click()
    session.page.get_by_text(re.compile(r"^baseline, seed 42 · step 0")).wait_for()


def test_choosing_a_scenario_rebuilds_the_model_at_once_with_no_reset(visit, screenshots):
    session = visit()
    session.step(2)
    choose_scenario(session, "indo_pacific")
    session.wait_for_step(0)
    network = session.plot_data("Cooperation network")
    assert {"Northeast Asia", "Southeast Asia"} <= {t["name"] for t in network}
    assert any(t["fill"] == "toself" for t in network)  # the scenario's pact, as a hull
    assert session.app_bar().startswith("Defense cooperation explorer\nindo_pacific, seed")
    session.screenshot(screenshots, "indo-pacific")


def test_a_new_seed_rebuilds_the_model_at_once(visit):
    session = visit()
    session.step()
    type_seed(session, "7")
    session.wait_for_step(0)
    assert "baseline, seed 7 · step 0" in session.app_bar()
    assert "seed in use: 7" in session.page.inner_text("body")


def test_the_scenario_list_offers_every_preset(visit):
    page = visit().page
    page.get_by_role("textbox", name="Scenario", exact=True).click(force=True)
    offered = [option.inner_text().strip() for option in page.get_by_role("option").all()]
    assert offered == preset_names()
    page.keyboard.press("Escape")


def test_the_headline_figures_show_their_value_at_step_0_and_the_change_since(visit):
    session = visit()
    session.step(4)
    headlines = session.page.locator(".headline")
    titles = [title.lower() for title in headlines.locator(".headline-title").all_inner_texts()]
    assert titles == [
        "stability index",
        "conflict prevention",
        "agreements in force",
        "escalations",
    ]
    for index in range(4):
        card = headlines.nth(index)
        assert re.fullmatch(r"[\d.,]+", card.locator(".headline-value").inner_text())
        assert re.search(r"step \d+: [\d.,]+", card.locator(".headline-start").inner_text())
        assert re.search(r"since step \d+$", card.locator(".headline-change").inner_text())
    stability = headlines.nth(0)
    assert stability.locator(".headline-start").inner_text() == "step 0: 1.000"
    agreements = headlines.nth(2).locator(".headline-value").inner_text()
    change = headlines.nth(2).locator(".headline-change").inner_text()
    assert change.endswith(f"+{agreements} since step 0")  # none in force at step 0


def test_the_event_record_holds_every_event_and_filters_by_type_nation_agreement_reason(
    visit, screenshots
):
    session = visit(height=1600)
    session.step(12)
    session.show_tab("Events and exits")
    page = session.page
    count = page.locator(".event-count")
    total = int(re.search(r"of the run's ([\d,]+) events", count.inner_text())[1].replace(",", ""))
    assert count.inner_text().startswith(f"{total:,} of the run's {total:,} events")
    assert total > 400  # every event of the run, far more than a feed's forty lines
    exits = session.plot_data("Exits by reason")
    assert exits and any(name.startswith("lapsed") for name in (t["name"] for t in exits))

    def column(name: str) -> list[str]:
        return page.locator(f".event-record td.col-{name}").all_inner_texts()

    # the reason: why did agreements end?
    page.get_by_role("button", name="Reason").click()
    page.get_by_role("option", name="funding_burden").click()
    page.keyboard.press("Escape")
    page.get_by_text(re.compile(r"^\d+ of the run's")).first.wait_for()
    page.wait_for_function(
        "() => [...document.querySelectorAll('.event-record td.col-reason')]"
        ".every((cell) => cell.textContent === 'funding burden')"
    )
    assert column("reason") and set(column("event")) <= {"exited", "ended"}
    agreement = column("agreement_id")[0]
    session.screenshot(screenshots, "events-why-agreements-ended")
    page.get_by_role("button", name="Clear filters").click()
    # one agreement's whole history
    page.get_by_label("Agreement", exact=True).fill(agreement)
    page.get_by_role("option", name=agreement, exact=True).click()
    page.wait_for_function(
        "(id) => [...document.querySelectorAll('.event-record td.col-agreement_id')]"
        ".every((cell) => cell.textContent === id)",
        arg=agreement,
    )
    assert {"signed", "exited"} <= set(column("event"))
    page.get_by_role("button", name="Clear filters").click()
    # a type and a nation, either party
    page.get_by_role("button", name="Event type").click()
    page.get_by_role("option", name="crisis", exact=True).click()
    page.keyboard.press("Escape")
    page.get_by_label("Nation (either party)", exact=True).fill("Europe 3")
    page.get_by_role("option", name="Europe 3", exact=True).click()
    page.wait_for_function(
        """() => [...document.querySelectorAll('.event-record tbody tr')].every((row) =>
            row.querySelector('.col-event').textContent === 'crisis'
            && [row.querySelector('.col-nation').textContent,
                row.querySelector('.col-other').textContent].includes('Europe 3'))"""
    )
    rows = page.locator(".event-record tbody tr").all()
    assert rows
    for row in rows:
        cells = row.locator("td").all_inner_texts()
        assert "Europe 3" in cells and "crisis" in cells


def test_the_nation_view_groups_partners_and_labels_every_other_nation(visit, screenshots):
    session = visit(height=2000)
    session.step(8)
    session.show_tab("Nation profile")
    page = session.page
    page.get_by_label("Nation", exact=True).fill("Europe 2")
    page.get_by_role("option", name="Europe 2", exact=True).click()
    session.page.get_by_text(step_pattern("Europe 2 over time, to step {step}", 8)).wait_for()
    groups = page.locator(".partner-groups").inner_text()
    assert "Partners by agreement" in groups and "Bilateral DCAs" in groups
    # the trust chart: a bar and a readable label for each of the 59 others
    trust = page.locator(".js-plotly-plot", has_text="Trust toward the others")
    labels = trust.locator(".yaxislayer-above .ytick text").all_text_contents()
    assert len(labels) == 59 and "Europe 2" not in labels and len(set(labels)) == 59
    boxes = [label.bounding_box() for label in trust.locator(".ytick text").all()]
    tops = sorted(box["y"] for box in boxes)
    assert min(b - a for a, b in zip(tops, tops[1:])) >= 12  # no label over another
    # the view spans the page's main area, not half of it
    main = page.locator(".main-tabs").bounding_box()
    view = page.locator(".tab-row").first.bounding_box()
    assert view["width"] >= 0.95 * main["width"]
    history = session.plot_data("Europe 2 over time")
    assert {"partners", "agreements", "mean trust toward others"} <= {t["name"] for t in history}
    session.screenshot(screenshots, "nation-profile-europe-2")


def test_pin_change_a_control_and_run_again_shows_both_runs_on_the_outcome_charts(
    visit, screenshots
):
    session = visit(height=1400)
    session.step(5)
    page = session.page
    page.get_by_role("button", name="Pin this run").click()
    page.get_by_text("pinned: baseline, seed 42, to step 5").wait_for()
    nudge(session, "crisis_rate", steps=2)
    session.page.get_by_text(re.compile(r"crisis_rate 0.32 · step 0")).wait_for()
    session.wait_for_step(0)
    session.step(5)
    outcomes = session.plot_data("Outcomes")
    for axis in ("y", "y2", "y3", "y4"):
        dashes = {t["dash"] for t in outcomes if t["yaxis"] == axis and t["x"]}
        assert dashes == {"solid", "dash"}, axis
    names = {t["name"] for t in outcomes}
    assert "pinned: baseline, seed 42" in names
    assert "this run: baseline, seed 42, crisis_rate 0.32" in names
    assert page.locator(".headline-pinned").count() == 4
    session.screenshot(screenshots, "compare-two-runs")
    page.get_by_role("button", name="Unpin").click()
    page.wait_for_function("() => !document.querySelector('.headline-pinned')")


def test_the_runs_tables_download_as_parquet_and_csv(visit, tmp_path):
    import pandas as pd

    session = visit()
    session.step(3)
    for fmt, button in (("parquet", "Tables, Parquet"), ("csv", "Tables, CSV")):
        with session.page.expect_download() as waiting:
            session.page.get_by_role("button", name=button).click()
        download = waiting.value
        assert download.suggested_filename == f"baseline-seed42-tables-{fmt}.zip"
        saved = tmp_path / download.suggested_filename
        download.save_as(saved)
        archive = zipfile.ZipFile(saved)
        names = {"model", "nations", "agreements", "memberships", "events"}
        assert set(archive.namelist()) == {f"{name}.{fmt}" for name in names} | {"run.json"}
        with archive.open(f"model.{fmt}") as handle:
            data = io.BytesIO(handle.read())
        model = pd.read_parquet(data) if fmt == "parquet" else pd.read_csv(data)
        assert model["step"].tolist() == [0, 1, 2, 3]


def test_play_runs_until_paused(visit):
    session = visit()
    page = session.page
    page.get_by_role("button", name="Play", exact=True).click()
    # a step is on screen for a tenth of a second or so: wait for any past the third
    page.wait_for_function(
        """() => Number((document.body.textContent
                         .match(/headline figures at step (\\d+)/) || [0, 0])[1]) >= 3""",
        timeout=30_000,
    )
    page.get_by_role("button", name="Pause", exact=True).click()
    page.get_by_role("button", name="Play", exact=True).wait_for()
    stopped = session.current_step()
    page.wait_for_timeout(800)
    assert session.current_step() == stopped >= 3
    session.wait_for_step(stopped)  # every panel caught up


def test_zoom_and_a_hidden_region_stay_as_the_user_left_them_across_steps(visit):
    session = visit()
    page = session.page
    network = page.locator(".js-plotly-plot", has_text="Cooperation network")
    # drag a zoom box over the middle of the plot, and click the last region's legend entry
    box = network.locator(".nsewdrag").first.bounding_box()
    middle_x, middle_y = box["x"] + box["width"] / 2, box["y"] + box["height"] / 2
    page.mouse.move(middle_x - 60, middle_y - 60)
    page.mouse.down()
    page.mouse.move(middle_x, middle_y, steps=5)
    page.mouse.move(middle_x + 60, middle_y + 60, steps=5)
    page.mouse.up()
    network.locator(".legend .traces").last.click()
    # Plotly waits a moment to tell a single click on the legend from a double one
    page.wait_for_function(
        """() => [...document.querySelectorAll('.js-plotly-plot')]
            .some((plot) => plot._fullData.some((trace) => trace.visible === 'legendonly'))"""
    )
    read = """(plot) => ({x: plot._fullLayout.xaxis.range, y: plot._fullLayout.yaxis.range,
                         hidden: plot._fullData.filter((t) => t.visible === 'legendonly')
                                                  .map((t) => t.name)})"""
    before = network.evaluate(read)
    assert before["x"][1] - before["x"][0] < 1.5 and len(before["hidden"]) == 1
    session.step(2)
    assert network.evaluate("(plot) => plot.layout.title.text") == "Cooperation network at step 2"
    assert network.evaluate(read) == before


def test_two_browser_sessions_have_models_of_their_own(visit):
    first, second = visit(), visit()
    first.step(2)
    second.page.reload()
    second.wait_for_step(0)
    assert second.current_step() == 0
    second.step()
    assert first.current_step() == 2


def test_a_seed_typed_as_text_shows_a_message_and_no_traceback(visit):
    session = visit()
    type_seed(session, "not a number")
    message = session.page.get_by_text(re.compile("seed: expected a whole number"))
    message.wait_for(timeout=30_000)
    assert "not a number" in message.inner_text()
    assert "Traceback" not in session.page.inner_text("body")
    session.step()  # the model still works


def test_a_seed_beyond_the_largest_the_schema_allows_shows_a_message_and_no_traceback(
    visit, screenshots
):
    session = visit()
    type_seed(session, str(2**63))
    message = session.page.get_by_text(re.compile("seed: input should be less than or equal to"))
    message.wait_for(timeout=30_000)
    assert str(2**63 - 1) in message.inner_text()
    assert "Traceback" not in session.page.inner_text("body")
    session.step()  # the session lives on, with the scenario's own seed
    session.screenshot(screenshots, "seed-too-large")


def test_the_server_log_has_no_version_check_and_no_warning_per_session(server, browser):
    for _ in range(3):
        session = Visit(browser, server["address"])
        session.step()
        session.assert_clean()
        session.close()
    log = server["log"].read_text()
    assert "New version of Solara" not in log and "pip install" not in log
    assert "samesite" not in log.lower() and "Warning" not in log
    assert "Traceback" not in log
    # what is left: the address, and solara saying it has started
    lines = [line for line in log.splitlines() if line.strip()]
    assert len(lines) <= 3, lines


# the dashboard under load: rounds of sessions opened, stepped and closed
SESSIONS_A_ROUND = 8
# memory after the second round may exceed that after the first by this share at most
MEMORY_GROWTH_ALLOWED = 0.10


class CensusServer:
    """The dashboard served by `simulation.dashboard.census`, which on request writes
    its resident memory, sessions open and models alive (after a garbage collection)."""

    def __init__(self, census_file: Path):
        self.port = free_port()
        self.address = f"http://127.0.0.1:{self.port}"
        self.census_file = census_file
        census_file.touch()
        # a tab's closing note goes out as the page unloads, and on a loaded machine one
        # in sixteen was seen lost; its session is then culled as a dropped connection is,
        # here after 5 s instead of DISCONNECTED_SESSION_LIFETIME (10 minutes): the test
        # is about what a closed session gives back, not about the note's delivery
        environment = {**os.environ, "SOLARA_KERNEL_CULL_TIMEOUT": "5s"}
        self.process = subprocess.Popen(
            [sys.executable, "-m", "simulation.dashboard.census", "--port", str(self.port)]
            + ["--census", str(census_file)],
            cwd=ROOT,
            env=environment,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.STDOUT,
        )
        deadline = time.monotonic() + 60
        while True:
            try:
                socket.create_connection(("127.0.0.1", self.port), timeout=1).close()
                break
            except OSError:
                if time.monotonic() > deadline:
                    self.stop()
                    pytest.fail("the census server did not start within a minute")
                time.sleep(0.3)

    def census(self) -> dict:
        return request_census(self.process, self.census_file)

    def census_once_closed(self) -> dict:
        """The census once every session has closed and let go of its model and charts,
        or after a minute: the pages' notes arrive a moment after the tabs close, and a session
        takes a moment to close."""
        deadline = time.monotonic() + 60
        while (taken := self.census())["sessions"] + taken["models"] + taken["charts"]:
            if time.monotonic() > deadline:
                break
            time.sleep(1)
        return taken

    def stop(self) -> None:
        self.process.terminate()
        try:
            self.process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.process.kill()


def test_closed_sessions_give_back_their_models_and_memory_stays_level(browser, tmp_path):
    server = CensusServer(tmp_path / "census.jsonl")
    try:
        after_round = []
        for _ in range(2):
            sessions = [Visit(browser, server.address) for _ in range(SESSIONS_A_ROUND)]
            for session in sessions:
                session.step(2)
            # the census sees open sessions' models and charts, so 0 below means freed
            during = server.census()
            assert min(during["models"], during["charts"]) >= SESSIONS_A_ROUND
            for session in sessions:
                session.close_tab()
            after_round.append(server.census_once_closed())
    finally:
        server.stop()
    first, second = after_round
    assert (first["sessions"], second["sessions"]) == (0, 0), after_round
    assert (first["models"], second["models"]) == (0, 0), after_round
    assert (first["charts"], second["charts"]) == (0, 0), after_round
    assert second["rss_kb"] <= first["rss_kb"] * (1 + MEMORY_GROWTH_ALLOWED), after_round


# live_figure.js on its own, in a blank page: a stand-in for the widget's model, and
# live_figure.js on its own, in a blank page: a stand-in for the widget's model, and
# plotly.js handed over as the dashboard's Python side hands it over

FAKE_MODEL = """
window.makeModel = (state) => {
    const handlers = {};
    const model = {
        sent: [],
        get: (key) => state[key],
        set(key, value) {
            state[key] = value;
            for (const handler of handlers['change:' + key] || []) handler();
        },
        on(event, handler) { (handlers[event] ||= []).push(handler); },
        off(event, handler) {
            handlers[event] = (handlers[event] || []).filter((h) => h !== handler);
        },
        send(message) { model.sent.push(message); },
        emit(event, message) { for (const handler of [...(handlers[event] || [])]) handler(message); },
    };
    return model;
};
window.renderChart = async (module, name, figure) => {
    const el = document.createElement('div');
    el.style.width = '600px';
    document.body.appendChild(el);
    const model = makeModel({figure: JSON.stringify(figure), config: {}});
    window[name] = {el, model, rendering: module.render({model, el})};
};
window.plot = (name) => window[name].el.querySelector('.js-plotly-plot');
"""


@pytest.fixture
def blank_page(browser):
    from simulation.dashboard.live_figure import plotly_source

    context = browser.new_context()
    blocked = []
    context.route("**/*", lambda route: (blocked.append(route.request.url), route.abort()))
    page = context.new_page()
    page.set_content("<html><body></body></html>")
    page.add_script_tag(content=FAKE_MODEL)
    esm = (ROOT / "simulation" / "dashboard" / "live_figure.js").read_text()
    page.evaluate(
        """async (esm) => {
            const url = URL.createObjectURL(new Blob([esm], {type: 'text/javascript'}));
            window.chartModule = (await import(url)).default;
        }""",
        esm,
    )
    yield page, plotly_source()
    context.close()
    assert blocked == []


def test_live_figure_js_loads_plotly_once_and_redraws_in_place(blank_page):
    page, source = blank_page
    first = {
        "data": [
            {"type": "scatter", "x": [1, 2], "y": [3, 4], "name": "a", "marker": {"color": "red"}},
            {"type": "bar", "x": [1, 2], "y": [2, 1], "name": "b"},
        ],
        "layout": {"title": {"text": "first"}, "uirevision": "keep", "height": 300},
    }
    page.evaluate("f => renderChart(chartModule, 'one', f)", first)
    page.evaluate("f => renderChart(chartModule, 'two', f)", first)
    # only the first chart asks for plotly.js; the second waits for that copy
    page.wait_for_function("one.model.sent.length === 1")
    assert page.evaluate("[one.model.sent, two.model.sent]") == [[{"request": "plotly"}], []]
    page.evaluate("source => one.model.emit('msg:custom', {plotly: source})", source)
    page.evaluate("Promise.all([one.rendering, two.rendering]).then(() => null)")
    assert page.evaluate("[plot('one').data.length, plot('two').data.length]") == [2, 2]
    assert page.evaluate("plot('one')._fullData[0].marker.color") == "red"

    # the user zooms; a new figure drops a trace and leaves the marker colour out
    page.evaluate("Plotly.relayout(plot('one'), {'xaxis.range': [1.2, 1.8]})")
    second = {
        "data": [{"type": "scatter", "x": [1, 2, 3], "y": [3, 4, 5], "name": "a"}],
        "layout": {"title": {"text": "second"}, "uirevision": "keep", "height": 300},
    }
    page.evaluate("f => one.model.set('figure', JSON.stringify(f))", second)
    page.wait_for_function("plot('one').layout.title.text === 'second'")
    drawn = page.evaluate(
        """() => { const gd = plot('one');
            return {traces: gd.data.length, x: Array.from(gd.data[0].x),
                    colour: gd._fullData[0].marker.color, range: gd._fullLayout.xaxis.range}; }"""
    )
    assert drawn["traces"] == 1 and drawn["x"] == [1, 2, 3]
    assert drawn["colour"] == "#1f77b4"  # back to Plotly's default
    assert drawn["range"] == [1.2, 1.8]  # the zoom kept: same uirevision

    # figures that come within one frame are drawn once, the newest
    page.evaluate(
        """(f) => { window.draws = 0;
            const react = Plotly.react;
            Plotly.react = (...args) => { window.draws++; return react(...args); };
            for (const title of ['x', 'y', 'z']) {
                two.model.set('figure', JSON.stringify({...f, layout: {title: {text: title}}}));
            } }""",
        second,
    )
    page.wait_for_function("plot('two').layout.title.text === 'z'")
    page.wait_for_timeout(200)
    assert page.evaluate("window.draws") == 1


def test_charts_ask_for_plotly_themselves_when_the_first_request_goes_unanswered(blank_page):
    page, source = blank_page
    page.clock.install()  # the page's timers, run forward below
    figure = {"data": [{"type": "scatter", "x": [1, 2], "y": [1, 2]}], "layout": {}}
    page.evaluate("f => renderChart(chartModule, 'one', f)", figure)
    page.evaluate("f => renderChart(chartModule, 'two', f)", figure)
    # the first chart's answer never comes (it was closed, say): the second asks itself
    page.clock.run_for(10_000)
    assert page.evaluate("two.model.sent.length") == 0
    page.clock.run_for(10_000)
    assert page.evaluate("two.model.sent") == [{"request": "plotly"}]
    page.evaluate("source => two.model.emit('msg:custom', {plotly: source})", source)
    page.evaluate("Promise.all([one.rendering, two.rendering]).then(() => null)")
    drawn = page.evaluate("[!!plot('one'), !!plot('two'), one.model.sent.length]")
    assert drawn == [True, True, 1]  # both drawn, from the one copy


def test_stopping_the_dashboard_command_stops_its_server():
    port = free_port()
    process = start_dashboard(port)
    process.terminate()
    process.wait(timeout=15)
    time.sleep(1)
    with pytest.raises(OSError):  # nothing is left serving the port
        socket.create_connection(("127.0.0.1", port), timeout=1).close()
