"""The burden app's demo data: homework for every compulsory class of the current school year from
the start of the current term up to the day before the build date (at least the first WEEKS weeks,
so a district built early in term still shows trends), with violations concentrated as districts
report them (a few crowded urban schools and graduating grades repeatedly over the limit, one
grade-2 class given written homework); class boards for teacher1's classes; exams with a few
violations; after-school services (one school without, one ending too early); questionnaires
where one over-limit class also under-reports its published time.

Registered with the demo framework from BurdenConfig.ready(); draws only from ctx.rng()."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from decimal import Decimal
from typing import Any

from django.utils import timezone

from edugov.ingest.fastdb import insert_rows
from edugov.registry.calendar import SchoolCalendar
from edugov.registry.models import School, SchoolClass, SchoolType, TeachingAssignment, Term

from .models import (
    AfterSchoolService,
    ClassBoard,
    Exam,
    ExamKind,
    Homework,
    HomeworkType,
    ProgrammeKind,
    Respondent,
    ResultForm,
    SurveyResponse,
)

HOMEWORK_COLUMNS = (
    "school_class_id", "date", "subject", "homework_type", "content", "estimated_minutes", "layered",
    "teacher_id", "created_at",
)  # fmt: skip
# At least this many weeks from the start of the term (term 1: the National Day week included):
# enough for trends and repeated violations even when the demo is built in the first days of a term.
WEEKS = 9
BATCH = 5000
PRIMARY_WRITTEN = ("语文", "数学", "英语")
JUNIOR_WRITTEN = ("语文", "数学", "英语", "物理", "化学", "历史", "地理", "生物学", "道德与法治")
CONTENT = {
    "语文": (
        "抄写本课生字词",
        "完成课堂练习册第{p}页",
        "阅读课文并回答课后问题",
        "写一段100字左右的观察日记",
    ),
    "数学": ("完成练习册第{p}页", "口算练习20题", "完成课本第{p}页练习", "整理本单元错题"),
    "英语": ("抄写本单元单词", "完成练习册Unit {u}", "背诵课文对话"),
}
ORAL = ("朗读课文三遍", "亲子共读20分钟", "背诵古诗一首", "听英语录音跟读")
PRACTICAL = ("观察月亮的变化并记录", "做一件家务并说一说", "测量家中桌子的长度", "跳绳10分钟")
COMPULSORY = (SchoolType.PRIMARY, SchoolType.JUNIOR, SchoolType.NINE_YEAR)


def register_demo() -> None:
    from edugov.demo.base import register_generator

    register_generator("burden", build_burden, order=400, reset=reset_burden)


def reset_burden() -> None:
    for model in (SurveyResponse, Homework, ClassBoard, Exam, AfterSchoolService):
        model.objects.all().delete()


def _content(rng, subject: str) -> str:  # type: ignore[no-untyped-def]
    options = CONTENT.get(subject, ("完成练习册第{p}页", "复习本课内容并完成课后习题"))
    return rng.choice(options).format(p=rng.randint(3, 60), u=rng.randint(1, 6))


def current_term(terms: list[Term], today: dt.date) -> Term:
    """The term under way on `today`, else the last one begun (in a vacation), else the first."""
    begun = [t for t in terms if t.start_date <= today]
    return begun[-1] if begun else terms[0]


def homework_days(calendar: SchoolCalendar, term: Term, today: dt.date) -> list[dt.date]:
    """The school days given homework: from the term's start to the day before `today` (today's is
    for the teacher to publish), or the term's first WEEKS weeks if that is later."""
    start = term.start_date
    end = min(term.end_date, max(today - dt.timedelta(days=1), start + dt.timedelta(days=7 * WEEKS - 1)))
    return [d for d in calendar.school_days(start, end) if d != today]


def _monday(day: dt.date) -> dt.date:
    return day - dt.timedelta(days=day.weekday())


def _school_day_from(calendar: SchoolCalendar, day: dt.date, term: Term) -> dt.date:
    """The first school day on or after `day` in the term (exams and surveys are not held at weekends)."""
    return next(iter(calendar.school_days(day, term.end_date)), day)


