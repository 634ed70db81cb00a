"""The hash-chained audit log (DESIGN.md rule 2; docs/decisions/0006-audit-chain.md).

Writes: ``audit_append`` and ``audit_append_bulk`` inside the caller's transaction, so a write
and its entry commit or roll back together. One chain per 2025 commune plus the national one;
a writer locks its chain's row, so writers of one commune queue while communes run in parallel.

Checks: ``audit_verify`` recomputes every hash in order; ``audit_sign_heads`` signs each chain's
head with an Ed25519 key kept outside the database, so a cut-off tail is detected as well.
"""

from __future__ import annotations

import dataclasses
import hashlib
import json
import logging
import os
import re
import secrets
from collections.abc import Iterable
from datetime import UTC, date, datetime
from decimal import Decimal
from pathlib import Path
from uuid import UUID

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import (
    Ed25519PrivateKey,
    Ed25519PublicKey,
)
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.db import models, transaction
from django.db.models import Max, Q
from django.db.models.functions import Coalesce
from django.utils import timezone

from safecommune.core.models import GENESIS_HASH, AuditChain, AuditEntry, AuditHeadSignature

logger = logging.getLogger(__name__)

HASH_VERSION = 1
KEY_FILE_ENV = "SAFECOMMUNE_AUDIT_KEY_FILE"
KEY_FILE_NAME = "audit-signing-key.pem"
MAX_DETAILS_BYTES = 8192
_ACTION = re.compile(r"^[a-z][a-z0-9_]*(\.[a-z][a-z0-9_]*)+$")
# A backstop, not the rule: callers put ids, counts and changed field names in details.
_FORBIDDEN_KEY_PARTS = ("password", "secret", "passphrase", "private_key", "informant")
_FORBIDDEN_KEYS = {"token", "otp", "pin", "key", "identity", "phone", "address", "ip",
                   "user_agent", "cookie"}
_ENTRY_FIELDS = ("seq", "created_at", "actor_id", "actor_label", "action", "object_type",
                 "object_id", "commune_id", "details", "row_count", "rows_digest", "prev_hash",
                 "hash")


class AuditOutsideTransaction(RuntimeError):
    """An entry must commit with its write: call the audit inside ``transaction.atomic``."""


# --- Canonical form and hashes ---------------------------------------------------------------

def canonical_json(value) -> bytes:
    """Sorted keys, no spaces, UTF-8, no NaN: the same value always gives the same bytes."""
    return json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=False,
                      allow_nan=False, default=_json_default).encode("utf-8")


def iso_utc(moment: datetime) -> str:
    if timezone.is_naive(moment):
        raise ValueError("audit timestamps must be timezone-aware")
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def _json_default(value):
    if isinstance(value, datetime):
        return iso_utc(value) if timezone.is_aware(value) else value.isoformat()
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, (Decimal, UUID, Path)):
        return str(value)
    raise TypeError(f"{type(value).__name__} is not allowed in audit data")


def entry_hash(*, chain_key: str, seq: int, created_at: datetime, actor_id: int | None,
               actor_label: str, action: str, object_type: str, object_id: str,
               commune_id: int | None, details: dict, row_count: int | None, rows_digest: str,
               prev_hash: str) -> str:
    """sha256 of the canonical form of every field of an entry, its chain and its predecessor."""
    payload = {
        "v": HASH_VERSION, "chain": chain_key, "seq": seq, "created_at": iso_utc(created_at),
        "actor": actor_id, "actor_label": actor_label, "action": action,
        "object_type": object_type, "object_id": object_id, "commune": commune_id,
        "details": details, "row_count": row_count, "rows_digest": rows_digest,
        "prev_hash": prev_hash,
    }
    return hashlib.sha256(canonical_json(payload)).hexdigest()


def _row_value(row):
    if isinstance(row, dict):
        return row
    if dataclasses.is_dataclass(row) and not isinstance(row, type):
        return {f.name: getattr(row, f.name) for f in dataclasses.fields(row)}
    if isinstance(row, (str, bytes)) or not isinstance(row, Iterable):
        raise TypeError("each audited row must be a dict, a dataclass or a sequence of values")
    return list(row)


