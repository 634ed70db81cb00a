"""Reads for the jobs page."""

from __future__ import annotations

from django_tasks_db.models import DBTaskResult

from safecommune.worker.models import ScheduledRun


def jobs_recent(*, limit: int = 50):
    return list(DBTaskResult.objects.order_by("-enqueued_at")[:limit])


def jobs_failed(*, limit: int = 50):
    return list(DBTaskResult.objects.failed().order_by("-finished_at")[:limit])


def jobs_counts() -> dict[str, int]:
    counts = {"READY": 0, "RUNNING": 0, "SUCCESSFUL": 0, "FAILED": 0}
    for row in DBTaskResult.objects.values("status").order_by():
        counts[row["status"]] = counts.get(row["status"], 0) + 1
    return counts


def scheduled_runs():
    return list(ScheduledRun.objects.order_by("job"))
