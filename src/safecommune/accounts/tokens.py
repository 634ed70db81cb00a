"""API tokens: high-entropy, shown once, stored as HMAC-SHA256 digests keyed outside the DB.

A token reads ``sc_<prefix>_<secret>``. The prefix finds the row; the digest of the whole token
under the key in ``var/api-token-key`` (or SAFECOMMUNE_API_TOKEN_KEY) proves it. A stolen
database alone cannot be turned into working tokens.
"""

from __future__ import annotations

import functools
import hashlib
import hmac
import secrets
from dataclasses import dataclass
from datetime import timedelta

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from safecommune.accounts.models import ApiToken
from safecommune.core.audit import audit_append
from safecommune.core.errors import DomainError

DEFAULT_DAYS = 90
MAX_DAYS = 366
LAST_USED_RESOLUTION = timedelta(minutes=1)


@functools.lru_cache(maxsize=1)
def _key() -> bytes:
    from safecommune.settings import read_or_create_secret

    return read_or_create_secret("api-token-key", "SAFECOMMUNE_API_TOKEN_KEY").encode()


def token_digest(token: str) -> str:
    return hmac.new(_key(), token.encode(), hashlib.sha256).hexdigest()


@dataclass(frozen=True)
class IssuedToken:
    token: ApiToken
    secret: str  # the whole token string; shown once, never stored


@transaction.atomic
def token_create(*, user, name: str, days: int = DEFAULT_DAYS, actor=None) -> IssuedToken:
    name = (name or "").strip()
    if not name:
        raise DomainError(_("Give the token a name, e.g. where it is used."), field="name",
                          rule="required")
    if len(name) > 100:
        raise DomainError(_("The name is longer than 100 characters."), field="name",
                          rule="max_length")
    if not isinstance(days, int) or not 1 <= days <= MAX_DAYS:
        raise DomainError(_("A token lives between 1 and %(max)d days.") % {"max": MAX_DAYS},
                          field="days", rule="range")
    if not user.is_active:
        raise DomainError(_("Tokens are only for active users."), field="user", rule="active")
    prefix = secrets.token_hex(6)
    secret = f"sc_{prefix}_{secrets.token_urlsafe(32)}"
    row = ApiToken.objects.create(user=user, name=name, prefix=prefix,
                                  digest=token_digest(secret), created_by=actor or user,
                                  expires_at=timezone.now() + timedelta(days=days))
    audit_append(action="token.create", actor=actor or user, obj=row,
                 details={"user_id": user.pk, "days": days})
    return IssuedToken(row, secret)


@transaction.atomic
def token_revoke(*, token: ApiToken, actor=None) -> ApiToken:
    if token.revoked_at is None:
        token.revoked_at = timezone.now()
        token.save(update_fields=["revoked_at"])
        audit_append(action="token.revoke", actor=actor, obj=token,
                     details={"user_id": token.user_id})
    return token


def token_authenticate(raw: str):
    """The user a token belongs to, or None for a malformed, unknown, expired or revoked one."""
    parts = (raw or "").split("_", 2)
    if len(parts) != 3 or parts[0] != "sc" or len(parts[1]) != 12 or len(raw) > 100:
        return None
    row = (ApiToken.objects.usable().select_related("user").filter(prefix=parts[1]).first())
    if row is None or not hmac.compare_digest(row.digest, token_digest(raw)):
        return None
    if not row.user.is_active:
        return None
    now = timezone.now()
    if row.last_used_at is None or now - row.last_used_at >= LAST_USED_RESOLUTION:
        ApiToken.objects.filter(pk=row.pk).update(last_used_at=now)
    return row.user
