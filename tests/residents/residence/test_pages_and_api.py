"""Residence page and API: forms for editors, 404 outside the commune, audited reads, the bad
input of issue 4 refused with field and rule, bounded queries."""

import json
from datetime import timedelta

import pytest
from django.utils import timezone

from safecommune.core.models import AuditEntry
from safecommune.residents.models import Absence, EndReason, ResidenceRecord
from safecommune.residents.residence import services

API = "/api/v1"


@pytest.fixture
def today():
    return timezone.localdate()


@pytest.fixture
def person(make_person):
    return make_person()


def post_json(client, path, body):
    return client.post(path, json.dumps(body), content_type="application/json")


def test_person_page_links_to_the_residence_page(client, officer, person):
    client.force_login(officer)
    body = client.get(f"/residents/persons/{person.pk}/").content.decode()
    assert f"/residents/persons/{person.pk}/residence/" in body


def test_residence_page_registers_and_renews_through_the_forms(client, officer, person,
                                                              today):
    client.force_login(officer)
    path = f"/residents/persons/{person.pk}/residence/"
    response = client.post(path, {"action": "temporary", "temporary-address": "5 Lê Lợi",
                                  "temporary-valid_until": today + timedelta(days=10)})
    assert response.status_code == 302
    record = ResidenceRecord.objects.get()
    response = client.post(path, {"action": "renew", "renew-record": record.pk,
                                  "renew-valid_until": today + timedelta(days=300)})
    assert response.status_code == 302
    page = client.get(path).content.decode()
    assert page.count("5 Lê Lợi") >= 2
    assert AuditEntry.objects.filter(action="person.read", object_id=str(person.pk)).exists()


def test_residence_page_refuses_a_three_year_term_naming_the_field(client, officer, person,
                                                                  today):
    client.cookies["safecommune_language"] = "en"
    client.force_login(officer)
    response = client.post(f"/residents/persons/{person.pk}/residence/", {
        "action": "temporary", "temporary-address": "5 Lê Lợi",
        "temporary-valid_until": today + timedelta(days=3 * 365)})
    assert response.status_code == 400
    body = response.content.decode()
    assert 'id="id_temporary-valid_until"' in body and 'aria-invalid="true"' in body
    assert "at most 730 days" in body
    assert not ResidenceRecord.objects.exists()


def test_residence_page_refuses_a_late_supervised_declaration(client, officer, person, today):
    client.cookies["safecommune_language"] = "en"
    client.force_login(officer)
    response = client.post(f"/residents/persons/{person.pk}/residence/", {
        "action": "absence", "absence-kind": "supervised", "absence-supervision": "bail",
        "absence-leaves_on": today - timedelta(days=2),
        "absence-expected_return_on": today + timedelta(days=2),
        "absence-destination": "Pleiku", "absence-consent_reference": "QĐ 1"})
    assert response.status_code == 400
    assert "before leaving" in response.content.decode()
    assert not Absence.objects.exists()


def test_other_commune_gets_404_and_province_viewer_cannot_write(client, other_officer,
                                                                province_viewer, person,
                                                                officer, today):
    record = services.temporary_register(actor=officer, person=person, address="5 Lê Lợi",
                                         valid_until=today + timedelta(days=10))
    client.force_login(other_officer)
    for path in (f"/residents/persons/{person.pk}/residence/",
                 f"{API}/persons/{person.pk}/residence"):
        assert client.get(path).status_code == 404, path
    assert post_json(client, f"{API}/residence/{record.pk}/end",
                     {"reason": "moved_out"}).status_code == 404
    client.force_login(province_viewer)
    assert client.get(f"/residents/persons/{person.pk}/residence/").status_code == 200
    assert client.post(f"/residents/persons/{person.pk}/residence/", {
        "action": "end", "end-record": record.pk, "end-reason": "moved_out"}).status_code == 403
    assert post_json(client, f"{API}/residence/{record.pk}/end",
                     {"reason": "moved_out"}).status_code == 403
    record.refresh_from_db()
    assert record.ended_on is None


