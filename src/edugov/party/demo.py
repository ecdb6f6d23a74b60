"""Demo story of party leadership status: in the first district, 85% of the primary and secondary
schools run under principal responsibility under party leadership; the rest lack an adopted set of
rules or an organisation; large schools have a committee or general branch, small ones a branch,
a few village schools are attached to their central school; about one in ten is a demonstration
school and the covered ones have a brand. Meeting counts for the current term; the target is every
school by the end of the year. Statuses and counts only. Seeded by ctx.rng; bulk-written."""

from __future__ import annotations

import datetime as dt
from typing import Any

from edugov.demo.base import DemoContext, register_generator
from edugov.registry.models import School

from .models import CoverageTarget, MeetingCount, OrgKind, PartyStatus, TutoringPartyCount
from .selectors import SCHOOL_TYPES
from .services import term_of

COVERED_SHARE = 0.85
BRANDS = ["红烛先锋", "初心育人", "党建+书香", "红色少年", "立德树人", "星火引航", "匠心筑梦", "党旗映校园"]


def build_party(ctx: DemoContext) -> None:
    reg = ctx.state.get("registry")
    if reg is None or not reg.districts:
        return
    rng = ctx.rng("party")
    district = reg.districts[0]
    schools = list(
        School.objects.filter(
            area__path__startswith=district.path,
            is_teaching_point=False,
            archived_at__isnull=True,
            school_type__in=SCHOOL_TYPES,
        ).order_by("code")
    )
    if not schools:
        return
    order = list(schools)
    rng.shuffle(order)
    n_covered = round(len(order) * COVERED_SHARE)
    statuses, meetings = [], []
    term = term_of(ctx.today)
    for i, school in enumerate(order):
        covered = i < n_covered
        big = school.school_type in ("nine_year", "complete_secondary", "senior", "twelve_year")
        kind = (
            OrgKind.COMMITTEE
            if big and rng.random() < 0.5
            else OrgKind.GENERAL_BRANCH
            if big
            else OrgKind.BRANCH
        )
        if not covered and rng.random() < 0.3:
            kind = OrgKind.NONE
        rules = covered or rng.random() < 0.5
        statuses.append(
            PartyStatus(
                school=school,
                org_kind=kind,
                rules_adopted=rules,
                office_rules_adopted=covered,
                adopted_on=dt.date(ctx.current_year - rng.randint(0, 2), rng.randint(1, 12), 1)
                if covered
                else None,
                demonstration=covered and rng.random() < 0.12,
                brand=rng.choice(BRANDS) if covered and rng.random() < 0.8 else "",
            )
        )
        if covered:
            meetings.append(
                MeetingCount(
                    school=school,
                    term=term,
                    party_meetings=rng.randint(3, 9),
                    office_meetings=rng.randint(4, 12),
                )
            )
    PartyStatus.objects.bulk_create(statuses)
    MeetingCount.objects.bulk_create(meetings)
    CoverageTarget.objects.create(
        area=district, year=ctx.today.year, deadline=dt.date(ctx.today.year, 12, 31), share=100
    )
    _tutoring(ctx, district, rng)
    ctx.count("党组织领导的校长负责制学校", len(statuses))


def _tutoring(ctx: DemoContext, district: Any, rng: Any) -> None:
    """The district's tutoring institutions' party organisation coverage, as counts: a few with
    their own organisation, most under a joint one (industry-wide joint branches)."""
    from edugov.tutoring.models import Institution

    total = Institution.objects.filter(area__path__startswith=district.path).count()
    own = round(total * rng.uniform(0.1, 0.2))
    joint = min(total - own, round(total * rng.uniform(0.5, 0.65)))
    TutoringPartyCount.objects.create(
        area=district, year=ctx.today.year, institutions=total, own_org=own, joint_org=joint
    )


def reset_party() -> None:
    TutoringPartyCount.objects.all().delete()
    CoverageTarget.objects.all().delete()
    MeetingCount.objects.all().delete()
    PartyStatus.objects.all().delete()


def register() -> None:
    register_generator("party", build_party, order=390, reset=reset_party)
