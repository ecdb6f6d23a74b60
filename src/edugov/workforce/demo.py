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
            "head_teacher_stars": rng.choices([0, 1, 2, 3, 4, 5], [30, 25, 20, 15, 7, 3])[0]
            if is_head
            else 0,
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
    this_year = [r for r in created if r.school_year_id == current.pk]
    ctx.count("名师工作室", _studios(rng, this_year, today=ctx.today))
    ctx.count("研修共同体", _communities(rng, this_year, today=ctx.today))
    ctx.count("乡村学校艰苦边远档次", _tiers(rng))
    ctx.count("年度考核结果", _appraisals(rng, current, this_year))
    ctx.count("师德师风事件", _ethics(rng, current, this_year, today=ctx.today))
    ctx.count("区管校聘选岗教师", _round(rng, current, this_year))


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


STUDIOS = (
    ("famous_teacher", "monthly", "名师工作室", "围绕新课标开展大单元教学研究，每月一次示范课和集体备课"),
    ("head_teacher", "quarterly", "名班主任工作室", "班级管理与家校共育专题研修，每季度一次案例分享"),
    ("principal", "half_yearly", "名校长工作室", "乡村学校管理诊断与集团化办学经验交流，每半年一次现场会"),
)


def _studios(rng: random.Random, records: list[TeacherYear], *, today: dt.date) -> int:
    """Three studios (名师, 名班主任, 名校长), each founded about a year and a half ago with a lead
    from an urban school and members from elsewhere; every past report filed, except the 名班主任
    studio's last quarter: overdue (a rectification item)."""
    from .models import StudioReport
    from .studios import schedule, studio_create

    if not records:
        return 0
    locale = dict(School.objects.values_list("pk", "locale"))
    urban = sorted(
        (
            r
            for r in records
            if locale.get(r.school_id) == Locale.URBAN and r.title in ("senior", "senior_professor")
        ),
        key=lambda r: (r.school_id, r.teacher_id),
    ) or sorted(records, key=lambda r: (r.school_id, r.teacher_id))
    started = dt.date(today.year - 1, 3, 1)
    made = 0
    used: set[int] = set()
    for i, (kind, cadence, suffix, plan) in enumerate(STUDIOS):
        lead = next((r for r in urban[i * 7 :] if r.teacher_id not in used), None)
        if lead is None:
            break
        used.add(lead.teacher_id)
        members = [
            r.teacher for r in rng.sample(records, min(8, len(records))) if r.teacher_id != lead.teacher_id
        ]
        studio = studio_create(
            actor=None,
            name=f"{lead.teacher.name}{suffix}",
            kind=kind,
            lead=lead.teacher,
            members=members,
            plan=plan,
            cadence=cadence,
            started_on=started,
        )
        schedule(studio, today)
        reports = list(StudioReport.objects.filter(studio=studio, due_on__lt=today).order_by("period_end"))
        late = reports[-1:] if kind == "head_teacher" else []
        for r in reports:
            if r in late:
                continue
            r.submitted_on = min(r.due_on - dt.timedelta(days=rng.randint(0, 8)), today)
            r.summary = f"{r.period_label}：完成{plan.split('，')[0]}，开展研修活动{rng.randint(1, 4)}次。"
            r.save(update_fields=["submitted_on", "summary"])
        made += 1
    return made


COMMUNITIES = (
    ("subject", "音乐", "全区音乐学科研修共同体"),
    ("subject", "科学", "全区科学学科研修共同体"),
    ("head_teacher", "", "乡村学校班主任研修共同体"),
    ("principal", "", "小规模学校校长研修共同体"),
)


def _communities(rng: random.Random, records: list[TeacherYear], *, today: dt.date) -> int:
    from .models import CommunityActivity
    from .studios import community_create

    if len(records) < 2:
        return 0
    pool = sorted(records, key=lambda r: (r.school_id, r.teacher_id))
    made = 0
    for kind, subject, name in COMMUNITIES:
        lead = rng.choice(pool)
        community = community_create(
            actor=None,
            name=name,
            kind=kind,
            subject=subject,
            lead=lead.teacher,
            members=[r.teacher for r in rng.sample(pool, min(12, len(pool)))],
        )
        CommunityActivity.objects.bulk_create(
            CommunityActivity(
                community=community,
                held_on=today - dt.timedelta(days=30 * k + rng.randint(0, 20)),
                title=rng.choice(["同课异构", "专题讲座", "课例研讨", "送教下乡", "读书分享"]),
                participants=rng.randint(8, 40),
                summary="",
            )
            for k in range(rng.randint(2, 6))
        )
        made += 1
    return made


def _tiers(rng: random.Random) -> int:
    from .models import RemotenessTier

    rural = School.objects.filter(locale=Locale.RURAL, school_type__in=STAFFED_TYPES).order_by("pk")
    rows = [RemotenessTier(school=s, tier=rng.choices([1, 2, 3, 4], [40, 30, 20, 10])[0]) for s in rural]
    RemotenessTier.objects.bulk_create(rows)
    return len(rows)


