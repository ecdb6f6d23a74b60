"""Tutoring's periodic job: every institution's prepaid-fee risk recomputed each night."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

from edugov.common.dates import cn_date
from edugov.scheduler.registry import JobContext, PeriodicJob, Schedule, register_job


def risk_compute_job(ctx: JobContext) -> str:
    from .services import risk_compute

    on = timezone.localdate(ctx.now)
    n = risk_compute(on=on)
    return f"{cn_date(on)}：已重新计算{n}家机构的预收费风险"


register_job(
    PeriodicJob(
        name="tutoring.risk_compute",
        label="校外培训机构预收费风险重算",
        description="重新计算当日各机构的预收费风险评分，并发出风险预警",
        schedule=Schedule(daily_at=dt.time(2, 0)),
        fn=risk_compute_job,
    )
)
