"""Reads on incidents, scoped to the user's communes: the commune's staff and the province
roles see them; residents and team members see nothing here (they follow their own reports
with a receipt)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from django.db.models import Count, Exists, OuterRef, Q, QuerySet
from django.utils import timezone
from django.utils.dateparse import parse_date
from django.utils.translation import gettext as _

from safecommune.accounts.jurisdiction import (
    can_edit_commune,
    can_read_commune,
    filter_by_communes,
    has_role,
    scope_for,
)
from safecommune.accounts.roles import READER_ROLES, Role
from safecommune.core.errors import DomainError, NotFound
from safecommune.core.text import fold
from safecommune.reports.models import (
    OPEN_STATES,
    Category,
    Incident,
    IncidentAlert,
    IncidentEvent,
    IncidentOutcome,
    IncidentStatus,
    Report,
    ReporterIdentity,
)
from safecommune.territory.models import AdministrativeUnit

MAX_QUERY_LENGTH = 100
DEADLINES = ("due", "overdue")


def is_reports_reader(user) -> bool:
    return bool(scope_for(user).roles & READER_ROLES)


def incident_visible_to(*, user) -> QuerySet[Incident]:
    incidents = Incident.objects.select_related("commune", "recorded_unit", "village", "category",
                                                "assignee")
    if not is_reports_reader(user):
        return incidents.none()
    return filter_by_communes(incidents, user, roles=READER_ROLES)


def incident_get_for(*, user, id: int) -> Incident:
    """One incident the user may see; missing and out-of-scope are the same 404."""
    incident = incident_visible_to(user=user).filter(pk=id).first()
    if incident is None:
        raise NotFound(_("No incident with this number."), field="id", rule="exists")
    return incident


@dataclass(frozen=True)
class IncidentFilters:
    commune: AdministrativeUnit | None = None
    category: Category | None = None
    status: str = ""
    date_from: date | None = None
    date_to: date | None = None
    village_id: int | None = None
    assignee: str = ""  # "", "me", "none" or a user id
    q: str = ""
    deadline: str = ""  # "", "due" or "overdue"


def _bad(field: str, rule: str, message: str) -> DomainError:
    return DomainError(message, field=field, rule=rule)


def _date(params, field: str) -> date | None:
    raw = (params.get(field) or "").strip()
    if not raw:
        return None
    try:
        value = parse_date(raw)
    except ValueError:
        value = None
    if value is None:
        raise _bad(field, "date", _("Give a date as YYYY-MM-DD."))
    return value


def incident_filters(*, user, params) -> IncidentFilters:
    """The list filters from a query string (a page's or the API's), each checked: a bad
    value is a DomainError naming its parameter; a commune outside the user's reach is a 404."""
    commune = None
    code = (params.get("commune") or "").strip()
    if code:
        from safecommune.territory.selectors import commune_get

        commune = commune_get(code=code)
        if not can_read_commune(user, commune):
            raise NotFound(_("No administrative unit has code “%(code)s” in that structure.")
                           % {"code": code}, field="commune", rule="exists")
    category = None
    if params.get("category"):
        category = Category.objects.filter(code=params["category"]).first()
        if category is None:
            raise _bad("category", "exists", _("Unknown category “%(code)s”.")
                       % {"code": params["category"]})
    status = params.get("status") or ""
    if status and status not in IncidentStatus.values:
        raise _bad("status", "choice", _("Choose a value from the list."))
    village = (params.get("village") or "").strip()
    if village and not (village.isascii() and village.isdigit() and len(village) < 19):
        raise _bad("village", "integer", _("Give the village's number."))
    assignee = (params.get("assignee") or "").strip()
    if assignee and assignee not in ("me", "none") and not (
            assignee.isascii() and assignee.isdigit() and len(assignee) < 19):
        raise _bad("assignee", "choice", _("Give “me”, “none” or an officer's number."))
    deadline = params.get("deadline") or ""
    if deadline and deadline not in DEADLINES:
        raise _bad("deadline", "choice", _("Give “due” or “overdue”."))
    q = (params.get("q") or "").strip()
    if len(q) > MAX_QUERY_LENGTH:
        raise _bad("q", "max_length", _("The search text is longer than %(max)d characters.")
                   % {"max": MAX_QUERY_LENGTH})
    filters = IncidentFilters(commune=commune, category=category, status=status,
                              date_from=_date(params, "date_from"),
                              date_to=_date(params, "date_to"),
                              village_id=int(village) if village else None, assignee=assignee,
                              q=q, deadline=deadline)
    if filters.date_from and filters.date_to and filters.date_from > filters.date_to:
        raise _bad("date_to", "before_start", _("The period ends before it starts."))
    return filters


def _local_start(day: date) -> datetime:
    return datetime.combine(day, time.min, tzinfo=timezone.get_default_timezone())


def _open_tip() -> Q:
    return Q(is_tip=True, forwarded_at__isnull=True, status__in=OPEN_STATES)


