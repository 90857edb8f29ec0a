"""Sector choice: a general framework first, else a specialised sector by its choice weight."""

import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from simulation.mechanisms.sector_choice import choose_sector, choose_sectors
from simulation.sectors import GENERAL_FRAMEWORK_SHARE, SECTOR_TABLE, ChoiceWeight, SectorRow

FAST = settings(max_examples=200, deadline=None)

draw = st.floats(min_value=0.0, max_value=1.0, exclude_max=True, allow_nan=False)
unit = st.floats(min_value=0.0, max_value=1.0, allow_nan=False)

SPECIALISED = 0.9  # a general-framework draw above GENERAL_FRAMEWORK_SHARE


def below(value: float) -> float:
    return math.nextafter(value, -math.inf)


def specialised(sector_draw: float, threat: float, gap: float, table=SECTOR_TABLE) -> str:
    return choose_sector(SPECIALISED, sector_draw, threat_level=threat, gap=gap, table=table)


def test_the_general_framework_share_is_seventy_percent():
    assert GENERAL_FRAMEWORK_SHARE == 0.7


def test_a_general_framework_is_chosen_for_every_draw_below_the_general_share():
    for sector_draw in (0.0, 0.5, 0.99):
        assert choose_sector(0.0, sector_draw, 1.0, 1.0) == "general"
        assert choose_sector(below(GENERAL_FRAMEWORK_SHARE), sector_draw, 1.0, 1.0) == "general"


def test_a_draw_at_the_general_share_or_above_chooses_a_specialised_sector():
    assert choose_sector(GENERAL_FRAMEWORK_SHARE, 0.0, 0.0, 0.0) == "training"
    assert choose_sector(0.99, 0.0, 0.0, 0.0) == "training"


def test_without_threat_or_gap_only_training_technology_and_arms_have_weight():
    # weights: training 1, intelligence 2 x 0 = 0, technology 0.2 + 2 x 0 = 0.2,
    # arms 0.2 + 0 = 0.2, basing 0 x 0 = 0; total 1.4. Cumulative shares:
    # training 1/1.4 = 0.714, technology 1.2/1.4 = 0.857, arms 1
    assert specialised(0.0, 0.0, 0.0) == "training"
    assert specialised(below(1 / 1.4), 0.0, 0.0) == "training"
    # intelligence's interval [1/1.4, 1/1.4) is empty: the next draw goes to technology
    assert specialised(1 / 1.4, 0.0, 0.0) == "technology"
    assert specialised(below(1.2 / 1.4), 0.0, 0.0) == "technology"
    assert specialised(1.2 / 1.4, 0.0, 0.0) == "arms"
    assert specialised(below(1.0), 0.0, 0.0) == "arms"


def test_every_specialised_sector_has_its_interval_under_threat_and_a_gap():
    # threat 0.5, gap 0.4: training 1, intelligence 2 x 0.5 = 1,
    # technology 0.2 + 2 x 0.4 = 1, arms 0.2 + 0.4 = 0.6, basing 0.4 x 0.5 = 0.2;
    # total 3.8, so the intervals end at 1/3.8, 2/3.8, 3/3.8, 3.6/3.8 and 1
    ends = {"training": 1.0, "intelligence": 2.0, "technology": 3.0, "arms": 3.6, "basing": 3.8}
    start = 0.0
    for sector, end in ends.items():
        end /= 3.8
        assert specialised(start, 0.5, 0.4) == sector
        assert specialised((start + end) / 2, 0.5, 0.4) == sector
        assert specialised(below(end), 0.5, 0.4) == sector
        start = end


def test_intelligence_follows_threat_and_technology_a_capability_gap():
    # threat 1, gap 0: training 1, intelligence 2, technology 0.2, arms 0.2, basing 0;
    # total 3.4: intelligence holds [1/3.4, 3/3.4) = [0.294, 0.882)
    assert specialised(0.5, 1.0, 0.0) == "intelligence"
    assert specialised(0.5, 0.0, 0.0) == "training"
    # threat 0, gap 1: training 1, technology 2.2, arms 1.2; total 4.4:
    # technology holds [1/4.4, 3.2/4.4) = [0.227, 0.727)
    assert specialised(0.5, 0.0, 1.0) == "technology"


