"""Incident pages for commune staff: the list with its filters, a new incident, and one
incident with its workflow, assignment, notes, outcomes, reports and timeline."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _

from safecommune.accounts.jurisdiction import can_edit_commune, scope_for
from safecommune.accounts.roles import EDITOR_ROLES, READER_ROLES
from safecommune.core.errors import DomainError, NotFound
from safecommune.core.pages import visible_or_404
from safecommune.reports import selectors, services
from safecommune.reports.forms import (
    AssignForm,
    IncidentForm,
    NoteForm,
    OutcomeForm,
    TransitionForm,
    category_choices,
)
from safecommune.reports.models import (
    Channel,
    IncidentStatus,
    OutcomeKind,
    allowed_transitions,
)
from safecommune.residents.views import _add_errors, _editable_communes
from safecommune.territory.models import AdministrativeUnit

LIST_LIMIT = 200


def _fragment_or_page(request, template: str, context: dict, fragment: str, status: int = 200):
    if request.headers.get("HX-Request") == "true":
        template = f"{template}#{fragment}"
    return render(request, template, context, status=status)


def _only_commune(user) -> AdministrativeUnit | None:
    """The user's commune when their roles cover exactly one (its villages and officers then
    fill the filters)."""
    ids = scope_for(user).commune_ids(READER_ROLES)
    if ids is None or len(ids) != 1:
        return None
    return AdministrativeUnit.objects.get(pk=next(iter(ids)))


def reader_filters(request) -> tuple[selectors.IncidentFilters, str | None, int]:
    """The list's filters from the query string for a reports reader (403 otherwise; a
    commune out of scope is a 404); bad filters give no filters, their message and a 400."""
    if not selectors.is_reports_reader(request.user):
        raise PermissionDenied
    try:
        return selectors.incident_filters(user=request.user, params=request.GET), None, 200
    except NotFound:
        raise Http404 from None
    except DomainError as exc:
        return selectors.IncidentFilters(), exc.message, 400


@login_required
def incident_list(request):
    user = request.user
    filters, error, status = reader_filters(request)
    now = timezone.now()
    rows = list(selectors.incident_list(user=user, filters=filters, now=now)[:LIST_LIMIT])
    for row in rows:
        row.overdue = row.is_forward_overdue(now)
    commune = filters.commune or _only_commune(user)
    context = {
        "rows": rows, "filters": filters, "params": request.GET, "error": error, "now": now,
        "counts": selectors.tip_counts(user=user, commune=filters.commune, now=now),
        "categories": category_choices(selectors.category_list(include_archived=True)),
        "statuses": IncidentStatus.choices,
        "villages": list(commune.villages.active().order_by("name_key")) if commune else [],
        "officers": selectors.assignable_officers(commune=commune) if commune else [],
        "may_edit": bool(scope_for(user).roles & EDITOR_ROLES),
    }
    return _fragment_or_page(request, "reports/list.html", context, "results", status=status)


def _commune_officers(communes, chosen):
    commune = chosen or (communes[0] if len(communes) == 1 else None)
    return selectors.assignable_officers(commune=commune) if commune else []


@login_required
def incident_new(request):
    communes, chosen = _editable_communes(request)
    villages = list(chosen.villages.active().order_by("name_key")) if chosen else []
    form = IncidentForm(request.POST or None, communes=communes, villages=villages,
                        categories=selectors.category_list(),
                        officers=_commune_officers(communes, chosen),
                        initial={"commune": chosen.code if chosen else "",
                                 "occurred_at": timezone.localtime().replace(second=0,
                                                                             microsecond=0)})
    status = 200
    if request.method == "POST":
        if form.is_valid():
            data = form.cleaned_data
            commune = next(c for c in communes if c.code == data["commune"])
            try:
                village = None
                if data["village"]:
                    village = commune.villages.active().filter(pk=data["village"]).first()
                    if village is None:
                        raise DomainError(_("The village must belong to the same commune."),
                                          field="village", rule="same_commune")
                assignee = next((u for u in selectors.assignable_officers(commune=commune)
                                 if str(u.pk) == data["assignee"]), None)
                incident = services.incident_create(
                    actor=request.user, unit=commune, category=data["category"],
                    occurred_at=data["occurred_at"], received_at=data["received_at"],
                    summary=data["summary"], description=data["description"],
                    channel=data["channel"], village=village, point=form.point(),
                    place=data["place"], is_tip=form.is_tip_value(), assignee=assignee,
                    reporter_name=data["reporter_name"],
                    reporter_phone=data["reporter_phone"], is_anonymous=data["is_anonymous"])
            except DomainError as exc:
                _add_errors(form, _point_error_on_fields(exc))
            else:
                return redirect("incident-detail", id=incident.pk)
        status = 400
    return render(request, "reports/form.html", {"form": form, "title": _("New incident")},
                  status=status)


def _point_error_on_fields(exc: DomainError) -> DomainError:
    """The services name a point ``point``/``lat``/``lon``; the form has latitude/longitude."""
    fields = {"point": "latitude", "lat": "latitude", "lon": "longitude"}
    if exc.field in fields:
        exc.field = fields[exc.field]
        for error in getattr(exc, "errors", []):
            error["field"] = fields.get(error["field"], error["field"])
    return exc


def _act(request, incident, action: str, forms: dict) -> None:
    """Run one POSTed action through its service; DomainError on bad input."""
    user = request.user
    form = forms[action]
    if not form.is_valid():
        raise DomainError("", field=None)
    data = form.cleaned_data
    if action == "transition":
        services.incident_transition(actor=user, incident=incident,
                                     to_status=request.POST.get("to_status", ""),
                                     note=data["note"], forwarded_to=data["forwarded_to"])
    elif action == "assign":
        assignee = next((u for u in selectors.assignable_officers(commune=incident.commune)
                         if str(u.pk) == data["assignee"]), None)
        if data["assignee"] and assignee is None:
            raise DomainError(_("Choose an officer from the list."), field="assignee",
                              rule="choice")
        services.incident_assign(actor=user, incident=incident, assignee=assignee)
    elif action == "note":
        services.incident_note_add(actor=user, incident=incident, text=data["text"])
    else:
        person = None
        if data["person"]:
            from safecommune.residents.selectors import person_visible_to

            person = person_visible_to(user=user).filter(pk=data["person"]).first()
            if person is None:
                raise NotFound(_("No person with this number."), field="person",
                               rule="exists")
        services.incident_outcome_add(
            actor=user, incident=incident, kind=data["kind"], person=person,
            person_name=data["person_name"], involvement=data["involvement"],
            count=data["count"], amount_vnd=data["amount_vnd"], measure=data["measure"],
            item_kind=data["item_kind"], quantity=data["quantity"],
            quantity_unit=data["quantity_unit"], note=data["note"])


@login_required
def incident_detail(request, id: int):
    incident = visible_or_404(selectors.incident_get_for, user=request.user, id=id)
    may_edit = can_edit_commune(request.user, incident.commune)
    officers = selectors.assignable_officers(commune=incident.commune) if may_edit else []
    action = request.POST.get("action", "")
    post = request.POST if request.method == "POST" else None
    forms = {"transition": TransitionForm(post if action == "transition" else None),
             "assign": AssignForm(post if action == "assign" else None, officers=officers,
                                  initial={"assignee": incident.assignee_id or ""}),
             "note": NoteForm(post if action == "note" else None),
             "outcome": OutcomeForm(post if action == "outcome" else None)}
    status = 200
    if request.method == "POST":
        if not may_edit:
            raise PermissionDenied
        if action not in forms:
            raise Http404
        try:
            _act(request, incident, action, forms)
        except DomainError as exc:
            if exc.message:
                _add_errors(forms[action], exc)
            status = 400
        else:
            return redirect("incident-detail", id=incident.pk)
    identities = services.reporter_identities_read(actor=request.user, incident=incident)
    reports = selectors.incident_reports(incident=incident)
    for report in reports:
        report.identity = identities.get(report.pk)
    return render(request, "reports/detail.html", {
        "incident": incident, "may_edit": may_edit, "forms": forms, "action": action,
        "overdue": incident.is_forward_overdue(timezone.now()), "reports": reports,
        "transitions": [IncidentStatus(s) for s in allowed_transitions(incident.status)],
        "timeline": selectors.incident_timeline(incident=incident),
        "outcomes": selectors.incident_outcomes(incident=incident),
        "duplicates": selectors.incident_duplicates(
            user=request.user, category=incident.category, point=incident.point,
            at=incident.occurred_at, exclude_id=incident.pk),
        "outcome_kinds": OutcomeKind, "channels": Channel}, status=status)
