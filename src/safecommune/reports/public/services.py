"""Writes of public reporting: a report from a resident without an account, and what they add
to it later with the receipt.

Each is one transaction: the report, its reporter's identity (encrypted), its photos, the
receipt and the audit entries commit together or not at all. Photos are checked and stripped
of their metadata before the transaction opens (decoding is the slow part), so a bad photo
writes nothing. Nothing about the sender's connection is a parameter here: there is nothing
to store.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import datetime

from django.conf import settings
from django.db import transaction
from django.db.models import Max
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from safecommune.core.audit import audit_append
from safecommune.core.errors import Conflict, DomainError, NotFound, ValidationFailed
from safecommune.core.images import SanitizedImage, image_sanitize
from safecommune.core.statements import Join, Table
from safecommune.receipts.services import IssuedReceipt, receipt_issue
from safecommune.reports.models import (
    Category,
    Channel,
    IncidentStatus,
    Report,
    ReportAddition,
    ReportPhoto,
)
from safecommune.reports.services import checks, report_record
from safecommune.reports.services.checks import fail
from safecommune.territory import selectors as territory_selectors
from safecommune.territory.models import AdministrativeUnit, Level, Structure, Village
from safecommune.territory.services import commune_settings_for

RECEIPT_KIND = "report"
MAX_TEXT = 4000
PHOTOS_FIELD = "photos"


def max_photos() -> int:
    return int(settings.SAFECOMMUNE_REPORT_MAX_PHOTOS)


def check_open(commune: AdministrativeUnit) -> None:
    """Public submissions go to a 2025 commune whose public pages are open."""
    if commune.structure != Structure.CURRENT or commune.level != Level.COMMUNE:
        raise DomainError(_("Choose a commune of the 2025 structure."), field="commune",
                          rule="current_commune")
    if not commune_settings_for(commune=commune).public_pages_open:
        raise DomainError(_("This commune does not take submissions here."), field="commune",
                          rule="closed")


_CATEGORIES = Table(Category)


def public_category_get(category: Category | str) -> Category:
    """An active category open to residents. A category that is not open reads like an
    unknown one: the public learns nothing about the internal vocabulary. A ``Category`` given
    is judged as it was read (``intake_lookup`` reads it with the commune)."""
    if isinstance(category, Category):
        code, found = category.code, (category if category.is_public else None)
    else:
        code = str(category or "")
        found = _CATEGORIES.get("code = %s AND is_public = %s", [code, True])
    if found is None:
        raise NotFound(_("Unknown category “%(code)s”.") % {"code": code[:40]},
                       field="category", rule="exists")
    return checks.category_get(found)


def intake_lookup(*, commune: str, category: str, village_id: int | None = None,
                  with_boundary: bool = False
                  ) -> tuple[AdministrativeUnit, Village | None, Category | str]:
    """What a public submission names, read in one statement: the 2025 commune (its settings
    and, ``with_boundary``, its polygon attached), the commune's active village
    ``village_id`` (None when there is none such) and the public category with this code (its
    code back when there is none, for ``public_category_get`` to refuse). Raises as
    ``territory.selectors.commune_with`` for an unknown commune."""
    joins = [Join(_CATEGORIES, '"reports_category"."code" = %s AND '
                               '"reports_category"."is_public" = %s', [str(category), True])]
    if village_id is not None:
        joins.append(territory_selectors.active_village_join(village_id))
    if with_boundary:
        joins.append(territory_selectors.boundary_join())
    unit, found_category, *rest = territory_selectors.commune_with(code=commune, joins=joins)
    village = rest.pop(0) if village_id is not None else None
    if village is not None:
        Village.commune.field.set_cached_value(village, unit)
    if with_boundary:
        territory_selectors.boundary_attach(unit, rest.pop(0))
    return unit, village, (category if found_category is None else found_category)


def _check_photo_count(*, already: int, adding: int) -> None:
    limit = max_photos()
    if already + adding <= limit:
        return
    if already:
        message = ngettext("A report has at most %(limit)d photo; this one has %(count)d "
                           "already.", "A report has at most %(limit)d photos; this one has "
                           "%(count)d already.", limit) % {"limit": limit, "count": already}
    else:
        message = ngettext("Attach at most %(limit)d photo.",
                           "Attach at most %(limit)d photos.", limit) % {"limit": limit}
    raise fail(PHOTOS_FIELD, "max_count", message)


def photos_sanitize(uploads: Iterable, *, already: int = 0) -> list[SanitizedImage]:
    """The uploads as clean JPEGs (metadata gone), checked one by one against the photo
    limits; at most ``max_photos()`` per report counting the ``already`` stored."""
    uploads = [upload for upload in uploads if upload is not None]
    _check_photo_count(already=already, adding=len(uploads))
    images = []
    for number, upload in enumerate(uploads, start=1):
        try:
            images.append(image_sanitize(upload, max_bytes=settings.SAFECOMMUNE_PHOTO_MAX_BYTES,
                                         max_pixels=settings.SAFECOMMUNE_PHOTO_MAX_PIXELS,
                                         max_side=settings.SAFECOMMUNE_PHOTO_MAX_SIDE,
                                         field=PHOTOS_FIELD))
        except ValidationFailed as exc:
            error = exc.errors[0]
            raise fail(PHOTOS_FIELD, error["rule"],
                       _("Photo %(number)d: %(problem)s") % {"number": number,
                                                              "problem": error["message"]}
                       ) from None
    return images


def _photos_store(*, report: Report, images: Sequence[SanitizedImage],
                  addition: ReportAddition | None = None) -> list[ReportPhoto]:
    if not images:
        return []
    last = report.photos.aggregate(last=Max("position"))["last"] or 0
    photos = []
    for position, image in enumerate(images, start=last + 1):
        photo = ReportPhoto(report=report, addition=addition, commune=report.commune,
                            position=position, content=image.content,
                            content_type=image.content_type, width=image.width,
                            height=image.height, size=image.size, sha256=image.sha256)
        photo.save()
        photos.append(photo)
    audit_append(action="report.photos_add", commune=report.commune, obj=report,
                 details={"count": len(photos), "bytes": sum(i.size for i in images),
                          "sha256": [i.sha256 for i in images]})
    return photos


def report_submit_public(*, commune: AdministrativeUnit, category: Category | str,
                         description: str, occurred_at: datetime | None = None,
                         village: Village | None = None,
                         point: tuple[float, float] | None = None, place: str = "",
                         reporter_name: str = "", reporter_phone: str = "",
                         is_anonymous: bool = False,
                         photos: Iterable = ()) -> tuple[Report, IssuedReceipt]:
    """A resident's report from the public page or API, received now on the public web
    channel, with its photos and receipt. Without a name and a phone it is anonymous; a name
    or phone given is encrypted and shown only to the chief and the assigned officer.

    Every check that can fail runs before anything is written or inside the one transaction,
    so a failure leaves no report, no photo, no identity and no receipt."""
    check_open(commune)
    category = public_category_get(category)
    description = checks.text(description, "description", required=True, max_length=MAX_TEXT)
    place = checks.text(place, "place", max_length=255)
    if village is None and point is None and not place:
        raise fail("village", "required", _("Say where it happened: choose a village, give a "
                                            "point or describe the place."))
    reporter_name = checks.text(reporter_name, "reporter_name", max_length=150)
    reporter_phone = checks.text(reporter_phone, "reporter_phone", max_length=20)
    if not reporter_name and not reporter_phone:
        is_anonymous = True
    images = photos_sanitize(photos)
    with transaction.atomic():
        report = report_record(actor=None, unit=commune, category=category,
                               channel=Channel.PUBLIC_WEB, description=description,
                               occurred_at=occurred_at, village=village, point=point,
                               place=place, reporter_name=reporter_name,
                               reporter_phone=reporter_phone, is_anonymous=is_anonymous)
        _photos_store(report=report, images=images)
        issued = receipt_issue(kind=RECEIPT_KIND, commune=report.commune, submission=report)
    return report, issued


def report_add_public(*, report: Report, text: str = "",
                      photos: Iterable = ()) -> ReportAddition:
    """More information or photos from the report's sender (who proved it with the receipt).
    A report whose incident is closed takes nothing more: the sender sends a new report."""
    text = checks.text(text, "text", max_length=MAX_TEXT)
    uploads = [upload for upload in photos if upload is not None]
    if not text and not uploads:
        raise fail("text", "required", _("Write what you want to add, or attach a photo."))
    images = photos_sanitize(uploads, already=report.photos.count())
    with transaction.atomic():
        report = (Report.objects.select_for_update(of=("self",))
                  .select_related("commune", "incident").get(pk=report.pk))
        if report.incident is not None and report.incident.status == IncidentStatus.CLOSED:
            raise Conflict(_("This case is closed. To tell the police something new, send a "
                             "new report or call the duty hotline."), field="text",
                           rule="closed")
        if images:
            # Counted again under the lock: two additions sent at once cannot both fill up.
            _check_photo_count(already=report.photos.count(), adding=len(images))
        addition = ReportAddition(report=report, commune=report.commune, text=text)
        addition.save()
        _photos_store(report=report, images=images, addition=addition)
        audit_append(action="report.public_addition", commune=report.commune, obj=report,
                     details={"addition": addition.pk, "text": bool(text),
                              "photos": len(images)})
    return addition