def test_basing_needs_both_threat_and_a_gap():
    # threat 1, gap 1: weights 1, 2, 2.2, 1.2, 1; total 7.4: basing holds [6.4/7.4, 1)
    assert specialised(0.9, 1.0, 1.0) == "basing"
    assert specialised(below(1.0), 1.0, 0.0) != "basing"
    assert specialised(below(1.0), 0.0, 1.0) != "basing"


def test_a_custom_table_is_chosen_from_by_its_own_rows_and_weights():
    table = (
        SectorRow("framework", "a framework", (0.5, 0.5, 0.5), 1.0, None, "#000000", "-"),
        SectorRow("alpha", "alpha", (1.0, 0.0, 0.0), 1.0, ChoiceWeight(base=3.0), "#111111", "-"),
        SectorRow("beta", "beta", (0.0, 1.0, 0.0), 1.0, ChoiceWeight(threat=1.0), "#222222", "-"),
    )
    assert choose_sector(0.1, 0.9, 1.0, 0.0, table=table) == "framework"
    # threat 1: alpha 3, beta 1; alpha holds [0, 0.75), beta [0.75, 1)
    assert specialised(below(0.75), 1.0, 0.0, table=table) == "alpha"
    assert specialised(0.75, 1.0, 0.0, table=table) == "beta"
    # without threat beta has no weight
    assert specialised(below(1.0), 0.0, 0.0, table=table) == "alpha"


@pytest.mark.parametrize(("threat", "gap"), [(0.0, 0.0), (0.5, 0.4), (1.0, 0.2), (0.3, 1.0)])
def test_specialised_sectors_are_chosen_in_proportion_to_their_weights(threat, gap):
    rows = [row for row in SECTOR_TABLE if row.choice is not None]
    weights = {
        row.name: row.choice.base
        + row.choice.threat * threat
        + row.choice.gap * gap
        + row.choice.threat_gap * gap * threat
        for row in rows
    }
    total = sum(weights.values())
    draws = 10_000
    counts = dict.fromkeys(weights, 0)
    for k in range(draws):
        counts[specialised((k + 0.5) / draws, threat, gap)] += 1
    for name, weight in weights.items():
        assert counts[name] / draws == pytest.approx(weight / total, abs=1.5 / draws)


@FAST
@given(draw, draw, unit, unit)
def test_a_sector_without_weight_is_never_chosen(general_draw, sector_draw, threat, gap):
    chosen = choose_sector(general_draw, sector_draw, threat, gap)
    if threat == 0.0:
        assert chosen not in ("intelligence", "basing")
    if gap == 0.0:
        assert chosen != "basing"
    assert chosen in {row.name for row in SECTOR_TABLE}


@FAST
@given(draw, draw, unit, unit)
def test_a_higher_sector_draw_never_chooses_an_earlier_row(first, second, threat, gap):
    order = [row.name for row in SECTOR_TABLE]
    low, high = sorted((first, second))
    assert order.index(specialised(low, threat, gap)) <= order.index(specialised(high, threat, gap))


# --------------------------------------------- a further agreement: sectors held


def test_with_nothing_excluded_the_choice_is_unchanged():
    for general_draw, sector_draw in ((0.1, 0.3), (0.8, 0.0), (0.95, 0.99)):
        assert choose_sector(general_draw, sector_draw, 0.4, 0.3) == choose_sector(
            general_draw, sector_draw, 0.4, 0.3, excluded=frozenset()
        )


def test_a_held_general_framework_leaves_the_specialised_sectors_to_their_weights():
    # no threat, no gap: training (weight 1) alone has weight
    for general_draw in (0.0, 0.5, 0.99):
        assert choose_sector(general_draw, 0.5, 0.0, 0.0, excluded=frozenset({"general"})) == (
            "training"
        )


