"""Incidents, reports and the hotline log through the API: the commune's staff read, its
officers, chief and province admins write; everything goes through the reports selectors and
services, so scoping, validation and the audit are the pages' own."""

from __future__ import annotations

from datetime import date

from django.contrib.auth import get_user_model
from django.utils.translation import gettext as _
from ninja import Router, Status
from ninja.errors import HttpError

from safecommune.accounts.jurisdiction import can_edit_commune
from safecommune.api.auth import optional_auth, token_or_session
from safecommune.core.errors import NotFound, ValidationFailed
from safecommune.reports import selectors, services
from safecommune.reports.models import HotlineCall, Incident, Report
from safecommune.reports.schemas import (
    AssignIn,
    CallIn,
    CallOut,
    CallToIncidentIn,
    CategoryOut,
    DuplicateOut,
    IncidentDetailOut,
    IncidentIn,
    IncidentOut,
    LinkIn,
    NoteIn,
    OpenIncidentIn,
    OutcomeIn,
    OutcomeOut,
    ReportIn,
    ReportOut,
    TransitionIn,
)
from safecommune.territory import selectors as territory_selectors

router = Router(tags=["reports"], auth=token_or_session)

LIST_LIMIT = 500


def _forbidden():
    return HttpError(403, _("You are not allowed to do this."))


def _point(data: dict):
    latitude, longitude = data.pop("latitude", None), data.pop("longitude", None)
    if latitude is None and longitude is None:
        return None
    if latitude is None or longitude is None:
        field = "latitude" if latitude is None else "longitude"
        raise ValidationFailed([{"field": field, "rule": "required", "message": _(
            "Give both the latitude and the longitude, or neither.")}])
    return (latitude, longitude)


def _editable_unit(request, data: dict, point=None):
    """The unit recorded under, and its resolved commune, which the user must be able to edit."""
    unit = territory_selectors.unit_get(structure=data.pop("structure"), code=data.pop("unit"))
    commune = territory_selectors.resolve_commune(unit, point).commune
    if not can_edit_commune(request.auth, commune):
        raise _forbidden()
    return unit, commune


def _village(commune, village_id: int | None):
    if village_id is None:
        return None
    village = commune.villages.active().filter(pk=village_id).first()
    if village is None:
        raise NotFound(_("No village with id %(id)s in this commune.") % {"id": village_id},
                       field="village_id", rule="exists")
    return village


def _user(user_id: int | None, field: str = "assignee_id"):
    if user_id is None:
        return None
    user = get_user_model().objects.filter(pk=user_id, is_active=True).first()
    if user is None:
        raise NotFound(_("No officer with this number."), field=field, rule="exists")
    return user


def _editable_incident(request, id: int) -> Incident:
    incident = selectors.incident_get_for(user=request.auth, id=id)
    if not can_edit_commune(request.auth, incident.commune):
        raise _forbidden()
    return incident


def _incident_out(request, id: int) -> Incident:
    return selectors.incident_list(user=request.auth).get(pk=id)


# --- Categories ------------------------------------------------------------------------------

@router.get("/report-categories", response=list[CategoryOut], auth=optional_auth,
            summary="Incident categories; staff see every one, others those open to residents")
def category_list(request, include_archived: bool = False):
    staff = selectors.is_reports_reader(request.auth)
    return selectors.category_list(public_only=not staff,
                                   include_archived=include_archived and staff)


# --- Incidents -------------------------------------------------------------------------------

@router.get("/incidents", response=list[IncidentOut],
            summary="Incidents in your jurisdiction, newest first, with the list's filters")
def incident_list(request, commune: str = "", category: str = "", status: str = "",
                  date_from: str = "", date_to: str = "", village: str = "",
                  assignee: str = "", q: str = "", deadline: str = ""):
    filters = selectors.incident_filters(user=request.auth, params={
        "commune": commune, "category": category, "status": status, "date_from": date_from,
        "date_to": date_to, "village": village, "assignee": assignee, "q": q,
        "deadline": deadline})
    return list(selectors.incident_list(user=request.auth, filters=filters)[:LIST_LIMIT])


@router.get("/incidents/{id}", response=IncidentDetailOut,
            summary="One incident with its timeline, outcomes and reports")
def incident_detail(request, id: int):
    selectors.incident_get_for(user=request.auth, id=id)
    return _incident_out(request, id)


@router.get("/incidents/{id}/duplicates", response=list[DuplicateOut],
            summary="Incidents of the same category within 250 m and 48 hours")
def incident_duplicates(request, id: int):
    incident = selectors.incident_get_for(user=request.auth, id=id)
    return selectors.incident_duplicates(user=request.auth, category=incident.category,
                                         point=incident.point, at=incident.occurred_at,
                                         exclude_id=incident.pk)


@router.post("/incidents", response={201: IncidentOut}, summary="Record an incident (staff)")
def incident_create(request, payload: IncidentIn):
    data = payload.dict()
    point = _point(data)
    unit, commune = _editable_unit(request, data, point)
    village = _village(commune, data.pop("village_id"))
    assignee = _user(data.pop("assignee_id"))
    incident = services.incident_create(actor=request.auth, unit=unit, point=point,
                                        village=village, assignee=assignee, **data)
    return Status(201, _incident_out(request, incident.pk))


@router.post("/incidents/{id}/transitions", response=IncidentOut,
             summary="Move an incident along the workflow (staff); a forbidden step is a 409")
def incident_transition(request, id: int, payload: TransitionIn):
    services.incident_transition(actor=request.auth, incident=_editable_incident(request, id),
                                 **payload.dict())
    return _incident_out(request, id)


@router.post("/incidents/{id}/assignee", response=IncidentOut,
             summary="Assign an incident to an officer of its commune (staff)")
