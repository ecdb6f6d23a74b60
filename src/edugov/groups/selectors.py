"""Reads of school groups: the groups an actor sees, a group's members and the term's eight
unifications (plan, activities, evidence; what is missing), joint classes, and the effect: each
member's distance to the lead school on the 优质均衡 indicators, year by year before and after joining.
Chart payloads are plain data."""

from __future__ import annotations

import datetime as dt
from collections import Counter
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Count, Prefetch, Q, QuerySet, Sum
from django.utils import timezone

from edugov.accounts.models import User
from edugov.accounts.policy import can
from edugov.accounts.scope import ScopeError, scoped
from edugov.common.cache import cached_figure
from edugov.common.errors import PermissionDenied
from edugov.indicators.cache import cached_rows
from edugov.registry.models import Area, AreaLevel, School, SchoolYear

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


# ---- effect ------------------------------------------------------------------------------------


@dataclass
class EffectSeries:
    school_id: int
    school_name: str
    joined_year: int  # the school year (start year) the school joined in
    gaps: list[Any]  # the lead school's figure minus the member's, per year (None: no data)
    before: float | None = None  # mean gap in the years before joining
    after: float | None = None  # mean gap in the years since
    verdict: str = ""
    cells: list[tuple[str, Any]] = field(default_factory=list)  # (school year, gap) for tables


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


def _mean(values: list[Any]) -> float | None:
    return round(sum(values) / len(values), 2) if values else None


@cached_rows("groups.balanced_met")
def balanced_met(school_year_id: int, district_id: int) -> tuple[int, dict[int, list[tuple[str, int]]]]:
    """The district's 优质均衡 evaluation of a year reduced to what the effect needs: the number of
    indicators, and per school its stages with the indicators met. Evaluated once per year and
    data generation (the indicators cache), not once per page view."""
    from edugov.resources.evaluation import evaluate_balanced

    year = SchoolYear.objects.get(pk=school_year_id)
    district = Area.objects.get(pk=district_id)
    evaluation = evaluate_balanced(school_year=year, area=district)
    by_school: dict[int, list[tuple[str, int]]] = {}
    for r in evaluation.schools:
        by_school.setdefault(r.school_id, []).append((str(r.stage), int(r.met_count)))
    n = len(evaluation.schools[0].indicators) if evaluation.schools else 0
    return n, by_school


def effect_years(years: int = EFFECT_YEARS) -> list[SchoolYear]:
    school_years = list(
        SchoolYear.objects.filter(start_date__lte=timezone.localdate()).order_by("-start_year")[:years]
    )
    school_years.reverse()
    return school_years


def _joined_year(m: Membership) -> int:
    return m.joined_on.year if m.joined_on.month >= 9 else m.joined_on.year - 1


def _series(
    group: SchoolGroup,
    school_years: list[SchoolYear],
    labels: list[str],
    gap_of: Any,
) -> list[EffectSeries]:
    """One series per member (not the lead school): gap_of(year index, member id) per year, with the
    mean gap before and after joining and the verdict."""
    out = []
    for m in members(group):
        if m.school_id == group.lead_school_id:
            continue
        joined = _joined_year(m)
        gaps = [gap_of(i, m.school_id) for i in range(len(school_years))]
        known = [(y.start_year, g) for y, g in zip(school_years, gaps, strict=True) if g is not None]
        before = _mean([g for y, g in known if y < joined])
        after = _mean([g for y, g in known if y >= joined])
        s = EffectSeries(m.school_id, m.school.name, joined, gaps, before, after)
        s.verdict = _verdict(s, [g for _y, g in known])
        s.cells = list(zip(labels, gaps, strict=True))
        out.append(s)
    return out


def effect(group: SchoolGroup, *, years: int = EFFECT_YEARS, actor: User | None = None) -> Effect:
    """Each member's gap to the lead school (优质均衡 indicators met, lead minus member) over the last
    school years, with the mean gap before and after the member joined. The group's readers see its
    members, so the district's evaluation is read whole and narrowed to the members."""
    school_years = effect_years(years)
    district = _district(group.lead_school)
    result = Effect(years=[f"{y.start_year}学年" for y in school_years])
    if district is None or not school_years:
        return result
    per_year: list[dict[int, list[tuple[str, int]]]] = []
    for year in school_years:
        n, by_school = balanced_met(year.pk, district.pk)
        per_year.append(by_school)
        result.indicators = n or result.indicators
    lead = group.lead_school_id

    def gap(i: int, school_id: int) -> int | None:
        lead_rows = per_year[i].get(lead, [])
        if not lead_rows:
            return None
        stage = lead_rows[0][0]
        rows = per_year[i].get(school_id, [])
        if not rows:
            return None
        same = [met for st, met in rows if st == stage] or [rows[0][1]]
        return lead_rows[0][1] - same[0]

    result.series = _series(group, school_years, result.years, gap)
    return result


