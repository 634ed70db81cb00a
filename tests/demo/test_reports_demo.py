"""Demo calls, reports and incidents: the articles' figures come out of the records (Trì Quang's
keychain hotline under the former commune, resolved to Xuân Quang; Hải Sơn's 248 cylinders),
the rest is plausible and valid, one audit entry per commune, and a second run adds nothing."""

from collections import Counter
from datetime import datetime, timedelta

import pytest
from django.db.models import Sum
from django.utils import timezone

from safecommune.core.audit import audit_verify
from safecommune.core.models import AuditEntry
from safecommune.demo.personas import seed_demo_personas
from safecommune.demo.reports import FROM, _general, _stream, seed_demo_reports
from safecommune.demo.seed import seed_demo_territories
from safecommune.reports.models import (
    OPEN_STATES,
    Category,
    HotlineCall,
    Incident,
    IncidentEvent,
    IncidentOutcome,
    Report,
)
from safecommune.reports.selectors import assignable_officers
from safecommune.reports.services.checks import check_point
from safecommune.territory.selectors import resolve_commune

XUAN_QUANG, HAI_SON, TRI_QUANG = "02926", "06724", "02935"


@pytest.fixture
def demo(units):
    seed_demo_territories()
    seed_demo_personas()
    return seed_demo_reports(codes=[XUAN_QUANG, HAI_SON])


def test_tri_quang_keychain_figures_come_from_the_records(demo, units):
    former, xuan_quang = units("legacy", TRI_QUANG), units("2025", XUAN_QUANG)
    assert resolve_commune(former).commune == xuan_quang
    calls = HotlineCall.objects.filter(recorded_unit=former)
    assert calls.count() == 127
    assert set(calls.values_list("commune", flat=True)) == {xuan_quang.pk}
    kinds = Counter(calls.values_list("kind", flat=True))
    assert kinds["admin_question"] == 90
    assert all(call.at < datetime(2025, 7, 1, tzinfo=timezone.get_fixed_timezone(420))
               for call in calls)  # the former commune ended on 30 June 2025

    # The 10 drug reports: tips, verified, filed with the district police, closed.
    drugs = Incident.objects.filter(recorded_unit=former, category__code="drug_use")
    assert drugs.count() == kinds["tip"] == 10
    assert set(drugs.values_list("commune", flat=True)) == {xuan_quang.pk}
    assert all(i.is_tip and i.status == "closed" and i.forwarded_at and i.forwarded_to
               for i in drugs)
    assert {c.incident_id for c in calls.filter(kind="tip")} == set(
        drugs.values_list("pk", flat=True))
    verified = IncidentEvent.objects.filter(incident__in=drugs, kind="status",
                                            to_status="verified")
    assert verified.count() == 10
    outcomes = IncidentOutcome.objects.filter(incident__in=drugs)
    assert outcomes.filter(measure="compulsory_rehabilitation").aggregate(
        n=Sum("count"))["n"] == 10
    assert outcomes.filter(measure="commune_education").aggregate(n=Sum("count"))["n"] == 2
    assert Report.objects.filter(recorded_unit=former, channel="hotline",
                                 incident__in=drugs).count() == 10


def test_hai_son_seizure_of_248_cylinders(demo, units):
    seizure = IncidentOutcome.objects.select_related("incident").get(
        kind="seizure", quantity=248, incident__commune=units("2025", HAI_SON))
    assert "khí cười" in seizure.item_kind and seizure.quantity_unit == "bình"
    incident = seizure.incident
    assert incident.category.code == "smuggling"
    local = timezone.localtime(incident.occurred_at)
    assert (local.year, local.month <= 8) == (2025, True)  # "in the first 8 months of 2025"
    assert incident.outcomes.filter(kind="arrest", count=1).exists()
    assert incident.forwarded_to and incident.status == "closed"


def test_records_are_valid_and_plausible(demo, units):
    now = timezone.now()
    for code in (XUAN_QUANG, HAI_SON):
        commune = units("2025", code)
        incidents = Incident.objects.filter(commune=commune).select_related("village")
        assert incidents.filter(received_at__gte=timezone.make_aware(FROM)).count() > 30
        staff = {u.pk for u in assignable_officers(commune=commune)}
        for incident in incidents:
            if incident.point:
                check_point(commune, incident.point)  # raises when outside
            assert incident.village is None or incident.village.commune_id == commune.pk
            assert incident.assignee_id is None or incident.assignee_id in staff
            assert incident.occurred_at <= incident.received_at <= now
        # Old incidents are finished; some recent ones are not.
        month_old = incidents.filter(received_at__lt=now - timedelta(days=90))
        assert not month_old.filter(status__in=OPEN_STATES).exists()
        assert incidents.filter(status="closed").count() > incidents.count() * 0.6
    assert Category.objects.filter(incidents__isnull=False).distinct().count() > 8
    recent = Incident.objects.filter(received_at__gte=now - timedelta(days=30))
    assert recent.exclude(status="closed").exists()
    # Each status change starts where the previous one ended, in time order.
    for incident in Incident.objects.all()[:80]:
        status = "received"
        for event in incident.events.filter(kind="status").order_by("at", "id"):
            assert event.from_status == status
            status = event.to_status
        assert status == incident.status


def test_one_audit_entry_per_commune_and_a_second_run_adds_nothing(demo, units):
    entries = AuditEntry.objects.filter(action="demo.reports")
    assert sorted(e.commune.code for e in entries) == [XUAN_QUANG, HAI_SON]
    xuan_quang = entries.get(commune__code=XUAN_QUANG)
    assert xuan_quang.details["calls"] == HotlineCall.objects.filter(
        commune__code=XUAN_QUANG).count()
    assert xuan_quang.row_count == sum(xuan_quang.details[k] for k in (
        "calls", "reports", "incidents", "outcomes", "events"))
    assert audit_verify().ok
    counts = (HotlineCall.objects.count(), Report.objects.count(), Incident.objects.count(),
              IncidentOutcome.objects.count(), IncidentEvent.objects.count())
    again = seed_demo_reports(codes=[XUAN_QUANG, HAI_SON])
    assert (again.communes, again.incidents) == (0, 0)
    assert counts == (HotlineCall.objects.count(), Report.objects.count(),
                      Incident.objects.count(), IncidentOutcome.objects.count(),
                      IncidentEvent.objects.count())


def test_same_seed_same_records(units):
    seed_demo_territories()
    categories = {c.code: c for c in Category.objects.active()}
    until = timezone.now()

    def plan():
        stream = _stream(units("2025", HAI_SON), categories, until)
        _general(stream, 2000)
        return [(i.summary, i.received_at, i.status, i.latitude) for i in stream.rows.incidents]

    first = plan()
    assert first and plan() == first
