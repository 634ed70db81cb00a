"""The demo name generator: Vietnamese order, real surname shares, each people's style."""

from __future__ import annotations

import time
import unicodedata
from collections import Counter

import pytest
from hypothesis import given
from hypothesis import strategies as st

from safecommune.demo.names import (
    ETHNICITIES,
    HAI_SON_MIX,
    IA_KRAI_MIX,
    SEXES,
    GeneratedName,
    NameGenerator,
    sample_people,
)

HONORIFICS = {"Ông", "Bà", "Anh", "Chị", "Cô", "Chú", "Em", "Mr", "Mr.", "Mrs", "Mrs.", "Ms",
              "Ms.", "Miss", "Dr", "Dr."}
JRAI_CLANS = {"Ksor", "Siu", "Rơ Mah", "Rơ Châm", "Kpă", "Nay", "Rah Lan", "Puih", "Rơ Ô"}
DAO_SURNAMES = {"Triệu", "Bàn", "Đặng", "Lý", "Chảo", "Phùng", "Lò", "Dương", "Tẩn", "Sầm"}
TAY_SURNAMES = {"Hoàng", "Nông", "Lương", "Hà", "Lục", "Đàm", "Bế", "Vi", "Ma", "Triệu", "Lâm",
                "Hứa"}
SAN_CHI_SURNAMES = {"Chìu", "Lỷ", "Tằng", "Đặng", "Sằm", "Dương", "Lục", "La", "Phùn"}


def _people(ethnicity: str, sex: str, n: int, seed: int = 1) -> list[GeneratedName]:
    generator = NameGenerator(seed)
    return [generator.person(ethnicity=ethnicity, sex=sex) for _ in range(n)]


def _kinh_mixed(n: int, seed: int = 1) -> list[GeneratedName]:
    return list(sample_people(seed=seed, n=n, mix={"kinh": 1.0}))


@given(seed=st.integers(min_value=0, max_value=2**64),
       ethnicity=st.sampled_from(sorted(ETHNICITIES)), sex=st.sampled_from(SEXES))
def test_name_is_surname_first_without_honorifics_and_nfc(seed, ethnicity, sex):
    person = NameGenerator(seed).person(ethnicity=ethnicity, sex=sex)

    parts = [part for part in (person.surname, person.middle, person.given) if part]
    assert person.full_name == " ".join(parts)
    assert person.full_name.startswith(person.surname + " ")
    assert person.full_name.split()[0] not in HONORIFICS
    assert not {"Ông", "Bà", "Chị", "Mr", "Mrs", "Ms"} & set(person.full_name.split())
    assert unicodedata.is_normalized("NFC", person.full_name)
    assert "  " not in person.full_name and person.full_name == person.full_name.strip()
    assert (person.ethnicity, person.sex) == (ethnicity, sex)


def test_every_name_in_a_large_sample_is_nfc():
    mix = {code: 1.0 for code in ETHNICITIES}
    for person in sample_people(seed=11, n=20_000, mix=mix):
        for part in (person.surname, person.middle, person.given, person.full_name):
            assert unicodedata.is_normalized("NFC", part), part


def test_nguyen_is_about_38_percent_of_kinh_names():
    surnames = Counter(person.surname for person in _kinh_mixed(20_000))

    assert 0.35 <= surnames["Nguyễn"] / 20_000 <= 0.41


def test_tran_is_more_common_than_le_more_common_than_pham():
    surnames = Counter(person.surname for person in _kinh_mixed(20_000, seed=2))

    assert surnames["Trần"] > surnames["Lê"] > surnames["Phạm"] > surnames["Đặng"]


def test_kinh_surnames_have_a_long_tail():
    surnames = Counter(person.surname for person in _kinh_mixed(20_000, seed=3))

    assert len(surnames) >= 40
    assert 0.05 <= sum(count for name, count in surnames.items() if count < 200) / 20_000


