"""The registry of periodic jobs. A module declares its jobs in a `jobs.py` (imported at start by
SchedulerConfig.ready), so a new module adds its own without editing the scheduler."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass

from django.core.exceptions import ImproperlyConfigured
from django.utils import timezone


@dataclass(frozen=True)
class JobContext:
    """What a job is given: the moment the run started (the job's 'now')."""

    now: dt.datetime


@dataclass(frozen=True)
class Schedule:
    """Every `minutes` minutes, or once a day at `daily_at` (local time, settings.TIME_ZONE)."""

    minutes: int | None = None
    daily_at: dt.time | None = None

    def __post_init__(self) -> None:
        if (self.minutes is None) == (self.daily_at is None):
            raise ImproperlyConfigured("a schedule is either every N minutes or daily at a time")
        if self.minutes is not None and self.minutes < 1:
            raise ImproperlyConfigured("a schedule's interval is at least one minute")

    @property
    def label(self) -> str:
        if self.minutes is not None:
            if self.minutes % 60 == 0:
                return f"每{self.minutes // 60}小时" if self.minutes > 60 else "每小时"
            return f"每{self.minutes}分钟"
        assert self.daily_at is not None
        return f"每天 {self.daily_at:%H:%M}"

    def next_after(self, moment: dt.datetime) -> dt.datetime:
        """The first scheduled time strictly after `moment`."""
        if self.minutes is not None:
            return moment + dt.timedelta(minutes=self.minutes)
        assert self.daily_at is not None
        local = timezone.localtime(moment)
        candidate = dt.datetime.combine(local.date(), self.daily_at, tzinfo=local.tzinfo)
        if candidate <= local:
            candidate = dt.datetime.combine(
                local.date() + dt.timedelta(days=1), self.daily_at, tzinfo=local.tzinfo
            )
        return candidate

    def due(self, *, last_started: dt.datetime | None, now: dt.datetime) -> bool:
        """Whether a run is owed: never run, or a scheduled time passed since the last run began."""
        return last_started is None or self.next_after(last_started) <= now


@dataclass(frozen=True)
class PeriodicJob:
    name: str  # "<app>.<job>", stable: runs are recorded under it
    label: str  # Chinese, for the administrator's page
    schedule: Schedule
    fn: Callable[[JobContext], str]  # calls services only; returns a short Chinese summary
    description: str = ""
    # How long a run may hold the job's lock before another process may take it over (a run
    # whose process died must not block the job for ever).
    lease_seconds: int = 3600


_JOBS: dict[str, PeriodicJob] = {}


def register_job(job: PeriodicJob) -> PeriodicJob:
    existing = _JOBS.get(job.name)
    if existing is not None and existing.fn is not job.fn:
        raise ImproperlyConfigured(f"periodic job {job.name!r} is registered twice")
    _JOBS[job.name] = job
    return job


def unregister_job(name: str) -> None:
    """For tests that register a job of their own."""
    _JOBS.pop(name, None)


def periodic_jobs() -> list[PeriodicJob]:
    """In registration order (app order, then the order within each `jobs.py`)."""
    return list(_JOBS.values())


def get_job(name: str) -> PeriodicJob | None:
    return _JOBS.get(name)
