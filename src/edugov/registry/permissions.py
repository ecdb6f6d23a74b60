"""Permission policy of the registry: who maintains areas, schools, classes and teachers."""

from __future__ import annotations

from edugov.accounts.models import Module, Role
from edugov.accounts.policy import ALL_ROLES, Policy, Rule, register_policy

OFFICE = frozenset({Role.DISTRICT_ADMIN, Role.DEPARTMENT_OFFICER})

POLICY = register_policy(
    Policy(
        Module.REGISTRY,
        {
            "view": Rule("查看基础信息", ALL_ROLES - {Role.INSTITUTION_OPERATOR}, scope="read"),
            "export": Rule(
                "导出基础信息", OFFICE | {Role.SCHOOL_ADMIN, Role.LEADER, Role.INSPECTOR}, scope="read"
            ),
            "school_create": Rule("新增学校", OFFICE),
            "school_edit": Rule("修改学校信息", OFFICE | {Role.SCHOOL_ADMIN}),
            "school_archive": Rule("归档学校", OFFICE),
            # Teachers keep their own classes' rolls (their write scope is those classes).
            "class_edit": Rule("修改班级信息", OFFICE | {Role.SCHOOL_ADMIN, Role.TEACHER}),
            # Full ID and phone numbers: for those who administer the teacher's record.
            "teacher_identifiers": Rule(
                "查看教师完整身份证号与手机号", frozenset({Role.DISTRICT_ADMIN, Role.SCHOOL_ADMIN})
            ),
        },
    )
)
