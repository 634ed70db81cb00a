"""Stays: notifications of stay, foreigners' declarations, accommodation guest registers
(issue 4, item 3; docs/decisions/0012-stays.md).

One row per notice. A foreign guest at an accommodation establishment is the foreigner's
declaration (12 hours from arrival, 24 in remote communes); every other notice follows the
notification-of-stay rule (before 23:00 local on the arrival day, before 08:00 the next day for
arrivals at or after 23:00). ``deadline_at`` and ``is_late`` are computed on every save.
"""

from __future__ import annotations

from datetime import datetime, time, timedelta

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from safecommune.core.models import BaseModel
from safecommune.core.text import fold
from safecommune.territory.models import phone_validator

__all__ = ["HostKind", "StayChannel", "StayNotice", "stay_deadline", "stay_rules"]


class HostKind(models.TextChoices):
    HOUSEHOLD = "household", _("household")
    ACCOMMODATION = "accommodation", _("accommodation establishment")


class StayChannel(models.TextChoices):
    STAFF = "staff", _("recorded by staff")
    PUBLIC = "public", _("sent from the public page")


def _clock(value: str) -> time:
    hours, minutes = value.split(":")
    return time(int(hours), int(minutes))


def stay_rules() -> dict:
    """The limits, each a setting with DOMAIN.md's value as default."""
    return {
        "cutoff": _clock(getattr(settings, "SAFECOMMUNE_STAY_CUTOFF", "23:00")),
        "late_arrival_deadline": _clock(getattr(settings, "SAFECOMMUNE_STAY_LATE_ARRIVAL_DEADLINE",
                                                "08:00")),
        "foreigner_hours": int(getattr(settings, "SAFECOMMUNE_FOREIGNER_DECLARATION_HOURS", 12)),
        "max_days": int(getattr(settings, "SAFECOMMUNE_STAY_MAX_DAYS", 30)),
    }


def stay_deadline(*, arrival_at: datetime, foreigner_hours: int | None = None) -> datetime:
    """When the notice is due. ``foreigner_hours`` (already adjusted for remote communes) for a
    foreigner's declaration at an accommodation; None for the notification-of-stay rule."""
    if foreigner_hours is not None:
        return arrival_at + timedelta(hours=foreigner_hours)
    rules = stay_rules()
    zone = timezone.get_default_timezone()
    local = timezone.localtime(arrival_at, zone)
    if local.time() < rules["cutoff"]:
        return datetime.combine(local.date(), rules["cutoff"], tzinfo=zone)
    return datetime.combine(local.date() + timedelta(days=1), rules["late_arrival_deadline"],
                            tzinfo=zone)


