"""The category vocabulary: seeded from DOMAIN.md's taxonomy, named in every language, edited
by system administrators with an audit entry, listed by the API."""

import pytest
from django.utils import translation

from safecommune.core.errors import DomainError
from safecommune.core.models import AuditEntry
from safecommune.reports import selectors, services
from safecommune.reports.models import Category

GROUPS = {"national_security", "social_order", "drugs", "social_evils", "economic_crime",
          "cyber_crime", "traffic", "fire", "weapons", "civil_dispute", "domestic_violence",
          "administrative_violation", "residence_violation", "other"}


def test_taxonomy_is_seeded(db):
    groups = set(Category.objects.filter(parent__isnull=True).values_list("code", flat=True))
    assert groups == GROUPS
    assert set(Category.objects.get(code="social_order").children.values_list(
        "code", flat=True)) == {"violence", "robbery", "theft", "fraud", "gambling", "disorder",
                                "sexual_abuse", "trafficking"}
    for category in Category.objects.all():
        assert category.name_vi and category.name_en and category.name_sv and category.name_ru


def test_tips_and_public_flags(db):
    tips = set(Category.objects.filter(is_tip=True).values_list("code", flat=True))
    assert {"national_security", "theft", "drug_dealing", "smuggling", "cyber_crime"} <= tips
    assert not {"traffic_accident", "land_dispute", "other"} & tips
    hidden = set(Category.objects.filter(is_public=False).values_list("code", flat=True))
    assert hidden == {"national_security", "drug_managed_person"}


@pytest.mark.parametrize("language,name", [("vi", "Ma túy"), ("en", "Drugs"),
                                           ("sv", "Narkotika"), ("ru", "Наркотики")])
def test_names_follow_the_language(db, language, name):
    with translation.override(language):
        assert Category.objects.get(code="drugs").name == name


def test_missing_name_falls_back_to_vietnamese(db):
    category = Category(code="new", name_vi="Mới")
    with translation.override("sv"):
        assert category.name == "Mới"


def test_admin_adds_and_edits_with_an_audit_entry(staff_user):
    category = services.category_save(actor=staff_user, category=Category(
        code="illegal_logging", name_vi="Khai thác gỗ trái phép", name_en="Illegal logging",
        parent=Category.objects.get(code="economic_crime")))
    category.is_tip = True
    services.category_save(actor=staff_user, category=category, changed=["is_tip"])
    actions = list(AuditEntry.objects.filter(chain__key="national").values_list(
        "action", flat=True))
    assert actions[-2:] == ["category.create", "category.update"]
    with pytest.raises(DomainError) as caught:
        services.category_save(actor=staff_user, category=category, changed=["code"])
    assert caught.value.rule == "immutable"


def test_a_category_cannot_be_its_own_group(staff_user):
    drugs = Category.objects.get(code="drugs")
    drugs.parent = Category.objects.get(code="drug_use")
    with pytest.raises(DomainError) as caught:
        services.category_save(actor=staff_user, category=drugs, changed=["parent"])
    assert caught.value.rule == "cycle"


def test_admin_pages_work(client, make_user):
    client.force_login(make_user("system_admin", is_staff=True, is_superuser=True))
    drugs = Category.objects.get(code="drugs")
    assert client.get("/admin/reports/category/").status_code == 200
    response = client.post(f"/admin/reports/category/{drugs.pk}/change/", {
        "name_vi": "Ma túy", "name_en": "Drugs (all)", "name_sv": "Narkotika",
        "name_ru": "Наркотики", "is_public": "on", "is_tip": "on", "position": "5",
        "parent": "", "archived_at_0": "", "archived_at_1": ""})
    assert response.status_code == 302
    drugs.refresh_from_db()
    assert drugs.name_en == "Drugs (all)"
    assert AuditEntry.objects.filter(action="category.update").exists()
    assert client.get("/admin/reports/incident/").status_code == 200


def test_category_list(db):
    everything = selectors.category_list()
    public = selectors.category_list(public_only=True)
    assert len(everything) == Category.objects.count()
    assert {c.code for c in everything} - {c.code for c in public} == {
        "national_security", "drug_managed_person"}
