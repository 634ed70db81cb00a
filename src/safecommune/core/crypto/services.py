"""Key ring operations: status, rotation, re-encryption, retirement (each audited nationally).

Rotation procedure (docs/decisions/0017-field-encryption.md): ``key_ring_rotate`` adds a new
primary key, ``reencrypt_all`` moves every stored value onto it, ``key_ring_retire`` removes an
old key once no registered field holds a value under it.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from pathlib import Path

from django.db import models, transaction
from django.db.models.functions import Cast, StrIndex, Substr
from django.utils.translation import gettext as _

from safecommune.core.audit import audit_append, audit_append_bulk
from safecommune.core.crypto.cipher import VERSION, decrypt_text, encrypt_text, token_key_id
from safecommune.core.crypto.errors import FieldCryptoError
from safecommune.core.crypto.fields import EncryptedField, encrypted_fields
from safecommune.core.crypto.keyring import (
    KeyRing,
    KeyRingMissing,
    key_ring_locked,
    key_ring_path,
    key_ring_save,
    load_key_ring,
)
from safecommune.core.errors import Conflict, NotFound

logger = logging.getLogger("safecommune.core.crypto")

DEFAULT_BATCH_SIZE = 500
_RAW = "_sc_token"


@dataclass(frozen=True)
class FieldUsage:
    label: str
    per_key: dict[str, int]  # key id -> stored values under it (ids not in the ring included)
    malformed: int  # non-empty values that are not tokens at all


@dataclass(frozen=True)
class KeyRingStatus:
    path: Path
    exists: bool
    primary_id: str | None
    keys: tuple[tuple[str, str], ...]  # (id, created_at), oldest first
    fields: tuple[FieldUsage, ...]


def _tokens(entry: EncryptedField) -> models.QuerySet:
    """The model's rows with the raw token of the field as ``_sc_token`` (not decrypted)."""
    return entry.model._base_manager.annotate(
        **{_RAW: Cast(entry.field.attname, output_field=models.TextField())})


def _usage(entry: EncryptedField) -> FieldUsage:
    after_version = len(VERSION) + 2  # 1-based position after "v1:"
    tokens = _tokens(entry).filter(**{f"{_RAW}__startswith": f"{VERSION}:"}).annotate(
        _sc_colon=StrIndex(Substr(_RAW, after_version), models.Value(":")),
    ).filter(_sc_colon__gt=0)
    rows = (tokens.annotate(_sc_key=Substr(_RAW, after_version, models.F("_sc_colon") - 1))
            .values("_sc_key").annotate(count=models.Count("*")).order_by("_sc_key"))
    per_key = {row["_sc_key"]: row["count"] for row in rows}
    stored = _tokens(entry).exclude(**{f"{_RAW}__isnull": True}).exclude(**{_RAW: ""}).count()
    return FieldUsage(label=entry.label, per_key=per_key, malformed=stored - sum(per_key.values()))


def _values_under(key_id: str) -> dict[str, int]:
    counts = {}
    for entry in encrypted_fields():
        count = _tokens(entry).filter(**{f"{_RAW}__startswith": f"{VERSION}:{key_id}:"}).count()
        if count:
            counts[entry.label] = count
    return counts


def key_ring_status() -> KeyRingStatus:
    """The ring's keys and, per registered field, how many values each key holds."""
    usage = tuple(_usage(entry) for entry in encrypted_fields())
    try:
        ring = load_key_ring(create=False)
    except KeyRingMissing as missing:
        return KeyRingStatus(path=missing.path, exists=False, primary_id=None, keys=(),
                             fields=usage)
    return KeyRingStatus(path=ring.path, exists=True, primary_id=ring.primary_id,
                         keys=tuple((key.id, key.created_at) for key in ring.keys),
                         fields=usage)


def key_ring_rotate(*, actor=None) -> KeyRing:
    """Add a new primary key; older keys stay to decrypt until their values are re-encrypted.
    Without a key ring yet, the ring is created and its first key is the new primary."""
    existed = key_ring_path().exists()
    with transaction.atomic(), key_ring_locked(create=True) as ring:
        rotated = ring.rotated() if existed else ring
        previous = ring.primary_id if existed else None
        audit_append(action="field_keys.rotate", actor=actor,
                     details={"key_id": rotated.primary_id, "previous_key_id": previous,
                              "key_count": len(rotated.keys)})
        # Written before the audit entry commits: a failed write rolls the entry back.
        key_ring_save(rotated)
    logger.info("field key ring %s rotated: new primary key %s (previous %s)", ring.path,
                rotated.primary_id, previous)
    return rotated


