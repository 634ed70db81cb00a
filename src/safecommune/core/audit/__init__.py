"""The hash-chained audit log (DESIGN.md rule 2; docs/decisions/0006-audit-chain.md).

Writes: ``audit_append`` and ``audit_append_bulk`` inside the caller's transaction, so a write
and its entry commit or roll back together. One chain per 2025 commune plus the national one;
a writer locks its chain's row, so writers of one commune queue while communes run in parallel.
Call them last in a service: the chain stays locked until the caller's transaction ends.

Checks: ``audit_verify`` recomputes every hash in order; ``audit_sign_heads`` signs each chain's
head with an Ed25519 key kept outside the database, so a cut-off tail is detected as well.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from datetime import datetime

from django.db import models, transaction
from django.utils import timezone

from safecommune.core.audit.canonical import (
    ENTRY_FIELDS,
    canonical_json,
    entry_hash,
    iso_utc,
    normalize_details,
    rows_digest,
)
from safecommune.core.audit.keys import (
    key_fingerprint,
    signed_message,
    signing_key,
    signing_key_path,
)
from safecommune.core.audit.verify import (
    AuditBreak,
    ChainStatus,
    SignReport,
    VerifyReport,
    audit_sign_heads,
    audit_verify,
    chain_label,
)
from safecommune.core.models import AuditChain, AuditEntry
from safecommune.core.statements import Table, Update

__all__ = [
    "AuditBreak", "AuditOutsideTransaction", "ChainStatus", "SignReport", "VerifyReport",
    "audit_append", "audit_append_bulk", "audit_entries_for", "audit_sign_heads", "audit_verify",
    "canonical_json", "chain_key_for", "chain_label", "entry_hash", "iso_utc", "key_fingerprint",
    "rows_digest", "signed_message", "signing_key", "signing_key_path",
]

_ACTION = re.compile(r"^[a-z][a-z0-9_]*(\.[a-z][a-z0-9_]*)+$")


class AuditOutsideTransaction(RuntimeError):
    """An entry must commit with its write: call the audit inside ``transaction.atomic``."""


def chain_key_for(commune) -> str:
    """``national`` for None, else ``commune:<code>`` of a 2025 commune."""
    if commune is None:
        return AuditChain.NATIONAL_KEY
    if (getattr(commune, "structure", None), getattr(commune, "level", None)) != (
            "2025", "commune"):
        raise ValueError("an audit chain belongs to a commune of the 2025 structure; "
                         "use commune=None for national, province and admin actions")
    return f"commune:{commune.code}"


_CHAINS = Table(AuditChain)
_ENTRIES = Table(AuditEntry)


def _lock_chain(commune) -> AuditChain:
    key = chain_key_for(commune)
    # NO KEY UPDATE: still one writer per chain, but inserts that merely reference the chain
    # (entries, head signatures) are not blocked by it.
    chain = _CHAINS.get("key = %s", [key], lock=True, no_key=True)
    if chain is None:
        # Two first writers may race here: ON CONFLICT DO NOTHING lets the second wait for the
        # first and then lock the row the first created.
        AuditChain.objects.bulk_create([AuditChain(key=key, commune=commune)],
                                       ignore_conflicts=True)
        chain = _CHAINS.get("key = %s", [key], lock=True, no_key=True)
    return chain


def _actor(actor) -> tuple[int | None, str]:
    if actor is None:
        return None, ""
    if not getattr(actor, "is_authenticated", False):
        return None, "anonymous"
    if actor.pk is None:
        raise ValueError("the audited actor must be a saved user")
    return actor.pk, actor.get_username()[:150]


def _object(obj) -> tuple[str, str]:
    if obj is None:
        return "", ""
    if isinstance(obj, tuple):
        object_type, object_id = obj
        return str(object_type), str(object_id)
    if isinstance(obj, models.Model):
        if obj.pk is None:
            raise ValueError("save the object before auditing it")
        return obj._meta.label_lower, str(obj.pk)
    raise TypeError("obj must be a saved model instance or a (type, id) pair")


def _append(*, action: str, actor, commune, obj, details, row_count: int | None,
            digest: str) -> AuditEntry:
    if not transaction.get_connection().in_atomic_block:
        raise AuditOutsideTransaction(
            "audit entries are written in the same transaction as the write they record")
    if not _ACTION.match(action or "") or len(action) > 64:
        raise ValueError(f"audit action {action!r} must look like 'village.create'")
    details = normalize_details(details)
    actor_id, actor_label = _actor(actor)
    object_type, object_id = _object(obj)
    chain = _lock_chain(commune)
    entry = AuditEntry(
        chain=chain, seq=chain.length + 1, created_at=timezone.now(), actor_id=actor_id,
        actor_label=actor_label, action=action, object_type=object_type[:64],
        object_id=object_id[:64], commune=commune, details=details, row_count=row_count,
        rows_digest=digest, prev_hash=chain.head_hash)
    entry.hash = entry_hash(chain_key=chain.key, **_hashed_fields(entry))
    chain.length = entry.seq
    chain.head_hash = entry.hash
    # The entry and the chain's new head in one statement where the database can.
    _ENTRIES.insert(entry, then=Update(_CHAINS, '"core_auditchain"."id" = %s', [chain.pk],
                                       {"length": chain.length, "head_hash": chain.head_hash}))
    return entry


def _hashed_fields(entry: AuditEntry) -> dict:
    return {name: getattr(entry, name) for name in ENTRY_FIELDS if name != "hash"}


def audit_append(*, action: str, actor=None, commune=None, obj=None,
                 details: dict | None = None) -> AuditEntry:
    """Append one entry to the commune's chain (national when ``commune`` is None).

    Call it inside the transaction of the write it records. ``details``: ids, counts and
    changed field names only (no secrets, no informant identity, no free personal data).
    """
    return _append(action=action, actor=actor, commune=commune, obj=obj, details=details,
                   row_count=None, digest="")


def audit_append_bulk(*, action: str, actor=None, commune=None, rows: Iterable,
                      details: dict | None = None) -> AuditEntry:
    """One entry for a bulk write: its row count and the sha256 of its rows' canonical JSON
    lines (dicts, dataclasses or sequences), computed while streaming through ``rows``."""
    if not transaction.get_connection().in_atomic_block:
        raise AuditOutsideTransaction(
            "audit entries are written in the same transaction as the write they record")
    count, digest = rows_digest(rows)
    return _append(action=action, actor=actor, commune=commune, obj=None, details=details,
                   row_count=count, digest=digest)


# --- Reading ---------------------------------------------------------------------------------

def audit_entries_for(*, communes: models.QuerySet | None, actions: Iterable[str] | None = None,
                      since: datetime | None = None, until: datetime | None = None,
                      obj=None) -> models.QuerySet:
    """Entries of these communes' chains, newest first; ``communes=None`` means every chain,
    the national one included (for system administrators only)."""
    entries = AuditEntry.objects.select_related("chain", "commune").order_by("-created_at", "-id")
    if communes is not None:
        entries = entries.filter(commune__in=communes)
    if actions is not None:
        entries = entries.filter(action__in=list(actions))
    if since is not None:
        entries = entries.filter(created_at__gte=since)
    if until is not None:
        entries = entries.filter(created_at__lt=until)
    if obj is not None:
        object_type, object_id = _object(obj)
        entries = entries.filter(object_type=object_type, object_id=object_id)
    return entries
