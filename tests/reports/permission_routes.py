"""Permission tables of the reports pages and API (issue 5): staff of Ia Krái read and write
its incidents, the province viewer reads them, the province admin writes; residents and team
members reach none of it; another commune's officer gets 404 for Ia Krái's records."""

from __future__ import annotations

from tests.permission_matrix import EDITORS, IA_KRAI, READERS, Route, table

_NOT_STAFF = {"resident": 403, "team_member": 403, "team_leader": 403}


def _commune():
    from safecommune.territory.models import AdministrativeUnit

    return AdministrativeUnit.objects.get(structure="2025", code=IA_KRAI)


def _incident() -> dict:
    from datetime import timedelta

    from django.utils import timezone

    from safecommune.reports.services import incident_create, report_create

    incident = incident_create(actor=None, unit=_commune(), category="theft",
                               occurred_at=timezone.now() - timedelta(hours=1),
                               summary="Mất trộm xe máy Ma Trận", channel="walk_in")
    report = report_create(actor=None, unit=_commune(), category="theft", channel="hotline",
                           description="Lại thấy kẻ trộm")
    return {"id": incident.pk, "report": report.pk}


def _call() -> dict:
    from safecommune.reports.services import hotline_call_log

    call = hotline_call_log(actor=None, unit=_commune(), kind="tip",
                            summary="Báo có người bán ma túy Ma Trận")
    return {"id": call.pk}


def _write(path: str, body: str, ok: int, prepare=_incident) -> Route:
    """A write on an Ia Krái record: editors succeed, the viewer is refused, others see no
    record at all."""
    return Route("post", path, table(404, anonymous=401, province_viewer=403,
                                     **{k: ok for k in EDITORS}),
                 prepare=prepare, json=True, data=body)


def _create(path: str, body: str) -> Route:
    return Route("post", path, table(403, anonymous=401, **{k: 201 for k in EDITORS}),
                 data=body, json=True)


def _read(path: str, prepare=_incident) -> Route:
    return Route("get", path, table(404, anonymous=401, **READERS), prepare=prepare)


REPORTS_ROUTES: dict[str, Route] = {
    "reports-home": Route("get", "/reports/", table(403, anonymous=302,
                                                    other_commune_officer=200, **READERS)),
    "incident-new": Route("get", f"/reports/incidents/new/?commune={IA_KRAI}",
                          table(403, anonymous=302, **EDITORS)),
    "incident-detail": Route("get", "/reports/incidents/{id}/",
                             table(404, anonymous=302, **READERS), prepare=_incident),
    "hotline-home": Route("get", "/reports/hotline/", table(403, anonymous=302,
                                                            other_commune_officer=200,
                                                            **READERS)),
    "hotline-call-incident": Route(
        "post", "/reports/hotline/{id}/incident/",
        table(404, anonymous=302, province_viewer=403, **{k: 302 for k in EDITORS}),
        data={"category": "drug_dealing"}, prepare=_call),
    "safecommune_api_reports_category_list": Route("get", "/api/v1/report-categories",
                                                   table(200)),
    "safecommune_api_reports_incident_list": Route("get", "/api/v1/incidents?status=received",
                                                   table(200, anonymous=401)),
    "safecommune_api_reports_incident_detail": _read("/api/v1/incidents/{id}"),
    "safecommune_api_reports_incident_duplicates": _read("/api/v1/incidents/{id}/duplicates"),
    "safecommune_api_reports_incident_create": _create(
        "/api/v1/incidents", '{"unit": "%s", "category": "theft", "channel": "hotline", '
        '"summary": "Mất trộm Ma Trận", "occurred_at": "2025-09-01T10:00:00+07:00"}'
        % IA_KRAI),
    "safecommune_api_reports_incident_transition": _write(
        "/api/v1/incidents/{id}/transitions", '{{"to_status": "verifying"}}', 200),
    "safecommune_api_reports_incident_assign": _write(
        "/api/v1/incidents/{id}/assignee", '{{"assignee_id": null}}', 200),
    "safecommune_api_reports_incident_note_add": _write(
        "/api/v1/incidents/{id}/notes", '{{"text": "Đã gọi lại"}}', 201),
    "safecommune_api_reports_incident_outcome_add": _write(
        "/api/v1/incidents/{id}/outcomes", '{{"kind": "arrest", "count": 2}}', 201),
    "safecommune_api_reports_report_create": _create(
        "/api/v1/reports", '{"unit": "%s", "category": "theft", "channel": "walk_in", '
        '"description": "Thấy kẻ trộm Ma Trận", "is_anonymous": true}' % IA_KRAI),
    "safecommune_api_reports_report_detail": _read("/api/v1/reports/{report}"),
    "safecommune_api_reports_report_link": _write(
        "/api/v1/reports/{report}/link", '{{"incident_id": {id}}}', 200),
    "safecommune_api_reports_report_open_incident": _write(
        "/api/v1/reports/{report}/incident", "{{}}", 201),
    "safecommune_api_reports_hotline_call_list": Route(
        "get", "/api/v1/hotline-calls", table(200, anonymous=401)),
    "safecommune_api_reports_hotline_call_log": _create(
        "/api/v1/hotline-calls", '{"unit": "%s", "kind": "admin_question", '
        '"summary": "Hỏi thủ tục đăng ký tạm trú"}' % IA_KRAI),
    "safecommune_api_reports_hotline_call_to_incident": _write(
        "/api/v1/hotline-calls/{id}/incident", '{{"category": "drug_dealing"}}', 201,
        prepare=_call),
}