def build_burden(ctx) -> None:  # type: ignore[no-untyped-def]
    reg = ctx.state.get("registry")
    if reg is None:
        return
    year = reg.years[ctx.current_year]
    terms = list(Term.objects.filter(school_year=year).order_by("start_date"))
    if not terms:
        return
    term = current_term(terms, ctx.today)
    rng = ctx.rng("burden")
    calendar = SchoolCalendar.for_year(year)
    start = term.start_date
    days = homework_days(calendar, term, ctx.today)
    schools = [s for s in reg.schools if s.school_type in COMPULSORY and not s.is_teaching_point]
    classes = list(
        SchoolClass.objects.filter(school_year=year, grade__in=range(1, 10), archived_at__isnull=True)
        .select_related("school")
        .order_by("school_id", "grade", "number")
    )
    teachers: dict[tuple[int, str], int] = {
        (cid, subject): tid
        for cid, subject, tid in TeachingAssignment.objects.filter(
            school_class__school_year=year
        ).values_list("school_class_id", "subject", "teacher_id")
    }
    # Violations concentrate: two urban schools overload their upper grades, graduating classes
    # are pushed before the exams, and one grade-2 class gets written homework.
    urban = [s for s in schools if s.locale == "urban"] or schools
    hot_schools = set()
    for types in ((SchoolType.PRIMARY,), (SchoolType.JUNIOR, SchoolType.NINE_YEAR)):
        pool = [s for s in urban if s.school_type in types]
        if pool:
            hot_schools.add(rng.choice(pool).pk)
    first_week = _monday(start)
    hot_weeks = {first_week + dt.timedelta(days=7 * w) for w in (3, 4, 5, 7)}
    # Straight through the cursor (the import engine's bulk writer), as the quality demo's results:
    # Django's bulk_create spends most of the build making and compiling the instances.
    rows: list[tuple[Any, ...]] = []
    now = timezone.now()
    written_by_class: dict[int, list[int]] = defaultdict(list)
    lower_violator = next((c for c in classes if c.grade == 2 and c.school_id in hot_schools), None)
    for cls in classes:
        if cls.grade <= 2:
            base = 0
        elif cls.grade <= 6:
            base = 45
        else:
            base = 75
        hot = cls.school_id in hot_schools and cls.grade >= 4
        graduating = cls.grade in (6, 9)
        for day in days:
            week = _monday(day)
            target = base
            if base and (hot and week in hot_weeks):
                target = int((60 if cls.grade <= 6 else 90) * rng.uniform(1.08, 1.35))
            elif base and graduating and week >= first_week + dt.timedelta(days=42) and rng.random() < 0.3:
                target = int(base * rng.uniform(1.05, 1.3))
            elif base:
                target = int(base * rng.uniform(0.6, 1.08))
            subjects = PRIMARY_WRITTEN if cls.grade <= 6 else JUNIOR_WRITTEN
            if cls.grade <= 6:
                chosen = list(subjects[:2] if cls.grade < 3 else subjects)
            else:
                chosen = rng.sample(subjects, k=4)
            if target:
                shares = [rng.uniform(0.6, 1.4) for _ in chosen]
                total = sum(shares)
                for subject, share in zip(chosen, shares, strict=True):
                    minutes = max(5, int(round(target * share / total / 5) * 5))
                    content = _content(rng, subject)
                    layered = rng.random() < 0.2
                    rows.append(
                        (cls.pk, day, subject, HomeworkType.WRITTEN, content, minutes, layered,
                         teachers.get((cls.pk, subject)), now)
                    )  # fmt: skip
                    written_by_class[cls.pk].append(minutes)
            # Every class: oral reading or a practical task most days.
            if rng.random() < 0.7:
                oral_subject = "语文" if rng.random() < 0.6 else "英语" if cls.grade >= 3 else "道德与法治"
                content = rng.choice(ORAL)
                minutes = rng.choice((10, 15, 20))
                rows.append(
                    (cls.pk, day, oral_subject, HomeworkType.ORAL, content, minutes, False,
                     teachers.get((cls.pk, oral_subject)), now)
                )  # fmt: skip
            if cls.grade <= 2 and rng.random() < 0.3:
                content = rng.choice(PRACTICAL)
                minutes = rng.choice((10, 15))
                rows.append((cls.pk, day, "科学", HomeworkType.PRACTICAL, content, minutes, False, None, now))
            if cls is lower_violator and day.weekday() in (0, 2):
                rows.append(
                    (cls.pk, day, "数学", HomeworkType.WRITTEN, "完成口算本一页", 15, False,
                     teachers.get((cls.pk, "数学")), now)
                )  # fmt: skip
        if len(rows) >= BATCH:
            ctx.count("作业公示", insert_rows(Homework, HOMEWORK_COLUMNS, rows))
            rows = []
    ctx.count("作业公示", insert_rows(Homework, HOMEWORK_COLUMNS, rows))

    # Boards for teacher1's classes, so the parents' link works from the first login.
    t1_classes = SchoolClass.objects.filter(school_year=year, assignments__teacher=reg.teacher1).distinct()
    ClassBoard.objects.bulk_create(
        [ClassBoard(school_class=c, token=f"demo{rng.getrandbits(160):040x}") for c in t1_classes]
    )
    ctx.count("班级作业公示栏", len(t1_classes))

    _exams(ctx, rng, schools, term, calendar)
    _after_school(ctx, rng, schools, term, classes)
    _surveys(ctx, rng, classes, hot_schools, written_by_class, term, calendar, len(days))


