"""Import and export of residents through the API: upload a CSV or XLSX file (202 with the
job id), follow the job, and export a filtered list. Another commune is a 404."""

from __future__ import annotations

from django.utils.translation import gettext as _
from ninja import File, Form, Router, Schema, Status
from ninja.errors import HttpError
from ninja.files import UploadedFile

from safecommune.accounts.jurisdiction import can_edit_commune, can_read_commune, scope_for
from safecommune.accounts.roles import EDITOR_ROLES, READER_ROLES
from safecommune.api.auth import token_or_session
from safecommune.core.errors import NotFound
from safecommune.residents.transfer import importing
from safecommune.residents.transfer.views import XLSX_TYPE, export_response
from safecommune.territory import selectors as territory_selectors

router = Router(tags=["residents"], auth=token_or_session)


class ImportErrorOut(Schema):
    line: int | None
    field: str | None
    rule: str
    message: str


class ImportJobOut(Schema):
    id: str
    commune: str
    file_name: str
    format: str
    dry_run: bool
    state: str
    phase: str = ""
    done: int = 0
    total: int | None = None
    percent: int | None = None
    rows: int = 0
    households: int = 0
    error_count: int = 0
    errors: list[ImportErrorOut] = []
    queued_at: str
    finished_at: str | None = None


class ImportQueuedOut(Schema):
    job: str
    status_url: str


def _forbidden():
    return HttpError(403, _("You are not allowed to do this."))


@router.post("/residents/imports", response={202: ImportQueuedOut},
             summary="Upload a CSV or XLSX file of households and persons to import (staff); "
                     "every row is checked first, all or nothing")
def import_upload(request, commune: Form[str], file: File[UploadedFile],
                  dry_run: Form[bool] = False):
    if not scope_for(request.auth).roles & EDITOR_ROLES:
        raise _forbidden()
    unit = territory_selectors.commune_get(code=commune)
    if not can_read_commune(request.auth, unit):
        raise NotFound(_("No commune with this code."), field="commune", rule="exists")
    if not can_edit_commune(request.auth, unit):
        raise _forbidden()
    job = importing.import_start(actor=request.auth, commune=unit, upload=file,
                                 dry_run=dry_run)
    return Status(202, {"job": job, "status_url": f"/api/v1/residents/imports/{job}"})


@router.get("/residents/imports/{job}", response=ImportJobOut,
            summary="An import's state, progress and line-numbered errors")
def import_status(request, job: str):
    return importing.job_get_for(user=request.auth, job_id=job)


@router.get("/residents/export", summary="Persons of a list as CSV or XLSX (format=csv|xlsx), "
            "with its filters: q, commune, village; the export is audited",
            openapi_extra={"responses": {200: {"description": "The file", "content": {
                "text/csv": {}, XLSX_TYPE: {}}}}})
def person_export(request, format: str = "csv", commune: str = "", village: str = "",
                  q: str = ""):
    if not scope_for(request.auth).roles & READER_ROLES:
        raise _forbidden()
    return export_response(user=request.auth, params={"format": format, "commune": commune,
                                                      "village": village, "q": q})
