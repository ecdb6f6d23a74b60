"""Demo teacher records: titles, qualifications, employment and subject loads, and a correction story."""

from __future__ import annotations

import random
from collections import defaultdict

from edugov.demo.base import DemoContext
from edugov.registry.models import SchoolYear, TeachingAssignment

from .. import services
from ..models import TeacherYear
from ..norms import Norms, canonical_subject

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
