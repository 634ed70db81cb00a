"""``safecommune worker``: the database task worker plus the periodic-job scheduler."""

from __future__ import annotations

from django.core.management import call_command
from django.core.management.base import BaseCommand

from safecommune.worker.schedule import JOBS, build_scheduler


class Command(BaseCommand):
    help = "Run background tasks and enqueue periodic jobs on their cron schedule."

    def add_arguments(self, parser):
        parser.add_argument("--no-scheduler", action="store_true",
                            help="Only run tasks; another worker enqueues periodic jobs.")
        parser.add_argument("--batch", action="store_true",
                            help="Run the outstanding tasks, then exit (no scheduler).")
        parser.add_argument("--interval", type=float, default=1.0)

    def handle(self, *args, no_scheduler=False, batch=False, interval=1.0, **options):
        scheduler = None
        if not (no_scheduler or batch):
            scheduler = build_scheduler()
            scheduler.start()
            self.stdout.write(f"Scheduler started with {len(JOBS)} periodic jobs.")
        try:
            worker_options = {"queue_name": "*", "interval": interval, "reload": False,
                              "verbosity": options["verbosity"]}
            if batch:
                worker_options["batch"] = True
            call_command("db_worker", **worker_options)
        finally:
            if scheduler is not None:
                scheduler.shutdown(wait=False)