def _appraisals(rng: random.Random, year: SchoolYear, records: list[TeacherYear]) -> int:
    """The year's appraisal at every school, 优秀 at the cap (rounded down), a few 基本合格."""
    from .appraisal import excellent_cap, excellent_cap_share
    from .models import Appraisal

    share = excellent_cap_share(year=year.start_year)
    by_school: dict[int, list[TeacherYear]] = defaultdict(list)
    for r in records:
        by_school[r.school_id].append(r)
    rows = []
    for school_id, staff in by_school.items():
        best = set(r.teacher_id for r in rng.sample(staff, excellent_cap(len(staff), share)))
        for r in staff:
            grade = "excellent" if r.teacher_id in best else ("basic" if rng.random() < 0.02 else "competent")
            rows.append(
                Appraisal(teacher_id=r.teacher_id, school_id=school_id, school_year=year, grade=grade)
            )
    Appraisal.objects.bulk_create(rows, batch_size=2000)
    return len(rows)


def _ethics(rng: random.Random, year: SchoolYear, records: list[TeacherYear], *, today: dt.date) -> int:
    """Two reported incidents (one confirmed: its 优秀 vetoed), and the tutoring module's matches of
    in-service teachers brought in to handle (when tutoring's demo has run)."""
    from .ethics import incident_create, incident_decide, sync_tutoring_matches
    from .models import Appraisal

    if not records:
        return 0
    excellent = set(
        Appraisal.objects.filter(school_year=year, grade="excellent").values_list("teacher_id", flat=True)
    )
    pool = sorted(records, key=lambda r: r.teacher_id)
    first = next((r for r in pool if r.teacher_id in excellent), pool[0])
    second = rng.choice(pool)
    a = incident_create(
        actor=None,
        teacher=first.teacher,
        school_year=year,
        category="integrity",
        occurred_on=today - dt.timedelta(days=40),
        summary="家长举报教师节收受学生家长购物卡，经学校核实属实。",
        today=today,
    )
    incident_decide(
        actor=None,
        incident=a,
        confirmed=True,
        handling="notice",
        effect="通报批评，退还购物卡，当年考核不得评优",
    )
    incident_create(
        actor=None,
        teacher=second.teacher,
        school_year=year,
        category="care",
        occurred_on=today - dt.timedelta(days=5),
        summary="家长反映课堂上对学生言语讽刺，待学校调查。",
        today=today,
    )
    return 2 + sync_tutoring_matches(year=year, today=today)


def _round(rng: random.Random, year: SchoolYear, records: list[TeacherYear]) -> int:
    """The current year's 区管校聘 round of each district, with its results published: the
    posts of about ten schools (their short subjects), thirty 在编 teachers choosing, one appeal
    pending."""
    from edugov.registry.models import Area, AreaLevel

    from .models import RoundResult
    from .rounds import appeal_file, assign, choices_submit, choosing_open, posts_set, round_open

    made = 0
    paths = dict(School.objects.values_list("pk", "area__path"))
    for district in Area.objects.filter(level=AreaLevel.DISTRICT).order_by("path"):
        staff = [
            r
            for r in records
            if r.employment_type == "established" and paths.get(r.school_id, "").startswith(district.path)
        ]
        if len(staff) < 10:
            continue
        rnd = round_open(actor=None, district=district, year=year)
        schools = list(School.objects.filter(pk__in={r.school_id for r in staff}).order_by("pk"))
        posts = []
        for school in rng.sample(schools, min(10, len(schools))):
            for subject in rng.sample(["语文", "数学", "英语", "音乐", "美术", "体育与健康"], 2):
                posts.append(
                    posts_set(actor=None, rnd=rnd, school=school, subject=subject, posts=rng.randint(1, 3))
                )
        chosen_posts = [p for p in posts if p is not None]
        if not chosen_posts:
            continue
        choosing_open(actor=None, rnd=rnd)
        for r in rng.sample(staff, min(30, len(staff))):
            choices_submit(
                actor=None,
                rnd=rnd,
                teacher=r.teacher,
                posts=rng.sample(chosen_posts, min(3, len(chosen_posts))),
            )
            made += 1
        assign(actor=None, rnd=rnd)
        unplaced = RoundResult.objects.filter(round=rnd, post__isnull=True).select_related("teacher").first()
        if unplaced is not None:
            appeal_file(
                actor=None, result=unplaced, reason="本人任教满六年，申请到乡村学校任教", requested_post=None
            )
    return made


def reset_workforce() -> None:
    from .models import Appraisal, EthicsIncident, PostRound, RemotenessTier, ResearchCommunity, Studio

    PostRound.objects.all().delete()
    EthicsIncident.objects.all().delete()
    Appraisal.objects.all().delete()
    RemotenessTier.objects.all().delete()
    ResearchCommunity.objects.all().delete()
    Studio.objects.all().delete()
    MentorPair.objects.all().delete()
    RecruitmentLine.objects.all().delete()
    RecruitmentPlan.objects.all().delete()
    Exchange.objects.all().delete()
    SubjectLoad.objects.all().delete()
    TeacherYear.objects.all().delete()


def register() -> None:
    # After the registry (100) and accounts (200): teachers and their assignments exist.
    register_generator("workforce", build_workforce, order=350, reset=reset_workforce)
