"""Likely duplicates: incidents of the same category within 250 m and 48 hours (both settings).

A bounding box around the point narrows the query on plain indexed columns (the same SQL on
SQLite and PostgreSQL, no GIS); the exact great-circle distance is then computed in Python.
"""

from __future__ import annotations

import math
from datetime import datetime, timedelta

from django.conf import settings

from safecommune.reports.models import Category, Incident
from safecommune.reports.selectors.incidents import incident_visible_to
from safecommune.territory.geo import EARTH_RADIUS_KM, haversine_km


def duplicate_rule() -> tuple[float, float]:
    """(metres, hours) within which two incidents of one category are likely the same."""
    return (float(getattr(settings, "SAFECOMMUNE_DUPLICATE_METRES", 250)),
            float(getattr(settings, "SAFECOMMUNE_DUPLICATE_HOURS", 48)))


def bounding_box(point: tuple[float, float], metres: float) -> tuple[float, float, float, float]:
    """(min lat, max lat, min lon, max lon) of a box holding every point within ``metres``."""
    lat, lon = point
    dlat = math.degrees(metres / (EARTH_RADIUS_KM * 1000)) * 1.001
    dlon = dlat / max(math.cos(math.radians(lat)), 1e-6)
    return lat - dlat, lat + dlat, lon - dlon, lon + dlon


def incident_duplicates(*, user, category: Category, point: tuple[float, float] | None,
                        at: datetime | None, exclude_id: int | None = None,
                        limit: int = 20) -> list[Incident]:
    """Incidents the user may see that a report at ``point`` and time ``at`` likely repeats,
    nearest first; each carries ``distance_m``. Nothing without a point and a time."""
    if point is None or at is None or category is None:
        return []
    metres, hours = duplicate_rule()
    min_lat, max_lat, min_lon, max_lon = bounding_box(point, metres)
    window = timedelta(hours=hours)
    candidates = (incident_visible_to(user=user)
                  .filter(category=category, occurred_at__gte=at - window,
                          occurred_at__lte=at + window, latitude__gte=min_lat,
                          latitude__lte=max_lat, longitude__gte=min_lon,
                          longitude__lte=max_lon)
                  .order_by("id"))
    if exclude_id is not None:
        candidates = candidates.exclude(pk=exclude_id)
    found = []
    for incident in candidates[:500]:
        distance = haversine_km(point, incident.point) * 1000
        if distance <= metres:
            incident.distance_m = round(distance)
            found.append(incident)
    found.sort(key=lambda i: (i.distance_m, abs((i.occurred_at - at).total_seconds()), i.pk))
    return found[:limit]
