"""Checks the reports services share; each failure names the field and the rule."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext as _

from safecommune.accounts.jurisdiction import can_edit_commune
from safecommune.core.errors import Conflict, DomainError, NotFound, ValidationFailed
from safecommune.reports.models import Category, Incident, IncidentStatus
from safecommune.territory.models import AdministrativeUnit, Village
from safecommune.territory.selectors import (
    resolve_commune,
    unit_boundary,
    unit_contains,
    validate_point,
)


def fail(field: str, rule: str, message: str) -> ValidationFailed:
    return ValidationFailed([{"field": field, "rule": rule, "message": message}])


def clock_skew() -> timedelta:
    return timedelta(seconds=int(getattr(settings, "SAFECOMMUNE_CLOCK_SKEW_SECONDS", 300)))


def aware(value: datetime | None) -> datetime | None:
    if value is None:
        return None
    return timezone.make_aware(value) if timezone.is_naive(value) else value


def not_future(value: datetime, field: str) -> datetime:
    """An aware time no later than now (with a few minutes' tolerance for clock skew)."""
    value = aware(value)
    if value > timezone.now() + clock_skew():
        raise fail(field, "future", _("The time is in the future."))
    return value


def text(value: str | None, field: str, *, required: bool = False, max_length: int = 0) -> str:
    value = (value or "").strip()
    if "\x00" in value:  # PostgreSQL text cannot hold it: a 400, never a 500
        raise fail(field, "nul", _("%(field)s contains a NUL character.") % {"field": field})
    if required and not value:
        raise fail(field, "required", _("This field is required."))
    if max_length and len(value) > max_length:
        raise fail(field, "max_length", _("At most %(max)d characters.") % {"max": max_length})
    return value


def category_get(category: Category | str) -> Category:
    """An active category, given as a row or its code."""
    if not isinstance(category, Category):
        found = Category.objects.filter(code=str(category or "")).first()
        if found is None:
            raise NotFound(_("Unknown category “%(code)s”.") % {"code": category},
                           field="category", rule="exists")
        category = found
    if category.archived_at is not None:
        raise DomainError(_("The category “%(name)s” is archived; choose another.")
                          % {"name": category.name}, field="category", rule="archived")
    return category


def choice(value: str, choices, field: str) -> str:
    if value not in choices.values:
        raise fail(field, "choice", _("Choose a value from the list."))
    return value


@dataclass(frozen=True)
class Location:
    commune: AdministrativeUnit
    method: str
    village: Village | None
    point: tuple[float, float] | None


def check_point(commune: AdministrativeUnit, point: tuple[float, float]) -> None:
    """Refuse a point outside the commune: its imported polygon, else the circle rule. A
    commune with neither a polygon nor a centre and area cannot be judged, so it is let be."""
    judged = commune.point is not None and commune.area_km2
    if not judged and unit_boundary(commune) is None:
        return
    if not unit_contains(unit=commune, point=point):
        raise DomainError(_("The point lies outside %(commune)s.") % {"commune": commune.name},
                          field="point", rule="outside_commune")


def check_village(village: Village | None, commune: AdministrativeUnit) -> None:
    if village is not None and (village.commune_id != commune.pk or village.archived_at):
        raise DomainError(_("The village must belong to the same commune."), field="village",
                          rule="same_commune")


def locate(*, unit: AdministrativeUnit, point=None, village: Village | None = None) -> Location:
    """The 2025 commune a record made under ``unit`` belongs to (a split former commune goes
    by its point), with the village and point checked against it."""
    if point is not None:
        point = validate_point(point)
    resolution = resolve_commune(unit, point)
    commune = resolution.commune
    check_village(village, commune)
    if point is not None:
        check_point(commune, point)
    return Location(commune, resolution.method, village, point)


def check_assignee(assignee, commune: AdministrativeUnit) -> None:
    if assignee is None:
        return
    if not assignee.is_active or not can_edit_commune(assignee, commune):
        raise DomainError(_("The assigned officer must be staff who may edit %(commune)s's "
                            "records.") % {"commune": commune.name}, field="assignee",
                          rule="commune_staff")


def refuse_closed(incident: Incident, field: str) -> None:
    if incident.status == IncidentStatus.CLOSED:
        raise Conflict(_("The incident is closed; only notes may be added."), field=field,
                       rule="closed")
