"""Master studios and research communities: calendar report periods worked by hand, the due date
(period end + 10 days, data), the lead teacher filing a report, refusals in Chinese with nothing
written, an overdue report becoming a rectification item, and the studio board page."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.test import Client

from edugov.accounts.models import Role
from edugov.common.errors import DomainError, PermissionDenied
from edugov.rectification.findings import FindingContext
from edugov.registry.models import Teacher
from edugov.testing import login
from edugov.workforce import studios
from edugov.workforce.findings import studio_reports_overdue
from edugov.workforce.models import Studio, StudioReport

pytestmark = pytest.mark.django_db

D = dt.date


def test_periods_are_calendar_periods():
    assert studios.periods("quarterly", D(2025, 3, 1), D(2025, 12, 31)) == [
        ("2025年第1季度", D(2025, 3, 31)),
        ("2025年第2季度", D(2025, 6, 30)),
        ("2025年第3季度", D(2025, 9, 30)),
        ("2025年第4季度", D(2025, 12, 31)),
    ]
    assert studios.periods("half_yearly", D(2025, 8, 15), D(2026, 2, 1)) == [
        ("2025年下半年", D(2025, 12, 31)),
        ("2026年上半年", D(2026, 6, 30)),
    ]
    assert studios.periods("monthly", D(2024, 1, 15), D(2024, 3, 1)) == [
        ("2024年1月", D(2024, 1, 31)),
        ("2024年2月", D(2024, 2, 29)),
        ("2024年3月", D(2024, 3, 31)),
    ]
    assert studios.periods("yearly", D(2025, 3, 1), D(2026, 2, 28)) == [
        ("2025年度", D(2025, 12, 31)),
        ("2026年度", D(2026, 12, 31)),
    ]
    assert studios.period_start("quarterly", D(2025, 6, 30)) == D(2025, 4, 1)
    assert studios.period_start("half_yearly", D(2025, 12, 31)) == D(2025, 7, 1)


def _studio(world: Any, **kw: Any) -> Studio:
    md = world.md
    li = Teacher.objects.get(staff_number="T002")
    return studios.studio_create(
        actor=world.personnel,
        name=kw.pop("name", "王老师名师工作室"),
        kind=kw.pop("kind", "famous_teacher"),
        lead=md.teacher_a,
        members=[li, md.teacher_a],
        plan="大单元教学研究",
        cadence=kw.pop("cadence", "quarterly"),
        started_on=D(2025, 3, 1),
    )


def test_create_schedules_the_first_year_and_the_lead_files(world):
    md = world.md
    studio = _studio(world)
    # The first year runs to 2026-02-28: Q1 2025 to Q1 2026, each due ten days after the quarter.
    reports = list(studio.reports.order_by("period_end"))
    assert [r.period_label for r in reports] == [
        "2025年第1季度", "2025年第2季度", "2025年第3季度", "2025年第4季度", "2026年第1季度"
    ]  # fmt: skip
    assert reports[0].due_on == D(2025, 4, 10) and reports[-1].due_on == D(2026, 4, 10)
    assert list(studio.members.values_list("name", flat=True)) == ["李老师"]  # the lead is not a member
    lead = md.users[Role.TEACHER]
    q1 = reports[0]
    studios.report_submit(actor=lead, report=q1, summary="完成两次示范课", today=D(2025, 4, 8))
    q1.refresh_from_db()
    assert q1.submitted_on == D(2025, 4, 8) and q1.summary == "完成两次示范课"
    with pytest.raises(DomainError, match="2025年第1季度的报告已报送"):
        studios.report_submit(actor=lead, report=q1, summary="再报一次", today=D(2025, 4, 9))
    with pytest.raises(DomainError, match="请填写报告内容"):
        studios.report_submit(actor=lead, report=reports[1], summary="  ", today=D(2025, 7, 1))
    with pytest.raises(DomainError, match="2025年第4季度尚未开始"):
        studios.report_submit(actor=lead, report=reports[3], summary="提前", today=D(2025, 9, 1))
    with pytest.raises(PermissionDenied):
        studios.report_submit(
            actor=md.users[Role.SCHOOL_ADMIN], report=reports[1], summary="代报", today=D(2025, 7, 1)
        )
    assert StudioReport.objects.filter(submitted_on__isnull=False).count() == 1


def test_bad_studios_are_refused_and_nothing_written(world):
    md = world.md
    _studio(world)
    with pytest.raises(DomainError, match="已有名为“王老师名师工作室”的工作室"):
        _studio(world)
    with pytest.raises(DomainError, match="报告周期"):
        _studio(world, name="另一个", cadence="weekly")
    with pytest.raises(DomainError, match="类型"):
        _studio(world, name="另一个", kind="famous")
    with pytest.raises(DomainError, match="请填写名称"):
        _studio(world, name=" ")
    with pytest.raises(DomainError, match="成立日期：应在2000年至2100年之间"):
        studios.studio_create(
            actor=world.personnel, name="远", kind="principal", lead=md.teacher_a, started_on=D(9999, 12, 31)
        )
    leap = studios.studio_create(  # a leap day: the first year runs to 2025-02-27
        actor=world.personnel,
        name="闰",
        kind="principal",
        lead=md.teacher_a,
        cadence="yearly",
        started_on=D(2024, 2, 29),
    )
    assert list(leap.reports.values_list("period_label", flat=True)) == ["2024年度", "2025年度"]
    leap.delete()
    with pytest.raises(PermissionDenied):
        studios.studio_create(
            actor=md.users[Role.SCHOOL_ADMIN],
            name="校内",
            kind="principal",
            lead=md.teacher_a,
            started_on=D(2025, 3, 1),
        )
    assert Studio.objects.count() == 1


def test_an_overdue_report_becomes_a_rectification_item(world):
    studio = _studio(world)
    studios.report_submit(
        actor=world.personnel,
        report=studio.reports.get(period_label="2025年第1季度"),
        summary="已报",
        today=D(2025, 4, 3),
    )
    now = dt.datetime(2025, 7, 15, 9, 0, tzinfo=dt.UTC)
    found = list(studio_reports_overdue(FindingContext(now=now)))
    # Q2 was due 2025-07-10 and is not filed: five days late; Q3 is not due yet.
    assert [f.title for f in found] == ["王老师名师工作室2025年第2季度报告逾期未报"]
    assert found[0].data["days_late"] == 5 and "2025年7月10日前报送，已逾期5天" in found[0].evidence
    assert found[0].unit.kind == "school" and found[0].unit.id == world.md.school_a.pk


def test_the_board_shows_studios_and_overdue_reports(world, settings):
    studio = _studio(world)
    StudioReport.objects.filter(studio=studio, period_label="2025年第1季度").update(due_on=D(2000, 1, 10))
    html = login(Client(), world.personnel).get("/workforce/studios/").content.decode()
    assert "王老师名师工作室" in html and "季报" in html and "2025年第1季度" in html and "逾期未报" in html
    assert login(Client(), world.md.users[Role.SCHOOL_ADMIN]).get("/workforce/studios/").status_code == 403
    # The personnel department files the overdue report from the board; a blank one is refused.
    report = studio.reports.get(period_label="2025年第1季度")
    client = login(Client(), world.personnel)
    r = client.post(f"/workforce/studio-reports/{report.pk}/submit/", {"summary": ""}, follow=True)
    assert "请填写报告内容" in r.content.decode()
    report.refresh_from_db()
    assert report.submitted_on is None
    client.post(f"/workforce/studio-reports/{report.pk}/submit/", {"summary": "补报"})
    report.refresh_from_db()
    assert report.submitted_on is not None


def test_communities_and_activities(world):
    md = world.md
    c = studios.community_create(
        actor=world.personnel, name="音乐学科共同体", kind="subject", subject="音乐", lead=md.teacher_a
    )
    with pytest.raises(DomainError, match="未知学科"):
        studios.community_create(
            actor=world.personnel, name="x", kind="subject", subject="魔法", lead=md.teacher_a
        )
    studios.activity_add(
        actor=world.personnel,
        community=c,
        held_on=D(2025, 10, 9),
        title="同课异构",
        participants=18,
        today=D(2025, 10, 10),
    )
    with pytest.raises(DomainError, match="活动日期：不能晚于今天"):
        studios.activity_add(
            actor=world.personnel, community=c, held_on=D(2025, 10, 11), title="x", today=D(2025, 10, 10)
        )
    assert c.activities.count() == 1


def test_the_lead_files_from_their_own_page(world):
    studio = _studio(world)
    StudioReport.objects.filter(studio=studio, period_label="2025年第1季度").update(due_on=D(2000, 1, 10))
    client = login(Client(), world.md.users[Role.TEACHER])
    html = client.get("/workforce/me/").content.decode()
    assert "我领衔的工作室" in html and "王老师名师工作室 2025年第1季度" in html and "已逾期" in html
    report = studio.reports.get(period_label="2025年第1季度")
    r = client.post(
        f"/workforce/studio-reports/{report.pk}/submit/",
        {"summary": "补报：两次示范课", "next": "/workforce/me/"},
    )
    assert r.status_code == 302 and r["Location"] == "/workforce/me/"
    report.refresh_from_db()
    assert report.summary == "补报：两次示范课"
    # Another teacher's studio report: not theirs to file.
    other = _studio(world, name="乙镇名师工作室")
    Studio.objects.filter(pk=other.pk).update(lead=world.teacher_b, lead_school=world.md.school_b)
    foreign = other.reports.order_by("pk")[0]
    assert client.post(f"/workforce/studio-reports/{foreign.pk}/submit/", {"summary": "x"}).status_code in (
        403,
        404,
    )
