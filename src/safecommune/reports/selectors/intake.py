"""Reads on reports, hotline calls and the category vocabulary, scoped like incidents."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta

from django.db.models import Exists, OuterRef, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from safecommune.accounts.jurisdiction import filter_by_communes
from safecommune.accounts.roles import READER_ROLES
from safecommune.core.errors import NotFound
from safecommune.reports.models import (
    CallKind,
    Category,
    HotlineCall,
    Report,
    ReporterIdentity,
)
from safecommune.reports.selectors.incidents import is_reports_reader

# Calls whose callers may be informants: their names stay off the hotline list.
PROTECTED_CALL_KINDS = (CallKind.TIP, CallKind.INCIDENT_REPORT)


def report_named() -> Exists:
    """``named``: whether a report's reporter is on record, without loading who it is."""
    return Exists(ReporterIdentity.objects.filter(report=OuterRef("pk")))


def call_named() -> Exists:
    return Exists(ReporterIdentity.objects.filter(call=OuterRef("pk")))


def report_visible_to(*, user) -> QuerySet[Report]:
    reports = Report.objects.select_related("commune", "village", "category", "incident")
    if not is_reports_reader(user):
        return reports.none()
    return filter_by_communes(reports, user, roles=READER_ROLES)


def report_get_for(*, user, id: int) -> Report:
    report = report_visible_to(user=user).filter(pk=id).first()
    if report is None:
        raise NotFound(_("No report with this number."), field="id", rule="exists")
    return report


def hotline_calls_visible_to(*, user) -> QuerySet[HotlineCall]:
    calls = HotlineCall.objects.select_related("commune", "recorded_unit", "village")
    if not is_reports_reader(user):
        return calls.none()
    return filter_by_communes(calls, user, roles=READER_ROLES)


def hotline_call_get_for(*, user, id: int) -> HotlineCall:
    call = hotline_calls_visible_to(user=user).filter(pk=id).first()
    if call is None:
        raise NotFound(_("No hotline call with this number."), field="id", rule="exists")
    return call


def hotline_calls_on(*, user, day: date | None = None, commune=None) -> QuerySet[HotlineCall]:
    """The calls of one local day (today by default), newest first."""
    day = day or timezone.localdate()
    zone = timezone.get_default_timezone()
    start = datetime.combine(day, time.min, tzinfo=zone)
    calls = hotline_calls_visible_to(user=user).filter(at__gte=start,
                                                       at__lt=start + timedelta(days=1))
    if commune is not None:
        calls = calls.filter(commune=commune)
    return calls.order_by("-at", "-id")


def caller_shown(call: HotlineCall) -> bool:
    """Whether the hotline list may show who called (not for tips and incident reports)."""
    return call.kind not in PROTECTED_CALL_KINDS


def category_list(*, public_only: bool = False,
                  include_archived: bool = False) -> list[Category]:
    categories = Category.objects.select_related("parent")
    if not include_archived:
        categories = categories.active()
    if public_only:
        categories = categories.filter(is_public=True)
    return list(categories.order_by("position", "code"))
