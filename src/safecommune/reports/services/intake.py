"""Writes on what reaches the police: reports (linked to incidents) and the hotline log.

A reporter's or caller's name and phone go into ``ReporterIdentity`` only, never into the
report, the call or the audit details; reading them is audited (``reporter_identities_read``).
"""

from __future__ import annotations

from datetime import datetime

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from safecommune.core.audit import audit_append
from safecommune.core.errors import Conflict, DomainError, full_clean_or_raise
from safecommune.core.statements import Table
from safecommune.reports.models import (
    CallKind,
    Category,
    Channel,
    EventKind,
    HotlineCall,
    Incident,
    IncidentEvent,
    Report,
    ReporterIdentity,
)
from safecommune.reports.services import checks
from safecommune.reports.services.checks import fail
from safecommune.reports.services.incidents import new_incident
from safecommune.territory.models import AdministrativeUnit, Village

# Every public and Open311 submission inserts these (docs/decisions/0022-hot-path-statements.md).
_REPORTS = Table(Report, prepare="set_search_key")
_IDENTITIES = Table(ReporterIdentity)


IDENTITY_FIELDS = {"name": "reporter_name", "phone": "reporter_phone",
                   "email": "reporter_email"}


def _identity(*, name: str, phone: str, is_anonymous: bool,
              email: str = "") -> tuple[str, str, str]:
    name = checks.text(name, "reporter_name", max_length=150)
    phone = checks.text(phone, "reporter_phone", max_length=20)
    email = checks.text(email, "reporter_email", max_length=254)
    if is_anonymous and (name or phone or email):
        raise fail("is_anonymous", "anonymous_named",
                   _("An anonymous reporter leaves no name or phone."))
    return name, phone, email


def _save_identity(identity: ReporterIdentity) -> None:
    try:
        full_clean_or_raise(identity, exclude=["report", "call"], validate_constraints=False)
    except DomainError as exc:
        for error in getattr(exc, "errors", []):
            error["field"] = IDENTITY_FIELDS.get(error["field"], error["field"])
        exc.field = IDENTITY_FIELDS.get(exc.field, exc.field)
        raise
    _IDENTITIES.insert(identity)


def _link(*, actor, report: Report, incident: Incident) -> None:
    if incident.commune_id != report.commune_id:
        raise DomainError(_("A report links only to an incident of its own commune."),
                          field="incident", rule="same_commune")
    report.incident = incident
    report.linked_at = timezone.now()
    report.modified_by = actor
    report.save(update_fields=["incident", "linked_at", "modified_by", "modified_at"])
    IncidentEvent.objects.create(incident=incident, kind=EventKind.REPORT, author=actor,
                                 at=report.linked_at, report=report)
    audit_append(action="report.link", actor=actor, commune=report.commune, obj=report,
                 details={"incident": incident.pk})


@transaction.atomic
def report_create(**fields) -> Report:
    """One report as it was received, in its own transaction (a savepoint when nested); the
    arguments are ``report_record``'s."""
    return report_record(**fields)


def report_record(*, actor, unit: AdministrativeUnit, category: Category | str, channel: str,
                  description: str, occurred_at: datetime | None = None,
                  received_at: datetime | None = None, village: Village | None = None,
                  point: tuple[float, float] | None = None, place: str = "",
                  reporter_name: str = "", reporter_phone: str = "",
                  is_anonymous: bool = False, incident: Incident | None = None,
                  reporter_email: str = "") -> Report:
    """One report as it was received, linked to ``incident`` when given. Look for incidents
    it may repeat with ``selectors.incident_duplicates``.

    Runs inside the caller's transaction without a savepoint of its own (the public and
    Open311 submissions, whose transaction also holds the receipt): a failure here fails that
    whole transaction. Elsewhere call ``report_create``."""
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("report_record runs inside a transaction; use report_create")
    category = checks.category_get(category)
    checks.choice(channel, Channel, "channel")
    description = checks.text(description, "description", required=True, max_length=20000)
    place = checks.text(place, "place", max_length=255)
    received_at = checks.not_future(received_at or timezone.now(), "received_at")
    if occurred_at is not None:
        occurred_at = checks.not_future(occurred_at, "occurred_at")
        if occurred_at > received_at + checks.clock_skew():
            raise fail("occurred_at", "after_received",
                       _("It cannot have happened after it was received."))
    name, phone, email = _identity(name=reporter_name, phone=reporter_phone,
                                   email=reporter_email, is_anonymous=is_anonymous)
    location = checks.locate(unit=unit, point=point, village=village)
    point = location.point or (None, None)
    report = Report(recorded_unit=unit, commune=location.commune, village=location.village,
                    latitude=point[0], longitude=point[1], place=place, category=category,
                    occurred_at=occurred_at, received_at=received_at, channel=channel,
                    description=description, is_anonymous=is_anonymous, created_by=actor,
                    modified_by=actor)
    full_clean_or_raise(report, validate_constraints=False)
    _REPORTS.insert(report)
    if name or phone or email:
        _save_identity(ReporterIdentity(report=report, commune=location.commune, name=name,
                                        phone=phone, email=email))
    audit_append(action="report.create", actor=actor, commune=location.commune, obj=report,
                 details={"category": category.code, "channel": channel,
                          "anonymous": is_anonymous, "named": bool(name or phone or email)})
    if incident is not None:
        _link(actor=actor, report=report, incident=incident)
    return report