def test_api_three_year_term_is_422_with_field_and_rule(client, officer, person, today):
    client.force_login(officer)
    response = post_json(client, f"{API}/persons/{person.pk}/residence/temporary", {
        "address": "5 Lê Lợi", "valid_until": (today + timedelta(days=1095)).isoformat()})
    assert response.status_code == 422
    assert response.json()["errors"][0] | {"message": ""} == {
        "field": "valid_until", "rule": "max_term", "message": ""}
    assert not ResidenceRecord.objects.exists()


@pytest.mark.parametrize(("body", "field", "rule"), [
    ({"leaves_on": -1, "consent_reference": "QĐ 1"}, "leaves_on", "before_leaving"),
    ({"leaves_on": 1, "consent_reference": ""}, "consent_reference", "consent"),
])
def test_api_supervised_absence_bad_input_is_422(client, officer, person, today, body, field,
                                                 rule):
    client.force_login(officer)
    payload = {"kind": "supervised", "supervision": "probation", "destination": "Pleiku",
               "leaves_on": (today + timedelta(days=body["leaves_on"])).isoformat(),
               "expected_return_on": (today + timedelta(days=5)).isoformat(),
               "consent_reference": body["consent_reference"]}
    response = post_json(client, f"{API}/persons/{person.pk}/absences", payload)
    assert response.status_code == 422
    error = response.json()["errors"][0]
    assert (error["field"], error["rule"]) == (field, rule)
    assert not Absence.objects.exists()


def test_api_renew_end_and_history(client, officer, person, today):
    client.force_login(officer)
    created = post_json(client, f"{API}/persons/{person.pk}/residence/temporary", {
        "address": "5 Lê Lợi", "valid_until": (today + timedelta(days=10)).isoformat()})
    assert created.status_code == 201
    renewed = post_json(client, f"{API}/residence/{created.json()['id']}/renew",
                        {"valid_until": (today + timedelta(days=700)).isoformat()})
    assert renewed.status_code == 201 and renewed.json()["renews_id"] == created.json()["id"]
    ended = post_json(client, f"{API}/residence/{renewed.json()['id']}/end",
                      {"reason": "deregistered"})
    assert ended.status_code == 200 and ended.json()["end_reason"] == "deregistered"
    again = post_json(client, f"{API}/residence/{renewed.json()['id']}/end",
                      {"reason": "deregistered"})
    assert again.status_code == 409
    history = client.get(f"{API}/persons/{person.pk}/residence").json()
    assert [(r["end_reason"]) for r in history["records"]] == [EndReason.RENEWED,
                                                                EndReason.DEREGISTERED]


def test_api_declares_and_returns_an_absence(client, officer, person, today):
    client.force_login(officer)
    declared = post_json(client, f"{API}/persons/{person.pk}/absences", {
        "kind": "supervised", "supervision": "parole", "consent_reference": "QĐ 7",
        "leaves_on": today.isoformat(),
        "expected_return_on": (today + timedelta(days=2)).isoformat(),
        "destination": "Pleiku"})
    assert declared.status_code == 201
    returned = post_json(client, f"{API}/absences/{declared.json()['id']}/return", {})
    assert returned.status_code == 200 and returned.json()["returned_on"] == today.isoformat()


def test_history_page_and_api_queries_are_bounded(client, officer, person, today,
                                                  django_assert_max_num_queries):
    record = services.temporary_register(actor=officer, person=person, address="5 Lê Lợi",
                                         registered_on=today - timedelta(days=20),
                                         valid_until=today + timedelta(days=1))
    for n in range(6):
        record = services.temporary_renew(actor=officer, record=record,
                                          valid_until=today + timedelta(days=n + 2),
                                          renewed_on=today - timedelta(days=19 - n))
    for n in range(5):
        absence = services.absence_declare(
            actor=officer, person=person, kind="supervised", supervision="bail",
            consent_reference=f"QĐ {n}", declared_on=today - timedelta(days=10 - n),
            leaves_on=today - timedelta(days=10 - n), destination="Pleiku",
            expected_return_on=today - timedelta(days=10 - n))
        services.absence_return(actor=officer, absence=absence,
                                returned_on=today - timedelta(days=10 - n))
    client.force_login(officer)
    with django_assert_max_num_queries(12):
        assert client.get(f"/residents/persons/{person.pk}/residence/").status_code == 200
    with django_assert_max_num_queries(12):
        data = client.get(f"{API}/persons/{person.pk}/residence").json()
    assert len(data["records"]) == 7 and len(data["absences"]) == 5
