"""A mini district with workforce records whose staffing is worked out by hand in the tests:
school A has 8 classes (6 in grade 1 of 42 pupils, 2 in grade 3 of 40) and three teachers (李, a
man born 1966-03, reaches retirement age in 2026-07); its
teaching point has 2 small classes; a personnel officer works in the module."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import pytest

from edugov.accounts.models import Role, User
from edugov.registry.models import Teacher
from edugov.testing import MiniDistrict, make_class, make_mini_district, make_user
from edugov.workforce import services
from edugov.workforce.models import TeacherYear


@dataclass
class World:
    md: MiniDistrict
    personnel: User
    records: dict[str, TeacherYear]
    teacher_b: Teacher

    @property
    def users(self) -> dict[str, User]:
        return {**self.md.users, "personnel": self.personnel}


BASE: dict[str, Any] = {
    "employment_type": "established",
    "title": "second",
    "qualification": "bachelor",
    "major": "汉语言文学",
    "certificate_stage": "primary",
    "certificate_subject": "语文",
    "birth_year": 1988,
    "birth_month": 5,
}


def save(teacher: Teacher, year: Any, loads: dict[str, int], **data: Any) -> TeacherYear:
    return services.teacher_year_save(
        actor=None, teacher=teacher, school_year=year, data={**BASE, **data}, loads=loads
    )


@pytest.fixture
def world(db) -> World:
    return workforce_world(make_mini_district())


def workforce_world(md: MiniDistrict) -> World:
    """The workforce records above, on a mini district (also used beside other modules' rows)."""
    for n in range(1, 7):
        make_class(school=md.school_a, year=md.year, grade=1, number=10 + n, boys=20, girls=22)
    make_class(school=md.point_a, year=md.year, grade=1, number=1, boys=3, girls=3)
    make_class(school=md.point_a, year=md.year, grade=2, number=1, boys=4, girls=4)
    t2 = Teacher.objects.create(school=md.school_a, staff_number="T002", name="李老师", sex="M")
    t3 = Teacher.objects.create(school=md.school_a, staff_number="T003", name="赵老师", sex="F")
    teacher_b = Teacher.objects.create(school=md.school_b, staff_number="B001", name="钱老师", sex="F")
    records = {
        "a": save(md.teacher_a, md.year, {"语文": 12, "音乐": 4}, is_head_teacher=True, head_teacher_years=3),
        "t2": save(
            t2,
            md.year,
            {"体育与健康": 16},
            employment_type="contract",
            certificate_subject="体育",
            major="体育教育",
            birth_year=1966,
            birth_month=3,
        ),
        "t3": save(
            t3, md.year, {"语文": 14}, certificate_stage="none", certificate_subject="", birth_year=1968
        ),
        "b": save(teacher_b, md.year, {"数学": 14}, certificate_subject="数学"),
    }
    personnel = make_user(Role.DEPARTMENT_OFFICER, area=md.district, department="personnel")
    return World(md, personnel, records, teacher_b)
