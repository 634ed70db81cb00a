"""What reaches the commune police: reports (one intake each: what a resident or caller said)
and the hotline log (the "security keychain" model). Many reports may link to one incident.

Who reported is kept apart from what was reported: ``ReporterIdentity`` is its own table, one
row per named report or call, its name and phone encrypted at rest (AES-256-GCM, keys outside
the database) and read only through ``reporter_identities_read``, which checks the reader and
appends the audit entry (docs/decisions/0016-incidents.md, 0020-public-reports.md).
"""

from __future__ import annotations

from django.core.validators import EmailValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from safecommune.core.crypto import EncryptedTextField
from safecommune.core.models import BaseModel
from safecommune.core.text import fold
from safecommune.reports.models.incidents import Channel
from safecommune.territory.models import (
    LATITUDE_VALIDATORS,
    LONGITUDE_VALIDATORS,
    phone_validator,
)

__all__ = ["CallKind", "HotlineCall", "Report", "ReporterIdentity"]


class Report(BaseModel):
    recorded_unit = models.ForeignKey("territory.AdministrativeUnit", verbose_name=_("unit"),
                                      on_delete=models.PROTECT, related_name="+")
    commune = models.ForeignKey("territory.AdministrativeUnit", verbose_name=_("commune"),
                                on_delete=models.PROTECT, related_name="reports")
    village = models.ForeignKey("territory.Village", verbose_name=_("village"), null=True,
                                blank=True, on_delete=models.PROTECT, related_name="+")
    latitude = models.FloatField(_("latitude"), null=True, blank=True,
                                 validators=LATITUDE_VALIDATORS)
    longitude = models.FloatField(_("longitude"), null=True, blank=True,
                                  validators=LONGITUDE_VALIDATORS)
    place = models.CharField(_("place"), max_length=255, blank=True)
    category = models.ForeignKey("reports.Category", verbose_name=_("category"),
                                 on_delete=models.PROTECT, related_name="reports")
    occurred_at = models.DateTimeField(_("occurred at"), null=True, blank=True)
    received_at = models.DateTimeField(_("received at"))
    channel = models.CharField(_("channel"), max_length=16, choices=Channel.choices)
    description = models.TextField(_("what was reported"))
    search_key = models.TextField(editable=False, default="")
    is_anonymous = models.BooleanField(_("anonymous"), default=False)
    incident = models.ForeignKey("reports.Incident", verbose_name=_("incident"), null=True,
                                 blank=True, on_delete=models.PROTECT, related_name="reports")
    linked_at = models.DateTimeField(_("linked at"), null=True, blank=True)

    class Meta:
        verbose_name = _("report")
        verbose_name_plural = _("reports")
        ordering = ["-received_at", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(latitude__isnull=True, longitude__isnull=True)
                | Q(latitude__isnull=False, longitude__isnull=False),
                name="report_point_complete"),
            models.CheckConstraint(
                condition=Q(incident__isnull=True, linked_at__isnull=True)
                | Q(incident__isnull=False, linked_at__isnull=False),
                name="report_linked_with_time"),
        ]
        indexes = [
            models.Index(fields=["commune", "-received_at"], name="report_commune_recv_idx"),
            models.Index(fields=["category", "received_at"], name="report_category_time_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.get_channel_display()} · {self.received_at:%Y-%m-%d %H:%M}"

    def set_search_key(self) -> None:
        """What ``save()`` derives before writing (hot-path inserts call it themselves)."""
        self.search_key = fold(" ".join((self.place, self.description)))

    def save(self, *args, **kwargs):
        self.set_search_key()
        update_fields = kwargs.get("update_fields")
        if update_fields is not None and {"place", "description"} & set(update_fields):
            kwargs["update_fields"] = set(update_fields) | {"search_key"}
        super().save(*args, **kwargs)

    @property
    def point(self) -> tuple[float, float] | None:
        if self.latitude is None or self.longitude is None:
            return None
        return (self.latitude, self.longitude)


class CallKind(models.TextChoices):
    ADMIN_QUESTION = "admin_question", _("question about an administrative procedure")
    INCIDENT_REPORT = "incident_report", _("incident report")
    TIP = "tip", _("tip")
    COMPLAINT = "complaint", _("complaint")
    OTHER = "other", _("other call")


class HotlineCall(BaseModel):
    """One call to the duty hotline, logged in seconds."""

    recorded_unit = models.ForeignKey("territory.AdministrativeUnit", verbose_name=_("unit"),
                                      on_delete=models.PROTECT, related_name="+")
    commune = models.ForeignKey("territory.AdministrativeUnit", verbose_name=_("commune"),
                                on_delete=models.PROTECT, related_name="hotline_calls")
    village = models.ForeignKey("territory.Village", verbose_name=_("village"), null=True,
                                blank=True, on_delete=models.PROTECT, related_name="+")
    at = models.DateTimeField(_("time of the call"))
    kind = models.CharField(_("kind of call"), max_length=16, choices=CallKind.choices)
    summary = models.CharField(_("what the caller said"), max_length=500)
    answer = models.TextField(_("what was answered"), blank=True)
    is_anonymous = models.BooleanField(_("anonymous caller"), default=False)
    report = models.OneToOneField(Report, verbose_name=_("report"), null=True, blank=True,
                                  on_delete=models.PROTECT, related_name="hotline_call")
    incident = models.ForeignKey("reports.Incident", verbose_name=_("incident"), null=True,
                                 blank=True, on_delete=models.PROTECT,
                                 related_name="hotline_calls")

    class Meta:
        verbose_name = _("hotline call")
        verbose_name_plural = _("hotline calls")
        ordering = ["-at", "-id"]
        indexes = [models.Index(fields=["commune", "-at"], name="hotline_commune_at_idx")]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} · {self.at:%Y-%m-%d %H:%M}"


class ReporterIdentity(models.Model):
    """Who reported: a named report's or call's reporter. A call turned into a report keeps
    the one row, now pointing at both. Name and phone are encrypted at rest; load them only
    through ``reporter_identities_read`` (chief and assigned officer, every read audited) and
    ``defer()`` them everywhere else. No blind index: nothing looks a reporter up by phone."""

    report = models.OneToOneField(Report, verbose_name=_("report"), null=True, blank=True,
                                  on_delete=models.PROTECT, related_name="reporter")
    call = models.OneToOneField(HotlineCall, verbose_name=_("hotline call"), null=True,
                                blank=True, on_delete=models.PROTECT, related_name="caller")
    commune = models.ForeignKey("territory.AdministrativeUnit", verbose_name=_("commune"),
                                on_delete=models.PROTECT, related_name="+")
    name = EncryptedTextField(_("reporter's name"), context="reports.reporter.name",
                              blank=True)
    phone = EncryptedTextField(_("reporter's phone"), context="reports.reporter.phone",
                               blank=True, validators=[phone_validator])
    # Only Open311 clients send one (GeoReport v2 ``email``); kept like the phone.
    email = EncryptedTextField(_("reporter's e-mail"), context="reports.reporter.email",
                               blank=True, validators=[EmailValidator()])
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        verbose_name = _("reporter's identity")
        verbose_name_plural = _("reporters' identities")
        constraints = [
            models.CheckConstraint(condition=Q(report__isnull=False) | Q(call__isnull=False),
                                   name="reporter_identity_has_subject"),
            models.CheckConstraint(condition=~Q(name="") | ~Q(phone="") | ~Q(email=""),
                                   name="reporter_identity_not_empty"),
        ]

    def __str__(self) -> str:
        return f"#{self.pk}"
