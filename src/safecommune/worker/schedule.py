"""Periodic jobs: APScheduler cron triggers (local time) that enqueue django-tasks tasks.

Each domain adds its jobs to ``JOBS``; ``safecommune worker`` runs the scheduler in a thread
beside the database worker. Run the scheduler in one worker only (``--no-scheduler`` for more).
"""

from __future__ import annotations

import logging
from dataclasses import dataclass

from apscheduler.schedulers.background import BackgroundScheduler
from apscheduler.triggers.cron import CronTrigger
from django.conf import settings
from django.db import close_old_connections
from django.utils import timezone
from django.utils.module_loading import import_string

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class Job:
    name: str
    task: str  # dotted path to a django-tasks Task
    cron: str  # crontab expression, local time


JOBS: list[Job] = [
    Job("heartbeat", "safecommune.worker.tasks.heartbeat", "*/5 * * * *"),
    Job("prune-task-results", "safecommune.worker.tasks.prune_task_results", "30 3 * * *"),
    Job("prune-idempotent-responses", "safecommune.idempotency.tasks.prune_stored_responses",
        "45 * * * *"),
    Job("audit-sign-heads", "safecommune.core.tasks.audit_sign_heads_task", "*/10 * * * *"),
    Job("residence-reminders", "safecommune.residents.residence.tasks.residence_reminders_task",
        "15 5 * * *"),
    Job("tip-forward-alerts", "safecommune.reports.tasks.tip_forward_alerts_task", "*/15 * * * *"),
]


def enqueue_job(job: Job) -> str:
    """Enqueue one run of a periodic job and note it; returns the task result id."""
    from safecommune.worker.models import ScheduledRun

    close_old_connections()
    try:
        result = import_string(job.task).enqueue()
        ScheduledRun.objects.update_or_create(
            job=job.name, defaults={"last_enqueued_at": timezone.now(),
                                    "last_task_id": str(result.id)})
        return str(result.id)
    finally:
        close_old_connections()


def build_scheduler(jobs: list[Job] | None = None) -> BackgroundScheduler:
    scheduler = BackgroundScheduler(timezone=settings.TIME_ZONE)
    for job in jobs if jobs is not None else JOBS:
        scheduler.add_job(enqueue_job, CronTrigger.from_crontab(job.cron, timezone=settings.TIME_ZONE),
                          args=[job], id=job.name, name=job.name, coalesce=True,
                          max_instances=1, misfire_grace_time=300)
    return scheduler
