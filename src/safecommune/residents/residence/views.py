"""Residence pages: a person's residence history with the staff forms, and the work lists."""

from __future__ import annotations

from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext_lazy as _

from safecommune.accounts.jurisdiction import can_edit_commune, can_read_commune, scope_for
from safecommune.accounts.roles import READER_ROLES
from safecommune.core.errors import DomainError, NotFound, errors_of
from safecommune.residents import selectors as person_selectors
from safecommune.residents import services as person_services
from safecommune.residents.models import ResidenceKind
from safecommune.residents.residence import forms, rules, selectors, services
from safecommune.territory import selectors as territory_selectors

LIST_LIMIT = 200

FORMS = {
    "permanent": forms.PermanentForm,
    "temporary": forms.TemporaryForm,
    "renew": forms.RenewForm,
    "end": forms.EndForm,
    "absence": forms.AbsenceForm,
    "return": forms.ReturnForm,
}
TITLES = {
    "permanent": _("Register permanent residence"),
    "temporary": _("Register temporary residence"),
    "renew": _("Renew a temporary residence"),
    "end": _("End a residence (moving out, deregistration)"),
    "absence": _("Declare a temporary absence"),
    "return": _("Record a return"),
}


def _add_errors(form, exc: Exception) -> None:
    for error in errors_of(exc):
        form.add_error(error["field"] if error["field"] in form.fields else None,
                       error["message"])


def _build_forms(request, action: str | None, history, absences) -> dict:
    active = [r for r in history if r.ended_on is None]
    open_absences = [a for a in absences if a.returned_on is None]
    extra = {
        "renew": {"records": [r for r in active if r.kind == ResidenceKind.TEMPORARY]},
        "end": {"records": active},
        "return": {"absences": open_absences},
    }
    built = {}
    for name, form_class in FORMS.items():
        data = request.POST if name == action else None
        built[name] = form_class(data, prefix=name, **extra.get(name, {}))
    return built


def _apply(request, person, action: str, form, history, absences) -> None:
    data = dict(form.cleaned_data)
    actor = request.user
    if action == "permanent":
        services.permanent_register(actor=actor, person=person, address=data["address"],
                                    registered_on=data["registered_on"])
    elif action == "temporary":
        services.temporary_register(actor=actor, person=person, address=data["address"],
                                    registered_on=data["registered_on"],
                                    valid_until=data["valid_until"])
    elif action in ("renew", "end"):
        record = next(r for r in history if str(r.pk) == data["record"])
        if action == "renew":
            services.temporary_renew(actor=actor, record=record, valid_until=data["valid_until"],
                                     renewed_on=data["renewed_on"])
        else:
            services.residence_end(actor=actor, record=record, reason=data["reason"],
                                   ended_on=data["ended_on"])
    elif action == "absence":
        services.absence_declare(actor=actor, person=person, kind=data["kind"],
                                 supervision=data["supervision"], leaves_on=data["leaves_on"],
                                 expected_return_on=data["expected_return_on"],
                                 destination=data["destination"],
                                 consent_reference=data["consent_reference"],
                                 declared_on=data["declared_on"])
    else:
        absence = next(a for a in absences if str(a.pk) == data["absence"])
        services.absence_return(actor=actor, absence=absence, returned_on=data["returned_on"])


def person_residence(request, id: int):
    if not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path())
    try:
        person = person_selectors.person_get_for(user=request.user, id=id)
    except NotFound:
        raise Http404 from None
    may_edit = can_edit_commune(request.user, person.commune)
    action = request.POST.get("action") if request.method == "POST" else None
    if action is not None and action not in FORMS:
        raise Http404
    if action is not None and not may_edit:
        raise PermissionDenied
    history = selectors.residence_history(person=person)
    absences = selectors.person_absences(person=person)
    built = _build_forms(request, action, history, absences)
    status = 200
    if action is not None:
        form = built[action]
        if form.is_valid():
            try:
                _apply(request, person, action, form, history, absences)
            except DomainError as exc:
                _add_errors(form, exc)
            else:
                return redirect("person-residence", id=person.pk)
        status = 400
    else:
        person_services.person_record_read(actor=request.user, person=person)
    return render(request, "residents/residence/person.html", {
        "person": person, "history": history, "absences": absences, "may_edit": may_edit,
        "forms": [(name, TITLES[name], form) for name, form in built.items()],
        "action": action}, status=status)


def work_lists(request):
    if not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path())
    if not scope_for(request.user).roles & READER_ROLES:
        raise PermissionDenied
    commune = None
    code = request.GET.get("commune", "")
    if code:
        try:
            commune = territory_selectors.commune_get(code=code)
        except NotFound:
            raise Http404 from None
        if not can_read_commune(request.user, commune):
            raise Http404
    user = request.user
    expiring = selectors.expiring_temporary(user=user, commune=commune).select_related(
        "person", "commune")
    overdue = selectors.overdue_absences(user=user, commune=commune).select_related(
        "person", "commune")
    return render(request, "residents/residence/work_lists.html", {
        "commune": commune,
        "reminder_days": rules.reminder_days(),
        "counts": selectors.work_list_counts(user=user, commune=commune),
        "expiring": list(expiring[:LIST_LIMIT]),
        "overdue": list(overdue[:LIST_LIMIT]),
        "headless": list(selectors.headless_households(user=user, commune=commune)
                         .select_related("village", "commune")[:LIST_LIMIT]),
        "reminders": list(selectors.reminders_open(user=user, commune=commune)[:LIST_LIMIT]),
    })
