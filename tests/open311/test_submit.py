"""POST requests: plain form posts as the spec describes, with a client key; routed to the
commune that contains the point; bad input a 400 naming the field, never a 500, never a
half-written record."""

from __future__ import annotations

import logging
from datetime import timedelta
from xml.etree import ElementTree

import pytest
from django.utils import timezone

from safecommune.core.models import AuditEntry
from safecommune.reports.models import Report, ReporterIdentity
from safecommune.reports.open311.keys import api_key_revoke
from safecommune.reports.open311.models import Submission
from safecommune.territory.models import CommuneSettings
from tests.open311.conftest import (
    BASE,
    HAI_SON,
    IA_KRAI,
    IA_KRAI_CENTRE,
    NO_COMMUNE,
    dump_database,
)

pytestmark = pytest.mark.django_db


def only_report() -> Report:
    assert Report.objects.count() == 1
    return Report.objects.select_related("commune", "category").get()


def test_a_form_post_creates_a_received_open311_report(submit, ia_krai):
    response = submit()

    assert response.status_code == 200
    assert response["Content-Type"] == "application/json; charset=utf-8"
    report = only_report()
    assert response.json() == [{"service_request_id": str(report.pk),
                                "service_notice": response.json()[0]["service_notice"],
                                "account_id": None}]
    assert "Xã Ia Krái" in response.json()[0]["service_notice"]
    assert report.commune == ia_krai and report.channel == "open311"
    assert report.category.code == "traffic_accident"
    assert report.point == IA_KRAI_CENTRE
    assert report.incident is None and report.is_anonymous
    assert not ReporterIdentity.objects.exists()
    assert Submission.objects.get(report=report).media_url == ""


def test_the_xml_answer_follows_the_spec(submit):
    response = submit("xml")

    assert response.status_code == 200
    assert response["Content-Type"] == "text/xml; charset=utf-8"
    root = ElementTree.fromstring(response.content)
    assert root.tag == "service_requests"
    request = root.find("request")
    assert request.findtext("service_request_id") == str(only_report().pk)
    assert request.findtext("service_notice")
    assert request.find("account_id") is not None


def test_the_point_is_routed_to_the_commune_that_contains_it(submit, ia_krai):
    assert submit(jurisdiction_id=None).status_code == 200

    assert only_report().commune == ia_krai


@pytest.mark.parametrize("fmt", ["json", "xml"])
def test_a_point_in_no_commune_is_a_400_that_says_so(submit, fmt):
    response = submit(fmt, lat=str(NO_COMMUNE[0]), long=str(NO_COMMUNE[1]))

    assert response.status_code == 400
    if fmt == "json":
        body = response.json()
        assert body[0]["code"] == 400
        description = body[0]["description"]
    else:
        description = ElementTree.fromstring(response.content).find("error").findtext(
            "description")
    assert "không thuộc xã nào" in description or "no commune" in description
    assert not Report.objects.exists()


def test_jurisdiction_id_from_the_body_or_the_query_string(submit, ia_krai):
    assert submit(jurisdiction_id=IA_KRAI).status_code == 200
    assert submit(query=f"jurisdiction_id={IA_KRAI}").status_code == 200

    assert set(Report.objects.values_list("commune", flat=True)) == {ia_krai.pk}


def test_a_point_outside_the_given_jurisdiction_is_a_400(submit):
    response = submit(jurisdiction_id=HAI_SON)

    assert response.status_code == 400
    assert not Report.objects.exists()


def test_jurisdiction_with_an_address_and_no_point(submit, ia_krai):
    response = submit(jurisdiction_id=IA_KRAI, lat=None, long=None,
                      address_string="Ngã ba làng Kép")

    assert response.status_code == 200
    report = only_report()
    assert report.commune == ia_krai and report.point is None
    assert report.place == "Ngã ba làng Kép"


def test_the_api_key_may_come_in_the_query_string(submit, api_key):
    response = submit(api_key=None, query=f"api_key={api_key}")

    assert response.status_code == 200


@pytest.mark.parametrize("fmt", ["json", "xml"])
def test_without_an_api_key_it_is_403(submit, fmt):
    response = submit(fmt, api_key=None)

    assert response.status_code == 403
    assert not Report.objects.exists()


@pytest.mark.parametrize("key", ["nonsense", "o311_000000000000_guess", "sc_x_y", "o311_" * 40])
def test_an_invalid_api_key_is_403(submit, key):
    response = submit(api_key=key)

    assert response.status_code == 403
    assert response.json()[0]["code"] == 403


def test_a_revoked_api_key_is_403(submit, issued):
    api_key_revoke(key=issued.key)

    assert submit().status_code == 403


