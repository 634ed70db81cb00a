"""Reads for Open311: the services (categories open to the public) and the public view of
service requests (reports). What may be listed publicly is decided here, once, for every
Open311 read (docs/decisions/0019-open311.md)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime, time, timedelta

from django.db.models import Exists, OuterRef, Q, QuerySet
from django.utils import timezone
from django.utils.dateparse import parse_date, parse_datetime
from django.utils.translation import gettext as _

from safecommune.core.errors import DomainError, NotFound
from safecommune.reports.models import OPEN_STATES, Category, Channel, Report, ReporterIdentity
from safecommune.reports.open311.conf import setting
from safecommune.reports.open311.models import ServicePolicy
from safecommune.reports.selectors import category_list
from safecommune.territory.models import AdministrativeUnit
from safecommune.territory.selectors import commune_get

# Reports people sent to be seen through a public channel; calls and walk-ins are not listed.
PUBLIC_CHANNELS = (Channel.OPEN311, Channel.PUBLIC_WEB)
MAX_WINDOW = timedelta(days=90)
MAX_IDS = 100


@dataclass(frozen=True)
class DefaultPolicy:
    """A category without a policy row: listed, its descriptions not."""

    listed: bool = True
    show_description: bool = False


DEFAULT_POLICY = DefaultPolicy()


def list_limit() -> int:
    return setting("SAFECOMMUNE_OPEN311_LIST_LIMIT")


def bad(field_name: str, rule: str, message: str) -> DomainError:
    return DomainError(message, field=field_name, rule=rule)


# --- Services ---------------------------------------------------------------------------------

def _offered(category: Category) -> bool:
    return category.is_public and not category.is_tip and category.archived_at is None


def service_list() -> list[Category]:
    """Active categories open to residents that are not tips, in list order, each with its
    ``policy`` (two queries)."""
    categories = [c for c in category_list(public_only=True) if not c.is_tip]
    policies = {p.category_id: p for p in
                ServicePolicy.objects.filter(category__in=[c.pk for c in categories])}
    for category in categories:
        category.policy = policies.get(category.pk, DEFAULT_POLICY)
    return categories


def service_get(*, code: str) -> Category:
    """One offered service; an unknown, archived, tip or non-public category is the same 404."""
    category = (Category.objects.select_related("parent").filter(code=code[:40]).first()
                if code else None)
    if category is None or not _offered(category):
        raise NotFound(_("No service has the code “%(code)s”.") % {"code": code[:40]},
                       field="service_code", rule="exists")
    category.policy = ServicePolicy.objects.filter(category=category).first() or DEFAULT_POLICY
    return category


def commune_for_jurisdiction(jurisdiction_id: str) -> AdministrativeUnit:
    """The 2025 commune whose statistics-office code is ``jurisdiction_id`` (a 400 if none)."""
    code = (jurisdiction_id or "").strip()
    if code.isascii() and code.isdigit() and len(code) <= 8:
        try:
            return commune_get(code=code)
        except NotFound:
            pass
    raise bad("jurisdiction_id", "commune", _("No commune has the code “%(code)s”; give the "
                                               "2025 statistics-office code of a commune.")
              % {"code": code[:40]})


# --- Service requests -------------------------------------------------------------------------

def requests_public() -> QuerySet[Report]:
    """Every report Open311 may list: sent through a public channel, in a category that is
    public, no tip and listed by its policy, not made into a tip, in a commune whose public
    pages are open. Annotated with ``named`` (the report has a reporter identity row; only its
    existence is read, never its content)."""
    return (Report.objects
            .filter(channel__in=PUBLIC_CHANNELS, category__is_public=True,
                    category__is_tip=False)
            .exclude(incident__is_tip=True)
            .exclude(category__open311_policy__listed=False)
            .exclude(commune__settings__public_pages_open=False)
            .select_related("category", "category__open311_policy", "commune", "village",
                            "incident")
            .annotate(named=Exists(ReporterIdentity.objects.filter(report=OuterRef("pk")))))


def request_get(*, id: str) -> Report:
    report = None
    if id.isascii() and id.isdigit() and len(id) < 19:
        report = requests_public().filter(pk=int(id)).first()
    if report is None:
        raise NotFound(_("No public service request has the id “%(id)s”.") % {"id": id[:40]},
                       field="service_request_id", rule="exists")
    return report


@dataclass(frozen=True)
class RequestFilters:
    ids: tuple[int, ...] = ()
    service_codes: tuple[str, ...] = ()
    start: datetime | None = None
    end: datetime | None = None
    statuses: frozenset[str] = field(default_factory=frozenset)
    commune: AdministrativeUnit | None = None


def _items(raw: str | None) -> list[str]:
    return [item.strip() for item in (raw or "").split(",") if item.strip()]


def _datetime(params, name: str) -> datetime | None:
    raw = (params.get(name) or "").strip()
    if not raw:
        return None
    value = None
    if len(raw) <= 40:
        try:
            value = parse_datetime(raw)
            if value is None and (day := parse_date(raw)) is not None:
                value = datetime.combine(day, time.min)
        except (ValueError, OverflowError):
            value = None
    if value is None:
        raise bad(name, "datetime", _("Give %(field)s as a W3C date and time, e.g. "
                                      "2025-09-01T08:00:00+07:00.") % {"field": name})
    if timezone.is_naive(value):
        value = timezone.make_aware(value, timezone.get_default_timezone())
    return value


def _window_or_400(start: datetime | None, end: datetime | None,
                   now: datetime) -> tuple[datetime, datetime]:
    try:
        start, end = _window(start, end, now)
        # Both ends must also be storable instants (years 1–9999 in UTC).
        start.astimezone(UTC), end.astimezone(UTC)
    except (OverflowError, ValueError):
        error = bad("start_date", "range", _("The dates lie outside the years 1 to 9999."))
        raise error from None
    return start, end


def _window(start: datetime | None, end: datetime | None,
            now: datetime) -> tuple[datetime, datetime]:
    """The spec's window: the last 90 days by default, 90 days from a lone start or up to a
    lone end, and never longer than 90 days."""
    if start is None and end is None:
        return now - MAX_WINDOW, now
    if start is None:
        return end - MAX_WINDOW, end
    if end is None:
        return start, start + MAX_WINDOW
    if end < start:
        raise bad("end_date", "before_start", _("end_date is before start_date."))
    if end - start > MAX_WINDOW:
        raise bad("end_date", "max_window", _("start_date and end_date may be at most 90 days "
                                              "apart."))
    return start, end


def request_filters(*, params, now: datetime | None = None) -> RequestFilters:
    """The GET requests filters from a query string, each checked (a DomainError names the
    parameter). ``service_request_id`` overrides the other filters, as the spec says."""
    raw_ids = _items(params.get("service_request_id"))
    if raw_ids:
        if len(raw_ids) > MAX_IDS:
            raise bad("service_request_id", "max_items", _("Ask for at most %(max)d ids at "
                                                           "once.") % {"max": MAX_IDS})
        if not all(item.isascii() and item.isdigit() and len(item) < 19 for item in raw_ids):
            raise bad("service_request_id", "integer", _("service_request_id takes numbers "
                                                         "separated by commas."))
        return RequestFilters(ids=tuple(int(item) for item in raw_ids))
    codes = _items(params.get("service_code"))
    if len(codes) > MAX_IDS:
        raise bad("service_code", "max_items", _("Ask for at most %(max)d service codes at "
                                                 "once.") % {"max": MAX_IDS})
    offered = {c.code for c in service_list()} if codes else set()
    for code in codes:
        if code not in offered:
            raise bad("service_code", "exists", _("No service has the code “%(code)s”.")
                      % {"code": code[:40]})
    statuses = _items((params.get("status") or "").lower())
    if any(status not in ("open", "closed") for status in statuses):
        raise bad("status", "choice", _("status is “open”, “closed” or both, separated by a "
                                        "comma."))
    commune = None
    if (params.get("jurisdiction_id") or "").strip():
        commune = commune_for_jurisdiction(params["jurisdiction_id"])
    start, end = _window_or_400(_datetime(params, "start_date"),
                                _datetime(params, "end_date"), now or timezone.now())
    return RequestFilters(service_codes=tuple(codes), start=start, end=end,
                          statuses=frozenset(statuses), commune=commune)


def request_list(*, filters: RequestFilters) -> list[Report]:
    """The public requests matching the filters, newest first, at most the list limit."""
    reports = requests_public()
    if filters.ids:
        reports = reports.filter(pk__in=filters.ids)
    else:
        reports = reports.filter(received_at__gte=filters.start, received_at__lte=filters.end)
        if filters.service_codes:
            reports = reports.filter(category__code__in=filters.service_codes)
        if filters.commune is not None:
            reports = reports.filter(commune=filters.commune)
        if filters.statuses == {"open"}:
            reports = reports.filter(Q(incident__isnull=True)
                                     | Q(incident__status__in=OPEN_STATES))
        elif filters.statuses == {"closed"}:
            reports = reports.filter(incident__isnull=False).exclude(
                incident__status__in=OPEN_STATES)
    return list(reports.order_by("-received_at", "-id")[:list_limit()])


def is_open(report: Report) -> bool:
    return report.incident is None or report.incident.status in OPEN_STATES