def test_kinh_women_and_men_have_different_middle_names():
    men = Counter(person.middle for person in _people("kinh", "male", 5_000))
    women = Counter(person.middle for person in _people("kinh", "female", 5_000))

    assert men.most_common(1)[0][0] == "Văn"
    assert women.most_common(1)[0][0] == "Thị"
    assert set(men) != set(women)
    assert "Thị" not in men and "Văn" not in women
    assert any(middle.startswith("Thị ") for middle in women)  # Nguyễn Thị Thu Hà


@pytest.mark.parametrize("ethnicity", sorted(ETHNICITIES))
def test_thi_is_only_for_women_and_van_only_for_men(ethnicity):
    men = _people(ethnicity, "male", 2_000)
    women = _people(ethnicity, "female", 2_000)

    assert not any("Thị" in person.middle.split() for person in men)
    assert not any("Văn" in person.middle.split() for person in women)


def test_kinh_given_names_are_varied_for_both_sexes():
    for sex in SEXES:
        given_names = {person.given for person in _people("kinh", sex, 20_000)}
        assert len(given_names) >= 60, sex


def test_a_given_name_rarely_repeats_the_middle_name():
    women = _people("kinh", "female", 10_000)

    repeats = sum(person.given == person.middle.split()[-1] for person in women)
    assert repeats <= 5


def test_same_seed_gives_the_same_names_and_another_seed_others():
    mix = {"kinh": 0.5, "gia_rai": 0.3, "dao": 0.2}

    first = list(sample_people(seed=42, n=500, mix=mix))
    again = list(sample_people(seed=42, n=500, mix=mix))
    other = list(sample_people(seed=43, n=500, mix=mix))

    assert first == again
    assert [p.full_name for p in first] != [p.full_name for p in other]


def test_generator_calls_in_the_same_order_repeat():
    def run(seed):
        generator = NameGenerator(seed)
        return [(generator.ethnicity_for(mix=IA_KRAI_MIX),
                 generator.person(ethnicity="tay", sex="female").full_name) for _ in range(50)]

    assert run(7) == run(7)
    assert run(7) != run(8)


def test_ia_krai_mix_is_reproduced_within_two_points():
    generator = NameGenerator(5)

    drawn = Counter(generator.ethnicity_for(mix=IA_KRAI_MIX) for _ in range(20_000))

    assert set(drawn) == {"kinh", "gia_rai"}
    assert abs(drawn["kinh"] / 20_000 - 0.53) <= 0.02
    assert abs(drawn["gia_rai"] / 20_000 - 0.47) <= 0.02


def test_sample_people_follows_mix_and_sex_ratio():
    people = list(sample_people(seed=9, n=20_000, mix=HAI_SON_MIX, sex_ratio=0.51))

    ethnicities = Counter(person.ethnicity for person in people)
    total = sum(HAI_SON_MIX.values())
    for code, weight in HAI_SON_MIX.items():
        assert abs(ethnicities[code] / 20_000 - weight / total) <= 0.02, code
    men = sum(person.sex == "male" for person in people)
    assert abs(men / 20_000 - 0.51) <= 0.02


def test_sex_ratio_extremes():
    assert {p.sex for p in sample_people(seed=1, n=200, mix=IA_KRAI_MIX, sex_ratio=0)} == {
        "female"}
    assert {p.sex for p in sample_people(seed=1, n=200, mix=IA_KRAI_MIX, sex_ratio=1)} == {"male"}


def test_hai_son_like_mix_gives_dao_tay_and_san_chi_surnames():
    mix = {"dao": 0.5, "tay": 0.25, "san_chi": 0.17, "kinh": 0.08}

    people = list(sample_people(seed=4, n=10_000, mix=mix))

    minority_surnames = DAO_SURNAMES | TAY_SURNAMES | SAN_CHI_SURNAMES
    share = sum(person.surname in minority_surnames for person in people) / len(people)
    assert share >= 0.9
    surnames = {person.surname for person in people}
    assert {"Triệu", "Bàn", "Chảo", "Tẩn", "Nông", "Bế", "Vi", "Chìu", "Lỷ", "Tằng",
            "Phùn"} <= surnames
    assert not surnames & JRAI_CLANS
    expected = {"dao": DAO_SURNAMES, "tay": TAY_SURNAMES, "san_chi": SAN_CHI_SURNAMES}
    for person in people:
        if person.ethnicity in expected:
            assert person.surname in expected[person.ethnicity], person


