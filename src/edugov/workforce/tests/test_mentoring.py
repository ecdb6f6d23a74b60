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
