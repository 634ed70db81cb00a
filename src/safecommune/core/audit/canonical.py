"""The canonical form of audit data and the hashes over it.

Canonical JSON: sorted keys, ``,``/``:`` separators without spaces, UTF-8, no NaN; timestamps
in UTC as ``YYYY-MM-DDTHH:MM:SS.ffffffZ``. The same value always gives the same bytes, on
both databases.
"""

from __future__ import annotations

import dataclasses
import hashlib
import json
from collections.abc import Iterable
from datetime import UTC, date, datetime
from decimal import Decimal
from pathlib import Path
from uuid import UUID

from django.utils import timezone

HASH_VERSION = 1
MAX_DETAILS_BYTES = 8192
# A backstop, not the rule: callers put ids, counts and changed field names in details.
FORBIDDEN_KEY_PARTS = ("password", "secret", "passphrase", "private_key", "informant")
FORBIDDEN_KEYS = {"token", "otp", "pin", "key", "identity", "phone", "address", "ip",
                  "user_agent", "cookie"}
ENTRY_FIELDS = ("seq", "created_at", "actor_id", "actor_label", "action", "object_type",
                "object_id", "commune_id", "details", "row_count", "rows_digest", "prev_hash",
                "hash")


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
            _check_text(key, path)
            lowered = key.lower()
            if lowered in FORBIDDEN_KEYS or any(p in lowered for p in FORBIDDEN_KEY_PARTS):
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
    elif isinstance(value, str):
        _check_text(value, path)
    elif not (value is None or isinstance(value, (int, bool, date, Decimal, UUID))):
        raise TypeError(f"{path}: {type(value).__name__} is not allowed in audit details")


def _check_text(text: str, path: str) -> None:
    # PostgreSQL's jsonb cannot hold U+0000; refused on both databases alike.
    if "\x00" in text:
        raise ValueError(f"{path}: NUL characters are not allowed in audit details")


def normalize_details(details: dict | None) -> dict:
    if details is None:
        return {}
    if not isinstance(details, dict):
        raise TypeError("audit details must be a dict")
    _check_details(details, "details")
    text = canonical_json(details)
    if len(text) > MAX_DETAILS_BYTES:
        raise ValueError(f"audit details are limited to {MAX_DETAILS_BYTES} bytes")
    return json.loads(text)
