"""Export of the incidents list with its filters as CSV or XLSX (issue 5, item 5), the way the
residents list is exported (``safecommune.residents.transfer.exporting``): rows from
``incident_list`` (the one scoping read, the list's own filters), one ``incident.export`` audit
entry with the row count and the digest of the exported ids written before the first byte is
sent, CSV streamed and XLSX written row by row.

Reporters' identities are never exported: no column reads ``ReporterIdentity`` (the list does
not either); the reports linked to an incident are only counted. The queries do not grow with
the rows: the incident's commune, unit, village, category and officer come in one join.
"""

from __future__ import annotations

import csv
import tempfile
from collections.abc import Iterator
from datetime import datetime

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import Count, IntegerField, OuterRef, QuerySet, Subquery
from django.db.models.functions import Coalesce
from django.http import FileResponse, Http404, HttpResponseBadRequest, StreamingHttpResponse
from django.utils import timezone
from django.utils.translation import gettext as _

from safecommune.accounts.jurisdiction import scope_for
from safecommune.accounts.roles import READER_ROLES
from safecommune.core.audit import audit_append_bulk
from safecommune.core.errors import DomainError, NotFound
from safecommune.reports import selectors
from safecommune.reports.models import Incident, IncidentStatus, Report
from safecommune.territory.models import AdministrativeUnit

CHUNK = 2000
EXPORT_FORMATS = ("csv", "xlsx")
XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
FILTER_NAMES = ("commune", "category", "status", "date_from", "date_to", "village", "assignee",
                "q", "deadline")
# Stable column keys (a spreadsheet or a script reads them); codes and labels side by side.
COLUMNS = ("id", "received_at", "occurred_at", "commune_code", "commune", "recorded_unit_code",
           "recorded_unit", "village", "category_code", "category", "summary", "place",
           "latitude", "longitude", "channel", "status_code", "status", "is_tip",
           "forward_due_at", "forwarded_at", "forwarded_to", "assignee", "reports")
_TIMES = ("received_at", "occurred_at", "forward_due_at", "forwarded_at")
# Text a spreadsheet would run as a formula (a public report's summary may start so).
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def export_queryset(*, user, filters: selectors.IncidentFilters) -> QuerySet[Incident]:
    """The list's incidents as filtered, newest first, with the number of linked reports."""
    linked = (Report.objects.filter(incident=OuterRef("pk")).order_by().values("incident")
              .annotate(n=Count("pk")).values("n"))
    return selectors.incident_list(user=user, filters=filters).annotate(
        report_count=Coalesce(Subquery(linked, output_field=IntegerField()), 0))


def _audit_commune(user, filters: selectors.IncidentFilters) -> AdministrativeUnit | None:
    """The chain the export is recorded in: the filtered commune, else the user's only one,
    else the national chain (an export across communes)."""
    if filters.commune is not None:
        return filters.commune
    ids = scope_for(user).commune_ids(READER_ROLES)
    if ids is not None and len(ids) == 1:
        return AdministrativeUnit.objects.get(pk=next(iter(ids)))
    return None


@transaction.atomic
def export_audit(*, actor, incidents: QuerySet[Incident],
                 commune: AdministrativeUnit | None, fmt: str, filters: list[str]) -> int:
    """One ``incident.export`` entry; the row count."""
    entry = audit_append_bulk(
        action="incident.export", actor=actor, commune=commune,
        rows=incidents.order_by("pk").values_list("pk").iterator(chunk_size=CHUNK),
        details={"format": fmt, "filters": sorted(filters)})
    return entry.row_count


def _local(value: datetime | None) -> datetime | None:
    return timezone.localtime(value) if value is not None else None


def _values(incident: Incident, statuses: dict[str, str]) -> list:
    assignee = incident.assignee
    return [
        incident.pk, _local(incident.received_at), _local(incident.occurred_at),
        incident.commune.code, incident.commune.name, incident.recorded_unit.code,
        incident.recorded_unit.name, incident.village.name if incident.village else "",
        incident.category.code, incident.category.name, incident.summary, incident.place,
        incident.latitude, incident.longitude, incident.channel, incident.status,
        statuses.get(incident.status, incident.status), incident.is_tip, _local(incident.forward_due_at),
        _local(incident.forwarded_at), incident.forwarded_to,
        (assignee.get_full_name() or assignee.get_username()) if assignee else "",
        incident.report_count]