def incident_assign(request, id: int, payload: AssignIn):
    services.incident_assign(actor=request.auth, incident=_editable_incident(request, id),
                             assignee=_user(payload.assignee_id))
    return _incident_out(request, id)


@router.post("/incidents/{id}/notes", response={201: IncidentDetailOut},
             summary="Add a note to an incident's timeline (staff)")
def incident_note_add(request, id: int, payload: NoteIn):
    services.incident_note_add(actor=request.auth, incident=_editable_incident(request, id),
                               text=payload.text)
    return Status(201, _incident_out(request, id))


@router.post("/incidents/{id}/outcomes", response={201: OutcomeOut},
             summary="Record an outcome: person, arrests, fine, education, rehabilitation, "
                     "seizure (staff)")
def incident_outcome_add(request, id: int, payload: OutcomeIn):
    incident = _editable_incident(request, id)
    data = payload.dict()
    person_id = data.pop("person_id")
    person = None
    if person_id is not None:
        from safecommune.residents.selectors import person_visible_to

        person = person_visible_to(user=request.auth).filter(pk=person_id).first()
        if person is None:
            raise NotFound(_("No person with this number."), field="person_id", rule="exists")
    outcome = services.incident_outcome_add(actor=request.auth, incident=incident,
                                            person=person, **data)
    return Status(201, outcome)


# --- Reports ---------------------------------------------------------------------------------

def _report_out(request, report: Report) -> Report:
    report = selectors.report_visible_to(user=request.auth).select_related(
        "recorded_unit").annotate(named=selectors.report_named()).get(pk=report.pk)
    if report.incident_id is None:
        report.duplicates = selectors.incident_duplicates(
            user=request.auth, category=report.category, point=report.point,
            at=report.occurred_at or report.received_at)
    return report


def _editable_report(request, id: int) -> Report:
    report = selectors.report_get_for(user=request.auth, id=id)
    if not can_edit_commune(request.auth, report.commune):
        raise _forbidden()
    return report


@router.post("/reports", response={201: ReportOut},
             summary="Record a report as received (staff); the answer suggests duplicates")
def report_create(request, payload: ReportIn):
    data = payload.dict()
    point = _point(data)
    unit, commune = _editable_unit(request, data, point)
    village = _village(commune, data.pop("village_id"))
    incident_id = data.pop("incident_id")
    incident = None
    if incident_id is not None:
        incident = selectors.incident_visible_to(user=request.auth).filter(
            pk=incident_id).first()
        if incident is None:
            raise NotFound(_("No incident with this number."), field="incident_id",
                           rule="exists")
    report = services.report_create(actor=request.auth, unit=unit, point=point,
                                    village=village, incident=incident, **data)
    return Status(201, _report_out(request, report))


@router.get("/reports/{id}", response=ReportOut,
            summary="One report (never its reporter's identity) with likely duplicates")
def report_detail(request, id: int):
    return _report_out(request, selectors.report_get_for(user=request.auth, id=id))


@router.post("/reports/{id}/link", response=ReportOut,
             summary="Link a report to the incident it is about (staff)")
def report_link(request, id: int, payload: LinkIn):
    report = _editable_report(request, id)
    incident = selectors.incident_visible_to(user=request.auth).filter(
        pk=payload.incident_id).first()
    if incident is None:
        raise NotFound(_("No incident with this number."), field="incident_id", rule="exists")
    return _report_out(request, services.report_link_to_incident(
        actor=request.auth, report=report, incident=incident))


@router.post("/reports/{id}/incident", response={201: IncidentOut},
             summary="Open a new incident from a report that repeats none (staff)")
def report_open_incident(request, id: int, payload: OpenIncidentIn):
    report = _editable_report(request, id)
    incident = services.incident_open_from_report(
        actor=request.auth, report=report, summary=payload.summary, is_tip=payload.is_tip,
        assignee=_user(payload.assignee_id))
    return Status(201, _incident_out(request, incident.pk))


# --- Hotline ---------------------------------------------------------------------------------

@router.get("/hotline-calls", response=list[CallOut],
            summary="The hotline log of one day (today by default), newest first")
def hotline_call_list(request, day: date | None = None, commune: str = ""):
    filters = selectors.incident_filters(user=request.auth, params={"commune": commune})
    calls = selectors.hotline_calls_on(user=request.auth, day=day, commune=filters.commune)
    return list(calls.annotate(named=selectors.call_named())[:LIST_LIMIT])


@router.post("/hotline-calls", response={201: CallOut}, summary="Log a hotline call (staff)")
def hotline_call_log(request, payload: CallIn):
    data = payload.dict()
    unit, commune = _editable_unit(request, data)
    village = _village(commune, data.pop("village_id"))
    call = services.hotline_call_log(actor=request.auth, unit=unit, village=village, **data)
    return Status(201, HotlineCall.objects.select_related("commune", "recorded_unit").annotate(
        named=selectors.call_named()).get(pk=call.pk))


@router.post("/hotline-calls/{id}/incident", response={201: IncidentOut},
             summary="Turn a call into a report and a new incident in one step (staff)")
def hotline_call_to_incident(request, id: int, payload: CallToIncidentIn):
    call = selectors.hotline_call_get_for(user=request.auth, id=id)
    if not can_edit_commune(request.auth, call.commune):
        raise _forbidden()
    data = payload.dict()
    point = _point(data)
    incident = services.hotline_call_to_incident(
        actor=request.auth, call=call, point=point,
        village=_village(call.commune, data.pop("village_id")),
        assignee=_user(data.pop("assignee_id")), **data)
    return Status(201, _incident_out(request, incident.pk))
