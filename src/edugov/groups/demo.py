"""Demo story of school groups: six groups of the four kinds in the first district, each led by an
urban school with rural and town members from other towns, set up three school years ago; a term of
plans and activities (one group leaves some unifications without activity, which the findings flag)
and two joint classes whose rural pupils study in rotation at the lead school. Seeded by ctx.rng;
bulk-written, so the build stays fast."""

from __future__ import annotations

import datetime as dt
from typing import Any

from edugov.demo.base import DemoContext, register_generator
from edugov.registry.models import Area, School, SchoolClass, SchoolType, Teacher

from .models import (
    Activity,
    ActivityKind,
    GroupKind,
    JointClass,
    Membership,
    Rotation,
    SchoolGroup,
    Unification,
    UnificationPlan,
)
from .services import term_of

KINDS = [GroupKind.CLOSE, GroupKind.CLOSE, GroupKind.ALLIANCE, GroupKind.DISTRICT, GroupKind.COMMUNITY,
         GroupKind.COMMUNITY]  # fmt: skip
NAME_SUFFIX = {
    GroupKind.CLOSE: "教育集团",
    GroupKind.ALLIANCE: "教育联盟",
    GroupKind.DISTRICT: "学区",
    GroupKind.COMMUNITY: "城乡学校共同体",
}
ACTIVITY_OF = {
    Unification.MANAGEMENT: (ActivityKind.MEETING, "集团管理例会"),
    Unification.RESOURCES: (ActivityKind.SHARED_LESSON, "名师课堂直播共享"),
    Unification.TRAINING: (ActivityKind.TRAINING, "新教师集中培训"),
    Unification.CURRICULUM: (ActivityKind.MEETING, "课程计划统一审议"),
    Unification.RESEARCH: (ActivityKind.RESEARCH, "联合教研：大单元教学"),
    Unification.STUDENTS: (ActivityKind.STUDENT, "集团学生运动会"),
    Unification.MONITORING: (ActivityKind.MONITORING, "期中统一测评"),
    Unification.APPRAISAL: (ActivityKind.MEETING, "统一考核方案研讨"),
}


def _rural(s: School) -> bool:
    return (s.urban_rural_code or "").startswith("2")


def _urban(s: School) -> bool:
    return (s.urban_rural_code or "").startswith("11")


def _members(leads: list[School], others: list[School], rng: Any, year: int) -> dict[int, list[School]]:
    """Up to three members per lead school, from other towns, dealt one round at a time so every
    group has members when the district has as many schools outside the leads' towns as groups.
    The two close groups' first members are the two largest rural schools (the effect's stories:
    value-added estimates of a larger school are surer), the others shuffled, rural first."""
    from django.db.models import F, Sum

    pupils = dict(
        SchoolClass.objects.filter(school__in=others, school_year__start_year=year)
        .values("school")
        .annotate(n=Sum(F("boys") + F("girls")))
        .values_list("school", "n")
    )
    rural = sorted((s for s in others if _rural(s)), key=lambda s: (-(pupils.get(s.pk) or 0), s.code))
    storied, rest = rural[:2], [s for s in others if s not in rural[:2]]
    rng.shuffle(rest)
    pool = storied + [s for s in rest if _rural(s)] + [s for s in rest if not _rural(s)]
    out: dict[int, list[School]] = {lead.pk: [] for lead in leads}
    used: set[int] = set()
    for _round in range(3):
        for lead in leads:
            pick = next((s for s in pool if s.pk not in used and s.area_id != lead.area_id), None)
            if pick is not None:
                out[lead.pk].append(pick)
                used.add(pick.pk)
    return out


