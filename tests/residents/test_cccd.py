"""The citizen ID's structure: 12 digits, a pre-2025 province, century/sex, birth year."""

from datetime import date

import pytest
from hypothesis import given
from hypothesis import strategies as st

from safecommune.core.errors import ValidationFailed
from safecommune.residents.cccd import (
    LEGACY_PROVINCE_CODES,
    PROVINCE_PREFIXES,
    birth_year_of,
    century_and_sex,
    validate_cccd,
)

TODAY = date(2025, 9, 1)


def rule_of(value, **kwargs):
    with pytest.raises(ValidationFailed) as caught:
        validate_cccd(value, today=TODAY, **kwargs)
    error = caught.value.as_list()[0]
    assert error["field"] == "citizen_id"
    return error


def test_a_valid_cccd_is_returned_as_twelve_digits():
    assert validate_cccd("064 090 012345", birth_date=date(1990, 3, 2), sex="male",
                         today=TODAY) == "064090012345"


def test_eleven_digits_are_refused_saying_how_many_were_given():
    error = rule_of("06409001234")
    assert error["rule"] == "digits"
    assert "11" in error["message"]


def test_letters_are_refused_as_digits():
    assert rule_of("06409001234a")["rule"] == "digits"


def test_province_code_003_is_not_a_province():
    error = rule_of("003090012345")
    assert error["rule"] == "province"
    assert "003" in error["message"]


def test_birth_year_in_the_future_is_refused():
    assert rule_of("064230012345")["rule"] == "future"  # 2030


def test_a_century_that_has_not_begun_is_refused():
    assert rule_of("064490012345")["rule"] == "century"  # 2190s


def test_birth_year_not_matching_the_date_of_birth_is_refused():
    error = rule_of("064090012345", birth_date=date(1991, 1, 1))
    assert error["rule"] == "birth_year"
    assert "1990" in error["message"] and "1991" in error["message"]


def test_sex_digit_not_matching_the_sex_is_refused():
    assert rule_of("064090012345", birth_date=date(1990, 1, 1), sex="female")["rule"] == "sex"


@pytest.mark.parametrize("digit,century,sex", [
    (0, 1900, "male"), (1, 1900, "female"), (2, 2000, "male"), (3, 2000, "female"),
    (4, 2100, "male"), (5, 2100, "female"), (6, 2200, "male"), (7, 2200, "female"),
    (8, 2300, "male"), (9, 2300, "female")])
def test_century_and_sex_digit(digit, century, sex):
    assert century_and_sex(digit) == (century, sex)


def test_province_codes_are_the_63_legacy_provinces_of_the_territory_data(db):
    from safecommune.territory.models import AdministrativeUnit

    loaded = set(AdministrativeUnit.objects.filter(structure="legacy", level="province")
                 .values_list("code", flat=True))
    assert len(LEGACY_PROVINCE_CODES) == 63
    assert set(LEGACY_PROVINCE_CODES) == loaded


cccds = st.builds(
    lambda province, digit, year, rest: f"{province}{digit}{year:02d}{rest}",
    st.sampled_from(sorted(PROVINCE_PREFIXES)), st.integers(0, 3), st.integers(0, 99),
    st.text("0123456789", min_size=6, max_size=6))


@given(cccds)
def test_every_well_formed_past_cccd_is_accepted_with_its_own_birth_year(value):
    year = birth_year_of(value)
    if year > TODAY.year:
        assert rule_of(value)["rule"] == "future"
    else:
        sex = century_and_sex(int(value[3]))[1]
        assert validate_cccd(value, birth_date=date(year, 6, 1), sex=sex, today=TODAY) == value


@given(st.text(max_size=30))
def test_any_text_is_accepted_or_refused_with_a_citizen_id_rule(value):
    try:
        result = validate_cccd(value, today=TODAY)
    except ValidationFailed as exc:
        error = exc.as_list()[0]
        assert error["field"] == "citizen_id"
        assert error["rule"] in {"digits", "province", "century", "future"}
    else:
        assert len(result) == 12 and result.isdigit() and result[:3] in PROVINCE_PREFIXES


@given(st.text("0123456789", min_size=0, max_size=20).filter(lambda t: len(t) != 12))
def test_a_wrong_number_of_digits_names_the_count(value):
    error = rule_of(value)
    assert error["rule"] == "digits"
    assert str(len(value)) in error["message"]
