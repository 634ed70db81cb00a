"""Pages: unit search, a unit across the reform, a province's communes, a commune's home."""

from __future__ import annotations

from collections import OrderedDict

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from safecommune.core.errors import DomainError, NotFound, errors_of
from safecommune.territory import selectors, services
from safecommune.territory.forms import CommuneSettingsForm, PlaceForm, VillageForm
from safecommune.territory.models import PLACE_KIND_PLURALS, Level, PlaceKind, Structure
from safecommune.territory.permissions import can_edit_commune, can_see_closed_commune
from safecommune.territory.services import commune_settings_for


def _fragment_or_page(request, template: str, context: dict, fragment: str):
    if request.headers.get("HX-Request") == "true":
        template = f"{template}#{fragment}"
    return render(request, template, context)


def search(request):
    query = request.GET.get("q", "")
    structure = request.GET.get("structure") or None
    if structure not in (None, *Structure.values):
        structure = None
    error = None
    results = []
    try:
        results = selectors.unit_search(query=query, structure=structure)
    except DomainError as exc:
        error = exc.message
    successors = selectors.units_successors(units=results)
    rows = [(unit, successors[unit.pk]) for unit in results]
    return _fragment_or_page(request, "territory/search.html",
                             {"query": query, "structure": structure, "rows": rows,
                              "error": error}, "results")


def _unit_or_404(structure: str, code: str):
    try:
        return selectors.unit_get(structure=structure, code=code)
    except NotFound as exc:
        raise Http404(exc.message) from None


def unit_detail(request, structure: str, code: str):
    unit = _unit_or_404(structure, code)
    context = {
        "unit": unit,
        "successors": selectors.unit_successors(unit=unit),
        "predecessors": selectors.unit_predecessors(unit=unit),
        "query": request.GET.get("q", ""),
    }
    if unit.level == Level.PROVINCE:
        error = None
        try:
            communes = selectors.province_communes(province=unit, query=context["query"])
        except DomainError as exc:
            communes, error = [], exc.message
        context.update(communes=communes, error=error)
        if request.headers.get("HX-Request") == "true":
            return render(request, "territory/unit.html#communes", context)
    else:
        context["children"] = list(selectors.unit_children(unit=unit))
    if unit.level == Level.DISTRICT and not context["successors"]:
        context["district_successors"] = selectors.district_successor_communes(district=unit)
    return render(request, "territory/unit.html", context)


def commune_home(request, code: str):
    try:
        commune = selectors.commune_get(code=code)
    except NotFound as exc:
        raise Http404(exc.message) from None
    commune_settings = commune_settings_for(commune=commune)
    if not commune_settings.public_pages_open and not can_see_closed_commune(
            user=request.user, commune=commune):
        raise Http404("public pages closed")
    villages = list(commune.villages.active().order_by("name_key", "name"))
    places_by_kind: OrderedDict = OrderedDict((kind, []) for kind in PlaceKind)
    for place in commune.places.active().select_related("village").order_by("name_key", "name"):
        places_by_kind[PlaceKind(place.kind)].append(place)
    village_population = sum(v.population or 0 for v in villages)
    context = {
        "commune": commune,
        "settings_row": commune_settings,
        "villages": villages,
        "places_by_kind": [(kind, PLACE_KIND_PLURALS[kind], rows)
                           for kind, rows in places_by_kind.items()],
        "place_count": sum(len(rows) for rows in places_by_kind.values()),
        "population": commune_settings.population or village_population or None,
        "predecessors": selectors.unit_predecessors(unit=commune),
        "tile_url": settings.SAFECOMMUNE_MAP_TILE_URL,
        "can_edit": can_edit_commune(user=request.user, commune=commune),
        "residence_work": _residence_work(request.user, commune),
    }
    return render(request, "territory/commune.html", context)


def _residence_work(user, commune) -> dict | None:
    """The residence work-list counts for the commune's staff (three COUNT queries)."""
    if not can_see_closed_commune(user=user, commune=commune):
        return None
    from safecommune.residents.residence.selectors import work_list_counts
    from safecommune.residents.stays.selectors import stay_counts

    counts = work_list_counts(user=user, commune=commune)
    counts["late_stays"] = stay_counts(user=user, commune=commune)["late"]
    return counts


# --- Staff editing ---------------------------------------------------------------------------

def _editable_commune(request, code: str):
    """The commune, if the user may edit it: anonymous users go to sign in, others get 403."""
    if not request.user.is_authenticated:
        raise _LoginRequired
    try:
        commune = selectors.commune_get(code=code)
    except NotFound as exc:
        raise Http404(exc.message) from None
    if not can_edit_commune(user=request.user, commune=commune):
        raise PermissionDenied
    return commune


class _LoginRequired(Exception):
    pass


def _staff_view(view):
    def wrapped(request, code: str):
        try:
            commune = _editable_commune(request, code)
        except _LoginRequired:
            return redirect_to_login(request.get_full_path())
        return view(request, commune)
    wrapped.__name__ = view.__name__
    wrapped.__doc__ = view.__doc__
    return wrapped


def _add_service_errors(form, exc: Exception) -> None:
    for error in errors_of(exc):
        field = error["field"] if error["field"] in form.fields else None
        form.add_error(field, error["message"])


def _edit_page(request, commune, form, title: str):
    return render(request, "territory/edit.html", {"commune": commune, "form": form,
                                                   "title": title},
                  status=400 if form.is_bound and form.errors else 200)


@_staff_view
def commune_settings_edit(request, commune):
    current = commune_settings_for(commune=commune)
    initial = {name: getattr(current, name) for name in services.SETTINGS_FIELDS}
    form = CommuneSettingsForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.commune_settings_update(actor=request.user, commune=commune,
                                             **form.cleaned_data)
        except DomainError as exc:
            _add_service_errors(form, exc)
        else:
            messages.success(request, _("The commune settings were saved."))
            return redirect("commune-home", code=commune.code)
    return _edit_page(request, commune, form, _("Commune settings"))


@_staff_view
def village_new(request, commune):
    predecessors = [s.predecessor for s in selectors.unit_predecessors(unit=commune)]
    form = VillageForm(request.POST or None, predecessors=predecessors)
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        former_code = data.pop("former_unit")
        former = next((u for u in predecessors if u.code == former_code), None)
        try:
            village = services.village_create(actor=request.user, commune=commune,
                                              former_unit=former, **data)
        except DomainError as exc:
            _add_service_errors(form, exc)
        else:
            messages.success(request, _("Village “%(name)s” was added.") % {"name": village.name})
            return redirect("commune-home", code=commune.code)
    return _edit_page(request, commune, form, _("Add a village"))


@_staff_view
def place_new(request, commune):
    villages = list(commune.villages.active().order_by("name_key", "name"))
    form = PlaceForm(request.POST or None, villages=villages)
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        village_id = data.pop("village")
        village = next((v for v in villages if str(v.pk) == village_id), None)
        try:
            place = services.place_create(actor=request.user, commune=commune, village=village,
                                          **data)
        except DomainError as exc:
            _add_service_errors(form, exc)
        else:
            messages.success(request, _("Place “%(name)s” was added.") % {"name": place.name})
            return redirect("commune-home", code=commune.code)
    return _edit_page(request, commune, form, _("Add a place"))