def test_a_named_reporter_is_kept_apart_family_name_first(submit):
    response = submit(first_name="Văn An", last_name="Nguyễn", phone="0905 123 456",
                      email="an@example.org")

    assert response.status_code == 200
    report = only_report()
    identity = ReporterIdentity.objects.get(report=report)
    assert (identity.name, identity.phone, identity.email) == ("Nguyễn Văn An", "0905 123 456",
                                                               "an@example.org")
    assert not report.is_anonymous
    assert "Nguyễn" not in report.description and "an@example.org" not in report.description


def test_an_email_alone_names_the_reporter_and_is_encrypted_at_rest(submit):
    from django.db import connection

    assert submit(email="chi.mai@example.org").status_code == 200

    report = only_report()
    identity = ReporterIdentity.objects.get(report=report)
    assert not report.is_anonymous and identity.email == "chi.mai@example.org"
    with connection.cursor() as cursor:
        cursor.execute("SELECT email FROM reports_reporteridentity WHERE id = %s", [identity.pk])
        stored = cursor.fetchone()[0]
    assert "example.org" not in stored and stored.startswith("v1:")


def test_media_url_is_stored_as_text_and_never_fetched(submit, monkeypatch):
    import socket

    def no_network(*args, **kwargs):
        raise AssertionError("the server must not fetch media_url")

    monkeypatch.setattr(socket, "create_connection", no_network)
    response = submit(media_url="https://example.org/photos/1.jpg")

    assert response.status_code == 200
    assert Submission.objects.get().media_url == "https://example.org/photos/1.jpg"


def test_a_valid_requested_datetime_becomes_the_time_it_happened(submit):
    submit(requested_datetime="2025-09-01T08:15:30+07:00")

    assert only_report().occurred_at.isoformat() == "2025-09-01T01:15:30+00:00"


@pytest.mark.parametrize("value", ["yesterday", "2025-13-45T00:00:00Z",
                                   "0001-01-01T00:00:00+14:00", "x" * 5000,
                                   (timezone.now() + timedelta(days=2)).isoformat()])
def test_a_bad_or_future_requested_datetime_is_ignored(submit, value):
    assert submit(requested_datetime=value).status_code == 200

    assert only_report().occurred_at is None


@pytest.mark.parametrize(("fields", "field"), [
    ({"service_code": None}, "service_code"),
    ({"service_code": "theft"}, "service_code"),
    ({"service_code": "national_security"}, "service_code"),
    ({"service_code": "no_such_service"}, "service_code"),
    ({"description": None}, "description"),
    ({"description": "   "}, "description"),
    ({"description": "x" * 4001}, "description"),
    ({"lat": "abc"}, "lat"),
    ({"lat": "91"}, "lat"),
    ({"long": "-181"}, "long"),
    ({"lat": "nan"}, "lat"),
    ({"long": "inf"}, "long"),
    ({"lat": "1e999"}, "lat"),
    ({"long": None}, "long"),
    ({"lat": None, "long": None}, "lat"),
    ({"lat": None, "long": None, "jurisdiction_id": IA_KRAI}, "lat"),
    ({"jurisdiction_id": "99999"}, "jurisdiction_id"),
    ({"jurisdiction_id": "02935"}, "jurisdiction_id"),  # a pre-2025 commune's code
    ({"jurisdiction_id": "52"}, "jurisdiction_id"),  # a province
    ({"address_string": "x" * 256}, "address_string"),
    ({"address_id": "x" * 101}, "address_id"),
    ({"media_url": "javascript:alert(1)"}, "media_url"),
    ({"media_url": "https://example.org/" + "x" * 2000}, "media_url"),
    ({"first_name": "x" * 76}, "first_name"),
    ({"phone": "call me"}, "phone"),
    ({"phone": "0" * 21}, "phone"),
    ({"email": "x" * 255}, "email"),
    ({"email": "not an address"}, "email"),
    ({"description": "Cháy\x00nhà"}, "description"),
    ({"first_name": "\x00"}, "first_name"),
])
def test_bad_input_is_a_400_and_writes_nothing(submit, fields, field):
    response = submit(**fields)

    assert response.status_code == 400, response.content
    assert response.json()[0]["code"] == 400
    assert response.json()[0]["description"]
    assert not Report.objects.exists() and not Submission.objects.exists()


def test_a_body_that_is_not_a_form_is_a_400(client, api_key):
    response = client.post(f"{BASE}/requests.json?api_key={api_key}",
                           '{"service_code": "fire"}', content_type="application/json")

    assert response.status_code == 400


