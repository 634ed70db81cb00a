"""Writes on territories: villages, places, commune settings, deadline hours."""

from __future__ import annotations

import pytest

from safecommune.core.errors import DomainError, ValidationFailed
from safecommune.territory.models import CommuneSettings, Place, PlaceKind, Structure, Village
from safecommune.territory.services import (
    commune_settings_for,
    commune_settings_update,
    deadline_hours,
    place_create,
    village_archive,
    village_create,
)


def fields_and_rules(exc: DomainError) -> set[tuple[str | None, str]]:
    errors = exc.as_list() if isinstance(exc, ValidationFailed) else [exc.as_dict()]
    return {(e["field"], e["rule"]) for e in errors}


def row_counts() -> tuple[int, int, int]:
    return Village.objects.count(), Place.objects.count(), CommuneSettings.objects.count()


@pytest.fixture
def xuan_quang(units):
    return units(Structure.CURRENT, "02926")


@pytest.fixture
def ia_krai(units):
    return units(Structure.CURRENT, "23776")


# --- village_create ------------------------------------------------------------------------

def test_village_is_created_with_keys_and_author(xuan_quang, units, staff_user):
    tri_quang = units(Structure.LEGACY, "02935")

    village = village_create(actor=staff_user, commune=xuan_quang, name="  Thôn Trì Thượng ",
                             former_unit=tri_quang, latitude=22.36, longitude=104.24,
                             households=120, population=480)

    village.refresh_from_db()
    assert village.name == "Thôn Trì Thượng"
    assert village.name_key == "thon tri thuong"
    assert village.former_unit == tri_quang
    assert village.created_by == village.modified_by == staff_user
    assert village.archived_at is None


@pytest.mark.parametrize("name", ["", "   ", None])
def test_village_needs_a_name(xuan_quang, name):
    before = row_counts()

    with pytest.raises(ValidationFailed) as caught:
        village_create(commune=xuan_quang, name=name)

    assert "name" in {field for field, _rule in fields_and_rules(caught.value)}
    assert row_counts() == before


def test_village_name_is_unique_in_its_commune_after_folding(xuan_quang):
    village_create(commune=xuan_quang, name="Thôn Một")
    before = row_counts()

    with pytest.raises(ValidationFailed) as caught:
        village_create(commune=xuan_quang, name="thon  mot")

    assert fields_and_rules(caught.value) == {("name", "unique")}
    assert row_counts() == before


def test_same_village_name_in_another_commune_is_fine(xuan_quang, ia_krai):
    village_create(commune=xuan_quang, name="Thôn Một")

    village = village_create(commune=ia_krai, name="Thôn Một")

    assert village.commune == ia_krai
    assert Village.objects.filter(name_key="thon mot").count() == 2


@pytest.mark.parametrize("structure,code", [("legacy", "02935"), ("2025", "15"),
                                            ("legacy", "086")],
                         ids=["legacy-commune", "province", "legacy-district"])
def test_village_must_be_in_a_current_commune(units, structure, code):
    before = row_counts()

    with pytest.raises(DomainError) as caught:
        village_create(commune=units(structure, code), name="Thôn Một")

    assert fields_and_rules(caught.value) == {("commune", "current_commune")}
    assert row_counts() == before


def test_former_unit_must_be_a_predecessor_of_the_commune(xuan_quang, units):
    # Xã Quang Tiến (Hà Nội) is a former commune, but not one that formed Xuân Quang.
    elsewhere = units(Structure.LEGACY, "00409")
    before = row_counts()

    with pytest.raises(DomainError) as caught:
        village_create(commune=xuan_quang, name="Thôn Một", former_unit=elsewhere)

    assert fields_and_rules(caught.value) == {("former_unit", "predecessor")}
    assert row_counts() == before


@pytest.mark.parametrize("code", ["02920", "02926", "02935"])
def test_every_predecessor_is_accepted_as_former_unit(xuan_quang, units, code):
    village = village_create(commune=xuan_quang, name="Thôn Một",
                             former_unit=units(Structure.LEGACY, code))
    assert village.former_unit.code == code


@pytest.mark.parametrize("point", [{"latitude": 22.3}, {"longitude": 104.2}])
def test_latitude_and_longitude_come_as_a_pair(xuan_quang, point):
    before = row_counts()

    with pytest.raises(DomainError) as caught:
        village_create(commune=xuan_quang, name="Thôn Một", **point)

    assert fields_and_rules(caught.value) == {("latitude", "pair")}
    assert row_counts() == before


