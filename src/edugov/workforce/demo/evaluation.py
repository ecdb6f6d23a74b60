"""Demo remoteness tiers, appraisals, ethics incidents and a post round."""

from __future__ import annotations

import datetime as dt
import random
from collections import defaultdict

from edugov.registry.models import Locale, School, SchoolYear

from ..models import TeacherYear
from ..selectors import STAFFED_TYPES


def _tiers(rng: random.Random) -> int:
    from ..models import RemotenessTier

    rural = School.objects.filter(locale=Locale.RURAL, school_type__in=STAFFED_TYPES).order_by("pk")
    rows = [RemotenessTier(school=s, tier=rng.choices([1, 2, 3, 4], [40, 30, 20, 10])[0]) for s in rural]
    RemotenessTier.objects.bulk_create(rows)
    return len(rows)


def _appraisals(rng: random.Random, year: SchoolYear, records: list[TeacherYear]) -> int:
    """The year's appraisal at every school, 优秀 at the cap (rounded down), a few 基本合格."""
    from ..appraisal import excellent_cap, excellent_cap_share
    from ..models import Appraisal

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
    from ..ethics import incident_create, incident_decide, sync_tutoring_matches
    from ..models import Appraisal

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

    from ..models import RoundResult
    from ..rounds import appeal_file, assign, choices_submit, choosing_open, posts_set, round_open

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