def _rows(incidents: QuerySet[Incident]) -> Iterator[list]:
    statuses = {value: str(label) for value, label in IncidentStatus.choices}
    for incident in incidents.iterator(chunk_size=CHUNK):
        yield _values(incident, statuses)


def _is_formula_like(value) -> bool:
    return isinstance(value, str) and value.startswith(_FORMULA_START)


def _csv_value(value):
    if value is None:
        return ""
    return "'" + value if _is_formula_like(value) else value


class _Echo:
    def write(self, value: str) -> str:
        return value


def csv_chunks(incidents: QuerySet[Incident]) -> Iterator[str]:
    """UTF-8 CSV with a byte-order mark; times in local time with their offset (ISO 8601)."""
    writer = csv.writer(_Echo())
    yield "\ufeff" + writer.writerow(COLUMNS)
    positions = [COLUMNS.index(name) for name in _TIMES]
    for values in _rows(incidents):
        for position in positions:
            if values[position] is not None:
                values[position] = values[position].isoformat(timespec="minutes")
        yield writer.writerow([_csv_value(value) for value in values])


def xlsx_file(incidents: QuerySet[Incident]):
    """A temporary file holding the workbook, written in write-only mode; times are local
    (spreadsheets hold no time zone)."""
    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell

    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet("incidents")
    sheet.append(list(COLUMNS))
    positions = [COLUMNS.index(name) for name in _TIMES]
    for values in _rows(incidents):
        for position in positions:
            if values[position] is not None:
                cell = WriteOnlyCell(sheet, value=values[position].replace(tzinfo=None))
                cell.number_format = "yyyy-mm-dd hh:mm"
                values[position] = cell
        for position, value in enumerate(values):
            if _is_formula_like(value):
                cell = WriteOnlyCell(sheet, value=value)
                cell.data_type = "s"  # text, never a formula
                values[position] = cell
        sheet.append(values)
    handle = tempfile.TemporaryFile()  # noqa: SIM115 (the response closes it)
    workbook.save(handle)
    handle.seek(0)
    return handle


def export_response(*, user, params, fmt: str):
    """The export of the filtered list as a response; shared by the pages and the API. Bad
    filters raise ``DomainError`` (a commune out of reach: ``NotFound``)."""
    if fmt not in EXPORT_FORMATS:
        raise DomainError(_("Choose the format csv or xlsx."), field="format", rule="choice")
    filters = selectors.incident_filters(user=user, params=params)
    incidents = export_queryset(user=user, filters=filters)
    export_audit(actor=user, incidents=incidents, commune=_audit_commune(user, filters),
                 fmt=fmt, filters=[name for name in FILTER_NAMES if params.get(name)])
    scope = filters.commune.code if filters.commune else "all"
    name = f"incidents-{scope}-{timezone.localdate():%Y%m%d}.{fmt}"
    if fmt == "csv":
        response = StreamingHttpResponse(csv_chunks(incidents),
                                         content_type="text/csv; charset=utf-8")
        response["Content-Disposition"] = f'attachment; filename="{name}"'
        return response
    return FileResponse(xlsx_file(incidents), as_attachment=True, filename=name,
                        content_type=XLSX_TYPE)


def _export_page(request, fmt: str):
    if not selectors.is_reports_reader(request.user):
        raise PermissionDenied
    try:
        return export_response(user=request.user, params=request.GET, fmt=fmt)
    except NotFound:
        raise Http404 from None
    except DomainError as exc:
        message = f"{exc.field}: {exc.message}" if exc.field else exc.message
        return HttpResponseBadRequest(message, content_type="text/plain; charset=utf-8")


@login_required
def export_csv(request):
    return _export_page(request, "csv")


@login_required
def export_xlsx(request):
    return _export_page(request, "xlsx")
