"""The PyPI client ``georeport`` (read-only; in the ``test`` extra) against the live test server,
in JSON and XML, and one real HTTP form POST as any Open311 client sends it.

``live_server`` flushes the database when a test ends; ``conftest`` runs these tests last, and
the ``open311_data`` fixture reloads what an earlier live-server test emptied."""

from __future__ import annotations

import georeport
import pytest
import requests

from tests.open311.conftest import IA_KRAI, IA_KRAI_CENTRE
from tests.reseed import reseed

NAME, PHONE = "Trần Thị Bí Mật", "0912 345 678"


@pytest.fixture
def open311_data(live_server, transactional_db, monkeypatch):
    from safecommune.reports.open311.keys import api_key_create
    from safecommune.reports.services import report_create
    from safecommune.territory.models import AdministrativeUnit

    monkeypatch.setenv("NO_PROXY", "127.0.0.1,localhost")
    monkeypatch.setenv("no_proxy", "127.0.0.1,localhost")
    reseed()
    commune = AdministrativeUnit.objects.get(structure="2025", code=IA_KRAI)
    public = report_create(actor=None, unit=commune, category="fire", channel="open311",
                           description="Cháy rơm sau nhà văn hoá", point=(14.00549, 107.68551))
    tip = report_create(actor=None, unit=commune, category="theft", channel="public_web",
                        description="Thấy người lạ bẻ khoá xe", reporter_name=NAME,
                        reporter_phone=PHONE)
    return {"root": f"{live_server.url}/open311/v2", "public": public, "tip": tip,
            "key": api_key_create(name="georeport test").secret}


def test_georeport_reads_services_in_json_and_xml(open311_data):
    for fmt in ("json", "xml"):
        client = georeport.GeoReport(open311_data["root"], jurisdiction=IA_KRAI,
                                     output_format=fmt)

        services = client.get_service_list()

        codes = {service["service_code"] for service in services}
        assert "fire" in codes and "theft" not in codes and "national_security" not in codes
        fire = next(s for s in services if s["service_code"] == "fire")
        assert fire["service_name"] == "Cháy, nổ"
        definition = client.get_service_definition("fire")
        assert definition["service_code"] == "fire"


def test_georeport_reads_requests_in_json_and_xml(open311_data):
    public, tip = open311_data["public"], open311_data["tip"]
    for fmt in ("json", "xml"):
        client = georeport.GeoReport(open311_data["root"], jurisdiction=IA_KRAI,
                                     output_format=fmt)

        found = client.get_service_requests(status="open", service_code="fire")
        one = client.get_service_request(str(public.pk))

        # xmltodict gives a dict for a single <request>, a list for several.
        found = found if isinstance(found, list) else [found]
        assert [item["service_request_id"] for item in found] == [str(public.pk)]
        assert one["service_request_id"] == str(public.pk)
        assert float(one["lat"]) == 14.005 and float(one["long"]) == 107.686
        everything = client.get_service_requests(service_request_id=f"{public.pk},{tip.pk}")
        everything = everything if isinstance(everything, list) else [everything]
        assert [item["service_request_id"] for item in everything] == [str(public.pk)]
        with pytest.raises(requests.HTTPError):
            client.get_service_request(str(tip.pk))
        assert NAME not in str(everything) and PHONE not in str(everything)


def test_a_form_post_over_http_then_read_back_with_georeport(open311_data):
    response = requests.post(f"{open311_data['root']}/requests.json", data={
        "api_key": open311_data["key"], "service_code": "traffic_accident",
        "lat": IA_KRAI_CENTRE[0], "long": IA_KRAI_CENTRE[1],
        "description": "Xe tải lật ở dốc làng", "first_name": "Thị Bí Mật",
        "last_name": "Trần", "phone": PHONE}, timeout=30)

    assert response.status_code == 200, response.text
    request_id = response.json()[0]["service_request_id"]
    client = georeport.GeoReport(open311_data["root"])
    item = client.get_service_request(request_id)
    assert item["service_code"] == "traffic_accident" and item["status"] == "open"
    assert "description" not in item  # a named reporter's own words are not listed
    assert NAME not in str(item) and PHONE not in str(item)