def build_groups(ctx: DemoContext) -> None:
    reg = ctx.state.get("registry")
    if reg is None or not reg.districts:
        return
    rng = ctx.rng("groups")
    district = reg.districts[0]
    primaries = list(
        School.objects.filter(
            area__path__startswith=district.path,
            school_type=SchoolType.PRIMARY,
            is_teaching_point=False,
            archived_at__isnull=True,
        )
        .select_related("area")
        .order_by("code")
    )
    leads = [s for s in primaries if _urban(s)][: len(KINDS)]
    members_of = _members(leads, [s for s in primaries if not _urban(s)], rng, ctx.current_year)
    start = dt.date(ctx.current_year - 2, 9, 1)
    today = ctx.today
    terms = [term_of(today), term_of(start + dt.timedelta(days=365 * 2 - 200))]
    groups: list[tuple[SchoolGroup, list[School]]] = []
    for i, lead in enumerate(leads):
        members = members_of[lead.pk]
        if not members:  # a group is its lead school and at least one member
            continue
        kind = KINDS[i]
        group = SchoolGroup.objects.create(
            name=f"{lead.name.removesuffix('小学')}{NAME_SUFFIX[kind]}",
            kind=kind,
            lead_school=lead,
            start_date=start,
        )
        # The third member joins a year later: its own before and after.
        Membership.objects.bulk_create(
            [Membership(group=group, school=lead, joined_on=start)]
            + [
                Membership(group=group, school=s, joined_on=start if j < 2 else dt.date(start.year + 1, 9, 1))
                for j, s in enumerate(members)
            ]
        )
        groups.append((group, [lead, *members]))
    plans, activities = [], []
    for gi, (group, schools) in enumerate(groups):
        for term in terms:
            skipped = {Unification.APPRAISAL, Unification.MONITORING} if gi == len(groups) - 1 else set()
            for code, label in Unification.choices:
                if code not in skipped or term != terms[0]:
                    plans.append(
                        UnificationPlan(
                            group=group, term=term, unification=code, plan=f"本学期{label}工作安排",
                            evidence="会议纪要、活动记录存档" if rng.random() < 0.7 else "",
                        )
                    )  # fmt: skip
                if code in skipped:
                    continue
                activity_kind, title = ACTIVITY_OF[Unification(code)]
                year, half = int(term[:4]), term[-1]
                base = dt.date(year, 10, 1) if half == "1" else dt.date(year + 1, 3, 15)
                for _n in range(rng.randint(1, 3)):
                    day = base + dt.timedelta(days=rng.randint(0, 60))
                    if day > today:
                        day = today - dt.timedelta(days=rng.randint(1, 20))
                    activities.append(
                        Activity(
                            group=group, school=rng.choice(schools), term=term_of(day), unification=code,
                            kind=activity_kind, title=title, held_on=day, participants=rng.randint(20, 180),
                        )
                    )  # fmt: skip
    UnificationPlan.objects.bulk_create(plans, ignore_conflicts=True)
    Activity.objects.bulk_create(activities)
    classes = 0
    for group, schools in groups[:2]:
        lead, partner = schools[0], schools[1]
        joint = JointClass.objects.create(
            group=group,
            name=f"{partner.name.removesuffix('小学')}五年级联合班",
            host_school=lead,
            partner_school=partner,
            grade=5,
            pupils=rng.randint(24, 38),
            transported=rng.randint(10, 20),
        )
        joint.teachers.set(Teacher.objects.filter(school=lead, archived_at__isnull=True).order_by("pk")[:2])
        y = ctx.current_year
        Rotation.objects.bulk_create(
            [
                Rotation(joint_class=joint, stage="第一阶段（到牵头学校）", school=lead,
                         start_date=dt.date(y, 9, 1), end_date=dt.date(y, 11, 15)),
                Rotation(joint_class=joint, stage="第二阶段（回本校）", school=partner,
                         start_date=dt.date(y, 11, 16), end_date=dt.date(y + 1, 1, 15)),
                Rotation(joint_class=joint, stage="第三阶段（到牵头学校）", school=lead,
                         start_date=dt.date(y + 1, 2, 20), end_date=dt.date(y + 1, 5, 31)),
            ]
        )  # fmt: skip
        classes += 1
    _effect_story(groups, start.year)
    _value_added_story(ctx, groups, start.year)
    _grant_heads(district, [g for g, _s in groups])
    ctx.count("学校集团", len(groups))
    ctx.count("集团活动", len(activities))
    ctx.count("联合办班", classes)


FACILITY_FIELDS = (
    "teaching_aux_area",
    "sports_area",
    "equipment_value",
    "multimedia_classrooms",
)


def _poor(row: Any) -> None:
    """Conditions below the 优质均衡 standards on the four facility indicators (R4-R7)."""
    from decimal import Decimal

    row.teaching_aux_area = (row.teaching_aux_area * Decimal("0.4")).quantize(Decimal("0.01"))
    row.sports_area = (row.sports_area * Decimal("0.4")).quantize(Decimal("0.01"))
    row.equipment_value = (row.equipment_value * Decimal("0.4")).quantize(Decimal("1"))
    row.multimedia_classrooms = 0


