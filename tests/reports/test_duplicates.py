"""Likely duplicates: same category, within 250 m and 48 hours, among the incidents the user
may see; the bounding box never loses a point inside the circle."""

import math
from datetime import timedelta

import pytest
from django.utils import timezone
from hypothesis import given, settings
from hypothesis import strategies as st

from safecommune.reports import selectors, services
from safecommune.reports.models import Category
from safecommune.territory.geo import haversine_km
from tests.reports.factories import IA_KRAI_CENTRE, offset


@pytest.fixture
def base(make_incident):
    at = timezone.now() - timedelta(days=3)
    return make_incident(category="theft", occurred_at=at, point=IA_KRAI_CENTRE), at


def _found(user, *, point, at, category="theft"):
    return selectors.incident_duplicates(user=user, category=Category.objects.get(code=category),
                                         point=point, at=at)


@pytest.mark.parametrize("north_m,east_m,hours,expected", [
    (0, 0, 0, True), (240, 0, 0, True), (0, 240, 0, True), (170, 170, 0, True),
    (260, 0, 0, False), (0, 260, 0, False), (180, 180, 0, False),
    (0, 0, 47.9, True), (0, 0, -47.9, True), (0, 0, 48.1, False), (0, 0, -48.1, False),
])
def test_within_250_metres_and_48_hours(base, officer, north_m, east_m, hours, expected):
    incident, at = base
    point = offset(IA_KRAI_CENTRE, north_m=north_m, east_m=east_m)
    found = _found(officer, point=point, at=at + timedelta(hours=hours))
    assert (incident in found) is expected
    if expected:
        assert found[0].distance_m == round(haversine_km(point, IA_KRAI_CENTRE) * 1000)


def test_other_category_is_not_a_duplicate(base, officer):
    _incident, at = base
    assert _found(officer, point=IA_KRAI_CENTRE, at=at, category="fraud") == []


def test_no_point_or_time_means_no_suggestion(base, officer):
    _incident, at = base
    assert _found(officer, point=None, at=at) == []
    assert _found(officer, point=IA_KRAI_CENTRE, at=None) == []


def test_incidents_out_of_scope_are_never_suggested(base, other_officer, province_viewer):
    incident, at = base
    assert _found(other_officer, point=IA_KRAI_CENTRE, at=at) == []
    assert _found(province_viewer, point=IA_KRAI_CENTRE, at=at) == [incident]


def test_nearest_first(base, make_incident, officer):
    incident, at = base
    nearer = make_incident(category="theft", occurred_at=at,
                           point=offset(IA_KRAI_CENTRE, north_m=20))
    farther = make_incident(category="theft", occurred_at=at,
                            point=offset(IA_KRAI_CENTRE, north_m=200))
    found = _found(officer, point=offset(IA_KRAI_CENTRE, north_m=30), at=at)
    assert found == [nearer, incident, farther]


def test_settings_change_the_rule(base, officer, settings):
    incident, at = base
    settings.SAFECOMMUNE_DUPLICATE_METRES = 500
    settings.SAFECOMMUNE_DUPLICATE_HOURS = 72
    assert incident in _found(officer, point=offset(IA_KRAI_CENTRE, north_m=400),
                              at=at + timedelta(hours=60))


def test_a_new_report_is_checked_against_existing_incidents(base, make_report, officer):
    incident, at = base
    report = make_report(point=offset(IA_KRAI_CENTRE, east_m=100), occurred_at=at)
    assert _found(officer, point=report.point, at=report.occurred_at) == [incident]
    services.report_link_to_incident(actor=officer, report=report, incident=incident)


@settings(max_examples=300, deadline=None)
@given(lat=st.floats(min_value=8.0, max_value=23.5), lon=st.floats(min_value=102, max_value=110),
       bearing=st.floats(min_value=0, max_value=2 * math.pi),
       metres=st.floats(min_value=0, max_value=250))
def test_bounding_box_holds_every_point_of_the_circle(lat, lon, bearing, metres):
    point = offset((lat, lon), north_m=metres * math.cos(bearing),
                   east_m=metres * math.sin(bearing))
    if haversine_km((lat, lon), point) * 1000 > 250:
        return
    min_lat, max_lat, min_lon, max_lon = selectors.bounding_box((lat, lon), 250)
    assert min_lat <= point[0] <= max_lat and min_lon <= point[1] <= max_lon
