"""Reads on residence records, absences and work lists, scoped like persons.

Staff see the records of their communes (the residence's commune or the person's); a resident
sees the records of their own household's members. Work lists are for staff only.
"""

from __future__ import annotations

from datetime import date, timedelta

from django.db.models import DateField, Exists, Max, OuterRef, Q, QuerySet
from django.db.models.functions import Coalesce, TruncDate
from django.utils import timezone
from django.utils.translation import gettext as _

from safecommune.accounts.jurisdiction import scope_for
from safecommune.accounts.roles import READER_ROLES
from safecommune.core.errors import NotFound
from safecommune.residents.models import (
    Absence,
    Household,
    HouseholdMember,
    Person,
    Relation,
    ReminderKind,
    ResidenceKind,
    ResidenceRecord,
    ResidenceReminder,
)
from safecommune.residents.residence import rules
from safecommune.residents.selectors import own_household_ids


def _scope_q(user, *, communes: tuple[str, ...], person_field: str = "person") -> Q | None:
    """None: everything; else the rows of the user's staff communes or their own household."""
    ids = scope_for(user).commune_ids(READER_ROLES)
    if ids is None:
        return None
    condition = Q(pk__in=[])
    for field in communes:
        if ids:
            condition |= Q(**{f"{field}__in": ids})
    households = own_household_ids(user=user)
    if households:
        condition |= Q(**{f"{person_field}__in": HouseholdMember.objects.filter(
            household__in=households, left_on__isnull=True).values("person_id")})
    return condition


def residence_visible_to(*, user) -> QuerySet[ResidenceRecord]:
    records = ResidenceRecord.objects.select_related("commune", "person", "household")
    condition = _scope_q(user, communes=("commune", "person__commune"))
    return records if condition is None else records.filter(condition)


def residence_get_for(*, user, id: int) -> ResidenceRecord:
    """One residence record the user may see; missing and out-of-scope are the same 404."""
    record = residence_visible_to(user=user).filter(pk=id).first()
    if record is None:
        raise NotFound(_("No residence record with this number."), field="id", rule="exists")
    return record


def absence_visible_to(*, user) -> QuerySet[Absence]:
    absences = Absence.objects.select_related("commune", "person")
    condition = _scope_q(user, communes=("commune",))
    return absences if condition is None else absences.filter(condition)


def absence_get_for(*, user, id: int) -> Absence:
    absence = absence_visible_to(user=user).filter(pk=id).first()
    if absence is None:
        raise NotFound(_("No absence declaration with this number."), field="id",
                       rule="exists")
    return absence


def residence_history(*, person: Person) -> list[ResidenceRecord]:
    """Every residence of the person, oldest first; renewed terms stay as rows."""
    return list(person.residence_records.select_related("commune", "household")
                .order_by("registered_on", "id"))


def person_absences(*, person: Person) -> list[Absence]:
    return list(person.absences.select_related("consent_recorded_by")
                .order_by("-leaves_on", "-id"))


def _staff_only(queryset: QuerySet, user, commune) -> QuerySet:
    """The work-list rows of the user's staff communes; ``user=None`` is the worker (all)."""
    if user is not None:
        ids = scope_for(user).commune_ids(READER_ROLES)
        if ids is not None:
            queryset = queryset.filter(commune__in=ids)
    if commune is not None:
        queryset = queryset.filter(commune=commune)
    return queryset


def expiring_temporary(*, user, today: date | None = None, commune=None,
                       days: int | None = None) -> QuerySet[ResidenceRecord]:
    """Active temporary terms whose last day is today or within the reminder days."""
    today = today or timezone.localdate()
    days = rules.reminder_days() if days is None else days
    records = ResidenceRecord.objects.filter(
        kind=ResidenceKind.TEMPORARY, ended_on__isnull=True, valid_until__gte=today,
        valid_until__lte=today + timedelta(days=days))
    return _staff_only(records, user, commune).order_by("valid_until", "id")


def overdue_absences(*, user, today: date | None = None, commune=None) -> QuerySet[Absence]:
    """Declared absences whose expected return has passed with no return recorded."""
    today = today or timezone.localdate()
    absences = Absence.objects.filter(returned_on__isnull=True, expected_return_on__lt=today)
    return _staff_only(absences, user, commune).order_by("expected_return_on", "id")


def headless_households(*, user, commune=None) -> QuerySet[Household]:
    """Households (not archived) that have no head: their head moved out, or none was named."""
    households = Household.objects.filter(head__isnull=True, archived_at__isnull=True)
    return _staff_only(households, user, commune).order_by("address_key", "id")


def headless_since() -> Coalesce:
    """The day a household lost its head: the last day a head left, else the day it was
    recorded (local date)."""
    return Coalesce(
        Max("members__left_on", filter=Q(members__relation=Relation.HEAD)),
        TruncDate("created_at", tzinfo=timezone.get_default_timezone()),
        output_field=DateField())


def work_list_counts(*, user, commune=None, today: date | None = None) -> dict[str, int]:
    """Three COUNT queries, whatever the number of rows."""
    return {"expiring": expiring_temporary(user=user, today=today, commune=commune).count(),
            "overdue_absences": overdue_absences(user=user, today=today,
                                                 commune=commune).count(),
            "headless_households": headless_households(user=user, commune=commune).count()}


def reminders_open(*, user, commune=None) -> QuerySet[ResidenceReminder]:
    """Reminders the worker raised whose subject is still pending: term not ended or renewed,
    person not back, household still without a head (its latest reminder only), late notice
    not reviewed."""
    later_loss = ResidenceReminder.objects.filter(
        kind=ReminderKind.NO_HEAD, household=OuterRef("household"), due_on__gt=OuterRef("due_on"))
    reminders = ResidenceReminder.objects.filter(
        Q(kind=ReminderKind.EXPIRING, record__ended_on__isnull=True)
        | Q(kind=ReminderKind.ABSENCE_OVERDUE, absence__returned_on__isnull=True)
        | (Q(kind=ReminderKind.NO_HEAD, household__head__isnull=True,
             household__archived_at__isnull=True) & ~Exists(later_loss))
        | Q(kind=ReminderKind.LATE_STAY, stay__reviewed_at__isnull=True))
    return (_staff_only(reminders, user, commune)
            .select_related("record__person", "absence__person", "household", "stay",
                            "commune")
            .order_by("due_on", "id"))
