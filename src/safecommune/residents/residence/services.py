"""Writes on residence records and absences. Each is one transaction with its audit entry in
the residence's commune chain; details hold row ids and field names only.

Every function takes ``today`` (default: the local date) so the date rules are testable.
"""

from __future__ import annotations

from datetime import date, timedelta

from django.db import transaction
from django.db.models import Exists, OuterRef
from django.db.models.functions import TruncDate
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from safecommune.core.audit import audit_append
from safecommune.core.errors import Conflict, DomainError, ValidationFailed, full_clean_or_raise
from safecommune.residents.models import (
    Absence,
    AbsenceKind,
    EndReason,
    HouseholdMember,
    Person,
    ReminderKind,
    ResidenceKind,
    ResidenceRecord,
    ResidenceReminder,
    StayNotice,
    SupervisionKind,
)
from safecommune.residents.residence import rules
from safecommune.residents.services import commune_of
from safecommune.territory.models import AdministrativeUnit

# Reasons a user may give when ending a residence; "renewed" is set by a renewal only.
END_REASONS = (EndReason.MOVED_OUT, EndReason.DEREGISTERED, EndReason.EXPIRED)


def _fail(field: str, rule: str, message: str) -> ValidationFailed:
    return ValidationFailed([{"field": field, "rule": rule, "message": message}])


def _not_future(value: date, *, field: str, today: date) -> None:
    if value > today:
        raise _fail(field, "future", _("This date is in the future."))


def _clean_address(address: str) -> str:
    address = " ".join((address or "").split())
    if not address:
        raise _fail("address", "required", _("Give the address of the residence."))
    return address


def _check_term(*, starts_on: date, valid_until: date | None) -> None:
    if valid_until is None:
        raise _fail("valid_until", "required",
                    _("Give the date the temporary residence is valid until."))
    if valid_until <= starts_on:
        raise _fail("valid_until", "after_start",
                    _("The term must end after the day it starts."))
    max_days = rules.temp_max_days()
    if (valid_until - starts_on).days > max_days:
        raise _fail("valid_until", "max_term",
                    ngettext("A temporary residence term is at most %(days)d day (until "
                             "%(last)s); renew it for a longer stay.",
                             "A temporary residence term is at most %(days)d days (until "
                             "%(last)s); renew it for a longer stay.", max_days)
                    % {"days": max_days,
                       "last": (starts_on + timedelta(days=max_days)).isoformat()})


def _current_household(person: Person, commune: AdministrativeUnit):
    member = (HouseholdMember.objects.select_related("household")
              .filter(person=person, left_on__isnull=True,
                      household__commune=commune).first())
    return member.household if member else None


def _refuse_second_active(person: Person, kind: str) -> None:
    if ResidenceRecord.objects.select_for_update().filter(
            person=person, kind=kind, ended_on__isnull=True).exists():
        if kind == ResidenceKind.PERMANENT:
            message = _("This person already has a permanent residence; end it (moving out or "
                        "deregistration) before registering a new one.")
        else:
            message = _("This person already has a temporary residence; renew or end it "
                        "before registering a new one.")
        raise Conflict(message, field="kind", rule="active_" + kind)


def _register(*, actor, person: Person, kind: str, unit: AdministrativeUnit | None,
              address: str, registered_on: date | None, valid_until: date | None,
              today: date | None) -> ResidenceRecord:
    today = today or timezone.localdate()
    registered_on = registered_on or today
    _not_future(registered_on, field="registered_on", today=today)
    unit = unit or person.commune
    commune = commune_of(unit)
    address = _clean_address(address)
    if kind == ResidenceKind.TEMPORARY:
        _check_term(starts_on=registered_on, valid_until=valid_until)
    Person.objects.select_for_update().filter(pk=person.pk).first()
    _refuse_second_active(person, kind)
    record = ResidenceRecord(person=person, kind=kind, recorded_unit=unit, commune=commune,
                             household=_current_household(person, commune), address=address,
                             registered_on=registered_on,
                             valid_until=valid_until if kind == ResidenceKind.TEMPORARY else None,
                             created_by=actor, modified_by=actor)
    full_clean_or_raise(record, validate_constraints=False)
    record.save()
    audit_append(action=f"residence.{kind}_register", actor=actor, commune=commune, obj=record,
                 details={"person": person.pk})
    return record


@transaction.atomic
def permanent_register(*, actor, person: Person, address: str,
                       unit: AdministrativeUnit | None = None, registered_on: date | None = None,
                       today: date | None = None) -> ResidenceRecord:
    """Register the person's permanent residence; one at a time."""
    return _register(actor=actor, person=person, kind=ResidenceKind.PERMANENT, unit=unit,
                     address=address, registered_on=registered_on, valid_until=None,
                     today=today)


@transaction.atomic
def temporary_register(*, actor, person: Person, address: str, valid_until: date | None,
                       unit: AdministrativeUnit | None = None, registered_on: date | None = None,
                       today: date | None = None) -> ResidenceRecord:
    """Register a temporary residence term of at most the maximum days (730: 2 years)."""
    return _register(actor=actor, person=person, kind=ResidenceKind.TEMPORARY, unit=unit,
                     address=address, registered_on=registered_on, valid_until=valid_until,
                     today=today)


