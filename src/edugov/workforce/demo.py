"""Demo story of workforce: a yearly record for every teacher of the district's primary and
secondary schools, this year and last, built from the registry's teachers and this year's teaching
assignments. What the registry planned shows through: rural schools have few music, art and PE
teachers, so head teachers of other subjects teach those lessons (outside their certificate), and
rural staff are older, with more contract, retired-programme and volunteer teachers. Seeded by
ctx.rng; bulk-written, so the build stays fast."""

from __future__ import annotations

import datetime as dt
import random
from collections import defaultdict

from edugov.demo.base import DemoContext, register_generator
from edugov.registry.models import Locale, School, SchoolClass, SchoolYear, Teacher, TeachingAssignment

from . import services
from .models import Exchange, MentorPair, RecruitmentLine, RecruitmentPlan, SubjectLoad, TeacherYear
from .norms import Norms, canonical_subject
from .selectors import STAFFED_TYPES
from .services import SUBJECTS

MAX_PERIODS = 30  # per subject: a teacher's timetable never holds more
DEFAULT_PERIODS = 12  # a teacher with no class assignment in the demo (a subject taught by level)


def _certificate_stage(school_type: str) -> str:
    return "primary" if school_type == "primary" else "senior" if school_type == "senior" else "junior"


def _title(rng: random.Random, age: int) -> str:
    if age < 28:
        return rng.choice(["none", "second", "second", "third"])
    if age < 38:
        return rng.choice(["second", "first", "first"])
    if age < 48:
        return rng.choice(["first", "first", "senior"])
    return rng.choice(
        ["first", "senior", "senior", "senior"] + (["senior_professor"] if rng.random() < 0.05 else [])
    )


def _qualification(rng: random.Random, age: int, rural: bool) -> str:
    if age < 35:
        return "master" if rng.random() < (0.05 if rural else 0.2) else "bachelor"
    if age < 50:
        return "bachelor" if rng.random() < (0.6 if rural else 0.85) else "associate"
    return rng.choice(
        ["associate", "associate", "bachelor"] if rural else ["associate", "bachelor", "bachelor"]
    )


def _employment(rng: random.Random, age: int, rural: bool) -> str:
    r = rng.random()
    if rural and age >= 56 and r < 0.5:
        return "retired_programme"
    if rural and r < 0.04:
        return "volunteer"
    if r < (0.14 if rural else 0.07):
        return "contract"
    return "established"


def _loads(ctx: DemoContext, year: SchoolYear) -> dict[int, dict[str, int]]:
    norms = Norms.load_for()
    loads: dict[int, dict[str, int]] = defaultdict(lambda: defaultdict(int))
    for teacher_id, subject, grade in TeachingAssignment.objects.filter(
        school_class__school_year=year, school_class__archived_at__isnull=True
    ).values_list("teacher_id", "subject", "school_class__grade"):
        key = canonical_subject(subject)
        periods = norms.periods.get(key, {}).get(grade)
        if periods:
            loads[teacher_id][key] = min(MAX_PERIODS, loads[teacher_id][key] + int(periods))
    return loads


