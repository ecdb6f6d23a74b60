"""Permission policy of school appraisal (学校考核): the bureau (basic education or the supervision
office) defines the scheme, keeps the routine checklist, inspects and computes results; each school
reads its own card, keeps its own "N" items and enters its own values with evidence; inspectors
record teaching-routine inspections.

Roles are compared here and nowhere else in the app. Schools hold it with the registry (`module=`)."""

from __future__ import annotations

from edugov.accounts.models import Department, Module, Role
from edugov.accounts.policy import BUREAU_ROLES, Policy, Rule, register_policy

M = "appraisal"
OFFICE = frozenset({Role.DISTRICT_ADMIN, Role.DEPARTMENT_OFFICER})
DEPARTMENTS = frozenset({Department.BASIC_EDUCATION, Department.SUPERVISION_OFFICE})
SCHOOL = frozenset({Role.SCHOOL_ADMIN})


def action(name: str) -> str:
    return f"{M}.{name}"


POLICY = register_policy(
    Policy(
        M,
        {
            "view": Rule("查看学校考核结果", BUREAU_ROLES, scope="read"),
            "school_view": Rule("查看本校考核", SCHOOL, scope="read", module=Module.REGISTRY),
            "scheme_edit": Rule("制定考核方案", OFFICE, departments=DEPARTMENTS),
            "compute": Rule("计算考核结果", OFFICE, departments=DEPARTMENTS),
            "characteristic_edit": Rule("设定本校特色项目", SCHOOL, module=Module.REGISTRY),
            "entry_edit": Rule(
                "填报考核指标", OFFICE | SCHOOL, departments=DEPARTMENTS, module=Module.REGISTRY
            ),
            "checklist_edit": Rule("维护教学常规检查表", OFFICE, departments=DEPARTMENTS),
            # Inspectors (督学) do not hold the module: they hold rectification, where the
            # routine's shortfalls go, and inspect with it.
            "inspect": Rule(
                "记录教学常规检查",
                OFFICE | frozenset({Role.INSPECTOR}),
                departments=DEPARTMENTS,
                module=Module.RECTIFICATION,
            ),
            "survey_edit": Rule(
                "填报课后服务满意度", OFFICE | SCHOOL, departments=DEPARTMENTS, module=Module.REGISTRY
            ),
            "report": Rule("下载学校考核结果", BUREAU_ROLES, scope="read"),
        },
    )
)
