"""Wider caps on failed sign-ins, above django-axes' lockout of one username from one address.

- one username failing from many addresses: after ``SAFECOMMUNE_LOGIN_USERNAME_LIMIT``
  failures within the window, every sign-in to that username is refused until the window ends
  (each address adds at most ``AXES_FAILURE_LIMIT`` failures to it);
- one address trying many usernames: after ``SAFECOMMUNE_LOGIN_ADDRESS_LIMIT`` failures within
  the window, every sign-in from that address is refused until the window ends.

The window (``SAFECOMMUNE_LOGIN_FLOOD_SECONDS``) is fixed: it starts at the first failure and
its counter disappears with it. Counters live only in the Django cache, under HMAC keys: the
cache never holds a typed username or an address (docs/decisions/0007-login-floods.md).
"""

from __future__ import annotations

import enum
import unicodedata

from django.conf import settings
from django.core.cache import cache
from django.utils.crypto import salted_hmac

from safecommune.core.net import client_address

KEY_SALT = "safecommune.accounts.throttle"


class Refusal(enum.Enum):
    USERNAME = "username"
    ADDRESS = "address"


def _normalise_username(username: str) -> str:
    # The sign-in form applies NFKC; case folding makes "Dan" and "DAN" one target.
    return unicodedata.normalize("NFKC", username or "").strip().casefold()


def _key(kind: str, value: str) -> str:
    digest = salted_hmac(KEY_SALT, f"{kind}:{value}", algorithm="sha256").hexdigest()
    return f"login-flood:{kind}:{digest[:40]}"


def _keys(request, username: str) -> dict[Refusal, str]:
    return {
        Refusal.USERNAME: _key("username", _normalise_username(username)),
        Refusal.ADDRESS: _key("address", client_address(request)),
    }


def _limits() -> dict[Refusal, int]:
    return {
        Refusal.USERNAME: settings.SAFECOMMUNE_LOGIN_USERNAME_LIMIT,
        Refusal.ADDRESS: settings.SAFECOMMUNE_LOGIN_ADDRESS_LIMIT,
    }


def login_refusal(*, request, username: str) -> Refusal | None:
    """Why a sign-in must be refused before the password is checked, or None."""
    keys = _keys(request, username)
    counts = cache.get_many(list(keys.values()))
    limits = _limits()
    for refusal in (Refusal.USERNAME, Refusal.ADDRESS):
        if counts.get(keys[refusal], 0) >= limits[refusal]:
            return refusal
    return None


def _increment(key: str, window: int) -> int:
    if cache.add(key, 1, window):
        return 1
    try:
        return cache.incr(key)
    except ValueError:  # expired between add and incr: this failure opens a new window
        cache.add(key, 1, window)
        return 1


def login_failure_count(*, request, username: str) -> None:
    """Count one failed sign-in against the address and, within limits, the username."""
    window = settings.SAFECOMMUNE_LOGIN_FLOOD_SECONDS
    name, address = _normalise_username(username), client_address(request)
    _increment(_key("address", address), window)
    # One address adds at most axes' own limit to a username's count: the username cap is for
    # failures from many addresses, so that one address alone cannot close an account.
    if _increment(_key("pair", f"{name}\x00{address}"), window) <= settings.AXES_FAILURE_LIMIT:
        _increment(_key("username", name), window)
