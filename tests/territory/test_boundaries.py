"""Polygons: the geo helpers, and ``safecommune territory import-boundaries FILE``, which
imports all or nothing."""

from __future__ import annotations

import json

import pytest
from django.core.management import CommandError, call_command
from django.utils import translation
from hypothesis import assume, given
from hypothesis import strategies as st

from safecommune.territory import geo
from safecommune.territory.models import Structure, UnitBoundary
from safecommune.territory.selectors import communes_containing, unit_contains

latitudes = st.floats(min_value=-90, max_value=90, allow_nan=False)
longitudes = st.floats(min_value=-180, max_value=180, allow_nan=False)
points = st.tuples(latitudes, longitudes)
inner = st.floats(min_value=0.01, max_value=0.99)


def rectangle(min_lon: float, min_lat: float, max_lon: float, max_lat: float) -> list:
    """A closed GeoJSON ring, [longitude, latitude] positions, counter-clockwise."""
    return [[min_lon, min_lat], [max_lon, min_lat], [max_lon, max_lat], [min_lon, max_lat],
            [min_lon, min_lat]]


# --- geo helpers ---------------------------------------------------------------------------

@given(points, points)
def test_haversine_is_symmetric_and_never_negative(a, b):
    assert geo.haversine_km(a, b) == pytest.approx(geo.haversine_km(b, a), abs=1e-9)
    assert 0 <= geo.haversine_km(a, b) <= geo.EARTH_RADIUS_KM * 3.1416


@given(points)
def test_haversine_is_zero_between_identical_points(a):
    assert geo.haversine_km(a, a) == 0


def test_haversine_knows_a_real_distance():
    hanoi, ho_chi_minh_city = (21.0285, 105.8542), (10.7769, 106.7009)
    assert geo.haversine_km(hanoi, ho_chi_minh_city) == pytest.approx(1140, rel=0.01)


@given(st.floats(min_value=0.01, max_value=5000))
def test_a_circle_has_the_area_it_stands_for(area):
    radius = geo.circle_radius_km(area)
    assert 3.14159265 * radius ** 2 == pytest.approx(area)
    assert geo.circle_radius_km(area, 2.0) == pytest.approx(2 * radius)


@given(lon0=st.floats(-170, 160), lat0=st.floats(-80, 70), width=st.floats(0.01, 9),
       height=st.floats(0.01, 9), u=inner, v=inner)
def test_rectangle_contains_the_points_inside_it(lon0, lat0, width, height, u, v):
    polygon = {"type": "Polygon",
               "coordinates": [rectangle(lon0, lat0, lon0 + width, lat0 + height)]}
    assert geo.geometry_contains(polygon, (lat0 + v * height, lon0 + u * width))


@given(lon0=st.floats(-170, 160), lat0=st.floats(-80, 70), width=st.floats(0.01, 9),
       height=st.floats(0.01, 9), u=st.floats(1.01, 3), v=inner, side=st.sampled_from("NESW"))
def test_rectangle_does_not_contain_points_beyond_its_sides(lon0, lat0, width, height, u, v,
                                                            side):
    polygon = {"type": "Polygon",
               "coordinates": [rectangle(lon0, lat0, lon0 + width, lat0 + height)]}
    lat, lon = {
        "N": (lat0 + u * height, lon0 + v * width),
        "S": (lat0 - (u - 1) * height, lon0 + v * width),
        "E": (lat0 + v * height, lon0 + u * width),
        "W": (lat0 + v * height, lon0 - (u - 1) * width),
    }[side]
    assert not geo.geometry_contains(polygon, (lat, lon))


def test_point_order_is_latitude_then_longitude():
    # A wide, flat rectangle: swapping latitude and longitude would move the point out.
    polygon = {"type": "Polygon", "coordinates": [rectangle(100, 20, 110, 21)]}
    assert geo.geometry_contains(polygon, (20.5, 105))
    assert not geo.geometry_contains(polygon, (105, 20.5))


SQUARE_WITH_HOLE = {"type": "Polygon",
                    "coordinates": [rectangle(0, 0, 10, 10), rectangle(4, 4, 6, 6)]}


@given(u=st.floats(4.05, 5.95), v=st.floats(4.05, 5.95))
def test_square_with_a_hole_does_not_contain_the_hole(u, v):
    assert not geo.geometry_contains(SQUARE_WITH_HOLE, (v, u))


@given(u=st.floats(0.05, 9.95), v=st.floats(0.05, 9.95))
def test_square_with_a_hole_contains_the_rest(u, v):
    assume(not (3.95 <= u <= 6.05 and 3.95 <= v <= 6.05))
    assert geo.geometry_contains(SQUARE_WITH_HOLE, (v, u))


TWO_ISLANDS = {"type": "MultiPolygon", "coordinates": [
    [rectangle(0, 0, 1, 1)],
    [rectangle(5, 5, 6, 6), rectangle(5.4, 5.4, 5.6, 5.6)],
]}


