"""Reads for the administrator's page: each job with its schedule and last run, and recent runs."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db.models import Max, QuerySet
from django.utils import timezone

from .models import JobLock, JobRun
from .registry import periodic_jobs


@dataclass(frozen=True)
class JobStatus:
    name: str
    label: str
    description: str
    schedule: str
    last_run: JobRun | None
    next_run_at: dt.datetime | None  # None: owed now (runs when the scheduler starts)
    running: bool


def last_started_by_job() -> dict[str, dt.datetime]:
    return dict(JobRun.objects.values("job").annotate(last=Max("started_at")).values_list("job", "last"))


def job_status_list(*, now: dt.datetime | None = None) -> list[JobStatus]:
    """Every registered job, in registration order; three queries whatever the number of jobs."""
    now = now or timezone.now()
    jobs = periodic_jobs()
    latest_ids = JobRun.objects.values("job").annotate(last=Max("id")).values_list("last", flat=True)
    last_runs = {r.job: r for r in JobRun.objects.filter(pk__in=list(latest_ids))}
    locked = set(JobLock.objects.filter(locked_until__gte=now).values_list("job", flat=True))
    rows = []
    for job in jobs:
        last = last_runs.get(job.name)
        due = job.schedule.due(last_started=last.started_at if last else None, now=now)
        rows.append(
            JobStatus(
                name=job.name,
                label=job.label,
                description=job.description,
                schedule=job.schedule.label,
                last_run=last,
                next_run_at=None if due or last is None else job.schedule.next_after(last.started_at),
                running=job.name in locked,
            )
        )
    return rows


def job_run_list(*, job: str = "", limit: int = 30) -> QuerySet[JobRun]:
    qs = JobRun.objects.select_related("requested_by")
    if job:
        qs = qs.filter(job=job)
    return qs[:limit]
