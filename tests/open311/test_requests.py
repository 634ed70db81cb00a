"""GET requests and requests/{id}: the public view of public reports — no tips, no non-public
or unlisted categories, no reporter, places rounded to 0.001° — with the spec's filters and its
90-day window."""

from __future__ import annotations

from datetime import timedelta
from xml.etree import ElementTree

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone, translation

from safecommune.reports.models import Category, IncidentStatus
from safecommune.reports.open311.models import ServicePolicy
from safecommune.reports.services import incident_open_from_report, incident_transition
from safecommune.territory.models import CommuneSettings
from safecommune.territory.services import village_create
from tests.open311.conftest import BASE, HAI_SON, IA_KRAI

pytestmark = pytest.mark.django_db

NAME, PHONE = "Trần Thị Bí Mật", "0912 345 678"


def vietnamese(label) -> str:
    with translation.override("vi"):
        return str(label)


def listed(client, **params) -> list[dict]:
    response = client.get(f"{BASE}/requests.json", params)
    assert response.status_code == 200, response.content
    return response.json()


def ids(items: list[dict]) -> list[int]:
    return [int(item["service_request_id"]) for item in items]


def close(officer, report, to: str = "unfounded"):
    incident = incident_open_from_report(actor=officer, report=report)
    for status in ("verifying", to, "closed"):
        incident = incident_transition(actor=officer, incident=incident, to_status=status)
    return incident


def test_requests_json_lists_a_public_report_coarsely(client, make_report, ia_krai):
    report = make_report(point=(14.00549, 107.68551))

    [item] = listed(client)

    assert item == {
        "service_request_id": str(report.pk), "status": "open",
        "status_notes": vietnamese(IncidentStatus.RECEIVED.label),
        "service_name": "Tai nạn giao thông",
        "service_code": "traffic_accident", "description": "Hai xe máy va chạm ở ngã ba",
        "agency_responsible": item["agency_responsible"], "service_notice": "",
        "requested_datetime": timezone.localtime(report.received_at).isoformat(
            timespec="seconds"),
        "updated_datetime": item["updated_datetime"], "address": "Xã Ia Krái",
        "lat": 14.005, "long": 107.686}
    assert item["requested_datetime"].endswith("+07:00")
    assert "Xã Ia Krái" in item["agency_responsible"]
    assert "media_url" not in item and "expected_datetime" not in item


@pytest.mark.parametrize(("point", "coarse"), [
    ((14.0004999, 107.6855), (14.0, 107.686)),
    ((14.0005, 107.68549), (14.001, 107.685)),
    ((8.6012345, 104.7277), (8.601, 104.728)),
])
def test_points_snap_to_the_nearest_thousandth_of_a_degree(point, coarse):
    from safecommune.reports.open311.present import coarse as snap

    assert (snap(point[0]), snap(point[1])) == coarse


def test_requests_xml_follows_the_spec(client, make_report, officer):
    open_report = make_report()
    closed_report = make_report()
    close(officer, closed_report)

    response = client.get(f"{BASE}/requests.xml")

    assert response.status_code == 200
    assert response["Content-Type"] == "text/xml; charset=utf-8"
    root = ElementTree.fromstring(response.content)
    assert root.tag == "service_requests"
    requests = {r.findtext("service_request_id"): r for r in root.findall("request")}
    assert set(requests) == {str(open_report.pk), str(closed_report.pk)}
    assert requests[str(open_report.pk)].findtext("status") == "open"
    assert requests[str(closed_report.pk)].findtext("status") == "closed"
    assert requests[str(closed_report.pk)].findtext("status_notes") == vietnamese(
        IncidentStatus.CLOSED.label)
    assert requests[str(open_report.pk)].findtext("lat") == "14.005"
    assert requests[str(open_report.pk)].find("media_url") is None


def test_the_address_is_the_village_and_commune_never_the_given_address(client, make_report,
                                                                       ia_krai):
    village = village_create(commune=ia_krai, name="Làng Ma Trận")
    make_report(village=village, place="Nhà số 7, ngõ 3, cạnh quán bà Tư")

    [item] = listed(client)

    assert item["address"] == "Làng Ma Trận, Xã Ia Krái"
    assert "quán bà Tư" not in str(item)


def test_default_window_is_the_last_90_days(client, make_report):
    recent = make_report(received_at=timezone.now() - timedelta(days=89))
    make_report(received_at=timezone.now() - timedelta(days=91))

    assert ids(listed(client)) == [recent.pk]


def test_a_lone_start_date_means_90_days_from_it(client, make_report):
    now = timezone.now()
    old = make_report(received_at=now - timedelta(days=150))
    make_report(received_at=now - timedelta(days=30))
    start = (now - timedelta(days=200)).isoformat()

    assert ids(listed(client, start_date=start)) == [old.pk]


def test_a_lone_end_date_means_90_days_up_to_it(client, make_report):
    now = timezone.now()
    old = make_report(received_at=now - timedelta(days=150))
    make_report(received_at=now - timedelta(days=5))
    make_report(received_at=now - timedelta(days=300))

    assert ids(listed(client, end_date=(now - timedelta(days=100)).isoformat())) == [old.pk]


