"""Exchanges (城乡轮岗): the refusals (same school, overlap, dates, role) and school A's rotation share
by hand: 王 (10 years at the school, county backbone) and 赵 (7 years) are eligible after the
6 years of the data file, 李 (3 years) is not; 王 rotates to the teaching point this school year:
1 of 2 eligible = 50% (rule: 10%), backbone 1 of 1 = 100% (rule: 20%)."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from edugov.accounts.models import Role
from edugov.common.errors import DomainError, PermissionDenied
from edugov.workforce.exchanges import exchange_create, rotation_shares
from edugov.workforce.models import Exchange, TeacherYear

pytestmark = pytest.mark.django_db

D = dt.date


def _rotate(world: Any, **kw: Any) -> Exchange:
    md = world.md
    args = {
        "teacher": md.teacher_a,
        "kind": "rotation",
        "to_school": md.point_a,
        "start_date": D(2025, 9, 1),
        "end_date": D(2026, 7, 10),
    } | kw
    return exchange_create(actor=world.personnel, **args)


def test_rotation_share_by_hand(world):
    md = world.md
    records = TeacherYear.objects.filter(school_year=md.year)
    records.filter(teacher=md.teacher_a).update(school_since=2015, backbone_level="county")
    records.filter(teacher__staff_number="T003").update(school_since=2018)
    records.filter(teacher__staff_number="T002").update(school_since=2022)
    before = {r.school_id: r for r in rotation_shares(actor=world.personnel, year=md.year)}
    assert (before[md.school_a.pk].eligible, before[md.school_a.pk].rotated, before[md.school_a.pk].met) == (
        2,
        0,
        False,
    )
    _rotate(world)
    rows = {r.school_id: r for r in rotation_shares(actor=world.personnel, year=md.year)}
    a = rows[md.school_a.pk]
    assert (a.eligible, a.rotated, a.backbone, a.share, a.backbone_share, a.met) == (
        2,
        1,
        1,
        50.0,
        100.0,
        True,
    )
    assert md.point_a.pk not in rows  # a rural teaching point receives; it is not held to the rule


@pytest.mark.parametrize(
    ("kw", "message"),
    [
        ({"to_school": None}, "派出学校和接收学校不能相同"),
        ({"end_date": D(2025, 8, 1)}, "结束日期应晚于开始日期"),
    ],
)
def test_bad_exchanges_are_refused(world, kw, message):
    if "to_school" in kw:
        kw = {"to_school": world.md.school_a}
    with pytest.raises(DomainError, match=message):
        _rotate(world, **kw)
    assert not Exchange.objects.exists()


def test_an_overlapping_exchange_is_refused(world):
    _rotate(world)
    with pytest.raises(DomainError, match="2025-09-01至2026-07-10已有交流记录"):
        _rotate(
            world,
            kind="upward_secondment",
            start_date=D(2026, 3, 1),
            end_date=D(2026, 9, 1),
            to_school=world.md.school_b,
        )
    assert Exchange.objects.count() == 1
    _rotate(
        world,
        kind="upward_secondment",
        start_date=D(2026, 7, 10),
        end_date=D(2026, 9, 1),
        to_school=world.md.school_b,
    )


def test_only_the_personnel_office_records_exchanges(world):
    with pytest.raises(PermissionDenied):
        exchange_create(
            actor=world.md.users[Role.SCHOOL_ADMIN],
            teacher=world.md.teacher_a,
            kind="rotation",
            to_school=world.md.point_a,
            start_date=D(2025, 9, 1),
            end_date=D(2026, 7, 1),
        )
    with pytest.raises(DomainError, match="不在派出学校任职"):
        _rotate(world, from_school=world.md.school_b, to_school=world.md.point_a)


def test_the_api_records_exchanges_for_the_personnel_office_only(world):
    from rest_framework.test import APIClient

    md = world.md
    body = {"teacher": md.teacher_a.pk, "kind": "rural_placement", "to_school": md.point_a.pk,
            "start_date": "2025-09-01", "end_date": "2026-07-01"}  # fmt: skip
    client = APIClient()
    client.force_authenticate(md.users[Role.SCHOOL_ADMIN])
    assert client.post("/api/v1/workforce/exchanges/", body, format="json").status_code == 403
    client.force_authenticate(world.personnel)
    response = client.post("/api/v1/workforce/exchanges/", body, format="json")
    assert response.status_code == 201, response.content
    assert response.json()["kind_label"] == "下派支教"
    again = client.post("/api/v1/workforce/exchanges/", body, format="json")
    assert again.status_code == 400 and "已有交流记录" in again.json()["detail"]


def test_a_school_short_of_the_rule_becomes_an_item(world):
    from edugov.rectification.models import RectificationItem
    from edugov.rectification.services import findings_sync
    from edugov.workforce.findings import ROTATION

    TeacherYear.objects.filter(teacher=world.md.teacher_a).update(school_since=2010)
    findings_sync(source=ROTATION)
    item = RectificationItem.objects.get(finding_source=ROTATION)
    assert item.title == "甲街道第一小学教师交流轮岗未达到规定比例"
    assert "符合交流条件的教师1人，已交流0人" in item.evidence
