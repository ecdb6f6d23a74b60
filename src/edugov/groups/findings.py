"""The groups app's finding source for rectification: a unification of a group (八个统一) with no
activity in the last finished term. The unit is the lead school, which runs the group; one item per
group, term and unification (stable cause keys)."""

from __future__ import annotations

from collections.abc import Iterator

from edugov.accounts.models import Department
from edugov.rectification.findings import Finding, FindingContext, Unit, register_finding_source

from .models import SchoolGroup
from .selectors import unification_rows
from .services import term_label, term_of

NO_ACTIVITY = "groups.unification_without_activity"


def previous_term(term: str) -> str:
    start, _end, half = term.split("-")
    if half == "2":
        return f"{start}-{int(start) + 1}-1"
    return f"{int(start) - 1}-{start}-2"


def unifications_without_activity(ctx: FindingContext) -> Iterator[Finding]:
    term = previous_term(term_of(ctx.now.date()))
    groups = SchoolGroup.objects.select_related("lead_school", "lead_school__area").filter(
        end_date__isnull=True
    )
    if ctx.area is not None:
        groups = groups.filter(lead_school__area__path__startswith=ctx.area.path)
    for group in groups:
        if group.start_date > ctx.now.date():
            continue
        for row in unification_rows(group, term):
            if row.activities:
                continue
            yield Finding(
                cause_key=f"{NO_ACTIVITY}:{group.pk}:{term}:{row.code}",
                source=NO_ACTIVITY,
                unit=Unit.school(group.lead_school_id),
                title=f"{group.name}{term_label(term)}“{row.label}”无活动记录",
                evidence=(
                    f"{group.name}（牵头学校{group.lead_school.name}）{term_label(term)}"
                    f"{'有工作计划但' if row.plan else '既无工作计划也'}没有登记任何“{row.label}”活动。"
                ),
                severity="low" if row.plan else "medium",
                required_action=f"由牵头学校组织落实“{row.label}”，登记活动并上传佐证，下一学期内补齐。",
                department=Department.BASIC_EDUCATION,
                deadline_days=60,
                data={"group": group.pk, "term": term, "unification": row.code, "has_plan": bool(row.plan)},
            )


def register() -> None:
    register_finding_source(NO_ACTIVITY, unifications_without_activity, label="集团“八个统一”无活动")