def _exams(ctx, rng, schools: list[School], term: Term, calendar: SchoolCalendar) -> None:  # type: ignore[no-untyped-def]
    from edugov.registry.models import SCHOOL_TYPE_GRADES

    def on(days: int) -> dt.date:
        return _school_day_from(calendar, term.start_date + dt.timedelta(days=days), term)

    exams = []
    final = _school_day_from(calendar, term.end_date - dt.timedelta(days=12), term)
    mid = on(68)
    for school in schools:
        for grade in SCHOOL_TYPE_GRADES[school.school_type]:
            for subject in ("语文", "数学") if grade <= 6 else ("语文", "数学", "英语"):
                # Grades 1-2: an end-of-term assessment without paper (游园式测评).
                exams.append(
                    Exam(
                        school=school,
                        term=term,
                        grade=grade,
                        subject=subject,
                        kind=ExamKind.END_OF_TERM,
                        date=final,
                        is_paper=grade >= 3,
                    )
                )
                if grade >= 7:
                    exams.append(
                        Exam(
                            school=school,
                            term=term,
                            grade=grade,
                            subject=subject,
                            kind=ExamKind.MID_TERM,
                            date=mid,
                        )
                    )
    # The violations a supervision visit finds: monthly tests and a paper exam in grade 2.
    offenders = rng.sample(schools, k=min(2, len(schools)))
    for n, school in enumerate(offenders):
        grades = list(SCHOOL_TYPE_GRADES[school.school_type])
        grade = grades[-1]
        exams.append(
            Exam(
                school=school,
                term=term,
                grade=grade,
                subject="数学",
                kind=ExamKind.PERIODIC,
                date=on(30),
                result_form=ResultForm.RANKING,
            )
        )
        if n == 0 and 2 in grades:
            exams.append(
                Exam(
                    school=school,
                    term=term,
                    grade=2,
                    subject="数学",
                    kind=ExamKind.UNIT_TEST,
                    date=on(37),
                    is_paper=True,
                )
            )
    Exam.objects.bulk_create(exams, batch_size=BATCH, ignore_conflicts=True)
    ctx.count("考试登记", len(exams))


def _after_school(ctx, rng, schools: list[School], term: Term, classes: list[SchoolClass]) -> None:  # type: ignore[no-untyped-def]
    pupils: dict[int, int] = defaultdict(int)
    for c in classes:
        pupils[c.school_id] += c.boys + c.girls
    rural = [s for s in schools if s.locale == "rural"] or schools
    without = rural[0] if rural else None
    early = next((s for s in schools if s is not without and s.locale != "urban"), None)
    services = []
    for school in schools:
        if school is without or not pupils[school.pk]:
            continue
        total = pupils[school.pk]
        requested = int(total * rng.uniform(0.75, 0.95))
        enrolled = min(requested, int(total * rng.uniform(0.7, 0.92)))
        end = (
            dt.time(17, 0)
            if school is early
            else rng.choice((dt.time(17, 30), dt.time(17, 40), dt.time(18, 0)))
        )
        services.append(
            AfterSchoolService(
                school=school,
                term=term,
                days_per_week=5,
                start_time=dt.time(15, 30),
                end_time=end,
                flexible_dismissal=rng.random() < 0.7,
                programmes=rng.sample(ProgrammeKind.values, k=rng.randint(3, 6)),
                pupils_total=total,
                pupils_requested=requested,
                pupils_enrolled=enrolled,
                average_attendance=int(enrolled * rng.uniform(0.88, 0.98)),
                staff_own=max(1, total // 40),
                staff_external=rng.randint(0, 6),
                satisfaction_rate=Decimal(f"{rng.uniform(0.86, 0.98):.4f}"),
            )
        )
    AfterSchoolService.objects.bulk_create(services)
    ctx.count("课后服务", len(services))


def _surveys(ctx, rng, classes, hot_schools, written_by_class, term: Term, calendar, n_days: int) -> None:  # type: ignore[no-untyped-def]
    """Twenty questionnaires in one class per school and grade 5 or 8; in the hot schools the
    pupils report far more time than was published (under-reporting)."""
    survey_day = _school_day_from(calendar, term.start_date + dt.timedelta(days=50), term)
    chosen = [c for c in classes if c.grade in (5, 8) and c.number == 1]
    rows = []
    for c in chosen:
        per_day = sum(written_by_class.get(c.pk, [])) / max(1, n_days)
        factor = rng.uniform(1.5, 1.9) if c.school_id in hot_schools else rng.uniform(0.9, 1.15)
        sleep_need = 10 if c.grade <= 6 else 9
        for i in range(20):
            rows.append(
                SurveyResponse(
                    school_class=c,
                    survey_date=survey_day,
                    response_code=f"Q{c.pk:05d}{i:02d}",
                    respondent=Respondent.STUDENT if i % 2 else Respondent.PARENT,
                    homework_minutes=max(0, int(per_day * factor * rng.uniform(0.8, 1.2))),
                    sleep_hours=Decimal(f"{sleep_need + rng.uniform(-1.2, 0.6):.1f}"),
                    phone_kept_by_school=rng.random() < 0.9,
                    reading_minutes=rng.choice((0, 15, 20, 30, 45)),
                    activity_minutes=rng.choice((60, 90, 120, 150)),
                )
            )
    SurveyResponse.objects.bulk_create(rows, batch_size=BATCH)
    ctx.count("负担问卷", len(rows))