def build_workforce(ctx: DemoContext) -> None:
    current = SchoolYear.objects.filter(start_year=ctx.current_year).first()
    previous = SchoolYear.objects.filter(start_year=ctx.current_year - 1).first()
    if current is None:
        return
    rng = ctx.rng("workforce")
    ref = ctx.reference_date
    loads = _loads(ctx, current)
    heads = set(
        SchoolClass.objects.filter(school_year=current, head_teacher__isnull=False).values_list(
            "head_teacher_id", flat=True
        )
    )
    teachers = Teacher.objects.filter(
        archived_at__isnull=True, school__school_type__in=STAFFED_TYPES
    ).values_list(
        "pk",
        "school_id",
        "subject",
        "birth_date",
        "school__locale",
        "school__school_type",
        "school__is_teaching_point",
    )
    records: list[TeacherYear] = []
    record_loads: list[tuple[int, dict[str, int]]] = []
    for pk, school_id, subject, birth, locale, school_type, point in teachers.iterator(chunk_size=5000):
        birth = birth or dt.date(1985, 6, 15)
        age = ref.year - birth.year
        rural = locale == Locale.RURAL or bool(point)
        own = canonical_subject(subject or "语文")
        uncertified = rng.random() < (0.06 if rural else 0.015)
        since = max(birth.year + 22, ref.year - rng.randint(0, 14))
        is_head = pk in heads
        values = {
            "teacher_id": pk,
            "school_id": school_id,
            "employment_type": _employment(rng, age, rural),
            "title": _title(rng, age),
            "qualification": _qualification(rng, age, rural),
            "major": own if own in SUBJECTS else "",
            "certificate_stage": "none" if uncertified else _certificate_stage(school_type),
            "certificate_subject": "" if uncertified else (own if own in SUBJECTS else ""),
            "backbone_level": rng.choices(["none", "county", "city", "province"], [90, 7, 2.5, 0.5])[0],
            "is_head_teacher": is_head,
            "head_teacher_years": rng.randint(1, max(1, min(25, age - 22))) if is_head else 0,
            "joined_on": dt.date(birth.year + rng.randint(21, 24), 9, 1),
            "school_since": since,
            "rural_years": (ref.year - since + rng.randint(0, 10)) if rural else rng.choice([0, 0, 0, 1, 2]),
            "birth_year": birth.year,
            "birth_month": birth.month,
        }
        teaches = dict(loads.get(pk) or {own: DEFAULT_PERIODS})
        teaches = {s: p for s, p in teaches.items() if s in SUBJECTS and p > 0} or {"语文": DEFAULT_PERIODS}
        records.append(TeacherYear(school_year=current, **values))
        record_loads.append((len(records) - 1, teaches))
        if previous is not None and since <= previous.start_year:
            records.append(TeacherYear(school_year=previous, **{**values, "is_head_teacher": False}))
            record_loads.append((len(records) - 1, teaches))
    created = TeacherYear.objects.bulk_create(records, batch_size=2000)
    SubjectLoad.objects.bulk_create(
        [
            SubjectLoad(teacher_year_id=created[i].pk, subject=s, weekly_periods=p)
            for i, teaches in record_loads
            for s, p in teaches.items()
        ],
        batch_size=5000,
    )
    ctx.count("教师年度档案", len(created))
    _correction_story(current)
    ctx.count(
        "交流轮岗记录", _exchanges(rng, current, [r for r in created if r.school_year_id == current.pk])
    )
    ctx.count("招聘计划明细", _recruitment_plan(current))
    ctx.count("青蓝结对", _mentoring(rng, [r for r in created if r.school_year_id == current.pk]))


MENTORING_GOALS = (
    "一年内独立完成单元教学设计，公开课达到校级合格",
    "掌握班级管理常规，第二学期独立担任班主任",
    "形成个人教学风格，参加区级优质课评比",
)


def _mentoring(rng: random.Random, records: list[TeacherYear], *, pairs: int = 20) -> int:
    """Twenty mentoring pairs: in a school with at least two teachers, its youngest teacher guided
    by its oldest titled one (二级 or above)."""
    from .mentoring import pair_create
    from .models import MentoringOutcome

    by_school: dict[int, list[TeacherYear]] = {}
    for r in records:
        by_school.setdefault(r.school_id, []).append(r)
    made = 0
    for _sid, staff in sorted(by_school.items()):
        if made >= pairs:
            break
        titled = [r for r in staff if r.title in ("senior_professor", "senior", "first", "second")]
        if len(staff) < 2 or not titled:
            continue
        mentee = max(staff, key=lambda r: (r.birth_year, r.birth_month, r.pk))
        mentor = min(titled, key=lambda r: (r.birth_year, r.birth_month, r.pk))
        if mentor.pk == mentee.pk:
            continue
        pair_create(
            actor=None,
            school=mentee.school,
            school_year=mentee.school_year,
            mentor=mentor.teacher,
            mentee=mentee.teacher,
            goals=rng.choice(MENTORING_GOALS),
            observed_lessons=rng.randint(4, 40),
            outcome=rng.choice(
                [MentoringOutcome.ONGOING, MentoringOutcome.ONGOING, MentoringOutcome.QUALIFIED]
            ),
        )
        made += 1
    return made


