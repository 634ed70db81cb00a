"""Field-level encryption at rest with a key ring outside the database.

- ``encrypt_text`` / ``decrypt_text``: AES-256-GCM tokens ``v1:<key id>:<base64url>``, bound
  to a context so a value copied into another column does not decrypt.
- ``EncryptedTextField(context=...)``: a model field storing such tokens, plain ``str`` in
  Python; not searchable (``blind_index`` gives a keyed digest for exact look-ups).
- ``key_ring_rotate``, ``reencrypt_all``, ``key_ring_retire``, ``key_ring_status``: the
  rotation procedure, each step in the national audit chain; ``safecommune keys`` runs them.

docs/decisions/0017-field-encryption.md explains the choices and the operator's duties.
"""

from __future__ import annotations

from safecommune.core.crypto.cipher import blind_index, decrypt_text, encrypt_text, token_key_id
from safecommune.core.crypto.errors import CannotDecrypt, FieldCryptoError, UnknownFieldKey
from safecommune.core.crypto.fields import EncryptedField, EncryptedTextField, encrypted_fields
from safecommune.core.crypto.keyring import KeyRing, KeyRingMissing, key_ring_path
from safecommune.core.crypto.services import (
    DEFAULT_BATCH_SIZE,
    FieldUsage,
    KeyRingStatus,
    key_ring_retire,
    key_ring_rotate,
    key_ring_status,
    reencrypt_all,
)

__all__ = [
    "DEFAULT_BATCH_SIZE", "CannotDecrypt", "EncryptedField", "EncryptedTextField",
    "FieldCryptoError", "FieldUsage", "KeyRing", "KeyRingMissing", "KeyRingStatus",
    "UnknownFieldKey", "blind_index", "decrypt_text", "encrypt_text", "encrypted_fields",
    "key_ring_path", "key_ring_retire", "key_ring_rotate", "key_ring_status", "reencrypt_all",
    "token_key_id",
]
