"""The scheduler process: APScheduler triggers each registered job on its schedule; jobs that
never ran or missed their time while no scheduler was running run once at start."""

from __future__ import annotations

import datetime as dt
import logging
import zoneinfo

from apscheduler.executors.pool import ThreadPoolExecutor
from apscheduler.schedulers.blocking import BlockingScheduler
from apscheduler.triggers.base import BaseTrigger
from apscheduler.triggers.cron import CronTrigger
from apscheduler.triggers.date import DateTrigger
from apscheduler.triggers.interval import IntervalTrigger
from django.conf import settings
from django.db import close_old_connections

from .models import JobTrigger
from .registry import PeriodicJob, Schedule, periodic_jobs
from .selectors import last_started_by_job
from .services import job_run

logger = logging.getLogger(__name__)

STARTUP_ID = "startup"


def local_zone() -> zoneinfo.ZoneInfo:
    return zoneinfo.ZoneInfo(settings.TIME_ZONE)


def schedule_trigger(
    schedule: Schedule, *, last_started: dt.datetime | None, now: dt.datetime
) -> BaseTrigger:
    """The APScheduler trigger of a schedule. An interval continues from the last run (or from the
    run owed at start), so a restart does not reset the clock."""
    tz = local_zone()
    if schedule.minutes is not None:
        due = schedule.due(last_started=last_started, now=now)
        first = schedule.next_after(now if due or last_started is None else last_started)
        return IntervalTrigger(minutes=schedule.minutes, start_date=first, timezone=tz)
    assert schedule.daily_at is not None
    return CronTrigger(hour=schedule.daily_at.hour, minute=schedule.daily_at.minute, timezone=tz)


def jobs_due(*, now: dt.datetime, jobs: list[PeriodicJob] | None = None) -> list[PeriodicJob]:
    """The jobs owed a run: never run, or a scheduled time passed since their last run began."""
    last = last_started_by_job()
    return [
        j
        for j in (periodic_jobs() if jobs is None else jobs)
        if j.schedule.due(last_started=last.get(j.name), now=now)
    ]


def run_job(name: str, trigger: str, *, thread: bool = True) -> None:
    """What APScheduler calls, in one of its threads: fresh database connections around the run
    (`thread=False` for a run in the calling thread, whose connection is its own business)."""
    if thread:
        close_old_connections()
    try:
        run = job_run(name=name, trigger=trigger, only_if_due=trigger != JobTrigger.MANUAL)
        if run is None:
            logger.info("%s: skipped, a run is under way elsewhere", name)
    except Exception:  # the scheduler keeps going whatever a job does
        logger.exception("%s: the run could not be recorded", name)
    finally:
        if thread:
            close_old_connections()


def run_owed(names: list[str], *, thread: bool = True) -> None:
    for name in names:
        run_job(name, JobTrigger.STARTUP, thread=thread)


def build_scheduler(*, now: dt.datetime, threads: int = 1, startup_runs: bool = True) -> BlockingScheduler:
    scheduler = BlockingScheduler(
        timezone=local_zone(),
        executors={"default": ThreadPoolExecutor(max_workers=threads)},
        # One run at a time per job here (the database lock covers other processes); runs missed
        # while busy collapse into one, however late.
        job_defaults={"coalesce": True, "max_instances": 1, "misfire_grace_time": None},
    )
    jobs = periodic_jobs()
    last = last_started_by_job()
    for job in jobs:
        scheduler.add_job(
            run_job,
            trigger=schedule_trigger(job.schedule, last_started=last.get(job.name), now=now),
            args=[job.name, JobTrigger.SCHEDULE],
            id=job.name,
            name=job.label,
        )
    owed = [j.name for j in jobs_due(now=now, jobs=jobs)] if startup_runs else []
    if owed:
        # One job for all owed runs, so they run in registration order (risk scores before the
        # findings that read them, findings before the escalation of their items).
        scheduler.add_job(
            run_owed,
            trigger=DateTrigger(run_date=now, timezone=local_zone()),
            args=[owed],
            id=STARTUP_ID,
            name="启动时补运行",
        )
    return scheduler