def incident_list(*, user, filters: IncidentFilters = IncidentFilters(),
                  now: datetime | None = None) -> QuerySet[Incident]:
    """The user's incidents narrowed by the filters, newest first, each annotated with
    ``alert_open`` (the worker raised an overdue alert that is not cleared yet)."""
    now = now or timezone.now()
    incidents = incident_visible_to(user=user)
    if filters.commune is not None:
        incidents = incidents.filter(commune=filters.commune)
    if filters.category is not None:
        incidents = incidents.filter(Q(category=filters.category)
                                     | Q(category__parent=filters.category))
    if filters.status:
        incidents = incidents.filter(status=filters.status)
    if filters.date_from:
        incidents = incidents.filter(occurred_at__gte=_local_start(filters.date_from))
    if filters.date_to:
        incidents = incidents.filter(
            occurred_at__lt=_local_start(filters.date_to + timedelta(days=1)))
    if filters.village_id:
        incidents = incidents.filter(village_id=filters.village_id)
    if filters.assignee == "me":
        incidents = incidents.filter(assignee_id=getattr(user, "pk", None))
    elif filters.assignee == "none":
        incidents = incidents.filter(assignee__isnull=True)
    elif filters.assignee:
        incidents = incidents.filter(assignee_id=int(filters.assignee))
    for word in fold(filters.q).split():
        incidents = incidents.filter(search_key__contains=word)
    if filters.deadline == "due":
        incidents = incidents.filter(_open_tip(), forward_due_at__gte=now)
    elif filters.deadline == "overdue":
        incidents = incidents.filter(_open_tip(), forward_due_at__lt=now)
    alerts = IncidentAlert.objects.filter(incident=OuterRef("pk"), cleared_at__isnull=True)
    return incidents.annotate(alert_open=Exists(alerts)).order_by("-received_at", "-id")


def tips_due(*, user, now: datetime | None = None) -> QuerySet[Incident]:
    """Open tips not forwarded yet whose deadline is still ahead, soonest first."""
    now = now or timezone.now()
    return (incident_visible_to(user=user).filter(_open_tip(), forward_due_at__gte=now)
            .order_by("forward_due_at", "id"))


def tips_overdue(*, user, now: datetime | None = None) -> QuerySet[Incident]:
    """Open tips past their forward deadline, oldest deadline first."""
    now = now or timezone.now()
    return (incident_visible_to(user=user).filter(_open_tip(), forward_due_at__lt=now)
            .order_by("forward_due_at", "id"))


def tip_counts(*, user, commune=None, now: datetime | None = None) -> dict[str, int]:
    """Tips due and overdue, in one query."""
    now = now or timezone.now()
    incidents = incident_visible_to(user=user)
    if commune is not None:
        incidents = incidents.filter(commune=commune)
    return incidents.aggregate(
        due=Count("pk", filter=_open_tip() & Q(forward_due_at__gte=now)),
        overdue=Count("pk", filter=_open_tip() & Q(forward_due_at__lt=now)))


def incident_timeline(*, incident: Incident) -> list[IncidentEvent]:
    return list(incident.events.select_related("author", "assignee", "outcome",
                                               "outcome__person")
                .order_by("at", "id"))


def incident_outcomes(*, incident: Incident) -> list[IncidentOutcome]:
    return list(incident.outcomes.select_related("person").order_by("created_at", "id"))


def incident_reports(*, incident: Incident) -> list[Report]:
    return list(incident.reports.select_related("category").annotate(
        named=Exists(ReporterIdentity.objects.filter(report=OuterRef("pk"))))
        .order_by("received_at", "id"))


def may_read_reporters(*, user, incident: Incident) -> bool:
    """The commune chief and the assigned officer (while they may edit the commune)."""
    if has_role(user, frozenset({Role.COMMUNE_CHIEF}), incident.commune):
        return True
    return (incident.assignee_id is not None and incident.assignee_id == getattr(user, "pk", 0)
            and can_edit_commune(user, incident.commune))


def may_read_reporter(*, user, report: Report) -> bool:
    """A report's reporter: the commune chief, or the officer assigned to its incident."""
    if has_role(user, frozenset({Role.COMMUNE_CHIEF}), report.commune):
        return True
    return report.incident is not None and may_read_reporters(user=user,
                                                              incident=report.incident)


def assignable_officers(*, commune: AdministrativeUnit) -> list:
    """The commune's own officers and chief, for the assignment list."""
    from django.contrib.auth import get_user_model

    from safecommune.accounts.models import RoleAssignment

    ids = RoleAssignment.objects.active().filter(
        unit=commune, role__in=[Role.COMMUNE_OFFICER, Role.COMMUNE_CHIEF]).values("user_id")
    return list(get_user_model().objects.filter(pk__in=ids, is_active=True)
                .order_by("last_name", "first_name", "username"))
