"""The page forms for what workforce did only through its API: the personnel department founds a
studio on the studio board, enters a school's appraisal results; a teacher makes their 区管校聘
choices and appeals from their own page; each with its success, a Chinese refusal (400, nothing written) and a
role that may not."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client

from edugov.accounts.models import Role
from edugov.registry.models import Teacher
from edugov.testing import login
from edugov.workforce import rounds
from edugov.workforce.models import Appraisal, RoundAppeal, RoundChoice, Studio

pytestmark = pytest.mark.django_db


def _studio_data(world: Any, **kw: Any) -> dict[str, Any]:
    md = world.md
    li = Teacher.objects.get(staff_number="T002")
    zhao = Teacher.objects.get(staff_number="T003")
    return {
        "name": "王老师名师工作室",
        "kind": "famous_teacher",
        "lead_school": md.school_a.pk,
        "lead": md.teacher_a.pk,
        "members": [li.pk, zhao.pk],
        "cadence": "half_yearly",
        "started_on": "2025-09-01",
        "plan": "大单元教学研究",
        **kw,
    }


def test_the_personnel_department_founds_a_studio_on_the_board(world):
    md = world.md
    client = login(Client(), world.personnel)
    page = client.get("/workforce/studios/").content.decode()
    assert "成立工作室" in page and "钱老师（" in page  # the district's teachers to choose from
    response = client.post("/workforce/studios/", _studio_data(world))
    assert response.status_code == 302
    studio = Studio.objects.get()
    assert (studio.kind, studio.lead, studio.lead_school, studio.cadence) == (
        "famous_teacher", md.teacher_a, md.school_a, "half_yearly"
    )  # fmt: skip
    assert sorted(studio.members.values_list("name", flat=True)) == ["李老师", "赵老师"]
    # Half-yearly from 2025-09-01 over its first year (to 2026-08-31): two periods, then a third.
    assert list(studio.reports.order_by("period_end").values_list("period_label", flat=True)) == [
        "2025年下半年", "2026年上半年", "2026年下半年"
    ]  # fmt: skip
    html = client.get(response["Location"]).content.decode()
    assert "已成立王老师名师工作室" in html and "半年报" in html


def test_a_studio_refused_in_chinese_writes_nothing(world):
    client = login(Client(), world.personnel)
    client.post("/workforce/studios/", _studio_data(world))
    cases: list[tuple[dict[str, Any], str]] = [
        ({}, "已有名为“王老师名师工作室”的工作室"),
        ({"name": "新工作室", "lead": world.teacher_b.pk}, "钱老师不在"),
        ({"name": "新工作室", "started_on": "2025-13-01"}, "请按“2026-03-01”的格式填写成立日期"),
        ({"name": "新工作室", "lead": 999999}, "所选教师不在您可维护的学校"),
        ({"name": ""}, "请填写工作室名称"),
    ]
    for extra, message in cases:
        refused = client.post("/workforce/studios/", _studio_data(world, **extra))
        assert refused.status_code == 400, extra
        assert message in refused.content.decode(), extra
    assert Studio.objects.count() == 1


@pytest.mark.parametrize("role", [Role.LEADER, Role.SCHOOL_ADMIN, Role.TEACHER])
def test_only_the_personnel_department_founds_a_studio(world, role):
    client = login(Client(), world.md.users[role])
    assert client.post("/workforce/studios/", _studio_data(world)).status_code == 403
    assert not Studio.objects.exists()
    if role == Role.LEADER:
        assert "成立工作室" not in client.get("/workforce/studios/").content.decode()


# --- appraisal results ---


def _grades(world: Any, **grades: str) -> dict[str, Any]:
    md = world.md
    li = Teacher.objects.get(staff_number="T002")
    zhao = Teacher.objects.get(staff_number="T003")
    ids = {"wang": md.teacher_a.pk, "li": li.pk, "zhao": zhao.pk}
    return {"school": md.school_a.pk, **{f"grade_{ids[k]}": v for k, v in grades.items()}}


def test_the_personnel_department_enters_a_schools_appraisal_results(world):
    md = world.md
    client = login(Client(), world.personnel)
    page = client.get(f"/workforce/appraisal/?year=2025&school={md.school_a.pk}").content.decode()
    assert "录入考核结果" in page and "李老师" in page and "钱老师" not in page  # town B's teacher
    response = client.post(
        "/workforce/appraisal/?year=2025", _grades(world, wang="competent", li="basic", zhao="")
    )
    assert response.status_code == 302
    assert dict(Appraisal.objects.values_list("teacher__name", "grade")) == {
        "王老师": "competent", "李老师": "basic"
    }  # fmt: skip
    html = client.get(response["Location"]).content.decode()
    assert "已录入" in html and "考核结果2人" in html
    # Changed afterwards: the grade entered replaces the earlier one.
    assert client.post("/workforce/appraisal/?year=2025", _grades(world, li="competent")).status_code == 302
    assert Appraisal.objects.get(teacher__name="李老师").grade == "competent"


def test_appraisal_results_over_the_cap_are_refused_in_chinese(world):
    client = login(Client(), world.personnel)
    # Two teachers appraised at school A: 2 × 20% = 0.4, rounded down to no 优秀 at all.
    refused = client.post("/workforce/appraisal/?year=2025", _grades(world, wang="excellent", li="competent"))
    assert refused.status_code == 400
    assert "参加考核2人，优秀不能超过0人（比例上限20%），本次将达到1人" in refused.content.decode()
    cases: list[tuple[dict[str, Any], str]] = [
        (_grades(world, wang="superb"), "考核等次应为优秀、合格、基本合格或不合格"),
        (
            {**_grades(world, wang="competent"), "school": world.teacher_b.school_id + 10_000},
            "请选择您管辖的学校",
        ),
    ]
    for data, message in cases:
        r = client.post("/workforce/appraisal/?year=2025", data)
        assert r.status_code == 400 and message in r.content.decode(), data
    assert not Appraisal.objects.exists()


@pytest.mark.parametrize("role", [Role.LEADER, Role.TEACHER])
def test_a_leader_or_a_teacher_may_not_enter_appraisal_results(world, role):
    client = login(Client(), world.md.users[role])
    assert client.post("/workforce/appraisal/?year=2025", _grades(world, wang="competent")).status_code == 403
    assert not Appraisal.objects.exists()
    if role == Role.LEADER:
        assert "保存考核结果" not in client.get("/workforce/appraisal/?year=2025").content.decode()


# --- a teacher's 区管校聘 choices and appeal, on their own page ---


def _round(world: Any) -> tuple[Any, Any, Any]:
    md, officer = world.md, world.personnel
    rnd = rounds.round_open(actor=officer, district=md.district, year=md.year)
    a = rounds.posts_set(actor=officer, rnd=rnd, school=md.school_a, subject="语文", posts=1)
    b = rounds.posts_set(actor=officer, rnd=rnd, school=md.school_b, subject="数学", posts=2)
    rounds.choosing_open(actor=officer, rnd=rnd)
    return rnd, a, b


def test_a_teacher_chooses_posts_and_appeals_from_their_own_page(world):
    md = world.md
    rnd, a, b = _round(world)
    client = login(Client(), md.users[Role.TEACHER])  # 王老师, 在编
    page = client.get("/workforce/me/").content.decode()
    assert "区管校聘" in page and "第3志愿" in page and "乙镇中心小学 数学（2个岗位）" in page
    response = client.post(
        "/workforce/me/", {"do": "choices", "choice_1": b.pk, "choice_2": a.pk, "choice_3": ""}
    )
    assert response.status_code == 302
    assert list(RoundChoice.objects.order_by("rank").values_list("rank", "post")) == [(1, b.pk), (2, a.pk)]
    assert "已提交选岗志愿" in client.get(response["Location"]).content.decode()
    # Chosen again: the new choices replace the earlier ones.
    assert client.post("/workforce/me/", {"do": "choices", "choice_1": a.pk}).status_code == 302
    assert list(RoundChoice.objects.values_list("rank", "post")) == [(1, a.pk)]
    rounds.assign(actor=world.personnel, rnd=rnd)
    page = client.get("/workforce/me/").content.decode()
    assert "甲街道第一小学语文" in page and "提出申诉" in page
    response = client.post(
        "/workforce/me/", {"do": "appeal", "reason": "希望到乙镇任教", "requested_post": b.pk}
    )
    assert response.status_code == 302
    appeal = RoundAppeal.objects.get()
    assert (appeal.reason, appeal.requested_post, appeal.status) == ("希望到乙镇任教", b, "pending")
    assert "待复核" in client.get("/workforce/me/").content.decode()


def test_a_teachers_round_refusals_are_chinese_and_write_nothing(world):
    md = world.md
    rnd, a, _ = _round(world)
    client = login(Client(), md.users[Role.TEACHER])
    cases: list[tuple[dict[str, Any], str]] = [
        ({"choice_1": a.pk, "choice_2": a.pk}, "同一岗位不能重复填报"),
        ({"choice_1": ""}, "请至少填报第1志愿"),
        ({"choice_1": 999999}, "找不到该岗位，请刷新页面后重试"),
    ]
    for data, message in cases:
        refused = client.post("/workforce/me/", {"do": "choices", **data})
        assert refused.status_code == 400 and message in refused.content.decode(), data
    assert not RoundChoice.objects.exists()
    # The results not yet published: an appeal is refused.
    refused = client.post("/workforce/me/", {"do": "appeal", "reason": "x"})
    assert refused.status_code == 400 and "找不到该岗位" in refused.content.decode()
    client.post("/workforce/me/", {"do": "choices", "choice_1": a.pk})
    rounds.assign(actor=world.personnel, rnd=rnd)
    refused = client.post("/workforce/me/", {"do": "appeal", "reason": "  "})
    assert refused.status_code == 400 and "请填写申诉理由" in refused.content.decode()
    assert not RoundAppeal.objects.exists()


@pytest.mark.parametrize("role", [Role.SCHOOL_ADMIN, Role.LEADER])
def test_only_a_teacher_chooses_on_their_own_page(world, role):
    _, a, _ = _round(world)
    client = login(Client(), world.md.users[role])
    assert client.post("/workforce/me/", {"do": "choices", "choice_1": a.pk}).status_code == 403
    assert not RoundChoice.objects.exists()
