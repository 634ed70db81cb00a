"""Residence records: permanent and temporary residence, renewals, temporary absence
(issue 4, item 2; docs/decisions/0011-residence-records.md).

History is never overwritten: a renewal is a new term row linked to the one it renews, and the
old row only gains ``ended_on`` and ``end_reason``. Reminders are raised by the worker.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from safecommune.core.models import BaseModel

__all__ = ["ResidenceKind", "EndReason", "ResidenceRecord", "AbsenceKind", "SupervisionKind",
           "Absence", "ReminderKind", "ResidenceReminder"]


class ResidenceKind(models.TextChoices):
    PERMANENT = "permanent", _("permanent residence")
    TEMPORARY = "temporary", _("temporary residence")


class EndReason(models.TextChoices):
    MOVED_OUT = "moved_out", _("moved out")
    DEREGISTERED = "deregistered", _("deregistered")
    EXPIRED = "expired", _("term expired")
    RENEWED = "renewed", _("renewed")


class ResidenceRecord(BaseModel):
    """One residence of a person: a permanent one, or one term of a temporary one."""

    person = models.ForeignKey("residents.Person", verbose_name=_("person"),
                               on_delete=models.PROTECT, related_name="residence_records")
    kind = models.CharField(_("kind of residence"), max_length=10, choices=ResidenceKind.choices)
    household = models.ForeignKey("residents.Household", verbose_name=_("household"), null=True,
                                  blank=True, on_delete=models.PROTECT, related_name="+")
    recorded_unit = models.ForeignKey("territory.AdministrativeUnit", verbose_name=_("unit"),
                                      on_delete=models.PROTECT, related_name="+")
    commune = models.ForeignKey("territory.AdministrativeUnit", verbose_name=_("commune"),
                                on_delete=models.PROTECT, related_name="residence_records")
    address = models.CharField(_("address"), max_length=255)
    registered_on = models.DateField(_("registered on"))
    valid_until = models.DateField(_("valid until"), null=True, blank=True)
    renews = models.OneToOneField("self", verbose_name=_("renews"), null=True, blank=True,
                                  on_delete=models.PROTECT, related_name="renewed_by")
    ended_on = models.DateField(_("ended on"), null=True, blank=True)
    end_reason = models.CharField(_("reason it ended"), max_length=12, blank=True,
                                  choices=EndReason.choices)

    class Meta:
        verbose_name = _("residence record")
        verbose_name_plural = _("residence records")
        ordering = ["person", "registered_on", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(kind="temporary", valid_until__isnull=False)
                | Q(kind="permanent", valid_until__isnull=True),
                name="residence_term_only_temporary"),
            models.CheckConstraint(
                condition=Q(valid_until__isnull=True) | Q(valid_until__gt=F("registered_on")),
                name="residence_valid_after_start"),
            models.CheckConstraint(
                condition=Q(ended_on__isnull=True, end_reason="")
                | (Q(ended_on__gte=F("registered_on")) & ~Q(end_reason="")),
                name="residence_end_with_reason"),
            models.CheckConstraint(condition=Q(renews__isnull=True) | Q(kind="temporary"),
                                   name="residence_renews_only_temporary"),
            models.UniqueConstraint(fields=["person", "kind"],
                                    condition=Q(ended_on__isnull=True),
                                    name="residence_one_active_per_kind"),
        ]
        indexes = [models.Index(fields=["commune", "kind", "valid_until"],
                                name="residence_commune_expiry_idx")]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} · {self.address}"

    @property
    def is_active(self) -> bool:
        return self.ended_on is None


class AbsenceKind(models.TextChoices):
    SUPERVISED = "supervised", _("person under supervision")
    MILITARY_AGE = "military_age", _("person of military service age")
    OTHER = "other", _("other person")


class SupervisionKind(models.TextChoices):
    BAIL = "bail", _("bail")
    SUSPENDED_SENTENCE = "suspended_sentence", _("suspended sentence")
    PROBATION = "probation", _("probation")
    COMMUNITY_SENTENCE = "community_sentence", _("non-custodial reform (community sentence)")
    PAROLE = "parole", _("conditional early release (parole)")
    COMMUNE_EDUCATION = "commune_education", _("education in the commune")
    DEFERRED_REHAB = "deferred_rehab", _("deferred compulsory rehabilitation")


class Absence(BaseModel):
    """A temporary absence declaration; ``returned_on`` is set when the return is recorded."""

    person = models.ForeignKey("residents.Person", verbose_name=_("person"),
                               on_delete=models.PROTECT, related_name="absences")
    commune = models.ForeignKey("territory.AdministrativeUnit", verbose_name=_("commune"),
                                on_delete=models.PROTECT, related_name="absences")
    kind = models.CharField(_("kind of person"), max_length=12, choices=AbsenceKind.choices)
    supervision = models.CharField(_("kind of supervision"), max_length=20, blank=True,
                                   choices=SupervisionKind.choices)
    declared_on = models.DateField(_("declared on"))
    leaves_on = models.DateField(_("leaves on"))
    expected_return_on = models.DateField(_("expected back on"), null=True, blank=True)
    returned_on = models.DateField(_("returned on"), null=True, blank=True)
    destination = models.CharField(_("destination"), max_length=255)
    consent_reference = models.CharField(_("consent reference"), max_length=100, blank=True)
    consent_recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("consent recorded by"), null=True, blank=True,
        on_delete=models.PROTECT, related_name="+")

    class Meta:
        verbose_name = _("temporary absence")
        verbose_name_plural = _("temporary absences")
        ordering = ["person", "leaves_on", "id"]
        constraints = [
            models.CheckConstraint(
                condition=(Q(kind="supervised") & ~Q(supervision="") & ~Q(consent_reference=""))
                | (~Q(kind="supervised") & Q(supervision="")),
                name="absence_supervised_with_consent"),
            models.CheckConstraint(
                condition=Q(expected_return_on__isnull=True)
                | Q(expected_return_on__gte=F("leaves_on")),
                name="absence_expected_after_leaving"),
            models.CheckConstraint(
                condition=Q(returned_on__isnull=True) | Q(returned_on__gte=F("leaves_on")),
                name="absence_returns_after_leaving"),
        ]
        indexes = [models.Index(fields=["commune", "returned_on", "expected_return_on"],
                                name="absence_commune_overdue_idx")]

    def __str__(self) -> str:
        return f"{self.person} · {self.leaves_on}"


class ReminderKind(models.TextChoices):
    EXPIRING = "expiring", _("temporary residence expiring")
    ABSENCE_OVERDUE = "absence_overdue", _("absence past its expected return")
    NO_HEAD = "no_head", _("household without a head")
    LATE_STAY = "late_stay", _("late stay notification to review")


# The one subject each kind of reminder has; the other subject columns are empty.
REMINDER_SUBJECTS = {ReminderKind.EXPIRING: "record", ReminderKind.ABSENCE_OVERDUE: "absence",
                     ReminderKind.NO_HEAD: "household", ReminderKind.LATE_STAY: "stay"}


def _one_subject() -> Q:
    condition = Q()
    for kind, subject in REMINDER_SUBJECTS.items():
        condition |= Q(kind=kind.value, **{f"{field}__isnull": field != subject
                                           for field in REMINDER_SUBJECTS.values()})
    return condition


class ResidenceReminder(models.Model):
    """A work-list item the worker raised: one per subject (a residence record, an absence, a
    household, a stay notice), kind and due date. Whether it is still open follows from its
    subject (term not ended, person not back, household still without a head, notice not
    reviewed)."""

    kind = models.CharField(_("kind of reminder"), max_length=16, choices=ReminderKind.choices)
    commune = models.ForeignKey("territory.AdministrativeUnit", verbose_name=_("commune"),
                                on_delete=models.PROTECT, related_name="+")
    record = models.ForeignKey(ResidenceRecord, verbose_name=_("residence record"), null=True,
                               blank=True, on_delete=models.CASCADE, related_name="reminders")
    absence = models.ForeignKey(Absence, verbose_name=_("temporary absence"), null=True,
                                blank=True, on_delete=models.CASCADE, related_name="reminders")
    household = models.ForeignKey("residents.Household", verbose_name=_("household"),
                                  null=True, blank=True, on_delete=models.CASCADE,
                                  related_name="reminders")
    stay = models.ForeignKey("residents.StayNotice", verbose_name=_("notification of stay"),
                             null=True, blank=True, on_delete=models.CASCADE,
                             related_name="reminders")
    due_on = models.DateField(_("due on"))
    raised_on = models.DateField(_("raised on"))

    class Meta:
        verbose_name = _("residence reminder")
        verbose_name_plural = _("residence reminders")
        ordering = ["due_on", "id"]
        constraints = [
            models.CheckConstraint(condition=_one_subject(), name="reminder_one_subject"),
            models.UniqueConstraint(fields=["record", "kind", "due_on"],
                                    condition=Q(record__isnull=False),
                                    name="reminder_unique_record"),
            models.UniqueConstraint(fields=["absence", "kind", "due_on"],
                                    condition=Q(absence__isnull=False),
                                    name="reminder_unique_absence"),
            # due_on is the day the household lost its head: a later loss is a new reminder.
            models.UniqueConstraint(fields=["household", "kind", "due_on"],
                                    condition=Q(household__isnull=False),
                                    name="reminder_unique_household"),
            # A notice is late once: one reminder per notice.
            models.UniqueConstraint(fields=["stay", "kind"], condition=Q(stay__isnull=False),
                                    name="reminder_unique_stay"),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} · {self.due_on}"

    @property
    def person(self):
        """The person concerned; None for a household or a stay notice (see ``subject``)."""
        if self.record_id:
            return self.record.person
        if self.absence_id:
            return self.absence.person
        return None

    @property
    def subject(self):
        return getattr(self, REMINDER_SUBJECTS[ReminderKind(self.kind)])
