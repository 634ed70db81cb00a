"""The communes API: public reads, staff writes, JSON errors naming the field and rule."""

import json

import pytest

from safecommune.territory.models import CommuneSettings, Place, Village
from safecommune.territory.services import commune_settings_update

BASE = "/api/v1/communes/23776"


def post(client, url, payload, method="post"):
    body = payload if isinstance(payload, (str, bytes)) else json.dumps(payload)
    return getattr(client, method)(url, body, content_type="application/json")


def test_commune_facts_are_public_without_the_chiefs_number(client, units):
    commune_settings_update(commune=units("2025", "23776"), duty_hotline="0269 3800 113",
                            chief_phone="0905 100 776")
    data = client.get(BASE).json()
    assert data["name"] == "Xã Ia Krái" and data["province"] == "Tỉnh Gia Lai"
    assert data["settings"]["duty_hotline"] == "0269 3800 113"
    assert data["settings"]["chief_phone"] is None


def test_staff_see_the_chiefs_number(client, staff_user, units):
    commune_settings_update(commune=units("2025", "23776"), chief_phone="0905 100 776")
    client.force_login(staff_user)
    assert client.get(BASE).json()["settings"]["chief_phone"] == "0905 100 776"


def test_closed_commune_is_404_for_the_public_and_visible_to_staff(client, staff_user, units):
    commune_settings_update(commune=units("2025", "23776"), public_pages_open=False)
    assert client.get(BASE).status_code == 404
    assert client.get(f"{BASE}/villages").status_code == 404
    client.force_login(staff_user)
    assert client.get(BASE).status_code == 200


@pytest.mark.parametrize("url", ["/api/v1/communes/02935", "/api/v1/communes/99999",
                                 "/api/v1/communes/52"])
def test_not_a_current_commune_is_404_json(client, db, url):
    response = client.get(url)
    assert response.status_code == 404
    assert response.json()["errors"][0]["field"] == "code"


@pytest.mark.parametrize("method,url,payload", [
    ("post", f"{BASE}/villages", {"name": "Làng Mới"}),
    ("post", f"{BASE}/places", {"name": "Trạm Y tế", "kind": "agency"}),
    ("patch", f"{BASE}/settings", {"is_remote": True}),
])
def test_writes_need_a_signed_in_staff_user(client, plain_user, method, url, payload):
    assert post(client, url, payload, method).status_code == 401
    client.force_login(plain_user)
    assert post(client, url, payload, method).status_code == 403
    assert not Village.objects.exists() and not Place.objects.exists()
    assert not CommuneSettings.objects.exists()


def test_staff_add_a_village_then_list_it(client, staff_user):
    client.force_login(staff_user)
    response = post(client, f"{BASE}/villages", {"name": "Làng Mới", "kind": "hamlet",
                                                 "population": 420})
    assert response.status_code == 201
    assert response.json()["kind"] == "hamlet"
    assert [v["name"] for v in client.get(f"{BASE}/villages").json()] == ["Làng Mới"]


def test_village_of_former_commune_must_be_a_predecessor(client, staff_user):
    client.force_login(staff_user)
    response = post(client, "/api/v1/communes/02926/villages",
                    {"name": "Thôn Cốc Sâm", "former_unit": "06724"})
    assert response.status_code == 400
    assert response.json()["errors"][0] == {
        "field": "former_unit", "rule": "predecessor",
        "message": response.json()["errors"][0]["message"]}
    response = post(client, "/api/v1/communes/02926/villages",
                    {"name": "Thôn Cốc Sâm", "former_unit": "00000"})
    assert response.status_code == 422 and response.json()["errors"][0]["field"] == "former_unit"
    assert post(client, "/api/v1/communes/02926/villages",
                {"name": "Thôn Cốc Sâm", "former_unit": "02935"}).status_code == 201


@pytest.mark.parametrize("payload,field,rule", [
    ({}, "name", "missing"),
    ({"name": ""}, "name", "string_too_short"),
    ({"name": "X", "kind": "castle"}, "kind", "enum"),
    ({"name": "X", "latitude": 91, "longitude": 10}, "latitude", "less_than_equal"),
    ({"name": "X", "latitude": 14.0}, "latitude", "pair"),
    ({"name": "X", "population": -1}, "population", "greater_than_equal"),
])
def test_bad_village_is_refused_naming_field_and_rule(client, staff_user, payload, field, rule):
    client.force_login(staff_user)
    response = post(client, f"{BASE}/villages", payload)
    assert 400 <= response.status_code < 500
    error = response.json()["errors"][0]
    assert (error["field"], error["rule"]) == (field, rule)
    assert not Village.objects.exists()


@pytest.mark.parametrize("body,message_part", [
    ('{"name": "x"', "not valid JSON"),
    ("[1, 2]", "JSON object"),
    (b"\xff\xfe", "not valid JSON"),
])
def test_malformed_json_body_is_400_naming_the_body(client, staff_user, body, message_part):
    client.force_login(staff_user)
    response = post(client, f"{BASE}/villages", body)
    assert response.status_code == 400
    error = response.json()["errors"][0]
    assert error["field"] == "body" and error["rule"] == "json"
    assert not Village.objects.exists()


def test_oversize_body_is_413_and_nothing_written(client, staff_user, settings):
    client.force_login(staff_user)
    big = json.dumps({"name": "X", "padding": "a" * (settings.SAFECOMMUNE_MAX_BODY_BYTES + 1)})
    response = post(client, f"{BASE}/villages", big)
    assert response.status_code == 413
    assert response.json()["errors"][0]["field"] == "body"
    assert not Village.objects.exists()


def test_place_in_a_village_of_another_commune_is_404(client, staff_user):
    client.force_login(staff_user)
    other = post(client, "/api/v1/communes/06724/villages", {"name": "Thôn Pò Hèn"}).json()
    response = post(client, f"{BASE}/places", {"name": "Trạm", "kind": "agency",
                                               "village_id": other["id"]})
    assert response.status_code == 404
    assert response.json()["errors"][0]["field"] == "village_id"
    assert not Place.objects.exists()


def test_settings_patch_changes_only_what_is_sent(client, staff_user, units):
    commune_settings_update(commune=units("2025", "23776"), duty_hotline="0269 3800 113")
    client.force_login(staff_user)
    response = post(client, f"{BASE}/settings", {"is_remote": True}, method="patch")
    assert response.status_code == 200
    assert response.json()["duty_hotline"] == "0269 3800 113" and response.json()["is_remote"]


def test_settings_patch_with_bad_phone_changes_nothing(client, staff_user, units):
    commune_settings_update(commune=units("2025", "23776"), duty_hotline="0269 3800 113")
    client.force_login(staff_user)
    response = post(client, f"{BASE}/settings", {"duty_hotline": "abc", "is_remote": True},
                    method="patch")
    assert response.status_code == 422
    assert response.json()["errors"][0]["rule"] == "phone"
    row = CommuneSettings.objects.get()
    assert (row.duty_hotline, row.is_remote) == ("0269 3800 113", False)


def test_village_list_has_no_n_plus_one(client, staff_user, django_assert_max_num_queries):
    client.force_login(staff_user)
    for n in range(12):
        post(client, f"{BASE}/villages", {"name": f"Làng {n}"})
    with django_assert_max_num_queries(8):
        assert len(client.get(f"{BASE}/villages").json()) == 12
