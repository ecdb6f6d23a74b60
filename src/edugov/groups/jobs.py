"""The groups module's periodic job: the stored effect of every group whose sources changed (the
registry, 优质均衡 conditions, assessments, fitness, teacher records of its district, its own
membership), or that a new school year or new standards made out of date, computed again."""

from __future__ import annotations

from edugov.scheduler.registry import JobContext, PeriodicJob, Schedule, register_job


def effect_refresh_job(ctx: JobContext) -> str:
    from .services.effect import effect_mark_changed, effect_refresh

    marked = effect_mark_changed(now=ctx.now)
    n = effect_refresh()
    return f"数据有变化的集团{marked}个，已重新计算{n}个集团的办学成效"


register_job(
    PeriodicJob(
        name="groups.effect_refresh",
        label="集团办学成效重算",
        description="成员校、学校办学条件、测评、体质健康或教师数据有变化的集团，重新计算成员校与牵头学校的差距",
        schedule=Schedule(minutes=30),
        fn=effect_refresh_job,
    )
)
