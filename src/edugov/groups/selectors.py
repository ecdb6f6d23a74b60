"""Reads of school groups: the groups an actor sees, a group's members and the term's eight
unifications (plan, activities, evidence; what is missing), joint classes, and the effect: each
member's distance to the lead school on the 优质均衡 indicators, year by year before and after joining.
Chart payloads are plain data."""

from __future__ import annotations

import datetime as dt
from collections import Counter
from dataclasses import dataclass
from typing import Any

from django.db.models import Count, Prefetch, Q, QuerySet, Sum

from edugov.accounts.models import User
from edugov.accounts.policy import can
from edugov.accounts.scope import ScopeError, scoped
from edugov.common.errors import PermissionDenied
from edugov.registry.models import School

from .models import Activity, Evidence, JointClass, Membership, SchoolGroup, Unification, UnificationPlan
from .permissions import action
from .services import term_of

EFFECT_YEARS = 4  # school years shown on the effect chart


def group_list(*, actor: User) -> QuerySet[SchoolGroup]:
    return (
        scoped(SchoolGroup, actor)
        .select_related("lead_school", "lead_school__area")
        .annotate(n_members=Count("memberships", filter=Q(memberships__left_on__isnull=True)))
        .order_by("kind", "name")
    )


def groups_of_school(*, actor: User, school: School) -> QuerySet[SchoolGroup]:
    """The groups a school belongs to (a member reads its group through its own membership)."""
    ids = scoped(Membership, actor).filter(school=school).values("group_id")
    return SchoolGroup.objects.filter(pk__in=ids).select_related("lead_school").order_by("name")


def may_read(actor: User, group: SchoolGroup) -> bool:
    """The bureau and the group head read the group; a member school reads it through its membership."""
    if can(actor, action("view"), group) or can(actor, action("school_view"), group):
        return True
    return can(actor, action("school_view")) and scoped(Membership, actor).filter(group=group).exists()


def group_get(*, actor: User, pk: Any) -> SchoolGroup | None:
    try:
        key = int(str(pk)[:12])
    except (TypeError, ValueError):
        return None
    group = SchoolGroup.objects.select_related("lead_school", "lead_school__area").filter(pk=key).first()
    if group is None:
        return None
    if not may_read(actor, group):
        raise PermissionDenied(ScopeError.OUT_OF_SCOPE)
    return group


def members(group: SchoolGroup) -> list[Membership]:
    return list(
        group.memberships.select_related("school", "school__area").order_by("joined_on", "school__name")
    )


@dataclass(frozen=True)
class UnificationRow:
    code: str
    label: str
    plan: str
    evidence: str
    activities: int
    status: str  # "ok", "no_activity", "no_plan", "missing"
    status_label: str
    level: str  # badge level
    files: int = 0  # evidence files uploaded for the term

    @property
    def missing_this_term(self) -> bool:
        """Flagged: no activity recorded for the unification in the term."""
        return self.activities == 0


STATUS = {
    "ok": ("已落实", "ok"),
    "no_activity": ("有计划无活动", "warn"),
    "no_plan": ("有活动无计划", "warn"),
    "missing": ("缺失", "danger"),
}


def unification_rows(group: SchoolGroup, term: str) -> list[UnificationRow]:
    """The eight unifications of a group for a term, each with its plan and the activities counted."""
    plans = {p.unification: p for p in UnificationPlan.objects.filter(group=group, term=term)}
    counts = Counter(Activity.objects.filter(group=group, term=term).values_list("unification", flat=True))
    files = Counter(Evidence.objects.filter(group=group, term=term).values_list("unification", flat=True))
    rows = []
    for code, label in Unification.choices:
        plan = plans.get(code)
        n = counts.get(code, 0)
        status = "ok" if plan and n else "no_activity" if plan else "no_plan" if n else "missing"
        text, level = STATUS[status]
        rows.append(
            UnificationRow(
                code,
                str(label),
                plan.plan if plan else "",
                plan.evidence if plan else "",
                n,
                status,
                text,
                level,
                files.get(code, 0),
            )
        )
    return rows


@dataclass(frozen=True)
class MemberActivity:
    """What a member school is credited with in a term: every activity of the group counts for it."""

    school_id: int
    school_name: str
    hosted: int
    credited: int


def member_activity(group: SchoolGroup, term: str) -> list[MemberActivity]:
    total = Activity.objects.filter(group=group, term=term).count()
    hosted = Counter(Activity.objects.filter(group=group, term=term).values_list("school_id", flat=True))
    return [
        MemberActivity(m.school_id, m.school.name, hosted.get(m.school_id, 0), total)
        for m in members(group)
        if m.left_on is None
    ]


def activities(group: SchoolGroup, term: str) -> QuerySet[Activity]:
    return Activity.objects.filter(group=group, term=term).select_related("school")


def joint_classes(group: SchoolGroup) -> QuerySet[JointClass]:
    return (
        JointClass.objects.filter(group=group)
        .select_related("host_school", "partner_school")
        .prefetch_related("teachers", Prefetch("rotations"))
        .order_by("name")
    )


@dataclass(frozen=True)
class JointTotals:
    classes: int
    pupils: int  # places in joint classes
    transported: int  # pupils taken to and fro
    teachers: int  # teachers who move with the classes (each counted once)


def joint_totals(group: SchoolGroup) -> JointTotals:
    rows = JointClass.objects.filter(group=group)
    agg = rows.aggregate(n=Count("pk"), pupils=Sum("pupils"), transported=Sum("transported"))
    teachers = (
        JointClass.teachers.through.objects.filter(jointclass__group=group).values("teacher_id").distinct()
    )
    return JointTotals(agg["n"], agg["pupils"] or 0, agg["transported"] or 0, teachers.count())


def terms(group: SchoolGroup, today: dt.date) -> list[str]:
    """The group's terms with a plan or an activity, and the current one."""
    found = set(UnificationPlan.objects.filter(group=group).values_list("term", flat=True))
    found |= set(Activity.objects.filter(group=group).values_list("term", flat=True))
    found.add(term_of(today))
    return sorted(found, reverse=True)


def evidence_files(group: SchoolGroup, term: str) -> list[Evidence]:
    return list(
        Evidence.objects.filter(group=group, term=term)
        .select_related("school", "activity")
        .order_by("unification", "-uploaded_at")
    )