def _locked_active(record: ResidenceRecord) -> ResidenceRecord:
    record = ResidenceRecord.objects.select_for_update().select_related("commune").get(
        pk=record.pk)
    if record.ended_on is not None:
        raise Conflict(_("This residence has already ended."), field="record", rule="ended")
    return record


@transaction.atomic
def temporary_renew(*, actor, record: ResidenceRecord, valid_until: date | None,
                    renewed_on: date | None = None, today: date | None = None) -> ResidenceRecord:
    """A new term from ``renewed_on``; the previous term ends that day with reason renewed.

    The previous row keeps every other value, so the history is never overwritten.
    """
    today = today or timezone.localdate()
    renewed_on = renewed_on or today
    _not_future(renewed_on, field="renewed_on", today=today)
    previous = _locked_active(record)
    if previous.kind != ResidenceKind.TEMPORARY:
        raise DomainError(_("Only a temporary residence is renewed."), field="record",
                          rule="temporary")
    if renewed_on < previous.registered_on:
        raise _fail("renewed_on", "after_start",
                    _("A renewal cannot start before the term it renews."))
    if renewed_on > previous.valid_until:
        raise _fail("renewed_on", "expired",
                    _("This term expired on %(date)s; register a new temporary residence "
                      "instead.") % {"date": previous.valid_until.isoformat()})
    _check_term(starts_on=renewed_on, valid_until=valid_until)
    if valid_until <= previous.valid_until:
        raise _fail("valid_until", "extends",
                    _("The renewed term must end after the current one (%(date)s).")
                    % {"date": previous.valid_until.isoformat()})
    previous.ended_on = renewed_on
    previous.end_reason = EndReason.RENEWED
    previous.modified_by = actor
    previous.save(update_fields=["ended_on", "end_reason", "modified_by", "modified_at"])
    term = ResidenceRecord(person_id=previous.person_id, kind=ResidenceKind.TEMPORARY,
                           recorded_unit_id=previous.recorded_unit_id,
                           commune_id=previous.commune_id, household_id=previous.household_id,
                           address=previous.address, registered_on=renewed_on,
                           valid_until=valid_until, renews=previous, created_by=actor,
                           modified_by=actor)
    full_clean_or_raise(term, validate_constraints=False)
    term.save()
    audit_append(action="residence.temporary_renew", actor=actor, commune=previous.commune,
                 obj=term, details={"renews": previous.pk})
    return term


@transaction.atomic
def residence_end(*, actor, record: ResidenceRecord, reason: str, ended_on: date | None = None,
                  today: date | None = None) -> ResidenceRecord:
    """Moving out, deregistration, or a temporary term recorded as expired."""
    today = today or timezone.localdate()
    ended_on = ended_on or today
    _not_future(ended_on, field="ended_on", today=today)
    if reason not in END_REASONS:
        raise _fail("reason", "choice", _("Choose why the residence ended from the list."))
    record = _locked_active(record)
    if reason == EndReason.EXPIRED and record.kind != ResidenceKind.TEMPORARY:
        raise _fail("reason", "choice", _("Only a temporary residence expires."))
    if ended_on < record.registered_on:
        raise _fail("ended_on", "after_start",
                    _("A residence cannot end before it was registered."))
    record.ended_on = ended_on
    record.end_reason = reason
    record.modified_by = actor
    record.save(update_fields=["ended_on", "end_reason", "modified_by", "modified_at"])
    audit_append(action="residence.end", actor=actor, commune=record.commune, obj=record,
                 details={"reason": reason})
    return record


