"""Running a periodic job: take the job's lock, record the run, call the job, record the outcome.

A run is not one transaction: the job's services commit their own work, and the run row is
visible (as 运行中) while the job runs."""

from __future__ import annotations

import datetime as dt
import logging
import os
import socket
import time
import traceback

from django.db import transaction
from django.db.models import Max, Q
from django.utils import timezone

from edugov.accounts.models import User
from edugov.accounts.policy import ensure_can
from edugov.audit.context import acting
from edugov.audit.models import AuditSource
from edugov.audit.services import audit_create
from edugov.common.errors import DomainError

from .errors import SchedulerError
from .models import JobLock, JobOutcome, JobRun, JobTrigger
from .registry import JobContext, PeriodicJob, get_job

logger = logging.getLogger(__name__)

MESSAGE_MAX = 500
ERROR_MAX = 8000
DUE_SLACK = dt.timedelta(seconds=60)


def process_holder() -> str:
    """This process, as a lock holder: host and process id."""
    return f"{socket.gethostname()[:80]}:{os.getpid()}"


def job_lock_acquire(*, job: str, holder: str, seconds: int, now: dt.datetime | None = None) -> bool:
    """Take the job's lease if it is free or expired. One conditional UPDATE: on PostgreSQL the
    row lock serialises contenders and the loser sees the new lease; on SQLite the write lock does."""
    now = now or timezone.now()
    JobLock.objects.get_or_create(job=job)
    free = Q(locked_until__isnull=True) | Q(locked_until__lt=now)
    taken = JobLock.objects.filter(free, job=job).update(
        holder=holder, locked_until=now + dt.timedelta(seconds=seconds)
    )
    return taken == 1


def job_lock_release(*, job: str, holder: str) -> None:
    JobLock.objects.filter(job=job, holder=holder).update(holder="", locked_until=None)


def job_locks_release_dead(*, host: str | None = None) -> int:
    """Free the locks held by processes of this host that no longer exist (a scheduler killed in
    the middle of a run), so a restart need not wait for the lease to expire."""
    host = host or socket.gethostname()[:80]
    freed = 0
    for lock in JobLock.objects.filter(locked_until__isnull=False, holder__startswith=f"{host}:"):
        pid = lock.holder.rsplit(":", 1)[1]
        if pid.isdigit() and not _pid_alive(int(pid)):
            freed += JobLock.objects.filter(job=lock.job, holder=lock.holder).update(
                holder="", locked_until=None
            )
    return freed


def _pid_alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def job_run(
    *,
    name: str,
    trigger: str,
    actor: User | None = None,
    now: dt.datetime | None = None,
    only_if_due: bool = False,
) -> JobRun | None:
    """Run one registered job now, unless a run of it is under way (then None). With `only_if_due`
    (the scheduler's runs) also skip it if another process ran it since it fell due, so two
    schedulers run each scheduled time once, not once each."""
    job = get_job(name)
    if job is None:
        raise DomainError(SchedulerError.UNKNOWN_JOB, job=name[:100])
    holder = process_holder()
    started = timezone.now()
    if not job_lock_acquire(job=name, holder=holder, seconds=job.lease_seconds, now=started):
        logger.info("periodic job %s is already running; skipped", name)
        return None
    try:
        if only_if_due and not _still_due(job=job, now=started):
            logger.info("periodic job %s ran elsewhere since it fell due; skipped", name)
            return None
        # Holding the lock, no other run of this job can be under way: a row still 运行中 is a
        # run whose process died.
        JobRun.objects.filter(job=name, outcome=JobOutcome.RUNNING).update(
            outcome=JobOutcome.FAILED, finished_at=started, message="运行中断：运行进程已退出"
        )
        run = JobRun.objects.create(
            job=name, trigger=trigger, started_at=started, requested_by=actor, holder=holder
        )
        _execute(job=job, run=run, actor=actor, now=now or started)
    finally:
        job_lock_release(job=name, holder=holder)
    return run


def _still_due(*, job: PeriodicJob, now: dt.datetime) -> bool:
    last = JobRun.objects.filter(job=job.name).aggregate(last=Max("started_at"))["last"]
    # The slack covers a scheduler's own previous run: it started a moment after its fire time.
    return job.schedule.due(last_started=last, now=now + DUE_SLACK)


def _execute(*, job: PeriodicJob, run: JobRun, actor: User | None, now: dt.datetime) -> None:
    t0 = time.perf_counter()
    with acting(actor=actor, source=AuditSource.TASK):
        try:
            message = job.fn(JobContext(now=now))
            run.outcome, run.error = JobOutcome.OK, ""
        except Exception as exc:  # a failing job is recorded, never fatal to the scheduler
            logger.exception("periodic job %s failed", job.name)
            message = f"运行失败：{type(exc).__name__}: {exc}"
            run.outcome, run.error = JobOutcome.FAILED, traceback.format_exc()[-ERROR_MAX:]
        run.message = str(message)[:MESSAGE_MAX]
        run.finished_at = timezone.now()
        run.duration_seconds = round(time.perf_counter() - t0, 3)
        with transaction.atomic():
            run.save(update_fields=["outcome", "error", "message", "finished_at", "duration_seconds"])
            audit_create(instance=run)


def job_run_request(*, actor: User, name: str) -> None:
    """The administrator's "run now": checked here, run by the task worker after commit."""
    ensure_can(actor, "scheduler.run")
    if get_job(name) is None:
        raise DomainError(SchedulerError.UNKNOWN_JOB, job=name[:100])
    if JobLock.objects.filter(job=name, locked_until__gte=timezone.now()).exists():
        raise DomainError(SchedulerError.JOB_RUNNING)
    from .tasks import job_run_task

    transaction.on_commit(lambda: job_run_task.enqueue(name, JobTrigger.MANUAL, actor.pk))
