"""Permission policy of the registry: who reads, exports and maintains areas, schools, classes and
teachers, and who imports them. Views, API classes, services and importers ask these actions."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from edugov.accounts.models import Module, Role
from edugov.accounts.policy import ALL_ROLES, SYSTEM_MODULE, Policy, Rule, register_policy, role_may
from edugov.accounts.scope import write_scoped

OFFICE = frozenset({Role.DISTRICT_ADMIN, Role.DEPARTMENT_OFFICER})
IMPORTERS = OFFICE | {Role.SCHOOL_ADMIN}

POLICY = register_policy(
    Policy(
        Module.REGISTRY,
        {
            # Base data is read across modules (an inspector's or an operator's pages name schools);
            # the scope decides which rows, so any signed-in role may open the lists and export
            # what they show.
            "view": Rule("查看基础信息", ALL_ROLES, scope="read", module=SYSTEM_MODULE),
            "export": Rule("导出基础信息", ALL_ROLES, scope="read", module=SYSTEM_MODULE),
            "area_create": Rule("新增行政区划", frozenset({Role.DISTRICT_ADMIN})),
            "school_create": Rule("新增学校", OFFICE),
            "school_edit": Rule("修改学校信息", OFFICE | {Role.SCHOOL_ADMIN}),
            "school_archive": Rule("归档学校", OFFICE),
            # Teachers keep their own classes' rolls (their write scope is those classes).
            "class_edit": Rule("修改班级信息", OFFICE | {Role.SCHOOL_ADMIN, Role.TEACHER}),
            # Full ID and phone numbers: for those who administer the teacher's record.
            "teacher_identifiers": Rule(
                "查看教师完整身份证号与手机号", frozenset({Role.DISTRICT_ADMIN, Role.SCHOOL_ADMIN})
            ),
            "import_areas": Rule("导入行政区划", frozenset({Role.DISTRICT_ADMIN})),
            "import_schools": Rule("导入学校", OFFICE),
            "import_classes": Rule("导入班级与学生数", IMPORTERS),
            "import_teachers": Rule("导入教师", IMPORTERS),
        },
    )
)


def identifier_reader(actor: Any) -> Callable[[Any], bool]:
    """Whether `actor` sees a teacher's identifiers in clear, for a whole page of teachers with at
    most one query: the `teacher_identifiers` rule (its roles, then the teacher in the actor's
    write scope: a teacher row is in scope exactly when its school is, see registry.scopes)."""
    from .models import Teacher

    if not role_may(actor, "registry.teacher_identifiers"):
        return lambda teacher: False
    if actor.is_superuser:
        return lambda teacher: True
    schools: set[int] | None = None

    def clear(teacher: Any) -> bool:
        nonlocal schools
        if schools is None:
            schools = set(
                write_scoped(Teacher, actor).order_by().values_list("school_id", flat=True).distinct()
            )
        return teacher.school_id in schools

    return clear
