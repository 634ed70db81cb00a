"""Incidents, their timeline, outcomes and the alerts the worker raises (issue 5, item 4;
docs/decisions/0016-incidents.md).

Every incident carries the unit it was recorded under, its resolved 2025 commune (the scoping
and distribution key) and the village where known. The timeline is append-only: a note, a
status change or an assignment is a new ``IncidentEvent``, never an edit of an old one.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from safecommune.core.models import BaseModel
from safecommune.core.text import fold
from safecommune.reports.models.workflow import IncidentStatus
from safecommune.territory.models import LATITUDE_VALIDATORS, LONGITUDE_VALIDATORS

__all__ = [
    "MEASURES_BY_KIND",
    "AlertKind",
    "Channel",
    "EventKind",
    "Incident",
    "IncidentAlert",
    "IncidentEvent",
    "IncidentOutcome",
    "Involvement",
    "Measure",
    "OutcomeKind",
    "tip_forward_due",
    "tip_forward_hours",
]


class Channel(models.TextChoices):
    HOTLINE = "hotline", _("hotline call")
    WALK_IN = "walk_in", _("walk-in at the station")
    PUBLIC_WEB = "public_web", _("public web report")
    OPEN311 = "open311", _("Open311 client")
    TEAM_MEMBER = "team_member", _("self-management team member")
    VNEID = "vneid", _("VNeID app")
    OTHER = "other", _("other channel")


def tip_forward_hours(*, is_remote: bool) -> int:
    """Hours to forward a tip to the investigating body (joint circular 01/2017; settings)."""
    if is_remote:
        return int(getattr(settings, "SAFECOMMUNE_TIP_FORWARD_HOURS_REMOTE", 48))
    return int(getattr(settings, "SAFECOMMUNE_TIP_FORWARD_HOURS", 24))


def tip_forward_due(*, received_at: datetime, is_remote: bool) -> datetime:
    return received_at + timedelta(hours=tip_forward_hours(is_remote=is_remote))


def _point_constraint(name: str) -> models.CheckConstraint:
    return models.CheckConstraint(
        condition=Q(latitude__isnull=True, longitude__isnull=True)
        | Q(latitude__isnull=False, longitude__isnull=False), name=name)


class Incident(BaseModel):
    recorded_unit = models.ForeignKey("territory.AdministrativeUnit", verbose_name=_("unit"),
                                      on_delete=models.PROTECT, related_name="+")
    commune = models.ForeignKey("territory.AdministrativeUnit", verbose_name=_("commune"),
                                on_delete=models.PROTECT, related_name="incidents")
    village = models.ForeignKey("territory.Village", verbose_name=_("village"), null=True,
                                blank=True, on_delete=models.PROTECT, related_name="+")
    latitude = models.FloatField(_("latitude"), null=True, blank=True,
                                 validators=LATITUDE_VALIDATORS)
    longitude = models.FloatField(_("longitude"), null=True, blank=True,
                                  validators=LONGITUDE_VALIDATORS)
    place = models.CharField(_("place"), max_length=255, blank=True)
    category = models.ForeignKey("reports.Category", verbose_name=_("category"),
                                 on_delete=models.PROTECT, related_name="incidents")
    occurred_at = models.DateTimeField(_("occurred at"))
    received_at = models.DateTimeField(_("received at"))
    channel = models.CharField(_("channel"), max_length=16, choices=Channel.choices)
    summary = models.CharField(_("summary"), max_length=200)
    description = models.TextField(_("description"), blank=True)
    search_key = models.TextField(editable=False, default="")
    status = models.CharField(_("status"), max_length=12, choices=IncidentStatus.choices,
                              default=IncidentStatus.RECEIVED)
    status_changed_at = models.DateTimeField(_("status changed at"))
    assignee = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("assigned officer"),
                                 null=True, blank=True, on_delete=models.PROTECT,
                                 related_name="assigned_incidents")
    is_tip = models.BooleanField(_("crime tip"), default=False)
    forward_due_at = models.DateTimeField(_("forward by"), null=True, blank=True)
    forwarded_to = models.CharField(_("forwarded to"), max_length=255, blank=True)
    forwarded_at = models.DateTimeField(_("forwarded at"), null=True, blank=True)

    class Meta:
        verbose_name = _("incident")
        verbose_name_plural = _("incidents")
        ordering = ["-received_at", "-id"]
        constraints = [
            _point_constraint("incident_point_complete"),
            models.CheckConstraint(condition=Q(is_tip=False) | Q(forward_due_at__isnull=False),
                                   name="incident_tip_has_deadline"),
            models.CheckConstraint(
                condition=Q(forwarded_at__isnull=True) | ~Q(forwarded_to=""),
                name="incident_forwarded_names_body"),
        ]
        indexes = [
            models.Index(fields=["commune", "-received_at"], name="incident_commune_recv_idx"),
            models.Index(fields=["commune", "status"], name="incident_commune_status_idx"),
            models.Index(fields=["category", "occurred_at"], name="incident_category_time_idx"),
            models.Index(fields=["forward_due_at"], name="incident_tip_due_idx",
                         condition=Q(is_tip=True, forwarded_at__isnull=True)),
        ]

    def __str__(self) -> str:
        return self.summary

    def save(self, *args, **kwargs):
        self.search_key = fold(" ".join((self.summary, self.place, self.description)))
        update_fields = kwargs.get("update_fields")
        if update_fields is not None and {"summary", "place", "description"} & set(update_fields):
            kwargs["update_fields"] = set(update_fields) | {"search_key"}
        super().save(*args, **kwargs)

    @property
    def point(self) -> tuple[float, float] | None:
        if self.latitude is None or self.longitude is None:
            return None
        return (self.latitude, self.longitude)

    def is_forward_overdue(self, now: datetime) -> bool:
        from safecommune.reports.models.workflow import OPEN_STATES

        return bool(self.is_tip and self.forwarded_at is None and self.status in OPEN_STATES
                    and self.forward_due_at and self.forward_due_at < now)


class EventKind(models.TextChoices):
    CREATED = "created", _("recorded")
    NOTE = "note", _("note")
    STATUS = "status", _("status change")
    ASSIGNMENT = "assignment", _("assignment")
    OUTCOME = "outcome", _("outcome")
    REPORT = "report", _("report linked")


class IncidentEvent(models.Model):
    """One line of an incident's timeline; never changed once written."""

    incident = models.ForeignKey(Incident, verbose_name=_("incident"), on_delete=models.PROTECT,
                                 related_name="events")
    kind = models.CharField(_("kind"), max_length=12, choices=EventKind.choices)
    at = models.DateTimeField(_("at"))
    author = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("author"), null=True,
                               blank=True, on_delete=models.PROTECT, related_name="+")
    text = models.TextField(_("text"), blank=True)
    from_status = models.CharField(_("status before"), max_length=12, blank=True,
                                   choices=IncidentStatus.choices)
    to_status = models.CharField(_("status after"), max_length=12, blank=True,
                                 choices=IncidentStatus.choices)
    assignee = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("assigned officer"),
                                 null=True, blank=True, on_delete=models.PROTECT,
                                 related_name="+")
    outcome = models.ForeignKey("reports.IncidentOutcome", verbose_name=_("outcome"), null=True,
                                blank=True, on_delete=models.PROTECT, related_name="+")
    report = models.ForeignKey("reports.Report", verbose_name=_("report"), null=True,
                               blank=True, on_delete=models.PROTECT, related_name="+")

    class Meta:
        verbose_name = _("timeline entry")
        verbose_name_plural = _("timeline entries")
        ordering = ["incident", "at", "id"]
        constraints = [
            models.CheckConstraint(condition=~Q(kind="status") | (~Q(from_status="")
                                                                  & ~Q(to_status="")),
                                   name="incident_event_status_has_states"),
            models.CheckConstraint(condition=~Q(kind="note") | ~Q(text=""),
                                   name="incident_event_note_has_text"),
        ]

    def __str__(self) -> str:
        return f"{self.incident_id} · {self.get_kind_display()}"


