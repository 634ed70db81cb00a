"""Permission tables of Open311 GeoReport v2 (issue 5, item 7): every route answers every
persona alike. Reading is public; submitting needs a client key, not an account, so a
signed-in session neither helps nor hurts."""

from __future__ import annotations

from urllib.parse import urlencode

from tests.permission_matrix import IA_KRAI, Route, everyone

BASE = "/open311/v2"


def _key() -> dict:
    from safecommune.reports.open311.keys import api_key_create

    return {"key": api_key_create(name="Ma Trận client").secret}


def _public_request() -> dict:
    from safecommune.reports.services import report_create
    from safecommune.territory.models import AdministrativeUnit

    commune = AdministrativeUnit.objects.get(structure="2025", code=IA_KRAI)
    report = report_create(actor=None, unit=commune, category="fire", channel="open311",
                           description="Cháy rơm Ma Trận", place="Làng Ma Trận")
    return {"id": report.pk}


_FORM = urlencode({"service_code": "fire", "jurisdiction_id": IA_KRAI,
                   "address_string": "Làng Ma Trận", "description": "Cháy rơm Ma Trận"})

OPEN311_ROUTES: dict[str, Route] = {
    "open311:services": Route("get", f"{BASE}/services.json", everyone(200)),
    "open311:service-definition": Route("get", f"{BASE}/services/fire.json", everyone(200)),
    "open311:service-definition-alias": Route("get", f"{BASE}/service/fire.xml",
                                              everyone(200)),
    "open311:requests": Route("get", f"{BASE}/requests.json?status=open", everyone(200)),
    "open311:requests:post": Route(
        "post", f"{BASE}/requests.json", everyone(200), prepare=_key,
        data="api_key={key}&" + _FORM,
        headers={"content_type": "application/x-www-form-urlencoded"}),
    "open311:requests:post-without-key": Route(
        "post", f"{BASE}/requests.xml", everyone(403), data=_FORM,
        headers={"content_type": "application/x-www-form-urlencoded"}),
    "open311:request": Route("get", BASE + "/requests/{id}.json", everyone(200),
                             prepare=_public_request),
    "open311:token": Route("get", f"{BASE}/tokens/unknown.json", everyone(404)),
}
