"""Stay pages and API: a host notifies without an account and keeps nothing of their
connection; staff lists (foreigners now, late work list, guest registers) are scoped to the
commune, with bounded queries."""

import json
import logging
import re
from datetime import timedelta

import pytest
from django.apps import apps
from django.db import connection
from django.utils import timezone

from safecommune.receipts.models import PublicReceipt
from safecommune.residents.models import StayNotice
from safecommune.territory.services import commune_settings_update
from tests.residents.stays.conftest import CCCD, local

API = "/api/v1"
IA_KRAI = "23776"
ADDRESS, AGENT, COOKIE = "203.0.113.78", "StayAgent/7.7 (fingerprint)", "stay-tracker-4242"


def public_body(**changes):
    arrival = timezone.now() - timedelta(hours=2)
    body = {"host_kind": "household", "host_name": "Rơ Chăm Hơn",
            "host_address": "Làng Ia Krái 3", "guest_full_name": "Nguyễn Văn Khách",
            "guest_birth_date": "1990-03-02", "guest_nationality": "VN", "citizen_id": CCCD,
            "arrival_at": arrival.isoformat(),
            "departure_on": (timezone.localdate(arrival) + timedelta(days=2)).isoformat()}
    body.update(changes)
    return body


def send(client, body=None, **extra):
    return client.post(f"{API}/communes/{IA_KRAI}/stays", json.dumps(body or public_body()),
                       content_type="application/json", **extra)


def follow(client, code, secret):
    return client.post(f"{API}/receipts/stay", json.dumps({"code": code, "secret": secret}),
                       content_type="application/json")


def test_public_notice_without_account_gives_a_receipt(client, db):
    response = send(client)
    assert response.status_code == 201
    data = response.json()
    notice = StayNotice.objects.get()
    assert notice.channel == "public" and notice.created_by is None
    receipt = PublicReceipt.objects.get()
    assert receipt.kind == "stay" and receipt.object_id == str(notice.pk)
    followed = follow(client, data["receipt"].lower(), data["secret"])
    assert followed.status_code == 200
    assert followed.json()["guest_full_name"] == "Nguyễn Văn Khách"
    tampered = data["secret"][:-1] + ("x" if data["secret"][-1] != "x" else "y")
    assert follow(client, data["receipt"], tampered).status_code == 404


def test_feedback_receipt_does_not_open_a_stay(client, db):
    from safecommune.outreach.services import feedback_submit
    from safecommune.territory.models import AdministrativeUnit

    _feedback, issued = feedback_submit(
        commune=AdministrativeUnit.objects.get(structure="2025", code=IA_KRAI),
        topic="question", text="?")
    assert follow(client, issued.code, issued.secret).status_code == 404


def test_nothing_identifying_the_sender_is_stored_or_logged(client, db, caplog):
    client.cookies["tracker"] = COOKIE
    with caplog.at_level(logging.DEBUG):
        response = send(client, REMOTE_ADDR=ADDRESS, HTTP_USER_AGENT=AGENT)
        data = response.json()
        follow(client, data["receipt"], data["secret"])
        page = client.post(f"/communes/{IA_KRAI}/stays/notify/", {
            **public_body(), "arrival_at": local(2025, 10, 10, 14, 0).strftime("%Y-%m-%dT%H:%M"),
            "departure_on": "2025-10-12"}, REMOTE_ADDR=ADDRESS, HTTP_USER_AGENT=AGENT)
    assert response.status_code == 201 and page.status_code == 201
    dumped = []
    with connection.cursor() as cursor:
        for model in apps.get_models():
            cursor.execute(f'SELECT * FROM "{model._meta.db_table}"')
            dumped.append(repr(cursor.fetchall()))
    stored = "\n".join(dumped)
    for trace in (ADDRESS, AGENT, COOKIE, "StayAgent"):
        assert trace not in stored, trace
        assert trace not in caplog.text, trace
    assert data["secret"] not in stored and data["secret"] not in caplog.text


def test_public_page_shows_receipt_once_and_is_not_cached(client, db):
    response = client.post(f"/communes/{IA_KRAI}/stays/notify/", {
        **public_body(), "arrival_at": local(2025, 10, 10, 14, 0).strftime("%Y-%m-%dT%H:%M"),
        "departure_on": "2025-10-12"})
    assert response.status_code == 201
    assert "no-store" in response["Cache-Control"]
    assert response["Referrer-Policy"] == "no-referrer"
    notice = StayNotice.objects.get()
    assert notice.is_late  # notified long after 23:00 of 10 October 2025
    receipt = PublicReceipt.objects.get()
    body = response.content.decode()
    assert f"{receipt.code[:5]}-{receipt.code[5:]}" in body
    lookup = client.get("/stays/receipt/")
    assert "no-store" in lookup["Cache-Control"]


