from __future__ import annotations

from datetime import timedelta

from django.conf import settings
from django.utils import timezone
from django_tasks import task

from safecommune.idempotency.models import StoredResponse


@task()
def prune_stored_responses() -> int:
    """Forget responses kept for retries once their keeping time has passed."""
    cutoff = timezone.now() - timedelta(hours=settings.SAFECOMMUNE_IDEMPOTENCY_HOURS)
    return StoredResponse.objects.filter(created_at__lt=cutoff).delete()[0]