def test_dao_men_carry_generation_middle_names():
    middles = Counter(person.middle for person in _people("dao", "male", 3_000))

    assert middles.most_common(1)[0][0] == "Văn"
    assert {"Tài", "Phúc", "Quầy"} <= set(middles)


def test_jrai_names_are_clan_name_then_given_name():
    men = _people("gia_rai", "male", 3_000)
    women = _people("gia_rai", "female", 3_000)

    for person in men + women:
        assert person.surname in JRAI_CLANS or person.surname in {"Hiao", "Alê", "Rơ Mô"}
        assert person.middle == ""
    assert not any(person.given.startswith("H'") for person in men)
    traditional = sum(person.given.startswith("H'") for person in women) / len(women)
    assert 0.4 <= traditional <= 0.7
    clans = Counter(person.surname for person in men + women)
    assert clans.most_common(1)[0][0] == "Ksor"


def test_jrai_names_never_use_kinh_surnames():
    surnames = {person.surname for person in _people("gia_rai", "female", 3_000)}

    assert "Nguyễn" not in surnames and "Trần" not in surnames


def test_a_child_can_keep_the_family_surname():
    generator = NameGenerator(6)
    mother = generator.person(ethnicity="gia_rai", sex="female")

    child = generator.person(ethnicity="gia_rai", sex="male", surname=mother.surname)

    assert child.surname == mother.surname
    assert child.full_name.startswith(mother.surname + " ")
    decomposed = unicodedata.normalize("NFD", "Nguyễn")
    assert NameGenerator(1).person(ethnicity="kinh", sex="male",
                                   surname=decomposed).surname == "Nguyễn"
    with pytest.raises(ValueError):
        generator.person(ethnicity="kinh", sex="male", surname="  ")


@pytest.mark.parametrize("kwargs", [
    {"ethnicity": "bahnar", "sex": "male"},
    {"ethnicity": "Kinh", "sex": "male"},
    {"ethnicity": "kinh", "sex": "m"},
    {"ethnicity": "kinh", "sex": "Female"},
])
def test_unknown_ethnicity_or_sex_is_refused(kwargs):
    with pytest.raises(ValueError):
        NameGenerator(1).person(**kwargs)


@pytest.mark.parametrize("mix", [{}, {"kinh": 0.5, "martian": 0.5}, {"kinh": -1.0, "gia_rai": 2.0},
                                 {"kinh": 0.0}, {"kinh": float("nan")},
                                 {"kinh": 1.0, "gia_rai": float("inf")}])
def test_bad_mix_is_refused(mix):
    with pytest.raises(ValueError):
        NameGenerator(1).ethnicity_for(mix=mix)
    with pytest.raises(ValueError):
        sample_people(seed=1, n=10, mix=mix)  # at the call, before any name is drawn


def test_zero_weight_ethnicity_is_never_drawn():
    generator = NameGenerator(3)

    drawn = {generator.ethnicity_for(mix={"hoa": 0.0, "kinh": 1.0, "dao": 0.0})
             for _ in range(2_000)}

    assert drawn == {"kinh"}


@pytest.mark.parametrize("kwargs", [{"n": -1}, {"sex_ratio": 1.5}, {"sex_ratio": -0.1}])
def test_bad_sample_arguments_are_refused_at_the_call(kwargs):
    arguments = {"seed": 1, "n": 10, "mix": IA_KRAI_MIX} | kwargs
    with pytest.raises(ValueError):
        sample_people(**arguments)


def test_thirty_thousand_names_are_quick():
    start = time.perf_counter()
    people = list(sample_people(seed=1, n=30_000, mix=IA_KRAI_MIX))
    elapsed = time.perf_counter() - start

    assert len(people) == 30_000
    assert elapsed < 2.0  # a sanity check; bench/ is for figures
