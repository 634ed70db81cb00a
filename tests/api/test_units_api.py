"""The units API (/api/v1/units), health and OpenAPI, request-size limits, JSON errors."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from safecommune.territory.models import AdministrativeUnit, Level, Structure, UnitSuccession

API = "/api/v1"


def error_of(response, status: int) -> dict:
    """The single error of a JSON error response with that status."""
    assert response.status_code == status, response.content
    assert response["Content-Type"].startswith("application/json")
    errors = response.json()["errors"]
    assert len(errors) >= 1 and all(set(e) == {"field", "rule", "message"} for e in errors)
    assert all(e["message"] for e in errors)
    return errors[0]


@pytest.fixture
def split_commune(db):
    """(former commune, default part, another part) of a commune split by the reform."""
    row = (UnitSuccession.objects
           .filter(is_split=True, is_default=False, predecessor__level=Level.COMMUNE,
                   successor__area_km2__isnull=False)
           .select_related("predecessor", "successor").order_by("predecessor__code").first())
    default = UnitSuccession.objects.get(predecessor=row.predecessor, is_default=True).successor
    return row.predecessor, default, row.successor


# --- system --------------------------------------------------------------------------------

def test_health_reports_ok_and_the_database(client, db):
    response = client.get(f"{API}/health")

    assert response.status_code == 200
    data = response.json()
    assert data["status"] == "ok" and data["database"] == connection.vendor
    assert data["version"] and data["time"]


def test_openapi_lists_the_unit_operations(client, db):
    response = client.get(f"{API}/openapi.json")

    assert response.status_code == 200
    paths = response.json()["paths"]
    assert {f"{API}/health", f"{API}/units", f"{API}/units/resolve",
            f"{API}/units/{{structure}}/{{code}}"} <= set(paths)
    assert "get" in paths[f"{API}/units"]
    parameters = {p["name"] for p in paths[f"{API}/units"]["get"]["parameters"]}
    assert {"q", "structure", "level", "parent", "limit", "offset"} <= parameters


# --- list and search -----------------------------------------------------------------------

def test_cyrillic_search_finds_former_tri_quang_with_its_successor(client, db):
    data = client.get(f"{API}/units", {"q": "Трикуанг"}).json()

    first = data["results"][0]
    assert (first["structure"], first["code"], first["name"]) == ("legacy", "02935",
                                                                  "Xã Trì Quang")
    assert [s["unit"]["code"] for s in first["successors"]] == ["02926"]
    assert first["successors"][0]["is_split"] is False
    assert first["url"] == f"{API}/units/legacy/02935"
    assert first["parent"]["name"] == "Huyện Bảo Thắng"


def test_list_filters_by_structure_and_level(client, db):
    data = client.get(f"{API}/units", {"structure": "2025", "level": "province",
                                       "limit": 200}).json()

    assert data["count"] == 34 == len(data["results"])
    assert {(u["structure"], u["level"]) for u in data["results"]} == {("2025", "province")}


def test_list_filters_by_parent_code(client, db):
    data = client.get(f"{API}/units", {"parent": "52", "limit": 200}).json()

    expected = AdministrativeUnit.objects.filter(structure=Structure.CURRENT,
                                                 parent__code="52").count()
    assert data["count"] == expected > 50
    assert {u["parent"]["code"] for u in data["results"]} == {"52"}
    assert {u["structure"] for u in data["results"]} == {"2025"}


def test_search_within_a_parent(client, db):
    data = client.get(f"{API}/units", {"q": "ia krai", "parent": "52"}).json()
    assert data["results"][0]["name"] == "Xã Ia Krái"
    assert {u["province"]["code"] for u in data["results"]} == {"52"}


def test_legacy_parent_is_looked_up_in_the_legacy_structure(client, db):
    data = client.get(f"{API}/units", {"structure": "legacy", "parent": "15",
                                       "limit": 200}).json()
    assert data["count"] > 0
    assert {u["parent"]["name"] for u in data["results"]} == {"Tỉnh Yên Bái"}


def test_limit_and_offset_page_through_the_list(client, db):
    params = {"structure": "2025", "level": "province"}
    first = client.get(f"{API}/units", {**params, "limit": 10}).json()
    second = client.get(f"{API}/units", {**params, "limit": 10, "offset": 10}).json()
    last = client.get(f"{API}/units", {**params, "limit": 10, "offset": 30}).json()

    codes = [u["code"] for page in (first, second) for u in page["results"]]
    assert len(codes) == len(set(codes)) == 20
    assert codes == sorted(codes)
    assert len(last["results"]) == 4
    assert first["count"] == second["count"] == last["count"] == 34


def test_search_count_does_not_depend_on_the_page_size(client, db):
    # "count" is how many units match, so a client can tell whether there is a next page.
    small = client.get(f"{API}/units", {"q": "ia", "limit": 5}).json()
    large = client.get(f"{API}/units", {"q": "ia", "limit": 200}).json()

    assert len(small["results"]) == 5
    assert small["count"] == large["count"]


def test_search_pages_do_not_overlap(client, db):
    first = client.get(f"{API}/units", {"q": "ia", "limit": 5}).json()["results"]
    second = client.get(f"{API}/units", {"q": "ia", "limit": 5, "offset": 5}).json()["results"]
    assert len(second) == 5
    assert not {(u["structure"], u["code"]) for u in first} & {
        (u["structure"], u["code"]) for u in second}


def test_list_of_50_units_uses_a_bounded_number_of_queries(client, db,
                                                           django_assert_max_num_queries):
    with CaptureQueriesContext(connection) as few:
        client.get(f"{API}/units", {"structure": "legacy", "level": "commune", "limit": 2})

    with django_assert_max_num_queries(4), CaptureQueriesContext(connection) as many:
        response = client.get(f"{API}/units", {"structure": "legacy", "level": "commune",
                                               "limit": 50})

    assert len(response.json()["results"]) == 50
    assert len(many) == len(few)


def test_search_of_50_units_uses_a_bounded_number_of_queries(client, db,
                                                             django_assert_max_num_queries):
    with django_assert_max_num_queries(3):
        response = client.get(f"{API}/units", {"q": "xa", "limit": 50})
    assert len(response.json()["results"]) == 50


# --- one unit ------------------------------------------------------------------------------

def test_province_detail_lists_its_communes(client, db):
    data = client.get(f"{API}/units/2025/52").json()

    assert data["name"] == "Tỉnh Gia Lai" and data["level"] == "province"
    expected = AdministrativeUnit.objects.filter(structure=Structure.CURRENT, parent__code="52",
                                                 level=Level.COMMUNE).count()
    assert len(data["children"]) == expected
    assert "Xã Ia Krái" in {c["name"] for c in data["children"]}
    assert {c["level"] for c in data["children"]} == {"commune"}


def test_current_commune_detail_lists_its_predecessors(client, db):
    data = client.get(f"{API}/units/2025/02926").json()

    assert {p["unit"]["code"] for p in data["predecessors"]} == {"02920", "02926", "02935"}
    assert all(p["unit"]["structure"] == "legacy" for p in data["predecessors"])
    assert data["successors"] == [] and data["children"] == []
    assert data["valid_from"] == "2025-07-01" and data["valid_to"] is None


def test_split_commune_detail_marks_one_default_successor(client, split_commune):
    former, default, other = split_commune

    data = client.get(f"{API}/units/legacy/{former.code}").json()

    successors = {s["unit"]["code"]: s for s in data["successors"]}
    assert successors[default.code]["is_default"] is True
    assert successors[other.code]["is_default"] is False
    assert all(s["is_split"] for s in successors.values())
    assert data["successors"][0]["unit"]["code"] == default.code
    assert data["valid_to"] == "2025-06-30"


# --- resolve -------------------------------------------------------------------------------

def test_resolve_former_commune_merged_whole(client, db):
    data = client.get(f"{API}/units/resolve", {"structure": "legacy", "code": "02935"}).json()

    assert data["commune"] == {"structure": "2025", "code": "02926", "name": "Xã Xuân Quang"}
    assert data["method"] == "sole_successor" and data["explanation"]


def test_resolve_split_commune_by_point_and_by_default(client, split_commune):
    former, default, other = split_commune
    params = {"structure": "legacy", "code": former.code}

    by_point = client.get(f"{API}/units/resolve",
                          {**params, "lat": other.latitude, "lon": other.longitude}).json()
    by_default = client.get(f"{API}/units/resolve", params).json()

    assert (by_point["commune"]["code"], by_point["method"]) == (other.code, "point")
    assert (by_default["commune"]["code"], by_default["method"]) == (default.code, "default")


@pytest.mark.parametrize("params,status,field", [
    ({"structure": "legacy", "code": "99999"}, 404, "code"),
    ({"structure": "legacy", "code": "02935", "lat": "21.0"}, 400, "lat"),
    ({"structure": "legacy", "code": "02935", "lon": "105.0"}, 400, "lat"),
    ({"structure": "2025", "code": "02926", "lat": "95", "lon": "105"}, 400, "lat"),
    ({"structure": "legacy", "code": "02935", "lat": "21", "lon": "x"}, 422, "lon"),
    ({"structure": "legacy", "code": "15"}, 400, "unit"),
    ({"structure": "bogus", "code": "15"}, 422, "structure"),
    ({"code": "02935"}, 422, "structure"),
], ids=["unknown-code", "lat-only", "lon-only", "lat-out-of-range", "lon-not-a-number",
        "province", "unknown-structure", "no-structure"])
def test_resolve_refuses_bad_input_with_a_json_error(client, db, params, status, field):
    error = error_of(client.get(f"{API}/units/resolve", params), status)
    assert error["field"] == field


# --- errors --------------------------------------------------------------------------------

@pytest.mark.parametrize("url,field", [
    (f"{API}/units/2025/99999", "code"),
    (f"{API}/units/legacy/99999", "code"),
    (f"{API}/units/bogus/1", "structure"),
])
def test_unknown_unit_is_a_json_404(client, db, url, field):
    assert error_of(client.get(url), 404)["field"] == field


@pytest.mark.parametrize("params,status,field", [
    ({"limit": 0}, 422, "limit"),
    ({"limit": 201}, 422, "limit"),
    ({"limit": "ten"}, 422, "limit"),
    ({"offset": -1}, 422, "offset"),
    ({"q": "x" * 101}, 422, "q"),
    ({"level": "hamlet"}, 422, "level"),
    ({"structure": "1999"}, 422, "structure"),
    ({"parent": "99"}, 400, "parent"),
    ({"parent": "02935", "structure": "2025"}, 400, "parent"),
], ids=["limit-0", "limit-201", "limit-text", "offset-negative", "q-too-long", "bad-level",
        "bad-structure", "unknown-parent", "parent-in-other-structure"])
def test_bad_list_parameters_are_json_errors_naming_the_parameter(client, db, params, status,
                                                                  field):
    assert error_of(client.get(f"{API}/units", params), status)["field"] == field


def test_unknown_api_path_is_a_json_404(client, db):
    response = client.get(f"{API}/nothing-here")
    assert response.status_code == 404


def test_oversize_body_is_refused_with_413_naming_the_body(client, db, settings):
    body = b"x" * (settings.SAFECOMMUNE_MAX_BODY_BYTES + 1)

    response = client.post(f"{API}/health", body, content_type="application/octet-stream")

    assert error_of(response, 413)["field"] == "body"


def test_two_megabyte_body_is_refused(client, db):
    response = client.post(f"{API}/health", b"x" * (2 * 1024 * 1024),
                           content_type="application/octet-stream")
    assert error_of(response, 413)["rule"] == "max_size"


def test_body_at_the_limit_is_not_refused_for_its_size(client, db, settings):
    settings.SAFECOMMUNE_MAX_BODY_BYTES = 1000

    at_limit = client.post(f"{API}/health", b"x" * 1000, content_type="text/plain")
    over = client.post(f"{API}/health", b"x" * 1001, content_type="text/plain")

    assert at_limit.status_code == 405  # health is GET only: the size passed
    assert over.status_code == 413


@pytest.mark.parametrize("length", ["-5", "abc", "1e3"])
def test_garbage_content_length_is_a_400(client, db, length):
    response = client.generic("POST", f"{API}/health", b"", CONTENT_LENGTH=length)
    assert error_of(response, 400)["field"] == "Content-Length"
