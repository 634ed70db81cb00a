"""Points and communes without a GIS: the circle rule and polygon tests.

The unit data has centroids and areas but no boundaries. Until an administrator imports
polygons, a commune is taken to cover the disc of its own area around its centroid:
radius r = sqrt(area / π) × SAFECOMMUNE_CIRCLE_FACTOR (docs/decisions/0004-circle-rule.md).
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence

EARTH_RADIUS_KM = 6371.0088


def haversine_km(a: tuple[float, float], b: tuple[float, float]) -> float:
    lat1, lon1 = map(math.radians, a)
    lat2, lon2 = map(math.radians, b)
    h = math.sin((lat2 - lat1) / 2) ** 2 + math.cos(lat1) * math.cos(lat2) * math.sin(
        (lon2 - lon1) / 2) ** 2
    return 2 * EARTH_RADIUS_KM * math.asin(min(1.0, math.sqrt(h)))


def circle_radius_km(area_km2: float, factor: float = 1.0) -> float:
    return math.sqrt(max(area_km2, 0.0) / math.pi) * factor


def in_circle(point: tuple[float, float], centre: tuple[float, float], area_km2: float,
              factor: float = 1.0) -> bool:
    return haversine_km(point, centre) <= circle_radius_km(area_km2, factor)


def circle_score(point: tuple[float, float], centre: tuple[float, float], area_km2: float,
                 factor: float = 1.0) -> float:
    """Distance from the centre as a share of the radius: < 1 inside, smaller is deeper."""
    radius = circle_radius_km(area_km2, factor)
    if radius <= 0:
        return math.inf
    return haversine_km(point, centre) / radius


def _ring_contains(ring: Sequence[Sequence[float]], lon: float, lat: float) -> bool:
    inside = False
    j = len(ring) - 1
    for i in range(len(ring)):
        xi, yi = ring[i][0], ring[i][1]
        xj, yj = ring[j][0], ring[j][1]
        if (yi > lat) != (yj > lat):
            x_cross = (xj - xi) * (lat - yi) / (yj - yi) + xi
            if lon < x_cross:
                inside = not inside
        j = i
    return inside


def _polygon_contains(rings: Sequence, lon: float, lat: float) -> bool:
    if not rings or not _ring_contains(rings[0], lon, lat):
        return False
    return not any(_ring_contains(hole, lon, lat) for hole in rings[1:])


def geometry_contains(geometry: dict, point: tuple[float, float]) -> bool:
    """Whether a GeoJSON Polygon or MultiPolygon contains (lat, lon)."""
    lat, lon = point
    if geometry["type"] == "Polygon":
        return _polygon_contains(geometry["coordinates"], lon, lat)
    if geometry["type"] == "MultiPolygon":
        return any(_polygon_contains(p, lon, lat) for p in geometry["coordinates"])
    return False


def geometry_bbox(geometry: dict) -> tuple[float, float, float, float]:
    """(min_lat, max_lat, min_lon, max_lon) of a Polygon or MultiPolygon."""
    polygons = [geometry["coordinates"]] if geometry["type"] == "Polygon" else geometry[
        "coordinates"]
    lons: list[float] = []
    lats: list[float] = []
    for polygon in polygons:
        for ring in polygon:
            for position in ring:
                lons.append(float(position[0]))
                lats.append(float(position[1]))
    return min(lats), max(lats), min(lons), max(lons)


def validate_polygon_geometry(geometry: object) -> list[str]:
    """Problems with a GeoJSON geometry that must be a Polygon or MultiPolygon; empty if fine."""
    if not isinstance(geometry, dict):
        return ["geometry must be an object"]
    kind = geometry.get("type")
    coordinates = geometry.get("coordinates")
    if kind not in ("Polygon", "MultiPolygon"):
        return [f"geometry type must be Polygon or MultiPolygon, not {kind!r}"]
    polygons = [coordinates] if kind == "Polygon" else coordinates
    if not isinstance(polygons, list) or not polygons:
        return ["coordinates must be a non-empty list"]
    problems: list[str] = []
    for polygon in polygons:
        if not isinstance(polygon, list) or not polygon:
            problems.append("each polygon must be a non-empty list of rings")
            continue
        for ring in polygon:
            problems.extend(_ring_problems(ring))
    return problems


def _ring_problems(ring: object) -> Iterable[str]:
    if not isinstance(ring, list) or len(ring) < 4:
        yield "each ring needs at least 4 positions"
        return
    for position in ring:
        if (not isinstance(position, list) or len(position) < 2
                or not all(isinstance(v, (int, float)) and not isinstance(v, bool)
                           for v in position[:2])):
            yield "each position must be [longitude, latitude] numbers"
            return
        lon, lat = position[0], position[1]
        if not (-180 <= lon <= 180 and -90 <= lat <= 90):
            yield f"position {position!r} is outside longitude/latitude ranges"
            return
    if ring[0][:2] != ring[-1][:2]:
        yield "each ring must be closed (first and last positions equal)"
