"""区管校聘: a round worked by hand. Posts: school A 语文 1, school B 数学 2. Choices: 王 (joined
2005) A语文 then B数学; 赵 (joined 2010) A语文; 钱 (joined 2000) A语文 then B数学. Placed in order of
service: 钱 takes A语文 (1st choice), 王 B数学 (2nd), 赵 nothing (待岗); 赵 appeals for B数学, which
still has a place: upheld. Every step is in the trail, in Chinese; refusals write nothing."""

from __future__ import annotations

import datetime as dt

import pytest
from django.test import Client
from django.urls import reverse
from rest_framework.test import APIClient

from edugov.accounts.models import Role
from edugov.common.errors import DomainError, PermissionDenied
from edugov.registry.models import Teacher
from edugov.testing import login
from edugov.workforce import rounds
from edugov.workforce.models import RoundChoice, RoundResult, TeacherYear
from edugov.workforce.reports import rotation_document

pytestmark = pytest.mark.django_db


def test_place_is_serial_by_order():
    # posts 1 (one place) and 2 (two); teachers 7, 8, 9 in that order.
    placed = rounds.place({7: [1, 2], 8: [1], 9: [1, 2]}, {1: 1, 2: 2}, [9, 7, 8])
    assert placed == {9: (1, 1), 7: (2, 2), 8: (None, None)}


