"""Permission policy of party leadership status (党组织领导的校长负责制): the bureau reads the district's
coverage; the personnel office and each school keep a school's status and meeting counts; the office
sets the district's target. Statuses and counts only.

Roles are compared here and nowhere else in the app. Schools hold it with the registry (`module=`)."""

from __future__ import annotations

from edugov.accounts.models import Department, Module, Role
from edugov.accounts.policy import BUREAU_ROLES, Policy, Rule, register_policy

M = "party"
OFFICE = frozenset({Role.DISTRICT_ADMIN, Role.DEPARTMENT_OFFICER})
PERSONNEL = frozenset({Department.PERSONNEL})
SCHOOL = frozenset({Role.SCHOOL_ADMIN})


def action(name: str) -> str:
    return f"{M}.{name}"


POLICY = register_policy(
    Policy(
        M,
        {
            "view": Rule("查看党组织领导的校长负责制推进情况", BUREAU_ROLES, scope="read"),
            "school_view": Rule(
                "查看本校党组织领导的校长负责制", SCHOOL, scope="read", module=Module.REGISTRY
            ),
            "status_edit": Rule(
                "填报党组织领导的校长负责制情况",
                OFFICE | SCHOOL,
                departments=PERSONNEL,
                module=Module.REGISTRY,
            ),
            "target_edit": Rule("设定覆盖目标", OFFICE, departments=PERSONNEL),
            "report": Rule("下载覆盖情况表", BUREAU_ROLES, scope="read"),
        },
    )
)