def test_public_page_refuses_bad_cccd_and_writes_nothing(client, db):
    response = client.post(f"/communes/{IA_KRAI}/stays/notify/", {
        **public_body(citizen_id="06409001234"),
        "arrival_at": local(2025, 10, 10, 14, 0).strftime("%Y-%m-%dT%H:%M"),
        "departure_on": "2025-10-12"})
    assert response.status_code == 400
    field = re.search(r'<input[^>]*name="citizen_id"[^>]*>', response.content.decode())
    assert 'aria-invalid="true"' in field.group(0)
    assert not StayNotice.objects.exists() and not PublicReceipt.objects.exists()


@pytest.mark.parametrize("changes,field,rule", [
    ({"citizen_id": "06409001234"}, "citizen_id", "digits"),
    ({"arrival_at": (timezone.now() + timedelta(days=1)).isoformat()}, "arrival_at", "future"),
    ({"host_kind": "accommodation", "accommodation_id": 999999}, "accommodation_id", "exists"),
    ({"host_address": ""}, "host_address", "required"),
])
def test_bad_public_notice_is_refused_and_nothing_written(client, db, changes, field, rule):
    response = send(client, public_body(**changes))
    assert 400 <= response.status_code < 500
    error = response.json()["errors"][0]
    assert (error["field"], error["rule"]) == (field, rule)
    assert not StayNotice.objects.exists() and not PublicReceipt.objects.exists()


def test_public_notice_at_another_communes_accommodation_is_refused(client, hai_son_hotel):
    response = send(client, public_body(host_kind="accommodation",
                                        accommodation_id=hai_son_hotel.pk))
    assert response.status_code == 400
    assert response.json()["errors"][0]["rule"] == "same_commune"
    assert not StayNotice.objects.exists()


def test_public_notices_are_rate_limited_per_address(client, db):
    statuses = [send(client, REMOTE_ADDR="198.51.100.19").status_code for _ in range(11)]
    assert statuses[:10] == [201] * 10 and statuses[10] == 429


def test_closed_commune_takes_no_stay_notices(client, ia_krai):
    commune_settings_update(commune=ia_krai, public_pages_open=False)
    assert send(client).status_code == 404
    assert client.get(f"/communes/{IA_KRAI}/stays/notify/").status_code == 404


def test_commune_page_links_the_public_stay_notice(client, db):
    body = client.get(f"/communes/{IA_KRAI}/").content.decode()
    assert f"/communes/{IA_KRAI}/stays/notify/" in body


def test_other_commune_officer_gets_404(client, notify, hotel, foreign_guest, other_officer,
                                       ia_krai):
    notice = notify(host_kind="accommodation", accommodation=hotel, **foreign_guest)
    client.force_login(other_officer)
    for path in (f"/residents/stays/{notice.pk}/", f"/residents/stays/accommodations/{hotel.pk}/",
                 f"/residents/stays/?commune={IA_KRAI}", f"{API}/stays/{notice.pk}",
                 f"{API}/accommodations/{hotel.pk}/guests", f"{API}/stays?commune={IA_KRAI}"):
        assert client.get(path).status_code == 404, path
    assert client.get(f"{API}/stays").json() == []
    response = client.post(f"{API}/stays/{notice.pk}/departure", "{}",
                           content_type="application/json")
    assert response.status_code == 404
    assert client.post(f"/residents/stays/{notice.pk}/", {"action": "depart"}).status_code == 404
    notice.refresh_from_db()
    assert notice.departed_at is None