class StayNotice(BaseModel):
    recorded_unit = models.ForeignKey("territory.AdministrativeUnit", verbose_name=_("unit"),
                                      on_delete=models.PROTECT, related_name="+")
    commune = models.ForeignKey("territory.AdministrativeUnit", verbose_name=_("commune"),
                                on_delete=models.PROTECT, related_name="stay_notices")
    host_kind = models.CharField(_("host"), max_length=16, choices=HostKind.choices)
    host_household = models.ForeignKey("residents.Household", verbose_name=_("host household"),
                                       null=True, blank=True, on_delete=models.PROTECT,
                                       related_name="stay_notices")
    accommodation = models.ForeignKey("territory.Place",
                                      verbose_name=_("accommodation establishment"), null=True,
                                      blank=True, on_delete=models.PROTECT,
                                      related_name="stay_notices")
    host_name = models.CharField(_("host's name"), max_length=150, blank=True)
    host_address = models.CharField(_("host's address"), max_length=255, blank=True)
    host_phone = models.CharField(_("host's phone"), max_length=20, blank=True,
                                  validators=[phone_validator])
    host_key = models.CharField(max_length=300, editable=False)
    guest_full_name = models.CharField(_("guest's full name"), max_length=150)
    guest_birth_date = models.DateField(_("guest's date of birth"))
    guest_citizen_id = models.CharField(_("guest's citizen ID"), max_length=12, blank=True)
    guest_passport_number = models.CharField(_("guest's passport number"), max_length=20,
                                             blank=True)
    guest_nationality = models.CharField(_("guest's nationality"), max_length=2, default="VN")
    guest_key = models.CharField(max_length=40, editable=False, db_index=True)
    guest_person = models.ForeignKey("residents.Person", verbose_name=_("guest"), null=True,
                                     blank=True, on_delete=models.PROTECT,
                                     related_name="stay_notices")
    is_foreigner = models.BooleanField(_("foreigner"), default=False, editable=False)
    is_close_relative = models.BooleanField(_("close relative of the host"), default=False)
    arrival_at = models.DateTimeField(_("arrival"))
    departure_on = models.DateField(_("expected departure"))
    departed_at = models.DateTimeField(_("departure recorded"), null=True, blank=True)
    notified_at = models.DateTimeField(_("notified at"))
    deadline_at = models.DateTimeField(_("due by"), editable=False)
    is_late = models.BooleanField(_("late"), default=False, editable=False)
    channel = models.CharField(_("channel"), max_length=8, choices=StayChannel.choices)
    reviewed_at = models.DateTimeField(_("late notice reviewed at"), null=True, blank=True)

    class Meta:
        verbose_name = _("notification of stay")
        verbose_name_plural = _("notifications of stay")
        ordering = ["-arrival_at", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(host_kind="accommodation", accommodation__isnull=False,
                            host_household__isnull=True)
                | Q(host_kind="household", accommodation__isnull=True),
                name="stay_host_matches_kind"),
            models.CheckConstraint(condition=Q(is_close_relative=False) | Q(host_kind="household"),
                                   name="stay_close_relative_at_household"),
            models.CheckConstraint(condition=Q(guest_citizen_id="") | Q(guest_nationality="VN"),
                                   name="stay_citizen_id_only_vietnamese"),
            # Close relatives notify once only: one notice per host and guest.
            models.UniqueConstraint(fields=["commune", "host_key", "guest_key"],
                                    condition=Q(is_close_relative=True),
                                    name="stay_close_relative_once"),
        ]
        indexes = [
            models.Index(fields=["commune", "-arrival_at"], name="stay_commune_arrival_idx"),
            models.Index(fields=["accommodation", "arrival_at"], name="stay_register_idx"),
            models.Index(fields=["commune", "is_foreigner", "departure_on"],
                         name="stay_foreigners_idx"),
            models.Index(fields=["commune", "is_late", "reviewed_at"], name="stay_late_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.guest_full_name} · {self.arrival_at:%Y-%m-%d}"

    @property
    def is_foreigner_declaration(self) -> bool:
        return self.is_foreigner and self.host_kind == HostKind.ACCOMMODATION

    def compute_keys(self) -> None:
        self.is_foreigner = self.guest_nationality != "VN"
        self.guest_key = (self.guest_citizen_id if self.guest_citizen_id else
                          f"{self.guest_nationality}:{self.guest_passport_number.upper()}")
        if self.accommodation_id:
            self.host_key = f"place:{self.accommodation_id}"
        elif self.host_household_id:
            self.host_key = f"household:{self.host_household_id}"
        else:
            self.host_key = "address:" + fold(self.host_address)

    def compute_lateness(self) -> None:
        hours = None
        if self.is_foreigner_declaration:
            from safecommune.territory.services import deadline_hours

            hours = deadline_hours(commune=self.commune, hours=stay_rules()["foreigner_hours"])
        self.deadline_at = stay_deadline(arrival_at=self.arrival_at, foreigner_hours=hours)
        self.is_late = self.notified_at > self.deadline_at

    def save(self, *args, **kwargs):
        self.compute_keys()
        self.compute_lateness()
        if kwargs.get("update_fields") is not None:
            kwargs["update_fields"] = set(kwargs["update_fields"]) | {
                "is_foreigner", "guest_key", "host_key", "deadline_at", "is_late"}
        super().save(*args, **kwargs)
