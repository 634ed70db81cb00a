"""Import and export pages for commune staff. Another commune is a 404, as everywhere."""

from __future__ import annotations

import re

from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.http import FileResponse, Http404, HttpResponseBadRequest, StreamingHttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from safecommune.accounts.jurisdiction import can_edit_commune, can_read_commune, scope_for
from safecommune.accounts.roles import EDITOR_ROLES, READER_ROLES
from safecommune.core.errors import DomainError, NotFound, errors_of
from safecommune.residents.transfer import exporting, importing
from safecommune.residents.transfer.columns import COLUMNS, VIETNAMESE_LABELS
from safecommune.residents.transfer.forms import ImportForm
from safecommune.territory import selectors as territory_selectors
from safecommune.territory.models import AdministrativeUnit, Level, Structure

EXPORT_FORMATS = ("csv", "xlsx")
XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _commune(user, code: str, *, edit: bool) -> AdministrativeUnit:
    """The commune of ``code``: 404 when missing or outside the user's reach, 403 when they
    may only read it and ``edit`` is asked."""
    try:
        commune = territory_selectors.commune_get(code=code)
    except NotFound:
        raise Http404 from None
    if not can_read_commune(user, commune):
        raise Http404
    if edit and not can_edit_commune(user, commune):
        raise PermissionDenied
    return commune


def _editable_communes(user) -> list[AdministrativeUnit]:
    ids = scope_for(user).commune_ids(EDITOR_ROLES)
    communes = AdministrativeUnit.objects.filter(structure=Structure.CURRENT, level=Level.COMMUNE)
    if ids is not None:
        communes = communes.filter(pk__in=ids)
    return list(communes.order_by("name_key", "code"))


def import_page(request):
    if not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path())
    if not scope_for(request.user).roles & EDITOR_ROLES:
        raise PermissionDenied
    code = request.POST.get("commune") or request.GET.get("commune") or ""
    communes = ([_commune(request.user, code, edit=True)] if code
                else _editable_communes(request.user))
    if not communes:
        raise PermissionDenied
    form = ImportForm(request.POST or None, request.FILES or None, communes=communes,
                      initial={"commune": code})
    status = 200
    if request.method == "POST":
        if form.is_valid():
            commune = next(c for c in communes if c.code == form.cleaned_data["commune"])
            try:
                job = importing.import_start(actor=request.user, commune=commune,
                                             upload=form.cleaned_data["file"],
                                             dry_run=form.cleaned_data["dry_run"])
            except DomainError as exc:
                for error in errors_of(exc):
                    form.add_error("file", error["message"])
            else:
                return redirect("residents-import-job", job=job)
        status = 400
    return render(request, "residents/transfer/import.html", {
        "form": form, "columns": [(c, VIETNAMESE_LABELS[c]) for c in COLUMNS],
        "max_mb": importing.max_upload_bytes() // (1024 * 1024)}, status=status)


def import_job(request, job: str):
    if not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path())
    try:
        data = importing.job_get_for(user=request.user, job_id=job)
    except NotFound:
        raise Http404 from None
    template = "residents/transfer/job.html"
    if request.headers.get("HX-Request") == "true":
        template += "#progress"
    return render(request, template, {"job": data,
                                      "running": data["state"] in ("queued", "validating",
                                                                   "writing")})


def export_response(*, user, params):
    """The export of the filtered list as a response; shared by the page and the API."""
    fmt = params.get("format", "csv")
    if fmt not in EXPORT_FORMATS:
        raise DomainError(_("Choose the format csv or xlsx."), field="format", rule="choice")
    commune = village = None
    filters = []
    if params.get("commune"):
        commune = _commune(user, params["commune"], edit=False)
        filters.append("commune")
    if params.get("village"):
        if commune is None:
            raise Http404
        village = commune.villages.filter(pk=params["village"]).first() \
            if re.fullmatch(r"[0-9]{1,18}", str(params["village"])) else None
        if village is None:
            raise Http404
        filters.append("village")
    query = params.get("q", "") or ""
    if query.strip():
        filters.append("q")
    persons = exporting.export_queryset(user=user, commune=commune, village=village,
                                        query=query)
    exporting.export_audit(actor=user, persons=persons, commune=commune, fmt=fmt,
                           filters=filters)
    name = f"residents-{commune.code if commune else 'all'}.{fmt}"
    if fmt == "csv":
        response = StreamingHttpResponse(exporting.csv_chunks(persons),
                                         content_type="text/csv; charset=utf-8")
        response["Content-Disposition"] = f'attachment; filename="{name}"'
        return response
    return FileResponse(exporting.xlsx_file(persons), as_attachment=True, filename=name,
                        content_type=XLSX_TYPE)


def export(request):
    if not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path())
    if not scope_for(request.user).roles & READER_ROLES:
        raise PermissionDenied
    try:
        return export_response(user=request.user, params=request.GET)
    except DomainError as exc:
        return HttpResponseBadRequest(exc.message)
