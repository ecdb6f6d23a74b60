"""Town B's workforce rows for the scope and write walks (tests/test_scope_walk.py): a yearly
record of town B's teacher, with a subject load and a pending correction request, an exchange, a
shadowing placement, a
studio with an overdue report, a research community with an activity, an ethics incident and an
appraisal."""

from __future__ import annotations

import datetime as dt
from typing import Any

from edugov.workforce.models import (
    Appraisal,
    CommunityActivity,
    CorrectionRequest,
    EthicsIncident,
    Exchange,
    PostRound,
    ResearchCommunity,
    RoundPost,
    RoundResult,
    ShadowingPlacement,
    Studio,
    StudioReport,
    SubjectLoad,
    TeacherYear,
)


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
    ShadowingPlacement.objects.create(
        teacher=w.teacher_b,
        home_school=w.school_b,
        host_school=w.school_a,
        start_date=dt.date(w.year.start_year + 1, 7, 2),
        end_date=dt.date(w.year.start_year + 1, 8, 20),
        goals=f"{w.school_b.name}跟岗",
    )
    start = dt.date(w.year.start_year, 9, 1)
    studio = Studio.objects.create(
        name=f"{w.school_b.name}名师工作室",
        kind="famous_teacher",
        lead=w.teacher_b,
        lead_school=w.school_b,
        plan=f"{w.school_b.name}工作计划",
        cadence="quarterly",
        started_on=start,
    )
    StudioReport.objects.create(
        studio=studio,
        period_label=f"{w.year.start_year}年第3季度",
        period_end=dt.date(w.year.start_year, 9, 30),
        due_on=dt.date(w.year.start_year, 10, 10),
    )
    community = ResearchCommunity.objects.create(
        name=f"{w.school_b.name}音乐共同体",
        kind="subject",
        subject="音乐",
        lead=w.teacher_b,
        lead_school=w.school_b,
    )
    CommunityActivity.objects.create(community=community, held_on=start, title=f"{w.school_b.name}同课异构")
    EthicsIncident.objects.create(
        teacher=w.teacher_b,
        school=w.school_b,
        school_year=w.year,
        category="integrity",
        occurred_on=start,
        summary=f"{w.school_b.name}举报",
    )
    Appraisal.objects.create(teacher=w.teacher_b, school=w.school_b, school_year=w.year, grade="competent")
    rnd = PostRound.objects.create(district=w.district, school_year=w.year, status="assigned")
    post = RoundPost.objects.create(round=rnd, school=w.school_b, subject="音乐", posts=2)
    RoundResult.objects.create(round=rnd, teacher=w.teacher_b, post=post, rank=1, school=w.school_b)
