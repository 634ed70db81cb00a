"""Tips are due at the investigating body within 24 hours of receipt, 48 in remote communes
(settings); the worker raises an alert for each one overdue, once."""

from datetime import timedelta

import pytest
from django.utils import timezone

from safecommune.core.models import AuditEntry
from safecommune.reports import selectors, services
from safecommune.reports.models import Incident, IncidentAlert
from safecommune.territory.services import commune_settings_update
from safecommune.worker import schedule


def test_tip_is_due_in_24_hours(make_incident):
    received = timezone.now() - timedelta(hours=1)
    incident = make_incident(category="drug_dealing", received_at=received,
                             occurred_at=received - timedelta(hours=1))
    assert incident.is_tip
    assert incident.forward_due_at == received + timedelta(hours=24)


def test_tip_in_a_remote_commune_is_due_in_48_hours(make_incident, ia_krai):
    commune_settings_update(commune=ia_krai, is_remote=True)
    received = timezone.now()
    incident = make_incident(category="drug_dealing", received_at=received,
                             occurred_at=received)
    assert incident.forward_due_at == received + timedelta(hours=48)


def test_deadlines_are_settings(make_incident, ia_krai, settings):
    settings.SAFECOMMUNE_TIP_FORWARD_HOURS = 12
    settings.SAFECOMMUNE_TIP_FORWARD_HOURS_REMOTE = 36
    received = timezone.now()
    first = make_incident(category="theft", received_at=received, occurred_at=received)
    commune_settings_update(commune=ia_krai, is_remote=True)
    second = make_incident(category="theft", received_at=received, occurred_at=received)
    assert first.forward_due_at - received == timedelta(hours=12)
    assert second.forward_due_at - received == timedelta(hours=36)


def test_not_a_tip_has_no_deadline_unless_the_officer_says_so(make_incident):
    assert make_incident(category="traffic_accident").forward_due_at is None
    flagged = make_incident(category="traffic_accident", is_tip=True)
    assert flagged.is_tip and flagged.forward_due_at is not None
    unflagged = make_incident(category="theft", is_tip=False)
    assert not unflagged.is_tip and unflagged.forward_due_at is None


@pytest.fixture
def tips(make_incident):
    now = timezone.now()
    overdue = make_incident(category="drug_dealing", received_at=now - timedelta(hours=30),
                            occurred_at=now - timedelta(hours=31))
    due = make_incident(category="drug_dealing", received_at=now - timedelta(hours=2),
                        occurred_at=now - timedelta(hours=3))
    make_incident(category="traffic_accident", received_at=now - timedelta(hours=30),
                  occurred_at=now - timedelta(hours=31))
    return overdue, due


def test_due_and_overdue_tips(tips, officer, other_officer):
    overdue, due = tips
    assert list(selectors.tips_overdue(user=officer)) == [overdue]
    assert list(selectors.tips_due(user=officer)) == [due]
    assert selectors.tip_counts(user=officer) == {"due": 1, "overdue": 1}
    assert selectors.tip_counts(user=other_officer) == {"due": 0, "overdue": 0}
    assert overdue.is_forward_overdue(timezone.now()) and not due.is_forward_overdue(
        timezone.now())


def test_worker_raises_each_overdue_tip_once(tips, ia_krai):
    overdue, _due = tips
    assert services.tip_forward_alerts_raise() == 1
    assert services.tip_forward_alerts_raise() == 0
    alert = IncidentAlert.objects.get()
    assert (alert.incident, alert.commune, alert.due_at) == (overdue, ia_krai,
                                                             overdue.forward_due_at)
    entry = AuditEntry.objects.get(action="incident.alert_raise")
    assert (entry.commune, entry.row_count) == (ia_krai, 1)
    listed = selectors.incident_list(user=None, filters=selectors.IncidentFilters())
    assert not listed.exists()  # nobody without a role sees incidents


def test_the_alert_shows_on_the_list(tips, officer):
    overdue, due = tips
    services.tip_forward_alerts_raise()
    rows = {i.pk: i.alert_open for i in selectors.incident_list(user=officer)}
    assert rows[overdue.pk] and not rows[due.pk]


def test_forwarded_or_unfounded_tips_are_not_raised(tips, officer):
    overdue, _due = tips
    Incident.objects.filter(pk=overdue.pk).update(status="unfounded")
    assert services.tip_forward_alerts_raise() == 0


def test_the_task_is_scheduled_and_runs(tips):
    job = next(j for j in schedule.JOBS if j.name == "tip-forward-alerts")
    assert job.task == "safecommune.reports.tasks.tip_forward_alerts_task"
    from safecommune.reports.tasks import tip_forward_alerts_task

    assert tip_forward_alerts_task.call() == {"raised": 1}
