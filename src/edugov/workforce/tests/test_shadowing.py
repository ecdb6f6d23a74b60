"""Shadowing placements (跟岗学习) as their own records: 王 (甲街道第一小学) shadows at 乙镇中心小学 with
钱 as mentor; the refusals (own school, dates, mentor, overlap with an exchange or a placement),
the outcome recorded once, the page and the API for the personnel department only, an exchange of
kind 跟岗学习 refused, and migration 0009 moving the old exchanges of that kind."""

from __future__ import annotations

import datetime as dt
import importlib
from typing import Any

import pytest
from django.apps import apps
from django.test import Client
from rest_framework.test import APIClient

from edugov.accounts.models import Role
from edugov.audit.models import AuditEvent
from edugov.common.errors import DomainError, PermissionDenied
from edugov.registry.models import Teacher
from edugov.testing import login
from edugov.workforce import shadowing
from edugov.workforce.exchanges import exchange_create
from edugov.workforce.models import Exchange, ShadowingPlacement

pytestmark = pytest.mark.django_db

D = dt.date


def _place(world: Any, **kw: Any) -> ShadowingPlacement:
    md = world.md
    args = {
        "teacher": md.teacher_a,
        "host_school": md.school_b,
        "mentor": world.teacher_b,
        "start_date": D(2025, 10, 8),
        "end_date": D(2025, 12, 8),
        "goals": "学习大单元教学设计",
    } | kw
    return shadowing.placement_create(actor=world.personnel, **args)


def test_a_placement_and_its_outcome(world):
    md = world.md
    row = _place(world)
    assert (row.home_school, row.host_school, row.mentor, row.outcome) == (
        md.school_a,
        md.school_b,
        world.teacher_b,
        "ongoing",
    )
    assert AuditEvent.objects.filter(model="workforce.ShadowingPlacement", object_id=str(row.pk)).count() == 1
    done = shadowing.placement_outcome(
        actor=world.personnel, placement=row, outcome="excellent", evaluation="汇报课获好评"
    )
    assert (done.outcome, done.get_outcome_display(), done.evaluation) == (
        "excellent",
        "优秀",
        "汇报课获好评",
    )
    with pytest.raises(DomainError, match="已评定成效"):
        shadowing.placement_outcome(actor=world.personnel, placement=row, outcome="qualified")
    assert ShadowingPlacement.objects.get().outcome == "excellent"


def test_refusals_write_nothing(world):
    md = world.md
    li = Teacher.objects.get(staff_number="T002")
    cases: list[tuple[dict[str, Any], str]] = [
        ({"host_school": md.school_a, "mentor": None}, "跟岗学校不能是本校"),
        ({"end_date": D(2025, 10, 8)}, "结束日期应晚于开始日期"),
        ({"mentor": md.teacher_a}, "跟岗导师不能是跟岗教师本人"),
        ({"mentor": li}, "跟岗导师李老师不在乙镇中心小学任职"),
    ]
    for extra, message in cases:
        with pytest.raises(DomainError, match=message):
            _place(world, **extra)
    assert not ShadowingPlacement.objects.exists()
    with pytest.raises(DomainError, match="请选择合格、优秀或不合格"):
        shadowing.placement_outcome(actor=world.personnel, placement=_place(world), outcome="ongoing")


def test_a_placement_shares_the_teachers_calendar_with_exchanges(world):
    md = world.md
    exchange_create(
        actor=world.personnel,
        teacher=md.teacher_a,
        kind="rotation",
        to_school=md.point_a,
        start_date=D(2026, 3, 1),
        end_date=D(2026, 7, 10),
    )
    with pytest.raises(DomainError, match="王老师在2026-03-01至2026-07-10已有交流记录，时间不能重叠"):
        _place(world, start_date=D(2026, 2, 1), end_date=D(2026, 3, 2))
    _place(world)  # 2025-10-08 to 2025-12-08
    with pytest.raises(DomainError, match="王老师在2025-10-08至2025-12-08已有跟岗学习，时间不能重叠"):
        _place(world, start_date=D(2025, 12, 7), end_date=D(2026, 1, 7))
    with pytest.raises(DomainError, match="已有跟岗学习"):
        exchange_create(
            actor=world.personnel,
            teacher=md.teacher_a,
            kind="upward_secondment",
            to_school=md.school_b,
            start_date=D(2025, 11, 1),
            end_date=D(2026, 1, 1),
        )
    with pytest.raises(DomainError, match="跟岗学习请在“跟岗学习”中登记"):
        exchange_create(
            actor=world.personnel,
            teacher=md.teacher_a,
            kind="shadowing",
            to_school=md.school_b,
            start_date=D(2026, 8, 1),
            end_date=D(2026, 8, 20),
        )
    # The day a placement ends another may start.
    _place(world, start_date=D(2025, 12, 8), end_date=D(2026, 1, 8))
    assert (ShadowingPlacement.objects.count(), Exchange.objects.count()) == (2, 1)


@pytest.mark.parametrize("role", [Role.SCHOOL_ADMIN, Role.LEADER, Role.TEACHER])
def test_only_the_personnel_department_places(world, role):
    with pytest.raises(PermissionDenied):
        shadowing.placement_create(
            actor=world.md.users[role],
            teacher=world.md.teacher_a,
            host_school=world.md.school_b,
            start_date=D(2025, 10, 8),
            end_date=D(2025, 12, 8),
        )
    assert not ShadowingPlacement.objects.exists()


