"""The scorecard's built-in data sources, each read through the owning module's public selectors
as the bureau of the scheme's district: homework compliance and after-school coverage (burden),
value-added and physical fitness pass rate (quality), rectification on time, open safety hazards
(rectification items raised by safety inspections), the 优质均衡 indicators met (resources),
inspectors' scores (supervision), serving teachers found tutoring for pay (tutoring), and this
app's teaching-routine inspections and after-school satisfaction.

Complaints themselves are not a source: a tutoring complaint names an institution and a town,
never a school, so none can be counted against a school."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping
from decimal import Decimal

from django.db.models import Count, Q, Sum

from edugov.common.errors import DomainError
from edugov.registry.models import Term

from .models import RoutineMark, SatisfactionSurvey
from .sources import IndicatorSource, SourceContext, SourceValue, pct, register_source

HAZARD_SOURCE = "safety.hazard"  # the rectification items safety inspections raise (safety.services)


def _terms(ctx: SourceContext) -> list[Term]:
    """The school year's terms begun by the as-of day."""
    return list(
        Term.objects.filter(school_year=ctx.school_year, start_date__lte=ctx.day).order_by("start_date")
    )


def routine_inspection(ctx: SourceContext) -> Mapping[int, SourceValue]:
    """Share of checklist items passed over the year's teaching-routine inspections."""
    rows = (
        RoutineMark.objects.filter(
            inspection__school_id__in=ctx.school_ids,
            inspection__inspected_on__gte=ctx.school_year.start_date,
            inspection__inspected_on__lte=ctx.day,
        )
        .values("inspection__school_id")
        .annotate(
            marks=Count("pk"),
            passed=Count("pk", filter=Q(passed=True)),
            visits=Count("inspection", distinct=True),
        )
    )
    return {
        r["inspection__school_id"]: SourceValue(
            pct(r["passed"], r["marks"]), f"{r['visits']}次检查，{r['marks']}项中{r['passed']}项达标"
        )
        for r in rows
    }


def after_school_satisfaction(ctx: SourceContext) -> Mapping[int, SourceValue]:
    """Satisfied respondents over all respondents (parents and pupils summed) of the year's survey."""
    rows = (
        SatisfactionSurvey.objects.filter(school_id__in=ctx.school_ids, school_year=ctx.school_year)
        .values("school_id")
        .annotate(n=Sum("respondents"), ok=Sum("satisfied"))
    )
    return {
        r["school_id"]: SourceValue(pct(r["ok"], r["n"]), f"答卷{r['n']}份，满意{r['ok']}份")
        for r in rows
        if r["n"]
    }


def rectification_on_time(ctx: SourceContext) -> Mapping[int, SourceValue]:
    """Of the school's items due in the year by the as-of day, the share closed by the deadline
    (the rectification module's own `closed_on_time` mark); a school with none due: 100%."""
    from edugov.rectification import selectors as rectification

    due: dict[int, int] = defaultdict(int)
    on_time: dict[int, int] = defaultdict(int)
    items = (
        rectification.item_list(user=ctx.reader, unit_kind="school")
        .filter(
            school_id__in=ctx.school_ids,
            deadline__gte=ctx.school_year.start_date,
            deadline__lte=ctx.day,
        )
        .values_list("school_id", "closed_on_time")
    )
    for school_id, closed_on_time in items:
        due[school_id] += 1
        on_time[school_id] += closed_on_time is True
    return {
        sid: SourceValue(pct(on_time[sid], due[sid]), f"到期整改{due[sid]}项，按期销号{on_time[sid]}项")
        if due.get(sid)
        else SourceValue(Decimal(100), "无到期整改事项")
        for sid in ctx.school_ids
    }


def safety_hazards_open(ctx: SourceContext) -> Mapping[int, SourceValue]:
    """Safety hazards still open (their rectification items not closed); schools without any: 0."""
    from edugov.rectification import selectors as rectification

    counts = dict(
        rectification.item_list(user=ctx.reader, unit_kind="school", open_only=True)
        .filter(finding_source=HAZARD_SOURCE, school_id__in=ctx.school_ids)
        .values("school_id")
        .annotate(n=Count("pk"))
        .values_list("school_id", "n")
    )
    return {
        sid: SourceValue(Decimal(counts.get(sid, 0)), f"未整改隐患{counts.get(sid, 0)}项")
        for sid in ctx.school_ids
    }


