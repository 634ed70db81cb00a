"""Background tasks of the reports app, scheduled in worker/schedule.py."""

from __future__ import annotations

from django_tasks import task

from safecommune.reports.services import tip_forward_alerts_raise


@task()
def tip_forward_alerts_task() -> dict:
    """Raise an alert for every open tip past its deadline to be forwarded."""
    return {"raised": tip_forward_alerts_raise()}
