"""Safety's periodic jobs: each holiday day's reminder sent to every class in the morning through
the configured channel, and in the evening the classes no parent acknowledged counted by school
(the overview and the school page flag them)."""

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
    from .models import ClassReminder

    on = timezone.localdate(ctx.now)
    missing = ClassReminder.objects.filter(day__date=on, acks=0)
    schools = missing.values("school_class__school").distinct().count()
    return f"{on:%Y-%m-%d}：{missing.count()}个班级尚无家长确认，涉及{schools}所学校"


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
        label="假期提醒未确认班级统计",
        description="假期每天晚上统计尚无家长确认的班级，在学校安全页和校园安全总览中标出",
        schedule=Schedule(daily_at=dt.time(20, 0)),
        fn=reminders_missing_job,
    )
)