class OutcomeKind(models.TextChoices):
    PERSON = "person", _("person involved")
    ARREST = "arrest", _("arrests")
    FINE = "fine", _("administrative fine")
    EDUCATION = "education", _("education measure")
    REHABILITATION = "rehabilitation", _("rehabilitation referral")
    SEIZURE = "seizure", _("seized items")


class Involvement(models.TextChoices):
    SUSPECT = "suspect", _("suspect")
    OFFENDER = "offender", _("offender")
    VICTIM = "victim", _("victim")
    WITNESS = "witness", _("witness")
    OTHER = "other", _("other involvement")


class Measure(models.TextChoices):
    COMMUNE_EDUCATION = "commune_education", _("education in the commune")
    REFORM_SCHOOL = "reform_school", _("sent to a reform school")
    EDUCATION_INSTITUTION = "education_institution", _("sent to a compulsory education "
                                                       "institution")
    VOLUNTARY_REHABILITATION = "voluntary_rehabilitation", _("voluntary drug rehabilitation")
    COMPULSORY_REHABILITATION = "compulsory_rehabilitation", _("compulsory drug "
                                                               "rehabilitation")


MEASURES_BY_KIND = {
    OutcomeKind.EDUCATION: (Measure.COMMUNE_EDUCATION, Measure.REFORM_SCHOOL,
                            Measure.EDUCATION_INSTITUTION),
    OutcomeKind.REHABILITATION: (Measure.VOLUNTARY_REHABILITATION,
                                 Measure.COMPULSORY_REHABILITATION),
}


