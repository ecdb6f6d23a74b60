"""The correction loop (a teacher asks, the school decides, each step audited) and the record's
bad input: unknown subjects, a birth month in the future, a school outside the writer's scope."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from edugov.accounts.models import Role
from edugov.audit.models import AuditEvent
from edugov.common.errors import DomainError, PermissionDenied
from edugov.workforce import services
from edugov.workforce.models import CorrectionRequest, CorrectionStatus, SubjectLoad, TeacherYear

from .conftest import BASE

pytestmark = pytest.mark.django_db


def _request(world: Any, **kw: str) -> CorrectionRequest:
    args = {"field": "title", "requested_value": "一级", "reason": "2025年12月评为一级教师"} | kw
    return services.correction_request(actor=world.md.users[Role.TEACHER], record=world.records["a"], **args)


def test_teacher_requests_and_school_approves(world):
    md = world.md
    req = _request(world)
    assert (req.status, req.current_value, req.requested_value) == (CorrectionStatus.PENDING, "二级", "一级")
    done = services.correction_decide(actor=md.users[Role.SCHOOL_ADMIN], request=req, approve=True)
    assert done.status == CorrectionStatus.APPROVED and done.decided_by == md.users[Role.SCHOOL_ADMIN]
    assert TeacherYear.objects.get(pk=world.records["a"].pk).title == "first"
    events = AuditEvent.objects.filter(model__in=["workforce.CorrectionRequest", "workforce.TeacherYear"])
    changes = [e.changes for e in events.filter(model="workforce.TeacherYear", action="update")]
    assert {"title": ["second", "first"], "correction": req.pk} in changes
    assert events.filter(model="workforce.CorrectionRequest").count() == 2  # filed, decided
    with pytest.raises(DomainError, match="已审核"):
        services.correction_decide(actor=md.users[Role.SCHOOL_ADMIN], request=req, approve=False, note="x")


def test_rejection_needs_a_reason_and_leaves_the_record(world):
    md = world.md
    req = _request(world, field="rural_years", requested_value="3", reason="曾在村小任教3年")
    with pytest.raises(DomainError, match="驳回理由"):
        services.correction_decide(actor=md.users[Role.SCHOOL_ADMIN], request=req, approve=False)
    services.correction_decide(
        actor=md.users[Role.SCHOOL_ADMIN], request=req, approve=False, note="人事档案记载为1年，请提供证明"
    )
    req.refresh_from_db()
    assert req.status == CorrectionStatus.REJECTED and req.decision_note.startswith("人事档案")
    assert TeacherYear.objects.get(pk=world.records["a"].pk).rural_years == 0


@pytest.mark.parametrize(
    ("kw", "message"),
    [
        ({"requested_value": "教授"}, "职称：应为正高级、高级、一级、二级、三级、未定级之一"),
        ({"field": "birth_year", "requested_value": "1990"}, "不能申请更正"),
        ({"requested_value": "二级"}, "与现有值相同"),
        ({"reason": "  "}, "请填写更正理由"),
        ({"field": "rural_years", "requested_value": "三年"}, "应为整数"),
    ],
)
def test_bad_requests_are_refused_in_chinese(world, kw, message):
    with pytest.raises(DomainError, match=message):
        _request(world, **kw)
    assert not world.records["a"].corrections.exists()


def test_one_pending_request_per_field(world):
    _request(world)
    with pytest.raises(DomainError, match="已有待审核"):
        _request(world, requested_value="高级")


def test_a_teacher_acts_on_their_own_record_only(world):
    teacher = world.md.users[Role.TEACHER]
    with pytest.raises(PermissionDenied):
        services.correction_request(
            actor=teacher, record=world.records["t3"], field="title", requested_value="一级", reason="x"
        )
    req = _request(world)
    with pytest.raises(PermissionDenied):  # nor decides their own request
        services.correction_decide(actor=teacher, request=req, approve=True)
    with pytest.raises(PermissionDenied):  # another school's administrator cannot decide it
        from edugov.testing import make_user

        other = make_user(Role.SCHOOL_ADMIN, school=world.md.school_b)
        services.correction_decide(actor=other, request=req, approve=True)


def test_record_save_refuses_bad_input_and_writes_nothing(world):
    md = world.md
    admin = md.users[Role.SCHOOL_ADMIN]
    before = (TeacherYear.objects.count(), SubjectLoad.objects.count())
    with pytest.raises(DomainError, match="未知学科“书法课”"):
        services.teacher_year_save(
            actor=admin, teacher=md.teacher_a, school_year=md.year, data=BASE, loads={"书法课": 2}
        )
    future = {**BASE, "birth_year": 2026, "birth_month": 12}
    with pytest.raises(DomainError, match="出生年月不能晚于当前月份"):
        services.teacher_year_save(
            actor=admin,
            teacher=md.teacher_a,
            school_year=md.year,
            data=future,
            loads={},
            today=dt.date(2026, 11, 5),
        )
    with pytest.raises(PermissionDenied):  # school B's teacher is outside school A's administrator
        services.teacher_year_save(
            actor=admin, teacher=world.teacher_b, school_year=md.year, data=BASE, loads={"数学": 12}
        )
    assert (TeacherYear.objects.count(), SubjectLoad.objects.count()) == before
    assert SubjectLoad.objects.filter(teacher_year=world.records["a"]).count() == 2


def test_record_save_updates_in_place_and_audits_the_loads(world):
    md = world.md
    record = services.teacher_year_save(
        actor=world.personnel,
        teacher=md.teacher_a,
        school_year=md.year,
        data={**BASE, "title": "first"},
        loads={"语文": 12, "美术": 2},
    )
    assert record.pk == world.records["a"].pk and record.title == "first"
    assert dict(record.loads.values_list("subject", "weekly_periods")) == {"语文": 12, "美术": 2}
    changes = [
        e.changes for e in AuditEvent.objects.filter(model="workforce.TeacherYear", object_id=str(record.pk))
    ]
    assert {"loads": [{"语文": 12, "音乐": 4}, {"语文": 12, "美术": 2}]} in changes
