"""Which 2025 commune a record belongs to: resolve_commune, the circle rule, communes_containing."""

from __future__ import annotations

import math

import pytest
from django.utils import translation

from safecommune.core.errors import DomainError
from safecommune.territory import geo
from safecommune.territory.models import AdministrativeUnit, Level, Structure, UnitSuccession
from safecommune.territory.selectors import (
    ResolutionMethod,
    communes_containing,
    resolve_commune,
    unit_contains,
)

UNITS_WITHOUT_AREA = ["06187", "19147", "19159", "28435"]


def north_of(point: tuple[float, float], km: float) -> tuple[float, float]:
    """The point ``km`` due north: along a meridian the haversine distance is exactly ``km``."""
    lat, lon = point
    return (lat + math.degrees(km / geo.EARTH_RADIUS_KM), lon)


def east_of(point: tuple[float, float], km: float) -> tuple[float, float]:
    """A point about ``km`` due east (on the parallel; the great-circle distance is a hair less)."""
    lat, lon = point
    return (lat, lon + math.degrees(km / (geo.EARTH_RADIUS_KM * math.cos(math.radians(lat)))))


@pytest.fixture
def split_commune(db):
    """A former commune split between two or more 2025 communes, with a non-default part that
    has a centroid and an area: (former commune, default part, other part)."""
    rows = (UnitSuccession.objects
            .filter(is_split=True, predecessor__structure=Structure.LEGACY,
                    predecessor__level=Level.COMMUNE, successor__level=Level.COMMUNE,
                    is_default=False, successor__latitude__isnull=False,
                    successor__area_km2__isnull=False)
            .select_related("predecessor", "successor")
            .order_by("predecessor__code", "successor__code"))
    row = rows.first()
    assert row is not None, "the data has split communes"
    default = UnitSuccession.objects.get(predecessor=row.predecessor, is_default=True).successor
    assert default != row.successor
    return row.predecessor, default, row.successor


# --- resolve_commune ----------------------------------------------------------------------

def test_current_commune_resolves_to_itself(units):
    xuan_quang = units(Structure.CURRENT, "02926")

    resolution = resolve_commune(xuan_quang)

    assert resolution.commune == xuan_quang
    assert resolution.method == ResolutionMethod.SELF


def test_commune_merged_whole_goes_to_its_sole_successor(units):
    tri_quang = units(Structure.LEGACY, "02935")

    resolution = resolve_commune(tri_quang)

    assert (resolution.commune.structure, resolution.commune.code) == ("2025", "02926")
    assert resolution.method == ResolutionMethod.SOLE_SUCCESSOR
    with translation.override("en"):
        assert "Xã Xuân Quang" in resolution.explanation


def test_split_commune_with_point_goes_to_the_part_containing_it(split_commune):
    former, default, other = split_commune

    resolution = resolve_commune(former, other.point)

    assert resolution.commune == other
    assert resolution.method == ResolutionMethod.POINT
    assert set(resolution.candidates) >= {default, other}


def test_split_commune_with_point_in_the_default_part_goes_there_by_point(split_commune):
    former, default, _other = split_commune
    assert default.point is not None and default.area_km2

    resolution = resolve_commune(former, default.point)

    assert resolution.commune == default
    assert resolution.method == ResolutionMethod.POINT


def test_split_commune_without_point_goes_to_the_default_successor(split_commune):
    former, default, _other = split_commune

    resolution = resolve_commune(former)

    assert resolution.commune == default
    assert resolution.method == ResolutionMethod.DEFAULT
    with translation.override("en"):
        assert "default successor" in resolution.explanation
        assert default.name in resolution.explanation


def test_split_commune_with_point_in_another_province_goes_to_the_default(split_commune, units):
    former, default, _other = split_commune
    # Given a point at the centre of Cà Mau, far from any former commune in the north
    ca_mau = units(Structure.CURRENT, "96")
    assert geo.haversine_km(ca_mau.point, default.point) > 500

    resolution = resolve_commune(former, ca_mau.point)

    assert resolution.commune == default
    assert resolution.method == ResolutionMethod.DEFAULT


@pytest.mark.parametrize("code", ["086", "15"], ids=["legacy-district", "legacy-province"])
def test_legacy_district_or_province_is_refused_as_not_a_commune(units, code):
    unit = units(Structure.LEGACY, code)
    assert unit.level in (Level.DISTRICT, Level.PROVINCE)

    with pytest.raises(DomainError) as caught:
        resolve_commune(unit)

    assert (caught.value.field, caught.value.rule) == ("unit", "commune")


def test_current_province_is_refused_as_not_a_commune(units):
    with pytest.raises(DomainError) as caught:
        resolve_commune(units(Structure.CURRENT, "15"))
    assert (caught.value.field, caught.value.rule) == ("unit", "commune")


def test_island_district_without_communes_resolves_to_its_special_zone(db):
    con_dao = AdministrativeUnit.objects.get(structure=Structure.LEGACY, level=Level.DISTRICT,
                                             short_name="Côn Đảo")

    resolution = resolve_commune(con_dao)

    assert resolution.commune.kind == "Đặc khu"
    assert resolution.commune.short_name == "Côn Đảo"
    assert resolution.method == ResolutionMethod.SOLE_SUCCESSOR