class IncidentOutcome(BaseModel):
    """What came of an incident, one row per fact: a person involved, arrests, a fine, an
    education measure or rehabilitation referral, or items seized (e.g. 248 laughing-gas
    cylinders). Counts add up across rows for the statistics."""

    incident = models.ForeignKey(Incident, verbose_name=_("incident"), on_delete=models.PROTECT,
                                 related_name="outcomes")
    kind = models.CharField(_("kind of outcome"), max_length=16, choices=OutcomeKind.choices)
    person = models.ForeignKey("residents.Person", verbose_name=_("resident"), null=True,
                               blank=True, on_delete=models.PROTECT, related_name="+")
    person_name = models.CharField(_("person's name"), max_length=150, blank=True)
    involvement = models.CharField(_("involvement"), max_length=10, blank=True,
                                   choices=Involvement.choices)
    count = models.PositiveIntegerField(_("number of persons"), default=1)
    amount_vnd = models.PositiveBigIntegerField(_("amount (VND)"), null=True, blank=True)
    measure = models.CharField(_("measure"), max_length=28, blank=True,
                               choices=Measure.choices)
    item_kind = models.CharField(_("item"), max_length=150, blank=True)
    quantity = models.DecimalField(_("quantity"), max_digits=14, decimal_places=3, null=True,
                                   blank=True)
    quantity_unit = models.CharField(_("unit of quantity"), max_length=30, blank=True)
    note = models.CharField(_("note"), max_length=500, blank=True)

    class Meta:
        verbose_name = _("outcome")
        verbose_name_plural = _("outcomes")
        ordering = ["incident", "created_at", "id"]
        constraints = [
            models.CheckConstraint(condition=Q(count__gte=1), name="outcome_count_positive"),
            models.CheckConstraint(
                condition=~Q(kind="person") | ~Q(person_name="") | Q(person__isnull=False),
                name="outcome_person_named"),
            models.CheckConstraint(condition=~Q(kind="fine") | Q(amount_vnd__gt=0),
                                   name="outcome_fine_has_amount"),
            models.CheckConstraint(
                condition=Q(kind__in=["education", "rehabilitation"], measure__gt="")
                | (~Q(kind__in=["education", "rehabilitation"]) & Q(measure="")),
                name="outcome_measure_matches_kind"),
            models.CheckConstraint(
                condition=~Q(kind="seizure") | (Q(quantity__gt=0) & ~Q(item_kind="")),
                name="outcome_seizure_has_items"),
        ]

    def __str__(self) -> str:
        return f"{self.incident_id} · {self.get_kind_display()}"


class AlertKind(models.TextChoices):
    TIP_FORWARD_OVERDUE = "tip_forward_overdue", _("tip not forwarded in time")


class IncidentAlert(models.Model):
    """An alert the worker raised; cleared (not deleted) when the incident is dealt with."""

    kind = models.CharField(_("kind of alert"), max_length=24, choices=AlertKind.choices)
    incident = models.ForeignKey(Incident, verbose_name=_("incident"), on_delete=models.PROTECT,
                                 related_name="alerts")
    commune = models.ForeignKey("territory.AdministrativeUnit", verbose_name=_("commune"),
                                on_delete=models.PROTECT, related_name="+")
    due_at = models.DateTimeField(_("was due at"))
    raised_at = models.DateTimeField(_("raised at"))
    cleared_at = models.DateTimeField(_("cleared at"), null=True, blank=True)

    class Meta:
        verbose_name = _("incident alert")
        verbose_name_plural = _("incident alerts")
        ordering = ["-raised_at", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["incident", "kind", "due_at"],
                                    name="incident_alert_once"),
        ]
        indexes = [models.Index(fields=["commune", "cleared_at"], name="incident_alert_open_idx")]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} · {self.incident_id}"
