"""The incidents list as map points and as CSV/XLSX files, with the list's filters
(``GET /api/v1/incidents`` takes the same ones); the map page draws these points. Registered
before the reports router, whose ``/incidents/{id}`` would otherwise take ``points`` and
``export`` for an id."""

from __future__ import annotations

from datetime import datetime

from django.utils.translation import gettext as _
from ninja import Router, Schema
from ninja.errors import HttpError

from safecommune.api.auth import token_or_session
from safecommune.reports import selectors
from safecommune.reports.exports import XLSX_TYPE, export_response
from safecommune.reports.mapping.selectors import incident_map

router = Router(tags=["reports"], auth=token_or_session)


class PointOut(Schema):
    id: int
    lat: float
    lon: float
    category: str
    status: str
    status_label: str
    received_at: datetime
    received: str  # formatted in the reader's language and local time
    summary: str
    overdue: bool


class UnplacedOut(Schema):
    id: int
    village_id: int | None
    village: str
    category: str
    status: str
    status_label: str
    received_at: datetime
    received: str
    summary: str


class PointsOut(Schema):
    placed: int
    unplaced: int
    limit: int
    capped: bool
    points: list[PointOut]
    without_point: list[UnplacedOut]
    without_point_capped: bool


@router.get("/incidents/points", response=PointsOut, url_name="incident_points",
            summary="Incidents of the list as map points (newest first, capped and counted) and "
                    "those without a point, with the list's filters")
def incident_points(request, commune: str = "", category: str = "", status: str = "",
                    date_from: str = "", date_to: str = "", village: str = "",
                    assignee: str = "", q: str = "", deadline: str = ""):
    filters = selectors.incident_filters(user=request.auth, params={
        "commune": commune, "category": category, "status": status, "date_from": date_from,
        "date_to": date_to, "village": village, "assignee": assignee, "q": q,
        "deadline": deadline})
    found = incident_map(user=request.auth, filters=filters)
    return {"placed": found.placed, "unplaced": found.unplaced, "limit": found.limit,
            "capped": found.capped, "points": found.points,
            "without_point": [row for group in found.groups for row in group.incidents],
            "without_point_capped": found.unplaced_capped}


@router.get("/incidents/export", url_name="incident_export",
            summary="Incidents of the list as CSV or XLSX (format=csv|xlsx) with the list's "
                    "filters; never the reporters; the export is audited",
            openapi_extra={"responses": {200: {"description": "The file", "content": {
                "text/csv": {}, XLSX_TYPE: {}}}}})
def incident_export(request, format: str = "csv", commune: str = "", category: str = "",
                    status: str = "", date_from: str = "", date_to: str = "",
                    village: str = "", assignee: str = "", q: str = "", deadline: str = ""):
    if not selectors.is_reports_reader(request.auth):
        raise HttpError(403, _("You are not allowed to do this."))
    return export_response(user=request.auth, fmt=format, params={
        "commune": commune, "category": category, "status": status, "date_from": date_from,
        "date_to": date_to, "village": village, "assignee": assignee, "q": q,
        "deadline": deadline})
