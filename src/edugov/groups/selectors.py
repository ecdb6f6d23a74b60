"""Reads of school groups: the groups an actor sees, a group's members and the term's eight
unifications (plan, activities, evidence; what is missing), joint classes, and the effect: each
member's distance to the lead school on the 优质均衡 indicators, year by year before and after joining.
Chart payloads are plain data."""

from __future__ import annotations

import datetime as dt
from collections import Counter
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Count, Prefetch, Q, QuerySet
from django.utils import timezone

from edugov.accounts.models import User
from edugov.accounts.policy import can
from edugov.accounts.scope import ScopeError, scoped
from edugov.common.errors import PermissionDenied
from edugov.registry.models import Area, AreaLevel, School, SchoolYear

from .models import Activity, JointClass, Membership, SchoolGroup, Unification, UnificationPlan
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


def terms(group: SchoolGroup, today: dt.date) -> list[str]:
    """The group's terms with a plan or an activity, and the current one."""
    found = set(UnificationPlan.objects.filter(group=group).values_list("term", flat=True))
    found |= set(Activity.objects.filter(group=group).values_list("term", flat=True))
    found.add(term_of(today))
    return sorted(found, reverse=True)


# ---- effect ------------------------------------------------------------------------------------


@dataclass
class EffectSeries:
    school_id: int
    school_name: str
    joined_year: int  # the school year (start year) the school joined in
    gaps: list[int | None]  # indicators met by the lead school minus by the member, per year
    before: float | None = None  # mean gap in the years before joining
    after: float | None = None  # mean gap in the years since
    verdict: str = ""
    cells: list[tuple[str, int | None]] = field(default_factory=list)  # (school year, gap) for tables


@dataclass
class Effect:
    years: list[str]
    series: list[EffectSeries] = field(default_factory=list)
    indicators: int = 0

    def chart(self) -> dict[str, Any]:
        return {
            "categories": self.years,
            "series": [{"name": s.school_name, "data": s.gaps, "joined": s.joined_year} for s in self.series],
        }


def _district(school: School) -> Area | None:
    codes = [c for c in (school.area.path or "").strip("/").split("/") if c]
    if len(codes) < AreaLevel.DISTRICT:
        return None
    return Area.objects.filter(code=codes[AreaLevel.DISTRICT - 1]).first()


def _met(results: list[Any], stage: str | None) -> int | None:
    if not results:
        return None
    same = [r for r in results if stage is None or r.stage == stage]
    return int((same or results)[0].met_count)


def _mean(values: list[int]) -> float | None:
    return round(sum(values) / len(values), 2) if values else None


def effect(group: SchoolGroup, *, years: int = EFFECT_YEARS) -> Effect:
    """Each member's gap to the lead school (优质均衡 indicators met, lead minus member) over the last
    school years, with the mean gap before and after the member joined. The group's readers see its
    members, so the district's evaluation is read whole (user=None) and narrowed to the members."""
    from edugov.resources.evaluation import evaluate_balanced

    school_years = list(
        SchoolYear.objects.filter(start_date__lte=timezone.localdate()).order_by("-start_year")[:years]
    )
    school_years.reverse()
    district = _district(group.lead_school)
    result = Effect(years=[f"{y.start_year}学年" for y in school_years])
    if district is None or not school_years:
        return result
    per_year: list[dict[int, list[Any]]] = []
    for year in school_years:
        evaluation = evaluate_balanced(school_year=year, area=district)
        by_school: dict[int, list[Any]] = {}
        for r in evaluation.schools:
            by_school.setdefault(r.school_id, []).append(r)
        per_year.append(by_school)
        if evaluation.schools:
            result.indicators = len(evaluation.schools[0].indicators)
    lead = group.lead_school_id
    for m in members(group):
        if m.school_id == lead:
            continue
        joined = m.joined_on.year if m.joined_on.month >= 9 else m.joined_on.year - 1
        gaps: list[int | None] = []
        for by_school in per_year:
            lead_results = by_school.get(lead, [])
            lead_met = _met(lead_results, None)
            stage = lead_results[0].stage if lead_results else None
            member_met = _met(by_school.get(m.school_id, []), stage)
            gaps.append(None if lead_met is None or member_met is None else lead_met - member_met)
        before = [
            g for y, g in zip(school_years, gaps, strict=True) if g is not None and y.start_year < joined
        ]
        after = [
            g for y, g in zip(school_years, gaps, strict=True) if g is not None and y.start_year >= joined
        ]
        s = EffectSeries(m.school_id, m.school.name, joined, gaps, _mean(before), _mean(after))
        s.verdict = _verdict(s, [g for g in gaps if g is not None])
        s.cells = list(zip(result.years, gaps, strict=True))
        result.series.append(s)
    return result


def _verdict(s: EffectSeries, known: list[int]) -> str:
    """Narrowing: the gap fell (after joining against before, or the last year against the first).
    A member meeting as many indicators as the lead school, or more, is not behind it."""
    if s.before is not None and s.after is not None:
        first, last = s.before, s.after
    elif len(known) >= 2:
        first, last = known[0], known[-1]
    else:
        return "数据不足"
    if first <= 0 and last <= 0:
        return "不落后于牵头学校"
    if last < first:
        return "差距缩小"
    if last > first:
        return "差距扩大"
    return "差距未缩小"
