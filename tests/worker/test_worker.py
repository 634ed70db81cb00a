"""Background work: tasks in django_tasks_db, the worker command, pruning, the schedule, the jobs
page."""

from __future__ import annotations

import signal
import time
from datetime import timedelta
from io import StringIO

import pytest
from apscheduler.triggers.cron import CronTrigger
from django.core.management import call_command
from django.test import Client
from django.utils import timezone
from django.utils.module_loading import import_string
from django_tasks import task
from django_tasks_db.models import DBTaskResult

from safecommune.worker import schedule, tasks
from safecommune.worker.models import ScheduledRun


class HeartbeatLost(Exception):
    pass


@task()
def explode() -> None:
    raise HeartbeatLost("the worker must record this")


@pytest.fixture
def in_test_transaction(monkeypatch):
    """Let the worker and the scheduler run inside the test's transaction.

    They call close_old_connections() between tasks, as a long-running process must; inside a
    test transaction on PostgreSQL that would close the very connection the test runs in.
    """
    import django_tasks_db.management.commands.db_worker as db_worker

    monkeypatch.setattr(db_worker, "close_old_connections", lambda: None)
    monkeypatch.setattr(schedule, "close_old_connections", lambda: None)


@pytest.fixture
def run_worker(db, in_test_transaction):
    """Run ``safecommune worker --batch`` in-process; restore the signal handlers it installs."""
    signals = [s for s in (signal.SIGINT, signal.SIGTERM, getattr(signal, "SIGQUIT", None)) if s]
    saved = {s: signal.getsignal(s) for s in signals}

    def run() -> str:
        out = StringIO()
        call_command("worker", batch=True, interval=0, stdout=out, stderr=StringIO())
        return out.getvalue()

    yield run
    for number, handler in saved.items():
        signal.signal(number, handler)


def finished(result_id) -> DBTaskResult:
    return DBTaskResult.objects.get(id=result_id)


def test_enqueued_tasks_wait_as_database_rows(db):
    before = DBTaskResult.objects.count()

    result = tasks.heartbeat.enqueue()

    row = DBTaskResult.objects.get(id=result.id)
    assert DBTaskResult.objects.count() == before + 1
    assert row.status == "READY"
    assert row.task_path == "safecommune.worker.tasks.heartbeat"


def test_worker_batch_runs_the_waiting_tasks(run_worker):
    heartbeat = tasks.heartbeat.enqueue()
    prune = tasks.prune_task_results.enqueue()

    run_worker()

    assert finished(heartbeat.id).status == "SUCCESSFUL"
    assert finished(prune.id).status == "SUCCESSFUL"
    assert finished(prune.id).return_value == {"successful_deleted": 0, "failed_deleted": 0}
    assert not DBTaskResult.objects.ready().exists()


def test_worker_records_a_failed_task_and_goes_on(run_worker):
    failing = explode.enqueue()
    heartbeat = tasks.heartbeat.enqueue()

    run_worker()

    row = finished(failing.id)
    assert row.status == "FAILED"
    assert row.exception_class_path == f"{__name__}.HeartbeatLost"
    assert "the worker must record this" in row.traceback
    assert finished(heartbeat.id).status == "SUCCESSFUL"


def test_worker_batch_with_nothing_to_do_returns_at_once(run_worker):
    started = time.monotonic()
    run_worker()
    assert time.monotonic() - started < 5


def age(result_id, days: float) -> None:
    DBTaskResult.objects.filter(id=result_id).update(
        finished_at=timezone.now() - timedelta(days=days))