# ---- other measures: value-added, fitness, teacher structure -------------------------------------


@dataclass
class Measure:
    """One more measure of the effect: the members' distance to the lead school, year by year, or
    the reason it cannot be shown (暂无数据)."""

    code: str
    label: str
    unit: str
    note: str  # how the gap is computed, or why there is no data
    years: list[str] = field(default_factory=list)
    series: list[EffectSeries] = field(default_factory=list)

    @property
    def available(self) -> bool:
        return any(g is not None for s in self.series for g in s.gaps)


@cached_figure("groups.qualified_share")
def _qualified_share(actor: User, year: SchoolYear, school_ids: tuple[int, ...]) -> dict[int, float]:
    """Per school: the share (%) of the curriculum's teacher need covered by qualified teachers."""
    from edugov.workforce.selectors import staffing

    out = {}
    for row in staffing(actor=actor, year=year, school_ids=list(school_ids)).schools:
        need = sum(s.need for s in row.subjects)
        if need > 0:
            out[row.school_id] = round(100 * sum(min(s.qualified, s.need) for s in row.subjects) / need, 1)
    return out


def _fitness_pass(school_ids: tuple[int, ...], year: SchoolYear) -> dict[int, float]:
    """Per school: its physical fitness pass rate (%) in the year (quality's public read; the
    callers read the group, whose members they may see)."""
    from edugov.quality.fitness_selectors import school_fitness_rates

    rates = school_fitness_rates(list(school_ids), year)
    return {pk: float(r["pass_rate"]) for pk, r in rates.items() if r.get("pass_rate") is not None}


@cached_figure("groups.value_added")
def _value_added(
    actor: User, year: SchoolYear, school_ids: tuple[int, ...], lead_id: int
) -> dict[int, float]:
    """Per school: its value-added (points) on the latest pair of assessments the lead school's
    pupils took whose second one was held in the year (the group's stage and subject); nothing when
    the year has no such pair or too few pupils."""
    from edugov.common.errors import DomainError
    from edugov.quality.selectors import assessments_for_school, default_pair, value_added

    lead = School.objects.filter(pk=lead_id).first()
    if lead is None:
        return {}
    assessments = list(assessments_for_school(actor=actor, school=lead).filter(held_on__lte=year.end_date))
    pair = default_pair(assessments)
    if pair is None or pair[1].held_on < year.start_date:
        return {}
    try:
        view = value_added(actor=actor, prior=pair[0], post=pair[1])
    except DomainError:
        return {}
    return {r.unit_id: round(r.effect, 2) for r in view.rows if r.unit_id in school_ids}


def other_measures(group: SchoolGroup, *, actor: User, years: int = EFFECT_YEARS) -> list[Measure]:
    """Value-added and physical fitness (quality) and teacher structure (workforce), each as the
    lead school's figure minus the member's, year by year; a measure without data says 暂无数据."""
    school_years = effect_years(years)
    labels = [f"{y.start_year}学年" for y in school_years]
    ids = tuple(sorted(m.school_id for m in members(group)))
    lead = group.lead_school_id
    out = []
    for code, label, unit, note, compute in (
        (
            "value_added",
            "增值评价",
            "分",
            "差距 = 牵头学校的增值 − 成员校的增值（牵头学校参加、后测在当学年的最近一对同学科测评，分）",
            lambda y: _value_added(actor, y, ids, lead),
        ),
        (
            "teachers",
            "教师结构",
            "个百分点",
            "差距 = 牵头学校合格教师满足课程需要的比例 − 成员校的比例（百分点）",
            lambda y: _qualified_share(actor, y, ids),
        ),
        (
            "fitness",
            "体质健康",
            "个百分点",
            "差距 = 牵头学校的体质健康及格率 − 成员校的及格率（百分点）",
            lambda y: _fitness_pass(ids, y),
        ),
    ):
        per_year = [compute(y) for y in school_years]

        def gap(i: int, school_id: int, per_year: list[dict[int, float]] = per_year) -> float | None:
            lead_v, member_v = per_year[i].get(lead), per_year[i].get(school_id)
            return None if lead_v is None or member_v is None else round(lead_v - member_v, 2)

        out.append(Measure(code, label, unit, note, labels, _series(group, school_years, labels, gap)))
    return out


def evidence_files(group: SchoolGroup, term: str) -> list[Evidence]:
    return list(
        Evidence.objects.filter(group=group, term=term)
        .select_related("school", "activity")
        .order_by("unification", "-uploaded_at")
    )


def _verdict(s: EffectSeries, known: list[Any]) -> str:
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
