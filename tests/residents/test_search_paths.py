"""Person search's paths (residents/search.py): every path gives the same answer, on SQLite
and PostgreSQL alike — the name-terms index only narrows, the walk only replaces the sort."""

from datetime import date

import pytest

from safecommune.residents import search
from safecommune.residents.models import Person, Relation
from safecommune.residents.models.terms import name_terms
from safecommune.residents.selectors import person_search

NAMES = ["Nguyễn Văn Đông", "Nguyễn Văn Đô", "Nguyễn Thị Đào", "Đông Văn Nguyễn",
         "Lê Thị Mỹ", "Lê Mỹ Anh", "Ma Văn Tú", "Ma Văn Tuấn", "Tú Ma Văn", "Dương Văn Hùng",
         "Trần Thị Bé", "Nguyễn Hữu Thắng", "Rơ Mah Hlim", "Ksor H'Bia"]


@pytest.fixture
def crowd(make_person, make_household):
    persons = {name: make_person(name, birth_date=date(1980 + i, 1, 1))
               for i, name in enumerate(NAMES)}
    make_household("Số 12, đường Nguyễn Huệ", members=[(persons["Trần Thị Bé"], Relation.HEAD)])
    make_household("Thôn Plei Ring", members=[(persons["Rơ Mah Hlim"], Relation.HEAD)])
    return persons


def found(user, query, **kwargs):
    return [p.full_name for p in person_search(user=user, query=query, **kwargs)]


def test_each_word_begins_a_word_of_the_name_in_any_order(crowd, officer):
    assert set(found(officer, "nguyen do")) == {"Nguyễn Văn Đông", "Nguyễn Văn Đô",
                                                "Đông Văn Nguyễn"}
    assert found(officer, "tu ma van")[0] == "Tú Ma Văn"
    assert set(found(officer, "ma van tu")) == {"Ma Văn Tú", "Ma Văn Tuấn", "Tú Ma Văn"}


def test_a_word_inside_another_word_is_not_a_match(crowd, officer):
    assert "Nguyễn Văn Đông" not in found(officer, "uyen")
    assert found(officer, "ong van") == []


def test_exact_then_prefix_then_surname_matches_then_the_rest_by_name(crowd, officer):
    assert found(officer, "ma van tu") == ["Ma Văn Tú", "Ma Văn Tuấn", "Tú Ma Văn"]
    assert found(officer, "le my") == ["Lê Mỹ Anh", "Lê Thị Mỹ"]
    # "Đông Văn Nguyễn": no query word begins its first word, so it comes last
    assert found(officer, "van nguyen") == ["Nguyễn Văn Đô", "Nguyễn Văn Đông",
                                            "Đông Văn Nguyễn"]


def test_two_letter_words_and_words_that_begin_each_other(crowd, officer):
    assert set(found(officer, "le my")) == {"Lê Thị Mỹ", "Lê Mỹ Anh"}
    # "ng" begins "nguyen": one word of the name may answer both
    assert "Nguyễn Hữu Thắng" in found(officer, "nguyen ng")
    assert found(officer, "h bia") == ["Ksor H'Bia"]


@pytest.mark.parametrize("query", ["nguyen", "van", "nguyen van", "ma van tu", "le my", "thi",
                                   "nguyen do", "d", "h hlim", "van tu ma", "ng"])
def test_the_index_walk_gives_what_the_sorted_candidates_give(crowd, officer, monkeypatch,
                                                             query):
    monkeypatch.setattr(search, "WALK_BUDGET", 1)  # the bounded walk gives up at once
    sorted_here = found(officer, query, limit=5)
    monkeypatch.setattr(search, "CANDIDATES", 1)  # always walk, without a budget
    assert found(officer, query, limit=5) == sorted_here
    monkeypatch.setattr(search, "WALK_BUDGET", 3)  # a budget that sometimes suffices
    assert found(officer, query, limit=5) == sorted_here
    monkeypatch.setattr(search, "WALK_BUDGET", 10_000)
    assert found(officer, query, limit=5) == sorted_here


def test_address_words_every_address_has_do_not_match(crowd, officer):
    assert "Trần Thị Bé" not in found(officer, "duong")
    assert found(officer, "duong")[0] == "Dương Văn Hùng"
    assert found(officer, "nguyen hue") == ["Trần Thị Bé"]
    assert found(officer, "so 12") == []
    assert found(officer, "plei ring") == ["Rơ Mah Hlim"]


def test_citizen_id_prefix_in_number_order(make_person, officer):
    later = make_person("Ba", citizen_id="064090012399")
    earlier = make_person("Cả", citizen_id="064090012345")
    assert [p.pk for p in person_search(user=officer, query="06409001")] == [earlier.pk,
                                                                             later.pk]


def test_terms_follow_a_renamed_or_moved_person(make_person, officer, hai_son):
    person = make_person("Nguyễn Văn An")
    person.full_name = "Ma Văn Tú"
    person.save(update_fields=["full_name"])
    stored = Person.objects.get(pk=person.pk)
    assert stored.name_terms == name_terms("ma van tu", person.commune_id)
    assert found(officer, "tu ma") == ["Ma Văn Tú"]
    person.commune = hai_son
    person.save(update_fields=["commune"])
    assert f"c{hai_son.pk}" in Person.objects.get(pk=person.pk).name_terms.split()


def test_name_terms_hold_words_pairs_of_keys_and_the_commune():
    assert name_terms("ma van tuan", 7).split() == [
        "c7", "pma_tua", "pma_van", "ptua_ma", "ptua_van", "pvan_ma", "pvan_tua",
        "wma", "wtuan", "wvan"]
    assert name_terms("", None) == ""


def test_terms_query_uses_pairs_and_a_small_scope(monkeypatch):
    assert search._terms_query(["ma", "van", "tu"], [5]) == (
        "('pvan_ma':*) & ('pvan_tu':*) & ('c5')", True)
    query, by_pairs = search._terms_query(["ma", "d"], None)
    assert by_pairs and "'pma_d':*" in query and "'pmai_d':*" in query
    assert search._terms_query(["nguyen", "ng"], None) == ("'wnguyen':*", False)
    assert search._terms_query(["h", "b"], None) == ("'wb':*", False)
    assert "'c" not in search._terms_query(["an"], list(range(50)))[0]


@pytest.mark.parametrize("budget,candidates", [(10_000, 2000), (1, 2000), (1, 1), (2, 1)])
def test_a_word_that_begins_another_is_met_by_it_on_every_path(make_person, officer,
                                                                monkeypatch, budget, candidates):
    for i, name in enumerate(["Triệu Văn Trường", "Trần Triệu An", "Triệu Thị Mai",
                              "Trương Văn Bình", "Ngô Văn Nguyễn", "Nguyễn Văn Ngọc"]):
        make_person(name, birth_date=date(1970 + i, 1, 1))
    monkeypatch.setattr(search, "WALK_BUDGET", budget)
    monkeypatch.setattr(search, "CANDIDATES", candidates)

    # "tr" begins "trieu": any Triệu answers both words, and only the surname Triệu ranks first
    assert found(officer, "trieu tr") == ["Triệu Thị Mai", "Triệu Văn Trường", "Trần Triệu An"]
    assert found(officer, "trieu tr") == found(officer, "trieu")
    assert found(officer, "nguyen ng") == ["Nguyễn Văn Ngọc", "Ngô Văn Nguyễn"]