def test_a_closed_commune_takes_no_submission(submit, ia_krai):
    CommuneSettings.objects.update_or_create(commune=ia_krai,
                                             defaults={"public_pages_open": False})

    assert submit().status_code == 400
    assert not Report.objects.exists()


def test_nothing_about_the_sender_is_stored_or_logged(client, submit, caplog):
    """A distinctive address, user agent, cookie and device id appear in no table and no log."""
    client.cookies["tracker"] = "COOKIE-MATRIX-42"
    with caplog.at_level(logging.DEBUG):
        response = submit(device_id="DEVICE-MATRIX-42",
                          extra={"REMOTE_ADDR": "203.0.113.77",
                                 "HTTP_USER_AGENT": "Agent-Matrix/42",
                                 "HTTP_X_FORWARDED_FOR": "198.51.100.9"})

    assert response.status_code == 200
    stored = dump_database()
    for trace in ("DEVICE-MATRIX-42", "Agent-Matrix", "203.0.113.77", "198.51.100.9",
                  "COOKIE-MATRIX-42"):
        assert trace not in stored, trace
        assert trace not in caplog.text, trace


def test_a_retried_post_with_the_same_idempotency_key_creates_one_report(submit):
    headers = {"Idempotency-Key": "open311-retry-0001"}

    first = submit(headers=headers)
    second = submit(headers=headers)

    assert first.status_code == second.status_code == 200
    assert second["Idempotent-Replayed"] == "true"
    assert second.content == first.content
    assert Report.objects.count() == 1


def test_posts_are_limited_per_api_key(submit, issued, settings, api_key):
    from safecommune.reports.open311.keys import api_key_create

    settings.SAFECOMMUNE_OPEN311_POSTS_PER_HOUR = 2
    assert [submit().status_code for _ in range(3)] == [200, 200, 429]
    assert submit()["Content-Type"] == "application/json; charset=utf-8"

    other = api_key_create(name="Ứng dụng khác", hourly_limit=5).secret
    assert submit(api_key=other).status_code == 200
    assert Report.objects.count() == 3


def test_every_submission_is_audited_with_its_client_key(submit, issued):
    submit()

    entry = AuditEntry.objects.get(action="open311.submit")
    assert entry.details["client"] == issued.key.pk
    assert entry.commune.code == IA_KRAI
    assert AuditEntry.objects.filter(action="report.create").count() == 1


def test_the_service_notice_follows_the_locale(submit):
    response = submit(query="locale=en")

    assert response.json()[0]["service_notice"].startswith("Received by Police of Xã Ia Krái")


def test_the_chief_sees_an_open311_reporters_email_and_an_officer_does_not(submit, client,
                                                                          chief, officer):
    submit(last_name="Rơ Mah", email="romah@example.org")
    url = f"/reports/reports/{only_report().pk}/"

    client.force_login(officer)
    assert "romah@example.org" not in client.get(url).content.decode()
    client.force_login(chief)
    assert "romah@example.org" in client.get(url).content.decode()


@pytest.mark.parametrize("in_query", [False, True])
def test_two_clients_with_the_same_idempotency_key_each_get_their_own_report(submit, in_query):
    from safecommune.reports.open311.keys import api_key_create

    other = api_key_create(name="Ứng dụng khác").secret
    headers = {"Idempotency-Key": "retry-0001"}

    first = submit(headers=headers)
    if in_query:
        second = submit(headers=headers, query=f"api_key={other}", api_key=None)
    else:
        second = submit(headers=headers, api_key=other)

    assert first.status_code == second.status_code == 200, second.content
    assert "Idempotent-Replayed" not in second
    assert Report.objects.count() == 2


@pytest.mark.parametrize("fmt", ["json", "xml"])
def test_an_oversize_body_is_refused_in_open311s_error_shape(submit, settings, fmt):
    settings.SAFECOMMUNE_MAX_BODY_BYTES = 2000

    response = submit(fmt=fmt, description="Cháy rừng " * 300)

    assert response.status_code == 413
    body = response.content.decode()
    if fmt == "json":
        assert response.json()[0]["code"] == 413 and "2000 bytes" in response.json()[0]["description"]
    else:
        assert "<errors>" in body and "<code>413</code>" in body
    assert not Report.objects.exists()


def test_the_project_api_keeps_its_own_error_shape_for_oversize_bodies(client, settings):
    settings.SAFECOMMUNE_MAX_BODY_BYTES = 100

    response = client.post("/api/v1/public/reports", "x" * 500, content_type="application/json")

    assert response.status_code == 413
    assert response.json()["errors"][0]["rule"] == "max_size"