def test_a_round_step_by_step(world):
    md, officer = world.md, world.personnel
    li = Teacher.objects.get(staff_number="T002")
    zhao = Teacher.objects.get(staff_number="T003")
    qian = world.teacher_b
    for t, joined in ((md.teacher_a, 2005), (zhao, 2010), (qian, 2000)):
        TeacherYear.objects.filter(teacher=t).update(joined_on=dt.date(joined, 9, 1))
    rnd = rounds.round_open(actor=officer, district=md.district, year=md.year)
    with pytest.raises(DomainError, match="已有区管校聘轮次"):
        rounds.round_open(actor=officer, district=md.district, year=md.year)
    with pytest.raises(DomainError, match="尚未核定任何岗位"):
        rounds.choosing_open(actor=officer, rnd=rnd)
    a = rounds.posts_set(actor=officer, rnd=rnd, school=md.school_a, subject="语文", posts=1)
    b = rounds.posts_set(actor=officer, rnd=rnd, school=md.school_b, subject="数学", posts=2)
    assert a is not None and b is not None
    with pytest.raises(DomainError, match="未知学科"):
        rounds.posts_set(actor=officer, rnd=rnd, school=md.school_a, subject="魔法", posts=1)
    with pytest.raises(PermissionDenied):
        rounds.posts_set(
            actor=md.users[Role.SCHOOL_ADMIN], rnd=rnd, school=md.school_a, subject="语文", posts=3
        )
    rounds.choosing_open(actor=officer, rnd=rnd)
    with pytest.raises(DomainError, match="当前处于“教师选岗”阶段，此操作只能在“核定岗位”阶段进行"):
        rounds.posts_set(actor=officer, rnd=rnd, school=md.school_a, subject="语文", posts=3)
    # 王 chooses through the API as themselves; the others through the personnel department.
    api = APIClient()
    api.force_authenticate(md.users[Role.TEACHER])
    r = api.post(f"/api/v1/workforce/rounds/{rnd.pk}/choose/", {"posts": [a.pk, b.pk]}, format="json")
    assert r.status_code == 201, r.content
    rounds.choices_submit(actor=officer, rnd=rnd, teacher=zhao, posts=[a])
    rounds.choices_submit(actor=officer, rnd=rnd, teacher=qian, posts=[a, b])
    with pytest.raises(DomainError, match="李老师本学年不是在编教师"):
        rounds.choices_submit(actor=officer, rnd=rnd, teacher=li, posts=[a])  # on contract
    with pytest.raises(DomainError, match="同一岗位不能重复填报"):
        rounds.choices_submit(actor=officer, rnd=rnd, teacher=zhao, posts=[a, a])
    with pytest.raises(DomainError, match="请选择1～3个志愿岗位"):
        rounds.choices_submit(actor=officer, rnd=rnd, teacher=zhao, posts=[])
    with pytest.raises(PermissionDenied):  # a teacher chooses for themselves only
        rounds.choices_submit(actor=md.users[Role.TEACHER], rnd=rnd, teacher=zhao, posts=[b])
    assert RoundChoice.objects.count() == 5
    rounds.assign(actor=officer, rnd=rnd)
    placed = {
        r.teacher.name: (r.post and f"{r.post.school.name}{r.post.subject}", r.rank)
        for r in RoundResult.objects.all()
    }
    assert placed == {
        "钱老师": ("甲街道第一小学语文", 1),
        "王老师": ("乙镇中心小学数学", 2),
        "赵老师": (None, None),
    }
    zr = RoundResult.objects.get(teacher=zhao)
    with pytest.raises(DomainError, match="请填写申诉理由"):
        rounds.appeal_file(actor=officer, result=zr, reason=" ")
    appeal = rounds.appeal_file(actor=officer, result=zr, reason="本人持数学教师资格证", requested_post=b)
    with pytest.raises(DomainError, match="已提出申诉"):
        rounds.appeal_file(actor=officer, result=zr, reason="再次申诉")
    with pytest.raises(DomainError, match="还有待复核的申诉"):
        rounds.round_close(actor=officer, rnd=rnd)
    rounds.appeal_decide(actor=officer, appeal=appeal, upheld=True, note="数学岗位尚余1个")
    zr.refresh_from_db()
    assert zr.post == b and zr.rank is None and rounds.room(b) == 0
    rounds.round_close(actor=officer, rnd=rnd)
    steps = [e.step for e in rounds.trail(rnd)]
    assert steps == ["创建轮次", "核定岗位", "核定岗位", "开放选岗", "教师选岗", "教师选岗", "教师选岗",
                     "公布聘用结果", "教师申诉", "申诉复核", "结束轮次"]  # fmt: skip
    last = rounds.trail(rnd)[-1]
    assert ("聘用", "3") in last.details and ("待岗", "0") in last.details
    # The page shows the trail; the report counts the round by school.
    html = login(Client(), md.users[Role.LEADER]).get("/workforce/rounds/?year=2025").content.decode()
    assert "过程留痕" in html and "申诉复核" in html and "已结束" in html
    doc = rotation_document(actor=md.users[Role.LEADER], year=2025)
    rows = {s.key: s.rows for s in doc.sections}
    # 甲街道第一小学: 王 placed at B, 赵 moved to B by appeal (both across); 乙镇: 钱 placed at A.
    assert sorted(rows["round"]) == [["乙镇中心小学", 1, 0, 1, 0], ["甲街道第一小学", 2, 0, 2, 0]]
    r = login(Client(), md.users[Role.LEADER]).get(
        reverse("reports:download", args=["workforce.rotation", "xlsx"]) + "?year=2025"
    )
    assert r.status_code == 200


def test_the_page_refuses_in_chinese(world):
    client = login(Client(), world.personnel)
    r = client.post(
        "/workforce/rounds/?year=2025", {"do": "post", "school": "1", "subject": "语文", "posts": "2"}
    )
    assert r.status_code == 400 and "找不到该岗位" in r.content.decode()  # no round yet
    client.post("/workforce/rounds/?year=2025", {"do": "open"})
    r = client.post(
        "/workforce/rounds/?year=2025",
        {"do": "post", "school": str(world.md.school_a.pk), "subject": "语文", "posts": "abc"},
    )
    assert r.status_code == 400 and "岗位数：应为0～200的整数" in r.content.decode()
    assert login(Client(), world.md.users[Role.TEACHER]).get("/workforce/rounds/").status_code == 403