def after_school_coverage(ctx: SourceContext) -> Mapping[int, SourceValue]:
    """Pupils taking part in after-school service over pupils, in the latest term begun."""
    from edugov.burden import selectors as burden

    terms = _terms(ctx)
    if not terms:
        return {}
    term = terms[-1]
    summary = burden.after_school_overview(user=ctx.reader, term=term, school_ids=set(ctx.school_ids))
    out: dict[int, SourceValue] = {}
    for row in summary.rows:
        if not row.provided:
            out[row.school_id] = SourceValue(Decimal(0), f"{term}未开展课后服务")
        elif row.pupils_total:
            out[row.school_id] = SourceValue(
                pct(row.pupils_enrolled, row.pupils_total),
                f"{term}：在校生{row.pupils_total}人，参加{row.pupils_enrolled}人",
            )
    return out


def homework_compliance(ctx: SourceContext) -> Mapping[int, SourceValue]:
    """Share of class-weeks whose written homework stayed within the limit, over the year's terms
    (class-weeks summed across terms, not rates averaged). The burden module's per-school counts
    over its cached class-week table, without building the compliance report."""
    from edugov.burden import selectors as burden

    weeks: dict[int, int] = defaultdict(int)
    over: dict[int, int] = defaultdict(int)
    wanted = set(ctx.school_ids)
    for term in _terms(ctx):
        counts = burden.school_compliance_counts(user=ctx.reader, term=term, end=ctx.day)
        for school_id, (n, n_over) in counts.items():
            if school_id in wanted:
                weeks[school_id] += n
                over[school_id] += n_over
    return {
        sid: SourceValue(pct(n - over[sid], n), f"{n}个班·周，{n - over[sid]}个未超时")
        for sid, n in weeks.items()
        if n
    }


def fitness_pass_rate(ctx: SourceContext) -> Mapping[int, SourceValue]:
    """Pupils at pass or better (及格及以上) by the national fitness standard over pupils tested in
    the school year (counts only)."""
    from edugov.quality import fitness_selectors as fitness

    rates = fitness.school_fitness_rates(list(ctx.school_ids), ctx.school_year)
    return {
        sid: SourceValue(
            Decimal(str(r["pass_rate"])),
            f"{ctx.school_year}体质健康测试{r['n']}人，及格及以上{r['pass_rate']}%",
        )
        for sid, r in rates.items()
        if r["n"] and r["pass_rate"] is not None
    }


MAX_VALUE_ADDED_FITS = 6  # assessments tried, latest first (each is one district-wide fit)


def value_added(ctx: SourceContext) -> Mapping[int, SourceValue]:
    """The school's value-added (score points above or below what pupils of the same prior
    attainment achieved across the district) from the latest assessment held by the as-of day
    that its pupils took with an earlier one of the same subject (the trail names both and their
    dates; a year without its own pair uses the last)."""
    from edugov.quality import selectors as quality

    assessments = [a for a in quality.assessment_list(actor=ctx.reader) if a.held_on <= ctx.day]
    wanted = set(ctx.school_ids)
    out: dict[int, SourceValue] = {}
    fits = 0
    for post in sorted(assessments, key=lambda a: (a.held_on, a.pk), reverse=True):
        if fits >= MAX_VALUE_ADDED_FITS or wanted <= set(out):
            break
        earlier = [a for a in assessments if a.subject == post.subject and a.held_on < post.held_on]
        pair = quality.default_pair([post, *earlier]) if earlier else None
        if pair is None or pair[1].pk != post.pk:
            continue
        prior = pair[0]
        fits += 1
        try:
            view = quality.value_added(actor=ctx.reader, prior=prior, post=post)
        except DomainError:
            continue
        span = f"{prior.name}（{prior.held_on:%Y-%m}）→{post.name}（{post.held_on:%Y-%m}）"
        for r in view.rows:
            if r.unit_id in wanted and r.unit_id not in out:
                out[r.unit_id] = SourceValue(
                    Decimal(str(round(r.effect, 2))),
                    f"{span}：{r.effect:+.2f}分（95%区间{r.low:+.2f}~{r.high:+.2f}，{r.verdict_label}，{r.n}人）",
                )
    return out


