"""The double-reduction rules as plain functions over plain values. Every threshold is read from
the standards library (`burden.*` codes in standards/data/national/double_reduction_2021.toml), so
a province or district that tightens a rule adds a standards file and changes no code."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from edugov.standards.loader import StandardValue, library

GRADUATING_GRADE = 9  # the last year of compulsory education (初中毕业年级)


def homework_stage(grade: int) -> str | None:
    """The stage key the homework and exam rules use; None outside compulsory education."""
    if grade in (1, 2):
        return "primary_lower"
    if 3 <= grade <= 6:
        return "primary"
    if 7 <= grade <= 9:
        return "junior"
    return None


def standard(
    code: str, *, stage: str = "all", area_path: str = "", year: int | None = None
) -> StandardValue | None:
    try:
        return library().value(code, stage=stage, area_path=area_path, year=year)
    except KeyError:
        return None


def written_limit(grade: int, *, area_path: str = "", year: int | None = None) -> StandardValue | None:
    """The average daily written-homework limit (minutes) for a grade; None when no rule applies."""
    stage = homework_stage(grade)
    if stage is None:
        return None
    return standard("burden.homework.written_daily_avg_max", stage=stage, area_path=area_path, year=year)


def escalate_after_weeks(*, area_path: str = "", year: int | None = None) -> int:
    found = standard("burden.homework.escalate_consecutive_weeks", area_path=area_path, year=year)
    return int(found.value) if found else 2


def week_start(day: dt.date) -> dt.date:
    """The Monday of the week of `day`."""
    return day - dt.timedelta(days=day.weekday())


def round1(value: Decimal | float) -> Decimal:
    return Decimal(str(value)).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)


def weekly_average(written_minutes: int, school_days: int) -> Decimal | None:
    """Written minutes of a week divided by its school days (from the calendar), to 0.1 minute.
    A week without school days has no average."""
    if school_days <= 0:
        return None
    return round1(Decimal(written_minutes) / Decimal(school_days))


def is_over(average: Decimal, limit: float) -> bool:
    """Over the limit when strictly above it: 60.0 is within a 60-minute limit, 60.1 is over."""
    return average > Decimal(str(limit))


def longest_run(weeks: Iterable[dt.date]) -> int:
    """The longest run of consecutive calendar weeks in a set of week starts (Mondays)."""
    ordered = sorted(set(weeks))
    best = run = 0
    previous: dt.date | None = None
    for week in ordered:
        run = run + 1 if previous is not None and (week - previous).days == 7 else 1
        best = max(best, run)
        previous = week
    return best


# Exams -------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class ExamFacts:
    """What the exam rules need to know of one registered exam."""

    id: int
    school_id: int
    term_id: int
    grade: int
    subject: str
    kind: str
    is_paper: bool
    result_form: str


@dataclass(frozen=True)
class ExamViolation:
    exam_id: int
    school_id: int
    rule: str  # standards code
    message: str


def exam_violations(
    exams: Iterable[ExamFacts], *, area_path: str = "", year: int | None = None
) -> list[ExamViolation]:
    """Every registered exam the 2021 exam-management notice does not allow. Counts are per school,
    term, grade and subject; the exams beyond the allowed count are the ones flagged."""
    from .models import ExamKind, ResultForm

    def limit(code: str, stage: str, default: float) -> float:
        found = standard(code, stage=stage, area_path=area_path, year=year)
        return found.value if found is not None else default

    min_paper_grade = limit("burden.exam.paper_exam_min_grade", "all", 3)
    out: list[ExamViolation] = []
    counts: dict[tuple[int, int, int, str, str], int] = {}
    for exam in sorted(exams, key=lambda e: e.id):
        stage = homework_stage(exam.grade)
        if stage is None:
            continue  # senior high is outside the compulsory-education notice
        if exam.is_paper and exam.grade < min_paper_grade:
            out.append(
                ExamViolation(
                    exam.id, exam.school_id, "burden.exam.paper_exam_min_grade", "一、二年级不得进行纸笔考试"
                )
            )
        key = (exam.school_id, exam.term_id, exam.grade, exam.subject, exam.kind)
        counts[key] = n = counts.get(key, 0) + 1
        if exam.kind == ExamKind.END_OF_TERM:
            allowed = limit("burden.exam.end_of_term_max", stage, 1)
            if n > allowed:
                out.append(
                    ExamViolation(
                        exam.id,
                        exam.school_id,
                        "burden.exam.end_of_term_max",
                        f"每学期只能组织{int(allowed)}次期末考试",
                    )
                )
        elif exam.kind == ExamKind.MID_TERM:
            allowed = limit("burden.exam.mid_term_max", stage, 0)
            if n > allowed:
                message = (
                    "小学不组织期中考试" if allowed == 0 else f"初中每学期最多组织{int(allowed)}次期中考试"
                )
                out.append(ExamViolation(exam.id, exam.school_id, "burden.exam.mid_term_max", message))
        elif exam.kind == ExamKind.MOCK:
            mock_stage = "graduating" if exam.grade == GRADUATING_GRADE else stage
            allowed = limit("burden.exam.mock_max", mock_stage, 0)
            if n > allowed:
                message = (
                    "非毕业年级不得组织模拟考试"
                    if allowed == 0
                    else f"毕业年级每学期最多组织{int(allowed)}次模拟考试"
                )
                out.append(ExamViolation(exam.id, exam.school_id, "burden.exam.mock_max", message))
        elif exam.kind == ExamKind.PERIODIC:
            out.append(
                ExamViolation(exam.id, exam.school_id, "burden.exam.periodic_test_max", "不得组织周考、月考")
            )
        if exam.result_form == ResultForm.RANKING:
            out.append(
                ExamViolation(
                    exam.id, exam.school_id, "burden.exam.result_form", "考试成绩不得排名、不得公布排名"
                )
            )
        elif exam.result_form == ResultForm.SCORES:
            out.append(
                ExamViolation(exam.id, exam.school_id, "burden.exam.result_form", "考试成绩应以等级方式呈现")
            )
    return out


# After-school service ----------------------------------------------------------------------------


@dataclass(frozen=True)
class AfterSchoolCheck:
    work_end: dt.time
    required_end: dt.time
    end_ok: bool
    days_ok: bool
    hours_ok: bool
    daily_hours: Decimal
    days_min: int = 5  # the standards' "5+2" in force (set by after_school_check)
    hours_min: Decimal = Decimal(2)

    @property
    def compliant(self) -> bool:
        return self.end_ok and self.days_ok and self.hours_ok

    @property
    def problems(self) -> list[str]:
        out = []
        if not self.end_ok:
            out.append(f"结束时间早于{self.required_end:%H:%M}（当地下班时间{self.work_end:%H:%M}）")
        if not self.days_ok:
            out.append(f"每周开展不足{self.days_min}天")
        if not self.hours_ok:
            out.append(f"每天时长{self.daily_hours}小时，不足{self.hours_min.normalize():f}小时")
        return out


def _hours_to_time(hours: float) -> dt.time:
    minutes = round(hours * 60)
    return dt.time(minutes // 60 % 24, minutes % 60)


def _add_minutes(t: dt.time, minutes: float) -> dt.time:
    total = min(t.hour * 60 + t.minute + round(minutes), 23 * 60 + 59)
    return dt.time(total // 60, total % 60)


def after_school_check(
    *,
    days_per_week: int,
    start_time: dt.time,
    end_time: dt.time,
    area_path: str = "",
    year: int | None = None,
) -> AfterSchoolCheck:
    """The "5+2" rule and the end time against the local work-end time (both from standards)."""

    def value(code: str, default: float) -> float:
        found = standard(code, area_path=area_path, year=year)
        return found.value if found is not None else default

    work_end = _hours_to_time(value("burden.after_school.local_work_end", 17.5))
    required_end = _add_minutes(work_end, value("burden.after_school.end_after_work_end_min", 0))
    minutes = (end_time.hour * 60 + end_time.minute) - (start_time.hour * 60 + start_time.minute)
    hours = round1(Decimal(minutes) / 60)
    days_min, hours_min = after_school_minimums(area_path=area_path, year=year)
    return AfterSchoolCheck(
        work_end=work_end,
        required_end=required_end,
        end_ok=end_time >= required_end,
        days_ok=days_per_week >= days_min,
        hours_ok=Decimal(minutes) >= hours_min * 60,
        daily_hours=hours,
        days_min=days_min,
        hours_min=hours_min,
    )


def after_school_minimums(*, area_path: str = "", year: int | None = None) -> tuple[int, Decimal]:
    """The "5+2" in force: days a week and hours a day an after-school service must offer."""
    days = standard("burden.after_school.days_per_week_min", area_path=area_path, year=year)
    hours = standard("burden.after_school.daily_hours_min", area_path=area_path, year=year)
    return int(days.value if days else 5), Decimal(str(hours.value if hours else 2))


def sleep_min_hours(grade: int, *, area_path: str = "", year: int | None = None) -> float | None:
    stage = homework_stage(grade) or ("senior" if 10 <= grade <= 12 else None)
    if stage is None:
        return None
    found = standard("burden.sleep.hours_min", stage=stage, area_path=area_path, year=year)
    return found.value if found else None


def activity_min_minutes(*, area_path: str = "", year: int | None = None) -> float:
    """Daily physical activity a pupil should have (minutes), for the questionnaires' share."""
    found = standard("burden.activity.daily_minutes_min", area_path=area_path, year=year)
    return found.value if found else 120


def underreport_margin(*, area_path: str = "", year: int | None = None) -> float:
    found = standard("burden.survey.underreport_margin", area_path=area_path, year=year)
    return found.value if found else 0.25
