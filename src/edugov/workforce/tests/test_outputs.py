"""What leaves the module: the shortage findings that become rectification items (one per school,
subject and year, refreshed not duplicated), the registered staffing report, and the demo generator
on the mini district."""

from __future__ import annotations

import datetime as dt

import pytest

from edugov.demo.base import DemoContext
from edugov.rectification.models import RectificationItem
from edugov.rectification.services import findings_sync
from edugov.reports import build_report, render
from edugov.workforce.demo import build_workforce
from edugov.workforce.findings import SHORTAGE, UNCERTIFIED
from edugov.workforce.models import MentorPair, RecruitmentPlan, SubjectLoad, TeacherYear

pytestmark = pytest.mark.django_db


def test_a_shortage_at_the_threshold_becomes_one_item(world):
    md = world.md
    findings_sync(source=SHORTAGE)
    items = RectificationItem.objects.filter(finding_source=SHORTAGE)
    # school A: music 1.0 and art 1.0 short (threshold 1.0); PE 0.88, the point's 0.25: below it
    assert sorted(i.title for i in items) == [
        "甲街道第一小学美术教师缺口1人",
        "甲街道第一小学音乐教师缺口1人",
    ]
    music = items.get(title__contains="音乐")
    assert music.school == md.school_a and music.department == "personnel"
    assert "资格证相符的0人" in music.evidence and music.evidence_data["need"] == 1.0
    findings_sync(source=SHORTAGE)  # a rerun refreshes, never duplicates
    assert RectificationItem.objects.filter(finding_source=SHORTAGE).count() == 2


def test_uncertified_teachers_become_an_item(world):
    findings_sync(source=UNCERTIFIED)
    item = RectificationItem.objects.get(finding_source=UNCERTIFIED)
    assert item.title == "甲街道第一小学有1名教师未取得教师资格证"


def test_staffing_report_in_every_format(world):
    doc = build_report(world.personnel, "workforce.staffing", {"year": "2025"})
    schools = doc.section("schools")
    row = next(r for r in schools.rows if r[1] == "甲街道第一小学")
    assert row[3:10] == [332, 8, 3, 110.7, 18, 2, 16]  # pupils, classes, teachers, ratio, posts
    assert "中央编办发〔2014〕72号" in " ".join(r[0] for r in doc.section("standards").rows)
    # school A 16, its teaching point 3 (nobody on its staff), school B ceil(40 / 19) = 3 - 1 = 2
    assert dict(doc.summary)["缺编"] == "21人（3所学校）"
    assert doc.section("rotation").rows == []  # no school has teachers long enough at it yet
    for fmt in ("xlsx", "pdf", "json"):
        assert len(render(doc, fmt)) > 500


def test_demo_generator_builds_records_from_the_registry(world):
    md = world.md
    TeacherYear.objects.all().delete()
    ctx = DemoContext(seed=1, scale=1.0, today=dt.date(2026, 3, 1))
    build_workforce(ctx)
    record = TeacherYear.objects.get(teacher=md.teacher_a, school_year=md.year)
    # the mini district's teacher teaches 语文 to one grade-3 class: 6 periods a week
    assert dict(SubjectLoad.objects.filter(teacher_year=record).values_list("subject", "weekly_periods")) == {
        "语文": 6
    }
    assert ctx.counts["教师年度档案"] == TeacherYear.objects.count() >= 4
    # the current year's recruitment plan, as proposed from the five-year gaps (a line per school
    # and subject at least half a teacher short)
    plan = RecruitmentPlan.objects.get(school_year=md.year)
    assert ctx.counts["招聘计划明细"] == plan.lines.count() >= 1
    assert all(line.proposed >= 1 for line in plan.lines.all())
    # mentoring pairs: school A (three teachers) pairs its youngest with its oldest titled teacher
    assert ctx.counts["青蓝结对"] == MentorPair.objects.count() >= 1
    assert all(p.mentor_id != p.mentee_id for p in MentorPair.objects.all())