def test_prune_deletes_old_results_and_keeps_recent_and_failed(run_worker):
    # Given successful results 31, 29 and 0 days old, and failed ones 91 and 60 days old
    ok_old, ok_month, ok_new = (tasks.heartbeat.enqueue() for _ in range(3))
    failed_old, failed_recent = explode.enqueue(), explode.enqueue()
    run_worker()
    age(ok_old.id, 31)
    age(ok_month.id, 29)
    age(failed_old.id, 91)
    age(failed_recent.id, 60)

    outcome = tasks.prune_task_results.call()

    assert outcome == {"successful_deleted": 1, "failed_deleted": 1}
    left = set(DBTaskResult.objects.values_list("id", flat=True))
    assert {str(r.id) for r in (ok_month, ok_new, failed_recent)} <= {str(i) for i in left}
    assert not {str(r.id) for r in (ok_old, failed_old)} & {str(i) for i in left}


def test_prune_leaves_waiting_tasks_alone(run_worker):
    waiting = tasks.heartbeat.enqueue()
    DBTaskResult.objects.filter(id=waiting.id).update(
        enqueued_at=timezone.now() - timedelta(days=400))

    tasks.prune_task_results.call()

    assert finished(waiting.id).status == "READY"


# --- schedule ------------------------------------------------------------------------------

def test_scheduler_registers_every_job_with_its_cron_trigger():
    scheduler = schedule.build_scheduler()

    jobs = {job.id: job for job in scheduler.get_jobs()}

    assert set(jobs) == {job.name for job in schedule.JOBS}
    assert not scheduler.running
    for spec in schedule.JOBS:
        trigger = jobs[spec.name].trigger
        assert isinstance(trigger, CronTrigger)
        assert str(trigger.timezone) == "Asia/Ho_Chi_Minh"
        expected = CronTrigger.from_crontab(spec.cron, timezone="Asia/Ho_Chi_Minh")
        assert str(trigger) == str(expected)
        assert jobs[spec.name].args == (spec,)


def test_every_job_names_a_real_task():
    for spec in schedule.JOBS:
        assert callable(import_string(spec.task).enqueue), spec.task


def test_prune_runs_nightly_and_heartbeat_every_five_minutes():
    crons = {job.name: job.cron for job in schedule.JOBS}
    assert crons["prune-task-results"] == "30 3 * * *"
    assert crons["heartbeat"] == "*/5 * * * *"


def test_enqueue_job_queues_the_task_and_notes_the_run(db, in_test_transaction):
    job = next(j for j in schedule.JOBS if j.name == "heartbeat")

    first = schedule.enqueue_job(job)
    second = schedule.enqueue_job(job)

    run = ScheduledRun.objects.get(job="heartbeat")
    assert ScheduledRun.objects.filter(job="heartbeat").count() == 1
    assert run.last_task_id == second != first
    assert DBTaskResult.objects.filter(id__in=[first, second], status="READY").count() == 2
    assert timezone.now() - run.last_enqueued_at < timedelta(minutes=1)


# --- the jobs page -------------------------------------------------------------------------

@pytest.fixture
def english(db):
    client = Client()
    client.cookies["safecommune_language"] = "en"
    return client


def test_jobs_page_sends_anonymous_visitors_to_sign_in(english):
    response = english.get("/staff/jobs/")
    assert response.status_code == 302
    assert "login" in response["Location"] and "next=/staff/jobs/" in response["Location"]


def test_jobs_page_sends_non_staff_to_sign_in(english, plain_user):
    english.force_login(plain_user)
    response = english.get("/staff/jobs/")
    assert response.status_code == 302 and "login" in response["Location"]


def test_jobs_page_shows_staff_the_counts_and_failed_jobs(english, staff_user, settings,
                                                          run_worker):
    settings.SAFECOMMUNE_STAFF_2FA = False  # the second factor is not what is tested here
    explode.enqueue()
    tasks.heartbeat.enqueue()
    run_worker()
    tasks.heartbeat.enqueue()
    english.force_login(staff_user)

    response = english.get("/staff/jobs/")

    html = response.content.decode()
    assert response.status_code == 200
    assert f"{__name__}.HeartbeatLost" in html
    assert "the worker must record this" in html
    counts = response.context["counts"]
    assert (counts["READY"], counts["SUCCESSFUL"], counts["FAILED"]) == (1, 1, 1)
    for job in schedule.JOBS:
        assert job.name in html and job.cron in html