def _effect_story(groups: list[tuple[SchoolGroup, list[School]]], joined: int) -> None:
    """The effect chart's two stories. The first close group's first rural member joined with poor
    conditions (below the standards on the four facility indicators) and catches up year by year:
    buildings and grounds in its second year in the group, equipment and multimedia classrooms in its
    third, so its gap to the lead school narrows over the three years. The second close group's
    first member joined short of equipment and multimedia classrooms and nothing improves; its
    buildings and grounds fall below the standards from its second year: its gap does not narrow."""
    from decimal import Decimal

    from edugov.resources.models import SchoolFacilities

    if len(groups) < 2 or len(groups[0][1]) < 2 or len(groups[1][1]) < 2:
        return
    narrowing, flat = groups[0][1][1], groups[1][1][1]
    rows = list(
        SchoolFacilities.objects.filter(school__in=[narrowing, flat])
        .select_related("school_year")
        .order_by("school_year__start_year")
    )
    changed = []
    for row in rows:
        step = row.school_year.start_year - joined + 1  # 1: the year it joined
        if row.school_id == flat.pk:
            keep = (row.teaching_aux_area, row.sports_area)
            _poor(row)
            if step <= 1:  # buildings and grounds still up to the standards when it joined
                row.teaching_aux_area, row.sports_area = keep
        elif step <= 1:
            _poor(row)
        elif step == 2:
            keep = (row.teaching_aux_area, row.sports_area)
            _poor(row)
            row.teaching_aux_area, row.sports_area = keep
        else:
            row.equipment_value = (row.equipment_value * Decimal("1.3")).quantize(Decimal("1"))
            row.multimedia_classrooms = row.multimedia_classrooms * 2 + 3
        changed.append(row)
    SchoolFacilities.objects.bulk_update(changed, FACILITY_FIELDS)


# Value added planted for the quality demo (points, relative to the district: 0 adds what is expected).
# Both lead schools add a little more than expected in both years. The narrowing member adds 9 less
# in the year it joined and 1 less the next (gap 10, then 2); the stalling member 3 less, then 8 less
# (gap 4, then 9): its gap does not narrow.
VA_LEAD = 1.0
VA_NARROWING = (-9.0, -1.0)
VA_STALLING = (-3.0, -8.0)
VA_PLANTED = "quality.planted_effects"  # the quality demo's key: {school id: {start year: points}}


def _value_added_story(ctx: DemoContext, groups: list[tuple[SchoolGroup, list[School]]], joined: int) -> None:
    """The same two members' value-added, year by year from the year they joined, planted in the
    quality demo (which runs later and writes the scores): the first close group's member narrows
    its gap to the lead school, the second's does not, as on the facility indicators."""
    if len(groups) < 2 or len(groups[0][1]) < 2 or len(groups[1][1]) < 2:
        return
    planted = ctx.state.setdefault(VA_PLANTED, {})
    years = (joined, joined + 1)
    for (_group, schools), member in zip(groups[:2], (VA_NARROWING, VA_STALLING), strict=True):
        lead, first = schools[0], schools[1]
        planted[lead.pk] = dict.fromkeys(years, VA_LEAD)
        planted[first.pk] = dict(zip(years, member, strict=True))
    ctx.state["groups"] = {"narrowing": groups[0][1][1].pk, "stalling": groups[1][1][1].pk}


def _grant_heads(district: Area, groups: list[SchoolGroup]) -> None:
    """Each lead school's administrator is the group head: a `group` grant through the accounts
    service, given by the district's administrator (the grant page does the same)."""
    from edugov.accounts.models import Role, User
    from edugov.accounts.services import grant_add

    admin = (
        User.objects.filter(role=Role.DISTRICT_ADMIN, area=district, is_active=True).order_by("pk").first()
    )
    if admin is None:
        return
    for group in groups:
        head = User.objects.filter(role=Role.SCHOOL_ADMIN, school=group.lead_school, is_active=True).first()
        if head is not None:
            grant_add(actor=admin, user=head, kind="group", object_id=group.pk)


def reset_groups() -> None:
    from edugov.accounts.models import ScopeGrant

    ScopeGrant.objects.filter(kind="group").delete()
    Rotation.objects.all().delete()
    JointClass.objects.all().delete()
    Activity.objects.all().delete()
    UnificationPlan.objects.all().delete()
    Membership.objects.all().delete()
    SchoolGroup.objects.all().delete()


def build_effect(ctx: DemoContext) -> None:
    """The groups' effect computed once the data it reads exists (registry, conditions, quality,
    workforce), as the periodic job would after a change: the group pages open on stored figures."""
    from .services.effect import effect_refresh

    ctx.count("集团办学成效", effect_refresh(force=True))


def register() -> None:
    # After the registry (100), accounts (200) and workforce (350): schools and teachers exist.
    register_generator("groups", build_groups, order=380, reset=reset_groups)
    # After every generator whose data the effect reads (quality 500, planning 520, the rest).
    register_generator("groups_effect", build_effect, order=990)
