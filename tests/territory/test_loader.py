from collections import Counter

from django.db.models import Count, Q

from safecommune.territory.loader import territory_load
from safecommune.territory.models import AdministrativeUnit, Level, Structure, UnitSuccession


def count(structure, level):
    return AdministrativeUnit.objects.filter(structure=structure, level=level).count()


def test_both_structures_are_loaded_with_their_real_sizes(db):
    assert count(Structure.CURRENT, Level.PROVINCE) == 34
    assert count(Structure.CURRENT, Level.COMMUNE) == 3321
    assert count(Structure.CURRENT, Level.DISTRICT) == 0
    assert count(Structure.LEGACY, Level.PROVINCE) == 63
    assert count(Structure.LEGACY, Level.DISTRICT) == 696
    assert count(Structure.LEGACY, Level.COMMUNE) == 10035


def test_current_communes_split_into_xa_phuong_and_dac_khu(db):
    kinds = Counter(AdministrativeUnit.objects.filter(
        structure=Structure.CURRENT, level=Level.COMMUNE).values_list("kind", flat=True))
    assert kinds == {"Xã": 2621, "Phường": 687, "Đặc khu": 13}


def test_every_current_commune_has_coordinates_and_all_but_four_an_area(db):
    communes = AdministrativeUnit.objects.filter(structure=Structure.CURRENT, level=Level.COMMUNE)
    assert not communes.filter(Q(latitude__isnull=True) | Q(longitude__isnull=True)).exists()
    # The package gives no (or a zero) area for these four; unknown stays unknown, never 0.
    without_area = set(communes.filter(area_km2__isnull=True).values_list("code", flat=True))
    assert without_area == {"06187", "19147", "19159", "28435"}
    assert not communes.filter(area_km2__lte=0).exists()


def test_validity_periods_meet_at_the_reform(units):
    old = units(Structure.LEGACY, "02935")
    new = units(Structure.CURRENT, "02926")
    assert str(old.valid_to) == "2025-06-30" and old.valid_from is None
    assert str(new.valid_from) == "2025-07-01" and new.valid_to is None


def test_province_codes_are_reused_with_new_meanings(units):
    assert units(Structure.LEGACY, "15").short_name == "Yên Bái"
    assert units(Structure.CURRENT, "15").short_name == "Lào Cai"


def test_471_old_communes_were_split_each_with_exactly_one_default(db):
    split = (UnitSuccession.objects.filter(is_split=True, predecessor__level=Level.COMMUNE)
             .values("predecessor").annotate(parts=Count("id"),
                                             defaults=Count("id", filter=Q(is_default=True))))
    assert len(split) == 471
    assert all(row["parts"] >= 2 and row["defaults"] == 1 for row in split)


def test_every_old_commune_has_a_successor(db):
    orphans = AdministrativeUnit.objects.filter(
        structure=Structure.LEGACY, level=Level.COMMUNE, successions__isnull=True)
    assert orphans.count() == 0


def test_tri_quang_merged_whole_into_xuan_quang(units):
    tri_quang = units(Structure.LEGACY, "02935")
    assert tri_quang.name == "Xã Trì Quang" and tri_quang.parent.name == "Huyện Bảo Thắng"
    successors = list(tri_quang.successions.values_list("successor__name", "is_split"))
    assert successors == [("Xã Xuân Quang", False)]


def test_old_hai_lang_district_communes_form_five_new_communes(units):
    district = units(Structure.LEGACY, "470")
    assert district.name == "Huyện Hải Lăng"
    new_names = set(UnitSuccession.objects.filter(predecessor__parent=district)
                    .values_list("successor__short_name", flat=True))
    assert new_names == {"Diên Sanh", "Hải Lăng", "Mỹ Thủy", "Nam Hải Lăng", "Vĩnh Định"}


def test_hai_phu_is_now_part_of_hai_lang_commune(units):
    hai_phu = units(Structure.LEGACY, "19702")
    assert hai_phu.name == "Xã Hải Phú"
    assert hai_phu.successions.get().successor.name == "Xã Hải Lăng"


def test_two_hai_son_communes_are_told_apart_by_code_and_parent(units):
    quang_tri = units(Structure.LEGACY, "19735")
    quang_ninh = units(Structure.LEGACY, "06724")
    assert quang_tri.short_name == quang_ninh.short_name == "Hải Sơn"
    assert quang_tri.province.short_name == "Quảng Trị"
    assert quang_ninh.province.short_name == "Quảng Ninh"
    assert quang_tri.successions.get().successor.short_name == "Nam Hải Lăng"
    assert quang_ninh.successions.get().successor.short_name == "Hải Sơn"


def test_island_districts_without_communes_map_to_special_zones(units):
    con_dao = AdministrativeUnit.objects.get(structure=Structure.LEGACY, level=Level.DISTRICT,
                                             short_name="Côn Đảo")
    successor = con_dao.successions.get().successor
    assert successor.kind == "Đặc khu" and successor.level == Level.COMMUNE


def test_loading_again_changes_nothing(db):
    before = (AdministrativeUnit.objects.count(), UnitSuccession.objects.count())
    report = territory_load()
    assert report.changed_rows == 0
    assert report.unchanged == before[0]
    assert (AdministrativeUnit.objects.count(), UnitSuccession.objects.count()) == before


def test_loading_repairs_edited_rows_and_mapping(units):
    tri_quang = units(Structure.LEGACY, "02935")
    AdministrativeUnit.objects.filter(pk=tri_quang.pk).update(name="Xã Sai Tên")
    UnitSuccession.objects.filter(predecessor=tri_quang).delete()
    report = territory_load()
    assert report.updated == 1 and report.successions_created == 1
    tri_quang.refresh_from_db()
    assert tri_quang.name == "Xã Trì Quang" and tri_quang.name_key == "xa tri quang"


def test_search_indexes_are_flushed_after_a_load(db):
    """On PostgreSQL the trigram indexes hold no pending entries after a load."""
    from django.db import connection

    if connection.vendor != "postgresql":
        import pytest

        pytest.skip("GIN pending lists exist only on PostgreSQL")
    from safecommune.territory.loader import SEARCH_INDEXES

    AdministrativeUnit.objects.filter(code="02935", structure="legacy").update(name="Xã Khác")
    territory_load()
    with connection.cursor() as cursor:
        cursor.execute("CREATE EXTENSION IF NOT EXISTS pgstattuple")
        for name in SEARCH_INDEXES:
            cursor.execute("SELECT pending_tuples FROM pgstatginindex(%s::regclass)", [name])
            assert cursor.fetchone()[0] == 0, name