def rows_digest(rows: Iterable) -> tuple[int, str]:
    """(row count, sha256 hex) over the rows' canonical JSON lines, read once, in order."""
    digest = hashlib.sha256()
    count = 0
    for row in rows:
        digest.update(canonical_json(_row_value(row)))
        digest.update(b"\n")
        count += 1
    return count, digest.hexdigest()


def _check_details(value, path: str) -> None:
    if isinstance(value, dict):
        for key, item in value.items():
            if not isinstance(key, str):
                raise TypeError(f"{path}: keys must be strings")
            lowered = key.lower()
            if lowered in _FORBIDDEN_KEYS or any(p in lowered for p in _FORBIDDEN_KEY_PARTS):
                raise ValueError(f"{path}.{key}: audit details never hold secrets or personal "
                                 "data; store ids and changed field names")
            _check_details(item, f"{path}.{key}")
    elif isinstance(value, (list, tuple)):
        for index, item in enumerate(value):
            _check_details(item, f"{path}[{index}]")
    elif isinstance(value, float):
        # PostgreSQL's jsonb rewrites some floats (1e16 → 10000000000000000), which would
        # change the hash; audit details are ids, counts and names, so floats are refused.
        raise TypeError(f"{path}: floats are not allowed in audit details; pass a string")
    elif not (value is None or isinstance(value, (str, int, bool, date, Decimal, UUID))):
        raise TypeError(f"{path}: {type(value).__name__} is not allowed in audit details")


def _normalize_details(details: dict | None) -> dict:
    if details is None:
        return {}
    if not isinstance(details, dict):
        raise TypeError("audit details must be a dict")
    _check_details(details, "details")
    text = canonical_json(details)
    if len(text) > MAX_DETAILS_BYTES:
        raise ValueError(f"audit details are limited to {MAX_DETAILS_BYTES} bytes")
    return json.loads(text)


# --- Writing ---------------------------------------------------------------------------------

def chain_key_for(commune) -> str:
    """``national`` for None, else ``commune:<code>`` of a 2025 commune."""
    if commune is None:
        return AuditChain.NATIONAL_KEY
    if getattr(commune, "structure", None) != "2025" or getattr(commune, "level", None) != "commune":
        raise ValueError("an audit chain belongs to a commune of the 2025 structure; "
                         "use commune=None for national, province and admin actions")
    return f"commune:{commune.code}"


def _lock_chain(commune) -> AuditChain:
    key = chain_key_for(commune)
    # NO KEY UPDATE: still one writer per chain, but inserts that merely reference the chain
    # (entries, head signatures) are not blocked by it.
    locked = AuditChain.objects.select_for_update(no_key=True)
    try:
        return locked.get(key=key)
    except AuditChain.DoesNotExist:
        # Two first writers may race here: ON CONFLICT DO NOTHING lets the second wait for the
        # first and then lock the row the first created.
        AuditChain.objects.bulk_create([AuditChain(key=key, commune=commune)],
                                       ignore_conflicts=True)
        return locked.get(key=key)


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
    details = _normalize_details(details)
    actor_id, actor_label = _actor(actor)
    object_type, object_id = _object(obj)
    chain = _lock_chain(commune)
    entry = AuditEntry(
        chain=chain, seq=chain.length + 1, created_at=timezone.now(), actor_id=actor_id,
        actor_label=actor_label, action=action, object_type=object_type[:64],
        object_id=object_id[:64], commune=commune, details=details, row_count=row_count,
        rows_digest=digest, prev_hash=chain.head_hash)
    entry.hash = entry_hash(chain_key=chain.key, **_hashed_fields(entry))
    entry.save(force_insert=True)
    chain.length = entry.seq
    chain.head_hash = entry.hash
    chain.save(update_fields=["length", "head_hash"])
    return entry


def _hashed_fields(entry: AuditEntry) -> dict:
    return {name: getattr(entry, name) for name in _ENTRY_FIELDS if name != "hash"}


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


# --- The signing key -------------------------------------------------------------------------

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
    temporary = path.with_name(f".{path.name}.{os.getpid()}.{secrets.token_hex(4)}")
    fd = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(pem)
            handle.flush()
            os.fsync(handle.fileno())
        # link() fails if another process created the key meanwhile: theirs is kept.
        try:
            os.link(temporary, path)
        except FileExistsError:
            pass
    finally:
        temporary.unlink(missing_ok=True)
    logger.info("created audit signing key %s", path)


