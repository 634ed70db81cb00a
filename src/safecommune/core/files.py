"""Secret files written safely: whole, private (mode 0600) and never seen half-written.

The data goes into a private file of its own first and is synced; only then does it take the
file's name — by ``link`` (``write_private_once``: if another process got there first, theirs
stays and is the one to use) or by ``replace`` (``write_private``). No Django import here:
the settings use it before Django is set up.
"""

from __future__ import annotations

import os
import secrets
from pathlib import Path


def _draft(path: Path, data: bytes) -> Path:
    draft = path.with_name(f".{path.name}.{os.getpid()}.{secrets.token_hex(4)}")
    fd = os.open(draft, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
    except BaseException:
        draft.unlink(missing_ok=True)
        raise
    return draft


def write_private_once(path: Path, data: bytes) -> bool:
    """Create ``path`` holding ``data`` unless it exists: True if this call created it."""
    draft = _draft(path, data)
    try:
        os.link(draft, path)
    except FileExistsError:
        return False
    finally:
        draft.unlink(missing_ok=True)
    return True


def write_private(path: Path, data: bytes) -> None:
    """Put ``data`` at ``path``, replacing what was there in one step."""
    draft = _draft(path, data)
    try:
        os.replace(draft, path)
    finally:
        draft.unlink(missing_ok=True)