@pytest.mark.parametrize("point,field", [
    ((95, 106.0), "lat"),
    ((-90.5, 106.0), "lat"),
    ((21.0, 181), "lon"),
    ((21.0, "x"), "point"),
    ((None, None), "point"),
    ((21.0,), "point"),
    ((float("nan"), 106.0), "lat"),
])
def test_bad_point_for_split_commune_is_refused_naming_the_field(split_commune, point, field):
    former, _default, _other = split_commune

    with pytest.raises(DomainError) as caught:
        resolve_commune(former, point)

    assert caught.value.field == field


@pytest.mark.parametrize("structure,code", [("2025", "02926"), ("legacy", "02935")],
                         ids=["current-commune", "merged-whole"])
def test_bad_point_is_refused_even_when_the_commune_needs_no_point(units, structure, code):
    # A latitude of 95 is wrong input whatever the unit; it must not be silently accepted.
    with pytest.raises(DomainError) as caught:
        resolve_commune(units(structure, code), (95, 106.0))
    assert caught.value.field == "lat"


# --- The circle rule and communes_containing ----------------------------------------------

def test_commune_contains_its_own_centroid(units):
    xuan_quang = units(Structure.CURRENT, "02926")

    assert unit_contains(unit=xuan_quang, point=xuan_quang.point)
    assert communes_containing(point=xuan_quang.point)[0] == xuan_quang


def test_point_just_inside_the_circle_is_contained(units):
    xuan_quang = units(Structure.CURRENT, "02926")
    radius = geo.circle_radius_km(xuan_quang.area_km2)
    point = north_of(xuan_quang.point, 0.95 * radius)

    assert unit_contains(unit=xuan_quang, point=point)
    assert xuan_quang in communes_containing(point=point)


def test_point_at_1_2_radius_is_not_contained(units):
    xuan_quang = units(Structure.CURRENT, "02926")
    radius = geo.circle_radius_km(xuan_quang.area_km2)
    point = north_of(xuan_quang.point, 1.2 * radius)
    assert geo.haversine_km(point, xuan_quang.point) == pytest.approx(1.2 * radius, rel=1e-6)

    assert not unit_contains(unit=xuan_quang, point=point)
    assert xuan_quang not in communes_containing(point=point)


def test_circle_factor_setting_widens_the_circle(units, settings):
    xuan_quang = units(Structure.CURRENT, "02926")
    point = north_of(xuan_quang.point, 1.2 * geo.circle_radius_km(xuan_quang.area_km2))
    assert not unit_contains(unit=xuan_quang, point=point)

    settings.SAFECOMMUNE_CIRCLE_FACTOR = 1.5

    assert unit_contains(unit=xuan_quang, point=point)
    assert xuan_quang in communes_containing(point=point)


@pytest.mark.parametrize("factor", [1.0, 3.0])
def test_largest_commune_is_found_at_the_edge_of_its_widened_circle(db, settings, factor):
    # communes_containing looks only in a window around the point; it must agree with
    # unit_contains for the largest commune, whatever the circle factor.
    settings.SAFECOMMUNE_CIRCLE_FACTOR = factor
    largest = (AdministrativeUnit.objects
               .filter(structure=Structure.CURRENT, level=Level.COMMUNE, area_km2__isnull=False)
               .order_by("-area_km2").first())
    point = east_of(largest.point, 0.95 * geo.circle_radius_km(largest.area_km2, factor))

    assert unit_contains(unit=largest, point=point)
    assert largest in communes_containing(point=point)


@pytest.mark.parametrize("point", [(0.0, 0.0), (10.0, 114.0), (48.85, 2.35)],
                         ids=["gulf-of-guinea", "south-china-sea", "paris"])
def test_point_outside_vietnam_is_in_no_commune(db, point):
    assert communes_containing(point=point) == []


def test_overlapping_circles_list_the_deepest_first(split_commune):
    # Given a point a third of the way from one part of a split commune to the other
    _former, default, other = split_commune
    point = (other.latitude + (default.latitude - other.latitude) / 3,
             other.longitude + (default.longitude - other.longitude) / 3)

    hits = communes_containing(point=point)

    assert len(hits) >= 2
    scores = [geo.circle_score(point, u.point, u.area_km2) for u in hits]
    assert scores == sorted(scores) and max(scores) <= 1.0


@pytest.mark.parametrize("code", UNITS_WITHOUT_AREA)
def test_unit_without_area_never_contains_by_circle(units, code):
    unit = units(Structure.CURRENT, code)
    assert unit.area_km2 is None and unit.point is not None

    assert not unit_contains(unit=unit, point=unit.point)
    assert unit not in communes_containing(point=unit.point)


def test_communes_containing_refuses_a_bad_point(db):
    with pytest.raises(DomainError) as caught:
        communes_containing(point=(12.0, 200.0))
    assert caught.value.field == "lon"