def key_ring_retire(key_id: str, *, actor=None) -> KeyRing:
    """Remove a key that no registered field uses any more (re-encrypt first)."""
    unknown = NotFound(_("The key ring has no key %(key_id)s.") % {"key_id": key_id},
                       field="key_id", rule="unknown_key")
    if not key_ring_path().exists():
        raise unknown
    with transaction.atomic(), key_ring_locked(create=False) as ring:
        if not ring.has(key_id):
            raise unknown
        if key_id == ring.primary_id:
            raise Conflict(_("Key %(key_id)s is the primary key. Rotate to a new key and "
                             "re-encrypt before retiring it.") % {"key_id": key_id},
                           field="key_id", rule="primary")
        in_use = _values_under(key_id)
        if in_use:
            raise Conflict(
                _("Key %(key_id)s still encrypts values in %(fields)s (count: %(count)d). "
                  "Re-encrypt them before retiring it.")
                % {"key_id": key_id, "count": sum(in_use.values()),
                   "fields": ", ".join(sorted(in_use))},
                field="key_id", rule="in_use")
        retired = ring.without(key_id)
        audit_append(action="field_keys.retire", actor=actor,
                     details={"key_id": key_id, "primary_key_id": ring.primary_id,
                              "key_count": len(retired.keys)})
        key_ring_save(retired)
    logger.info("field key ring %s: key %s retired", ring.path, key_id)
    return retired


def reencrypt_all(batch_size: int = DEFAULT_BATCH_SIZE, *, actor=None) -> dict[str, dict]:
    """Rewrite every registered field's values that are not under the primary key.

    Batches of ``batch_size`` rows, each in its own transaction with one bulk audit entry, so an
    interrupted run keeps what it finished and a rerun goes on from there. A row changed by
    someone else meanwhile is left to them (its new value is already under the primary key).
    Returns per field label ``{"reencrypted": n, "unreadable": m}``; unreadable values (a key
    missing from the ring, an altered token) are logged by row id and left as they are.
    """
    if not isinstance(batch_size, int) or batch_size < 1:
        raise ValueError("batch_size is a positive integer")
    primary_id = load_key_ring(create=True).primary_id
    return {entry.label: _reencrypt_field(entry, primary_id, batch_size, actor)
            for entry in encrypted_fields()}


def _reencrypt_field(entry: EncryptedField, primary_id: str, batch_size: int, actor) -> dict:
    name, context = entry.field.attname, entry.field.context
    pending = (_tokens(entry).exclude(**{f"{_RAW}__isnull": True}).exclude(**{_RAW: ""})
               .exclude(**{f"{_RAW}__startswith": f"{VERSION}:{primary_id}:"}).order_by("pk"))
    moved = unreadable = 0
    last_pk = None
    while True:
        batch = pending if last_pk is None else pending.filter(pk__gt=last_pk)
        with transaction.atomic():
            rows = list(batch.values_list("pk", _RAW)[:batch_size])
            done = []
            for pk, token in rows:
                try:
                    plaintext = decrypt_text(token, context=context)
                except FieldCryptoError as error:
                    unreadable += 1
                    logger.error("%s row %s: cannot re-encrypt (%s)", entry.label, pk,
                                 type(error).__name__)
                    continue
                fresh = encrypt_text(plaintext, context=context)
                if _tokens(entry).filter(**{"pk": pk, _RAW: token}).update(
                        **{name: models.Value(fresh, output_field=models.TextField())}):
                    done.append((entry.label, pk, token_key_id(token)))
            if done:
                audit_append_bulk(action="field_keys.reencrypt", actor=actor, rows=done,
                                  details={"field": entry.label, "to_key_id": primary_id})
        moved += len(done)
        if len(rows) < batch_size:
            break
        last_pk = rows[-1][0]
    if moved or unreadable:
        logger.info("%s: %d values re-encrypted under key %s, %d unreadable", entry.label,
                    moved, primary_id, unreadable)
    return {"reencrypted": moved, "unreadable": unreadable}