@pytest.mark.parametrize("changes,field", [
    ({"latitude": 91, "longitude": 104.2}, "latitude"),
    ({"latitude": 22.3, "longitude": -180.5}, "longitude"),
    ({"latitude": "north", "longitude": 104.2}, "latitude"),
    ({"households": -1}, "households"),
    ({"population": -3}, "population"),
    ({"kind": "castle"}, "kind"),
    ({"name": "x" * 129}, "name"),
])
def test_village_with_invalid_values_is_refused_naming_the_field(xuan_quang, changes, field):
    before = row_counts()

    with pytest.raises(ValidationFailed) as caught:
        village_create(commune=xuan_quang, **{"name": "Thôn Một", **changes})

    assert field in {f for f, _rule in fields_and_rules(caught.value)}
    assert row_counts() == before


def test_long_cyrillic_village_name_is_accepted_with_its_longer_keys(xuan_quang):
    # Cyrillic folds to up to two Latin letters per letter: 128 "Я" become 256 letters.
    village = village_create(commune=xuan_quang, name="Я" * 128)

    village.refresh_from_db()
    assert village.name_key == "ia" * 128


# --- village_archive -----------------------------------------------------------------------

@pytest.mark.parametrize("reason", ["", "   ", None])
def test_archiving_a_village_needs_a_reason(xuan_quang, reason):
    village = village_create(commune=xuan_quang, name="Thôn Một")

    with pytest.raises(DomainError) as caught:
        village_archive(village=village, reason=reason)

    assert fields_and_rules(caught.value) == {("reason", "required")}
    village.refresh_from_db()
    assert village.archived_at is None


def test_archived_village_is_kept_and_frees_its_name(xuan_quang, staff_user):
    village = village_create(commune=xuan_quang, name="Thôn Một")

    village_archive(actor=staff_user, village=village, reason=" merged into Thôn Hai ")
    again = village_create(commune=xuan_quang, name="Thôn Một")

    village.refresh_from_db()
    assert village.archived_at is not None
    assert village.archive_reason == "merged into Thôn Hai"
    assert village.modified_by == staff_user
    assert list(Village.objects.active().filter(commune=xuan_quang)) == [again]
    assert Village.objects.filter(commune=xuan_quang, name_key="thon mot").count() == 2


# --- place_create --------------------------------------------------------------------------

def test_place_is_created_in_a_village_of_its_commune(xuan_quang):
    village = village_create(commune=xuan_quang, name="Thôn Một")

    place = place_create(commune=xuan_quang, kind=PlaceKind.SCHOOL, name="Trường Tiểu học",
                         village=village, address="Thôn Một")

    place.refresh_from_db()
    assert (place.village, place.name_key) == (village, "truong tieu hoc")


def test_place_village_must_belong_to_the_same_commune(xuan_quang, ia_krai):
    village = village_create(commune=ia_krai, name="Làng Bi")
    before = row_counts()

    with pytest.raises(DomainError) as caught:
        place_create(commune=xuan_quang, kind=PlaceKind.SCHOOL, name="Trường", village=village)

    assert fields_and_rules(caught.value) == {("village", "same_commune")}
    assert row_counts() == before


@pytest.mark.parametrize("kind", ["castle", ""])
def test_place_with_unknown_kind_is_refused(xuan_quang, kind):
    before = row_counts()

    with pytest.raises(ValidationFailed) as caught:
        place_create(commune=xuan_quang, kind=kind, name="Lâu đài")

    assert "kind" in {f for f, _rule in fields_and_rules(caught.value)}
    assert row_counts() == before


def test_place_name_is_unique_per_kind_in_a_commune(xuan_quang):
    place_create(commune=xuan_quang, kind=PlaceKind.SCHOOL, name="Trường Trì Quang")

    with pytest.raises(ValidationFailed) as caught:
        place_create(commune=xuan_quang, kind=PlaceKind.SCHOOL, name="TRUONG TRI QUANG")
    other_kind = place_create(commune=xuan_quang, kind=PlaceKind.AGENCY,
                              name="Trường Trì Quang")

    assert fields_and_rules(caught.value) == {("name", "unique")}
    assert other_kind.pk is not None