def key_fingerprint(public_key: Ed25519PublicKey) -> str:
    raw = public_key.public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)
    return hashlib.sha256(raw).hexdigest()


def _signed_message(*, chain_key: str, seq: int, head_hash: str, signed_at: datetime) -> bytes:
    return canonical_json({"v": HASH_VERSION, "purpose": "safecommune.audit.head",
                           "chain": chain_key, "seq": seq, "hash": head_hash,
                           "signed_at": iso_utc(signed_at)})


# --- Verifying -------------------------------------------------------------------------------

@dataclasses.dataclass(frozen=True)
class AuditBreak:
    chain: str
    label: str
    seq: int
    reason: str
    message: str

    def __str__(self) -> str:
        return f"chain {self.label} ({self.chain}), entry {self.seq}: {self.reason}: {self.message}"


@dataclasses.dataclass(frozen=True)
class ChainStatus:
    chain: str
    label: str
    entries: int
    last_signed_seq: int | None


@dataclasses.dataclass
class VerifyReport:
    chains: list[ChainStatus]
    breaks: list[AuditBreak]

    @property
    def ok(self) -> bool:
        return not self.breaks

    @property
    def first_break(self) -> AuditBreak | None:
        return self.breaks[0] if self.breaks else None


def chain_label(chain: AuditChain) -> str:
    if chain.commune is None:
        return "national"
    return f"{chain.commune.code} {chain.commune.name}"


def _walk(chain: AuditChain, *, after_seq: int = 0, after_hash: str = GENESIS_HASH,
          signed: dict[int, str] | None = None) -> tuple[int, int, str, tuple | None]:
    """Recompute the chain's entries after ``after_seq`` in order.

    Returns (entries read, last good seq, last good hash, first problem as (seq, reason,
    message) or None). After a problem the rest is only counted.
    """
    signed = signed or {}
    expected, previous, count, problem = after_seq + 1, after_hash, 0, None
    rows = (AuditEntry.objects.filter(chain=chain, seq__gt=after_seq).order_by("seq")
            .values_list(*_ENTRY_FIELDS).iterator(chunk_size=2000))
    for values in rows:
        count += 1
        if problem:
            continue
        fields = dict(zip(_ENTRY_FIELDS, values, strict=True))
        seq = fields["seq"]
        if seq != expected:
            problem = (expected, "missing", f"entries {expected}..{seq - 1} are missing "
                       f"(the next entry found is {seq})" if seq > expected + 1 else
                       f"entry {expected} is missing (the next entry found is {seq})")
        elif fields["prev_hash"] != previous:
            problem = (seq, "out_of_order", "the entry does not follow the previous one "
                       "(its prev_hash differs): entries were reordered, replaced or inserted")
        elif entry_hash(chain_key=chain.key, **{k: v for k, v in fields.items()
                                                if k != "hash"}) != fields["hash"]:
            problem = (seq, "altered", "the entry's content no longer matches its hash")
        elif seq in signed and signed[seq] != fields["hash"]:
            problem = (seq, "signed_head_mismatch", "the entry differs from the head signed at "
                       "this sequence number: the chain was rewritten up to here")
        else:
            previous, expected = fields["hash"], seq + 1
    return count, expected - 1, previous, problem


def _check_signatures(chain: AuditChain, signatures: list[AuditHeadSignature],
                      public_key: Ed25519PublicKey | None) -> tuple | None:
    fingerprint = key_fingerprint(public_key) if public_key else None
    for sig in signatures:
        if public_key is None:
            return (sig.seq, "no_signing_key", f"the head is signed but the key file "
                    f"{signing_key_path()} is missing, so the signature cannot be checked")
        if sig.key_fingerprint != fingerprint:
            return (sig.seq, "unknown_signing_key", "the head was signed with another key "
                    f"(fingerprint {sig.key_fingerprint[:16]}…)")
        message = _signed_message(chain_key=chain.key, seq=sig.seq, head_hash=sig.hash,
                                  signed_at=sig.signed_at)
        try:
            public_key.verify(bytes.fromhex(sig.signature), message)
        except (InvalidSignature, ValueError):
            return (sig.seq, "bad_signature", "the head signature does not verify")
    return None