def _form(world: Any, **kw: Any) -> dict[str, Any]:
    md = world.md
    return {
        "form": "placement",
        "placement-teacher": md.teacher_a.pk,
        "placement-host_school": md.school_b.pk,
        "placement-mentor": world.teacher_b.pk,
        "placement-start_date": "2025-10-08",
        "placement-end_date": "2025-12-08",
        "placement-goals": "课堂观察与听评课",
        **kw,
    }


def test_the_page(world):
    md = world.md
    client = login(Client(), world.personnel)
    assert "登记跟岗学习" in client.get("/workforce/shadowing/").content.decode()
    response = client.post("/workforce/shadowing/", _form(world))
    assert response.status_code == 302
    row = ShadowingPlacement.objects.get()
    html = client.get(response["Location"]).content.decode()
    assert "已登记王老师到乙镇中心小学跟岗学习" in html and "2025年10月8日至2025年12月8日" in html
    refused = client.post("/workforce/shadowing/", _form(world, **{"placement-start_date": "2025-11-01"}))
    assert refused.status_code == 400 and "已有跟岗学习，时间不能重叠" in refused.content.decode()
    refused = client.post("/workforce/shadowing/", _form(world, **{"placement-end_date": "明天"}))
    assert refused.status_code == 400 and "请按“2026-03-01”的格式填写结束日期" in refused.content.decode()
    assert ShadowingPlacement.objects.count() == 1
    outcome = {
        "form": "outcome",
        "outcome-placement": row.pk,
        "outcome-outcome": "qualified",
        "outcome-evaluation": "完成",
    }
    assert client.post("/workforce/shadowing/", outcome).status_code == 302
    again = client.post("/workforce/shadowing/", outcome)
    assert again.status_code == 400 and "找不到该跟岗学习或已评定成效" in again.content.decode()
    assert ShadowingPlacement.objects.get().outcome == "qualified"
    # The leader reads it, writes nothing; a teacher does not see the page.
    leader = login(Client(), md.users[Role.LEADER])
    assert "乙镇中心小学" in leader.get("/workforce/shadowing/").content.decode()
    assert (
        leader.post(
            "/workforce/shadowing/",
            _form(world, **{"placement-start_date": "2026-01-01", "placement-end_date": "2026-02-01"}),
        ).status_code
        == 403
    )
    assert login(Client(), md.users[Role.TEACHER]).get("/workforce/shadowing/").status_code == 403
    assert ShadowingPlacement.objects.count() == 1


def test_the_api(world):
    md = world.md
    body = {
        "teacher": md.teacher_a.pk,
        "host_school": md.school_b.pk,
        "mentor": world.teacher_b.pk,
        "start_date": "2025-10-08",
        "end_date": "2025-12-08",
    }
    client = APIClient()
    client.force_authenticate(md.users[Role.SCHOOL_ADMIN])
    assert client.post("/api/v1/workforce/shadowing/", body, format="json").status_code == 403
    client.force_authenticate(world.personnel)
    created = client.post("/api/v1/workforce/shadowing/", body, format="json")
    assert created.status_code == 201, created.content
    assert created.json()["outcome_label"] == "进行中" and created.json()["teacher_name"] == "王老师"
    again = client.post("/api/v1/workforce/shadowing/", body, format="json")
    assert again.status_code == 400 and "已有跟岗学习" in again.json()["detail"]
    pk = created.json()["id"]
    done = client.post(f"/api/v1/workforce/shadowing/{pk}/outcome/", {"outcome": "qualified"}, format="json")
    assert done.status_code == 200 and done.json()["outcome_label"] == "合格"
    bad = client.post(f"/api/v1/workforce/shadowing/{pk}/outcome/", {"outcome": "excellent"}, format="json")
    assert bad.status_code == 400 and "已评定成效" in bad.json()["detail"]
    assert [r["id"] for r in client.get("/api/v1/workforce/shadowing/").json()["results"]] == [pk]


def test_migration_moves_shadowing_exchanges(world):
    md = world.md
    old = Exchange.objects.create(
        teacher=md.teacher_a,
        kind="shadowing",
        from_school=md.school_a,
        to_school=md.school_b,
        start_date=D(2025, 3, 1),
        end_date=D(2025, 5, 1),
        evaluation="按期返岗",
    )
    kept = Exchange.objects.create(
        teacher=md.teacher_a,
        kind="rotation",
        from_school=md.school_a,
        to_school=md.point_a,
        start_date=D(2025, 9, 1),
        end_date=D(2026, 7, 1),
    )
    migration = importlib.import_module("edugov.workforce.migrations.0009_shadowing_placement")
    migration.move_shadowing_exchanges(apps, None)
    assert list(Exchange.objects.values_list("pk", flat=True)) == [kept.pk]
    moved = ShadowingPlacement.objects.get()
    assert (moved.teacher, moved.home_school, moved.host_school, moved.start_date, moved.end_date) == (
        md.teacher_a,
        md.school_a,
        md.school_b,
        D(2025, 3, 1),
        D(2025, 5, 1),
    )
    assert (moved.evaluation, moved.outcome, moved.mentor) == ("按期返岗", "ongoing", None)
    assert old.pk not in Exchange.objects.values_list("pk", flat=True)
