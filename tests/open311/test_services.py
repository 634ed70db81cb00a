"""GET services and service definitions: only the categories open to the public, in JSON and
XML, named in the request's language."""

from __future__ import annotations

from xml.etree import ElementTree

import pytest

from safecommune.reports.models import Category
from safecommune.reports.open311.models import ServicePolicy
from tests.open311.conftest import BASE, IA_KRAI

pytestmark = pytest.mark.django_db


def offered_codes() -> set[str]:
    return set(Category.objects.filter(is_public=True, is_tip=False, archived_at__isnull=True)
               .values_list("code", flat=True))


def test_services_json_lists_public_categories_that_are_not_tips(client):
    response = client.get(f"{BASE}/services.json")

    assert response.status_code == 200
    assert response["Content-Type"] == "application/json; charset=utf-8"
    services = response.json()
    codes = {s["service_code"] for s in services}
    assert codes == offered_codes()
    assert "theft" not in codes and "national_security" not in codes
    assert "drug_managed_person" not in codes  # not open to residents
    accident = next(s for s in services if s["service_code"] == "traffic_accident")
    assert accident == {
        "service_code": "traffic_accident", "service_name": "Tai nạn giao thông",
        "description": accident["description"], "metadata": False, "type": "realtime",
        "keywords": "traffic,traffic_accident", "group": "Trật tự, an toàn giao thông"}
    assert accident["description"]
    assert response["Content-Language"] == "vi"


def test_services_xml_follows_the_spec(client):
    response = client.get(f"{BASE}/services.xml")

    assert response.status_code == 200
    assert response["Content-Type"] == "text/xml; charset=utf-8"
    assert response.content.startswith(b'<?xml version="1.0" encoding="UTF-8"?>')
    root = ElementTree.fromstring(response.content)
    assert root.tag == "services"
    services = root.findall("service")
    assert {s.findtext("service_code") for s in services} == offered_codes()
    fire = next(s for s in services if s.findtext("service_code") == "fire")
    assert fire.findtext("service_name") == "Cháy, nổ"
    assert fire.findtext("metadata") == "false"
    assert fire.findtext("type") == "realtime"
    assert fire.findtext("group") == "Cháy, nổ"


@pytest.mark.parametrize(("locale", "name"), [("en", "Fire and explosion"),
                                              ("ru_RU", "Пожар и взрыв"),
                                              ("sv-SE", "Brand och explosion"),
                                              ("xx", "Cháy, nổ")])
def test_service_names_follow_the_locale_parameter(client, locale, name):
    response = client.get(f"{BASE}/services.json", {"locale": locale})

    fire = next(s for s in response.json() if s["service_code"] == "fire")
    assert fire["service_name"] == name


def test_service_names_follow_the_language_cookie(client, settings):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"

    response = client.get(f"{BASE}/services.json")

    fire = next(s for s in response.json() if s["service_code"] == "fire")
    assert fire["service_name"] == "Fire and explosion"
    assert response["Content-Language"] == "en"


def test_archived_and_newly_closed_categories_leave_the_list(client):
    Category.objects.filter(code="fire").update(archived_at="2025-01-01T00:00:00Z")
    Category.objects.filter(code="other").update(is_public=False)

    codes = {s["service_code"] for s in client.get(f"{BASE}/services.json").json()}

    assert "fire" not in codes and "other" not in codes


def test_the_description_says_how_a_category_is_listed(client):
    services = {s["service_code"]: s for s in
                client.get(f"{BASE}/services.json", {"locale": "en"}).json()}

    assert "never listed publicly" in services["domestic_violence"]["description"]
    assert "with the description" in services["traffic_accident"]["description"]
    assert "without the description" in services["land_dispute"]["description"]


def test_services_take_a_valid_jurisdiction_and_refuse_an_unknown_one(client):
    assert client.get(f"{BASE}/services.json", {"jurisdiction_id": IA_KRAI}).status_code == 200

    response = client.get(f"{BASE}/services.json", {"jurisdiction_id": "99999"})

    assert response.status_code == 400
    assert response.json()[0]["code"] == 400
    assert "99999" in response.json()[0]["description"]


@pytest.mark.parametrize("path", ["services/fire", "service/fire"])
def test_service_definition_json_and_its_singular_alias(client, path):
    response = client.get(f"{BASE}/{path}.json")

    assert response.status_code == 200
    assert response.json() == {"service_code": "fire", "attributes": []}


def test_service_definition_xml(client):
    response = client.get(f"{BASE}/services/fire.xml")

    root = ElementTree.fromstring(response.content)
    assert root.tag == "service_definition"
    assert root.findtext("service_code") == "fire"
    assert root.find("attributes") is not None and len(root.find("attributes")) == 0


@pytest.mark.parametrize("code", ["theft", "national_security", "no_such_code", "x" * 300,
                                  "%E2%80%A6"])
@pytest.mark.parametrize("fmt", ["json", "xml"])
def test_unknown_tip_or_non_public_service_is_404(client, code, fmt):
    response = client.get(f"{BASE}/services/{code}.{fmt}")

    assert response.status_code == 404
    if fmt == "json":
        assert response.json()[0]["code"] == 404
    else:
        error = ElementTree.fromstring(response.content).find("error")
        assert error.findtext("code") == "404"
        assert error.findtext("description")


def test_unknown_format_is_a_404_with_an_error_body(client):
    response = client.get(f"{BASE}/services.csv")

    assert response.status_code == 404
    assert response.json()[0]["code"] == 404


def test_posting_to_services_is_405(client):
    response = client.post(f"{BASE}/services.json")

    assert response.status_code == 405
    assert response["Allow"] == "GET, HEAD"


def test_unlisted_policy_does_not_remove_the_service(client):
    ServicePolicy.objects.filter(category__code="domestic_violence").update(listed=False)

    codes = {s["service_code"] for s in client.get(f"{BASE}/services.json").json()}

    assert "domestic_violence" in codes


def test_services_take_two_queries(client, django_assert_max_num_queries):
    with django_assert_max_num_queries(3):
        client.get(f"{BASE}/services.json")
