"""Who may edit a commune's settings, villages and places: roles on units, with subtrees."""

import pytest

from safecommune.accounts.roles import Role

IA_KRAI, HAI_SON, GIA_LAI, QUANG_NINH = "23776", "06724", "52", "22"


@pytest.fixture
def persona(make_user, units):
    def build(name):
        if name == "anonymous":
            return None
        if name == "plain_account":
            return make_user()
        if name == "other_commune_officer":
            return make_user(Role.COMMUNE_OFFICER, units("2025", HAI_SON))
        if name == "other_province_admin":
            return make_user(Role.PROVINCE_ADMIN, units("2025", QUANG_NINH))
        if name in ("province_viewer", "province_admin"):
            return make_user(name, units("2025", GIA_LAI))
        if name == "system_admin":
            return make_user(Role.SYSTEM_ADMIN)
        return make_user(name, units("2025", IA_KRAI))
    return build


# persona → expected status of GET on Ia Krái's edit pages, and of a valid API write.
MATRIX = {
    "anonymous": (302, 401),
    "plain_account": (403, 403),
    "resident": (403, 403),
    "team_member": (403, 403),
    "team_leader": (403, 403),
    "commune_officer": (200, 201),
    "commune_chief": (200, 201),
    "other_commune_officer": (403, 403),
    "province_viewer": (403, 403),
    "province_admin": (200, 201),
    "other_province_admin": (403, 403),
    "system_admin": (200, 201),
}


@pytest.mark.parametrize("name,expected", sorted(MATRIX.items()))
def test_edit_permission_matrix(client, persona, name, expected):
    user = persona(name)
    if user is not None:
        client.force_login(user)
    page_status, api_status = expected
    assert client.get(f"/communes/{IA_KRAI}/villages/new/").status_code == page_status
    response = client.post(f"/api/v1/communes/{IA_KRAI}/villages",
                           '{"name": "Làng %s"}' % name, content_type="application/json")
    assert response.status_code == api_status


def test_matrix_names_every_role():
    assert {r.value for r in Role} <= set(MATRIX)


def test_province_role_covers_every_commune_of_the_province(make_user, units):
    from safecommune.accounts.jurisdiction import can_edit_commune, scope_for

    admin = make_user(Role.PROVINCE_ADMIN, units("2025", GIA_LAI))
    scope = scope_for(admin)
    gia_lai_communes = units("2025", GIA_LAI).__class__.objects.filter(
        province__code=GIA_LAI, province__structure="2025", level="commune")
    assert set(scope.by_commune) == set(gia_lai_communes.values_list("id", flat=True))
    assert can_edit_commune(admin, units("2025", IA_KRAI))
    assert not can_edit_commune(admin, units("2025", HAI_SON))


def test_revoked_role_no_longer_counts(client, make_user, units):
    from django.utils import timezone

    officer = make_user(Role.COMMUNE_OFFICER, units("2025", IA_KRAI))
    officer.role_assignments.update(revoked_at=timezone.now())
    client.force_login(officer)
    assert client.get(f"/communes/{IA_KRAI}/villages/new/").status_code == 403


def test_role_unit_must_be_given_except_for_system_admin(make_user, db):
    from django.db import IntegrityError, transaction

    with pytest.raises(IntegrityError), transaction.atomic():
        make_user(Role.COMMUNE_OFFICER, None)
