"""Open311 client keys: made by the command line or the admin, shown once, stored as a keyed
digest, revocable; the demo's key is made once and printed by ``safecommune demo``."""

from __future__ import annotations

import re
from io import StringIO

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from safecommune.core.models import AuditEntry
from safecommune.reports.open311.keys import (
    api_key_authenticate,
    api_key_create,
    api_key_revoke,
    demo_api_key,
)
from safecommune.reports.open311.models import ApiKey

pytestmark = pytest.mark.django_db


@pytest.fixture
def superuser(make_user):
    return make_user("system_admin", is_staff=True, is_superuser=True)


def test_a_key_is_stored_only_as_its_digest():
    issued = api_key_create(name="FixMyStreet Gia Lai")

    row = ApiKey.objects.get()
    assert issued.secret.startswith(f"o311_{row.prefix}_")
    assert issued.secret not in row.digest and len(row.digest) == 64
    assert api_key_authenticate(issued.secret) == row
    assert api_key_authenticate(issued.secret + "x") is None
    assert AuditEntry.objects.filter(action="open311.key.create").count() == 1


def test_a_revoked_key_no_longer_authenticates():
    issued = api_key_create(name="Ứng dụng cũ")

    api_key_revoke(key=issued.key)

    assert api_key_authenticate(issued.secret) is None
    assert AuditEntry.objects.filter(action="open311.key.revoke").count() == 1


@pytest.mark.parametrize(("name", "limit"), [("", None), ("x" * 101, None), ("ok", 0)])
def test_bad_key_settings_are_refused(name, limit):
    from safecommune.core.errors import DomainError

    with pytest.raises(DomainError):
        api_key_create(name=name, hourly_limit=limit)
    assert not ApiKey.objects.exists()


def test_the_command_creates_lists_and_revokes_keys(capsys):
    call_command("open311", "key", "create", "--name", "Ứng dụng xã", "--hourly-limit", "50")
    secret = capsys.readouterr().out.strip()
    row = ApiKey.objects.get()
    assert api_key_authenticate(secret) == row and row.hourly_limit == 50

    out = StringIO()
    call_command("open311", "key", "list", stdout=out)
    assert row.prefix in out.getvalue() and "active" in out.getvalue()
    assert secret not in out.getvalue()

    call_command("open311", "key", "revoke", row.prefix, stdout=StringIO())
    assert api_key_authenticate(secret) is None
    with pytest.raises(CommandError):
        call_command("open311", "key", "revoke", "nosuchprefix")
    with pytest.raises(CommandError):
        call_command("open311", "key", "create", "--name", " ")


def test_the_admin_creates_a_key_shown_once_and_revokes_it(client, superuser):
    client.force_login(superuser)

    response = client.post("/admin/open311/apikey/add/", {"name": "Cổng phản ánh tỉnh"},
                           follow=True)

    assert response.status_code == 200
    shown = re.search(r"o311_[0-9a-f]{12}_[A-Za-z0-9_\-]+", response.content.decode())
    row = ApiKey.objects.get()
    assert shown and api_key_authenticate(shown.group(0)) == row
    assert client.get(f"/admin/open311/apikey/{row.pk}/change/").status_code == 200
    assert shown.group(0) not in client.get("/admin/open311/apikey/").content.decode()

    client.post("/admin/open311/apikey/", {"action": "revoke", "_selected_action": [row.pk]})

    assert api_key_authenticate(shown.group(0)) is None


def test_the_admin_sets_a_category_policy_with_an_audit_entry(client, superuser):
    from safecommune.reports.models import Category

    client.force_login(superuser)
    land = Category.objects.get(code="land_dispute")

    response = client.post("/admin/open311/servicepolicy/add/",
                           {"category": land.pk, "listed": "on"})

    assert response.status_code == 302
    assert land.open311_policy.listed and not land.open311_policy.show_description
    assert AuditEntry.objects.filter(action="open311.policy.save").count() == 1


def test_the_demo_key_is_made_once_and_kept(settings):
    first = demo_api_key()
    second = demo_api_key()

    assert first == second
    assert ApiKey.objects.count() == 1
    path = settings.VAR_DIR / "demo-open311-key"
    assert path.read_text() == first and path.stat().st_mode & 0o777 == 0o600


def test_the_demo_key_is_made_again_for_a_fresh_database(settings):
    first = demo_api_key()
    api_key_revoke(key=ApiKey.objects.get())

    second = demo_api_key()

    assert second != first and api_key_authenticate(second) is not None


def test_make_demo_prints_the_open311_key(capsys):
    call_command("demo")

    line = re.search(r"^Open311 api_key: (o311_\S+)$", capsys.readouterr().out, re.MULTILINE)
    assert line and api_key_authenticate(line.group(1)) is not None