def test_start_and_end_dates_select_the_period_in_w3c_or_date_form(client, make_report):
    now = timezone.now()
    inside = make_report(received_at=now - timedelta(days=40))
    make_report(received_at=now - timedelta(days=2))
    start = (now - timedelta(days=50)).strftime("%Y-%m-%dT%H:%M:%SZ")
    end = timezone.localdate(now - timedelta(days=10)).isoformat()

    assert ids(listed(client, start_date=start, end_date=end)) == [inside.pk]


@pytest.mark.parametrize("params", [
    {"start_date": "2025-01-01T00:00:00Z", "end_date": "2025-04-02T00:00:00Z"},  # 91 days
    {"start_date": "2025-03-01T00:00:00Z", "end_date": "2025-02-01T00:00:00Z"},
    {"start_date": "last week"},
    {"end_date": "2025-02-30"},
    {"start_date": "9999-12-31T23:59:59+14:00"},
    {"end_date": "0001-01-01T00:00:00Z"},
    {"start_date": "0001-01-01"},
    {"start_date": "2025-01-01T00:00:00Z" + "0" * 100},
    {"service_code": "theft"},
    {"service_code": "fire,no_such_service"},
    {"service_code": ",".join(["fire"] * 101)},
    {"status": "pending"},
    {"jurisdiction_id": "99999"},
    {"jurisdiction_id": "abc"},
    {"service_request_id": "12,abc"},
    {"service_request_id": ",".join(["1"] * 101)},
    {"service_request_id": "9" * 40},
])
@pytest.mark.parametrize("fmt", ["json", "xml"])
def test_bad_filters_are_a_400_with_the_spec_error_list(client, params, fmt):
    response = client.get(f"{BASE}/requests.{fmt}", params)

    assert response.status_code == 400, response.content
    if fmt == "json":
        assert response.json()[0]["code"] == 400
        assert response.json()[0]["description"]
    else:
        root = ElementTree.fromstring(response.content)
        assert root.tag == "errors"
        assert root.find("error").findtext("code") == "400"


def test_a_window_of_exactly_90_days_is_allowed(client):
    assert client.get(f"{BASE}/requests.json", {
        "start_date": "2025-01-01T00:00:00Z",
        "end_date": "2025-04-01T00:00:00Z"}).status_code == 200


def test_service_code_filter_takes_a_comma_list(client, make_report):
    accident = make_report(category="traffic_accident")
    fire = make_report(category="fire")
    make_report(category="land_dispute")

    assert sorted(ids(listed(client, service_code="traffic_accident,fire"))) == sorted(
        [accident.pk, fire.pk])
    assert ids(listed(client, service_code="fire")) == [fire.pk]


def test_status_filter_maps_the_incident_workflow(client, make_report, officer):
    received = make_report()
    handling = make_report()
    incident = incident_open_from_report(actor=officer, report=handling)
    for status in ("verifying", "verified", "handling"):
        incident = incident_transition(actor=officer, incident=incident, to_status=status)

    assert sorted(ids(listed(client, status="open"))) == sorted([received.pk, handling.pk])
    assert ids(listed(client, status="closed")) == []
    incident_transition(actor=officer, incident=incident, to_status="resolved")
    assert ids(listed(client, status="closed")) == [handling.pk]
    assert ids(listed(client, status="open")) == [received.pk]
    assert len(listed(client, status="open,closed")) == 2


def test_jurisdiction_filter(client, make_report, hai_son):
    mine = make_report()
    make_report(unit=hai_son, point=None, place="Chợ Hải Sơn")

    assert ids(listed(client, jurisdiction_id=IA_KRAI)) == [mine.pk]
    assert len(ids(listed(client, jurisdiction_id=HAI_SON))) == 1


def test_service_request_ids_override_the_other_filters(client, make_report):
    old = make_report(received_at=timezone.now() - timedelta(days=400))
    new = make_report(category="fire")

    found = listed(client, service_request_id=f"{old.pk},{new.pk}", service_code="other",
                   status="closed")

    assert sorted(ids(found)) == sorted([old.pk, new.pk])


@pytest.mark.parametrize("fmt", ["json", "xml"])
def test_one_request_is_an_array_of_one(client, make_report, fmt):
    report = make_report(received_at=timezone.now() - timedelta(days=400))

    response = client.get(f"{BASE}/requests/{report.pk}.{fmt}")

    assert response.status_code == 200
    if fmt == "json":
        assert ids(response.json()) == [report.pk]
    else:
        root = ElementTree.fromstring(response.content)
        assert [r.findtext("service_request_id") for r in root.findall("request")] == [
            str(report.pk)]


@pytest.mark.parametrize("id", ["999999", "abc", "1.5", "9" * 30])
def test_an_unknown_request_is_404(client, id):
    response = client.get(f"{BASE}/requests/{id}.json")

    assert response.status_code == 404
    assert response.json()[0]["code"] == 404


