"""The appraisal app's finding source for rectification: a teaching-routine inspection with items
not passed becomes one item for the school (what failed, the inspector's notes), assigned to the
basic-education office. The cause key is the inspection's, so the recording service and the
periodic run raise the same item once."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator

from edugov.accounts.models import Department
from edugov.rectification.findings import Finding, FindingContext, Unit, register_finding_source

from .models import RoutineInspection

ROUTINE = "appraisal.routine_failed"
LOOKBACK_DAYS = 365


def routine_finding(inspection: RoutineInspection, *, now: dt.datetime) -> Finding | None:
    failed = [
        m for m in inspection.marks.select_related("check_item").order_by("check_item__order") if not m.passed
    ]
    if not failed:
        return None
    school = inspection.school
    total = inspection.marks.count()
    parts = [f"{m.check_item.get_category_display()}：{m.check_item.text}（{m.note}）" for m in failed]
    return Finding(
        cause_key=f"{ROUTINE}:{inspection.pk}",
        source=ROUTINE,
        unit=Unit.school(school.pk),
        title=f"{school.name}教学常规检查{len(failed)}项未达标",
        evidence=(
            f"{inspection.inspected_on:%Y年%m月%d日}教学常规检查{total}项，{len(failed)}项未达标："
            + "；".join(parts)
        )[:2000],
        severity="high" if len(failed) * 3 >= total else "medium",
        required_action="对照检查表逐项整改，完善备课、作业批改、辅导、考试和教研记录，上传整改材料。",
        department=Department.BASIC_EDUCATION,
        deadline_days=30,
        data={"inspection": inspection.pk, "failed": len(failed), "checked": total},
    )


def routine_failures(ctx: FindingContext) -> Iterator[Finding]:
    since = ctx.now.date() - dt.timedelta(days=LOOKBACK_DAYS)
    inspections = RoutineInspection.objects.filter(inspected_on__gte=since, marks__passed=False).distinct()
    if ctx.area is not None:
        inspections = inspections.filter(school__area__path__startswith=ctx.area.path)
    for inspection in inspections.select_related("school").order_by("pk"):
        finding = routine_finding(inspection, now=ctx.now)
        if finding is not None:
            yield finding


def register() -> None:
    register_finding_source(ROUTINE, routine_failures, label="教学常规检查未达标")
