"""Pages and API: scoping (404 outside), a resident's own household, audited reads, writes by
editors only, bounded queries on lists."""

import json
from datetime import date

import pytest

from safecommune.accounts.roles import Role
from safecommune.core.models import AuditEntry
from safecommune.residents.models import Person, Relation

API = "/api/v1"


@pytest.fixture
def family(make_person, make_household):
    head = make_person("Nguyễn Văn An")
    child = make_person("Nguyễn Thị Bình", sex="female", birth_date=date(2012, 5, 5))
    household = make_household(members=[(head, Relation.HEAD), (child, Relation.CHILD)])
    return household, head, child


def test_officer_opens_person_and_the_read_is_audited(client, officer, family, ia_krai):
    _household, head, _child = family
    client.force_login(officer)
    response = client.get(f"/residents/persons/{head.pk}/")
    assert response.status_code == 200
    assert "Nguyễn Văn An" in response.content.decode()
    entry = AuditEntry.objects.filter(action="person.read").get()
    assert (entry.commune, entry.actor, entry.object_id) == (ia_krai, officer, str(head.pk))
    assert client.get(f"{API}/persons/{head.pk}").status_code == 200
    assert AuditEntry.objects.filter(action="person.read").count() == 2


def test_other_commune_officer_gets_404_for_person_and_household(client, other_officer,
                                                                family):
    household, head, _child = family
    client.force_login(other_officer)
    for path in (f"/residents/persons/{head.pk}/", f"/residents/households/{household.pk}/",
                 f"{API}/persons/{head.pk}", f"{API}/households/{household.pk}"):
        assert client.get(path).status_code == 404, path
    assert client.get(f"/residents/?commune={household.commune.code}").status_code == 404
    assert client.get(f"{API}/persons?q=nguyen").json() == []
    assert not AuditEntry.objects.filter(action="person.read").exists()


def test_resident_sees_only_their_own_household(client, make_user, make_person, make_household,
                                                family, ia_krai):
    household, head, child = family
    neighbour = make_person("Trần Văn Cường")
    make_household("7 Lê Lợi", members=[(neighbour, Relation.HEAD)])
    user = make_user(Role.RESIDENT, ia_krai)
    Person.objects.filter(pk=head.pk).update(user=user)
    client.force_login(user)
    page = client.get("/residents/my-household/").content.decode()
    assert "Nguyễn Thị Bình" in page and "Trần Văn Cường" not in page
    ids = {p["id"] for p in client.get(f"{API}/persons").json()}
    assert ids == {head.pk, child.pk}
    assert client.get(f"{API}/persons/{neighbour.pk}").status_code == 404
    assert [h["id"] for h in client.get(f"{API}/households").json()] == [household.pk]
    assert client.get("/residents/").status_code == 403


def test_province_viewer_reads_but_cannot_create(client, province_viewer, family, ia_krai):
    household, head, _child = family
    client.force_login(province_viewer)
    assert client.get(f"/residents/persons/{head.pk}/").status_code == 200
    assert client.get(f"{API}/households/{household.pk}").status_code == 200
    body = {"unit": ia_krai.code, "full_name": "Lê Văn Dũng", "birth_date": "1990-01-01",
            "sex": "male"}
    response = client.post(f"{API}/persons", json.dumps(body), content_type="application/json")
    assert response.status_code == 403
    assert response.json()["errors"][0]["rule"] == "http"
    assert client.get(f"/residents/persons/new/?commune={ia_krai.code}").status_code == 403
    assert not Person.objects.filter(full_name="Lê Văn Dũng").exists()


def test_api_bad_cccd_is_422_naming_citizen_id_and_writes_nothing(client, officer, ia_krai):
    client.force_login(officer)
    body = {"unit": ia_krai.code, "full_name": "Lê Văn Dũng", "birth_date": "1990-01-01",
            "sex": "male", "citizen_id": "06409001234"}
    response = client.post(f"{API}/persons", json.dumps(body), content_type="application/json")
    assert response.status_code == 422
    assert response.json()["errors"][0]["field"] == "citizen_id"
    assert not Person.objects.exists()


def test_api_creates_household_and_adds_head(client, officer, make_person, ia_krai):
    person = make_person()
    client.force_login(officer)
    created = client.post(f"{API}/households", json.dumps({"unit": ia_krai.code,
                                                           "address": "3 Hùng Vương"}),
                          content_type="application/json")
    assert created.status_code == 201
    household_id = created.json()["id"]
    added = client.post(f"{API}/households/{household_id}/members",
                        json.dumps({"person_id": person.pk, "relation": "head"}),
                        content_type="application/json")
    assert added.status_code == 201
    data = added.json()
    assert data["head_id"] == person.pk
    assert data["members"][0]["full_name"] == "Nguyễn Văn An"


def test_person_form_refuses_registered_cccd_with_a_link(client, officer, make_person, ia_krai):
    first = make_person(citizen_id="064090012345")
    client.force_login(officer)
    response = client.post(f"/residents/persons/new/?commune={ia_krai.code}", {
        "commune": ia_krai.code, "full_name": "Lê Văn Dũng", "birth_date": "1990-01-01",
        "sex": "male", "citizen_id": "064090012345", "nationality": "VN"})
    assert response.status_code == 400
    assert f"/residents/persons/{first.pk}/" in response.content.decode()


def test_person_form_creates_and_redirects(client, officer, ia_krai):
    client.force_login(officer)
    response = client.post(f"/residents/persons/new/?commune={ia_krai.code}", {
        "commune": ia_krai.code, "full_name": "Lê Văn Dũng", "birth_date": "1990-01-01",
        "sex": "male", "citizen_id": "064090012345", "nationality": "VN"})
    person = Person.objects.get()
    assert response.status_code == 302 and response["Location"] == f"/residents/persons/{person.pk}/"


def test_household_page_adds_member_and_moves_out(client, officer, make_person,
                                                  make_household):
    person = make_person()
    household = make_household()
    client.force_login(officer)
    path = f"/residents/households/{household.pk}/"
    response = client.post(path, {"action": "add", "person": person.pk, "relation": "head"})
    assert response.status_code == 302
    member = household.members.get()
    client.post(path, {"action": "move_out", "member": member.pk})
    member.refresh_from_db()
    assert member.left_on is not None
    assert "Nguyễn Văn An" in client.get(path).content.decode()


def test_live_search_returns_the_results_fragment(client, officer, family):
    client.force_login(officer)
    response = client.get("/residents/?q=binh+nguyen", HTTP_HX_REQUEST="true")
    body = response.content.decode()
    assert response.status_code == 200
    assert "Nguyễn Thị Bình" in body and "<html" not in body


def _many_households(make_person, make_household, count=15):
    for n in range(count):
        head = make_person(f"Nguyễn Văn Số {n}")
        make_household(f"{n} Quang Trung", members=[(head, Relation.HEAD)])


def test_residents_list_page_query_count_is_bounded(client, officer, make_person,
                                                    make_household,
                                                    django_assert_max_num_queries):
    _many_households(make_person, make_household)
    client.force_login(officer)
    # the search itself is a few steps (residents/search.py): prefix, walk, final fetch
    with django_assert_max_num_queries(14):
        response = client.get("/residents/?q=nguyen")
    assert response.status_code == 200


def test_api_lists_query_count_is_bounded(client, officer, make_person, make_household,
                                          django_assert_max_num_queries):
    _many_households(make_person, make_household)
    client.force_login(officer)
    with django_assert_max_num_queries(8):
        assert len(client.get(f"{API}/persons").json()) == 15
    with django_assert_max_num_queries(8):
        assert len(client.get(f"{API}/households").json()) == 15