@transaction.atomic
def absence_declare(*, actor, person: Person, kind: str, leaves_on: date, destination: str,
                    expected_return_on: date | None = None, supervision: str = "",
                    consent_reference: str = "", declared_on: date | None = None,
                    today: date | None = None) -> Absence:
    """A temporary absence declaration, by the rules for the kind of person.

    A supervised person declares on or before the day of leaving, with the supervising body's
    consent and an expected return. Others declare once away long enough: 365 days (military
    service age: 90), both settings.
    """
    today = today or timezone.localdate()
    declared_on = declared_on or today
    _not_future(declared_on, field="declared_on", today=today)
    destination = " ".join((destination or "").split())
    consent_reference = (consent_reference or "").strip()
    if kind not in AbsenceKind.values:
        raise _fail("kind", "choice", _("Choose the kind of person from the list."))
    if not destination:
        raise _fail("destination", "required", _("Give where the person is going."))
    if expected_return_on is not None and expected_return_on < leaves_on:
        raise _fail("expected_return_on", "after_leaving",
                    _("The expected return cannot be before the day of leaving."))
    if kind == AbsenceKind.SUPERVISED:
        if supervision not in SupervisionKind.values:
            raise _fail("supervision", "required",
                        _("Choose the kind of supervision the person is under."))
        if declared_on > leaves_on:
            raise _fail("leaves_on", "before_leaving",
                        _("A person under supervision must declare an absence before leaving; "
                          "this one was declared after the day of leaving."))
        if not consent_reference:
            raise _fail("consent_reference", "consent",
                        _("Record the supervising body's consent (its reference) for a person "
                          "under supervision."))
        if expected_return_on is None:
            raise _fail("expected_return_on", "required",
                        _("Give the day a person under supervision is expected back."))
    else:
        supervision = ""
        days = rules.absence_after_days(kind)
        if (declared_on - leaves_on).days < days:
            raise _fail("leaves_on", "too_early",
                        ngettext("This person declares an absence only after %(days)d day "
                                 "away (from %(date)s).",
                                 "This person declares an absence only after %(days)d days "
                                 "away (from %(date)s).", days)
                        % {"days": days,
                           "date": (leaves_on + timedelta(days=days)).isoformat()})
    person = Person.objects.select_for_update().select_related("commune").get(pk=person.pk)
    if Absence.objects.filter(person=person, returned_on__isnull=True).exists():
        raise Conflict(_("This person has an open absence; record their return first."),
                       field="person", rule="open_absence")
    absence = Absence(person=person, commune=person.commune, kind=kind, supervision=supervision,
                      declared_on=declared_on, leaves_on=leaves_on,
                      expected_return_on=expected_return_on, destination=destination,
                      consent_reference=consent_reference,
                      consent_recorded_by=actor if consent_reference and actor else None,
                      created_by=actor, modified_by=actor)
    full_clean_or_raise(absence, validate_constraints=False)
    absence.save()
    audit_append(action="absence.declare", actor=actor, commune=person.commune, obj=absence,
                 details={"person": person.pk, "kind": kind})
    return absence


@transaction.atomic
def absence_return(*, actor, absence: Absence, returned_on: date | None = None,
                   today: date | None = None) -> Absence:
    today = today or timezone.localdate()
    returned_on = returned_on or today
    _not_future(returned_on, field="returned_on", today=today)
    absence = Absence.objects.select_for_update().select_related("commune").get(pk=absence.pk)
    if absence.returned_on is not None:
        raise Conflict(_("This person's return is already recorded."), field="absence",
                       rule="returned")
    if returned_on < absence.leaves_on:
        raise _fail("returned_on", "after_leaving",
                    _("The return cannot be before the day of leaving."))
    absence.returned_on = returned_on
    absence.modified_by = actor
    absence.save(update_fields=["returned_on", "modified_by", "modified_at"])
    audit_append(action="absence.return", actor=actor, commune=absence.commune, obj=absence)
    return absence


def _reminder_sources(today: date) -> list[tuple[str, str, object]]:
    """(kind, subject column, rows of (subject id, commune id, due on)) for each work list."""
    from safecommune.residents.residence import selectors

    zone = timezone.get_default_timezone()
    late_stays = (StayNotice.objects.filter(is_late=True, reviewed_at__isnull=True)
                  .exclude(Exists(ResidenceReminder.objects.filter(
                      kind=ReminderKind.LATE_STAY, stay=OuterRef("pk"))))
                  .annotate(due=TruncDate("notified_at", tzinfo=zone)))
    headless = (selectors.headless_households(user=None).order_by()
                .values("pk", "commune_id", "created_at")
                .annotate(since=selectors.headless_since()))
    return [
        (ReminderKind.EXPIRING, "record",
         selectors.expiring_temporary(user=None, today=today)
         .values_list("pk", "commune_id", "valid_until")),
        (ReminderKind.ABSENCE_OVERDUE, "absence",
         selectors.overdue_absences(user=None, today=today)
         .values_list("pk", "commune_id", "expected_return_on")),
        (ReminderKind.NO_HEAD, "household", headless.values_list("pk", "commune_id", "since")),
        (ReminderKind.LATE_STAY, "stay",
         late_stays.order_by("pk").values_list("pk", "commune_id", "due")),
    ]


@transaction.atomic
def residence_reminders_raise(*, today: date | None = None) -> dict[str, int]:
    """Raise the work-list reminders due ``today``; running it again adds nothing.

    One reminder per temporary term expiring within the reminder days (due on its last day),
    per absence past its expected return (due on that day), per household without a head
    (due on the day it lost its head; losing a later head raises a new one) and per late stay
    notification not yet reviewed (due on the day it was notified).
    """
    today = today or timezone.localdate()
    created = {}
    for kind, subject, rows in _reminder_sources(today):
        reminders = ResidenceReminder.objects.filter(kind=kind)
        before = reminders.count()
        # The partial unique constraints make a second run insert nothing (ON CONFLICT DO
        # NOTHING on PostgreSQL, INSERT OR IGNORE on SQLite).
        ResidenceReminder.objects.bulk_create(
            (ResidenceReminder(kind=kind, commune_id=commune_id, due_on=due_on,
                               raised_on=today, **{f"{subject}_id": pk})
             for pk, commune_id, due_on in rows.iterator()),
            batch_size=1000, ignore_conflicts=True)
        created[kind] = reminders.count() - before
    return created
