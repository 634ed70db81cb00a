"""Background tasks of the core app."""

from __future__ import annotations

from django_tasks import task

from safecommune.core.audit import audit_sign_heads


@task()
def audit_sign_heads_task() -> dict:
    """Sign every audit chain head that changed since its last signature."""
    report = audit_sign_heads()
    return {"signed": [f"{key}@{seq}" for key, seq in report.signed],
            "refused": [str(broken) for broken in report.refused]}
