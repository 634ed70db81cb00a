"""Sign-ins, failures, token and role changes are in the audit chain; staff read their part."""

import pytest

from safecommune.accounts.models import RoleAssignment
from safecommune.accounts.roles import Role
from safecommune.accounts.services import role_assign, role_revoke
from safecommune.accounts.tokens import token_create, token_revoke
from safecommune.core.audit import audit_verify
from safecommune.core.errors import DomainError
from safecommune.core.models import AuditEntry


def actions():
    # The session's territory load is the first entry of the national chain; skip it.
    return list(AuditEntry.objects.exclude(action="territory.load").order_by("id")
                .values_list("action", flat=True))


def test_sign_in_and_failure_are_audited_without_the_typed_username(client, make_user):
    make_user(username="dan")
    client.post("/accounts/login/", {"username": "dan", "password": "wrong"})
    client.post("/accounts/login/", {"username": "my-secret-pass", "password": "x"})
    client.post("/accounts/login/", {"username": "dan", "password": "a-long-test-password"})
    assert actions() == ["login.failure", "login.failure", "login.success"]
    assert "my-secret-pass" not in str(list(AuditEntry.objects.values()))
    assert audit_verify().ok


def test_token_create_and_revoke_are_audited(make_user):
    user = make_user()
    issued = token_create(user=user, name="x")
    token_revoke(token=issued.token, actor=user)
    assert actions() == ["token.create", "token.revoke"]
    assert issued.secret not in str(list(AuditEntry.objects.values()))


def test_role_changes_go_to_the_communes_chain(make_user, units):
    admin, officer = make_user(Role.SYSTEM_ADMIN), make_user()
    ia_krai = units("2025", "23776")
    row = role_assign(actor=admin, user=officer, role=Role.COMMUNE_OFFICER, unit=ia_krai)
    role_revoke(actor=admin, assignment=row)
    entries = list(AuditEntry.objects.filter(action__startswith="role."))
    assert [e.action for e in entries] == ["role.assign", "role.revoke"]
    assert all(e.commune == ia_krai for e in entries)


@pytest.mark.parametrize("role,unit_code", [(Role.COMMUNE_OFFICER, "52"),
                                            (Role.PROVINCE_VIEWER, "23776"),
                                            (Role.SYSTEM_ADMIN, "52"),
                                            (Role.COMMUNE_CHIEF, None),
                                            ("sheriff", "23776")])
def test_role_on_the_wrong_kind_of_unit_is_refused(make_user, units, role, unit_code):
    user = make_user()
    with pytest.raises(DomainError):
        role_assign(user=user, role=role, unit=units("2025", unit_code) if unit_code else None)
    assert not RoleAssignment.objects.filter(user=user).exists()
    assert not AuditEntry.objects.filter(action="role.assign").exists()


def test_officer_sees_only_their_communes_entries(client, make_user, units):
    from safecommune.territory.services import village_create

    village_create(commune=units("2025", "23776"), name="Làng A")
    village_create(commune=units("2025", "06724"), name="Thôn B")
    officer = make_user(Role.COMMUNE_OFFICER, units("2025", "23776"))
    client.force_login(officer)
    rows = client.get("/staff/audit/").context["page"].object_list
    assert {e.commune.code for e in rows} == {"23776"}


def test_audit_log_filters_by_action(client, make_user, units):
    from safecommune.territory.services import place_create, village_create

    village_create(commune=units("2025", "23776"), name="Làng A")
    place_create(commune=units("2025", "23776"), kind="school", name="Trường A")
    client.force_login(make_user(Role.SYSTEM_ADMIN))
    rows = client.get("/staff/audit/?action=place.").context["page"].object_list
    assert [e.action for e in rows] == ["place.create"]