@transaction.atomic
def report_link_to_incident(*, actor, report: Report, incident: Incident) -> Report:
    """Link a report to the incident it is about (many reports, one incident)."""
    report = Report.objects.select_for_update().select_related("commune").get(pk=report.pk)
    if report.incident_id is not None:
        raise Conflict(_("This report is already linked to incident %(id)s.")
                       % {"id": report.incident_id}, field="incident", rule="linked")
    _link(actor=actor, report=report, incident=incident)
    return report


@transaction.atomic
def incident_open_from_report(*, actor, report: Report, summary: str = "",
                              is_tip: bool | None = None, assignee=None) -> Incident:
    """A new incident made of a report that matches no existing one; the report links to it."""
    # Lock the report row only: the village is an outer join PostgreSQL cannot lock.
    report = Report.objects.select_for_update(of=("self",)).select_related(
        "commune", "category", "recorded_unit", "village").get(pk=report.pk)
    if report.incident_id is not None:
        raise Conflict(_("This report is already linked to incident %(id)s.")
                       % {"id": report.incident_id}, field="incident", rule="linked")
    summary = checks.text(summary or report.description[:200], "summary", required=True,
                          max_length=200)
    location = checks.Location(report.commune, "report", report.village, report.point)
    incident = new_incident(actor=actor, unit=report.recorded_unit, location=location,
                            category=checks.category_get(report.category),
                            occurred_at=report.occurred_at or report.received_at,
                            received_at=report.received_at, channel=report.channel,
                            summary=summary, description=report.description,
                            place=report.place, is_tip=is_tip, assignee=assignee)
    audit_append(action="incident.create", actor=actor, commune=report.commune, obj=incident,
                 details={"category": report.category.code, "channel": report.channel,
                          "tip": incident.is_tip, "report": report.pk})
    _link(actor=actor, report=report, incident=incident)
    return incident


@transaction.atomic
def hotline_call_log(*, actor, unit: AdministrativeUnit, kind: str, summary: str,
                     answer: str = "", at: datetime | None = None, caller_name: str = "",
                     caller_phone: str = "", is_anonymous: bool = False,
                     village: Village | None = None) -> HotlineCall:
    """One call to the duty hotline, under ``unit`` (a former commune resolves to its
    successor, as the keychains printed before 2025 still ring the same station)."""
    checks.choice(kind, CallKind, "kind")
    summary = checks.text(summary, "summary", required=True, max_length=500)
    answer = checks.text(answer, "answer", max_length=5000)
    at = checks.not_future(at or timezone.now(), "at")
    name, phone, _email = _identity(name=caller_name, phone=caller_phone,
                                    is_anonymous=is_anonymous)
    location = checks.locate(unit=unit, village=village)
    call = HotlineCall(recorded_unit=unit, commune=location.commune, village=location.village,
                       at=at, kind=kind, summary=summary, answer=answer,
                       is_anonymous=is_anonymous, created_by=actor, modified_by=actor)
    full_clean_or_raise(call, validate_constraints=False)
    call.save()
    if name or phone:
        _save_identity(ReporterIdentity(call=call, commune=location.commune, name=name,
                                        phone=phone))
    audit_append(action="hotline.call", actor=actor, commune=location.commune, obj=call,
                 details={"kind": kind, "named": bool(name or phone)})
    return call


