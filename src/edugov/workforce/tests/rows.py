"""Town B's workforce rows for the scope and write walks (tests/test_scope_walk.py): a yearly
record of town B's teacher, with a subject load and a pending correction request."""

from __future__ import annotations

import datetime as dt
from typing import Any

from edugov.workforce.models import CorrectionRequest, Exchange, SubjectLoad, TeacherYear


def add_town_b_workforce(w: Any) -> None:
    record = TeacherYear.objects.create(
        teacher=w.teacher_b,
        school_year=w.year,
        school=w.school_b,
        qualification="bachelor",
        certificate_stage="primary",
        certificate_subject="音乐",
        birth_year=1980,
        birth_month=3,
    )
    SubjectLoad.objects.create(teacher_year=record, subject="音乐", weekly_periods=12)
    CorrectionRequest.objects.create(
        teacher_year=record,
        field="title",
        current_value="未定级",
        requested_value="一级",
        reason=f"{w.school_b.name}职称评审结果",
        requested_by=w.user_b,
    )
    Exchange.objects.create(
        teacher=w.teacher_b,
        kind="rotation",
        from_school=w.school_b,
        to_school=w.school_a,
        start_date=dt.date(w.year.start_year, 9, 1),
        end_date=dt.date(w.year.start_year + 1, 7, 1),
        evaluation=f"{w.school_b.name}派出",
    )
