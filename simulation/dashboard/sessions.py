"""Letting go of a browser session's model once the session has closed.

solara 1.58 (pinned in pyproject.toml: later releases load the page's assets from a
CDN) keeps every task that a component makes with `solara.lab.use_task` for the
life of the server process. Mesa's `SolaraViz`, on which the dashboard was first
built, made one in its model controller for each session, so each closed session
left its model behind (the dashboard's own Play loop is a `use_thread`, which makes
no such task, but any component that makes one would leak the same way):

    solara.lifecycle._on_kernel_start_callbacks  (one list for the whole process)
      -> a callback `Singleton.__init__.<locals>.reset`, registered by `Singleton`
      -> the task's factory -> the controller's `step` and `do_step` closures
      -> the reactive value holding the session's model -> the model

solara fixed this after the pinned release (widgetti/solara pull requests 1180 and
1186). Here: the callback such a task registers only does work in sessions started
*after* the task was made, where it hands the new session a clean-up that holds the
task (and so the older session's model) until the new session closes. A task made
by one session's page is never used in another, so that work is for nothing and the
callback can go. `forget_page_made_singletons` drops them; `release_closed_sessions`
runs it as each session starts (before solara runs the callbacks for it) and as each
closes. Callbacks registered while a module was being imported (module-level tasks
and state, with their module recorded) are left alone: they are the intended use.

A session whose page went away without closing (a dropped connection, a crashed
browser, a computer put to sleep) is kept for it to come back; solara keeps it 24
hours by default, which for a public dashboard is a day of models nobody will see
again. `limit_disconnected_sessions` shortens that to `DISCONNECTED_SESSION_LIFETIME`.
"""

from __future__ import annotations

import os

import solara.lifecycle
import solara.server.settings

# How long a session whose page dropped without closing is kept for it to reconnect
# (solara's duration syntax); each such session holds a model and its charts until
# then. To raise it, set SOLARA_KERNEL_CULL_TIMEOUT (e.g. "24h", solara's default) in
# the dashboard's environment: it takes precedence.
DISCONNECTED_SESSION_LIFETIME = "10m"
CULL_TIMEOUT_VARIABLE = "SOLARA_KERNEL_CULL_TIMEOUT"

# the callback `solara.toestand.Singleton` registers, by its qualified name
SINGLETON_RESET = "Singleton.__init__.<locals>.reset"


def made_by_a_page(entry) -> bool:
    """Whether a kernel-start callback was registered by a `Singleton` made while a
    page was drawn (no importing module recorded), rather than at import time."""
    name = getattr(entry.callback, "__qualname__", "")
    return name == SINGLETON_RESET and entry.module is None and entry.callpoint is None


def forget_page_made_singletons() -> int:
    """Drop the kernel-start callbacks of singletons made by pages; how many were dropped."""
    entries = solara.lifecycle._on_kernel_start_callbacks
    kept = [entry for entry in entries if not made_by_a_page(entry)]
    dropped = len(entries) - len(kept)
    # one slice assignment: a session starting meanwhile in another thread iterates
    # the list by index, and the import-time entries it must not skip come first
    entries[:] = kept
    return dropped


def release_closed_sessions() -> None:
    """From now on, forget page-made singletons whenever a session starts or closes.

    Call once, at import of the dashboard app. solara runs the kernel-start callbacks
    in list order as a session starts (this one comes before any page-made one, which
    it removes before they run), and the function this one returns when the session
    closes."""

    def on_session_start():
        forget_page_made_singletons()
        return forget_page_made_singletons

    solara.lifecycle.on_kernel_start(on_session_start)


def limit_disconnected_sessions() -> None:
    """Keep a session that dropped without closing `DISCONNECTED_SESSION_LIFETIME`, unless
    the environment sets solara's own cull timeout (its settings are case-blind)."""
    if not any(name.upper() == CULL_TIMEOUT_VARIABLE for name in os.environ):
        solara.server.settings.kernel.cull_timeout = DISCONNECTED_SESSION_LIFETIME