def test_foreigners_now_and_late_lists(client, officer, notify, hotel, foreign_guest):
    now = timezone.now()
    staying = notify(host_kind="accommodation", accommodation=hotel,
                     arrival_at=now - timedelta(hours=3), notified_at=now - timedelta(hours=2),
                     **foreign_guest)
    gone = notify(host_kind="accommodation", accommodation=hotel,
                  arrival_at=local(2025, 10, 1, 9, 0), notified_at=local(2025, 10, 2, 9, 0),
                  departure_on=local(2025, 10, 3, 0, 0).date(),
                  **{**foreign_guest, "guest_passport_number": "CD7654321"})
    notify(arrival_at=now - timedelta(hours=3), notified_at=now - timedelta(hours=2))
    client.force_login(officer)
    assert [r["id"] for r in client.get(f"{API}/stays?view=foreigners").json()] == [staying.pk]
    late_ids = [r["id"] for r in client.get(f"{API}/stays?view=late").json()]
    assert gone.pk in late_ids and staying.pk not in late_ids
    counts = client.get(f"{API}/stays/counts?commune={IA_KRAI}").json()
    assert counts["foreigners_now"] == 1 and counts["late"] == len(late_ids)
    register = client.get(f"{API}/accommodations/{hotel.pk}/guests").json()
    assert [r["id"] for r in register] == [gone.pk, staying.pk]  # by arrival
    assert client.post(f"{API}/stays/{gone.pk}/review", "{}",
                       content_type="application/json").status_code == 201
    assert gone.pk not in [r["id"] for r in client.get(f"{API}/stays?view=late").json()]
    page = client.get(f"/residents/stays/?view=foreigners&commune={IA_KRAI}").content.decode()
    assert "Anna Svensson" in page


def test_staff_form_records_a_foreigner_at_the_accommodation(client, officer, hotel, ia_krai):
    client.force_login(officer)
    arrival = timezone.localtime() - timedelta(hours=1)
    response = client.post(f"/residents/stays/new/?commune={IA_KRAI}", {
        "commune": IA_KRAI, "host_kind": "accommodation", "accommodation": hotel.pk,
        "guest_full_name": "Anna Svensson", "guest_birth_date": "1988-06-01",
        "guest_nationality": "se", "guest_passport_number": "ab1234567",
        "arrival_at": arrival.strftime("%Y-%m-%dT%H:%M"),
        "departure_on": (arrival.date() + timedelta(days=3)).isoformat()})
    notice = StayNotice.objects.get()
    assert response.status_code == 302 and response["Location"] == f"/residents/stays/{notice.pk}/"
    assert notice.is_foreigner_declaration and notice.guest_passport_number == "AB1234567"
    assert client.get(response["Location"]).status_code == 200


def test_api_bad_cccd_is_422_naming_citizen_id(client, officer, ia_krai):
    client.force_login(officer)
    body = {"unit": IA_KRAI, **public_body(citizen_id="064090012")}
    response = client.post(f"{API}/stays", json.dumps(body), content_type="application/json")
    assert response.status_code == 422
    assert response.json()["errors"][0]["field"] == "citizen_id"
    assert not StayNotice.objects.exists()


def test_province_viewer_reads_but_cannot_record(client, province_viewer, notify):
    notice = notify()
    client.force_login(province_viewer)
    assert client.get(f"/residents/stays/{notice.pk}/").status_code == 200
    body = {"unit": IA_KRAI, **public_body()}
    assert client.post(f"{API}/stays", json.dumps(body),
                       content_type="application/json").status_code == 403
    assert StayNotice.objects.count() == 1


def _many(notify, hotel, foreign_guest, count=15):
    for n in range(count):
        notify(host_kind="accommodation", accommodation=hotel,
               **{**foreign_guest, "guest_passport_number": f"P{n:07d}"})


def test_list_pages_query_count_is_bounded(client, officer, notify, hotel, foreign_guest,
                                           django_assert_max_num_queries):
    _many(notify, hotel, foreign_guest)
    client.force_login(officer)
    for path in ("/residents/stays/", "/residents/stays/?view=foreigners",
                 f"/residents/stays/accommodations/{hotel.pk}/"):
        with django_assert_max_num_queries(12):
            assert client.get(path).status_code == 200


def test_api_lists_query_count_is_bounded(client, officer, notify, hotel, foreign_guest,
                                          django_assert_max_num_queries):
    _many(notify, hotel, foreign_guest)
    client.force_login(officer)
    for path in (f"{API}/stays", f"{API}/stays?view=foreigners",
                 f"{API}/accommodations/{hotel.pk}/guests"):
        with django_assert_max_num_queries(8):
            assert len(client.get(path).json()) == 15


def test_public_page_states_24_hours_for_foreigners_in_a_remote_commune(client, db, units):
    from safecommune.demo.seed import seed_demo_territories

    seed_demo_territories()  # Hải Sơn is remote in the demo
    client.cookies["safecommune_language"] = "en"
    page = client.get("/communes/06724/stays/notify/").content.decode()
    assert "within 24 hours of arrival" in page
    assert "within 12 hours of arrival" in client.get("/communes/24967/stays/notify/").content.decode()
