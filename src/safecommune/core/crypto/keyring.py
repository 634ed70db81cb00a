"""The field key ring: a JSON file outside the database (docs/decisions/0017).

``SAFECOMMUNE_FIELD_KEYS_FILE`` (e.g. a mounted secret), else ``VAR_DIR/field-keys.json``;
created with mode 0600 on first use. It holds several 256-bit AES keys, each with an id, one of
them primary (new values are encrypted under it, the others only decrypt), and one separate
HMAC key for blind indexes::

    {"format": "safecommune-field-keys", "version": 1, "primary": "5c1e0a9f",
     "keys": [{"id": "5c1e0a9f", "created_at": "...", "secret": "<base64url>"}, ...],
     "index_key": {"created_at": "...", "secret": "<base64url>"}}

Readers cache the parsed ring until the file changes (its inode, size or mtime), so a rotation
by ``safecommune keys rotate`` reaches running web processes at their next encryption. Changes
are written whole to a temporary file and renamed over the ring, under an exclusive lock on
``<file>.lock``, so two rotations never lose each other's key.
"""

from __future__ import annotations

import base64
import binascii
import fcntl
import json
import logging
import os
import re
import secrets
import stat
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime
from pathlib import Path

from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

from safecommune.core.files import write_private

logger = logging.getLogger("safecommune.core.crypto")

FILE_NAME = "field-keys.json"
FORMAT = "safecommune-field-keys"
FORMAT_VERSION = 1
KEY_BYTES = 32
KEY_ID = re.compile(r"^[a-z0-9]{1,32}$")


@dataclass(frozen=True)
class FieldKey:
    id: str
    created_at: str
    secret: bytes = field(repr=False)


@dataclass(frozen=True)
class KeyRing:
    path: Path
    primary_id: str
    keys: tuple[FieldKey, ...]
    index_secret: bytes = field(repr=False)
    index_created_at: str = ""
    _ciphers: dict = field(default_factory=dict, repr=False, compare=False)

    @property
    def key_ids(self) -> tuple[str, ...]:
        return tuple(key.id for key in self.keys)

    def has(self, key_id: str) -> bool:
        return key_id in self.key_ids

    def cipher(self, key_id: str) -> AESGCM | None:
        cipher = self._ciphers.get(key_id)
        if cipher is None:
            key = next((key for key in self.keys if key.id == key_id), None)
            if key is None:
                return None
            cipher = self._ciphers.setdefault(key_id, AESGCM(key.secret))
        return cipher

    def rotated(self) -> KeyRing:
        """The ring with a new primary key; every older key stays for decryption."""
        key = _new_key(taken=set(self.key_ids))
        return replace(self, primary_id=key.id, keys=(*self.keys, key), _ciphers={})

    def without(self, key_id: str) -> KeyRing:
        if key_id == self.primary_id:
            raise ValueError("the primary key cannot be removed")
        return replace(self, keys=tuple(key for key in self.keys if key.id != key_id),
                       _ciphers={})


class KeyRingMissing(LookupError):
    def __init__(self, path: Path):
        super().__init__(f"the field key ring {path} does not exist")
        self.path = path


def key_ring_path() -> Path:
    configured = getattr(settings, "SAFECOMMUNE_FIELD_KEYS_FILE", "")
    return Path(configured) if configured else Path(settings.VAR_DIR) / FILE_NAME


_cache: dict[Path, tuple[tuple[int, int, int], KeyRing]] = {}
_cache_lock = threading.Lock()


def load_key_ring(*, create: bool) -> KeyRing:
    """The current key ring; created on first use when ``create``, else KeyRingMissing."""
    path = key_ring_path()
    try:
        return _read_cached(path)
    except FileNotFoundError:
        if not create:
            raise KeyRingMissing(path) from None
    with _exclusive(path):
        if not path.exists():
            _write(path, _new_ring(path))
            logger.info("created the field key ring %s; back it up apart from the database",
                        path)
    return _read_cached(path)


@contextmanager
def key_ring_locked(*, create: bool = True) -> Iterator[KeyRing]:
    """The ring read fresh under the exclusive lock; save a change with ``key_ring_save``
    before the block ends."""
    path = key_ring_path()
    with _exclusive(path):
        if not path.exists():
            if not create:
                raise KeyRingMissing(path)
            _write(path, _new_ring(path))
            logger.info("created the field key ring %s; back it up apart from the database",
                        path)
        with open(path, "rb") as handle:
            yield _parse(path, handle.read())


