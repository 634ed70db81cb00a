"""Background tasks that belong to no domain app."""

from __future__ import annotations

from datetime import timedelta

from django.utils import timezone
from django_tasks import task
from django_tasks_db.models import DBTaskResult

FINISHED_RESULT_DAYS = 30
FAILED_RESULT_DAYS = 90


@task()
def prune_task_results() -> dict:
    """Delete finished task results past their keeping time (failed ones are kept longer)."""
    now = timezone.now()
    ok = DBTaskResult.objects.successful().filter(
        finished_at__lt=now - timedelta(days=FINISHED_RESULT_DAYS)).delete()[0]
    failed = DBTaskResult.objects.failed().filter(
        finished_at__lt=now - timedelta(days=FAILED_RESULT_DAYS)).delete()[0]
    return {"successful_deleted": ok, "failed_deleted": failed}


@task()
def heartbeat() -> str:
    """A no-op job: its results on the jobs page show the worker is alive."""
    return timezone.now().isoformat()
