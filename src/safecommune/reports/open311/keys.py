"""Open311 client keys: ``o311_<prefix>_<secret>``, shown once, stored as an HMAC-SHA256
digest under the API-token key (``accounts.tokens.token_digest``), so a stolen database alone
yields no working key. The prefix finds the row; the digest proves the key."""

from __future__ import annotations

import hmac
import os
import secrets
from dataclasses import dataclass
from datetime import timedelta

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from safecommune.accounts.tokens import token_digest
from safecommune.core.audit import audit_append
from safecommune.core.errors import DomainError
from safecommune.reports.open311.models import ApiKey

KEY_PREFIX = "o311"
MAX_KEY_LENGTH = 100
LAST_USED_RESOLUTION = timedelta(minutes=1)
DEMO_KEY_FILE = "demo-open311-key"
DEMO_KEY_NAME = "Demo Open311 client"


@dataclass(frozen=True)
class IssuedKey:
    key: ApiKey
    secret: str  # the whole key string; shown once, never stored


@transaction.atomic
def api_key_create(*, name: str, hourly_limit: int | None = None, actor=None) -> IssuedKey:
    name = (name or "").strip()
    if not name:
        raise DomainError(_("Give the key a name, e.g. the client application's."),
                          field="name", rule="required")
    if len(name) > 100:
        raise DomainError(_("The name is longer than 100 characters."), field="name",
                          rule="max_length")
    if hourly_limit is not None and (not isinstance(hourly_limit, int) or hourly_limit < 1):
        raise DomainError(_("The hourly limit must be a whole number of at least 1."),
                          field="hourly_limit", rule="min_value")
    prefix = secrets.token_hex(6)
    secret = f"{KEY_PREFIX}_{prefix}_{secrets.token_urlsafe(32)}"
    row = ApiKey.objects.create(name=name, prefix=prefix, digest=token_digest(secret),
                                hourly_limit=hourly_limit, created_by=actor, modified_by=actor)
    audit_append(action="open311.key.create", actor=actor, obj=row,
                 details={"prefix": prefix, "hourly_limit": hourly_limit})
    return IssuedKey(row, secret)


@transaction.atomic
def api_key_revoke(*, key: ApiKey, actor=None) -> ApiKey:
    if key.revoked_at is None:
        key.revoked_at = timezone.now()
        key.modified_by = actor
        key.save(update_fields=["revoked_at", "modified_by", "modified_at"])
        audit_append(action="open311.key.revoke", actor=actor, obj=key,
                     details={"prefix": key.prefix})
    return key


def api_key_authenticate(raw: str | None) -> ApiKey | None:
    """The usable key for ``raw``, or None for a malformed, unknown or revoked one."""
    raw = raw or ""
    parts = raw.split("_", 2)
    if (len(raw) > MAX_KEY_LENGTH or len(parts) != 3 or parts[0] != KEY_PREFIX
            or len(parts[1]) != 12):
        return None
    row = ApiKey.objects.usable().filter(prefix=parts[1]).first()
    if row is None or not hmac.compare_digest(row.digest, token_digest(raw)):
        return None
    now = timezone.now()
    if row.last_used_at is None or now - row.last_used_at >= LAST_USED_RESOLUTION:
        ApiKey.objects.filter(pk=row.pk).update(last_used_at=now)
    return row


def demo_api_key() -> str:
    """The demo's Open311 key: kept in ``VAR_DIR/demo-open311-key`` (mode 0600) and made
    again when the file is missing or no longer opens a usable key (a fresh database)."""
    path = settings.VAR_DIR / DEMO_KEY_FILE
    if path.exists():
        secret = path.read_text().strip()
        if api_key_authenticate(secret) is not None:
            return secret
    secret = api_key_create(name=DEMO_KEY_NAME).secret
    settings.VAR_DIR.mkdir(parents=True, exist_ok=True)
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w") as handle:
        handle.write(secret)
    return secret
