"""Sign-in, lockout, the staff second factor, session limits, disabled users."""

import time

import pytest
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from safecommune.accounts.roles import Role

PASSWORD = "a-long-test-password"


def login(client, username, password=PASSWORD, address="10.0.0.1"):
    return client.post("/accounts/login/", {"username": username, "password": password},
                       REMOTE_ADDR=address)


def current_code(device: TOTPDevice) -> str:
    return f"{totp(device.bin_key, step=device.step, t0=device.t0, digits=device.digits):06d}"


def test_resident_signs_in_and_out(client, make_user):
    user = make_user(username="dan")
    response = login(client, "dan")
    assert response.status_code == 302
    assert int(client.session["_auth_user_id"]) == user.pk
    client.post("/accounts/logout/")
    assert "_auth_user_id" not in client.session


def test_session_id_changes_at_sign_in(client, make_user):
    make_user(username="dan")
    client.get("/accounts/login/")
    client.session.save()
    before = client.session.session_key
    login(client, "dan")
    assert client.session.session_key != before


def test_wrong_password_shows_an_error_and_no_session(client, make_user):
    make_user(username="dan")
    response = login(client, "dan", "wrong-password")
    assert response.status_code == 200
    assert response.context["form"].errors
    assert "_auth_user_id" not in client.session


def test_five_failures_lock_the_username_from_that_address(client, make_user):
    make_user(username="dan")
    for _ in range(5):
        login(client, "dan", "wrong-password")
    response = login(client, "dan")  # even the right password
    assert response.status_code == 429
    assert "_auth_user_id" not in client.session
    # Another address is not locked out for this username.
    assert login(client, "dan", address="10.0.0.2").status_code == 302


@pytest.mark.parametrize("minutes,language,expected", [
    (10, "en", "Wait 10 minutes"), (1, "en", "Wait 1 minute,"), (30, "vi", "Hãy chờ 30 phút"),
    (1, "sv", "Vänta 1 minut och"), (21, "ru", "Подождите 21 минуту"),
    (3, "ru", "Подождите 3 минуты"), (15, "ru", "Подождите 15 минут")])
def test_the_lockout_message_says_the_configured_cooloff(client, make_user, settings, minutes,
                                                          language, expected):
    from datetime import timedelta

    settings.AXES_COOLOFF_TIME = timedelta(minutes=minutes)
    client.cookies["safecommune_language"] = language
    make_user(username="dan")
    for _ in range(5):
        login(client, "dan", "wrong-password")
    response = login(client, "dan")
    assert response.status_code == 429
    assert expected in response.content.decode()


def test_lockout_ends_after_the_cooloff(client, make_user, settings):
    from datetime import timedelta

    from axes.models import AccessAttempt

    make_user(username="dan")
    for _ in range(5):
        login(client, "dan", "wrong-password")
    assert login(client, "dan").status_code == 429
    AccessAttempt.objects.update(attempt_time=AccessAttempt.objects.first().attempt_time
                                 - timedelta(minutes=11))
    assert login(client, "dan").status_code == 302


def test_disabled_user_is_signed_out_on_the_next_request(client, make_user):
    user = make_user(username="officer")
    login(client, "officer")
    user.is_active = False
    user.save(update_fields=["is_active"])
    response = client.get("/accounts/password/")
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


def test_idle_session_ends_after_30_minutes(client, make_user, settings):
    make_user(username="dan")
    login(client, "dan")
    session = client.session
    session["_sc_seen_at"] = int(time.time()) - settings.SESSION_IDLE_SECONDS - 5
    session.save()
    response = client.get("/accounts/password/")
    assert response.status_code == 302


def test_session_ends_12_hours_after_sign_in_even_when_active(client, make_user, settings):
    make_user(username="dan")
    login(client, "dan")
    session = client.session
    session["_sc_login_at"] = int(time.time()) - settings.SESSION_ABSOLUTE_SECONDS - 5
    session["_sc_seen_at"] = int(time.time())
    session.save()
    assert client.get("/accounts/password/").status_code == 302


def test_active_session_keeps_going(client, make_user):
    make_user(username="dan")
    login(client, "dan")
    assert client.get("/accounts/password/").status_code == 200


@pytest.mark.two_factor
def test_staff_must_enrol_and_pass_the_second_factor(client, make_user, units):
    officer = make_user(Role.COMMUNE_OFFICER, unit=units("2025", "23776"), username="officer")
    login(client, "officer")
    response = client.get("/communes/23776/settings/")
    assert response.status_code == 302 and response["Location"].startswith("/accounts/two-factor/")
    page = client.get(response["Location"])
    assert page.context["enrolling"] and "<svg" in page.content.decode()
    device = TOTPDevice.objects.get(user=officer, confirmed=False)
    bad = client.post("/accounts/two-factor/", {"token": "000000" if current_code(device) != "000000"
                                                else "111111"})
    assert bad.status_code == 400
    device.refresh_from_db()
    device.throttle_reset()  # django-otp delays the next try after a wrong code
    good = client.post("/accounts/two-factor/", {"token": current_code(device),
                                                 "next": "/communes/23776/settings/"})
    assert good.status_code == 302 and good["Location"] == "/communes/23776/settings/"
    assert client.get("/communes/23776/settings/").status_code == 200
    device.refresh_from_db()
    assert device.confirmed


@pytest.mark.two_factor
def test_unverified_staff_get_403_json_from_the_api(client, make_user, units):
    make_user(Role.COMMUNE_OFFICER, unit=units("2025", "23776"), username="officer")
    login(client, "officer")
    response = client.patch("/api/v1/communes/23776/settings", "{}",
                            content_type="application/json")
    assert response.status_code == 403
    assert response.json()["errors"][0]["rule"] == "two_factor"


@pytest.mark.two_factor
def test_residents_need_no_second_factor(client, make_user):
    make_user(username="dan")
    login(client, "dan")
    assert client.get("/accounts/password/").status_code == 200


@pytest.mark.two_factor
def test_open_redirect_after_second_factor_is_refused(client, make_user, units):
    officer = make_user(Role.COMMUNE_CHIEF, unit=units("2025", "23776"), username="chief")
    login(client, "chief")
    client.get("/accounts/two-factor/")
    device = TOTPDevice.objects.get(user=officer)
    response = client.post("/accounts/two-factor/", {"token": current_code(device),
                                                     "next": "https://evil.example/"})
    assert response["Location"] == "/"


def test_password_change_keeps_the_session(client, make_user):
    make_user(username="dan")
    login(client, "dan")
    response = client.post("/accounts/password/", {
        "old_password": PASSWORD, "new_password1": "another-long-passphrase-7",
        "new_password2": "another-long-passphrase-7"})
    assert response.status_code == 302
    assert client.get("/accounts/password/").status_code == 200
