"""The dashboard: a page built for the questions an analyst asks of a run.

    python run.py dashboard            (or: solara run simulation/dashboard/app.py)

The sidebar runs the model and sets the scenario, seed and parameters (any change
builds the model anew at once), pins a run to compare with, and downloads the run's
tables. The main area shows the headline figures and four tabs: the network and the
outcomes over time, the agreements, the record of every event with the exits by
reason, and one nation's profile.

Every browser session builds its own model inside `Page` (`run_state.use_run`), so
one visitor's Step never moves another's (a model made at module level would be
shared by all).
"""

from __future__ import annotations

import warnings

import solara
import solara.server.settings

from simulation.dashboard.controls import Sidebar
from simulation.dashboard.page_style import CSS
from simulation.dashboard.panels import Main
from simulation.dashboard.run_state import use_run
from simulation.dashboard.sessions import limit_disconnected_sessions, release_closed_sessions

# without these, every closed session's model stays in memory, and a dropped one for
# a day (see sessions.py)
release_closed_sessions()
limit_disconnected_sessions()

# solara-server sets its session cookie SameSite=Lax on plain http, which is what a
# dashboard opened directly in a browser needs, and warns at every page load that
# SameSite=None (for embedding the page in another site's iframe) would need https.
# The dashboard is not embedded: the warning says nothing here, once per visitor.
warnings.filterwarnings(
    "ignore",
    message="Cookies with samesite=none require https",
    category=UserWarning,
    module="solara.server.starlette",
)

TITLE = "Defense cooperation explorer"
# the page's own title while it loads, and no "This website runs on Solara" corner
# note over the charts
solara.server.settings.theme.title = TITLE
solara.server.settings.theme.show_banner = False


@solara.component
def Page():
    # one run per browser session: made here, not at module level
    run = use_run()
    solara.Style(CSS)
    solara.Title(TITLE)
    with solara.AppBar():
        solara.AppBarTitle(TITLE)
        AppBarRun(run)
    with solara.Sidebar():
        Sidebar(run)
    Main(run)


@solara.component
def AppBarRun(run):
    """The run on screen, in the bar at the top."""
    run.revision.value  # noqa: B018  (drawn again at every step)
    model = run.model.value
    solara.Text(
        f"{model.label} · step {model.steps} of {model.scenario_steps}",
        style="font-size: 0.95rem; margin-left: 24px; opacity: 0.9",
    )