def _verify_chain(chain: AuditChain, public_key) -> tuple[ChainStatus, AuditBreak | None]:
    signatures = list(chain.signatures.order_by("seq"))
    last_signed = signatures[-1].seq if signatures else None
    problems = []
    bad_signature = _check_signatures(chain, signatures, public_key)
    if bad_signature:
        problems.append(bad_signature)
    count, last_seq, last_hash, problem = _walk(
        chain, signed={sig.seq: sig.hash for sig in signatures})
    if problem:
        problems.append(problem)
    else:
        if last_signed is not None and last_signed > last_seq:
            problems.append((last_seq + 1, "tail_cut", f"the head signed at entry {last_signed} "
                             f"is gone: the chain ends at {last_seq}"))
        elif chain.length > last_seq:
            problems.append((last_seq + 1, "tail_cut", f"the chain's head says {chain.length} "
                             f"entries, the chain ends at {last_seq}"))
        elif chain.length != last_seq or chain.head_hash != last_hash:
            problems.append((last_seq, "head_mismatch", "the chain's head record does not "
                             "match its last entry"))
    label = chain_label(chain)
    status = ChainStatus(chain=chain.key, label=label, entries=count, last_signed_seq=last_signed)
    if not problems:
        return status, None
    seq, reason, message = min(problems, key=lambda p: p[0])
    return status, AuditBreak(chain=chain.key, label=label, seq=seq, reason=reason,
                              message=message)


def audit_verify(*, chain: AuditChain | str | None = None) -> VerifyReport:
    """Recompute every chain (or one, by row or key) and check it against its signed heads."""
    chains = AuditChain.objects.select_related("commune").order_by(
        Coalesce("commune__code", models.Value("")), "key")
    if chain is not None:
        chains = chains.filter(key=chain.key if isinstance(chain, AuditChain) else chain)
    key = signing_key(create=False)
    public_key = key.public_key() if key else None
    report = VerifyReport(chains=[], breaks=[])
    for row in chains:
        status, broken = _verify_chain(row, public_key)
        report.chains.append(status)
        if broken:
            report.breaks.append(broken)
    return report


# --- Signing ---------------------------------------------------------------------------------

@dataclasses.dataclass
class SignReport:
    signed: list[tuple[str, int]]
    refused: list[AuditBreak]


def audit_sign_heads() -> SignReport:
    """Sign the head of every chain that grew since its last signature.

    The entries since the last signed head are recomputed first: a chain that no longer links
    to its signed head is refused (and logged), never signed over.
    """
    key = signing_key(create=True)
    public_key = key.public_key()
    fingerprint = key_fingerprint(public_key)
    report = SignReport(signed=[], refused=[])
    chains = (AuditChain.objects.select_related("commune")
              .annotate(signed_seq=Coalesce(Max("signatures__seq"), 0))
              .filter(Q(length__gt=models.F("signed_seq"))).order_by("key"))
    for chain in chains:
        last = chain.signatures.order_by("-seq").first()
        after_seq, after_hash = (last.seq, last.hash) if last else (0, GENESIS_HASH)
        _count, head_seq, head_hash, problem = _walk(chain, after_seq=after_seq,
                                                     after_hash=after_hash)
        if problem is None and head_seq < chain.length:
            problem = (head_seq + 1, "tail_cut", f"the chain's head says {chain.length} "
                       f"entries, the chain ends at {head_seq}")
        if problem:
            broken = AuditBreak(chain=chain.key, label=chain_label(chain), seq=problem[0],
                                reason=problem[1], message=problem[2])
            logger.error("audit head not signed: %s", broken)
            report.refused.append(broken)
            continue
        signed_at = timezone.now()
        signature = key.sign(_signed_message(chain_key=chain.key, seq=head_seq,
                                             head_hash=head_hash, signed_at=signed_at))
        AuditHeadSignature.objects.bulk_create([AuditHeadSignature(
            chain=chain, seq=head_seq, hash=head_hash, signed_at=signed_at,
            signature=signature.hex(), key_fingerprint=fingerprint)], ignore_conflicts=True)
        # Logged as well, so a copy of the signed heads lives outside the database.
        logger.info("audit head signed: chain=%s seq=%d hash=%s", chain.key, head_seq, head_hash)
        report.signed.append((chain.key, head_seq))
    return report


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
