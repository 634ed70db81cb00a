from pathlib import Path

import pytest

from safecommune.core.errors import DomainError
from safecommune.territory.selectors import unit_search, units_successors
from safecommune.territory.models import Level, Structure

SEED_004 = Path(__file__).resolve().parents[3] / "shared" / "seeds" / "004_473d74e4373d21f1.txt"

# Every Cyrillic place name in the Russian article (seed 004), with the unit it names.
SEED_004_PLACE_NAMES = {
    "Трикуанг": ("legacy", "02935"),
    "Три Куанг": ("legacy", "02935"),
    "Трикуанге": ("legacy", "02935"),
    "Баотханг": ("legacy", "086"),
    "Бао Тханг": ("legacy", "086"),
    "Лаокай": ("2025", "15"),
}


@pytest.mark.parametrize("query", ["Tri Quang", "Trì Quang", "Трикуанг", "Три Куанг",
                                   "Трикуанге", "TRI QUANG"])
def test_every_spelling_finds_former_tri_quang_and_shows_xuan_quang(db, query):
    results = unit_search(query=query)
    assert results, query
    tri_quang = results[0]
    assert (tri_quang.structure, tri_quang.code) == ("legacy", "02935")
    successors = units_successors(units=[tri_quang])[tri_quang.pk]
    assert [s.successor.name for s in successors] == ["Xã Xuân Quang"]


def test_partial_words_match(db):
    # "tri qua" is also the whole name of Trí Quả (Bắc Ninh), which rightly ranks first.
    results = unit_search(query="tri qua")
    assert results[0].short_name == "Trí Quả"
    assert ("legacy", "02935") in [(u.structure, u.code) for u in results]
    assert ("legacy", "02935") in [(u.structure, u.code) for u in unit_search(query="Трикуа")]


def test_the_seed_list_covers_the_article():
    text = SEED_004.read_text(encoding="utf-8")
    for name in SEED_004_PLACE_NAMES:
        assert name in text, name


@pytest.mark.parametrize("name,unit", sorted(SEED_004_PLACE_NAMES.items()))
def test_every_cyrillic_place_name_of_the_russian_article_is_found(db, name, unit):
    results = unit_search(query=name)
    assert unit in [(u.structure, u.code) for u in results], (name, [u.name for u in results])


def test_exact_name_ranks_before_partial_matches(db):
    results = unit_search(query="Hải Lăng", level=Level.COMMUNE, structure=Structure.CURRENT)
    assert results[0].short_name == "Hải Lăng"
    assert "Nam Hải Lăng" in [u.short_name for u in results]


def test_same_folded_name_is_told_apart_by_parent(db):
    results = unit_search(query="Hai Son", structure=Structure.LEGACY, level=Level.COMMUNE)
    parents = {(u.code, u.parent.short_name) for u in results}
    assert ("19735", "Hải Lăng") in parents and ("06724", "Móng Cái") in parents


def test_search_can_be_limited_to_a_province(units):
    gia_lai = units(Structure.CURRENT, "52")
    results = unit_search(query="ia", parent=gia_lai, level=Level.COMMUNE)
    assert results and all(u.province_id == gia_lai.pk for u in results)


def test_empty_or_punctuation_query_finds_nothing(db):
    assert unit_search(query="") == []
    assert unit_search(query=" -- ") == []


def test_overlong_query_is_refused_naming_the_field(db):
    with pytest.raises(DomainError) as caught:
        unit_search(query="x" * 101)
    assert caught.value.field == "q" and caught.value.rule == "max_length"


def test_a_province_ranks_before_a_commune_of_the_same_name(db):
    results = unit_search(query="Thanh Hóa", structure=Structure.CURRENT)
    assert results[0].name == "Tỉnh Thanh Hóa"


@pytest.mark.parametrize("query,name", [("Тханьхоа", "Tỉnh Thanh Hóa"),
                                        ("Зялай", "Tỉnh Gia Lai"),
                                        ("Кханьхоа", "Tỉnh Khánh Hòa")])
def test_joined_and_kontsevich_russian_spellings_find_provinces(db, query, name):
    assert name in [u.name for u in unit_search(query=query)]
