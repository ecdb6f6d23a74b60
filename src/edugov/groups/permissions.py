"""Permission policy of school groups (集团化办学): the basic education office sets groups up and reads
all of them; a school records its own activities and reads its group; the group head (the lead
school's administrator, granted a `group` anchor) reads the members and keeps the plans.

Roles are compared here and nowhere else in the app. Schools hold it with the registry (`module=`)."""

from __future__ import annotations

from edugov.accounts.models import Department, Module, Role
from edugov.accounts.policy import BUREAU_ROLES, Policy, Rule, register_policy

M = "groups"
OFFICE = frozenset({Role.DISTRICT_ADMIN, Role.DEPARTMENT_OFFICER})
BASIC_EDUCATION = frozenset({Department.BASIC_EDUCATION})
SCHOOL = frozenset({Role.SCHOOL_ADMIN})


def action(name: str) -> str:
    return f"{M}.{name}"


POLICY = register_policy(
    Policy(
        M,
        {
            "view": Rule("查看集团化办学", BUREAU_ROLES, scope="read"),
            "school_view": Rule("查看本校所在集团", SCHOOL, scope="read", module=Module.REGISTRY),
            "group_edit": Rule("设立和调整学校集团", OFFICE, departments=BASIC_EDUCATION),
            "plan_edit": Rule(
                "填报八个统一计划", OFFICE | SCHOOL, departments=BASIC_EDUCATION, module=Module.REGISTRY
            ),
            "activity_edit": Rule(
                "登记集团活动", OFFICE | SCHOOL, departments=BASIC_EDUCATION, module=Module.REGISTRY
            ),
            "joint_class_edit": Rule("登记联合办班", OFFICE, departments=BASIC_EDUCATION),
            "report": Rule("下载集团年度报告", BUREAU_ROLES, scope="read"),
        },
    )
)
