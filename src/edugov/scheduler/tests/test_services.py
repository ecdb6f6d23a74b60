"""Running a job: the run is recorded with its outcome, audited, and never overlaps another run."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from edugov.audit.models import AuditEvent
from edugov.scheduler import services
from edugov.scheduler.models import JobLock, JobOutcome, JobRun, JobTrigger
from edugov.scheduler.registry import JobContext

from .conftest import TEST_JOB

pytestmark = pytest.mark.django_db


def test_a_successful_run_is_recorded_with_its_summary_and_audited(sample_job):
    seen: list[dt.datetime] = []

    def job(ctx: JobContext) -> str:
        seen.append(ctx.now)
        return "处理3项"

    sample_job(job)
    run = services.job_run(name=TEST_JOB, trigger=JobTrigger.SCHEDULE)
    assert run is not None
    run.refresh_from_db()
    assert (run.outcome, run.message, run.error) == (JobOutcome.OK, "处理3项", "")
    assert run.finished_at is not None and run.finished_at >= run.started_at
    assert run.duration_seconds is not None
    assert seen == [run.started_at]
    event = AuditEvent.objects.get(model="scheduler.JobRun", object_id=str(run.pk))
    assert event.source == "task" and event.changes["after"]["outcome"] == "ok"
    assert JobLock.objects.get(job=TEST_JOB).locked_until is None  # released


def test_a_failed_run_is_recorded_with_the_error_and_the_scheduler_goes_on(sample_job):
    def broken(ctx):
        raise ValueError("数据有误")

    sample_job(broken)
    run = services.job_run(name=TEST_JOB, trigger=JobTrigger.MANUAL)
    assert run is not None
    run.refresh_from_db()
    assert run.outcome == JobOutcome.FAILED
    assert run.message == "运行失败：ValueError: 数据有误"
    assert "Traceback" in run.error and "数据有误" in run.error
    assert JobLock.objects.get(job=TEST_JOB).locked_until is None


def test_one_run_at_a_time_per_job(sample_job):
    calls: list[int] = []

    def job(ctx: JobContext) -> str:
        calls.append(1)
        return ""

    sample_job(job)
    now = timezone.now()
    assert services.job_lock_acquire(job=TEST_JOB, holder="other-host:1", seconds=600, now=now)
    # a second process (another scheduler, or the worker's "run now") finds the lock held
    assert not services.job_lock_acquire(job=TEST_JOB, holder="this-host:2", seconds=600, now=now)
    assert services.job_run(name=TEST_JOB, trigger=JobTrigger.SCHEDULE) is None
    assert calls == [] and not JobRun.objects.exists()
    # another holder cannot release it; the holder can
    services.job_lock_release(job=TEST_JOB, holder="this-host:2")
    assert not services.job_lock_acquire(job=TEST_JOB, holder="this-host:2", seconds=600, now=now)
    services.job_lock_release(job=TEST_JOB, holder="other-host:1")
    assert services.job_run(name=TEST_JOB, trigger=JobTrigger.SCHEDULE) is not None
    assert calls == [1]


def test_a_scheduled_run_is_skipped_when_another_scheduler_ran_it_since_it_fell_due(sample_job):
    sample_job(lambda ctx: "好", minutes=60)
    now = timezone.now()
    other = JobRun.objects.create(
        job=TEST_JOB, trigger=JobTrigger.SCHEDULE, started_at=now - dt.timedelta(seconds=5)
    )
    assert services.job_run(name=TEST_JOB, trigger=JobTrigger.SCHEDULE, only_if_due=True) is None
    # its own previous run began a moment after the fire time an hour ago: still due
    JobRun.objects.filter(pk=other.pk).update(started_at=now - dt.timedelta(minutes=59, seconds=50))
    assert services.job_run(name=TEST_JOB, trigger=JobTrigger.SCHEDULE, only_if_due=True) is not None
    # "run now" always runs
    assert services.job_run(name=TEST_JOB, trigger=JobTrigger.MANUAL) is not None
    assert JobLock.objects.get(job=TEST_JOB).locked_until is None


def test_an_expired_lease_is_taken_over_and_the_dead_run_marked_failed(sample_job):
    sample_job(lambda ctx: "好")
    long_ago = timezone.now() - dt.timedelta(hours=3)
    assert services.job_lock_acquire(job=TEST_JOB, holder="gone:1", seconds=3600, now=long_ago)
    dead = JobRun.objects.create(
        job=TEST_JOB, trigger=JobTrigger.SCHEDULE, started_at=long_ago, holder="gone:1"
    )
    run = services.job_run(name=TEST_JOB, trigger=JobTrigger.SCHEDULE)
    assert run is not None and run.outcome == JobOutcome.OK
    dead.refresh_from_db()
    assert dead.outcome == JobOutcome.FAILED and dead.message.startswith("运行中断")


def test_locks_of_dead_processes_on_this_host_are_freed_at_start(sample_job):
    now = timezone.now()
    alive = services.process_holder()
    host = alive.rsplit(":", 1)[0]
    services.job_lock_acquire(job="a", holder=alive, seconds=600, now=now)
    services.job_lock_acquire(job="b", holder=f"{host}:999999999", seconds=600, now=now)
    services.job_lock_acquire(job="c", holder="elsewhere:999999999", seconds=600, now=now)
    assert services.job_locks_release_dead() == 1
    assert set(JobLock.objects.filter(locked_until__isnull=False).values_list("job", flat=True)) == {"a", "c"}


def test_the_registered_jobs_run_on_an_empty_district():
    for name in ("tutoring.risk_compute", "rectification.findings_sync", "rectification.daily_round"):
        run = services.job_run(name=name, trigger=JobTrigger.STARTUP)
        assert run is not None and run.outcome == JobOutcome.OK, run.error if run else name
