"""Editing a person: the page and PATCH /api/v1/persons/{id}. Editors of the commune only
(other communes 404, readers 403); the rules of a new person, the CCCD ones included; the
changed field names in the audit chain; nothing half-written."""

import json

import pytest

from safecommune.core.models import AuditEntry
from safecommune.residents.models import Person
from safecommune.territory.services import village_create

API = "/api/v1"
CCCD = "064090012345"  # Gia Lai, 1990, male


@pytest.fixture(autouse=True)
def _english(client):
    client.cookies["safecommune_language"] = "en"


def patch(client, person, body):
    return client.patch(f"{API}/persons/{person.pk}", json.dumps(body),
                        content_type="application/json")


def page_data(person, **changes):
    data = {"full_name": person.full_name, "birth_date": person.birth_date.isoformat(),
            "sex": person.sex, "ethnicity": person.ethnicity, "citizen_id": person.citizen_id,
            "passport_number": person.passport_number, "nationality": person.nationality,
            "phone": person.phone, "village": ""}
    data.update(changes)
    return data


def snapshot(person) -> dict:
    person.refresh_from_db()
    return {f.name: getattr(person, f.attname) for f in Person._meta.concrete_fields}


def test_edit_page_shows_the_persons_values_and_saves_a_change(client, officer, make_person):
    person = make_person(phone="0905 000 111")
    client.force_login(officer)
    path = f"/residents/persons/{person.pk}/edit/"
    page = client.get(path).content.decode()
    assert 'value="0905 000 111"' in page and "Nguyễn Văn An" in page
    assert 'name="commune"' not in page

    response = client.post(path, page_data(person, full_name="Nguyễn  Văn   Ân",
                                           phone="0912 345 678"))

    assert response.status_code == 302
    assert response["Location"] == f"/residents/persons/{person.pk}/"
    person.refresh_from_db()
    assert (person.full_name, person.phone_key) == ("Nguyễn Văn Ân", "0912345678")
    assert person.name_key == "nguyen van an"
    entry = AuditEntry.objects.get(action="person.update")
    assert entry.details == {"fields": ["full_name", "phone"]}
    assert entry.actor == officer and entry.object_id == str(person.pk)


def test_detail_page_links_edit_for_editors_only(client, officer, province_viewer,
                                                 make_person):
    person = make_person()
    edit = f"/residents/persons/{person.pk}/edit/"
    client.force_login(officer)
    assert edit in client.get(f"/residents/persons/{person.pk}/").content.decode()
    client.force_login(province_viewer)
    assert edit not in client.get(f"/residents/persons/{person.pk}/").content.decode()


def test_edit_is_404_in_another_commune_and_403_for_a_reader(client, other_officer,
                                                             province_viewer, make_person):
    person = make_person()
    before = snapshot(person)
    client.force_login(other_officer)
    assert client.get(f"/residents/persons/{person.pk}/edit/").status_code == 404
    assert client.post(f"/residents/persons/{person.pk}/edit/",
                       page_data(person, full_name="X")).status_code == 404
    assert patch(client, person, {"full_name": "X"}).status_code == 404
    client.force_login(province_viewer)
    assert client.get(f"/residents/persons/{person.pk}/edit/").status_code == 403
    assert client.post(f"/residents/persons/{person.pk}/edit/",
                       page_data(person, full_name="X")).status_code == 403
    assert patch(client, person, {"full_name": "X"}).status_code == 403
    assert snapshot(person) == before
    assert not AuditEntry.objects.filter(action="person.update").exists()


def test_edit_page_refuses_a_bad_cccd_naming_the_rule_and_changes_nothing(client, officer,
                                                                         make_person):
    person = make_person(phone="0905 000 111")
    before = snapshot(person)
    client.force_login(officer)
    response = client.post(f"/residents/persons/{person.pk}/edit/",
                           page_data(person, phone="0912 345 678", citizen_id="003090012345"))
    assert response.status_code == 400
    body = response.content.decode()
    assert "not a province code" in body and 'aria-invalid="true"' in body
    assert snapshot(person) == before
    assert not AuditEntry.objects.filter(action="person.update").exists()


def test_edit_page_refuses_a_cccd_registered_to_someone_visible_with_a_link(
        client, officer, make_person):
    holder = make_person("Trần Văn Cường", citizen_id=CCCD)
    person = make_person()
    client.force_login(officer)
    response = client.post(f"/residents/persons/{person.pk}/edit/",
                           page_data(person, citizen_id=CCCD))
    assert response.status_code == 400
    assert f"/residents/persons/{holder.pk}/" in response.content.decode()
    person.refresh_from_db()
    assert person.citizen_id == ""