def _recruitment_plan(year: SchoolYear) -> int:
    """The current year's plan as proposed from the five-year gaps, with the officer's first edit:
    the largest music line cut by one, covered by the group's shared teacher (a note says so)."""
    from .recruitment import plan_build

    plan = plan_build(actor=None, year=year)
    music = plan.lines.filter(subject="音乐", quantity__gt=1).order_by("-quantity", "pk").first()
    if music is not None:
        music.quantity -= 1
        music.note = "集团内共享音乐教师一名，少招一人"
        music.save(update_fields=["quantity", "note", "updated_at"])
    return plan.lines.count()


def _exchanges(rng: random.Random, year: SchoolYear, records: list[TeacherYear]) -> int:
    """A year of exchanges: most urban and town schools send about a tenth of their eligible
    teachers (six years or more at the school) to rural schools, a few send fewer than the rule."""
    rural = list(
        School.objects.filter(locale=Locale.RURAL, school_type__in=STAFFED_TYPES).values_list("pk", flat=True)
    )
    senders = dict(
        School.objects.filter(
            locale__in=[Locale.URBAN, Locale.TOWN], school_type__in=STAFFED_TYPES
        ).values_list("pk", "locale")
    )
    if not rural:
        return 0
    eligible: dict[int, list[TeacherYear]] = defaultdict(list)
    for r in records:
        if r.school_id in senders and r.school_since is not None and year.start_year - r.school_since >= 6:
            eligible[r.school_id].append(r)
    rows = []
    for school_id, staff in eligible.items():
        share = 0.12 if rng.random() < 0.75 else 0.04
        count = round(len(staff) * share)
        staff.sort(key=lambda r: (r.backbone_level == "none", r.teacher_id))  # backbone first, some
        chosen = staff[:1] + rng.sample(staff[1:], max(0, min(len(staff) - 1, count - 1))) if count else []
        for r in chosen:
            rows.append(
                Exchange(
                    teacher_id=r.teacher_id,
                    kind=rng.choice(["rotation", "rotation", "rural_placement"]),
                    from_school_id=school_id,
                    to_school_id=rng.choice(rural),
                    start_date=year.start_date,
                    end_date=dt.date(year.start_year + 1, 7, 15),
                    evaluation="",
                )
            )
    Exchange.objects.bulk_create(rows)
    return len(rows)


def _correction_story(year: SchoolYear) -> None:
    """The demo teacher has asked to correct their title; their school administrator decides."""
    from edugov.accounts.models import User

    teacher = User.objects.filter(username="teacher1", teacher__isnull=False).first()
    if teacher is None or teacher.teacher_id is None:
        return
    record = TeacherYear.objects.filter(teacher_id=int(teacher.teacher_id), school_year=year).first()
    if record is None:
        return
    wanted = "高级" if record.title != "senior" else "正高级"
    services.correction_request(
        actor=teacher,
        record=record,
        field="title",
        requested_value=wanted,
        reason="已通过本年度职称评审，见区人社局公示",
    )


def reset_workforce() -> None:
    MentorPair.objects.all().delete()
    RecruitmentLine.objects.all().delete()
    RecruitmentPlan.objects.all().delete()
    Exchange.objects.all().delete()
    SubjectLoad.objects.all().delete()
    TeacherYear.objects.all().delete()


def register() -> None:
    # After the registry (100) and accounts (200): teachers and their assignments exist.
    register_generator("workforce", build_workforce, order=350, reset=reset_workforce)