@transaction.atomic
def hotline_call_to_incident(*, actor, call: HotlineCall, category: Category | str,
                             summary: str = "", place: str = "",
                             point: tuple[float, float] | None = None,
                             village: Village | None = None,
                             occurred_at: datetime | None = None, assignee=None) -> Incident:
    """Turn a call into a report and a new incident in one step. The caller's identity row
    (if any) now belongs to the report too; a tip call makes a tip whatever the category."""
    call = HotlineCall.objects.select_for_update(of=("self",)).select_related(
        "commune", "recorded_unit", "village").get(pk=call.pk)
    if call.incident_id is not None or call.report_id is not None:
        raise Conflict(_("This call already produced a record."), field="call",
                       rule="already_recorded")
    category = checks.category_get(category)
    village = village or call.village
    checks.check_village(village, call.commune)
    if point is not None:
        point = checks.validate_point(point)
        checks.check_point(call.commune, point)
    place = checks.text(place, "place", max_length=255)
    occurred_at = checks.not_future(occurred_at or call.at, "occurred_at")
    if occurred_at > call.at + checks.clock_skew():
        raise fail("occurred_at", "after_received",
                   _("It cannot have happened after it was received."))
    point_values = point or (None, None)
    report = Report(recorded_unit=call.recorded_unit, commune=call.commune, village=village,
                    latitude=point_values[0], longitude=point_values[1], place=place,
                    category=category, occurred_at=occurred_at, received_at=call.at,
                    channel=Channel.HOTLINE, description=call.summary,
                    is_anonymous=call.is_anonymous, created_by=actor, modified_by=actor)
    full_clean_or_raise(report, validate_constraints=False)
    report.save()
    ReporterIdentity.objects.filter(call=call).update(report=report)
    audit_append(action="report.create", actor=actor, commune=call.commune, obj=report,
                 details={"category": category.code, "channel": Channel.HOTLINE,
                          "call": call.pk})
    incident = incident_open_from_report(
        actor=actor, report=report, summary=summary or call.summary[:200],
        is_tip=True if call.kind == CallKind.TIP else None, assignee=assignee)
    call.report = report
    call.incident = incident
    call.modified_by = actor
    call.save(update_fields=["report", "incident", "modified_by", "modified_at"])
    audit_append(action="hotline.to_incident", actor=actor, commune=call.commune, obj=call,
                 details={"incident": incident.pk, "report": report.pk})
    return incident


@transaction.atomic
def reporter_identities_read(*, actor, incident: Incident | None = None,
                             report: Report | None = None) -> dict[int, ReporterIdentity]:
    """The identities of the named reporters of ``incident`` (or of the one ``report``), by
    report id, decrypted for the commune chief and the incident's assigned officer only; each
    read that finds someone is one ``reporter.read`` audit entry. Others get nothing, and
    nothing is decrypted for them. This is the only place identities are loaded."""
    from safecommune.reports.selectors import may_read_reporter, may_read_reporters

    if (incident is None) == (report is None):
        raise TypeError("give an incident or a report")
    if incident is not None:
        if not may_read_reporters(user=actor, incident=incident):
            return {}
        rows, subject, commune = (ReporterIdentity.objects.filter(report__incident=incident),
                                  incident, incident.commune)
    else:
        # Decided on the report as stored now (its incident and assignee), not a stale copy.
        report = Report.objects.select_related("commune", "incident__commune").get(pk=report.pk)
        if not may_read_reporter(user=actor, report=report):
            return {}
        rows, subject, commune = (ReporterIdentity.objects.filter(report=report), report,
                                  report.commune)
    identities = {identity.report_id: identity for identity in rows}
    if identities:
        audit_append(action="reporter.read", actor=actor, commune=commune, obj=subject,
                     details={"reports": sorted(identities)})
    return identities


@transaction.atomic
def hotline_callers_read(*, actor, calls: list[HotlineCall]) -> dict[int, ReporterIdentity]:
    """Callers of the given (already scoped) calls that are not informants — administrative
    questions, complaints, other calls — by call id, for the day's log; one ``caller.read``
    audit entry per commune. Callers of tips and incident reports are never loaded here."""
    from safecommune.reports.selectors import caller_shown

    shown = [call for call in calls if caller_shown(call) and not call.is_anonymous]
    if not shown:
        return {}
    identities = {identity.call_id: identity for identity in
                  ReporterIdentity.objects.filter(call__in=shown)}
    communes = {}
    for call in shown:
        if call.pk in identities:
            communes.setdefault(call.commune_id, (call.commune, []))[1].append(call.pk)
    for commune, call_ids in communes.values():
        audit_append(action="caller.read", actor=actor, commune=commune,
                     details={"calls": sorted(call_ids)})
    return identities
