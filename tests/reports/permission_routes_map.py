"""Permission tables of the incidents map and exports (issue 5, item 5): the list's readers
(the commune's staff, the province roles) see them; residents and team members get 403 on the
pages, nothing on the points; another commune's officer sees only their own commune's, and
naming Ia Krái is a 404 for them."""

from __future__ import annotations

from tests.permission_matrix import IA_KRAI, READERS, Route, table

MAP_ROUTES: dict[str, Route] = {
    "reports-map": Route("get", "/reports/map/", table(403, anonymous=302,
                                                       other_commune_officer=200, **READERS)),
    "incident-export-csv": Route("get", f"/reports/export.csv?commune={IA_KRAI}",
                                 table(403, anonymous=302, other_commune_officer=404,
                                       **READERS)),
    "incident-export-xlsx": Route("get", "/reports/export.xlsx?status=received",
                                  table(403, anonymous=302, other_commune_officer=200,
                                        **READERS)),
    "safecommune_api_incident_lists_incident_points": Route(
        "get", f"/api/v1/incidents/points?commune={IA_KRAI}",
        table(404, anonymous=401, **READERS)),
    "safecommune_api_incident_lists_incident_export": Route(
        "get", "/api/v1/incidents/export?format=xlsx",
        table(403, anonymous=401, other_commune_officer=200, **READERS)),
}
