"""The Ed25519 key that signs chain heads: a PEM file outside the database.

``SAFECOMMUNE_AUDIT_KEY_FILE``, else ``VAR_DIR/audit-signing-key.pem``; created with mode 0600
on first use. Whoever holds the database alone cannot forge a signed head.
"""

from __future__ import annotations

import hashlib
import logging
import os
from datetime import datetime
from pathlib import Path

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import (
    Ed25519PrivateKey,
    Ed25519PublicKey,
)
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

from safecommune.core.audit.canonical import HASH_VERSION, canonical_json, iso_utc
from safecommune.core.files import write_private_once

logger = logging.getLogger("safecommune.core.audit")

KEY_FILE_ENV = "SAFECOMMUNE_AUDIT_KEY_FILE"
KEY_FILE_NAME = "audit-signing-key.pem"


def signing_key_path() -> Path:
    configured = os.environ.get(KEY_FILE_ENV)
    return Path(configured) if configured else Path(settings.VAR_DIR) / KEY_FILE_NAME


def signing_key(*, create: bool = True) -> Ed25519PrivateKey | None:
    """The Ed25519 key, created (mode 0600) on first use when ``create``; None if absent."""
    path = signing_key_path()
    if not path.exists():
        if not create:
            return None
        _create_key_file(path)
    if path.stat().st_mode & 0o077:
        logger.warning("audit signing key %s is readable by others; chmod 600 it", path)
    key = serialization.load_pem_private_key(path.read_bytes(), password=None)
    if not isinstance(key, Ed25519PrivateKey):
        raise ImproperlyConfigured(f"{path} does not hold an Ed25519 private key")
    return key


def _create_key_file(path: Path) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    pem = Ed25519PrivateKey.generate().private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption())
    if write_private_once(path, pem):  # else another process created it meanwhile: theirs
        logger.info("created audit signing key %s", path)


def key_fingerprint(public_key: Ed25519PublicKey) -> str:
    raw = public_key.public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)
    return hashlib.sha256(raw).hexdigest()


def signed_message(*, chain_key: str, seq: int, head_hash: str, signed_at: datetime) -> bytes:
    return canonical_json({"v": HASH_VERSION, "purpose": "safecommune.audit.head",
                           "chain": chain_key, "seq": seq, "hash": head_hash,
                           "signed_at": iso_utc(signed_at)})
