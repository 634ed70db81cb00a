"""Writing persons and households: CCCD refusals write nothing, duplicates, membership rules."""

from datetime import date

import pytest

from safecommune.core.errors import DomainError, ValidationFailed
from safecommune.core.models import AuditEntry
from safecommune.residents import services
from safecommune.residents.models import Household, HouseholdMember, Person, Relation

CCCD = "064090012345"  # Gia Lai, male, 1990


@pytest.mark.parametrize("cccd,birth,sex,rule", [
    ("06409001234", date(1990, 3, 2), "male", "digits"),
    ("003090012345", date(1990, 3, 2), "male", "province"),
    ("064290012345", date(1990, 3, 2), "male", "future"),
    ("064091012345", date(1990, 3, 2), "male", "birth_year"),
    ("064090012345", date(1990, 3, 2), "female", "sex"),
])
def test_bad_cccd_is_refused_naming_the_field_and_nothing_is_written(make_person, cccd, birth,
                                                                     sex, rule):
    before = AuditEntry.objects.count()
    with pytest.raises(ValidationFailed) as caught:
        make_person(citizen_id=cccd, birth_date=birth, sex=sex)
    assert caught.value.field == "citizen_id"
    assert caught.value.rule == rule
    assert caught.value.message
    assert not Person.objects.exists()
    assert AuditEntry.objects.count() == before


def test_person_create_resolves_commune_and_audits_without_personal_data(make_person, ia_krai):
    person = make_person("Rơ Mah Hlim", citizen_id=CCCD)
    assert person.commune == ia_krai and person.name_key == "ro mah hlim"
    entry = AuditEntry.objects.get(action="person.create")
    assert entry.commune == ia_krai and entry.object_id == str(person.pk)
    assert CCCD not in str(entry.details) and "Hlim" not in str(entry.details)


def test_duplicate_cccd_seen_by_the_actor_links_the_existing_person(make_person):
    first = make_person(citizen_id=CCCD)
    with pytest.raises(ValidationFailed) as caught:
        make_person("Nguyễn Văn Bình", citizen_id=CCCD)
    error = caught.value.as_list()[0]
    assert error["rule"] == "registered"
    assert error["link"] == f"/residents/persons/{first.pk}/"
    assert Person.objects.count() == 1


def test_duplicate_cccd_registered_elsewhere_says_no_more_and_is_audited(
        make_person, other_officer, hai_son, ia_krai):
    make_person(citizen_id=CCCD)  # in Ia Krái
    with pytest.raises(ValidationFailed) as caught:
        make_person("Nguyễn Văn Bình", actor=other_officer, unit=hai_son, citizen_id=CCCD)
    error = caught.value.as_list()[0]
    assert error["rule"] == "registered_elsewhere"
    assert "link" not in error and "Nguyễn" not in error["message"]
    assert not Person.objects.filter(commune=hai_son).exists()
    entry = AuditEntry.objects.get(action="person.cccd_conflict")
    assert entry.commune == hai_son and entry.actor == other_officer
    assert entry.details == {"field": "citizen_id"}


def test_update_to_a_cccd_held_elsewhere_is_refused_and_the_person_unchanged(
        make_person, other_officer, hai_son):
    make_person(citizen_id=CCCD)
    theirs = make_person("Lò Văn Tú", actor=other_officer, unit=hai_son)
    with pytest.raises(ValidationFailed) as caught:
        services.person_update(actor=other_officer, person=theirs, citizen_id=CCCD)
    assert caught.value.rule == "registered_elsewhere"
    theirs.refresh_from_db()
    assert theirs.citizen_id == ""
    assert AuditEntry.objects.filter(action="person.cccd_conflict",
                                     object_id=str(theirs.pk)).count() == 1


def test_person_update_records_changed_field_names(make_person, officer):
    person = make_person()
    services.person_update(actor=officer, person=person, phone="0905 123 456")
    person.refresh_from_db()
    assert person.phone_key == "0905123456"
    assert AuditEntry.objects.get(action="person.update").details == {"fields": ["phone"]}


def test_foreigner_has_passport_and_no_cccd(make_person):
    person = make_person("John Smith", nationality="gb", passport_number="123456789")
    assert person.nationality == "GB"
    with pytest.raises(ValidationFailed) as caught:
        make_person("Jane Smith", nationality="GB", citizen_id=CCCD)
    assert caught.value.rule == "nationality"


def test_household_has_exactly_one_head_who_is_its_head(make_person, make_household, officer):
    head = make_person("Nguyễn Văn An")
    wife = make_person("Trần Thị Bích", sex="female", birth_date=date(1992, 1, 1))
    household = make_household(members=[(head, Relation.HEAD), (wife, Relation.SPOUSE)])
    assert household.head == head
    other = make_person("Nguyễn Văn Cường")
    with pytest.raises(DomainError) as caught:
        services.household_add_member(actor=officer, household=household, person=other,
                                      relation=Relation.HEAD)
    assert caught.value.rule == "one_head"
    services.household_set_head(actor=officer, household=household, person=wife)
    household.refresh_from_db()
    assert household.head == wife
    relations = dict(household.members.values_list("person_id", "relation"))
    assert relations == {head.pk: Relation.OTHER, wife.pk: Relation.HEAD}


def test_a_person_belongs_to_one_household_at_a_time(make_person, make_household, officer):
    person = make_person()
    make_household(members=[(person, Relation.HEAD)])
    second = make_household("5 Lê Lợi")
    with pytest.raises(DomainError) as caught:
        services.household_add_member(actor=officer, household=second, person=person,
                                      relation=Relation.CHILD)
    assert caught.value.rule == "active_membership"


def test_moving_out_keeps_the_history(make_person, make_household, officer):
    person = make_person()
    first = make_household(members=[(person, Relation.HEAD)])
    services.person_move_out(actor=officer, person=person, left_on=date.today())
    first.refresh_from_db()
    assert first.head is None
    second = make_household("5 Lê Lợi")
    services.household_add_member(actor=officer, household=second, person=person,
                                  relation=Relation.HEAD)
    rows = list(HouseholdMember.objects.filter(person=person).order_by("id")
                .values_list("household_id", "left_on"))
    assert rows == [(first.pk, date.today()), (second.pk, None)]


def test_village_of_another_commune_is_refused(officer, ia_krai, hai_son):
    from safecommune.territory.services import village_create

    village = village_create(commune=hai_son, name="Thôn Khác")
    with pytest.raises(DomainError) as caught:
        services.household_create(actor=officer, unit=ia_krai, address="1 A", village=village)
    assert caught.value.rule == "same_commune"
    assert not Household.objects.exists()