def test_place_must_be_in_a_current_commune(units):
    with pytest.raises(DomainError) as caught:
        place_create(commune=units(Structure.LEGACY, "02935"), kind=PlaceKind.SCHOOL,
                     name="Trường")
    assert fields_and_rules(caught.value) == {("commune", "current_commune")}


# --- commune settings ----------------------------------------------------------------------

def test_commune_settings_default_without_a_row(xuan_quang):
    row = commune_settings_for(commune=xuan_quang)
    assert row.pk is not None and row._state.adding  # a default, not saved
    assert (row.is_remote, row.public_pages_open, row.duty_hotline) == (False, True, "")
    assert not CommuneSettings.objects.filter(commune=xuan_quang).exists()


def test_updating_settings_twice_keeps_one_row(xuan_quang, staff_user, plain_user):
    commune_settings_update(actor=staff_user, commune=xuan_quang, duty_hotline="0214 3860 113",
                            is_remote=True)
    commune_settings_update(actor=plain_user, commune=xuan_quang, population=12_000,
                            duty_hotline=None)

    row = CommuneSettings.objects.get(commune=xuan_quang)
    assert CommuneSettings.objects.filter(commune=xuan_quang).count() == 1
    assert (row.duty_hotline, row.is_remote, row.population) == ("", True, 12_000)
    assert (row.created_by, row.modified_by) == (staff_user, plain_user)


@pytest.mark.parametrize("field", ["duty_hotline", "chief_phone"])
@pytest.mark.parametrize("number", ["abc", "12", "+84 (214) 386", "0" * 21])
def test_bad_phone_number_is_refused_and_nothing_is_saved(xuan_quang, field, number):
    before = row_counts()

    with pytest.raises(ValidationFailed) as caught:
        commune_settings_update(commune=xuan_quang, **{field: number})

    assert (field, "phone") in fields_and_rules(caught.value) or (
        field, "max_length") in fields_and_rules(caught.value)
    assert row_counts() == before


@pytest.mark.parametrize("number", ["113", "+84 214 3860 113", "0214.3860.113", "0905-100-776"])
def test_good_phone_numbers_are_accepted(xuan_quang, number):
    row = commune_settings_update(commune=xuan_quang, duty_hotline=number)
    assert row.duty_hotline == number


def test_unknown_setting_is_refused(xuan_quang):
    before = row_counts()

    with pytest.raises(DomainError) as caught:
        commune_settings_update(commune=xuan_quang, colour="red", duty_hotline="113")

    assert fields_and_rules(caught.value) == {("colour", "unknown")}
    assert row_counts() == before


@pytest.mark.parametrize("structure,code", [("legacy", "02935"), ("2025", "15")])
def test_settings_are_only_for_current_communes(units, structure, code):
    with pytest.raises(DomainError) as caught:
        commune_settings_update(commune=units(structure, code), is_remote=True)
    assert fields_and_rules(caught.value) == {("commune", "current_commune")}
    assert CommuneSettings.objects.count() == 0


# --- deadline_hours ------------------------------------------------------------------------

@pytest.mark.parametrize("hours,remote_hours", [(24, 48), (12, 24), (6, 6), (48, 48), (72, 72)])
def test_remote_commune_gets_longer_deadlines_only_for_24_and_12(xuan_quang, hours,
                                                                  remote_hours):
    assert deadline_hours(commune=xuan_quang, hours=hours) == hours

    commune_settings_update(commune=xuan_quang, is_remote=True)

    assert deadline_hours(commune=xuan_quang, hours=hours) == remote_hours


def test_deadline_follows_the_saved_settings_on_a_fresh_instance(xuan_quang, units):
    commune_settings_update(commune=xuan_quang, is_remote=True)
    commune_settings_update(commune=xuan_quang, is_remote=False)
    assert deadline_hours(commune=units(Structure.CURRENT, "02926"), hours=24) == 24


def test_deadline_follows_the_settings_just_updated_on_the_same_instance(xuan_quang):
    # The commune object caches its settings row; updating must not leave it stale.
    commune_settings_update(commune=xuan_quang, is_remote=True)
    commune_settings_update(commune=xuan_quang, is_remote=False)
    assert deadline_hours(commune=xuan_quang, hours=24) == 24