@pytest.mark.parametrize("fmt", ["json", "xml"])
def test_tokens_are_not_issued_so_every_token_is_404(client, fmt):
    response = client.get(f"{BASE}/tokens/abc123.{fmt}")

    assert response.status_code == 404


def test_description_only_for_described_categories_and_anonymous_reporters(client,
                                                                           make_report):
    anonymous = make_report(description="Xe tải chắn đường, gọi 0905.123.456 hoặc a@b.vn")
    named = make_report(description=f"Tôi là {NAME}, gọi {PHONE}", reporter_name=NAME,
                        reporter_phone=PHONE)
    undescribed = make_report(category="land_dispute", description="Nhà ông Ba lấn đất")

    items = {int(i["service_request_id"]): i for i in listed(client)}

    assert items[anonymous.pk]["description"] == "Xe tải chắn đường, gọi […] hoặc […]"
    assert "description" not in items[named.pk]
    assert "description" not in items[undescribed.pk]


def test_no_tip_non_public_unlisted_or_private_channel_report_is_ever_listed(
        client, make_report, officer, hai_son):
    """Whatever the filter, none of these appear, and none of them is reachable by id."""
    listed_report = make_report(category="traffic")
    hidden = [
        make_report(category="theft", reporter_name=NAME, reporter_phone=PHONE),  # a tip
        make_report(category="national_security"),  # not public
        make_report(category="drug_managed_person"),  # not public
        make_report(category="domestic_violence"),  # unlisted by its policy
        make_report(category="traffic", channel="hotline", reporter_name=NAME),
        make_report(category="traffic", channel="walk_in"),
        make_report(unit=hai_son, point=None, place="Hải Sơn"),  # commune closed below
    ]
    made_tip = make_report(category="other")
    incident_open_from_report(actor=officer, report=made_tip, is_tip=True)
    hidden.append(made_tip)
    CommuneSettings.objects.update_or_create(commune=hai_son,
                                             defaults={"public_pages_open": False})
    now = timezone.now()

    bodies = []
    for params in ({}, {"service_request_id": ",".join(str(r.pk) for r in hidden)},
                   {"status": "open"}, {"start_date": (now - timedelta(days=1)).isoformat()}):
        for fmt in ("json", "xml"):
            response = client.get(f"{BASE}/requests.{fmt}", params)
            assert response.status_code == 200
            bodies.append(response.content.decode())
    for report in hidden:
        assert client.get(f"{BASE}/requests/{report.pk}.json").status_code == 404

    assert ids(listed(client)) == [listed_report.pk]
    for body in bodies:
        assert NAME not in body and PHONE not in body and "0912" not in body


def test_a_category_closed_to_the_public_later_disappears(client, make_report):
    report = make_report(category="land_dispute")
    assert ids(listed(client)) == [report.pk]

    Category.objects.filter(code="land_dispute").update(is_public=False)

    assert listed(client) == []


def test_a_category_unlisted_later_disappears(client, make_report):
    make_report(category="fire")

    ServicePolicy.objects.update_or_create(category=Category.objects.get(code="fire"),
                                           defaults={"listed": False,
                                                     "show_description": False})

    assert listed(client) == []


def test_a_named_reporter_never_appears_in_any_response(client, submit):
    response = submit(service_code="fire", first_name="Thị Bí Mật", last_name="Trần",
                      phone=PHONE, email="bimat@example.org",
                      description=f"Cháy kho, tôi là {NAME} {PHONE}")
    request_id = response.json()[0]["service_request_id"]

    texts = [response.content.decode()]
    for fmt in ("json", "xml"):
        texts.append(client.get(f"{BASE}/requests.{fmt}").content.decode())
        texts.append(client.get(f"{BASE}/requests/{request_id}.{fmt}").content.decode())
    for text in texts:
        for secret in ("Trần", "Bí Mật", PHONE, "0912", "bimat@example.org"):
            assert secret not in text


def test_updated_datetime_follows_the_incident(client, make_report, officer):
    report = make_report(received_at=timezone.now() - timedelta(days=3))
    incident = close(officer, report)

    [item] = listed(client)

    assert item["updated_datetime"] == timezone.localtime(incident.status_changed_at).isoformat(
        timespec="seconds")
    assert item["requested_datetime"] < item["updated_datetime"]


def test_the_list_is_limited_and_newest_first(client, make_report, settings):
    settings.SAFECOMMUNE_OPEN311_LIST_LIMIT = 2
    now = timezone.now()
    reports = [make_report(received_at=now - timedelta(hours=hours)) for hours in (3, 1, 2)]

    assert ids(listed(client)) == [reports[1].pk, reports[2].pk]


def test_the_list_takes_the_same_queries_for_one_or_many(client, make_report,
                                                         django_assert_num_queries, ia_krai):
    village = village_create(commune=ia_krai, name="Làng Đếm")
    make_report(village=village)
    with CaptureQueriesContext(connection) as one:
        client.get(f"{BASE}/requests.json")
    for _ in range(8):
        make_report(village=village, category="fire")

    with django_assert_num_queries(len(one.captured_queries)):
        assert len(listed(client)) == 9
