"""The public-receipts service: one for everything the public submits without an account.

- ``receipt_issue`` gives a short code and a high-entropy secret, shown once; only an HMAC of
  the secret is stored (fast, so intake stays fast; keyed outside the database).
- ``receipt_open`` finds the submission from code + secret; a wrong code and a wrong secret
  are the same 404, and a code tried with wrong secrets too often is locked for a while.
- ``rate_limit`` counts requests per address under a keyed hash that changes every day and
  lives only in the cache (at most 24 hours); the address itself is never stored or logged.
"""

from __future__ import annotations

import functools
import hashlib
import hmac
import secrets
from dataclasses import dataclass

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.core.cache import cache
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from safecommune.core.errors import DomainError, NotFound
from safecommune.core.net import client_address
from safecommune.core.statements import Table
from safecommune.receipts.models import PublicReceipt

# Crockford's base32 without I, L, O, U: easy to read out over the phone.
CODE_ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"
CODE_LENGTH = 10
FAILED_SECRETS_PER_CODE = 10
CODE_LOCK_SECONDS = 3600


class RateLimited(DomainError):
    status_code = 429

    def __init__(self, message: str):
        super().__init__(message, field=None, rule="rate_limit")


@functools.lru_cache(maxsize=1)
def _key() -> bytes:
    from safecommune.settings import read_or_create_secret

    return read_or_create_secret("receipt-key", "SAFECOMMUNE_RECEIPT_KEY").encode()


def secret_digest(secret: str) -> str:
    return hmac.new(_key(), b"secret:" + secret.encode(), hashlib.sha256).hexdigest()


def new_code() -> str:
    # One read of the system's random source for the whole code (a draw per character cost
    # ten system calls); 256 is a multiple of the alphabet's 32, so every character is uniform.
    return "".join(CODE_ALPHABET[byte % len(CODE_ALPHABET)]
                   for byte in secrets.token_bytes(CODE_LENGTH))


def format_code(code: str) -> str:
    return f"{code[:5]}-{code[5:]}"


def normalise_code(raw: str) -> str:
    cleaned = "".join(ch for ch in (raw or "").upper() if ch.isalnum())
    return cleaned.replace("O", "0").replace("I", "1").replace("L", "1")


@dataclass(frozen=True)
class IssuedReceipt:
    receipt: PublicReceipt
    secret: str  # shown once, never stored

    @property
    def code(self) -> str:
        return format_code(self.receipt.code)


_RECEIPTS = Table(PublicReceipt)


def receipt_issue(*, kind: str, commune, submission) -> IssuedReceipt:
    """Issue the receipt inside the submission's transaction."""
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("a receipt is issued in the transaction that saves the submission")
    secret = secrets.token_urlsafe(24)
    content_type = ContentType.objects.get_for_model(submission)
    for _attempt in range(5):
        receipt = PublicReceipt(code=new_code(), secret_digest=secret_digest(secret), kind=kind,
                                commune=commune, content_type=content_type,
                                object_id=str(submission.pk))
        if _RECEIPTS.insert(receipt, unless_taken="code"):
            return IssuedReceipt(receipt, secret)
        # a code collision (1 in 10^15 per pair): nothing written; draw again
    raise RuntimeError("could not draw a free receipt code")


def _not_found() -> NotFound:
    return NotFound(_("No submission matches this receipt code and secret."), field="code",
                    rule="receipt")


def _code_failures_key(code: str) -> str:
    digest = hmac.new(_key(), b"code:" + code.encode(), hashlib.sha256).hexdigest()[:32]
    return f"receipt-fail:{digest}"


def receipt_open(*, code: str, secret: str, kind: str | None = None) -> PublicReceipt:
    code = normalise_code(code)
    secret = (secret or "").strip()
    if len(code) != CODE_LENGTH or not secret or len(secret) > 100:
        raise _not_found()
    failures_key = _code_failures_key(code)
    if cache.get(failures_key, 0) >= FAILED_SECRETS_PER_CODE:
        raise RateLimited(_("Too many wrong secrets for this receipt. Try again in an hour."))
    receipt = PublicReceipt.objects.filter(code=code).select_related("commune").first()
    if receipt is None or (kind and receipt.kind != kind) or not hmac.compare_digest(
            receipt.secret_digest, secret_digest(secret)):
        try:
            cache.incr(failures_key)
        except ValueError:
            cache.set(failures_key, 1, CODE_LOCK_SECONDS)
        raise _not_found()
    return receipt


# --- Rate limits keyed on a daily keyed hash of the address ----------------------------------

RATE_LIMITS = {
    # action: (requests, window in seconds)
    "submit": (10, 3600),
    "lookup": (30, 600),
}


_DAY_KEY: tuple[str, bytes, bytes] | None = None


def _day_key() -> bytes:
    """Today's (UTC) key for address tags, derived once a day per process (and again if the
    receipt key changes)."""
    global _DAY_KEY
    day, key = timezone.now().strftime("%Y-%m-%d"), _key()
    cached = _DAY_KEY
    if cached is None or cached[0] != day or cached[1] != key:
        cached = _DAY_KEY = (day, key, hmac.new(key, f"day:{day}".encode(),
                                                hashlib.sha256).digest())
    return cached[2]


def _address_tag(request) -> str:
    """A keyed hash of the client address under a key that changes every day (UTC); it is
    only ever a cache key, so it disappears within 24 hours and cannot be reversed."""
    address = client_address(request)  # behind a trusted proxy, the client it names
    return hmac.new(_day_key(), address.encode(), hashlib.sha256).hexdigest()[:32]


def rate_limit(request, action: str) -> None:
    limit, window = RATE_LIMITS[action]
    limit = getattr(settings, "SAFECOMMUNE_PUBLIC_RATE_LIMITS", {}).get(action, limit)
    key = f"rl:{action}:{_address_tag(request)}"
    if cache.add(key, 1, min(window, 24 * 3600)):
        return
    try:
        count = cache.incr(key)
    except ValueError:
        cache.set(key, 1, min(window, 24 * 3600))
        return
    if count > limit:
        raise RateLimited(_("Too many requests from your connection. Please wait and try "
                            "again later."))
