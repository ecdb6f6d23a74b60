"""Mentoring pairs (青蓝结对): a pair of two of the school's teachers, refused in Chinese when the
mentor is the mentee, a teacher is from another school, or the mentee already has a mentor this
year (nothing written); the pair shows on the school page."""

from __future__ import annotations

import pytest
from django.test import Client

from edugov.accounts.models import Role
from edugov.common.errors import DomainError, PermissionDenied
from edugov.registry.models import Teacher
from edugov.testing import login
from edugov.workforce.mentoring import pair_create
from edugov.workforce.models import MentorPair

pytestmark = pytest.mark.django_db


def test_pair_shows_on_the_school_page_and_refusals_write_nothing(world):
    md = world.md
    li = Teacher.objects.get(staff_number="T002")
    zhao = Teacher.objects.get(staff_number="T003")
    admin = md.users[Role.SCHOOL_ADMIN]
    pair = pair_create(
        actor=admin,
        school=md.school_a,
        school_year=md.year,
        mentor=li,
        mentee=zhao,
        goals="第二学期独立担任班主任",
        observed_lessons=12,
    )
    assert pair.get_outcome_display() == "进行中"
    with pytest.raises(DomainError, match="指导教师和新教师不能是同一人"):
        pair_create(actor=admin, school=md.school_a, school_year=md.year, mentor=li, mentee=li)
    with pytest.raises(DomainError, match="钱老师不是本校教师"):
        pair_create(actor=admin, school=md.school_a, school_year=md.year, mentor=li, mentee=world.teacher_b)
    with pytest.raises(DomainError, match="赵老师本学年已有指导教师"):
        pair_create(actor=admin, school=md.school_a, school_year=md.year, mentor=md.teacher_a, mentee=zhao)
    with pytest.raises(PermissionDenied):
        pair_create(
            actor=md.users[Role.LEADER], school=md.school_a, school_year=md.year, mentor=zhao, mentee=li
        )
    assert MentorPair.objects.count() == 1
    html = (
        login(Client(), world.personnel)
        .get(f"/workforce/schools/{md.school_a.pk}/?year=2025")
        .content.decode()
    )
    assert "青蓝结对" in html and "第二学期独立担任班主任" in html and "进行中" in html


def _post(client: Client, school_pk: int, **data: object):
    return client.post(f"/workforce/schools/{school_pk}/mentoring/?year=2025", data)


def test_the_school_page_form_pairs_and_refuses_in_chinese(world):
    md = world.md
    li = Teacher.objects.get(staff_number="T002")
    zhao = Teacher.objects.get(staff_number="T003")
    client = login(Client(), md.users[Role.SCHOOL_ADMIN])
    page = client.get(f"/workforce/schools/{md.school_a.pk}/?year=2025").content.decode()
    assert "新增结对" in page and "添加结对" in page and "钱老师" not in page
    response = _post(client, md.school_a.pk, mentor=li.pk, mentee=zhao.pk, goals="独立上好公开课")
    assert response.status_code == 302
    pair = MentorPair.objects.get()
    assert (pair.mentor, pair.mentee, pair.school, pair.goals) == (li, zhao, md.school_a, "独立上好公开课")
    html = client.get(response["Location"]).content.decode()
    assert "独立上好公开课" in html and "已添加青蓝结对" in html
    refusals = [
        ({"mentor": li.pk, "mentee": li.pk}, "指导教师和新教师不能是同一人"),
        ({"mentor": md.teacher_a.pk, "mentee": zhao.pk}, "赵老师本学年已有指导教师"),
        ({"mentor": li.pk, "mentee": world.teacher_b.pk}, "所选教师不是本校教师"),
        ({"mentor": li.pk}, "请选择新教师"),
    ]
    for data, message in refusals:
        refused = _post(client, md.school_a.pk, **data)
        assert refused.status_code == 400, data
        assert message in refused.content.decode(), data
    assert MentorPair.objects.count() == 1


@pytest.mark.parametrize("role", [Role.TEACHER, Role.LEADER])
def test_a_teacher_or_a_leader_may_not_pair(world, role):
    md = world.md
    li = Teacher.objects.get(staff_number="T002")
    zhao = Teacher.objects.get(staff_number="T003")
    client = login(Client(), md.users[role])
    assert _post(client, md.school_a.pk, mentor=li.pk, mentee=zhao.pk).status_code == 403
    assert "新增结对" not in client.get(f"/workforce/schools/{md.school_a.pk}/?year=2025").content.decode()
    assert not MentorPair.objects.exists()
