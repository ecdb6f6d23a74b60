"""Rectification's periodic jobs: findings become items by themselves, overdue items escalate and
the daily digest goes out without anyone running a command."""

from __future__ import annotations

import datetime as dt

from edugov.scheduler.registry import JobContext, PeriodicJob, Schedule, register_job


class FindingsSyncFailed(Exception):
    """Some finding sources failed (the others' items were still brought in line)."""


def findings_sync_job(ctx: JobContext) -> str:
    from . import services
    from .findings import finding_sources

    found = created = reopened = gone = 0
    failed: list[str] = []
    sources = finding_sources()
    for source in sources:
        try:
            r = services.findings_sync(source=source.name, now=ctx.now)
        except Exception as exc:  # one broken rule must not stop the others; each is atomic
            failed.append(f"{source.name}（{type(exc).__name__}: {str(exc)[:80]}）")
            continue
        found, created = found + r.found, created + r.created
        reopened, gone = reopened + r.reopened, gone + r.cause_gone
    summary = (
        f"运行{len(sources)}条规则：发现{found}个问题，新建事项{created}项，"
        f"重新打开{reopened}项，问题已消除{gone}项"
    )
    if failed:
        raise FindingsSyncFailed(f"{summary}；运行失败的规则：{'、'.join(failed)}")
    return summary


def daily_round_job(ctx: JobContext) -> str:
    from . import services

    r = services.daily_round(now=ctx.now)
    return f"逾期升级{r['escalated']}项，到期提醒{r['due_soon']}条，发送汇总邮件{r['emails']}封"


register_job(
    PeriodicJob(
        name="rectification.findings_sync",
        label="问题发现与整改事项同步",
        description="运行全部问题发现规则，新问题生成整改事项，已销号但问题仍在的重新打开",
        schedule=Schedule(minutes=60),
        fn=findings_sync_job,
    )
)
register_job(
    PeriodicJob(
        name="rectification.daily_round",
        label="逾期升级与每日汇总",
        description="逾期事项升级督办，临期事项提醒，向相关人员发送每日汇总邮件",
        schedule=Schedule(daily_at=dt.time(7, 30)),
        fn=daily_round_job,
    )
)
