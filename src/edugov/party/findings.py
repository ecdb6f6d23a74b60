"""The party app's finding source for rectification: once the deadline of the district's latest
target has passed, one item per primary or secondary school not yet under principal responsibility
under party leadership."""

from __future__ import annotations

from collections.abc import Iterator

from edugov.accounts.models import Department
from edugov.rectification.findings import Finding, FindingContext, Unit, register_finding_source
from edugov.registry.models import School

from .models import CoverageTarget, PartyStatus
from .selectors import SCHOOL_TYPES

NOT_COVERED = "party.not_covered_by_deadline"


def not_covered(ctx: FindingContext) -> Iterator[Finding]:
    today = ctx.now.date()
    passed = CoverageTarget.objects.select_related("area").filter(deadline__lt=today)
    if ctx.area is not None:
        passed = passed.filter(area__path__startswith=ctx.area.path) | passed.filter(
            area__path__in=[ctx.area.path]
        )
    # per district, the latest target whose deadline has passed (a year-end deadline is judged
    # from the next day on, into the new year, until the schools are covered)
    latest: dict[int, CoverageTarget] = {}
    for target in passed.order_by("area_id", "-deadline"):
        latest.setdefault(target.area_id, target)
    for target in latest.values():
        schools = School.objects.filter(
            area__path__startswith=target.area.path,
            archived_at__isnull=True,
            is_teaching_point=False,
            school_type__in=SCHOOL_TYPES,
        )
        if ctx.area is not None:
            schools = schools.filter(area__path__startswith=ctx.area.path)
        statuses = {s.school_id: s for s in PartyStatus.objects.filter(school__in=schools)}
        for school in schools.order_by("pk"):
            st = statuses.get(school.pk)
            if st is not None and st.covered:
                continue
            missing = (
                ["党组织未建立"]
                if st is None or st.org_kind == "none"
                else [
                    *([] if st.rules_adopted else ["未制定党组织会议议事规则"]),
                    *([] if st.office_rules_adopted else ["未制定校长办公会议议事规则"]),
                ]
            )
            yield Finding(
                cause_key=f"{NOT_COVERED}:{school.pk}:{target.year}",
                source=NOT_COVERED,
                unit=Unit.school(school.pk),
                title=f"{school.name}未按期实行党组织领导的校长负责制",
                evidence=f"完成期限{target.deadline:%Y年%m月%d日}已过，{school.name}：{'、'.join(missing)}。",
                severity="medium",
                required_action="建立健全党组织，制定党组织会议和校长办公会议议事规则并按规则运行，报人事科备案。",
                department=Department.PERSONNEL,
                deadline_days=30,
                data={"year": target.year, "missing": missing},
            )


def register() -> None:
    register_finding_source(NOT_COVERED, not_covered, label="未按期实行党组织领导的校长负责制")
