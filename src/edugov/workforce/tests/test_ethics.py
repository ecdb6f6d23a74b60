"""Ethics (师德师风): an incident registered and handled by the personnel department, refused in
Chinese with nothing written; a confirmed one vetoes the year's 优秀 at once; tutoring's matches
arrive once as incidents; only the personnel department and the leaders see incidents, the rest
of the bureau counts, schools and teachers nothing."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.test import Client

from edugov.accounts.models import Role
from edugov.common.errors import DomainError, PermissionDenied
from edugov.testing import login, make_user
from edugov.workforce import appraisal, ethics
from edugov.workforce.models import Appraisal, EthicsIncident

pytestmark = pytest.mark.django_db

D = dt.date
TODAY = D(2025, 11, 20)


def _incident(world: Any, **kw: Any) -> EthicsIncident:
    return ethics.incident_create(
        actor=kw.pop("actor", world.personnel),
        teacher=kw.pop("teacher", world.md.teacher_a),
        school_year=world.md.year,
        category=kw.pop("category", "integrity"),
        occurred_on=kw.pop("occurred_on", D(2025, 9, 10)),
        summary=kw.pop("summary", "收受家长礼品"),
        today=TODAY,
    )


def test_register_and_refusals_write_nothing(world):
    row = _incident(world)
    assert row.school == world.md.school_a and row.get_status_display() == "待处理"
    with pytest.raises(DomainError, match="发生日期不能晚于今天"):
        _incident(world, occurred_on=D(2025, 11, 21))
    with pytest.raises(DomainError, match="请填写事由"):
        _incident(world, summary="  ")
    with pytest.raises(DomainError, match="违反准则"):
        _incident(world, category="other")
    with pytest.raises(PermissionDenied):
        _incident(world, actor=world.md.users[Role.SCHOOL_ADMIN])
    with pytest.raises(PermissionDenied):
        _incident(world, actor=world.md.users[Role.LEADER])  # leaders read, they do not register
    assert EthicsIncident.objects.count() == 1


def test_confirmation_vetoes_the_years_excellent(world):
    md = world.md
    Appraisal.objects.create(teacher=md.teacher_a, school=md.school_a, school_year=md.year, grade="excellent")
    row = _incident(world)
    with pytest.raises(DomainError, match="查实的事件须选择处理方式"):
        ethics.incident_decide(actor=world.personnel, incident=row, confirmed=True, handling="")
    ethics.incident_decide(
        actor=world.personnel, incident=row, confirmed=True, handling="notice", effect="通报批评"
    )
    a = Appraisal.objects.get(teacher=md.teacher_a)
    assert a.get_grade_display() == "合格" and a.note == "师德一票否决（九、坚守廉洁自律）"
    assert ethics.vetoed_teacher_ids(md.year) == {md.teacher_a.pk}
    with pytest.raises(DomainError, match="已处理"):
        ethics.incident_decide(actor=world.personnel, incident=row, confirmed=False)
    # From now on 优秀 is refused for the teacher (the veto applies automatically).
    with pytest.raises(DomainError, match="王老师本学年有查实的师德师风问题"):
        appraisal.appraisal_save(
            actor=world.personnel, school=md.school_a, year=md.year, grades={md.teacher_a.pk: "excellent"}
        )
    # A dismissed incident vetoes nothing.
    other = _incident(world, teacher=world.teacher_b)
    ethics.incident_decide(actor=world.personnel, incident=other, confirmed=False, effect="经核查不属实")
    assert ethics.vetoed_teacher_ids(md.year) == {md.teacher_a.pk}


def test_tutoring_matches_arrive_once(world):
    from edugov.tutoring.models import Staff
    from edugov.tutoring.tests.factories import make_institution, officer

    inst = make_institution(world.md, officer(world.md), name="启航培训学校")
    Staff.objects.create(
        institution=inst,
        name="王老师",
        id_number="310101198001011234",
        subject="数学",
        employed_from=D(2025, 9, 1),
        in_service_teacher=world.md.teacher_a,
    )
    assert ethics.sync_tutoring_matches(year=world.md.year, today=TODAY) == 1
    assert ethics.sync_tutoring_matches(year=world.md.year, today=TODAY) == 0
    row = EthicsIncident.objects.get()
    assert (
        row.get_category_display() == "十、规范从教行为"
        and row.get_source_display() == "校外培训从业人员比对"
    )
    assert row.occurred_on == D(2025, 9, 1) and "启航培训学校" in row.summary and "1234" not in row.summary


def test_only_personnel_and_leaders_see_incidents(world):
    md = world.md
    _incident(world, summary="事由甲")
    row = _incident(world, teacher=world.teacher_b, summary="事由乙")
    ethics.incident_decide(actor=world.personnel, incident=row, confirmed=True, handling="warning")
    for user in (world.personnel, md.users[Role.LEADER], md.users[Role.DISTRICT_ADMIN]):
        assert ethics.incident_list(actor=user).count() == 2
        html = login(Client(), user).get("/workforce/ethics/?year=2025").content.decode()
        assert "事由甲" in html and "事由乙" in html
    basic = md.users[Role.DEPARTMENT_OFFICER]  # 基础教育科: counts only
    for user in (basic, md.users[Role.SCHOOL_ADMIN], md.users[Role.TEACHER]):
        assert ethics.incident_list(actor=user).count() == 0
        assert login(Client(), user).get("/workforce/ethics/").status_code == 403
        body = login(Client(), user).get("/api/v1/workforce/ethics/").content.decode()
        assert "事由" not in body
    c = ethics.counts(actor=md.users[Role.LEADER], year=md.year)
    assert (c.total, c.by_status, c.vetoed) == (2, {"待处理": 1, "已查实处理": 1, "经核查不属实": 0}, 1)
    assert c.by_category == {"九、坚守廉洁自律": 1}
    # The school administrator: their school's statuses and counts, nothing more; the school page
    # shows them without a teacher's name or the summary.
    c = ethics.counts(actor=md.users[Role.SCHOOL_ADMIN], year=md.year)
    assert (c.total, c.by_status, c.vetoed) == (1, {"待处理": 1, "已查实处理": 0, "经核查不属实": 0}, 0)
    html = login(Client(), md.users[Role.SCHOOL_ADMIN]).get(f"/workforce/schools/{md.school_a.pk}/?year=2025")
    assert "师德师风" in html.content.decode() and "事由甲" not in html.content.decode()
    assert ethics.counts(actor=basic, year=md.year).total == 0
    assert ethics.counts(actor=md.users[Role.TEACHER], year=md.year).total == 0
    # A town officer of the personnel department sees their town's incidents only.
    town = make_user(Role.DEPARTMENT_OFFICER, area=md.town_a, department="personnel")
    assert list(ethics.incident_list(actor=town).values_list("summary", flat=True)) == ["事由甲"]


def test_the_page_registers_by_staff_number_and_refuses_in_chinese(world):
    client = login(Client(), world.personnel)
    r = client.post(
        "/workforce/ethics/?year=2025",
        {"staff_number": "X999", "category": "care", "occurred_on": "2025-10-01", "summary": "某事"},
    )
    assert r.status_code == 400 and "找不到教工号“X999”" in r.content.decode()
    r = client.post(
        "/workforce/ethics/?year=2025",
        {"staff_number": "T001", "category": "care", "occurred_on": "2025-13-01", "summary": "某事"},
    )
    assert r.status_code == 400 and "发生日期" in r.content.decode()
    assert EthicsIncident.objects.count() == 0
    r = client.post(
        "/workforce/ethics/?year=2025",
        {"staff_number": "T001", "category": "care", "occurred_on": "2025-10-01", "summary": "某事"},
    )
    assert r.status_code == 302 and EthicsIncident.objects.get().teacher == world.md.teacher_a
    row = EthicsIncident.objects.get()
    client.post(
        f"/workforce/ethics/{row.pk}/decide/",
        {"decision": "confirm", "handling": "criticism", "effect": "批评教育"},
    )
    row.refresh_from_db()
    assert row.get_status_display() == "已查实处理" and row.get_handling_display() == "批评教育"
