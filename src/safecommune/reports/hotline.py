"""The hotline log page: one compact form to log a call in seconds, the day's calls below it,
and one button per call to turn it into an incident."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.dateparse import parse_date
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from safecommune.accounts.jurisdiction import can_edit_commune, scope_for
from safecommune.accounts.roles import EDITOR_ROLES
from safecommune.core.errors import DomainError, NotFound
from safecommune.core.pages import visible_or_404
from safecommune.reports import selectors, services
from safecommune.reports.forms import CallToIncidentForm, HotlineCallForm
from safecommune.residents.views import _add_errors, _communes_with, staff_commune_filter


def _day(request):
    raw = request.GET.get("day", "")
    try:
        day = parse_date(raw) if raw else None
    except ValueError:
        day = None
    return day or timezone.localdate()


@login_required
def hotline_home(request):
    commune = staff_commune_filter(request)
    user = request.user
    editable = ([commune] if commune and can_edit_commune(user, commune) else
                [] if commune else _communes_with(user, EDITOR_ROLES))
    chosen = editable[0] if len(editable) == 1 else None
    villages = list(chosen.villages.active().order_by("name_key")) if chosen else []
    form = HotlineCallForm(request.POST or None, communes=editable, villages=villages,
                           initial={"commune": chosen.code if chosen else ""})
    status = 200
    if request.method == "POST":
        if not editable:
            raise PermissionDenied
        if form.is_valid():
            data = form.cleaned_data
            unit = next(c for c in editable if c.code == data["commune"])
            try:
                village = None
                if data["village"]:
                    village = unit.villages.active().filter(pk=data["village"]).first()
                services.hotline_call_log(
                    actor=user, unit=unit, kind=data["kind"], summary=data["summary"],
                    answer=data["answer"], at=data["at"], caller_name=data["caller_name"],
                    caller_phone=data["caller_phone"], is_anonymous=data["is_anonymous"],
                    village=village)
            except DomainError as exc:
                _add_errors(form, exc)
            else:
                url = request.path + (f"?commune={commune.code}" if commune else "")
                return redirect(url)
        status = 400
    day = _day(request)
    calls = list(selectors.hotline_calls_on(user=user, day=day, commune=commune)
                 .annotate(named=selectors.call_named()))
    callers = services.hotline_callers_read(actor=user, calls=calls)
    for call in calls:
        call.caller_visible = selectors.caller_shown(call)
        call.identity = callers.get(call.pk)
    return render(request, "reports/hotline.html", {
        "form": form, "calls": calls, "day": day, "commune": commune,
        "may_log": bool(editable),
        "may_edit": bool(scope_for(user).roles & EDITOR_ROLES),
        "convert_form": CallToIncidentForm(categories=selectors.category_list())},
        status=status)


@login_required
@require_POST
def hotline_call_incident(request, id: int):
    call = visible_or_404(selectors.hotline_call_get_for, user=request.user, id=id)
    if not can_edit_commune(request.user, call.commune):
        raise PermissionDenied
    form = CallToIncidentForm(request.POST, categories=selectors.category_list())
    try:
        if not form.is_valid():
            raise DomainError(_("Choose a category from the list."), field="category",
                              rule="choice")
        incident = services.hotline_call_to_incident(
            actor=request.user, call=call, category=form.cleaned_data["category"])
    except NotFound:
        raise Http404 from None
    except DomainError as exc:
        _add_errors(form, exc)
        return render(request, "reports/hotline_error.html",
                      {"form": form, "call": call}, status=409 if exc.status_code == 409
                      else 400)
    return redirect("incident-detail", id=incident.pk)
