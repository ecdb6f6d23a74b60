"""Town B's rows beyond the mini district, so every resource has something to leak (also used by
the repository-level scope walk)."""

from __future__ import annotations

from typing import Any

from edugov.registry.models import Campus, Teacher, TeachingAssignment

TEACHER_B_NAME = "乙镇赵老师"


def add_town_b_rows(d: Any) -> None:
    d.teacher_b = Teacher.objects.create(
        school=d.school_b,
        staff_number="TB9001",
        name=TEACHER_B_NAME,
        sex="M",
        id_number="310101197502023456",
        phone="13900005678",
        subject="数学",
    )
    d.assignment_b = TeachingAssignment.objects.create(
        teacher=d.teacher_b, school_class=d.class_b1, subject="数学"
    )
    d.campus_a = Campus.objects.create(school=d.school_a, name="甲街道第一小学东校区")
    d.campus_b = Campus.objects.create(school=d.school_b, name="乙镇中心小学北校区")
    d.assignment_a = d.teacher_a.assignments.get()


def other_town_markers(d: Any) -> list[str]:
    """Strings that identify town B's rows; none may appear in a response to a town-A user."""
    return [
        d.town_b.name,
        d.school_b.name,
        d.school_b.code,
        d.town_b.code,
        TEACHER_B_NAME,
        "TB9001",
        d.campus_b.name,
    ]
