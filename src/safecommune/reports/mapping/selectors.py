"""Reads for the incidents map: the filtered list's incidents (``incident_list``, so the same
scoping and filters) split into those with a point, sent as map points up to a cap, and those
without, grouped by village. Each part is a bounded number of queries whatever the rows."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from django.conf import settings
from django.db.models import Count, Q
from django.utils import timezone
from django.utils.formats import date_format

from safecommune.reports.models import OPEN_STATES, Category, IncidentStatus
from safecommune.reports.selectors import IncidentFilters, incident_list
from safecommune.territory import geo
from safecommune.territory.models import AdministrativeUnit, UnitBoundary

UNPLACED_MAX = 300
_POINT_FIELDS = ("pk", "latitude", "longitude", "category_id", "status", "received_at",
                 "summary", "is_tip", "forwarded_at", "forward_due_at")
_UNPLACED_FIELDS = ("pk", "category_id", "status", "received_at", "summary", "village_id",
                    "village__name", "commune__name")


def points_max() -> int:
    return max(1, int(getattr(settings, "SAFECOMMUNE_MAP_POINTS_MAX", 5000)))


@dataclass
class VillageGroup:
    name: str  # the village, or "" for incidents recorded without one
    commune: str
    incidents: list[dict] = field(default_factory=list)


@dataclass
class IncidentMap:
    placed: int  # incidents with a point that match the filters
    unplaced: int  # those without
    points: list[dict]  # newest first, at most ``limit``
    groups: list[VillageGroup]  # the unplaced ones by village, at most UNPLACED_MAX rows
    limit: int

    @property
    def capped(self) -> bool:
        return self.placed > self.limit

    @property
    def unplaced_capped(self) -> bool:
        return self.unplaced > sum(len(group.incidents) for group in self.groups)


def _category_names() -> dict[int, str]:
    return {category.pk: category.name for category in Category.objects.all()}


def _overdue(row: dict, now: datetime) -> bool:
    return bool(row["is_tip"] and row["forwarded_at"] is None and row["status"] in OPEN_STATES
                and row["forward_due_at"] and row["forward_due_at"] < now)


def _received(value: datetime) -> str:
    return date_format(timezone.localtime(value), "SHORT_DATETIME_FORMAT")


def incident_map(*, user, filters: IncidentFilters | None = None,
                 limit: int | None = None, with_points: bool = True,
                 now: datetime | None = None) -> IncidentMap:
    """The filtered incidents for the map, in at most four queries: the counts, the categories'
    names, the points (newest first, capped; left out with ``with_points=False``, as the page
    loads them as JSON) and the unplaced ones (capped)."""
    now = now or timezone.now()
    limit = points_max() if limit is None else limit
    incidents = incident_list(user=user, filters=filters or IncidentFilters(), now=now)
    has_point = Q(latitude__isnull=False)
    counts = incidents.order_by().aggregate(placed=Count("pk", filter=has_point),
                                            unplaced=Count("pk", filter=~has_point))
    names = _category_names() if counts["placed"] or counts["unplaced"] else {}
    points = []
    if counts["placed"] and with_points:
        for row in incidents.filter(has_point).values(*_POINT_FIELDS)[:limit]:
            points.append({
                "id": row["pk"], "lat": row["latitude"], "lon": row["longitude"],
                "category": names.get(row["category_id"], ""),
                "status": row["status"], "status_label": str(IncidentStatus(row["status"]).label),
                "received_at": row["received_at"], "received": _received(row["received_at"]),
                "summary": row["summary"], "overdue": _overdue(row, now)})
    groups: dict[tuple[str, str], VillageGroup] = {}
    if counts["unplaced"]:
        rows = incidents.exclude(has_point).values(*_UNPLACED_FIELDS)[:UNPLACED_MAX]
        for row in rows:
            key = (row["commune__name"], row["village__name"] or "")
            group = groups.setdefault(key, VillageGroup(name=key[1], commune=key[0]))
            group.incidents.append({
                "id": row["pk"], "village_id": row["village_id"], "village": key[1],
                "category": names.get(row["category_id"], ""), "status": row["status"],
                "status_label": str(IncidentStatus(row["status"]).label),
                "received_at": row["received_at"], "received": _received(row["received_at"]),
                "summary": row["summary"]})
    ordered = sorted(groups.values(), key=lambda g: (g.commune, g.name == "", g.name))
    return IncidentMap(placed=counts["placed"], unplaced=counts["unplaced"], points=points,
                       groups=ordered, limit=limit)


@dataclass(frozen=True)
class Outline:
    """Where to centre the map: the commune's imported polygon, else its circle-rule disc."""

    latitude: float
    longitude: float
    radius_m: float | None
    geometry: dict | None


def commune_outline(commune: AdministrativeUnit | None) -> Outline | None:
    if commune is None or commune.point is None:
        return None
    boundary = UnitBoundary.objects.filter(unit=commune).first()
    if boundary is not None:
        return Outline(commune.latitude, commune.longitude, None, boundary.geometry)
    radius = None
    if commune.area_km2:
        radius = geo.circle_radius_km(commune.area_km2, settings.SAFECOMMUNE_CIRCLE_FACTOR) * 1000
    return Outline(commune.latitude, commune.longitude, radius, None)
