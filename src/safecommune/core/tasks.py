"""Background tasks of the core app."""

from __future__ import annotations

from django_tasks import task

from safecommune.core.audit import audit_sign_heads
from safecommune.core.crypto import DEFAULT_BATCH_SIZE, reencrypt_all


@task()
def audit_sign_heads_task() -> dict:
    """Sign every audit chain head that changed since its last signature."""
    report = audit_sign_heads()
    return {"signed": [f"{key}@{seq}" for key, seq in report.signed],
            "refused": [str(broken) for broken in report.refused]}


@task()
def reencrypt_task(batch_size: int = DEFAULT_BATCH_SIZE) -> dict:
    """Move every encrypted field's values onto the primary key (after `safecommune keys
    rotate`); resumable, so a failed run is simply enqueued again. Not scheduled."""
    return reencrypt_all(batch_size=batch_size)