def test_patch_changes_only_the_fields_given(client, officer, make_person, ia_krai):
    person = make_person(phone="0905 000 111", ethnicity="kinh")
    village = village_create(commune=ia_krai, name="Làng Bang")
    client.force_login(officer)
    response = patch(client, person, {"citizen_id": "064 090 012 345",
                                      "village_id": village.pk})
    assert response.status_code == 200
    data = response.json()
    assert data["citizen_id"] == CCCD and data["village_id"] == village.pk
    assert data["phone"] == "0905 000 111" and data["ethnicity"] == "kinh"
    assert data["photo_url"] is None
    assert AuditEntry.objects.get(action="person.update").details == {
        "fields": ["citizen_id", "village"]}

    assert patch(client, person, {"village_id": None}).json()["village_id"] is None


def test_patch_that_changes_nothing_writes_no_audit_entry(client, officer, make_person):
    person = make_person(phone="0905 000 111")
    client.force_login(officer)
    assert patch(client, person, {"phone": "0905 000 111"}).status_code == 200
    assert not AuditEntry.objects.filter(action="person.update").exists()


@pytest.mark.parametrize("body,status,field,rule", [
    ({"citizen_id": "06409001234"}, 422, "citizen_id", "digits"),
    ({"citizen_id": "003090012345"}, 422, "citizen_id", "province"),
    ({"citizen_id": "064190012345"}, 422, "citizen_id", "sex"),
    ({"citizen_id": "064095012345"}, 422, "citizen_id", "birth_year"),
    ({"birth_date": "2099-01-01"}, 422, "birth_date", "future"),
    ({"birth_date": None}, 422, "birth_date", "required"),
    ({"full_name": ""}, 422, "full_name", "string_too_short"),
    ({"sex": "other"}, 422, "sex", "enum"),
    ({"nationality": "V1"}, 422, "nationality", "iso3166"),
    ({"nationality": "GB"}, 422, "citizen_id", "nationality"),
    ({"phone": "not a phone"}, 422, "phone", "phone"),
    ({"village_id": 999999}, 404, "village_id", "exists"),
])
def test_patch_bad_input_names_field_and_rule_and_writes_nothing(
        client, officer, make_person, body, status, field, rule):
    person = make_person(citizen_id=CCCD)
    before = snapshot(person)
    client.force_login(officer)
    response = patch(client, person, body)
    assert response.status_code == status, response.json()
    error = response.json()["errors"][0]
    assert (error["field"], error["rule"]) == (field, rule)
    assert error["message"]
    assert snapshot(person) == before
    assert not AuditEntry.objects.filter(action="person.update").exists()


def test_patch_a_birth_date_that_no_longer_fits_the_cccd_is_refused(client, officer,
                                                                   make_person):
    person = make_person(citizen_id=CCCD)
    client.force_login(officer)
    response = patch(client, person, {"birth_date": "1991-03-02"})
    assert response.status_code == 422
    assert response.json()["errors"][0] == {
        "field": "citizen_id", "rule": "birth_year",
        "message": "The citizen ID gives the birth year 1990, but the date of birth is in 1991."}


def test_patch_to_a_cccd_held_in_another_commune_says_no_more_and_is_audited(
        client, officer, other_officer, make_person, hai_son):
    make_person(citizen_id=CCCD)
    theirs = make_person("Lò Văn Tú", actor=other_officer, unit=hai_son)
    client.force_login(other_officer)
    response = patch(client, theirs, {"citizen_id": CCCD, "phone": "0905 000 111"})
    assert response.status_code == 422
    error = response.json()["errors"][0]
    assert error["rule"] == "registered_elsewhere" and "Nguyễn" not in error["message"]
    assert "link" not in error
    theirs.refresh_from_db()
    assert (theirs.citizen_id, theirs.phone) == ("", "")
    entry = AuditEntry.objects.get(action="person.cccd_conflict")
    assert entry.commune == hai_son and entry.object_id == str(theirs.pk)


def test_patch_body_must_be_an_object_and_cannot_move_a_person_to_another_commune(
        client, officer, make_person):
    person = make_person()
    client.force_login(officer)
    response = client.patch(f"{API}/persons/{person.pk}", "[1, 2]",
                            content_type="application/json")
    assert response.status_code == 400
    assert response.json()["errors"][0]["field"] == "body"
    assert patch(client, person, {"full_name": "A", "commune": "06724"}).status_code == 200
    person.refresh_from_db()
    assert person.commune.code != "06724"
