"""Demo hotline calls, public reports and incidents for the seed communes (issue 5, item 8).

From October 2025 to the demo's "today" (25 November 2026, fixed so every run writes the same
records), per commune in proportion to its people: the duty hotline's calls (most of them
questions about administrative procedures; tips and incident reports turned into incidents),
reports from the public website, VNeID, Open311 clients and self-management team members,
incidents recorded at the station or on patrol, and now and then a second report of the same
incident. Categories come from the vocabulary, points lie near their village inside the
commune, officers and chiefs are the demo's, and each incident has its timeline and outcomes
(``safecommune.demo.reports.stream``). Before that window, the stories of the articles
(``safecommune.demo.reports.stories``): Trì Quang's keychain hotline under the former commune,
resolved to Xuân Quang, and Hải Sơn's 248 laughing-gas cylinders.

Written like the demo population: bulk SQL and one ``demo.reports`` audit entry per commune
(its row count and digest). Reporters stay unnamed: no ``ReporterIdentity`` rows, so nothing
here depends on how identities are stored. A commune whose ``demo.reports`` entry exists is
left alone, so the demo can run again; seeded per commune, so the same records every run.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.db import transaction
from django.utils import timezone

from safecommune.accounts.models import RoleAssignment
from safecommune.accounts.roles import Role
from safecommune.core.audit import audit_append_bulk
from safecommune.core.models import AuditEntry
from safecommune.demo.names import NameGenerator
from safecommune.demo.population import DEMO_POPULATION, KINH_MOSTLY
from safecommune.demo.reports import stories, texts
from safecommune.demo.reports.stream import DAY, HOUR, MINUTE, CommuneStream, Rows
from safecommune.demo.seed import DEMO_COMMUNES
from safecommune.reports.models import (
    Category,
    HotlineCall,
    Incident,
    IncidentEvent,
    IncidentOutcome,
    Report,
)
from safecommune.reports.services import tip_forward_alerts_raise
from safecommune.residents.models import Person
from safecommune.territory.models import AdministrativeUnit, Structure
from safecommune.territory.selectors import resolve_commune
from safecommune.territory.services import commune_settings_for

ACTION = "demo.reports"
SEED = 20251001
FROM = datetime(2025, 10, 1)
UNTIL = datetime(2026, 11, 25, 12, 0)
XUAN_QUANG, HAI_SON = "02926", "06724"
# Per person and year: calls to the duty hotline, reports from the public, incidents recorded
# at the station or on patrol (Trì Quang's keychain: about 40 calls a year for ~5,000 people).
CALLS_PER_PERSON_YEAR = 1 / 90
REPORTS_PER_PERSON_YEAR = 1 / 200
WALK_INS_PER_PERSON_YEAR = 1 / 300
DUPLICATE_SHARE = 0.08


@dataclass
class ReportsDemoReport:
    communes: int = 0
    calls: int = 0
    reports: int = 0
    incidents: int = 0
    outcomes: int = 0
    keychain_calls: int = 0
    alerts: int = 0


def _first_holder(commune, role: str):
    assignment = (RoleAssignment.objects.active().filter(unit=commune, role=role,
                                                         user__is_active=True)
                  .select_related("user").order_by("user__username").first())
    return assignment.user if assignment else None


def _stream(commune, categories: dict, until: datetime) -> CommuneStream:
    mix = DEMO_POPULATION.get(commune.code, (0, KINH_MOSTLY))[1]
    adult = UNTIL.date() - timedelta(days=18 * 365)
    people = list(Person.objects.filter(commune=commune, birth_date__lte=adult)
                  .order_by("id").values_list("pk", flat=True)[:2000])
    return CommuneStream(
        commune=commune, rng=random.Random(SEED + int(commune.code)),
        names=NameGenerator(SEED + int(commune.code)),
        mix=mix, officer=_first_holder(commune, Role.COMMUNE_OFFICER),
        chief=_first_holder(commune, Role.COMMUNE_CHIEF),
        villages=list(commune.villages.active().order_by("id")), categories=categories,
        people=people, until=until, remote=commune_settings_for(commune=commune).is_remote)


def _call(stream: CommuneStream, start: datetime) -> None:
    rng = stream.rng
    at = stream.between(start, stream.until)
    kind = rng.choices(list(texts.CALL_KIND_WEIGHTS), weights=texts.CALL_KIND_WEIGHTS.values())[0]
    unit = stream.commune
    village = stream.village(0.7)
    if kind == "admin_question":
        summary, answer = rng.choice(texts.ADMIN_QUESTIONS)
        stream.call(unit=unit, kind=kind, at=at, summary=summary, answer=answer, village=village)
    elif kind == "complaint":
        stream.call(unit=unit, kind=kind, at=at, summary=rng.choice(texts.COMPLAINTS),
                    answer=rng.choice(texts.COMPLAINT_ANSWERS), village=village)
    elif kind == "other":
        summary, answer = rng.choice(texts.OTHER_CALLS)
        stream.call(unit=unit, kind=kind, at=at, summary=summary, answer=answer)
    else:
        tip = kind == "tip"
        category = stream.category(tip=True if tip else None, public=True)
        call = stream.call(unit=unit, kind=kind, at=at, summary=stream.summary(category),
                           answer=texts.TIP_ANSWER if tip else texts.REPORT_ANSWER,
                           anonymous=rng.random() < (0.6 if tip else 0.15), village=village)
        if rng.random() < 0.85:  # the rest repeated a known case or needed no record
            stream.call_to_incident(call, category=category, point=stream.point(village, 0.75))


def _public_report(stream: CommuneStream, start: datetime) -> None:
    rng = stream.rng
    channel = rng.choices(list(texts.REPORT_CHANNELS), weights=texts.REPORT_CHANNELS.values())[0]
    category = stream.category(public=True)
    received = stream.between(start, stream.until)
    occurred = received - stream.span(10 * MINUTE, 2 * DAY) if rng.random() < 0.8 else None
    village = stream.village(0.85)
    point = stream.point(village, 0.85 if channel in ("public_web", "open311") else 0.6)
    summary = stream.summary(category)
    description = f"{summary}. {rng.choice(texts.REPORT_DETAILS)}".strip()
    anonymous = channel in ("public_web", "open311") and rng.random() < (
        0.5 if category.is_tip else 0.25)
    place = stream.place(village)
    report = stream.report(unit=stream.commune, category=category, channel=channel,
                           received=received, description=description, village=village,
                           point=point, place=place, anonymous=anonymous, occurred=occurred)
    recorded = received + (stream.span(5 * MINUTE, 2 * HOUR) if channel == "team_member"
                           else stream.span(10 * MINUTE, 10 * HOUR))
    incident = stream.incident(unit=stream.commune, category=category, summary=summary,
                               channel=channel, received=received, recorded=recorded,
                               occurred=occurred, village=village, point=point, place=place,
                               description=description)
    if incident is not None:  # else still waiting to be read at the station
        stream.link(report, incident, recorded)


def _walk_in(stream: CommuneStream, start: datetime) -> None:
    rng = stream.rng
    category = stream.category()
    received = stream.between(start, stream.until)
    village = stream.village(0.85)
    stream.incident(unit=stream.commune, category=category, summary=stream.summary(category),
                    channel=rng.choices(("walk_in", "other"), weights=(65, 35))[0],
                    received=received, recorded=received + stream.span(MINUTE, 20 * MINUTE),
                    village=village, point=stream.point(village, 0.75),
                    place=stream.place(village))


def _duplicates(stream: CommuneStream) -> None:
    """A second report of some incidents: same category, nearby, within two days."""
    rng = stream.rng
    for incident in list(stream.rows.incidents):
        if (incident.latitude is None or not incident.category.is_public
                or incident.recorded_unit != stream.commune or rng.random() >= DUPLICATE_SHARE):
            continue
        received = incident.received_at + stream.span(HOUR, 40 * HOUR)
        linked = received + stream.span(10 * MINUTE, 5 * HOUR)
        if linked > stream.until:
            continue
        channel = rng.choices(list(texts.REPORT_CHANNELS),
                              weights=texts.REPORT_CHANNELS.values())[0]
        report = stream.report(
            unit=incident.recorded_unit, category=incident.category, channel=channel,
            received=received, village=incident.village,
            description=rng.choice(texts.DUPLICATE_OPENINGS) + incident.summary,
            point=stream.point(None, near=incident.point, metres=80.0),
            occurred=incident.occurred_at)
        stream.link(report, incident, linked)


def _general(stream: CommuneStream, people: int) -> None:
    start = timezone.make_aware(FROM)
    years = max(0.0, (stream.until - start) / timedelta(days=365))
    for _ in range(round(people * years * CALLS_PER_PERSON_YEAR)):
        _call(stream, start)
    for _ in range(round(people * years * REPORTS_PER_PERSON_YEAR)):
        _public_report(stream, start)
    for _ in range(round(people * years * WALK_INS_PER_PERSON_YEAR)):
        _walk_in(stream, start)
    _duplicates(stream)


def _audit_rows(rows: Rows):
    yield from (("call", c.pk, c.kind, c.report_id) for c in rows.calls)
    yield from (("report", r.pk, r.channel, r.incident_id) for r in rows.reports)
    yield from (("incident", i.pk, i.category.code, i.status) for i in rows.incidents)
    yield from (("outcome", o.pk, o.kind, o.incident_id) for o in rows.outcomes)
    yield from (("event", e.pk, e.kind, e.incident_id) for e in rows.events)


@transaction.atomic
def _write(rows: Rows, commune) -> None:
    Incident.objects.bulk_create(rows.incidents, batch_size=500)
    Report.objects.bulk_create(rows.reports, batch_size=500)
    HotlineCall.objects.bulk_create(rows.calls, batch_size=500)
    IncidentOutcome.objects.bulk_create(rows.outcomes, batch_size=500)
    IncidentEvent.objects.bulk_create(rows.events, batch_size=1000)
    audit_append_bulk(action=ACTION, commune=commune, rows=_audit_rows(rows), details={
        "calls": len(rows.calls), "reports": len(rows.reports),
        "incidents": len(rows.incidents), "outcomes": len(rows.outcomes),
        "events": len(rows.events)})


def seed_demo_reports(*, codes: list[str] | None = None) -> ReportsDemoReport:
    """The demo communes' calls, reports and incidents (all of them, or those of ``codes``)."""
    report = ReportsDemoReport()
    codes = sorted(codes if codes is not None else [spec.code for spec in DEMO_COMMUNES])
    categories = {c.code: c for c in Category.objects.active()}
    until = min(timezone.make_aware(UNTIL), timezone.now())
    for code in codes:
        commune = AdministrativeUnit.objects.select_related("province").get(
            structure=Structure.CURRENT, code=code)
        if AuditEntry.objects.filter(action=ACTION, commune=commune).exists():
            continue
        stream = _stream(commune, categories, until)
        if code == XUAN_QUANG:
            former = AdministrativeUnit.objects.get(structure=Structure.LEGACY,
                                                    code=stories.TRI_QUANG)
            if resolve_commune(former).commune != commune:
                raise RuntimeError("Trì Quang no longer resolves to Xuân Quang")
            report.keychain_calls += stories.tri_quang_keychain(stream, former)
        if code == HAI_SON:
            stories.hai_son_seizure(stream, commune)
        _general(stream, DEMO_POPULATION.get(code, (3000, None))[0])
        _write(stream.rows, commune)
        report.communes += 1
        report.calls += len(stream.rows.calls)
        report.reports += len(stream.rows.reports)
        report.incidents += len(stream.rows.incidents)
        report.outcomes += len(stream.rows.outcomes)
    if report.incidents:
        report.alerts = tip_forward_alerts_raise()
    return report
