"""The workforce demo story: build, reset and registration with the demo generator."""

from __future__ import annotations

import datetime as dt

from edugov.demo.base import DemoContext, register_generator
from edugov.registry.models import Locale, SchoolClass, SchoolYear, Teacher

from ..models import (
    Exchange,
    MentorPair,
    RecruitmentLine,
    RecruitmentPlan,
    ShadowingPlacement,
    SubjectLoad,
    TeacherYear,
)
from ..norms import canonical_subject
from ..selectors import STAFFED_TYPES
from ..services import SUBJECTS
from .evaluation import _appraisals, _ethics, _round, _tiers
from .programmes import _communities, _exchanges, _mentoring, _recruitment_plan, _shadowing, _studios
from .records import (
    DEFAULT_PERIODS,
    _certificate_stage,
    _correction_story,
    _employment,
    _loads,
    _qualification,
    _title,
)


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
    ctx.count("跟岗学习", _shadowing(rng, current, this_year, today=ctx.today))
    ctx.count("名师工作室", _studios(rng, this_year, today=ctx.today))
    ctx.count("研修共同体", _communities(rng, this_year, today=ctx.today))
    ctx.count("乡村学校艰苦边远档次", _tiers(rng))
    ctx.count("年度考核结果", _appraisals(rng, current, this_year))
    ctx.count("师德师风事件", _ethics(rng, current, this_year, today=ctx.today))
    ctx.count("区管校聘选岗教师", _round(rng, current, this_year))


def reset_workforce() -> None:
    from ..models import Appraisal, EthicsIncident, PostRound, RemotenessTier, ResearchCommunity, Studio

    PostRound.objects.all().delete()
    EthicsIncident.objects.all().delete()
    Appraisal.objects.all().delete()
    RemotenessTier.objects.all().delete()
    ResearchCommunity.objects.all().delete()
    Studio.objects.all().delete()
    MentorPair.objects.all().delete()
    ShadowingPlacement.objects.all().delete()
    RecruitmentLine.objects.all().delete()
    RecruitmentPlan.objects.all().delete()
    Exchange.objects.all().delete()
    SubjectLoad.objects.all().delete()
    TeacherYear.objects.all().delete()


def register() -> None:
    # After the registry (100) and accounts (200): teachers and their assignments exist.
    register_generator("workforce", build_workforce, order=350, reset=reset_workforce)
