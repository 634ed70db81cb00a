"""API tokens created by a system administrator in the admin: one user at a time, shown once."""

import pytest
from django.contrib.sessions.models import Session

from safecommune.accounts.models import ApiToken
from safecommune.accounts.roles import Role
from safecommune.accounts.tokens import token_authenticate
from safecommune.core.audit import audit_verify
from safecommune.core.models import AuditEntry

URL = "/admin/accounts/user/"


@pytest.fixture
def admin_user(make_user):
    return make_user(Role.SYSTEM_ADMIN, username="root", is_staff=True, is_superuser=True)


@pytest.fixture
def officer(make_user, units):
    return make_user(Role.COMMUNE_OFFICER, units("2025", "23776"), username="officer")


@pytest.fixture
def admin_client(client, admin_user, settings):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    client.force_login(admin_user)
    return client


def choose(client, *users):
    """The first step: the action chosen on the user list."""
    return client.post(URL, {"action": "create_api_token", "index": 0,
                             "_selected_action": [u.pk for u in users]})


def confirm(client, user, name="district script", days="30"):
    return client.post(URL, {"action": "create_api_token", "confirm": "yes",
                             "_selected_action": [user.pk],
                             "token-name": name, "token-days": days})


def test_the_action_asks_for_a_name_and_a_lifetime(admin_client, officer):
    response = choose(admin_client, officer)
    assert response.status_code == 200
    assert set(response.context["form"].fields) == {"name", "days"}
    assert "officer" in response.content.decode()
    assert not ApiToken.objects.exists()


def test_the_token_is_shown_once_and_works_as_that_user(admin_client, officer):
    response = confirm(admin_client, officer)

    assert response.status_code == 200
    secret = response.context["issued"].secret
    assert secret in response.content.decode()
    assert "no-store" in response["Cache-Control"]
    assert token_authenticate(secret) == officer
    row = ApiToken.objects.get()
    assert (row.user, row.name) == (officer, "district script")
    # Not on any later page, not in a message, not in the session or its cookie.
    for page in (URL, "/admin/accounts/apitoken/", f"/admin/accounts/apitoken/{row.pk}/change/"):
        assert secret not in admin_client.get(page).content.decode()
    assert secret not in str(admin_client.cookies)
    assert not any(secret in str(s.get_decoded()) for s in Session.objects.all())


def test_creating_for_several_users_at_once_is_refused(admin_client, officer, make_user):
    response = choose(admin_client, officer, make_user())
    assert response.status_code == 302
    page = admin_client.get(response["Location"])
    assert "Select exactly one user" in page.content.decode()
    assert not ApiToken.objects.exists()


def test_the_whole_list_at_once_is_refused(admin_client, officer):
    response = admin_client.post(URL, {"action": "create_api_token", "index": 0,
                                       "select_across": 1, "_selected_action": [officer.pk]})
    assert response.status_code == 302
    assert not ApiToken.objects.exists()


@pytest.mark.parametrize("days", ["0", "400", "many"])
def test_a_bad_lifetime_names_the_field_and_creates_nothing(admin_client, officer, days):
    response = confirm(admin_client, officer, days=days)
    assert response.status_code == 400
    assert response.context["form"].errors.keys() == {"days"}
    assert 'class="errorlist' in response.content.decode()
    assert not ApiToken.objects.exists()
    assert not AuditEntry.objects.filter(action="token.create").exists()


def test_a_token_for_a_disabled_user_is_refused(admin_client, officer):
    officer.is_active = False
    officer.save(update_fields=["is_active"])
    response = confirm(admin_client, officer)
    assert response.status_code == 400
    assert "only for active users" in response.content.decode()
    assert not ApiToken.objects.exists()


def test_the_creation_is_audited_with_the_admin_as_actor(admin_client, admin_user, officer):
    confirm(admin_client, officer)
    entry = AuditEntry.objects.get(action="token.create")
    assert entry.actor == admin_user
    assert entry.details["user_id"] == officer.pk
    assert ApiToken.objects.get().created_by == admin_user
    assert audit_verify().ok


def test_people_outside_the_admin_cannot_use_the_action(client, officer, make_user):
    client.force_login(make_user(Role.COMMUNE_OFFICER, officer.role_assignments.get().unit))
    response = confirm(client, officer)
    assert response.status_code == 302 and "/admin/login/" in response["Location"]
    assert not ApiToken.objects.exists()
