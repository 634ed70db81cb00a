"""The workflow: every allowed transition works and leaves a timeline entry; every other one
is a 409 naming both states, with nothing changed."""

from itertools import product

import pytest
from django.utils import timezone

from safecommune.core.errors import Conflict, ValidationFailed
from safecommune.core.models import AuditEntry
from safecommune.reports import services
from safecommune.reports.models import (
    TRANSITIONS,
    Incident,
    IncidentAlert,
    IncidentEvent,
    IncidentStatus,
)

ALLOWED = [(a, b) for a, targets in TRANSITIONS.items() for b in targets]
FORBIDDEN = [(a, b) for a, b in product(IncidentStatus.values, repeat=2)
             if (a, b) not in ALLOWED]


def test_the_table_is_the_documented_flow():
    assert set(ALLOWED) == {
        ("received", "verifying"), ("verifying", "verified"), ("verifying", "unfounded"),
        ("verified", "handling"), ("handling", "resolved"), ("handling", "forwarded"),
        ("resolved", "closed"), ("forwarded", "closed"), ("unfounded", "closed")}
    assert len(FORBIDDEN) == 64 - 9


def _in_state(incident, status):
    Incident.objects.filter(pk=incident.pk).update(status=status)
    incident.refresh_from_db()
    return incident


@pytest.mark.parametrize("from_status,to_status", ALLOWED)
def test_allowed_transition(make_incident, officer, from_status, to_status):
    incident = _in_state(make_incident(), from_status)
    moved = services.incident_transition(actor=officer, incident=incident, to_status=to_status,
                                         note="Đã xác minh", forwarded_to="Cơ quan CSĐT")
    assert moved.status == to_status
    event = IncidentEvent.objects.filter(incident=incident, kind="status").get()
    assert (event.from_status, event.to_status, event.text) == (from_status, to_status,
                                                                "Đã xác minh")
    entry = AuditEntry.objects.get(action="incident.transition")
    assert entry.details == {"from": from_status, "to": to_status}


@pytest.mark.parametrize("from_status,to_status", FORBIDDEN)
def test_forbidden_transition_names_both_states(make_incident, officer, from_status,
                                                to_status):
    incident = _in_state(make_incident(), from_status)
    with pytest.raises(Conflict) as caught:
        services.incident_transition(actor=officer, incident=incident, to_status=to_status,
                                     forwarded_to="Cơ quan CSĐT")
    assert (caught.value.field, caught.value.rule, caught.value.status_code) == (
        "status", "transition", 409)
    message = str(caught.value.message)
    assert str(IncidentStatus(from_status).label) in message
    assert str(IncidentStatus(to_status).label) in message
    incident.refresh_from_db()
    assert incident.status == from_status
    assert not IncidentEvent.objects.filter(incident=incident, kind="status").exists()


def test_unknown_status_is_a_choice_error(make_incident, officer):
    with pytest.raises(ValidationFailed) as caught:
        services.incident_transition(actor=officer, incident=make_incident(),
                                     to_status="solved")
    assert (caught.value.field, caught.value.rule) == ("status", "choice")


def test_forwarding_names_the_investigating_body(make_incident, officer):
    incident = _in_state(make_incident(), "handling")
    with pytest.raises(ValidationFailed) as caught:
        services.incident_transition(actor=officer, incident=incident, to_status="forwarded")
    assert (caught.value.field, caught.value.rule) == ("forwarded_to", "required")
    moved = services.incident_transition(actor=officer, incident=incident,
                                         to_status="forwarded",
                                         forwarded_to="Cơ quan CSĐT Công an tỉnh Gia Lai")
    assert moved.forwarded_to == "Cơ quan CSĐT Công an tỉnh Gia Lai"
    assert moved.forwarded_at is not None


def test_the_full_path_keeps_every_step_in_the_timeline(make_incident, officer):
    incident = make_incident()
    for status in ("verifying", "verified", "handling", "resolved", "closed"):
        incident = services.incident_transition(actor=officer, incident=incident,
                                                to_status=status)
    steps = list(incident.events.filter(kind="status").values_list("from_status", "to_status"))
    assert steps == [("received", "verifying"), ("verifying", "verified"),
                     ("verified", "handling"), ("handling", "resolved"), ("resolved", "closed")]


def test_leaving_the_open_states_clears_the_alerts(make_incident, officer):
    incident = make_incident(category="drug_dealing")
    IncidentAlert.objects.create(kind="tip_forward_overdue", incident=incident,
                                 commune=incident.commune, due_at=incident.forward_due_at,
                                 raised_at=timezone.now())
    incident = _in_state(incident, "verifying")
    services.incident_transition(actor=officer, incident=incident, to_status="verified")
    assert IncidentAlert.objects.get().cleared_at is None
    services.incident_transition(actor=officer, incident=incident, to_status="handling")
    services.incident_transition(actor=officer, incident=incident, to_status="forwarded",
                                 forwarded_to="Cơ quan CSĐT")
    assert IncidentAlert.objects.get().cleared_at is not None