def key_ring_save(ring: KeyRing) -> None:
    """Replace the ring file (call inside ``key_ring_locked``)."""
    _write(ring.path, ring)


def _stamp(status: os.stat_result) -> tuple[int, int, int]:
    return status.st_ino, status.st_size, status.st_mtime_ns


def _read_cached(path: Path) -> KeyRing:
    cached = _cache.get(path)
    if cached is not None and cached[0] == _stamp(os.stat(path)):
        return cached[1]
    with open(path, "rb") as handle:
        status = os.fstat(handle.fileno())
        ring = _parse(path, handle.read())
    if status.st_mode & 0o077:
        logger.warning("field key ring %s is readable by others; chmod 600 it", path)
    with _cache_lock:
        _cache[path] = (_stamp(status), ring)
    return ring


@contextmanager
def _exclusive(path: Path) -> Iterator[None]:
    path.parent.mkdir(parents=True, exist_ok=True)
    lock = os.open(path.with_name(f"{path.name}.lock"), os.O_RDWR | os.O_CREAT, 0o600)
    try:
        fcntl.flock(lock, fcntl.LOCK_EX)
        yield
    finally:
        fcntl.flock(lock, fcntl.LOCK_UN)
        os.close(lock)


def _write(path: Path, ring: KeyRing) -> None:
    data = json.dumps(_serialise(ring), indent=2).encode() + b"\n"
    write_private(path, data)
    directory = os.open(path.parent, os.O_RDONLY)
    try:
        os.fsync(directory)
    finally:
        os.close(directory)


def _now() -> str:
    return datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def _new_key(*, taken: set[str]) -> FieldKey:
    while True:
        key_id = secrets.token_hex(4)
        if key_id not in taken:
            return FieldKey(id=key_id, created_at=_now(), secret=secrets.token_bytes(KEY_BYTES))


def _new_ring(path: Path) -> KeyRing:
    key = _new_key(taken=set())
    return KeyRing(path=path, primary_id=key.id, keys=(key,),
                   index_secret=secrets.token_bytes(KEY_BYTES), index_created_at=_now())


def _b64(raw: bytes) -> str:
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def _unb64(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def _serialise(ring: KeyRing) -> dict:
    return {
        "format": FORMAT, "version": FORMAT_VERSION, "primary": ring.primary_id,
        "keys": [{"id": key.id, "created_at": key.created_at, "secret": _b64(key.secret)}
                 for key in ring.keys],
        "index_key": {"created_at": ring.index_created_at, "secret": _b64(ring.index_secret)},
    }


def _parse(path: Path, raw: bytes) -> KeyRing:
    """The ring in ``raw``; ImproperlyConfigured names the file and the problem, never a key."""
    def broken(problem: str) -> ImproperlyConfigured:
        return ImproperlyConfigured(f"field key ring {path}: {problem}")

    def secret_of(entry: dict, what: str) -> bytes:
        try:
            secret = _unb64(str(entry["secret"]))
        except (KeyError, TypeError, ValueError, binascii.Error):
            raise broken(f"{what} has no readable secret") from None
        if len(secret) != KEY_BYTES:
            raise broken(f"{what} is not {KEY_BYTES * 8} bits long")
        return secret

    try:
        data = json.loads(raw)
    except ValueError:
        raise broken("not JSON (restore it from the backup)") from None
    if not isinstance(data, dict) or data.get("format") != FORMAT:
        raise broken(f"not a {FORMAT} file")
    if data.get("version") != FORMAT_VERSION:
        raise broken(f"version {data.get('version')!r} is not supported")
    keys = []
    for entry in data.get("keys") or []:
        key_id = entry.get("id") if isinstance(entry, dict) else None
        if not isinstance(key_id, str) or not KEY_ID.match(key_id):
            raise broken(f"key id {key_id!r} is not 1 to 32 lower-case letters and digits")
        if any(key.id == key_id for key in keys):
            raise broken(f"key id {key_id} appears twice")
        keys.append(FieldKey(id=key_id, created_at=str(entry.get("created_at", "")),
                             secret=secret_of(entry, f"key {key_id}")))
    if not keys:
        raise broken("holds no keys")
    primary = data.get("primary")
    if not any(key.id == primary for key in keys):
        raise broken(f"the primary key {primary!r} is not among its keys")
    index = data.get("index_key")
    if not isinstance(index, dict):
        raise broken("has no index_key")
    return KeyRing(path=path, primary_id=primary, keys=tuple(keys),
                   index_secret=secret_of(index, "the index key"),
                   index_created_at=str(index.get("created_at", "")))


def key_file_mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)
