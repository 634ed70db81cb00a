"""Background tasks of the residence work lists, scheduled daily (worker/schedule.py)."""

from __future__ import annotations

from django_tasks import task

from safecommune.residents.residence.services import residence_reminders_raise


@task()
def residence_reminders_task() -> dict:
    """Raise today's reminders: temporary terms expiring soon, absences past their return,
    households without a head, late stay notifications not yet reviewed."""
    return residence_reminders_raise()
