"""The burden app's finding sources for the rectification loop (see docs/rectification.md):
classes over the homework limit for consecutive weeks (escalated), exams against the rules,
schools without an after-school service or ending before the work-end time, and classes whose
questionnaires report far more time than was published. One item per cause; the cause keys are
stable, so a rerun refreshes the same items instead of adding new ones."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterator
from typing import Any

from edugov.accounts.models import Department
from edugov.common.dates import cn_date
from edugov.rectification.findings import Finding, FindingContext, Unit, register_finding_source
from edugov.registry.models import Term

from . import rules, selectors
from .models import Homework

OVER_LIMIT = "burden.homework_over_limit"
EXAMS = "burden.exam_violation"
AFTER_SCHOOL = "burden.after_school"
UNDERREPORTING = "burden.underreporting"


def finding_term(today: dt.date) -> Term | None:
    """The term the findings are about: the latest term begun by `today` in which homework was
    published (so a fresh term without data does not flag every school), else the term of today."""
    latest = Homework.objects.filter(date__lte=today).order_by("-date").values_list("date", flat=True).first()
    day = latest or today
    return (
        Term.objects.select_related("school_year")
        .filter(start_date__lte=day, end_date__gte=day)
        .order_by("-start_date")
        .first()
    )


def _setup(ctx: FindingContext) -> tuple[Any, Term | None, dt.date]:
    today = ctx.now.date()
    return ctx.reader(), finding_term(today), today


def homework_over_limit(ctx: FindingContext) -> Iterator[Finding]:
    """One item per class and term once the class has been over the limit for the configured
    number of consecutive weeks."""
    reader, term, today = _setup(ctx)
    if term is None or today < term.start_date:
        return
    report = selectors.homework_compliance(user=reader, term=term, end=today)
    for c in report.escalated:
        weeks = [cw for cw in report.class_weeks if cw.class_id == c.class_id and cw.over]
        listed = "；".join(f"{cw.week_start:%m月%d日}起一周日均{cw.average}分钟" for cw in weeks[-6:])
        yield Finding(
            cause_key=f"{OVER_LIMIT}:{c.class_id}:{term.pk}",
            source=OVER_LIMIT,
            unit=Unit.school(c.school_id),
            title=f"{c.school_name}{c.class_name}书面作业连续{c.longest_run}周超时",
            evidence=(
                f"{term}：{c.class_name}（上限日均{c.limit:g}分钟）统计{c.weeks_measured}周，"
                f"超标{c.weeks_over}周，最长连续{c.longest_run}周，最高周平均{c.max_average}分钟。{listed}。"
            ),
            severity="high" if c.longest_run >= 2 * report.escalate_after else "medium",
            required_action="统筹各学科作业总量，落实作业公示与班主任统筹，两周内使该班书面作业日均时长降至上限以内。",
            department=Department.BASIC_EDUCATION,
            deadline_days=14,
            data={
                "class_id": c.class_id,
                "weeks_over": c.weeks_over,
                "longest_run": c.longest_run,
                "max_average": float(c.max_average),
                "limit": c.limit,
            },
        )


def exam_violations(ctx: FindingContext) -> Iterator[Finding]:
    """One item per registered exam that breaks a rule (all its problems in one item)."""
    reader, term, _today = _setup(ctx)
    if term is None:
        return
    by_exam: dict[int, list[selectors.ExamViolationRow]] = defaultdict(list)
    for v in selectors.exam_violation_list(user=reader, term=term):
        by_exam[v.exam_id].append(v)
    for exam_id, rows in by_exam.items():
        first = rows[0]
        problems = "；".join(r.message for r in rows)
        yield Finding(
            cause_key=f"{EXAMS}:{exam_id}",
            source=EXAMS,
            unit=Unit.school(first.school_id),
            title=f"{first.school_name}{first.grade}年级{first.subject}{first.kind_label}不符合考试管理规定",
            evidence=f"{cn_date(first.date)}登记的{first.grade}年级{first.subject}{first.kind_label}：{problems}。",
            severity="high" if any(r.rule == "burden.exam.periodic_test_max" for r in rows) else "medium",
            required_action="停止违规考试安排，成绩以等级呈现、不排名不公布，并报送整改说明。",
            department=Department.BASIC_EDUCATION,
            deadline_days=14,
            data={"exam_id": exam_id, "rules": [r.rule for r in rows]},
        )


def after_school_gaps(ctx: FindingContext) -> Iterator[Finding]:
    """One item per school and term without an after-school service, and one per school and term
    whose service ends before the local work-end time."""
    reader, term, _today = _setup(ctx)
    if term is None:
        return
    overview = selectors.after_school_overview(user=reader, term=term)
    days_min, hours_min = rules.after_school_minimums(
        area_path=ctx.area.path if ctx.area is not None else "", year=term.school_year.start_year
    )
    for r in overview.rows:
        if not r.provided:
            yield Finding(
                cause_key=f"{AFTER_SCHOOL}:missing:{r.school_id}:{term.pk}",
                source=AFTER_SCHOOL,
                unit=Unit.school(r.school_id),
                title=f"{r.school_name}未开展课后服务",
                evidence=f"{term}未登记课后服务。",
                severity="high",
                required_action=f"按“5+2”要求开展课后服务（每周{days_min}天、每天不少于{hours_min.normalize():f}小时，"
                "结束时间不早于当地下班时间）并填报。",
                department=Department.BASIC_EDUCATION,
                deadline_days=30,
                data={"school_id": r.school_id},
            )
            continue
        late = [p for p in r.problems if p.startswith("结束时间")]
        if late:
            yield Finding(
                cause_key=f"{AFTER_SCHOOL}:early_end:{r.school_id}:{term.pk}",
                source=AFTER_SCHOOL,
                unit=Unit.school(r.school_id),
                title=f"{r.school_name}课后服务结束时间早于下班时间",
                evidence=f"{term}课后服务{r.start_time:%H:%M}–{r.end_time:%H:%M}：{'；'.join(r.problems)}。",
                severity="medium",
                required_action="调整课后服务时间，结束时间不早于当地正常下班时间，并实行弹性离校。",
                department=Department.BASIC_EDUCATION,
                deadline_days=30,
                data={"school_id": r.school_id, "end_time": f"{r.end_time:%H:%M}"},
            )


def underreporting(ctx: FindingContext) -> Iterator[Finding]:
    """One item per class and term whose questionnaires report more homework time than was
    published, beyond the configured margin."""
    reader, term, _today = _setup(ctx)
    if term is None:
        return
    for r in selectors.survey_comparison(user=reader, term=term):
        if not r.underreported:
            continue
        school_id = r.school_id
        published = "未公示" if r.published_minutes is None else f"{r.published_minutes}分钟"
        yield Finding(
            cause_key=f"{UNDERREPORTING}:{r.class_id}:{term.pk}",
            source=UNDERREPORTING,
            unit=Unit.school(school_id),
            title=f"{r.school_name}{r.class_name}作业公示用时可能偏低",
            evidence=(
                f"{term}问卷{r.responses}份反映每天书面作业{r.reported_minutes}分钟，"
                f"公示日均{published}，超出允许误差。"
            ),
            severity="medium",
            required_action="核查该班实际作业量与公示是否一致，如实公示并压减作业总量。",
            department=Department.BASIC_EDUCATION,
            deadline_days=21,
            data={
                "class_id": r.class_id,
                "reported": float(r.reported_minutes),
                "published": None if r.published_minutes is None else float(r.published_minutes),
            },
        )


def register() -> None:
    register_finding_source(OVER_LIMIT, homework_over_limit, label="作业连续超时")
    register_finding_source(EXAMS, exam_violations, label="考试违规")
    register_finding_source(AFTER_SCHOOL, after_school_gaps, label="课后服务缺失或结束过早")
    register_finding_source(UNDERREPORTING, underreporting, label="作业公示用时偏低")