def balanced_met(ctx: SourceContext) -> Mapping[int, SourceValue]:
    """Share of the 优质均衡 resource-allocation indicators the school meets in the school year
    (indicators met over indicators with a value, a nine-year school's two stages summed)."""
    from edugov.resources.selectors import school_balanced_results

    area = getattr(ctx.reader, "area", None)
    if area is None:
        return {}
    rows = school_balanced_results(
        user=ctx.reader, area=area, school_year=ctx.school_year, school_ids=ctx.school_ids
    )
    out: dict[int, SourceValue] = {}
    for sid, r in rows.items():
        if not r.assessed:
            continue
        stages = "，".join(
            f"{stage}{'达标' if ok else '未达标' if ok is False else '数据不全'}"
            for stage, ok in zip(r.stages, r.passed, strict=True)
        )
        out[sid] = SourceValue(
            pct(r.met, r.assessed), f"{ctx.school_year}优质均衡指标{r.assessed}项中达标{r.met}项（{stages}）"
        )
    return out


def inspector_score(ctx: SourceContext) -> Mapping[int, SourceValue]:
    """Inspectors' score rate: the school year's submitted supervision visits up to the as-of
    day, scores summed over full marks summed (%)."""
    from edugov.supervision.selectors import school_visit_scores

    rows = school_visit_scores(
        actor=ctx.reader, school_ids=ctx.school_ids, start=ctx.school_year.start_date, end=ctx.day
    )
    return {
        sid: SourceValue(
            pct(r.total, r.max_total),
            f"督导{r.visits}次，得分{r.total.normalize():f}（满分{r.max_total.normalize():f}）",
        )
        for sid, r in rows.items()
        if r.max_total
    }


def in_service_tutoring(ctx: SourceContext) -> Mapping[int, SourceValue]:
    """Serving teachers of the school found on a tutoring institution's staff in the school year
    up to the as-of day (a count, lower is better); schools with none: 0."""
    from edugov.tutoring.selectors import in_service_counts_by_school

    counts = in_service_counts_by_school(
        school_ids=ctx.school_ids, start=ctx.school_year.start_date, end=ctx.day
    )
    return {
        sid: SourceValue(Decimal(counts.get(sid, 0)), f"在职教师在校外培训机构任职{counts.get(sid, 0)}人")
        for sid in ctx.school_ids
    }


SOURCES = (
    IndicatorSource(
        "routine_inspection",
        "教学常规检查达标率",
        "%",
        routine_inspection,
        "appraisal",
        suggested=(Decimal(60), Decimal(100)),
    ),
    IndicatorSource(
        "after_school_satisfaction",
        "课后服务满意率",
        "%",
        after_school_satisfaction,
        "appraisal",
        suggested=(Decimal(60), Decimal(95)),
    ),
    IndicatorSource(
        "rectification_on_time",
        "问题按期整改率",
        "%",
        rectification_on_time,
        "rectification",
        suggested=(Decimal(50), Decimal(100)),
    ),
    IndicatorSource(
        "safety_hazards_open",
        "未整改安全隐患数",
        "项",
        safety_hazards_open,
        "safety",
        lower_is_better=True,
        suggested=(Decimal(5), Decimal(0)),
    ),
    IndicatorSource(
        "after_school_coverage",
        "课后服务参与率",
        "%",
        after_school_coverage,
        "burden",
        suggested=(Decimal(50), Decimal(90)),
    ),
    IndicatorSource(
        "homework_compliance",
        "书面作业时长达标率",
        "%",
        homework_compliance,
        "burden",
        suggested=(Decimal(60), Decimal(100)),
    ),
    IndicatorSource(
        "fitness_pass_rate",
        "体质健康测试及格率",
        "%",
        fitness_pass_rate,
        "quality",
        suggested=(Decimal(80), Decimal(95)),
    ),
    IndicatorSource(
        "value_added", "增值评价（分）", "分", value_added, "quality", suggested=(Decimal(-5), Decimal(5))
    ),
    IndicatorSource(
        "balanced_met",
        "优质均衡资源配置指标达标率",
        "%",
        balanced_met,
        "resources",
        suggested=(Decimal(50), Decimal(100)),
    ),
    IndicatorSource(
        "inspector_score",
        "督学督导得分率",
        "%",
        inspector_score,
        "supervision",
        suggested=(Decimal(60), Decimal(95)),
    ),
    IndicatorSource(
        "in_service_tutoring",
        "在职教师校外有偿补课人数",
        "人",
        in_service_tutoring,
        "tutoring",
        lower_is_better=True,
        suggested=(Decimal(3), Decimal(0)),
    ),
)


def register() -> None:
    for source in SOURCES:
        register_source(source)
