"""Safety's periodic jobs: each holiday day's reminder sent to every class in the morning through
the configured channel, and in the evening each school told (through the channel) its classes the
head teacher has not confirmed or no parent acknowledged."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

from edugov.scheduler.registry import JobContext, PeriodicJob, Schedule, register_job


def reminders_send_job(ctx: JobContext) -> str:
    from .models import HolidayDay
    from .services import reminders_send

    on = timezone.localdate(ctx.now)
    sent = sum(reminders_send(day=day, now=ctx.now) for day in HolidayDay.objects.filter(date=on))
    return f"{on:%Y-%m-%d}：已向{sent}个班级发送假期安全提醒"


def reminders_missing_job(ctx: JobContext) -> str:
    """The evening round: each school is told, through the channel, its classes whose reminder
    the head teacher has not confirmed or no parent acknowledged today (once per class and day)."""
    from .models import ClassReminder
    from .services import reminders_flag_missing

    on = timezone.localdate(ctx.now)
    schools = reminders_flag_missing(on=on, now=ctx.now)
    missing = ClassReminder.objects.filter(day__date=on, sent_at__isnull=False, acks=0).count()
    return f"{on:%Y-%m-%d}：{missing}个班级尚无家长确认，已提示{schools}所学校"


register_job(
    PeriodicJob(
        name="safety.reminders_send",
        label="假期安全提醒发送",
        description="假期每天早上通过已配置的渠道向各班发送当日安全提醒（附家长确认链接）",
        schedule=Schedule(daily_at=dt.time(7, 30)),
        fn=reminders_send_job,
    )
)
register_job(
    PeriodicJob(
        name="safety.reminders_missing",
        label="假期提醒未确认班级晚间提示",
        description="假期每天晚上把班主任未确认或尚无家长确认的班级通过已配置的渠道提示到所在学校",
        schedule=Schedule(daily_at=dt.time(20, 0)),
        fn=reminders_missing_job,
    )
)
