"""The job registry and schedules: labels, the next time after a moment, and what is owed."""

from __future__ import annotations

import datetime as dt
import zoneinfo

import pytest
from django.core.exceptions import ImproperlyConfigured

from edugov.scheduler.registry import PeriodicJob, Schedule, get_job, periodic_jobs, register_job

SH = zoneinfo.ZoneInfo("Asia/Shanghai")


def test_each_module_registers_its_jobs_from_its_jobs_module():
    names = [j.name for j in periodic_jobs()]
    # tutoring comes before rectification in INSTALLED_APPS: risk scores first, then findings
    assert names.index("tutoring.risk_compute") < names.index("rectification.findings_sync")
    assert names.index("rectification.findings_sync") < names.index("rectification.daily_round")
    for job in periodic_jobs():
        assert job.label and job.schedule.label


def test_a_name_registered_twice_with_another_function_is_refused():
    job = get_job("rectification.findings_sync")
    assert job is not None
    assert register_job(job) is job  # the same declaration again (app reloads) is harmless
    with pytest.raises(ImproperlyConfigured, match="registered twice"):
        register_job(PeriodicJob(name=job.name, label="x", schedule=job.schedule, fn=lambda ctx: ""))


@pytest.mark.parametrize(
    ("schedule", "label"),
    [
        (Schedule(minutes=15), "每15分钟"),
        (Schedule(minutes=60), "每小时"),
        (Schedule(minutes=180), "每3小时"),
        (Schedule(daily_at=dt.time(7, 30)), "每天 07:30"),
    ],
)
def test_schedule_labels(schedule, label):
    assert schedule.label == label


@pytest.mark.parametrize("kwargs", [{}, {"minutes": 5, "daily_at": dt.time(1)}, {"minutes": 0}])
def test_a_schedule_is_an_interval_or_a_time_of_day(kwargs):
    with pytest.raises(ImproperlyConfigured):
        Schedule(**kwargs)


def test_daily_next_time_is_local_and_strictly_after():
    daily = Schedule(daily_at=dt.time(7, 30))
    before = dt.datetime(2026, 12, 5, 7, 0, tzinfo=SH)
    at = dt.datetime(2026, 12, 5, 7, 30, tzinfo=SH)
    assert daily.next_after(before) == dt.datetime(2026, 12, 5, 7, 30, tzinfo=SH)
    assert daily.next_after(at) == dt.datetime(2026, 12, 6, 7, 30, tzinfo=SH)
    # 23:00 UTC is 07:00 the next morning in Shanghai
    assert daily.next_after(dt.datetime(2026, 12, 4, 23, 0, tzinfo=dt.UTC)) == before.replace(minute=30)


def test_owed_when_never_run_or_a_scheduled_time_passed():
    now = dt.datetime(2026, 12, 5, 9, 0, tzinfo=SH)
    hourly, daily = Schedule(minutes=60), Schedule(daily_at=dt.time(7, 30))
    assert hourly.due(last_started=None, now=now) and daily.due(last_started=None, now=now)
    assert not hourly.due(last_started=now - dt.timedelta(minutes=59), now=now)
    assert hourly.due(last_started=now - dt.timedelta(minutes=60), now=now)
    assert not daily.due(last_started=now.replace(hour=7, minute=31), now=now)
    assert daily.due(last_started=now.replace(hour=7, minute=29), now=now)  # missed 07:30
    assert daily.due(last_started=now - dt.timedelta(days=1), now=now)
