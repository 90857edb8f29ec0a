"""The stability index: conflict weighed by severity, per state and year, over a window."""

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from simulation.outcomes import (
    CONFLICT_HALF_POINT,
    SEVERITY,
    STABILITY_WINDOW,
    conflict_load,
    stability_index,
)

FAST = settings(max_examples=100, deadline=None)


def year(crises=0, force=0, fatal=0, states=100):
    return {
        "crises": crises,
        "crises_militarised": force,
        "conflicts_escalated": fatal,
        "states": states,
    }


def test_stability_is_one_without_crises_and_in_an_empty_window():
    assert stability_index([year(), year()]) == 1.0
    assert stability_index([]) == 1.0


def test_stability_is_a_half_at_the_conflict_of_the_1990s():
    # 47 disputes a year, 29 with force, 15.2 fatal among 187 states (GML MID, 1991-2000)
    load = (47 + 29 + 2 * 15.2) / 187
    assert load == pytest.approx(CONFLICT_HALF_POINT, abs=0.005)
    assert stability_index([year(470, 290, 152, 1870)]) == pytest.approx(0.5, abs=0.005)


def test_severity_weighs_a_fatal_crisis_four_times_one_kept_from_force():
    assert SEVERITY == {"crises": 1.0, "crises_militarised": 1.0, "conflicts_escalated": 2.0}
    kept = conflict_load([year(1, 0, 0)])
    fatal = conflict_load([year(1, 1, 1)])
    assert sum(fatal.values()) == pytest.approx(4 * sum(kept.values()))


def test_the_load_is_per_state_and_averaged_over_the_window():
    load = conflict_load([year(10, 4, 2, states=50), year(0, 0, 0, states=50)])
    assert load == pytest.approx(
        {"crises": 0.1, "crises_militarised": 0.04, "conflicts_escalated": 0.04}
    )
    # the same conflict among twice the states is half the load
    assert sum(conflict_load([year(10, 4, 2, states=100)]).values()) == pytest.approx(
        sum(conflict_load([year(10, 4, 2, states=50)]).values()) / 2
    )


def test_more_or_worse_conflict_means_less_stability():
    assert stability_index([year(5)]) > stability_index([year(10)])
    assert stability_index([year(10, 2)]) > stability_index([year(10, 5)])
    assert stability_index([year(10, 5, 1)]) > stability_index([year(10, 5, 4)])


def test_the_window_is_five_years():
    assert STABILITY_WINDOW == 5


@FAST
@given(
    st.lists(
        st.tuples(
            st.integers(0, 200), st.integers(0, 200), st.integers(0, 200), st.integers(0, 300)
        ),
        max_size=8,
    )
)
def test_stability_is_in_the_unit_interval(rows):
    window = [year(c, min(f, c), min(e, f, c), s) for c, f, e, s in rows]
    assert 0.0 < stability_index(window) <= 1.0
