"""API tokens: shown once, stored as a digest, carrying roles, expiring, revocable."""

from datetime import timedelta

import pytest
from django.core.management import call_command
from django.utils import timezone

from safecommune.accounts.models import ApiToken
from safecommune.accounts.roles import Role
from safecommune.accounts.tokens import token_create, token_digest
from safecommune.core.errors import DomainError
from safecommune.territory.models import Village

URL = "/api/v1/communes/23776/villages"


def write(client, token, name="Làng Token"):
    return client.post(URL, '{"name": "%s"}' % name, content_type="application/json",
                       HTTP_AUTHORIZATION=f"Bearer {token}")


@pytest.fixture
def officer(make_user, units):
    return make_user(Role.COMMUNE_OFFICER, units("2025", "23776"))


def test_token_is_stored_only_as_a_digest(officer):
    issued = token_create(user=officer, name="script")
    row = ApiToken.objects.get()
    assert issued.secret.startswith(f"sc_{row.prefix}_") and len(issued.secret) > 50
    assert row.digest == token_digest(issued.secret)
    assert issued.secret not in str(ApiToken.objects.values_list().get())


def test_token_carries_the_users_roles(client, officer):
    issued = token_create(user=officer, name="script")
    assert write(client, issued.secret).status_code == 201
    assert ApiToken.objects.get().last_used_at is not None


def test_token_of_another_communes_officer_cannot_write_here(client, make_user, units):
    other = make_user(Role.COMMUNE_OFFICER, units("2025", "06724"))
    assert write(client, token_create(user=other, name="x").secret).status_code == 403
    assert not Village.objects.exists()


@pytest.mark.parametrize("token", ["", "garbage", "sc_short_x", "sc_000000000000_" + "a" * 43,
                                   "Bearer", "sc_" + "z" * 200])
def test_malformed_or_unknown_token_is_401(client, db, token):
    assert write(client, token).status_code == 401


def test_expired_and_revoked_tokens_are_401(client, officer):
    expired = token_create(user=officer, name="old")
    ApiToken.objects.filter(pk=expired.token.pk).update(
        expires_at=timezone.now() - timedelta(seconds=1))
    assert write(client, expired.secret).status_code == 401
    revoked = token_create(user=officer, name="gone")
    call_command("token", "revoke", revoked.token.prefix)
    assert write(client, revoked.secret).status_code == 401
    assert not Village.objects.exists()


def test_token_of_a_disabled_user_is_401(client, officer):
    issued = token_create(user=officer, name="script")
    officer.is_active = False
    officer.save(update_fields=["is_active"])
    assert write(client, issued.secret).status_code == 401


def test_tampered_token_is_401(client, officer):
    secret = token_create(user=officer, name="script").secret
    tampered = secret[:-1] + ("A" if secret[-1] != "A" else "B")
    assert write(client, tampered).status_code == 401


def test_tokens_expire_after_90_days_by_default(officer):
    row = token_create(user=officer, name="script").token
    assert timedelta(days=89) < row.expires_at - timezone.now() <= timedelta(days=90)


@pytest.mark.parametrize("kwargs,field", [({"name": ""}, "name"), ({"name": "x" * 101}, "name"),
                                          ({"name": "x", "days": 0}, "days"),
                                          ({"name": "x", "days": 400}, "days")])
def test_bad_token_requests_name_the_field(officer, kwargs, field):
    with pytest.raises(DomainError) as caught:
        token_create(user=officer, **kwargs)
    assert caught.value.field == field
    assert not ApiToken.objects.exists()


def test_cli_creates_prints_once_and_lists(officer, capsys):
    call_command("token", "create", officer.username, "--name", "cron")
    out = capsys.readouterr().out.strip()
    assert out.startswith("sc_") and ApiToken.objects.get().digest == token_digest(out)
    call_command("token", "list", officer.username)
    listing = capsys.readouterr().out
    assert "cron" in listing and out not in listing


def test_tokens_page_creates_shows_once_and_revokes(client, officer):
    client.force_login(officer)
    response = client.post("/accounts/tokens/", {"action": "create", "name": "laptop",
                                                 "days": "30"})
    secret = response.context["issued"].secret
    assert secret in response.content.decode()
    assert secret not in client.get("/accounts/tokens/").content.decode()
    row = ApiToken.objects.get()
    client.post("/accounts/tokens/", {"action": "revoke", "token": row.pk})
    row.refresh_from_db()
    assert row.revoked_at is not None


def test_tokens_page_cannot_revoke_someone_elses_token(client, officer, make_user):
    other = make_user()
    row = token_create(user=other, name="theirs").token
    client.force_login(officer)
    assert client.post("/accounts/tokens/", {"action": "revoke", "token": row.pk}).status_code == 404
    row.refresh_from_db()
    assert row.revoked_at is None


@pytest.mark.two_factor
def test_tokens_need_a_two_factor_session(client, make_user):
    resident = make_user()
    client.force_login(resident)
    response = client.post("/accounts/tokens/", {"action": "create", "name": "x", "days": "5"})
    assert response.status_code == 400 and not ApiToken.objects.exists()


def test_tokens_page_needs_sign_in(client, db):
    assert client.get("/accounts/tokens/").status_code == 302


def test_token_counts_on_public_reads_too(client, officer, units):
    from safecommune.territory.services import commune_settings_update

    commune_settings_update(commune=units("2025", "23776"), public_pages_open=False,
                            chief_phone="0905 100 776")
    auth = {"HTTP_AUTHORIZATION": f"Bearer {token_create(user=officer, name='x').secret}"}
    assert client.get("/api/v1/communes/23776").status_code == 404
    response = client.get("/api/v1/communes/23776", **auth)
    assert response.status_code == 200
    assert response.json()["settings"]["chief_phone"] == "0905 100 776"
    assert client.get("/api/v1/communes/23776/villages", **auth).status_code == 200
