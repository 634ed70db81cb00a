from __future__ import annotations

from django.contrib.admin.views.decorators import staff_member_required
from django.shortcuts import render

from safecommune.worker import selectors
from safecommune.worker.schedule import JOBS


@staff_member_required
def jobs(request):
    runs = {run.job: run for run in selectors.scheduled_runs()}
    return render(request, "worker/jobs.html", {
        "counts": selectors.jobs_counts(),
        "recent": selectors.jobs_recent(),
        "failed": selectors.jobs_failed(),
        "schedule": [(job, runs.get(job.name)) for job in JOBS],
    })
