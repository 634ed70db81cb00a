"""Pages: unit search, a unit across the reform, a province's communes, a commune's home."""

from __future__ import annotations

from collections import OrderedDict

from django.conf import settings
from django.http import Http404
from django.shortcuts import render

from safecommune.core.errors import DomainError, NotFound
from safecommune.territory import selectors
from safecommune.territory.models import Level, PlaceKind, Structure
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
    return render(request, "territory/unit.html", context)


def commune_home(request, code: str):
    try:
        commune = selectors.commune_get(code=code)
    except NotFound as exc:
        raise Http404(exc.message) from None
    commune_settings = commune_settings_for(commune=commune)
    if not commune_settings.public_pages_open and not request.user.is_staff:
        raise Http404("public pages closed")
    villages = list(commune.villages.active().order_by("name"))
    places_by_kind: OrderedDict = OrderedDict((kind, []) for kind in PlaceKind)
    for place in commune.places.active().select_related("village").order_by("name"):
        places_by_kind[PlaceKind(place.kind)].append(place)
    village_population = sum(v.population or 0 for v in villages)
    context = {
        "commune": commune,
        "settings_row": commune_settings,
        "villages": villages,
        "places_by_kind": [(kind, rows) for kind, rows in places_by_kind.items()],
        "place_count": sum(len(rows) for rows in places_by_kind.values()),
        "population": commune_settings.population or village_population or None,
        "predecessors": selectors.unit_predecessors(unit=commune),
        "tile_url": settings.SAFECOMMUNE_MAP_TILE_URL,
    }
    return render(request, "territory/commune.html", context)