def test_a_held_sector_is_never_chosen_again():
    held = frozenset({"general", "training"})
    chosen = {
        choose_sector(0.9, draw / 100, threat_level=0.8, gap=0.6, excluded=held)
        for draw in range(100)
    }
    assert chosen and not chosen & held
    assert chosen <= {"intelligence", "technology", "arms", "basing"}


def test_the_general_framework_is_chosen_below_its_share_when_not_held():
    held = frozenset({"training"})
    assert choose_sector(0.1, 0.0, 0.0, 0.0, excluded=held) == "general"
    # above its share a specialised sector among the rest: technology 0.2, arms 0.2
    assert choose_sector(0.9, 0.0, 0.0, 0.0, excluded=held) == "technology"
    assert choose_sector(0.9, 0.99, 0.0, 0.0, excluded=held) == "arms"


def test_when_only_the_general_framework_is_left_it_is_chosen():
    held = frozenset({"training", "intelligence", "technology", "arms", "basing"})
    assert choose_sector(0.99, 0.5, 0.0, 0.0, excluded=held) == "general"


def test_nothing_is_chosen_when_no_sector_left_has_weight():
    # intelligence (2 T) and basing (G T) weigh nothing without threat
    held = frozenset({"general", "training", "technology", "arms"})
    assert choose_sector(0.5, 0.5, 0.0, 0.7, excluded=held) is None
    assert choose_sector(0.5, 0.5, 0.5, 0.0, excluded=held) == "intelligence"


# ----------------------------------------------------- many dyads at once

NAMES = [row.name for row in SECTOR_TABLE]
# draws at the ends of the intervals in the tests above: where rounding decides
EDGES = [1 / 1.4, 1.2 / 1.4, 1 / 3.8, 2 / 3.8, 3 / 3.8, 3.6 / 3.8, 0.75, below(1.0)]


@FAST
@given(
    st.lists(
        st.tuples(
            draw,
            st.one_of(draw, st.sampled_from(EDGES)),
            st.one_of(unit, st.sampled_from([0.0, 0.5, 1.0])),
            st.one_of(unit, st.sampled_from([0.0, 0.4, 1.0])),
            st.frozensets(st.sampled_from(NAMES)),
        ),
        min_size=1,
        max_size=20,
    )
)
def test_many_dyads_choose_each_as_it_would_alone(dyads):
    general_draw, sector_draw, threat, gap = (
        np.array(column, dtype=float) for column in list(zip(*dyads))[:4]
    )
    held = np.array([[name in dyad[4] for name in NAMES] for dyad in dyads])
    chosen = choose_sectors(general_draw, sector_draw, threat, gap, held)
    for dyad, code in zip(dyads, chosen.tolist(), strict=True):
        alone = choose_sector(*dyad[:4], excluded=dyad[4])
        assert (NAMES[code] if code >= 0 else None) == alone


def test_many_dyads_choose_as_one_does_at_the_ends_of_the_intervals():
    helds = [frozenset(), frozenset({"general"}), frozenset({"training"}), frozenset(NAMES[:3])]
    dyads = [
        (general_draw, sector_draw, threat, gap, held)
        for general_draw in (0.1, 0.9)
        for sector_draw in (0.0, 0.5, *EDGES)
        for threat in (0.0, 0.5, 1.0)
        for gap in (0.0, 0.4, 1.0)
        for held in helds
    ]
    general_draw, sector_draw, threat, gap = (
        np.array(column, dtype=float) for column in list(zip(*dyads))[:4]
    )
    held = np.array([[name in dyad[4] for name in NAMES] for dyad in dyads])
    chosen = choose_sectors(general_draw, sector_draw, threat, gap, held)
    assert [NAMES[code] if code >= 0 else None for code in chosen.tolist()] == [
        choose_sector(*dyad[:4], excluded=dyad[4]) for dyad in dyads
    ]
