import re
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from safecommune.core.text import fold, phonetic, query_keys

SEEDS = Path(__file__).resolve().parents[3] / "shared" / "seeds"


@pytest.mark.parametrize("text,expected", [
    ("Trì Quang", "tri quang"),
    ("  Đồng   Tâm ", "dong tam"),
    ("Xã Ia Krái", "xa ia krai"),
    ("Phường Hiệp Thành", "phuong hiep thanh"),
    ("", ""),
])
def test_fold_removes_tones_and_d_stroke(text, expected):
    assert fold(text) == expected


@pytest.mark.parametrize("spelling", ["Tri Quang", "Trì Quang", "Трикуанг", "Три Куанг",
                                      "TRÌ QUANG", "tri-quang"])
def test_vietnamese_and_russian_spellings_share_a_phonetic_key(spelling):
    assert phonetic(spelling) == phonetic("Trì Quang")


@pytest.mark.parametrize("russian,vietnamese", [
    ("Баотханг", "Bảo Thắng"),
    ("Бао Тханг", "Bảo Thắng"),
    ("Лаокай", "Lào Cai"),
    ("Тхань", "Thạnh"),
    ("Тханьхоа", "Thanh Hóa"),
    ("Кханьхоа", "Khánh Hòa"),
    ("Лонгхай", "Long Hải"),
    ("Зялай", "Gia Lai"),
    ("Нгиа", "Nghĩa"),
])
def test_russian_transliterations_meet_the_vietnamese_name(russian, vietnamese):
    assert phonetic(russian) == phonetic(vietnamese)


def test_russian_case_ending_yields_the_stem_as_a_further_key():
    keys = query_keys("Трикуанге")
    assert phonetic("Trì Quang") in keys
    assert keys[0] == phonetic("Трикуанге")


def test_latin_query_gets_no_case_ending_variants():
    assert query_keys("Hai Lang") == [phonetic("Hai Lang")]


def test_different_names_keep_different_keys():
    assert phonetic("Hải Sơn") != phonetic("Hải Lăng")
    assert phonetic("Xuân Quang") != phonetic("Trì Quang")


@given(st.text(max_size=60))
def test_fold_is_idempotent_and_plain_ascii(text):
    once = fold(text)
    assert fold(once) == once
    assert re.fullmatch(r"[0-9a-z ]*", once)


@given(st.text(max_size=60))
def test_phonetic_has_no_spaces_and_ignores_spacing(text):
    key = phonetic(text)
    assert " " not in key
    assert phonetic(" ".join(text.split())) == key


def test_seed_article_is_available():
    assert (SEEDS / "004_473d74e4373d21f1.txt").exists(), SEEDS
