"""What a report carries besides its text: photos, and what the sender added later with the
receipt (docs/decisions/0020-public-reports.md).

Photos are kept as ``residents.PersonPhoto`` keeps a person's: only the re-encoded JPEG from
``safecommune.core.images.image_sanitize`` (no name, no metadata of the upload), in the
database, in their own table so that reading reports never loads the bytes, with the report's
commune as the scoping and distribution key.
"""

from __future__ import annotations

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from safecommune.core.models import BaseModel

__all__ = ["ReportAddition", "ReportPhoto"]


class ReportAddition(BaseModel):
    """More information the sender added to their report with its receipt (text and/or
    photos); never edited once written."""

    report = models.ForeignKey("reports.Report", verbose_name=_("report"),
                               on_delete=models.PROTECT, related_name="additions")
    commune = models.ForeignKey("territory.AdministrativeUnit", verbose_name=_("commune"),
                                on_delete=models.PROTECT, related_name="+")
    text = models.TextField(_("added information"), blank=True)

    class Meta:
        verbose_name = _("addition to a report")
        verbose_name_plural = _("additions to reports")
        ordering = ["report", "created_at", "id"]

    def __str__(self) -> str:
        return f"{self.report_id} · {self.created_at:%Y-%m-%d %H:%M}"


class ReportPhoto(BaseModel):
    report = models.ForeignKey("reports.Report", verbose_name=_("report"),
                               on_delete=models.PROTECT, related_name="photos")
    addition = models.ForeignKey(ReportAddition, verbose_name=_("addition"), null=True,
                                 blank=True, on_delete=models.PROTECT, related_name="photos")
    commune = models.ForeignKey("territory.AdministrativeUnit", verbose_name=_("commune"),
                                on_delete=models.PROTECT, related_name="+")
    position = models.PositiveSmallIntegerField(_("number"))
    content = models.BinaryField(_("JPEG image"))
    content_type = models.CharField(_("content type"), max_length=32, default="image/jpeg")
    width = models.PositiveIntegerField(_("width"))
    height = models.PositiveIntegerField(_("height"))
    size = models.PositiveIntegerField(_("size in bytes"))
    sha256 = models.CharField(_("SHA-256"), max_length=64)

    class Meta:
        verbose_name = _("report photo")
        verbose_name_plural = _("report photos")
        ordering = ["report", "position"]
        constraints = [
            models.UniqueConstraint(fields=["report", "position"],
                                    name="report_photo_position_unique"),
            models.CheckConstraint(condition=Q(width__gt=0, height__gt=0, size__gt=0,
                                               position__gt=0),
                                   name="report_photo_not_empty"),
        ]

    def __str__(self) -> str:
        return f"{self.report_id} · {self.position}"
