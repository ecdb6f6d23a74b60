"""The finding source that turns overdue milestones into rectification items (registered on import)."""

from __future__ import annotations

from collections.abc import Iterator

from django.utils import timezone

from ..findings import Finding, FindingContext, Unit, register_finding_source
from ..models import ItemSource, Milestone, Severity

MILESTONE_OVERDUE = "rectification.milestone_overdue"

# Finding source: overdue milestones become rectification items -------------------------------------


def overdue_milestones(ctx: FindingContext) -> Iterator[Finding]:
    today = timezone.localtime(ctx.now).date()
    qs = Milestone.objects.filter(progress__lt=100, deadline__lt=today).select_related("task", "task__goal")
    if ctx.area is not None:
        qs = qs.filter(task__area__path__startswith=ctx.area.path)
    for m in qs.order_by("pk"):
        t = m.task
        unit = Unit.school(t.school_id) if t.school_id else Unit.area(t.area_id)
        days = (today - m.deadline).days
        yield Finding(
            cause_key=f"{MILESTONE_OVERDUE}:{m.pk}",
            source=MILESTONE_OVERDUE,
            unit=unit,
            title=f"重点任务节点逾期：{t.title[:80]}—{m.title[:80]}",
            evidence=(
                f"{t.goal.title}／{t.code}{t.title}：节点“{m.title}”期限{m.deadline:%Y-%m-%d}，"
                f"已逾期{days}天，当前进度{m.progress}%。责任人：{m.owner_name or t.owner_name or '未指定'}。"
            ),
            severity=Severity.HIGH if days > 30 else Severity.MEDIUM,
            required_action="说明逾期原因，制定赶进度措施并明确新的完成时间，完成后上传佐证材料。",
            department=t.department,
            deadline_days=15,
            data={"task_id": t.pk, "milestone_id": m.pk, "progress": m.progress, "days_overdue": days},
        )


register_finding_source(
    MILESTONE_OVERDUE, overdue_milestones, label="重点任务节点逾期", item_source=ItemSource.TASK
)
