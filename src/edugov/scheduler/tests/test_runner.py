"""The scheduler process: every registered job on its trigger, and a run at start for those owed one."""

from __future__ import annotations

import datetime as dt
import io

import pytest
from apscheduler.triggers.cron import CronTrigger
from apscheduler.triggers.interval import IntervalTrigger
from django.core.management import call_command
from django.utils import timezone

from edugov.scheduler.models import JobRun, JobTrigger
from edugov.scheduler.registry import Schedule, periodic_jobs
from edugov.scheduler.runner import STARTUP_ID, build_scheduler, schedule_trigger

from .conftest import TEST_JOB

pytestmark = pytest.mark.django_db


def _scheduled(now: dt.datetime) -> tuple[set[str], list[str]]:
    """The job ids on a schedule, and the jobs run at start (in order)."""
    jobs = build_scheduler(now=now).get_jobs()
    startup = [j for j in jobs if j.id == STARTUP_ID]
    return {j.id for j in jobs if j.id != STARTUP_ID}, (startup[0].args[0] if startup else [])


def test_jobs_never_run_run_once_at_start_and_then_on_schedule(sample_job):
    sample_job(lambda ctx: "")
    # Half past a minute: a daily job's time (HH:MM:00) never falls between the runs a second ago
    # and now (run at 20:00:10 with the runs a minute back, the 20:00 job was owed again).
    now = timezone.now().replace(second=30, microsecond=0)
    names = [j.name for j in periodic_jobs()]
    assert _scheduled(now) == (set(names), names)  # all owed, in registration order
    for name in names:  # all ran a second ago: nothing is owed
        JobRun.objects.create(job=name, trigger=JobTrigger.SCHEDULE, started_at=now - dt.timedelta(seconds=1))
    assert _scheduled(now) == (set(names), [])
    # the sample job (every 15 minutes) last ran 20 minutes ago: it missed its time
    JobRun.objects.filter(job=TEST_JOB).update(started_at=now - dt.timedelta(minutes=20))
    assert _scheduled(now) == (set(names), [TEST_JOB])


def test_triggers_follow_the_schedule_and_an_interval_continues_from_the_last_run():
    now = timezone.now()
    daily = schedule_trigger(Schedule(daily_at=dt.time(2, 0)), last_started=None, now=now)
    assert isinstance(daily, CronTrigger)
    hourly = schedule_trigger(Schedule(minutes=60), last_started=now - dt.timedelta(minutes=20), now=now)
    assert isinstance(hourly, IntervalTrigger)
    assert hourly.get_next_fire_time(None, now) == now + dt.timedelta(minutes=40)
    owed = schedule_trigger(Schedule(minutes=60), last_started=None, now=now)
    assert owed.get_next_fire_time(None, now) == now + dt.timedelta(minutes=60)  # the start run covers now


def test_scheduler_once_runs_what_is_owed_and_nothing_twice():
    out = io.StringIO()
    call_command("scheduler", once=True, stdout=out)
    assert JobRun.objects.count() == len(periodic_jobs())
    assert set(JobRun.objects.values_list("trigger", flat=True)) == {JobTrigger.STARTUP}
    assert "问题发现与整改事项同步" in out.getvalue()
    call_command("scheduler", once=True, stdout=io.StringIO())
    assert JobRun.objects.count() == len(periodic_jobs())
