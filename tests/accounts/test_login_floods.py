"""Login floods: one address trying many usernames, one username tried from many addresses.

django-axes locks one username from one address (tests/accounts/test_signin.py); the wider caps
of ``safecommune.accounts.throttle`` sit on top (docs/decisions/0007-login-floods.md).
"""

import logging
import time

import pytest
from axes.models import AccessAttempt
from django.contrib.sessions.models import Session
from django.core.cache import cache

from safecommune.core.audit import audit_verify
from safecommune.core.models import AuditEntry

PASSWORD = "a-long-test-password"


@pytest.fixture(autouse=True)
def english(client, settings):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"


def login(client, username, password=PASSWORD, address="10.0.0.1"):
    return client.post("/accounts/login/", {"username": username, "password": password},
                       REMOTE_ADDR=address)


def writes():
    """Everything a sign-in attempt can leave behind."""
    return (Session.objects.count(), AuditEntry.objects.count(),
            AccessAttempt.objects.count())


def test_the_caps_default_to_20_per_username_and_50_per_address_in_10_minutes(settings):
    assert settings.SAFECOMMUNE_LOGIN_USERNAME_LIMIT == 20
    assert settings.SAFECOMMUNE_LOGIN_ADDRESS_LIMIT == 50
    assert settings.SAFECOMMUNE_LOGIN_FLOOD_SECONDS == 600


def test_one_address_trying_many_usernames_is_refused_after_the_limit(client, make_user,
                                                                      settings):
    make_user(username="dan")
    for n in range(settings.SAFECOMMUNE_LOGIN_ADDRESS_LIMIT):
        assert login(client, f"guess-{n}", "wrong", address="10.9.0.1").status_code == 200

    response = login(client, "dan", address="10.9.0.1")  # even the right password

    assert response.status_code == 429
    assert "from your connection" in response.content.decode()
    assert "_auth_user_id" not in client.session
    # The same user from another address is not affected.
    assert login(client, "dan", address="10.9.0.2").status_code == 302


def test_one_username_failing_from_many_addresses_is_refused_from_everywhere(client, make_user,
                                                                             settings):
    make_user(username="dan")
    make_user(username="eve")
    for n in range(settings.SAFECOMMUNE_LOGIN_USERNAME_LIMIT):
        assert login(client, "dan", "wrong", address=f"10.1.0.{n + 1}").status_code == 200

    response = login(client, "dan", address="10.2.0.1")  # a new address, the right password

    assert response.status_code == 429
    assert "even with the right password" in response.content.decode()
    assert "_auth_user_id" not in client.session
    # Other usernames, from anywhere, are not affected.
    assert login(client, "eve", address="10.1.0.1").status_code == 302


def test_one_address_alone_cannot_close_an_account(client, make_user, settings):
    make_user(username="dan")
    for _ in range(settings.SAFECOMMUNE_LOGIN_USERNAME_LIMIT + 10):
        login(client, "dan", "wrong", address="10.66.0.1")
    assert login(client, "dan", address="10.66.0.1").status_code == 429  # axes: that pair
    assert login(client, "dan", address="10.66.0.2").status_code == 302


def test_username_cap_counts_case_variants_as_one_username(client, make_user, settings):
    settings.SAFECOMMUNE_LOGIN_USERNAME_LIMIT = 3
    make_user(username="dan")
    for n, typed in enumerate(["dan", "DAN", "Dan"]):
        login(client, typed, "wrong", address=f"10.1.0.{n + 1}")
    assert login(client, "dan", address="10.2.0.1").status_code == 429


def test_ipv6_addresses_count_by_their_64_prefix(client, make_user, settings):
    settings.SAFECOMMUNE_LOGIN_ADDRESS_LIMIT = 3
    make_user(username="dan")
    for n in range(3):
        login(client, f"guess-{n}", "wrong", address=f"2001:db8:1:2::{n + 1:x}")
    assert login(client, "dan", address="2001:db8:1:2:ffff::9").status_code == 429
    assert login(client, "dan", address="2001:db8:1:3::1").status_code == 302


def test_a_refused_attempt_writes_nothing_and_the_chain_verifies(client, make_user, settings):
    settings.SAFECOMMUNE_LOGIN_USERNAME_LIMIT = 3
    make_user(username="dan")
    for n in range(3):
        login(client, "dan", "wrong", address=f"10.1.0.{n + 1}")
    before = writes()

    for n in range(5):
        assert login(client, "dan", address=f"10.3.0.{n + 1}").status_code == 429

    assert writes() == before
    assert not Session.objects.exists()
    assert AuditEntry.objects.filter(action="login.failure").count() == 3
    assert not AuditEntry.objects.filter(action="login.success").exists()
    assert audit_verify().ok


def test_the_refusal_ends_with_the_window(client, make_user, settings):
    settings.SAFECOMMUNE_LOGIN_USERNAME_LIMIT = 2
    settings.SAFECOMMUNE_LOGIN_FLOOD_SECONDS = 1
    make_user(username="dan")
    for n in range(2):
        login(client, "dan", "wrong", address=f"10.1.0.{n + 1}")
    assert login(client, "dan", address="10.2.0.1").status_code == 429

    time.sleep(1.1)

    assert login(client, "dan", address="10.2.0.1").status_code == 302


def test_the_cache_holds_neither_usernames_nor_addresses(client, make_user, settings):
    settings.SAFECOMMUNE_LOGIN_ADDRESS_LIMIT = 2
    login(client, "someone-typed-this", "wrong", address="10.66.0.1")
    login(client, "someone-typed-this", "wrong", address="10.66.0.1")
    assert login(client, "x", address="10.66.0.1").status_code == 429

    keys = list(cache._cache)  # LocMemCache's own store
    assert keys and all(key.split(":", 2)[2].startswith("login-flood:") for key in keys)
    assert not [key for key in keys if "someone" in key or "10.66" in key]


def test_floods_and_refusals_log_no_username_and_no_address(client, make_user, settings, caplog):
    settings.SAFECOMMUNE_LOGIN_USERNAME_LIMIT = 6
    make_user(username="dan-the-resident")
    caplog.set_level(logging.DEBUG)
    # Axes locks the pair after five failures from one address; a sixth address trips the cap.
    for _ in range(5):
        login(client, "dan-the-resident", "wrong", address="10.77.0.1")
    assert login(client, "dan-the-resident", address="10.77.0.1").status_code == 429
    login(client, "dan-the-resident", "wrong", address="10.77.0.2")
    assert login(client, "dan-the-resident", address="10.77.0.3").status_code == 429

    assert "Too Many Requests" in caplog.text
    assert "dan-the-resident" not in caplog.text and "10.77.0." not in caplog.text


def test_the_admin_sign_in_obeys_the_caps(client, staff_user, settings):
    settings.SAFECOMMUNE_LOGIN_USERNAME_LIMIT = 3
    for n in range(3):
        login(client, "staff", "wrong", address=f"10.1.0.{n + 1}")

    response = client.post("/admin/login/", {"username": "staff", "password": PASSWORD},
                           REMOTE_ADDR="10.2.0.1")

    assert "even with the right password" in response.content.decode()
    assert "_auth_user_id" not in client.session


def test_the_admin_sign_in_counts_towards_the_caps(client, staff_user, settings):
    settings.SAFECOMMUNE_LOGIN_USERNAME_LIMIT = 3
    for n in range(3):
        client.post("/admin/login/", {"username": "staff", "password": "wrong"},
                    REMOTE_ADDR=f"10.1.0.{n + 1}")
    assert login(client, "staff", address="10.2.0.1").status_code == 429
