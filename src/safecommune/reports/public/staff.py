"""Staff pages for reports as they arrive: the reports not yet linked to an incident, and one
report with its photos, the sender's additions, the incidents it likely repeats (same
category, within 250 m and 48 hours) and the two ways on: link it to one of them, or open a
new incident. The reporter's identity is shown only through ``reporter_identities_read``."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from safecommune.accounts.jurisdiction import can_edit_commune
from safecommune.core.errors import DomainError, NotFound
from safecommune.core.pages import visible_or_404
from safecommune.reports import selectors, services
from safecommune.reports.public import selectors as public_selectors
from safecommune.reports.public.forms import LinkForm, OpenIncidentForm
from safecommune.residents.views import _add_errors, staff_commune_filter

LIST_LIMIT = 200


@login_required
def reports_intake(request):
    commune = staff_commune_filter(request)
    rows = list(public_selectors.reports_unlinked(user=request.user,
                                                  commune=commune)[:LIST_LIMIT])
    return render(request, "reports/public/staff_intake.html",
                  {"rows": rows, "commune": commune, "limit": LIST_LIMIT})


def _act(request, report, action: str, forms: dict):
    """Run the POSTed action; the incident it leads to, or DomainError."""
    form = forms[action]
    if not form.is_valid():
        raise DomainError("", field=None)
    if action == "link":
        incident = selectors.incident_visible_to(user=request.user).filter(
            pk=form.cleaned_data["incident"]).first()
        if incident is None:
            raise NotFound(_("No incident with this number."), field="incident", rule="exists")
        services.report_link_to_incident(actor=request.user, report=report, incident=incident)
        return incident
    return services.incident_open_from_report(actor=request.user, report=report,
                                              summary=form.cleaned_data["summary"])


@login_required
def report_detail(request, id: int):
    report = visible_or_404(public_selectors.report_detail_for, user=request.user, id=id)
    may_edit = can_edit_commune(request.user, report.commune)
    action = request.POST.get("action", "")
    post = request.POST if request.method == "POST" else None
    forms = {"link": LinkForm(post if action == "link" else None),
             "open": OpenIncidentForm(post if action == "open" else None)}
    status = 200
    if request.method == "POST":
        if not may_edit:
            raise PermissionDenied
        if action not in forms:
            raise Http404
        try:
            incident = _act(request, report, action, forms)
        except DomainError as exc:
            if exc.message:
                _add_errors(forms[action], exc)
            status = 409 if exc.status_code == 409 else 400
        else:
            return redirect("incident-detail", id=incident.pk)
    identity = services.reporter_identities_read(actor=request.user, report=report).get(
        report.pk)
    duplicates = []
    if report.incident_id is None:
        duplicates = selectors.incident_duplicates(
            user=request.user, category=report.category, point=report.point,
            at=report.occurred_at or report.received_at)
    return render(request, "reports/public/staff_report.html", {
        "report": report, "identity": identity, "may_edit": may_edit, "forms": forms,
        "action": action, "duplicates": duplicates, "rule": selectors.duplicate_rule(),
        "photos": public_selectors.report_photos(report=report),
        "additions": public_selectors.report_additions(report=report)}, status=status)


@login_required
@require_GET
def report_photo(request, id: int, position: int):
    """A report's photo, for the staff who may see the report; never cached."""
    try:
        photo = public_selectors.report_photo_get_for(user=request.user, report_id=id,
                                                      position=position)
    except NotFound:
        raise Http404 from None
    response = HttpResponse(bytes(photo.content), content_type=photo.content_type)
    response["Cache-Control"] = "private, no-store"
    response["Content-Length"] = str(photo.size)
    response["X-Content-Type-Options"] = "nosniff"
    return response
