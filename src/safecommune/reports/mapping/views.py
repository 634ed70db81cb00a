"""The incidents map page: the list's filter form, the commune's outline, the counts and the
incidents without a point by village, all rendered on the server; the points come from
``GET /api/v1/incidents/points`` with the same query string and are drawn by
``static/safecommune/reports-map.js``. Without JavaScript or tiles the page still says what it
holds and lists what has no place."""

from __future__ import annotations

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone

from safecommune.reports import selectors
from safecommune.reports.forms import category_choices
from safecommune.reports.mapping.selectors import commune_outline, incident_map, points_max
from safecommune.reports.models import IncidentStatus
from safecommune.reports.views import _only_commune, reader_filters


def filter_context(user, filters) -> dict:
    """What the list's filter form needs (``reports/_filters.html``)."""
    commune = filters.commune or _only_commune(user)
    return {
        "commune": commune,
        "categories": category_choices(selectors.category_list(include_archived=True)),
        "statuses": IncidentStatus.choices,
        "villages": list(commune.villages.active().order_by("name_key")) if commune else [],
        "officers": selectors.assignable_officers(commune=commune) if commune else [],
    }


@login_required
def incident_map_page(request):
    user = request.user
    filters, error, status = reader_filters(request)
    context = filter_context(user, filters)
    outline = commune_outline(context["commune"])
    query = request.GET.urlencode() if error is None else ""
    context.update({
        "filters": filters, "params": request.GET, "error": error,
        "query": query,
        "map": incident_map(user=user, filters=filters, with_points=False, now=timezone.now()),
        "points_max": points_max(), "outline": outline,
        "boundary": outline.geometry if outline else None,
        "points_url": reverse("api-v1:incident_points") + (f"?{query}" if query else ""),
        "tile_url": settings.SAFECOMMUNE_MAP_TILE_URL,
        "tile_attribution": settings.SAFECOMMUNE_MAP_TILE_ATTRIBUTION,
    })
    return render(request, "reports/map.html", context, status=status)
