"""Geography: great-circle distances, placing nations around a centre, proximity."""

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from simulation.mechanisms import geography

FAST = settings(max_examples=80, deadline=None)

WASHINGTON = (38.9072, -77.0369)
LONDON = (51.5074, -0.1278)
TOKYO = (35.6762, 139.6503)
latitudes = st.floats(-89.0, 89.0)
longitudes = st.floats(-180.0, 180.0)


def distance_between(*points):
    latitude, longitude = zip(*points, strict=True)
    return geography.great_circle_distance(np.array(latitude), np.array(longitude))


def test_washington_to_london_is_about_5900_km():
    distance = distance_between(WASHINGTON, LONDON)
    assert distance[0, 1] == pytest.approx(5_900, abs=25)
    assert distance[1, 0] == distance[0, 1]
    np.testing.assert_array_equal(np.diag(distance), 0.0)


def test_london_to_tokyo_is_about_9560_km():
    assert distance_between(LONDON, TOKYO)[0, 1] == pytest.approx(9_560, abs=30)


def test_antipodes_are_half_the_circumference_apart_and_the_date_line_is_no_barrier():
    distance = distance_between((0.0, 0.0), (0.0, 180.0), (0.0, 179.0), (0.0, -179.0))
    assert distance[0, 1] == pytest.approx(np.pi * geography.EARTH_RADIUS_KM)
    # one degree of longitude each side of the date line: two degrees at the equator
    assert distance[2, 3] == pytest.approx(2 * np.pi * geography.EARTH_RADIUS_KM / 180)


@FAST
@given(latitudes, longitudes, st.floats(0.0, 2 * np.pi), st.floats(0.0, 5_000.0))
def test_destination_lies_at_the_distance_travelled(latitude, longitude, bearing, distance_km):
    arrived = geography.destination(
        latitude, longitude, np.array([bearing]), np.array([distance_km])
    )
    travelled = distance_between((latitude, longitude), (arrived[0][0], arrived[1][0]))[0, 1]
    assert travelled == pytest.approx(distance_km, abs=1e-3)
    assert -180.0 <= arrived[1][0] < 180.0


def test_going_north_raises_the_latitude_by_the_arc():
    latitude, longitude = geography.destination(10.0, 20.0, np.array([0.0]), np.array([1_000.0]))
    assert latitude[0] == pytest.approx(10.0 + np.degrees(1_000.0 / geography.EARTH_RADIUS_KM))
    assert longitude[0] == pytest.approx(20.0)


def test_placed_nations_spread_evenly_over_the_disc_around_the_centre():
    rng = np.random.default_rng(1)
    draws = rng.random((2, 20_000))
    latitude, longitude = geography.place_around(48.0, 10.0, 1_500.0, *draws)
    # the spherical law of cosines, written out here as an independent check
    phi0, phi, dlam = np.radians(48.0), np.radians(latitude), np.radians(longitude - 10.0)
    cosine = np.sin(phi0) * np.sin(phi) + np.cos(phi0) * np.cos(phi) * np.cos(dlam)
    from_centre = geography.EARTH_RADIUS_KM * np.arccos(np.clip(cosine, -1.0, 1.0))
    assert from_centre.max() <= 1_500.0 + 1e-3
    # evenly over a disc: the mean distance from the centre is 2/3 of the radius, and
    # half of the points lie within radius / sqrt(2)
    assert from_centre.mean() == pytest.approx(1_000.0, rel=0.02)
    assert np.mean(from_centre < 1_500.0 / np.sqrt(2)) == pytest.approx(0.5, abs=0.02)


def test_proximity_decays_with_distance_to_one_over_e_at_the_scale():
    distance = np.array([0.0, 1_000.0, 3_000.0, 9_000.0])
    proximity = geography.proximity(distance, 3_000.0)
    assert proximity[0] == 1.0
    assert proximity[2] == pytest.approx(np.exp(-1.0))
    assert np.all(np.diff(proximity) < 0)


def test_a_client_next_door_is_worth_half_a_client_far_away():
    value = geography.client_distance_value(np.array([1.0, np.exp(-1.0), 0.0]))
    np.testing.assert_allclose(value, [0.5, 1.0 - 0.5 * np.exp(-1.0), 1.0])
