"""Reads of public reporting: what the sender sees with the receipt (a coarse status, never an
officer's note, an assignee or anyone's identity), and the staff's views of a report's photos,
additions and of the reports still waiting to be linked to an incident."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from django.db import models
from django.db.models import Count, OuterRef, QuerySet, Subquery
from django.db.models.functions import Coalesce
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from safecommune.core.errors import NotFound
from safecommune.receipts.models import PublicReceipt
from safecommune.receipts.services import format_code
from safecommune.reports.models import (
    Category,
    IncidentStatus,
    Report,
    ReportAddition,
    ReportPhoto,
)
from safecommune.reports.public.services import max_photos
from safecommune.reports.selectors import report_get_for, report_named, report_visible_to
from safecommune.territory.services import commune_settings_for


class PublicStatus(models.TextChoices):
    RECEIVED = "received", gettext_lazy("received, waiting to be checked")
    IN_PROGRESS = "in_progress", gettext_lazy("being checked and handled by the police")
    DONE = "done", gettext_lazy("handled; the case is closed")


_IN_PROGRESS = {IncidentStatus.VERIFYING, IncidentStatus.VERIFIED, IncidentStatus.HANDLING}


def public_status(report: Report) -> PublicStatus:
    """Three coarse steps: whether the report was checked as unfounded, forwarded to the
    investigating body or resolved is the police's to tell, not the page's."""
    incident = report.incident
    if incident is None or incident.status == IncidentStatus.RECEIVED:
        return PublicStatus.RECEIVED
    if incident.status in _IN_PROGRESS:
        return PublicStatus.IN_PROGRESS
    return PublicStatus.DONE


@dataclass(frozen=True)
class PublicAddition:
    created_at: datetime
    text: str
    photo_count: int


@dataclass(frozen=True)
class PublicReport:
    """What the holder of a receipt may see of their report."""

    receipt: str
    commune: str
    commune_code: str
    duty_hotline: str
    category: Category
    received_at: datetime
    occurred_at: datetime | None
    status: PublicStatus
    description: str
    place: str
    village: str
    photo_count: int
    additions: tuple[PublicAddition, ...]

    @property
    def status_label(self) -> str:
        return str(self.status.label)

    @property
    def may_add(self) -> bool:
        return self.status != PublicStatus.DONE

    @property
    def photos_left(self) -> int:
        return max(max_photos() - self.photo_count, 0)


def report_for_receipt(receipt: PublicReceipt) -> Report:
    """The report of a receipt of kind ``report`` already opened with its secret."""
    return (Report.objects.select_related("commune", "category", "village", "incident")
            .get(pk=receipt.object_id))


def public_report_view(*, receipt: PublicReceipt) -> PublicReport:
    report = report_for_receipt(receipt)
    additions = list(ReportAddition.objects.filter(report=report)
                     .annotate(photo_count=Count("photos")).order_by("created_at", "id"))
    return PublicReport(
        receipt=format_code(receipt.code), commune=report.commune.name,
        commune_code=report.commune.code,
        duty_hotline=commune_settings_for(commune=report.commune).duty_hotline,
        category=report.category, received_at=report.received_at,
        occurred_at=report.occurred_at, status=public_status(report),
        description=report.description, place=report.place,
        village=report.village.name if report.village else "",
        photo_count=report.photos.count(),
        additions=tuple(PublicAddition(a.created_at, a.text, a.photo_count)
                        for a in additions))


# --- Staff -----------------------------------------------------------------------------------

def _count_of(model, **outer) -> Coalesce:
    rows = (model.objects.filter(**{name: OuterRef(ref) for name, ref in outer.items()})
            .order_by().values(*outer).annotate(n=Count("pk")).values("n"))
    return Coalesce(Subquery(rows, output_field=models.IntegerField()), 0)


def reports_unlinked(*, user, commune=None) -> QuerySet[Report]:
    """Reports not linked to any incident yet, newest first, each with ``named``,
    ``photo_count`` and ``addition_count`` (no identity and no photo bytes are loaded)."""
    reports = report_visible_to(user=user).filter(incident__isnull=True)
    if commune is not None:
        reports = reports.filter(commune=commune)
    return (reports.annotate(named=report_named(),
                             photo_count=_count_of(ReportPhoto, report="pk"),
                             addition_count=_count_of(ReportAddition, report="pk"))
            .order_by("-received_at", "-id"))


def report_detail_for(*, user, id: int) -> Report:
    """One report the user may see, with ``named`` (missing and out of scope: one 404)."""
    report_get_for(user=user, id=id)
    return (report_visible_to(user=user).select_related("recorded_unit", "incident__assignee")
            .annotate(named=report_named()).get(pk=id))


def report_photos(*, report: Report) -> list[ReportPhoto]:
    """The report's photos without their bytes."""
    return list(report.photos.defer("content").order_by("position"))


def report_additions(*, report: Report) -> list[ReportAddition]:
    return list(report.additions.annotate(photo_count=Count("photos"))
                .order_by("created_at", "id"))


def report_photo_get_for(*, user, report_id: int, position: int) -> ReportPhoto:
    report = report_get_for(user=user, id=report_id)
    photo = ReportPhoto.objects.filter(report=report, position=position).first()
    if photo is None:
        raise NotFound(_("This report has no such photo."), field="photo", rule="exists")
    return photo
