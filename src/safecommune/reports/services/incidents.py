"""Writes on incidents: record, move through the workflow, assign, add notes and outcomes.
Each is one transaction with its timeline entry and its audit entry, whose details hold codes,
states and ids only, never names or what was said."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal, InvalidOperation

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from safecommune.core.audit import audit_append
from safecommune.core.errors import Conflict, NotFound, full_clean_or_raise
from safecommune.reports.models import (
    MEASURES_BY_KIND,
    OPEN_STATES,
    Category,
    Channel,
    EventKind,
    Incident,
    IncidentAlert,
    IncidentEvent,
    IncidentOutcome,
    IncidentStatus,
    Involvement,
    OutcomeKind,
    allowed_transitions,
    tip_forward_due,
)
from safecommune.reports.services import checks
from safecommune.reports.services.checks import fail
from safecommune.territory.models import AdministrativeUnit, Village
from safecommune.territory.services import commune_settings_for

NOTE_MAX = 5000


def _lock(incident: Incident) -> Incident:
    return Incident.objects.select_for_update().select_related("commune", "category").get(
        pk=incident.pk)


def _event(incident: Incident, *, kind: str, actor, at: datetime | None = None,
           **fields) -> IncidentEvent:
    return IncidentEvent.objects.create(incident=incident, kind=kind, author=actor,
                                        at=at or timezone.now(), **fields)


def _times(occurred_at: datetime, received_at: datetime | None) -> tuple[datetime, datetime]:
    received_at = checks.not_future(received_at or timezone.now(), "received_at")
    if occurred_at is None:
        raise fail("occurred_at", "required", _("Give when it happened."))
    occurred_at = checks.not_future(occurred_at, "occurred_at")
    if occurred_at > received_at + checks.clock_skew():
        raise fail("occurred_at", "after_received",
                   _("It cannot have happened after it was received."))
    return occurred_at, received_at


def new_incident(*, actor, unit: AdministrativeUnit, location: checks.Location,
                 category: Category, occurred_at: datetime, received_at: datetime, channel: str,
                 summary: str, description: str, place: str, is_tip: bool | None,
                 assignee) -> Incident:
    """Save an incident with its first timeline entry; the caller holds the transaction and
    writes the audit entry."""
    checks.check_assignee(assignee, location.commune)
    is_tip = category.is_tip if is_tip is None else bool(is_tip)
    remote = commune_settings_for(commune=location.commune).is_remote
    now = timezone.now()
    point = location.point or (None, None)
    incident = Incident(
        recorded_unit=unit, commune=location.commune, village=location.village,
        latitude=point[0], longitude=point[1], place=place, category=category,
        occurred_at=occurred_at, received_at=received_at, channel=channel, summary=summary,
        description=description, status=IncidentStatus.RECEIVED, status_changed_at=now,
        assignee=assignee, is_tip=is_tip,
        forward_due_at=tip_forward_due(received_at=received_at, is_remote=remote)
        if is_tip else None, created_by=actor, modified_by=actor)
    full_clean_or_raise(incident, validate_constraints=False)
    incident.save()
    _event(incident, kind=EventKind.CREATED, actor=actor, at=now,
           to_status=IncidentStatus.RECEIVED, assignee=assignee)
    return incident


@transaction.atomic
def incident_create(*, actor, unit: AdministrativeUnit, category: Category | str,
                    occurred_at: datetime, summary: str, channel: str, description: str = "",
                    village: Village | None = None, point: tuple[float, float] | None = None,
                    place: str = "", received_at: datetime | None = None,
                    is_tip: bool | None = None, assignee=None, reporter_name: str = "",
                    reporter_phone: str = "", is_anonymous: bool = False) -> Incident:
    """An incident recorded by staff under ``unit`` (a 2025 commune or a former one, resolved;
    a split former commune by its point). A tip (by its category unless ``is_tip`` says
    otherwise) is due to be forwarded within the commune's deadline.

    When a reporter is described (a name, a phone, or anonymous), what they said is kept as a
    report linked to the incident, with the reporter's identity apart.
    """
    category = checks.category_get(category)
    checks.choice(channel, Channel, "channel")
    summary = checks.text(summary, "summary", required=True, max_length=200)
    description = checks.text(description, "description", max_length=20000)
    place = checks.text(place, "place", max_length=255)
    occurred_at, received_at = _times(occurred_at, received_at)
    location = checks.locate(unit=unit, point=point, village=village)
    incident = new_incident(actor=actor, unit=unit, location=location, category=category,
                            occurred_at=occurred_at, received_at=received_at, channel=channel,
                            summary=summary, description=description, place=place,
                            is_tip=is_tip, assignee=assignee)
    audit_append(action="incident.create", actor=actor, commune=location.commune, obj=incident,
                 details={"category": category.code, "channel": channel,
                          "tip": incident.is_tip, "resolved_by": location.method})
    if reporter_name or reporter_phone or is_anonymous:
        from safecommune.reports.services.intake import report_create

        report_create(actor=actor, unit=unit, category=category, channel=channel,
                      description=description or summary, occurred_at=occurred_at,
                      received_at=received_at, village=village, point=point, place=place,
                      reporter_name=reporter_name, reporter_phone=reporter_phone,
                      is_anonymous=is_anonymous, incident=incident)
    return incident


@transaction.atomic
def incident_transition(*, actor, incident: Incident, to_status: str, note: str = "",
                        forwarded_to: str = "") -> Incident:
    """Move the incident along the workflow (``reports.models.workflow.TRANSITIONS``).

    Forwarding names the investigating body and ends the tip's deadline; leaving the open
    states clears the alerts the worker raised.
    """
    incident = _lock(incident)
    checks.choice(to_status, IncidentStatus, "status")
    from_status = incident.status
    if to_status not in allowed_transitions(from_status):
        raise Conflict(_("An incident cannot go from “%(from)s” to “%(to)s”.") % {
            "from": IncidentStatus(from_status).label, "to": IncidentStatus(to_status).label},
            field="status", rule="transition")
    note = checks.text(note, "note", max_length=NOTE_MAX)
    now = timezone.now()
    changed = ["status", "status_changed_at", "modified_by", "modified_at"]
    if to_status == IncidentStatus.FORWARDED:
        incident.forwarded_to = checks.text(forwarded_to, "forwarded_to", required=True,
                                            max_length=255)
        incident.forwarded_at = now
        changed += ["forwarded_to", "forwarded_at"]
    incident.status = to_status
    incident.status_changed_at = now
    incident.modified_by = actor
    incident.save(update_fields=changed)
    _event(incident, kind=EventKind.STATUS, actor=actor, at=now, from_status=from_status,
           to_status=to_status, text=note)
    if to_status not in OPEN_STATES:
        IncidentAlert.objects.filter(incident=incident, cleared_at__isnull=True).update(
            cleared_at=now)
    audit_append(action="incident.transition", actor=actor, commune=incident.commune,
                 obj=incident, details={"from": from_status, "to": to_status})
    return incident


@transaction.atomic
def incident_assign(*, actor, incident: Incident, assignee) -> Incident:
    """Give the incident to an officer who may edit its commune (None: nobody)."""
    incident = _lock(incident)
    checks.refuse_closed(incident, "assignee")
    checks.check_assignee(assignee, incident.commune)
    if incident.assignee_id == (assignee.pk if assignee else None):
        return incident
    incident.assignee = assignee
    incident.modified_by = actor
    incident.save(update_fields=["assignee", "modified_by", "modified_at"])
    _event(incident, kind=EventKind.ASSIGNMENT, actor=actor, assignee=assignee)
    audit_append(action="incident.assign", actor=actor, commune=incident.commune, obj=incident,
                 details={"assignee": assignee.pk if assignee else None})
    return incident


@transaction.atomic
def incident_note_add(*, actor, incident: Incident, text: str) -> IncidentEvent:
    incident = _lock(incident)
    text = checks.text(text, "text", required=True, max_length=NOTE_MAX)
    event = _event(incident, kind=EventKind.NOTE, actor=actor, text=text)
    audit_append(action="incident.note", actor=actor, commune=incident.commune, obj=incident,
                 details={"event": event.pk})
    return event


def _quantity(value) -> Decimal | None:
    if value in (None, ""):
        return None
    try:
        quantity = Decimal(str(value))
    except InvalidOperation:
        raise fail("quantity", "number", _("Give the quantity as a number.")) from None
    if not quantity.is_finite():
        raise fail("quantity", "number", _("Give the quantity as a number."))
    return quantity


def _check_outcome(outcome: IncidentOutcome) -> None:
    kind = outcome.kind
    if kind == OutcomeKind.PERSON and outcome.person is None and not outcome.person_name:
        raise fail("person_name", "required", _("Name the person, or choose a resident."))
    if outcome.involvement:
        checks.choice(outcome.involvement, Involvement, "involvement")
    if outcome.count is None or outcome.count < 1:
        raise fail("count", "min", _("The number of persons is at least 1."))
    if kind == OutcomeKind.FINE and not (outcome.amount_vnd and outcome.amount_vnd > 0):
        raise fail("amount_vnd", "required", _("Give the fine's amount in đồng."))
    measures = MEASURES_BY_KIND.get(kind, ())
    if measures and outcome.measure not in measures:
        raise fail("measure", "choice", _("Choose a measure that fits this kind of outcome."))
    if not measures and outcome.measure:
        raise fail("measure", "kind", _("Only education measures and rehabilitation "
                                        "referrals take a measure."))
    if kind == OutcomeKind.SEIZURE:
        if not outcome.item_kind:
            raise fail("item_kind", "required", _("Say what was seized."))
        if outcome.quantity is None or outcome.quantity <= 0:
            raise fail("quantity", "min", _("The quantity seized is more than 0."))


@transaction.atomic
def incident_outcome_add(*, actor, incident: Incident, kind: str, person=None,
                         person_name: str = "", involvement: str = "", count: int = 1,
                         amount_vnd: int | None = None, measure: str = "",
                         item_kind: str = "", quantity=None, quantity_unit: str = "",
                         note: str = "") -> IncidentOutcome:
    """One outcome: a person involved (linked to a resident the actor may see), arrests, a
    fine, an education measure, a rehabilitation referral, or items seized."""
    incident = _lock(incident)
    checks.refuse_closed(incident, "kind")
    checks.choice(kind, OutcomeKind, "kind")
    if person is not None:
        from safecommune.residents.selectors import person_visible_to

        if not person_visible_to(user=actor).filter(pk=person.pk).exists():
            raise NotFound(_("No person with this number."), field="person", rule="exists")
    outcome = IncidentOutcome(
        incident=incident, kind=kind, person=person,
        person_name=checks.text(person_name, "person_name", max_length=150),
        involvement=involvement or "", count=count, amount_vnd=amount_vnd,
        measure=measure or "", item_kind=checks.text(item_kind, "item_kind", max_length=150),
        quantity=_quantity(quantity),
        quantity_unit=checks.text(quantity_unit, "quantity_unit", max_length=30),
        note=checks.text(note, "note", max_length=500), created_by=actor, modified_by=actor)
    _check_outcome(outcome)
    full_clean_or_raise(outcome, validate_constraints=False)
    outcome.save()
    _event(incident, kind=EventKind.OUTCOME, actor=actor, outcome=outcome)
    audit_append(action="incident.outcome", actor=actor, commune=incident.commune,
                 obj=incident, details={"kind": kind, "outcome": outcome.pk})
    return outcome
