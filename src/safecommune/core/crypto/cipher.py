"""AES-256-GCM over text, bound to a context; HMAC-SHA256 blind indexes.

A token reads ``v1:<key id>:<base64url(nonce | ciphertext | tag)>`` with a random 96-bit
nonce. The associated data is the format version, the key id and the context (for a model
field, the field's ``context``), so a token copied into another column, or relabelled with
another key id, fails authentication instead of decrypting.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import logging
import os
import re
import unicodedata

from cryptography.exceptions import InvalidTag

from safecommune.core.crypto.errors import CannotDecrypt, UnknownFieldKey
from safecommune.core.crypto.keyring import KEY_ID, KeyRingMissing, load_key_ring

logger = logging.getLogger("safecommune.core.crypto")

VERSION = "v1"
NONCE_BYTES = 12
TAG_BYTES = 16
PAYLOAD = re.compile(r"^[A-Za-z0-9_-]+$")


def _check_context(context: str) -> bytes:
    if not isinstance(context, str) or not context.strip() or "\x00" in context:
        raise ValueError("a context is a non-empty string without NUL, e.g. 'reports.tip.name'")
    return context.encode("utf-8")


def _associated_data(key_id: str, context: str) -> bytes:
    return b"\x00".join((b"safecommune.field", VERSION.encode(), key_id.encode(),
                         _check_context(context)))


def _encode(raw: bytes) -> str:
    return base64.urlsafe_b64encode(raw).decode("ascii").rstrip("=")


def token_key_id(token: str) -> str | None:
    """The key id a token names, or None when it is not a token of a known version."""
    parts = token.split(":", 2) if isinstance(token, str) else []
    if len(parts) == 3 and parts[0] == VERSION and KEY_ID.match(parts[1]):
        return parts[1]
    return None


def encrypt_text(plaintext: str, *, context: str) -> str:
    """The token of ``plaintext`` under the primary key (the key ring is created on first use)."""
    if not isinstance(plaintext, str):
        raise TypeError("encrypt_text takes a str")
    _check_context(context)
    ring = load_key_ring(create=True)
    key_id = ring.primary_id
    nonce = os.urandom(NONCE_BYTES)
    sealed = ring.cipher(key_id).encrypt(nonce, plaintext.encode("utf-8"),
                                         _associated_data(key_id, context))
    return f"{VERSION}:{key_id}:{_encode(nonce + sealed)}"


def decrypt_text(token: str, *, context: str) -> str:
    """The text of a token written by ``encrypt_text`` with the same context.

    UnknownFieldKey names a key missing from the ring; CannotDecrypt means a malformed or
    altered token, or one written for another context.
    """
    _check_context(context)
    key_id = token_key_id(token)
    if key_id is None:
        raise CannotDecrypt(context=context, key_id=None)
    payload = token.split(":", 2)[2]
    try:
        if not PAYLOAD.match(payload):
            raise ValueError("not base64url")
        raw = base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4))
    except (binascii.Error, ValueError):
        raise CannotDecrypt(context=context, key_id=key_id) from None
    if len(raw) < NONCE_BYTES + TAG_BYTES or _encode(raw) != payload:
        raise CannotDecrypt(context=context, key_id=key_id)
    try:
        ring = load_key_ring(create=False)
    except KeyRingMissing as missing:
        logger.error("field key ring %s is missing; values under key %s cannot be read",
                     missing.path, key_id)
        raise UnknownFieldKey(context=context, key_id=key_id) from None
    cipher = ring.cipher(key_id)
    if cipher is None:
        logger.error("key %s (context %s) is not in the field key ring %s", key_id, context,
                     ring.path)
        raise UnknownFieldKey(context=context, key_id=key_id)
    try:
        plain = cipher.decrypt(raw[:NONCE_BYTES], raw[NONCE_BYTES:],
                               _associated_data(key_id, context))
    except InvalidTag:
        logger.warning("a value under key %s does not authenticate for context %s", key_id,
                       context)
        raise CannotDecrypt(context=context, key_id=key_id) from None
    return plain.decode("utf-8")


def blind_index(value: str, *, context: str) -> str:
    """HMAC-SHA256 (hex) of ``value`` under the ring's index key, for exact-match look-ups only.

    The value is NFC-normalised first, so ``Nguyễn`` typed with combining marks finds the same
    row; fold case, spaces or tones before calling if look-ups should ignore them. The index
    key is not rotated by ``key_ring_rotate``: see docs/decisions/0017-field-encryption.md.
    """
    if not isinstance(value, str):
        raise TypeError("blind_index takes a str")
    message = b"\x00".join((b"safecommune.blind-index", VERSION.encode(),
                            _check_context(context),
                            unicodedata.normalize("NFC", value).encode("utf-8")))
    secret = load_key_ring(create=True).index_secret
    return hmac.new(secret, message, hashlib.sha256).hexdigest()
