"""The client's address behind a reverse proxy (core/net.py, SAFECOMMUNE_TRUSTED_PROXIES): the
public rate limits and the sign-in lockouts count clients, not the proxy, and nobody picks
their own bucket by writing X-Forwarded-For."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.test import RequestFactory

from safecommune.core.net import client_address, client_ip


def request(remote="203.0.113.7", forwarded=None):
    extra = {"REMOTE_ADDR": remote}
    if forwarded is not None:
        extra["HTTP_X_FORWARDED_FOR"] = forwarded
    return RequestFactory().get("/", **extra)


def test_without_trusted_proxies_the_header_is_ignored(settings):
    settings.SAFECOMMUNE_TRUSTED_PROXIES = []
    assert client_ip(request("203.0.113.7", "198.51.100.1")) == "203.0.113.7"


def test_from_a_trusted_proxy_the_client_is_the_address_it_forwards(settings):
    settings.SAFECOMMUNE_TRUSTED_PROXIES = ["10.0.0.2"]
    assert client_ip(request("10.0.0.2", "198.51.100.1")) == "198.51.100.1"
    # What the client wrote itself stays left of what the proxy appended: ignored.
    assert client_ip(request("10.0.0.2", "1.2.3.4, 198.51.100.1")) == "198.51.100.1"


def test_a_chain_of_trusted_proxies_is_walked_from_the_right(settings):
    settings.SAFECOMMUNE_TRUSTED_PROXIES = ["10.0.0.0/8", "::1"]
    assert client_ip(request("::1", "1.2.3.4, 198.51.100.1, 10.1.2.3")) == "198.51.100.1"
    # Nothing but proxies: the left-most of them is all there is to know.
    assert client_ip(request("10.0.0.2", "10.9.9.9")) == "10.9.9.9"
    assert client_ip(request("10.0.0.2")) == "10.0.0.2"


def test_a_request_not_from_a_trusted_proxy_is_its_own_client(settings):
    settings.SAFECOMMUNE_TRUSTED_PROXIES = ["10.0.0.2"]
    assert client_ip(request("203.0.113.7", "198.51.100.1")) == "203.0.113.7"


def test_garbage_in_the_header_stops_the_walk(settings):
    settings.SAFECOMMUNE_TRUSTED_PROXIES = ["10.0.0.0/8"]
    assert client_ip(request("10.0.0.2", "not-an-address, 10.0.0.5")) == "10.0.0.5"
    assert client_ip(request("10.0.0.2", " , ")) == "10.0.0.2"


def test_ipv6_clients_count_by_their_64_and_mapped_ipv4_as_ipv4(settings):
    settings.SAFECOMMUNE_TRUSTED_PROXIES = []
    assert client_address(request("2001:db8:1:2:aaaa::1")) == "2001:db8:1:2::/64"
    assert client_address(request("2001:db8:1:2:bbbb::9")) == "2001:db8:1:2::/64"
    assert client_address(request("::ffff:203.0.113.7")) == "203.0.113.7"


@pytest.mark.django_db
def test_public_rate_limits_count_each_client_behind_the_proxy(client, settings, ia_krai):
    settings.SAFECOMMUNE_TRUSTED_PROXIES = ["10.0.0.2"]
    settings.SAFECOMMUNE_PUBLIC_RATE_LIMITS = {"submit": 2}
    body = json.dumps({"commune": ia_krai.code, "category": "theft", "place": "Chợ",
                       "description": "Mất xe máy trước chợ"})

    def send(forwarded):
        return client.post("/api/v1/public/reports", body, content_type="application/json",
                           REMOTE_ADDR="10.0.0.2", HTTP_X_FORWARDED_FOR=forwarded).status_code

    assert [send("198.51.100.1") for _ in range(3)] == [201, 201, 429]
    assert send("198.51.100.2") == 201  # another resident behind the same proxy
    # Without the setting, the proxy is the only client there is: one bucket for everyone.
    settings.SAFECOMMUNE_TRUSTED_PROXIES = []
    assert [send(f"198.51.100.{n}") for n in (3, 4, 5)] == [201, 201, 429]


@pytest.mark.django_db
def test_sign_in_lockouts_count_each_client_behind_the_proxy(client, make_user, settings):
    settings.SAFECOMMUNE_TRUSTED_PROXIES = ["10.0.0.2"]
    make_user(username="dan")

    def login(forwarded, password="wrong-password"):
        return client.post("/accounts/login/", {"username": "dan", "password": password},
                           REMOTE_ADDR="10.0.0.2", HTTP_X_FORWARDED_FOR=forwarded).status_code

    for _ in range(5):
        login("198.51.100.1")
    assert login("198.51.100.1", "a-long-test-password") == 429
    assert login("198.51.100.2", "a-long-test-password") == 302


def test_a_bad_trusted_proxy_stops_the_server_naming_the_variable(tmp_path):
    src = str(Path(__file__).resolve().parents[2] / "src")
    environ = {k: v for k, v in os.environ.items() if not k.startswith("SAFECOMMUNE_")}
    environ.update(PYTHONPATH=src, SAFECOMMUNE_VAR_DIR=str(tmp_path),
                   SAFECOMMUNE_TRUSTED_PROXIES="10.0.0.2, nginx.local")
    result = subprocess.run([sys.executable, "-c", "import safecommune.settings"], env=environ,
                            capture_output=True, text=True, timeout=60)
    assert result.returncode != 0
    assert "SAFECOMMUNE_TRUSTED_PROXIES: 'nginx.local' is not an IP address" in result.stderr