@given(u=inner, v=inner, island=st.sampled_from([0, 5]))
def test_multipolygon_contains_points_in_each_part(u, v, island):
    assume(island == 0 or not (0.35 <= u <= 0.65 and 0.35 <= v <= 0.65))
    assert geo.geometry_contains(TWO_ISLANDS, (island + v, island + u))


@pytest.mark.parametrize("point", [(3, 3), (5.5, 5.5), (0.5, 5.5), (-1, -1)],
                         ids=["between", "hole-of-second", "off-axis", "outside"])
def test_multipolygon_does_not_contain_points_outside_every_part(point):
    assert not geo.geometry_contains(TWO_ISLANDS, point)


def test_other_geometry_types_contain_nothing():
    assert not geo.geometry_contains({"type": "Point", "coordinates": [0, 0]}, (0, 0))


def test_bounding_box_covers_every_part():
    assert geo.geometry_bbox(TWO_ISLANDS) == (0, 6, 0, 6)
    assert geo.geometry_bbox({"type": "Polygon",
                              "coordinates": [rectangle(100, 20, 110, 21)]}) == (20, 21, 100, 110)


@given(lon0=st.floats(-170, 160), lat0=st.floats(-80, 70), size=st.floats(0.01, 9))
def test_closed_rectangle_is_a_valid_polygon_and_open_one_is_not(lon0, lat0, size):
    ring = rectangle(lon0, lat0, lon0 + size, lat0 + size)
    assert geo.validate_polygon_geometry({"type": "Polygon", "coordinates": [ring]}) == []
    problems = geo.validate_polygon_geometry({"type": "Polygon", "coordinates": [ring[:-1]]})
    assert any("closed" in p for p in problems)


@pytest.mark.parametrize("geometry,fragment", [
    (None, "object"),
    ({"type": "Point", "coordinates": [1, 2]}, "Polygon or MultiPolygon"),
    ({"type": "Polygon", "coordinates": []}, "non-empty"),
    ({"type": "Polygon", "coordinates": [[[0, 0], [1, 0], [0, 0]]]}, "at least 4"),
    ({"type": "Polygon", "coordinates": [[[0, 0], [1, "a"], [1, 1], [0, 0]]]}, "numbers"),
    ({"type": "Polygon", "coordinates": [[[0, 0], [1, True], [1, 1], [0, 0]]]}, "numbers"),
    ({"type": "Polygon", "coordinates": [rectangle(0, 0, 200, 1)]}, "outside"),
    ({"type": "MultiPolygon", "coordinates": [[]]}, "non-empty list of rings"),
])
def test_invalid_geometries_are_described(geometry, fragment):
    problems = geo.validate_polygon_geometry(geometry)
    assert problems and any(fragment in p for p in problems), problems


# --- import-boundaries -------------------------------------------------------------------

def feature(code: str, ring: list, **properties) -> dict:
    return {"type": "Feature", "properties": {"code": code, **properties},
            "geometry": {"type": "Polygon", "coordinates": [ring]}}


def collection(*features) -> dict:
    return {"type": "FeatureCollection", "features": list(features)}


@pytest.fixture
def write(tmp_path):
    def write(data, name="boundaries.geojson") -> str:
        path = tmp_path / name
        path.write_text(data if isinstance(data, str) else json.dumps(data), encoding="utf-8")
        return str(path)
    return write


def import_boundaries(path: str) -> str:
    from io import StringIO

    out = StringIO()
    with translation.override("en"):
        call_command("territory", "import-boundaries", path, stdout=out)
    return out.getvalue()


@pytest.fixture
def xuan_quang(units):
    return units(Structure.CURRENT, "02926")


def around(unit, half: float = 0.01) -> list:
    lat, lon = unit.point
    return rectangle(lon - half, lat - half, lon + half, lat + half)


def test_imported_polygon_replaces_the_circle_rule(xuan_quang, write):
    # Given a point inside Xuân Quang's circle but outside the polygon about to be imported
    inside_circle_only = (xuan_quang.latitude + 0.03, xuan_quang.longitude)
    assert unit_contains(unit=xuan_quang, point=inside_circle_only)

    output = import_boundaries(write(collection(feature("02926", around(xuan_quang)))))

    assert "1 new, 0 replaced" in output
    boundary = UnitBoundary.objects.get(unit=xuan_quang)
    assert boundary.source == "boundaries.geojson"
    assert (boundary.min_lat, boundary.max_lon) == pytest.approx(
        (xuan_quang.latitude - 0.01, xuan_quang.longitude + 0.01))
    assert unit_contains(unit=xuan_quang, point=xuan_quang.point)
    assert not unit_contains(unit=xuan_quang, point=inside_circle_only)
    assert xuan_quang not in communes_containing(point=inside_circle_only)
    assert communes_containing(point=xuan_quang.point)[0] == xuan_quang


def test_polygon_far_from_the_centroid_is_still_found(xuan_quang, write):
    # A polygon half a degree north of the centroid lies outside the search window around it.
    far = (xuan_quang.latitude + 0.5, xuan_quang.longitude)
    ring = rectangle(far[1] - 0.01, far[0] - 0.01, far[1] + 0.01, far[0] + 0.01)

    import_boundaries(write(collection(feature("02926", ring))))

    assert xuan_quang in communes_containing(point=far)
    assert xuan_quang not in communes_containing(point=xuan_quang.point)


