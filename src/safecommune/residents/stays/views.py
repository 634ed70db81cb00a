"""Stay pages: the commune staff's lists, new notice, guest registers; the public page where a
host notifies a stay without an account, and following it with the receipt."""

from __future__ import annotations

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from safecommune.accounts.jurisdiction import can_edit_commune, scope_for
from safecommune.accounts.roles import EDITOR_ROLES
from safecommune.core.errors import DomainError, NotFound
from safecommune.core.pages import visible_or_404
from safecommune.outreach.forms import ReceiptForm
from safecommune.outreach.views import _open_commune, _private
from safecommune.receipts.services import RateLimited, rate_limit
from safecommune.receipts.views import receipt_from_form
from safecommune.residents.models import HostKind, StayNotice
from safecommune.residents.selectors import household_visible_to
from safecommune.residents.stays import selectors, services
from safecommune.residents.stays.forms import PublicStayForm, StayActionForm, StayForm
from safecommune.residents.views import (
    _add_errors,
    _editable_communes,
    staff_commune_filter,
)
from safecommune.territory.models import Place, PlaceKind

LIST_LIMIT = 200
VIEWS = ("all", "now", "foreigners", "late")


def _accommodations(commune) -> list[Place]:
    if commune is None:
        return []
    return list(Place.objects.active().filter(commune=commune, kind=PlaceKind.ACCOMMODATION)
                .order_by("name_key", "id"))


def stays_home(request):
    if not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path())
    commune = staff_commune_filter(request)
    view = request.GET.get("view", "all")
    if view not in VIEWS:
        view = "all"
    host_kind = request.GET.get("host_kind", "")
    user = request.user
    rows = {"all": selectors.stays_visible_to(user=user),
            "now": selectors.stays_now(user=user),
            "foreigners": selectors.foreigners_staying_now(user=user),
            "late": selectors.late_stays(user=user)}[view]
    if commune is not None:
        rows = rows.filter(commune=commune)
    if host_kind in HostKind.values:
        rows = rows.filter(host_kind=host_kind)
    return render(request, "residents/stays/list.html", {
        "commune": commune, "view": view, "host_kind": host_kind, "views": VIEWS,
        "rows": list(rows[:LIST_LIMIT]), "counts": selectors.stay_counts(user=user,
                                                                          commune=commune),
        "may_edit": bool(scope_for(user).roles & EDITOR_ROLES)})


def stay_new(request):
    if not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path())
    communes, chosen = _editable_communes(request)
    accommodations = _accommodations(chosen)
    form = StayForm(request.POST or None, communes=communes, accommodations=accommodations,
                    initial={"commune": chosen.code if chosen else ""})
    status = 200
    if request.method == "POST":
        if form.is_valid():
            data = form.service_fields()
            commune = next(c for c in communes if c.code == data.pop("commune"))
            household_id = data.pop("host_household")
            try:
                household = None
                if household_id:
                    household = household_visible_to(user=request.user).filter(
                        pk=household_id).first()
                    if household is None:
                        raise NotFound(_("No household with this number."),
                                       field="host_household", rule="exists")
                accommodation = next((p for p in _accommodations(commune)
                                      if str(p.pk) == form.cleaned_data["accommodation"]), None)
                notice = services.stay_notify(actor=request.user, unit=commune,
                                              host_household=household,
                                              accommodation=accommodation, **data)
            except DomainError as exc:
                _add_errors(form, exc)
            else:
                return redirect("stay-detail", id=notice.pk)
        status = 400
    return render(request, "residents/form.html", {"form": form, "links": [],
                                                   "title": _("New notification of stay")},
                  status=status)


@login_required
def stay_detail(request, id: int):
    notice = visible_or_404(selectors.stay_get_for, user=request.user, id=id)
    may_edit = can_edit_commune(request.user, notice.commune)
    form = StayActionForm(request.POST or None)
    status = 200
    if request.method == "POST":
        if not may_edit:
            raise PermissionDenied
        action = request.POST.get("action")
        try:
            if action == "depart":
                if not form.is_valid():
                    raise DomainError("", field=None)
                services.stay_depart(actor=request.user, notice=notice,
                                     departed_at=form.cleaned_data["departed_at"])
            elif action == "review":
                services.stay_review(actor=request.user, notice=notice)
            else:
                raise Http404
        except DomainError as exc:
            if exc.message:
                _add_errors(form, exc)
            status = 400
        else:
            return redirect("stay-detail", id=notice.pk)
    return render(request, "residents/stays/detail.html",
                  {"notice": notice, "may_edit": may_edit, "form": form}, status=status)


def accommodation_register(request, id: int):
    if not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path())
    try:
        place = selectors.accommodation_get_for(user=request.user, id=id)
    except NotFound:
        raise Http404 from None
    rows = list(selectors.guest_register(user=request.user, accommodation=place)
                [:LIST_LIMIT * 5])
    return render(request, "residents/stays/register.html", {"place": place, "rows": rows})


def stay_notify_public(request, code: str):
    commune = _open_commune(code)
    accommodations = _accommodations(commune)
    form = PublicStayForm(request.POST or None, accommodations=accommodations)
    status = 200
    if request.method == "POST":
        try:
            rate_limit(request, "submit")
        except RateLimited as exc:
            form.add_error(None, exc.message)
            status = 429
        else:
            if form.is_valid():
                data = form.service_fields()
                accommodation = next((p for p in accommodations
                                      if str(p.pk) == form.cleaned_data["accommodation"]), None)
                try:
                    notice, issued = services.stay_notify_public(
                        commune=commune, accommodation=accommodation, **data)
                except DomainError as exc:
                    _add_errors(form, exc)
                else:
                    return _private(render(request, "residents/stays/receipt_issued.html",
                                           {"commune": commune, "issued": issued,
                                            "notice": notice}, status=201))
            status = 400
    from safecommune.territory.services import deadline_hours

    hours = deadline_hours(commune=commune, hours=settings.SAFECOMMUNE_FOREIGNER_DECLARATION_HOURS)
    return _private(render(request, "residents/stays/notify.html",
                           {"commune": commune, "form": form, "foreigner_hours": hours},
                           status=status))


def stay_receipt(request):
    """Follow a notice with its receipt code and secret (always POSTed, never in a URL)."""
    form = ReceiptForm(request.POST or None)
    context: dict = {"form": form}
    status = 200
    if request.method == "POST":
        receipt, status = receipt_from_form(request, form, kind="stay")
        if receipt is not None:
            notice = StayNotice.objects.select_related("commune", "accommodation").get(
                pk=receipt.object_id)
            context.update(receipt=receipt, notice=notice)
    return _private(render(request, "residents/stays/receipt_lookup.html", context,
                           status=status))
