"""Person search on the folded key, in scope only; runs on SQLite and PostgreSQL alike."""

from datetime import date

import pytest

from safecommune.core.errors import DomainError
from safecommune.residents.models import Relation
from safecommune.residents.selectors import person_search


@pytest.fixture
def people(make_person, make_household, other_officer, hai_son):
    an = make_person("Nguyễn Văn An", citizen_id="064090012345", phone="0905 123 456")
    anh = make_person("Nguyễn Văn Anh", birth_date=date(1985, 1, 1))
    hlim = make_person("Rơ Mah Hlim", sex="female", birth_date=date(1970, 1, 1))
    make_household("Thôn Plei Ring", members=[(hlim, Relation.HEAD)])
    elsewhere = make_person("Nguyễn Văn An", actor=other_officer, unit=hai_son,
                            citizen_id="022090054321", phone="0905 123 999")
    return {"an": an, "anh": anh, "hlim": hlim, "elsewhere": elsewhere}


def names(rows):
    return [p.full_name for p in rows]


@pytest.mark.parametrize("query", ["Nguyễn Văn An", "nguyen van an", "NGUYEN VAN AN",
                                   "an nguyen", "van an"])
def test_accents_and_word_order_do_not_matter(people, officer, query):
    assert people["an"] in person_search(user=officer, query=query)


def test_exact_name_ranks_before_names_starting_with_it(people, officer):
    rows = person_search(user=officer, query="nguyen van an")
    assert rows[:2] == [people["an"], people["anh"]]


def test_partial_words_match(people, officer):
    assert names(person_search(user=officer, query="ngu hli")) == []
    assert person_search(user=officer, query="mah hli") == [people["hlim"]]
    assert set(person_search(user=officer, query="nguy va")) == {people["an"], people["anh"]}


def test_search_by_cccd_exact_and_prefix(people, officer):
    assert person_search(user=officer, query="064090012345") == [people["an"]]
    assert person_search(user=officer, query="0640") == [people["an"]]
    assert person_search(user=officer, query="022090054321") == []


def test_search_by_phone_digits(people, officer):
    assert person_search(user=officer, query="0905123456") == [people["an"]]
    assert person_search(user=officer, query="123 456") == [people["an"]]


def test_search_by_household_address(people, officer):
    assert person_search(user=officer, query="plei ring") == [people["hlim"]]


def test_other_commune_is_never_found(people, other_officer):
    rows = person_search(user=other_officer, query="nguyen van an")
    assert rows == [people["elsewhere"]]
    assert person_search(user=other_officer, query="0905123456") == []


def test_province_viewer_searches_the_province(people, province_viewer):
    assert set(person_search(user=province_viewer, query="nguyen an")) == {people["an"],
                                                                           people["anh"]}


def test_too_long_query_is_refused(officer, db):
    with pytest.raises(DomainError) as caught:
        person_search(user=officer, query="a" * 101)
    assert caught.value.field == "q"