def test_multipolygon_and_legacy_structure_are_accepted(units, write):
    tri_quang = units(Structure.LEGACY, "02935")
    ring = around(tri_quang)
    data = collection({"type": "Feature", "properties": {"code": "02935", "structure": "legacy"},
                       "geometry": {"type": "MultiPolygon", "coordinates": [[ring]]}})

    import_boundaries(write(data))

    assert UnitBoundary.objects.get(unit=tri_quang).geometry["type"] == "MultiPolygon"
    assert not UnitBoundary.objects.filter(unit__structure=Structure.CURRENT,
                                           unit__code="02935").exists()


def test_importing_again_replaces_the_polygon(xuan_quang, units, write):
    import_boundaries(write(collection(feature("02926", around(xuan_quang, 0.01)))))
    bat_xat = units(Structure.CURRENT, "02683")

    output = import_boundaries(write(collection(feature("02926", around(xuan_quang, 0.02)),
                                                feature("02683", around(bat_xat)))))

    assert "1 new, 1 replaced" in output
    assert UnitBoundary.objects.filter(unit__in=[xuan_quang, bat_xat]).count() == 2
    assert UnitBoundary.objects.get(unit=xuan_quang).min_lat == pytest.approx(
        xuan_quang.latitude - 0.02)


def ok_feature(units, code="02926"):
    return feature(code, around(units(Structure.CURRENT, code)))


BAD_CASES = {
    "malformed-json": (lambda units: '{"type": "FeatureCollection", "features": [',
                       "not valid JSON"),
    "not-a-collection": (lambda units: {"type": "Feature", "features": []}, "FeatureCollection"),
    "features-not-a-list": (lambda units: {"type": "FeatureCollection", "features": {}},
                            "FeatureCollection"),
    "empty-features": (lambda units: collection(), "no features"),
    "unknown-code": (lambda units: collection(ok_feature(units),
                                              feature("99999", rectangle(104, 22, 105, 23))),
                     "99999"),
    "missing-code": (lambda units: collection(ok_feature(units),
                                              feature("", rectangle(104, 22, 105, 23))),
                     "properties.code is required"),
    "point-geometry": (lambda units: collection(
        ok_feature(units), {"type": "Feature", "properties": {"code": "02683"},
                            "geometry": {"type": "Point", "coordinates": [104.2, 22.3]}}),
        "Polygon or MultiPolygon"),
    "unclosed-ring": (lambda units: collection(
        ok_feature(units), feature("02683", rectangle(104, 22, 105, 23)[:-1])), "closed"),
    "out-of-range": (lambda units: collection(
        ok_feature(units), feature("02683", rectangle(104, 22, 185, 23))), "outside"),
    "duplicate-unit": (lambda units: collection(ok_feature(units), ok_feature(units)),
                       "appears twice"),
    "not-a-feature": (lambda units: collection(ok_feature(units), {"type": "Polygon"}),
                      "not a GeoJSON Feature"),
}


@pytest.mark.parametrize("case", sorted(BAD_CASES))
def test_bad_file_is_refused_clearly_and_nothing_is_written(units, write, case):
    # Given a boundary already imported for Xuân Quang
    xuan_quang = units(Structure.CURRENT, "02926")
    import_boundaries(write(collection(feature("02926", around(xuan_quang, 0.03))), "first.json"))
    before = list(UnitBoundary.objects.values_list("unit_id", "min_lat", "source"))
    make, fragment = BAD_CASES[case]

    with pytest.raises(CommandError) as caught:
        import_boundaries(write(make(units)))

    assert fragment in str(caught.value)
    assert list(UnitBoundary.objects.values_list("unit_id", "min_lat", "source")) == before


def test_error_names_the_feature_that_is_wrong(units, write):
    data = collection(ok_feature(units), feature("02683", rectangle(104, 22, 105, 23)[:-1]))

    with pytest.raises(CommandError) as caught:
        import_boundaries(write(data))

    assert "feature 2" in str(caught.value) and "feature 1" not in str(caught.value)


def test_missing_file_is_refused_clearly(db, tmp_path):
    with pytest.raises(CommandError) as caught:
        import_boundaries(str(tmp_path / "nowhere.geojson"))
    assert "nowhere.geojson" in str(caught.value)


@pytest.mark.parametrize("properties", ["02683", ["02683"], 2683])
def test_feature_whose_properties_is_not_an_object_is_refused_clearly(units, write, properties):
    data = collection(ok_feature(units), {"type": "Feature", "properties": properties,
                                          "geometry": ok_feature(units)["geometry"]})
    before = UnitBoundary.objects.count()

    with pytest.raises(CommandError) as caught:
        import_boundaries(write(data))

    assert "feature 2" in str(caught.value)
    assert UnitBoundary.objects.count() == before
